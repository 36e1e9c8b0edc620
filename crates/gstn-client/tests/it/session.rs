//! Sessions: a stored token reused across client instances, refresh before expiry, expiry,
//! a wrong OTP.

use std::sync::Arc;
use std::time::Duration;

use gstn_client::{
    Error, FileTokenStore, MemoryTokenStore, SessionError, SessionStatus, TokenStore,
};
use gstn_proto::Otp;
use gstr2_model::{ErrorChain, Table};

use crate::common::*;

#[tokio::test]
async fn a_stored_token_is_reused_by_a_second_client_without_an_otp() {
    let sandbox = sandbox(config()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gstn-token.json");

    let first = builder(&sandbox)
        .token_store(Arc::new(FileTokenStore::new(&path)))
        .build()
        .unwrap();
    assert_eq!(
        first.connect_with_stored().await.unwrap(),
        SessionStatus::NotConnected
    );
    login(&first).await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "token file mode {mode:o}");
    }
    first.save(&payload(5, 2)).await.unwrap();
    drop(first);

    // A new instance ("Existing token"): no OTP, and the session works.
    let second = builder(&sandbox)
        .token_store(Arc::new(FileTokenStore::new(&path)))
        .build()
        .unwrap();
    let status = second.connect_with_stored().await.unwrap();
    assert!(
        matches!(status, SessionStatus::Existing { .. }),
        "{status:?}"
    );
    let b2b = second.get_section(period(), Table::B2b).await.unwrap();
    assert_eq!(b2b.document_count(Table::B2b), 5);
    assert_eq!(sandbox.request_count("OTPREQUEST"), 1);
    assert_eq!(sandbox.request_count("AUTHTOKEN"), 1);

    // A stored session of another user is not reused.
    let other = builder(&sandbox)
        .username("someone_else")
        .token_store(Arc::new(FileTokenStore::new(&path)))
        .build()
        .unwrap();
    assert_eq!(
        other.connect_with_stored().await.unwrap(),
        SessionStatus::NotConnected
    );

    // Logout forgets the stored session.
    second.logout().await.unwrap();
    assert!(!path.exists());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_token_is_refreshed_before_it_expires() {
    let sandbox = sandbox(config().with_token_lifetime(Duration::from_secs(3600))).await;
    let store = Arc::new(MemoryTokenStore::new());
    // A margin longer than the token's life: every call finds it about to expire.
    let client = builder(&sandbox)
        .token_store(store.clone())
        .refresh_margin(Duration::from_secs(2 * 3600))
        .build()
        .unwrap();
    login(&client).await;
    let before = store.load().unwrap().unwrap();
    client.get_section(period(), Table::B2b).await.unwrap();
    assert_eq!(sandbox.request_count("REFRESHTOKEN"), 1);
    let after = store.load().unwrap().unwrap();
    assert!(
        !after.auth_token().ct_eq(before.auth_token()),
        "a new token is stored"
    );
    assert!(
        !after.session_key().ct_eq(before.session_key()),
        "a new session key is stored"
    );
    assert!(after.app_key().ct_eq(before.app_key()), "the app key stays");
    assert!(matches!(
        client.session_status().await,
        SessionStatus::Refreshed { .. }
    ));
    // The refreshed session works for encrypted calls.
    let report = client.save(&payload(4, 2)).await.unwrap();
    assert!(report.is_clean());
    assert!(sandbox.request_count("REFRESHTOKEN") >= 2);

    // An explicit refresh too.
    let status = client.refresh().await.unwrap();
    assert!(matches!(status, SessionStatus::Refreshed { .. }));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_expired_session_needs_a_new_login() {
    // Server side: the sandbox ends the token after a second (while announcing one minute).
    let sandbox = sandbox(config().with_token_lifetime(Duration::from_millis(800))).await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = builder(&sandbox)
        .token_store(store.clone())
        .refresh_margin(Duration::ZERO)
        .build()
        .unwrap();
    login(&client).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let err = client.get_section(period(), Table::B2b).await.unwrap_err();
    assert!(
        matches!(err, Error::Session(SessionError::ReloginRequired { .. })),
        "{err:?}"
    );
    assert!(err.is_relogin_required() && !err.is_retryable());
    assert!(ErrorChain(&err).to_string().contains("AUTH4038"), "{err}");
    assert_eq!(client.session_status().await, SessionStatus::Expired);
    assert!(
        store.load().unwrap().is_none(),
        "the dead session is forgotten"
    );
    // Any further call says so without asking GSTN.
    let err = client.summary(period()).await.unwrap_err();
    assert!(
        matches!(err, Error::Session(SessionError::NotConnected)),
        "{err:?}"
    );
    // A new login works.
    login(&client).await;
    assert!(matches!(
        client.session_status().await,
        SessionStatus::Obtained { .. }
    ));

    // Client side: a stored session past its expiry is not reused, and is removed.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.json");
    let file = FileTokenStore::new(&path);
    let mut old = store.load().unwrap().unwrap();
    old = gstn_client::Session::from_parts(
        old.username(),
        old.gstin(),
        old.app_key().clone(),
        old.session_key().clone(),
        old.auth_token().clone(),
        old.obtained_at() - chrono::Duration::hours(7),
        old.obtained_at() - chrono::Duration::hours(1),
    );
    file.save(&old).unwrap();
    let later = builder(&sandbox)
        .token_store(Arc::new(file))
        .build()
        .unwrap();
    assert_eq!(
        later.connect_with_stored().await.unwrap(),
        SessionStatus::Expired
    );
    assert!(!path.exists());
    let err = later.summary(period()).await.unwrap_err();
    assert!(err.is_relogin_required(), "{err:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_wrong_otp_is_refused_with_its_code_and_the_right_one_still_works() {
    let sandbox = sandbox(config()).await;
    let client = builder(&sandbox).build().unwrap();
    // Without OTPREQUEST there is nothing to authenticate.
    let err = client.authenticate(&otp()).await.unwrap_err();
    assert!(
        matches!(err, Error::Session(SessionError::NotConnected)),
        "{err:?}"
    );

    client.request_otp().await.unwrap();
    let err = client
        .authenticate(&Otp::new("111111").unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        err.gstn_code().map(|c| c.code()),
        Some("AUTH4034"),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(client.session_status().await, SessionStatus::NotConnected);
    let status = client.authenticate(&otp()).await.unwrap();
    assert!(matches!(status, SessionStatus::Obtained { .. }));
    sandbox.shutdown().await;
}
