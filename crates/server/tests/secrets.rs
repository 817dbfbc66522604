//! Secrets at rest: refresh tokens and client secrets are sealed with the team's data key
//! (wrapped by the master key); no file of the data directory and no answer contains them; a
//! wrong master key stops the server with a clear error.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use base64::Engine;
use common::{config_for, TestServer};
use reqwest::StatusCode;
use serde_json::json;
use server::app::AppState;
use server::crypto::secret_aad;

const REFRESH_TOKEN: &str = "5Aep861TEAM.REFRESH.TOKEN.never-in-plaintext-7f3a";
const CLIENT_SECRET: &str = "CLIENT-SECRET-of-the-team-app-91c2";

#[tokio::test]
async fn stored_secrets_are_sealed_and_never_answered() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let stored = server
        .put(
            &format!("/api/admin/connections/{}", admin.member),
            &admin.token,
            json!({
                "crm_user_id": "005A", "crm_email": "admin@acme.example", "permission": "admin",
                "instance_url": "https://acme.my.salesforce.com",
                "refresh_token": REFRESH_TOKEN, "client_secret": CLIENT_SECRET,
            }),
        )
        .await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text);
    assert_eq!(stored.body["connection"]["has_client_secret"], true);

    // The scan sees plain data (the member's email) but no secret and no session token.
    assert!(server.data_files_contain(b"admin@acme.example"));
    for secret in [REFRESH_TOKEN, CLIENT_SECRET, admin.token.as_str()] {
        assert!(
            !server.data_files_contain(secret.as_bytes()),
            "{secret} is in the data directory"
        );
    }
    for path in [
        "/api/team",
        "/api/admin/connections",
        "/api/admin/members",
        "/api/admin/journal",
        "/api/admin/errors",
    ] {
        let answer = server.get(path, &admin.token).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert!(
            !answer.text.contains(REFRESH_TOKEN) && !answer.text.contains(CLIENT_SECRET),
            "{path}"
        );
    }

    // The sealed token opens with the team's data key, and only at its own place.
    let connection_id = stored.body["connection"]["id"].as_str().unwrap();
    let team = server.state.store.team(&admin.team).await.unwrap().unwrap();
    let data_key = server
        .state
        .master_key
        .unwrap_data_key(&team.id, &team.wrapped_data_key)
        .unwrap();
    let sealed = server
        .state
        .store
        .sealed_refresh_token(&admin.team, connection_id)
        .await
        .unwrap()
        .unwrap();
    let aad = secret_aad(&team.id, connection_id, "refresh_token");
    assert_eq!(
        data_key.open(&sealed, &aad).unwrap(),
        REFRESH_TOKEN.as_bytes()
    );
    assert!(data_key
        .open(
            &sealed,
            &secret_aad(&team.id, connection_id, "client_secret")
        )
        .is_err());
}

#[tokio::test]
async fn a_wrong_master_key_fails_clearly_and_the_right_one_keeps_everything() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    server
        .connect_ok(&admin, &admin.member, "005A", "admin", REFRESH_TOKEN)
        .await;
    let dir = server.stop().await;

    let wrong = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    let config = config_for(dir.path().to_path_buf(), |c| c.master_key_env = Some(wrong));
    let error = AppState::open(config).await.unwrap_err().to_string();
    assert!(error.contains("master key does not match"), "{error}");
    let config = config_for(dir.path().to_path_buf(), |c| {
        c.master_key_env = Some("short".into())
    });
    let error = AppState::open(config).await.unwrap_err().to_string();
    assert!(
        error.contains("LEADLINE_MASTER_KEY") && error.contains("32 bytes"),
        "{error}"
    );

    // With its own key file the server comes back with the session and connection intact:
    // nothing lived only in the first process.
    let server = TestServer::start_in(dir, |_| {}).await;
    let connections = server.get("/api/admin/connections", &admin.token).await;
    assert_eq!(connections.status, StatusCode::OK, "{}", connections.text);
    assert_eq!(connections.body["connections"][0]["crm_user_id"], "005A");
}

#[tokio::test]
async fn a_master_key_from_the_environment_writes_no_key_file() {
    let key = base64::engine::general_purpose::STANDARD.encode([3u8; 32]);
    let server = TestServer::start_with(|c| c.master_key_env = Some(key.clone())).await;
    let admin = server
        .admin_with_key("Acme", "admin@acme.example", &key)
        .await;
    assert!(!server.dir.path().join("master.key").exists());
    server
        .connect_ok(&admin, &admin.member, "005A", "admin", REFRESH_TOKEN)
        .await;
    assert!(!server.data_files_contain(REFRESH_TOKEN.as_bytes()));
    assert!(!server.data_files_contain(key.as_bytes()));
}
