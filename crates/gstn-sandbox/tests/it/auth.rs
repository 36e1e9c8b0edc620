//! Authentication: OTPREQUEST, AUTHTOKEN, REFRESHTOKEN, LOGOUT, EVCOTP and their error codes.

use std::time::Duration;

use gstn_proto::headers::paths;
use gstn_proto::{AppKey, AuthRequest, Otp};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn login_gives_a_working_session() {
    let sb = sandbox(config()).await;
    let mut c = Client::new(&sb, receiver()).await;
    assert_eq!(c.request_otp().await.ok()["status_cd"], "1");
    let r = c.auth_token(OTP).await.ok();
    assert_eq!(r["expiry"], 360, "6 hours in minutes: {r}");
    // The session key decrypts an encrypted response: RETSUM on an empty return.
    let sum = c.get(paths::GSTR2, &[("action", "RETSUM")]).await.ok();
    assert_eq!(sum["gstin"], receiver().as_str());
    assert_eq!(sum["section_summary"], json!([]));
    assert_eq!(sb.request_count("AUTHTOKEN"), 1);
    // Every response comes under a fresh response key.
    let raw = || async {
        c.http
            .get(format!("{}{}", c.base, paths::GSTR2))
            .headers(c.headers(&gstn_proto::TxnId::generate()))
            .query(&[
                ("action", "RETSUM"),
                ("gstin", c.gstin.as_str()),
                ("ret_period", "072017"),
            ])
            .send()
            .await
            .unwrap()
            .json::<gstn_proto::EncryptedResponse>()
            .await
            .unwrap()
    };
    let (a, b) = (raw().await, raw().await);
    assert_ne!(a.rek, b.rek);
    assert_ne!(a.data, b.data);
    let key = c.key.as_ref().unwrap();
    assert_eq!(
        a.open::<serde_json::Value>(key).unwrap(),
        b.open::<serde_json::Value>(key).unwrap()
    );
    assert_eq!(sb.state().session_count(), 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn client_id_and_secret_are_checked() {
    let sb = sandbox(config()).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.client_secret = "wrong".into();
    assert_eq!(c.request_otp().await.code(), "AUT4034");
    c.client_secret = "sandbox-secret".into();
    c.client_id = "stranger".into();
    assert_eq!(c.request_otp().await.code(), "AUT4033");
    let sb2 = sandbox(config().with_client("gsp-7", "s3cret")).await;
    let mut c = Client::new(&sb2, receiver()).await;
    assert_eq!(c.request_otp().await.code(), "AUT4033");
    c.client_id = "gsp-7".into();
    c.client_secret = "s3cret".into();
    c.login().await;
    assert!(c.token.is_some());
    sb.shutdown().await;
    sb2.shutdown().await;
}

#[tokio::test]
async fn wrong_otp_and_bad_app_key_are_refused() {
    let sb = sandbox(config()).await;
    let mut c = Client::new(&sb, receiver()).await;
    // AUTHTOKEN before any OTPREQUEST.
    assert_eq!(c.auth_token(OTP).await.code(), "AUTH4034");
    c.request_otp().await.ok();
    assert_eq!(c.auth_token("123456").await.code(), "AUTH4034");
    // An app key wrapped with another RSA key does not decrypt.
    let mut bad = AuthRequest::otp_request(&c.username, &c.cert, &c.app_key).unwrap();
    bad.app_key = gstn_proto::crypto::b64_encode(&[7u8; 128]);
    assert_eq!(c.auth(&bad).await.code(), "AUTH4036");
    // OTP encrypted under a different app key than the one wrapped.
    let other = AppKey::generate();
    let mut mixed =
        AuthRequest::auth_token(&c.username, &c.cert, &c.app_key, &Otp::new(OTP).unwrap()).unwrap();
    mixed.otp = Some(gstn_proto::crypto::encrypt_otp(
        &other,
        &Otp::new(OTP).unwrap(),
    ));
    let code = c.auth(&mixed).await.code();
    assert_eq!(code, "AUTH4034");
    // The right OTP still works.
    c.auth_token(OTP).await.ok();
    sb.shutdown().await;
}

#[tokio::test]
async fn a_configured_otp_replaces_the_default() {
    let sb = sandbox(config().with_otp("112233")).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.request_otp().await.ok();
    assert_eq!(c.auth_token(OTP).await.code(), "AUTH4034");
    c.auth_token("112233").await.ok();
    sb.shutdown().await;
}

#[tokio::test]
async fn headers_are_checked() {
    let sb = sandbox(config()).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.login().await;
    // state-cd not the GSTIN's state.
    let mut h = c.headers(&gstn_proto::TxnId::generate());
    h.insert("state-cd", "29".parse().unwrap());
    let r = c
        .http
        .get(format!("{}{}", c.base, paths::GSTR2))
        .headers(h.clone())
        .query(&[
            ("action", "RETSUM"),
            ("gstin", c.gstin.as_str()),
            ("ret_period", "072017"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["error_cd"], "RET11404");
    // txn missing.
    h.remove("txn");
    h.insert("state-cd", "27".parse().unwrap());
    let r = c
        .http
        .get(format!("{}{}", c.base, paths::GSTR2))
        .headers(h)
        .query(&[("action", "RETSUM")])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["error_cd"], "RET11400");
    // A txn that is not 32 hex characters.
    let mut h = c.headers(&gstn_proto::TxnId::generate());
    h.insert("txn", "1234".parse().unwrap());
    let r = c
        .http
        .get(format!("{}{}", c.base, paths::GSTR2))
        .headers(h)
        .query(&[
            ("action", "RETSUM"),
            ("gstin", c.gstin.as_str()),
            ("ret_period", "072017"),
        ])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["error_cd"], "RET11408");
    // On /authenticate a missing header is GEN5001.
    let mut h = c.headers(&gstn_proto::TxnId::generate());
    h.remove("state-cd");
    let otp = AuthRequest::otp_request(&c.username, &c.cert, &c.app_key).unwrap();
    let r = c
        .http
        .post(format!("{}{}", c.base, paths::AUTHENTICATE))
        .headers(h)
        .json(&otp)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["error_cd"], "GEN5001");
    // Unknown token.
    let mut other = Client::new(&sb, receiver()).await;
    other.token = Some(gstn_proto::AuthToken::new("not-a-token").unwrap());
    other.key = c.key.clone();
    assert_eq!(
        other
            .get(paths::GSTR2, &[("action", "RETSUM")])
            .await
            .code(),
        "RET11407"
    );
    // Token of another username.
    other.token = c.token.clone();
    other.username = "someone-else".into();
    assert_eq!(
        other
            .get(paths::GSTR2, &[("action", "RETSUM")])
            .await
            .code(),
        "RET11409"
    );
    // An invalid GSTIN header.
    let mut bad = Client::new(&sb, receiver()).await;
    bad.token = c.token.clone();
    bad.key = c.key.clone();
    bad.username = c.username.clone();
    let mut h = bad.headers(&gstn_proto::TxnId::generate());
    h.insert("gstin", "27AAPFU0939F1ZA".parse().unwrap());
    let r = bad
        .http
        .get(format!("{}{}", bad.base, paths::GSTR2))
        .headers(h)
        .query(&[("action", "RETSUM")])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["error_cd"], "RET11410");
    sb.shutdown().await;
}

