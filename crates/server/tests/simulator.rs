//! The admin's attribution simulator, `POST /api/admin/simulate` and the page
//! `/admin/simulator`: the server's own decision for any member and source (the call a real
//! save makes), who pushes it (the server or the rep's browser), Created By and Owner in words,
//! refusals as answers, bad requests as errors, and nothing pushed or recorded.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;
#[path = "common/pages.rs"]
mod pages;

use common::{Session, TestServer};
use pages::signed_in_admin;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// An admin whose team-held connection (CRM user 005I, admin) is the team sync, and a rep
/// whose records the owner mapping gives to CRM user 005M.
async fn team(server: &TestServer, admin: &Session) -> Session {
    server
        .connect_ok(admin, &admin.member, "005I", "admin", "refresh-I")
        .await;
    let chosen = server.set_team_sync(admin, &admin.member).await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.text);
    let rep = server.rep(admin, "rep@acme.example").await;
    let mapped = server
        .set_crm(
            admin,
            &rep.member,
            json!({ "crm_user_id": "005R", "owner_mapping": "005M" }),
        )
        .await;
    assert_eq!(mapped.status, StatusCode::OK, "{}", mapped.text);
    rep
}

async fn simulate(server: &TestServer, admin: &Session, body: Value) -> common::Answer {
    server.post("/api/admin/simulate", &admin.token, body).await
}

