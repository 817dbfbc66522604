//! The two halves meet: the admin connects team sync once through the server's own
//! confidential Salesforce app (real redirects against the sandbox org, whose server app
//! requires its client secret on code exchange AND refresh), and reps' LinkedIn saves posted
//! to the server are pushed with that connection, its refreshes made with the app's secret on
//! the app's own login host. No push setting is given: the server's OAuth settings are enough.
//! The secret appears in no answer, no log line, no file of the data directory. And spec rule
//! 11 on the server: a rep who signed in with their Salesforce identity holds their own
//! connection in their browser, so their Gmail save posted to the server is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;
#[path = "common/oauth.rs"]
mod oauth_common;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use common::{Session, TestServer};
use oauth_common::{query_param, Browser, Org, EXT_REDIRECT, SF_SECRET};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::config::Config;

const INTEGRATION: &str = "integration@acme.example";
const REP: &str = "rep@acme.example";
const WRONG_SECRET: &str = "wrong-secret-7f3a9c";

/// Every log line of this test binary (all levels, all targets).
fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    Arc::clone(LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&buffer);
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Sink(Arc::clone(&sink)))
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        buffer
    }))
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logged() -> String {
    String::from_utf8_lossy(&logs().lock().unwrap()).into_owned()
}

fn sf_id(login: &str) -> String {
    sandbox::seed::user_by_email(login).unwrap().0
}

/// The server on this org with its app's `secret`, and nothing set for the push.
fn configure<'a>(org: &'a Org, secret: &str) -> impl FnOnce(&mut Config) + 'a {
    let secret = secret.to_owned();
    move |c| {
        org.configure(c, &secret);
        c.push.sweep_every = Duration::from_millis(200);
    }
}

/// The admin connects team sync on the server as the integration user, who becomes the team
/// sync.
async fn connect_team_sync(server: &TestServer, org: &Org, admin: &Session) {
    org.connect_team_sync(server.addr, &admin.token, INTEGRATION)
        .await;
    let team = server.get("/api/team", &admin.token).await;
    assert_eq!(team.body["state"]["team_sync"], admin.member.as_str());
}

/// A sandbox admin call.
async fn sandbox(org: &Org, method: &str, route: &str) -> Value {
    let reply = org
        .send(method, &format!("{}/__sandbox/{route}", org.url()), None)
        .await;
    assert!(
        reply.status < 300,
        "{route}: {} {}",
        reply.status,
        reply.body
    );
    serde_json::from_str(&reply.body).unwrap()
}