#[tokio::test]
async fn tokens_expire_and_refresh_follows_the_rules() {
    let sb = sandbox(config().with_token_lifetime(Duration::from_millis(600))).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.request_otp().await.ok();
    let r = c.auth_token(OTP).await.ok();
    assert_eq!(r["expiry"], 1, "600 ms rounds up to one minute");
    let first = c.token.clone().unwrap();
    // Refresh while valid: a new token and key that work.
    c.refresh().await.ok();
    assert_ne!(
        c.token.as_ref().unwrap().expose_secret(),
        first.expose_secret()
    );
    c.get(paths::GSTR2, &[("action", "RETSUM")]).await.ok();
    // Let it expire: requests and refresh are refused with AUTH4038.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        c.get(paths::GSTR2, &[("action", "RETSUM")]).await.code(),
        "AUTH4038"
    );
    assert_eq!(c.refresh().await.code(), "AUTH4038");
    // A fresh login works again.
    c.login().await;
    c.get(paths::GSTR2, &[("action", "RETSUM")]).await.ok();
    sb.shutdown().await;
}

#[tokio::test]
async fn refresh_stops_at_the_session_maximum() {
    let sb = sandbox(
        config()
            .with_token_lifetime(Duration::from_secs(3600))
            .with_session_max(Duration::from_millis(500)),
    )
    .await;
    let mut c = Client::new(&sb, receiver()).await;
    c.request_otp().await.ok();
    // Access is capped by the session: under a minute, announced as 1.
    assert_eq!(c.auth_token(OTP).await.ok()["expiry"], 1);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(c.refresh().await.code(), "AUTH4038");
    sb.shutdown().await;
}

