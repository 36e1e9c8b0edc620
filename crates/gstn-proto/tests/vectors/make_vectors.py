#!/usr/bin/env python3
"""Known-answer vectors for gstn-proto, made independently with the `cryptography` package.

Run once from this folder: `python3 make_vectors.py`. It writes one JSON file per step of
the GSTN crypto (docs/protocol.md §4). Keys and plaintexts are fixed so every output that is
deterministic (AES-ECB, HMAC) can be checked byte for byte; the RSA key pair, certificates and
the PKCS#1 v1.5 ciphertext are random and stored as made.
"""

import base64
import datetime
import hashlib
import hmac
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.oid import NameOID


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def aes_ecb(key: bytes, plaintext: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def write(name: str, value: dict) -> None:
    with open(f"{name}.json", "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")


APP_KEY = bytes(range(32))                        # 00 01 .. 1f
EK = bytes(0xA0 + i for i in range(32))           # a0 a1 .. bf
REK = bytes(0x40 + 3 * i & 0xFF for i in range(32))
FILE_KEY = hashlib.sha256(b"gstn-proto large file key").digest()

# OTP under the app key.
OTP = "575757"
write("otp", {
    "app_key_hex": APP_KEY.hex(),
    "otp": OTP,
    "encrypted_otp": b64(aes_ecb(APP_KEY, OTP.encode("utf-8"))),
})

# sek -> EK.
write("sek", {
    "app_key_hex": APP_KEY.hex(),
    "sek": b64(aes_ecb(APP_KEY, EK)),
    "session_key_hex": EK.hex(),
})

# Request data + hmac.
REQUEST_JSON = '{"gstin":"27AAPFU0939F1ZV","fp":"072017","b2b":[{"ctin":"33GSPTN4811G1ZC","inv":[{"inum":"S008400","val":729248.16}]}]}'
b64_request = b64(REQUEST_JSON.encode("utf-8")).encode("ascii")
write("request", {
    "session_key_hex": EK.hex(),
    "action": "RETSAVE",
    "json": REQUEST_JSON,
    "data": b64(aes_ecb(EK, b64_request)),
    "hmac": b64(hmac_sha256(EK, b64_request)),
})

# Response with rek.
RESPONSE_JSON = '{"reference_id":"LAPN24235325555"}'
b64_response = b64(RESPONSE_JSON.encode("utf-8")).encode("ascii")
write("response", {
    "session_key_hex": EK.hex(),
    "response_key_hex": REK.hex(),
    "json": RESPONSE_JSON,
    "status_cd": "1",
    "rek": b64(aes_ecb(EK, REK)),
    "data": b64(aes_ecb(REK, b64_response)),
    "hmac": b64(hmac_sha256(REK, b64_response)),
})

# REFRESHTOKEN app_key under EK.
write("refresh_app_key", {
    "session_key_hex": EK.hex(),
    "app_key_hex": APP_KEY.hex(),
    "app_key": b64(aes_ecb(EK, APP_KEY)),
})

# EVC signing of RETFILE.
PAN = "AAPFU0939F"
EVC_OTP = "123456"
SUMMARY_JSON = '{"gstin":"27AAPFU0939F1ZV","ret_period":"072017","sec_sum":[{"sec_nm":"B2B","ttl_rec":1,"ttl_val":729248.16}]}'
b64_summary = b64(SUMMARY_JSON.encode("utf-8")).encode("ascii")
sid = f"{PAN}|{EVC_OTP}"
write("evc_sign", {
    "session_key_hex": EK.hex(),
    "pan": PAN,
    "otp": EVC_OTP,
    "summary_json": SUMMARY_JSON,
    "sid": sid,
    "sign": b64(hmac_sha256(sid.encode("utf-8"), b64_summary)),
    "data": b64(aes_ecb(EK, b64_summary)),
})

# Large-file content under ek.
FILE_JSON = '{"b2b":[{"ctin":"33GSPTN4811G1ZC","cfs":"Y","inv":[{"inum":"S008400","chksum":"ab12"}]}]}'
write("large_file", {
    "ek": b64(FILE_KEY),
    "json": FILE_JSON,
    "content": b64(aes_ecb(FILE_KEY, b64(FILE_JSON.encode("utf-8")).encode("ascii"))),
})

# RSA: a key pair, a self-signed certificate (PEM and DER), an expired one, and the app key
# wrapped with PKCS#1 v1.5.
private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gstn-proto test vectors")])


def certificate(not_before: datetime.datetime, not_after: datetime.datetime) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(private_key, hashes.SHA256())
    )


valid = certificate(
    datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    datetime.datetime(2049, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
)
expired = certificate(
    datetime.datetime(2017, 1, 1, tzinfo=datetime.timezone.utc),
    datetime.datetime(2019, 6, 30, 12, 0, 0, tzinfo=datetime.timezone.utc),
)
write("rsa", {
    "private_key_pkcs8_pem": private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii"),
    "private_key_pkcs1_pem": private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode("ascii"),
    "certificate_pem": valid.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    "certificate_der_b64": b64(valid.public_bytes(serialization.Encoding.DER)),
    "not_before": "2024-01-01T00:00:00Z",
    "not_after": "2049-12-31T23:59:59Z",
    "expired_certificate_pem": expired.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    "expired_not_after": "2019-06-30T12:00:00Z",
    "app_key_hex": APP_KEY.hex(),
    "app_key_rsa": b64(private_key.public_key().encrypt(APP_KEY, asym_padding.PKCS1v15())),
})