/// The org's Contacts with this email.
async fn contacts_with(org: &Org, email: &str) -> Vec<Value> {
    sandbox(org, "GET", "records?object=Contact").await["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["Email"] == email)
        .cloned()
        .collect()
}

/// OAuth calls (token endpoint and the like) since the last count reset: every request the
/// org counted by host, less its API calls.
async fn oauth_calls(org: &Org) -> u64 {
    let hosts = sandbox(org, "GET", "hosts").await;
    let all: u64 = hosts
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    all - sandbox(org, "GET", "counts").await["total"]
        .as_u64()
        .unwrap()
}

fn save(save_id: &str, tag: &str) -> Value {
    json!({
        "save_id": save_id,
        "source": "linkedin_extension",
        "push": "single",
        "prospects": [{
            "full_name": format!("Grace {tag} Hopper"),
            "email": format!("grace.{tag}@example.com"),
            "linkedin_url": format!("https://www.linkedin.com/in/grace-{tag}"),
            "company": "Navy Computing",
        }],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_connected_through_the_servers_app_is_pushed_and_refreshed_with_its_secret() {
    let logs = logs();
    let org = Org::start();
    let server = TestServer::start_with(configure(&org, SF_SECRET)).await;
    let admin = server.admin("Acme", INTEGRATION).await;
    connect_team_sync(&server, &org, &admin).await;
    let rep = server.rep(&admin, REP).await;
    let mapped = server
        .set_crm(&admin, &rep.member, json!({ "owner_mapping": sf_id(REP) }))
        .await;
    assert_eq!(mapped.status, StatusCode::OK, "{}", mapped.text);

    // The first save: the connect's read of the CRM user directory got the first access token
    // (a refresh with the server's app, secret included), so the push creates the Contact
    // without another refresh.
    sandbox(&org, "POST", "reset-counts").await;
    let first = server
        .post("/api/saves", &rep.token, save("own-app-0001", "a"))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["status"], "pushed", "{}", first.text);
    let result = &first.body["results"][0];
    assert_eq!(result["status"], "created", "{result}");
    assert_eq!(result["created_by"]["id"], sf_id(INTEGRATION).as_str());
    assert_eq!(result["owner"]["id"], sf_id(REP).as_str());
    let records = contacts_with(&org, "grace.a@example.com").await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["CreatedById"], sf_id(INTEGRATION).as_str());
    assert_eq!(records[0]["OwnerId"], sf_id(REP).as_str());
    assert_eq!(
        oauth_calls(&org).await,
        0,
        "the directory read at connect refreshed already"
    );

    // The org expires every access token: the next save refreshes once, with the secret, and
    // lands.
    sandbox(&org, "POST", "reset-counts").await;
    let expired = sandbox(&org, "POST", "expire-tokens").await;
    assert!(expired["expired"].as_u64().unwrap() >= 1, "{expired}");
    let second = server
        .post("/api/saves", &rep.token, save("own-app-0002", "b"))
        .await;
    assert_eq!(second.body["status"], "pushed", "{}", second.text);
    let records = contacts_with(&org, "grace.b@example.com").await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["CreatedById"], sf_id(INTEGRATION).as_str());
    assert_eq!(records[0]["OwnerId"], sf_id(REP).as_str());
    assert_eq!(oauth_calls(&org).await, 1, "exactly one refresh");
    let health = server.get("/api/admin/connections", &admin.token).await;
    assert_eq!(
        health.body["connections"][0]["status"], "ok",
        "{}",
        health.text
    );
    // Still one approval for the integration user on the server's app.
    assert_eq!(
        org.approvals(INTEGRATION, oauth_common::SF_CLIENT_ID).await,
        1
    );

    // The secret is in no answer, no file of the data directory, no log line.
    for answer in [&first, &second, &health] {
        assert!(!answer.text.contains(SF_SECRET));
    }
    assert!(!server.data_files_contain(SF_SECRET.as_bytes()));
    assert!(!logs.lock().unwrap().is_empty(), "the logs were captured");
    assert!(!logged().contains(SF_SECRET));

    // The same server with the wrong secret: Salesforce refuses the refresh, the save is not
    // pushed, and the secret it tried shows up nowhere either.
    let dir = server.stop().await;
    let server = TestServer::start_in(dir, configure(&org, WRONG_SECRET)).await;
    sandbox(&org, "POST", "expire-tokens").await;
    sandbox(&org, "POST", "reset-counts").await;
    let refused = server
        .post("/api/saves", &rep.token, save("own-app-0003", "c"))
        .await;
    assert_eq!(refused.status, StatusCode::ACCEPTED, "{}", refused.text);
    assert_eq!(
        refused.body["status"], "reconnect_needed",
        "{}",
        refused.text
    );
    assert!(refused.text.contains("invalid_client"), "{}", refused.text);
    assert!(contacts_with(&org, "grace.c@example.com").await.is_empty());
    // What the admin reads: the server's secret was refused, which setting to fix, and that
    // the saves wait (not a generic failure, not "Leadline keeps none").
    let waiting = &refused.body["waiting"];
    assert_eq!(waiting["code"], "invalid_client", "{}", refused.text);
    let said = waiting["message"].as_str().unwrap();
    assert!(said.contains("this server's client secret"), "{said}");
    assert!(said.contains("LEADLINE_SF_CLIENT_SECRET"), "{said}");
    assert!(waiting["hint"]
        .as_str()
        .unwrap()
        .contains("restart the server"));
    let health = server.get("/api/admin/connections", &admin.token).await;
    let connection = &health.body["connections"][0];
    assert_eq!(connection["status"], "reconnect_needed", "{}", health.text);
    assert_eq!(connection["reconnect_reason"], "invalid_client");
    let status_text = connection["status_text"].as_str().unwrap();
    assert!(status_text.contains("client secret"), "{status_text}");
    assert!(
        status_text.contains("LEADLINE_SF_CLIENT_SECRET_FILE"),
        "{status_text}"
    );
    let journal = server.get("/api/admin/journal", &admin.token).await;
    for text in [&refused.text, &health.text, &journal.text] {
        assert!(!text.contains(WRONG_SECRET) && !text.contains(SF_SECRET));
    }
    assert!(!server.data_files_contain(WRONG_SECRET.as_bytes()));
    assert!(!logged().contains(WRONG_SECRET));
    assert!(!logged().contains(SF_SECRET));
    server.stop().await;
}

/// The rep signs in with Salesforce (OpenID Connect, identity only) and gets a session.
async fn sign_in_rep(server: &TestServer, org: &Org, login: &str) -> String {
    let browser = Browser::new(server.addr);
    let start = browser
        .get(
            &format!(
                "/api/sign-in/salesforce?redirect={}",
                crm::http::percent_encode(EXT_REDIRECT)
            ),
            None,
        )
        .await;
    assert_eq!(start.status, 302, "{}", start.body);
    let callback = org.log_in_and_allow(&start.location.unwrap(), login).await;
    let back = browser.get(&callback, None).await;
    assert_eq!(back.status, 302, "{}", back.body);
    let code = query_param(&back.location.unwrap(), "code").unwrap();
    let session = server
        .call(
            Method::POST,
            "/api/sign-in/finish",
            None,
            Some(&json!({ "code": code })),
        )
        .await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.text);
    session.body["session"].as_str().unwrap().to_owned()
}