#[tokio::test]
async fn refresh_needs_the_sessions_app_key() {
    let sb = sandbox(config()).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.login().await;
    let real = c.app_key.clone();
    c.app_key = AppKey::generate();
    assert_eq!(c.refresh().await.code(), "AUTH4036");
    c.app_key = real;
    c.refresh().await.ok();
    sb.shutdown().await;
}

#[tokio::test]
async fn logout_ends_the_session() {
    let sb = sandbox(config()).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.login().await;
    c.refresh().await.ok();
    assert_eq!(c.logout().await.ok()["status_cd"], "1");
    assert_eq!(sb.state().session_count(), 0);
    assert_eq!(
        c.get(paths::GSTR2, &[("action", "RETSUM")]).await.code(),
        "RET11407"
    );
    assert_eq!(c.logout().await.code(), "AUTH4033");
    sb.shutdown().await;
}

#[tokio::test]
async fn evc_otp_checks_the_pan() {
    let sb = sandbox(config()).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.login().await;
    assert_eq!(c.evc_otp().await.ok()["status_cd"], "1");
    let r = c
        .http
        .get(format!("{}{}", c.base, paths::AUTHENTICATE))
        .headers(c.headers(&gstn_proto::TxnId::generate()))
        .query(&[
            ("action", "EVCOTP"),
            ("gstin", c.gstin.as_str()),
            ("pan", "ABCDE1234F"),
            ("form_type", "R2"),
        ])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["error_cd"], "OTP0006");
    assert_eq!(sb.request_count("EVCOTP"), 2);
    sb.shutdown().await;
}

#[tokio::test]
async fn users_can_be_restricted() {
    let sb = sandbox(config().with_user("alice", [receiver()])).await;
    let mut c = Client::new(&sb, receiver()).await;
    assert_eq!(c.request_otp().await.code(), "AUTH4032");
    c.username = "alice".into();
    c.login().await;
    c.get(paths::GSTR2, &[("action", "RETSUM")]).await.ok();
    c.gstin = supplier_tn();
    assert_eq!(
        c.get(paths::GSTR2, &[("action", "RETSUM")]).await.code(),
        "RET11402"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn a_session_can_expire_before_its_announced_expiry() {
    let mut faults = gstn_sandbox::Faults::default();
    faults.expire_after = Some(Duration::from_millis(300));
    let sb = sandbox(config().with_faults(faults)).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.request_otp().await.ok();
    assert_eq!(
        c.auth_token(OTP).await.ok()["expiry"],
        360,
        "announces 6 hours"
    );
    c.get(paths::GSTR2, &[("action", "RETSUM")]).await.ok();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        c.get(paths::GSTR2, &[("action", "RETSUM")]).await.code(),
        "AUTH4038"
    );
    assert_eq!(c.refresh().await.code(), "AUTH4038");
    c.login().await;
    c.get(paths::GSTR2, &[("action", "RETSUM")]).await.ok();
    sb.shutdown().await;
}
