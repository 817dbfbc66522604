//! The `leadline-server` binary as an operator runs it: `admin-invite` prints a one-time
//! code, `serve --port 0` prints its address, and its logs (at debug level) never contain an
//! invite code, a session token, a refresh token or a client secret.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_leadline-server");
const REFRESH_TOKEN: &str = "5Aep861LOGGED.NEVER.refresh-token-c0ffee";
const CLIENT_SECRET: &str = "client-secret-never-logged-b4d";

#[tokio::test]
async fn the_binary_bootstraps_an_admin_and_logs_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let invite = Command::new(BIN)
        .args(["admin-invite", "--team", "Acme", "--data", data])
        .output()
        .unwrap();
    assert!(
        invite.status.success(),
        "{}",
        String::from_utf8_lossy(&invite.stderr)
    );
    let code = String::from_utf8(invite.stdout).unwrap().trim().to_owned();
    assert!(code.starts_with("lli_"), "{code}");

    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--data", data])
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("leadline-server listening on ")
        .expect(&line)
        .to_owned();

    let client = reqwest::Client::new();
    let joined: Value = client
        .post(format!("{base}/api/join"))
        .json(&json!({ "code": code, "email": "admin@acme.example" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session = joined["session"].as_str().expect("joined").to_owned();
    let member = joined["member"]["id"].as_str().unwrap();
    let stored = client
        .put(format!("{base}/api/admin/connections/{member}"))
        .bearer_auth(&session)
        .json(&json!({ "crm_user_id": "005A", "crm_email": "admin@acme.example", "permission": "admin",
                       "refresh_token": REFRESH_TOKEN, "client_secret": CLIENT_SECRET }))
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 201);
    let team = client
        .get(format!("{base}/api/team"))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(team.status(), 200);
    // A refused session is logged as a request too.
    let refused = client
        .get(format!("{base}/api/team"))
        .bearer_auth("lls_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    // SIGTERM (what a service manager sends) stops it cleanly.
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    assert!(child.wait().unwrap().success(), "a clean exit on SIGTERM");
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    assert!(
        logs.contains("/api/join") && logs.contains("a member joined"),
        "the logs name requests:\n{logs}"
    );
    assert!(logs.contains("shutting down"), "{logs}");
    for secret in [
        code.as_str(),
        session.as_str(),
        REFRESH_TOKEN,
        CLIENT_SECRET,
        "lls_wrong",
    ] {
        assert!(!logs.contains(secret), "the log contains {secret}:\n{logs}");
    }
}

#[test]
fn a_group_readable_key_file_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let first = Command::new(BIN)
        .args(["admin-invite", "--team", "Acme", "--data", data])
        .output()
        .unwrap();
    assert!(first.status.success());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = dir.path().join("master.key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
        let refused = Command::new(BIN)
            .args(["serve", "--port", "0", "--data", data])
            .output()
            .unwrap();
        assert!(!refused.status.success());
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.contains("readable by group or others") && stderr.contains("chmod 600"),
            "{stderr}"
        );
    }
    let usage = Command::new(BIN).args(["--port", "many"]).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
}