/// The `personal` of a member in the team state a session sees.
async fn personal_of(server: &TestServer, session: &str, member: &str) -> Value {
    let team = server.get("/api/team", session).await;
    assert_eq!(team.status, StatusCode::OK, "{}", team.text);
    team.body["state"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == member)
        .unwrap()["personal"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_reps_gmail_save_is_left_to_their_own_browser_and_pushes_nothing() {
    let org = Org::start();
    let server = TestServer::start_with(configure(&org, SF_SECRET)).await;
    let admin = server.admin("Acme", INTEGRATION).await;
    connect_team_sync(&server, &org, &admin).await;
    let added = server
        .post(
            "/api/admin/members",
            &admin.token,
            json!({ "email": REP, "crm_user_id": sf_id(REP) }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let rep = added.body["member"]["id"].as_str().unwrap().to_owned();
    // Added but not signed in yet: the server knows of no connection of the rep.
    assert_eq!(personal_of(&server, &admin.token, &rep).await, Value::Null);
    assert_eq!(
        personal_of(&server, &admin.token, &admin.member).await["held"],
        "team"
    );

    let session = sign_in_rep(&server, &org, REP).await;
    let personal = personal_of(&server, &session, &rep).await;
    assert_eq!(personal["held"], "own_browser", "{personal}");
    assert_eq!(personal["crm_user_id"], sf_id(REP).as_str());

    // A Gmail save must go with the rep's own connection (rule 4): the server refuses it and
    // sends nothing to the CRM; the extension saves it from the rep's browser.
    sandbox(&org, "POST", "reset-counts").await;
    let gmail = json!({
        "save_id": "gmail-0001",
        "source": "gmail_extension",
        "push": "single",
        "prospects": [{ "full_name": "Ada Gmail", "email": "ada.gmail@example.com" }],
    });
    let refused = server.post("/api/saves", &session, gmail.clone()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert_eq!(refused.error_code(), "not_held_by_team");
    assert_eq!(oauth_calls(&org).await, 0);
    assert_eq!(sandbox(&org, "GET", "counts").await["total"], 0);
    assert!(contacts_with(&org, "ada.gmail@example.com")
        .await
        .is_empty());

    // The same rep's LinkedIn save still goes with team sync, through the server.
    let linkedin = server
        .post("/api/saves", &session, save("own-browser-0001", "d"))
        .await;
    assert_eq!(linkedin.body["status"], "pushed", "{}", linkedin.text);
    let records = contacts_with(&org, "grace.d@example.com").await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["CreatedById"], sf_id(INTEGRATION).as_str());
    assert_eq!(records[0]["OwnerId"], sf_id(REP).as_str());
    server.stop().await;
}