fn reasons(answer: &Value) -> String {
    answer["decision"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[tokio::test]
async fn a_linkedin_save_is_pushed_by_the_server_with_team_sync_and_owned_by_the_mapping() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = team(&server, &admin).await;

    let answer = simulate(
        &server,
        &admin,
        json!({ "member": rep.member, "source": "linkedin_extension" }),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let body = &answer.body;
    assert_eq!(body["decision"]["ok"], true, "{body}");
    assert_eq!(
        body["decision"]["credential"],
        json!({ "kind": "team_sync", "user": admin.member, "crm_user_id": "005I" })
    );
    assert_eq!(body["decision"]["created_by"], "005I");
    assert_eq!(body["decision"]["owner"], "005M");
    assert_eq!(body["decision"]["owner_from"], "owner_mapping");
    assert_eq!(body["pushed_by"], "server");
    assert_eq!(body["push"], "single");
    assert_eq!(body["record"], "contact", "the push settings' default");
    // The team-held connection's CRM email names the user; the mapped owner is known only by id.
    assert_eq!(
        body["connection"],
        "admin@acme.example (connected as 005I@crm.example, 005I)"
    );
    assert_eq!(body["created_by"], "005I@crm.example (005I)");
    assert_eq!(body["owner"], "005M");
    assert!(
        reasons(body).contains("LinkedIn saves are pushed with the team sync connection"),
        "{body}"
    );

    // With the team's CRM user directory read, its names are used.
    server
        .sql(r#"UPDATE teams SET crm_users = '[{"id":"005M","email":"mona@acme.example","name":"Mona Manager","active":true}]'"#)
        .await;
    let named = simulate(
        &server,
        &admin,
        json!({ "member": rep.member, "source": "linkedin_extension" }),
    )
    .await;
    assert_eq!(
        named.body["owner"], "Mona Manager <mona@acme.example> (005M)",
        "{}",
        named.text
    );
    assert_eq!(named.body["created_by"], "005I@crm.example (005I)");
}

#[tokio::test]
async fn a_gmail_save_goes_from_the_reps_browser_when_their_connection_lives_there() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = team(&server, &admin).await;

    // Without a connection of their own anywhere, the rep's Gmail save falls back to team sync
    // (rule 3) and the server pushes it.
    let fallback = simulate(
        &server,
        &admin,
        json!({ "member": rep.member, "source": "gmail_extension" }),
    )
    .await;
    assert_eq!(
        fallback.body["decision"]["credential"]["kind"], "team_sync",
        "{}",
        fallback.text
    );
    assert_eq!(fallback.body["pushed_by"], "server");

    // Signed in with their own CRM identity, their API connection is in their browser (rule
    // 11): the same save is theirs, Created By them, and the server does not push it.
    server
        .sql("UPDATE members SET crm_signed_in_at = 1 WHERE email = 'rep@acme.example'")
        .await;
    let own = simulate(
        &server,
        &admin,
        json!({ "member": rep.member, "source": "gmail_extension", "push": "single" }),
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    assert_eq!(
        own.body["decision"]["credential"]["kind"], "personal",
        "{}",
        own.text
    );
    assert_eq!(own.body["decision"]["created_by"], "005R");
    assert_eq!(own.body["pushed_by"], "browser");
    assert_eq!(own.body["created_by"], "rep@acme.example (005R)");
    assert_eq!(own.body["connection"], "rep@acme.example (005R)");
}

#[tokio::test]
async fn a_team_with_no_connection_answers_that_nothing_would_push() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let answer = simulate(
        &server,
        &admin,
        json!({ "member": admin.member, "source": "linkedin_extension", "push": "bulk" }),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.body["decision"]["ok"], false);
    assert_eq!(answer.body["decision"]["error"]["code"], "no_credentials");
    assert_eq!(answer.body["pushed_by"], Value::Null);
}

#[tokio::test]
async fn bad_requests_are_errors_and_nothing_is_pushed_or_recorded() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = team(&server, &admin).await;
    let journal_before = server.get("/api/admin/journal", &admin.token).await.text;

    let unknown = simulate(
        &server,
        &admin,
        json!({ "member": "m_nobody", "source": "linkedin_extension" }),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let source = simulate(
        &server,
        &admin,
        json!({ "member": rep.member, "source": "carrier_pigeon" }),
    )
    .await;
    assert_eq!(source.status, StatusCode::BAD_REQUEST);
    assert_eq!(source.error_code(), "invalid_body");
    assert!(
        source.text.contains("linkedin_extension"),
        "names the sources: {}",
        source.text
    );
    let push = simulate(
        &server,
        &admin,
        json!({ "member": rep.member, "source": "manual", "push": "sideways" }),
    )
    .await;
    assert_eq!(push.status, StatusCode::BAD_REQUEST, "{}", push.text);
    let extra = simulate(
        &server,
        &admin,
        json!({ "member": rep.member, "source": "manual", "actor": admin.member }),
    )
    .await;
    assert_eq!(extra.status, StatusCode::BAD_REQUEST, "{}", extra.text);
    // A rep may not simulate: the simulator shows the whole team's connections.
    let as_rep = server
        .post(
            "/api/admin/simulate",
            &rep.token,
            json!({ "member": rep.member, "source": "manual" }),
        )
        .await;
    assert_eq!(as_rep.status, StatusCode::FORBIDDEN, "{}", as_rep.text);

    let ok = simulate(
        &server,
        &admin,
        json!({ "member": rep.member, "source": "linkedin_extension" }),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(
        server.get("/api/admin/journal", &admin.token).await.text,
        journal_before,
        "a simulation records nothing"
    );
}

#[tokio::test]
async fn the_page_says_who_pushes_who_is_created_by_and_who_owns() {
    let server = TestServer::start().await;
    let (browser, admin) = signed_in_admin(&server, "Acme", "admin@acme.example").await;
    let rep = team(&server, &admin).await;

    let empty = browser.get("/admin/simulator").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("Who owns what"), "{}", empty.body);
    assert!(
        empty.body.contains("rep@acme.example (rep)"),
        "{}",
        empty.body
    );
    assert!(!empty.body.contains("data-testid=\"simulation\""));

    let page = browser
        .get(&format!(
            "/admin/simulator?member={}&source=linkedin_extension&push=single",
            rep.member
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for words in [
        "LinkedIn saves by rep@acme.example",
        "By the team server, with the connection of admin@acme.example (connected as 005I@crm.example, 005I) (held by the team)",
        "<dd data-testid=\"sim-created-by\">005I@crm.example (005I)</dd>",
        "<dd data-testid=\"sim-owner\">005M</dd>",
        "LinkedIn saves are pushed with the team sync connection",
    ] {
        assert!(page.body.contains(words), "missing {words:?} in {}", page.body);
    }

    server
        .sql("UPDATE members SET crm_signed_in_at = 1 WHERE email = 'rep@acme.example'")
        .await;
    let gmail = browser
        .get(&format!(
            "/admin/simulator?member={}&source=gmail_extension",
            rep.member
        ))
        .await;
    assert!(
        gmail.body.contains(
            "From the browser of rep@acme.example (005R), with their own connection: the team server never holds it"
        ),
        "{}",
        gmail.body
    );

    let refused = browser
        .get("/admin/simulator?member=m_nobody&source=manual")
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(
        refused.body.contains("no such member in this team"),
        "{}",
        refused.body
    );
}
