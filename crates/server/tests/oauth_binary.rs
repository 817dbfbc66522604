//! The `leadline-server` binary at `RUST_LOG=debug` runs the admin connect and a rep's
//! sign-in against the sandbox, configured only through its environment (the client secret
//! from a file), and its log carries no secret, code, state or session.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

#[path = "common/oauth.rs"]
mod oauth_common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use oauth_common::{query_param, Browser, Org, EXT_REDIRECT, PUBLIC_URL, SF_SECRET};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_leadline-server");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_connects_and_signs_in_without_logging_a_secret() {
    let org = Org::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let secret_file = dir.path().join("sf.secret");
    std::fs::write(&secret_file, format!("{SF_SECRET}\n")).unwrap();
    let ca = org.sandbox.data_dir().join("cert.pem");
    let data = data.to_str().unwrap();
    let invite = Command::new(BIN)
        .args(["admin-invite", "--team", "Acme", "--data", data])
        .output()
        .unwrap();
    assert!(invite.status.success());
    let invite = String::from_utf8(invite.stdout).unwrap().trim().to_owned();

    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--data", data])
        .env("RUST_LOG", "debug")
        .env("LEADLINE_PUBLIC_URL", PUBLIC_URL)
        .env("LEADLINE_SF_LOGIN_URL", org.url())
        .env("LEADLINE_SF_CLIENT_ID", oauth_common::SF_CLIENT_ID)
        .env("LEADLINE_SF_CLIENT_SECRET_FILE", &secret_file)
        .env("LEADLINE_CA_FILE", &ca)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("leadline-server listening on http://")
        .expect(&line)
        .parse()
        .unwrap();
    let browser = Browser::new(addr);
    let client = reqwest::Client::new();
    let base = format!("http://{addr}");
    let joined: Value = client
        .post(format!("{base}/api/join"))
        .json(&json!({ "code": invite, "email": "integration@acme.example" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let admin = joined["session"].as_str().unwrap().to_owned();

    let start = browser
        .get("/api/admin/connect/salesforce", Some(&admin))
        .await;
    let authorize = start.location.expect("a redirect to Salesforce");
    let connect_state = query_param(&authorize, "state").unwrap();
    let callback = org
        .log_in_and_allow(&authorize, "integration@acme.example")
        .await;
    let connect_code = query_param(&callback, "code").unwrap();
    let connected = browser.get(&callback, None).await;
    assert_eq!(connected.status, 200, "{}", connected.body);

    let added = client
        .post(format!("{base}/api/admin/members"))
        .bearer_auth(&admin)
        .json(&json!({ "email": "rep@acme.example",
                       "crm_user_id": sandbox::seed::user_by_email("rep@acme.example").unwrap().0 }))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let start = browser
        .get(
            &format!(
                "/api/sign-in/salesforce?redirect={}",
                crm::http::percent_encode(EXT_REDIRECT)
            ),
            None,
        )
        .await;
    let authorize = start.location.unwrap();
    let callback = org.log_in_and_allow(&authorize, "rep@acme.example").await;
    let back = browser.get(&callback, None).await;
    let sign_in_code = query_param(&back.location.unwrap(), "code").unwrap();
    let finished: Value = client
        .post(format!("{base}/api/sign-in/finish"))
        .json(&json!({ "code": sign_in_code }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rep_session = finished["session"].as_str().unwrap().to_owned();

    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    assert!(child.wait().unwrap().success());
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    assert!(
        logs.contains("a team-held Salesforce connection was connected")
            && logs.contains("a member signed in with Salesforce"),
        "{logs}"
    );
    for secret in [
        SF_SECRET,
        &connect_state,
        &connect_code,
        &sign_in_code,
        &admin,
        &rep_session,
    ] {
        assert!(!logs.contains(secret), "the log contains {secret}:\n{logs}");
    }
}
