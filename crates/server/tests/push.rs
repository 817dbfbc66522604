//! The push, end to end: `POST /api/saves` on a real server, pushed by the engine over real
//! HTTPS to the real sandbox org (the `sandbox` binary, as the engine's tests start it), with
//! the team's connection stored through the admin API from a refresh token the sandbox's
//! OAuth pages issued. The sandbox's fault injection makes the CRM expire tokens, answer 503,
//! revoke the grant; one test kills the server binary with SIGKILL mid-save.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;
#[path = "../../engine/tests/common/mod.rs"]
mod sandbox;

use std::time::Duration;

use common::{Answer, Session, TestServer};
use reqwest::StatusCode;
use sandbox::fixture::{contacts_with, team_sync_team, Team, INTEGRATION};
use sandbox::{Sandbox, CLIENT_ID, PINNED};
use serde_json::{json, Value};
use server::config::Config;

/// Points a server's push settings at the sandbox.
fn push_to(sb: &Sandbox, config: &mut Config) {
    config.push.sf_client_id = Some(CLIENT_ID.into());
    config.push.crm_ca_file = Some(sb.cert_path());
    config.push.crm_resolve = PINNED.iter().map(|h| (h.to_string(), sb.addr())).collect();
    config.push.sweep_every = Duration::from_millis(200);
}

/// A team on the server: the admin's connection (the sandbox's integration user, from its
/// OAuth pages) held by the team as team sync, a rep whose records the rep's CRM user owns.
struct Pushing {
    t: Team,
    admin: Session,
    rep: Session,
}

async fn pushing_team(server: &TestServer, sb: &Sandbox) -> Pushing {
    let t = team_sync_team(sb).await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = server.rep(&admin, "rep@acme.example").await;
    let stored = connect(
        server,
        &admin,
        &t,
        t.tokens.refresh_token.as_deref().unwrap(),
    )
    .await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text);
    assert_eq!(
        server.set_team_sync(&admin, &admin.member).await.status,
        StatusCode::OK
    );
    let mapped = server
        .set_crm(&admin, &rep.member, json!({ "owner_mapping": t.rep_id }))
        .await;
    assert_eq!(mapped.status, StatusCode::OK, "{}", mapped.text);
    Pushing { t, admin, rep }
}

/// Salesforce refuses the team's grant from now on: its refresh token revoked at the org and
/// every access token expired.
async fn revoke_team_grant(sb: &Sandbox, p: &Pushing) {
    let revoke = crm::HttpRequest {
        method: "POST".into(),
        url: "https://login.salesforce.com/services/oauth2/revoke".into(),
        headers: vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body: Some(format!(
            "token={}",
            sandbox::enc(p.t.tokens.refresh_token.as_deref().unwrap())
        )),
    };
    assert_eq!(sb.send(&revoke).await.status, 200);
    sb.admin("POST", "expire-tokens", json!({})).await;
}

/// Stores (or replaces) the admin's team-held connection with this refresh token.
async fn connect(server: &TestServer, admin: &Session, t: &Team, refresh: &str) -> Answer {
    server
        .put(
            &format!("/api/admin/connections/{}", admin.member),
            &admin.token,
            json!({
                "crm_user_id": t.integration_id,
                "crm_email": INTEGRATION,
                "permission": "admin",
                "instance_url": t.tokens.instance_url,
                "refresh_token": refresh,
            }),
        )
        .await
}

/// A LinkedIn save of one person, unique per tag.
fn save(save_id: &str, tag: &str) -> Value {
    json!({
        "save_id": save_id,
        "source": "linkedin_extension",
        "push": "single",
        "prospects": [{
            "full_name": format!("Ada {tag} Lovelace"),
            "email": format!("ada.{tag}@example.com"),
            "linkedin_url": format!("https://www.linkedin.com/in/ada-{tag}"),
            "company": "Analytical Engines",
        }],
    })
}

/// Repeats a save until the ledger says it was pushed (or 60 s pass).
async fn until_pushed(server: &TestServer, rep: &Session, body: &Value) -> Answer {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let answer = server.post("/api/saves", &rep.token, body.clone()).await;
        if answer.body["status"] == "pushed" || std::time::Instant::now() > deadline {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The team's connection as the admin sees it.
async fn health(server: &TestServer, admin: &Session) -> Value {
    let answer = server.get("/api/admin/connections", &admin.token).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.body["connections"][0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linkedin_save_lands_once_created_by_the_integration_user_and_owned_by_the_rep() {
    let sb = Sandbox::start();
    let server = TestServer::start_with(|c| push_to(&sb, c)).await;
    let p = pushing_team(&server, &sb).await;
    let body = save("push-0001", "p1");

    let answer = server.post("/api/saves", &p.rep.token, body.clone()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.body["status"], "pushed", "{}", answer.text);
    assert_eq!(answer.body["pushed"], true);
    let result = &answer.body["results"][0];
    assert_eq!(result["status"], "created", "{result}");
    assert_eq!(result["created_by"]["id"], p.t.integration_id.as_str());
    assert_eq!(result["owner"]["id"], p.t.rep_id.as_str());
    assert!(
        !result["reasons"].as_array().unwrap().is_empty(),
        "{result}"
    );
    let records = contacts_with(&sb, "ada.p1@example.com").await;
    assert_eq!(records.len(), 1);
    assert_eq!(result["record_id"], records[0]["Id"]);
    assert!(result["record_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/{}/view", records[0]["Id"].as_str().unwrap())));
    assert_eq!(records[0]["CreatedById"], p.t.integration_id.as_str());
    assert_eq!(records[0]["OwnerId"], p.t.rep_id.as_str());

    // The same save id again: the stored outcome, nothing sent to the CRM.
    sb.admin("POST", "reset-counts", json!({})).await;
    let again = server.post("/api/saves", &p.rep.token, body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.headers["leadline-replayed"], "true");
    assert_eq!(again.body, answer.body);
    assert_eq!(sb.counts().await["total"], 0);
    assert_eq!(contacts_with(&sb, "ada.p1@example.com").await.len(), 1);

    // The admin sees the push and the refresh it took.
    let conn = health(&server, &p.admin).await;
    assert_eq!(conn["status"], "ok");
    assert!(conn["last_push_at"].as_i64().is_some(), "{conn}");
    assert!(conn["last_refresh_at"].as_i64().is_some(), "{conn}");
    assert!(!server.data_files_contain(p.t.tokens.refresh_token.as_deref().unwrap().as_bytes()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_saves_meet_an_expiring_token_with_one_refresh_and_no_duplicate() {
    let sb = Sandbox::start();
    let server = TestServer::start_with(|c| push_to(&sb, c)).await;
    let p = pushing_team(&server, &sb).await;
    // A first save gets the team an access token.
    let first = server
        .post("/api/saves", &p.rep.token, save("warm-0001", "warm"))
        .await;
    assert_eq!(first.body["status"], "pushed", "{}", first.text);
    sb.admin("POST", "reset-counts", json!({})).await;
    sb.admin("POST", "latency", json!({"ms": 300})).await;

    const N: usize = 200;
    let bodies: Vec<Value> = (0..N)
        .map(|i| save(&format!("many-{i:04}"), &format!("m{i}")))
        .collect();
    // Each save id twice: the duplicates must not push again.
    let all: Vec<Value> = bodies
        .iter()
        .chain(bodies.iter().take(20))
        .cloned()
        .collect();
    let expire = async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        sb.admin("POST", "expire-tokens", json!({})).await
    };
    let (answers, expired) = tokio::join!(
        server.post_concurrently("/api/saves", Some(&p.rep.token), all),
        expire
    );
    assert!(expired["expired"].as_u64().unwrap() >= 1, "{expired}");
    sb.admin("POST", "latency", json!({"ms": 0})).await;
    assert_eq!(answers.len(), N + 20);
    for a in &answers {
        assert_eq!(a.body["status"], "pushed", "{}", a.text);
    }
    let hosts = sb.hosts().await;
    assert_eq!(
        hosts["login.salesforce.com"], 1,
        "exactly one refresh: {hosts}"
    );
    let contacts = sb.records("Contact").await;
    for i in 0..N {
        let email = format!("ada.m{i}@example.com");
        assert_eq!(
            contacts
                .iter()
                .filter(|c| c["Email"] == email.as_str())
                .count(),
            1,
            "{email} saved once"
        );
    }
    assert_eq!(
        server.state.store.save_count(&p.admin.team).await.unwrap(),
        N as i64 + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_storm_leaves_the_save_waiting_then_it_lands_once() {
    let sb = Sandbox::start();
    // Every back-off goes to the background sweep: the answer says `waiting`.
    let server = TestServer::start_with(|c| {
        push_to(&sb, c);
        c.push.sleep_up_to = Duration::ZERO;
    })
    .await;
    let p = pushing_team(&server, &sb).await;
    let warm = server
        .post("/api/saves", &p.rep.token, save("warm-0002", "warm2"))
        .await;
    assert_eq!(warm.body["status"], "pushed", "{}", warm.text);
    const STORM: usize = 3;
    sb.admin("POST", "faults", json!({"status": 503, "count": STORM}))
        .await;
    let body = save("storm-0001", "storm");
    let answer = server.post("/api/saves", &p.rep.token, body.clone()).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text);
    assert_eq!(answer.body["status"], "waiting", "{}", answer.text);
    assert_eq!(answer.body["pushed"], false);
    assert!(
        answer.body["waiting"]["message"].is_string(),
        "{}",
        answer.text
    );

    let done = until_pushed(&server, &p.rep, &body).await;
    assert_eq!(done.body["status"], "pushed", "{}", done.text);
    assert_eq!(
        done.body["results"][0]["status"], "created",
        "{}",
        done.text
    );
    assert_eq!(contacts_with(&sb, "ada.storm@example.com").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_team_token_needs_a_reconnect_and_the_saves_go_after_it() {
    let sb = Sandbox::start();
    let server = TestServer::start_with(|c| push_to(&sb, c)).await;
    let p = pushing_team(&server, &sb).await;
    let warm = server
        .post("/api/saves", &p.rep.token, save("warm-0003", "warm3"))
        .await;
    assert_eq!(warm.body["status"], "pushed", "{}", warm.text);
    revoke_team_grant(&sb, &p).await;

    let first = save("revoked-0001", "rv1");
    let answer = server.post("/api/saves", &p.rep.token, first.clone()).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text);
    assert_eq!(answer.body["status"], "reconnect_needed", "{}", answer.text);
    let conn = health(&server, &p.admin).await;
    assert_eq!(conn["status"], "reconnect_needed", "{conn}");
    assert_eq!(conn["needs_reconnect"], true);
    assert_eq!(conn["reconnect_reason"], "invalid_grant", "{conn}");
    // Another save waits too, and nothing reaches the CRM while the grant is dead.
    sb.admin("POST", "reset-counts", json!({})).await;
    let second = save("revoked-0002", "rv2");
    let waiting = server
        .post("/api/saves", &p.rep.token, second.clone())
        .await;
    assert_eq!(
        waiting.body["status"], "reconnect_needed",
        "{}",
        waiting.text
    );
    tokio::time::sleep(Duration::from_millis(600)).await; // a few sweeps
    assert_eq!(sb.counts().await["total"], 0, "no call with a dead grant");
    assert!(contacts_with(&sb, "ada.rv1@example.com").await.is_empty());
    let errors = server.get("/api/admin/errors", &p.admin.token).await;
    assert!(
        errors.text.contains("reconnect_needed"),
        "the error log says so: {}",
        errors.text
    );

    // The admin reconnects team sync: both saves go, once each.
    let bare: saves::LocalTeam =
        serde_json::from_value(json!({"config": p.t.team.config})).unwrap();
    let (fresh, _) = sb.connect(&bare, INTEGRATION).await;
    let stored = connect(
        &server,
        &p.admin,
        &p.t,
        fresh.refresh_token.as_deref().unwrap(),
    )
    .await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text);
    for (body, email) in [
        (&first, "ada.rv1@example.com"),
        (&second, "ada.rv2@example.com"),
    ] {
        let done = until_pushed(&server, &p.rep, body).await;
        assert_eq!(done.body["status"], "pushed", "{}", done.text);
        assert_eq!(contacts_with(&sb, email).await.len(), 1, "{email}");
    }
    let conn = health(&server, &p.admin).await;
    assert_eq!(conn["status"], "ok", "{conn}");
}

/// The rep's browser in server mode, as the extension's core runs it: the rep's stored team
/// (no connection of their own here) with the team snapshot (`GET /api/team`) laid over it.
async fn rep_browser(server: &TestServer, rep: &Session) -> saves::LocalTeam {
    let snapshot = server.get("/api/team", &rep.token).await;
    assert_eq!(snapshot.status, StatusCode::OK, "{}", snapshot.text);
    let stored: saves::LocalTeam = serde_json::from_value(
        json!({"config": {"crm": "salesforce", "me_email": "rep@acme.example"}}),
    )
    .unwrap();
    let snapshot: saves::team_server::Snapshot =
        serde_json::from_value(snapshot.body.clone()).unwrap();
    saves::team_server::server_team(&stored, &snapshot)
}

/// A LinkedIn save planned by the extension's core and handed to the server as the extension
/// hands it (`save_request`), and the server's answer read by the core (`read_answer`).
async fn save_from_browser(
    server: &TestServer,
    rep: &Session,
    team: &saves::LocalTeam,
    save_id: &str,
    tag: &str,
) -> (saves::team_server::ServerStep, Answer) {
    let mut message = save(save_id, tag);
    message.as_object_mut().unwrap().remove("save_id");
    message["kind"] = json!("save");
    message_from_browser(server, rep, team, save_id, &message).await
}

/// A page's save `message` planned, sent and read as the extension does it.
async fn message_from_browser(
    server: &TestServer,
    rep: &Session,
    team: &saves::LocalTeam,
    save_id: &str,
    message: &Value,
) -> (saves::team_server::ServerStep, Answer) {
    let known = saves::KnownRecords::new();
    known_from_browser(server, rep, team, save_id, message, &known).await
}

/// [`message_from_browser`] with the records the page's lookup read in the browser.
async fn known_from_browser(
    server: &TestServer,
    rep: &Session,
    team: &saves::LocalTeam,
    save_id: &str,
    message: &Value,
    known: &saves::KnownRecords,
) -> (saves::team_server::ServerStep, Answer) {
    let Ok(saves::ContentToWorker::Save(request)) = saves::parse_content_message(message) else {
        panic!("a save message");
    };
    let plan = saves::plan_save(team, &request, save_id, known);
    let entry = plan.entries.first().expect("one entry");
    assert!(
        saves::team_server::via_server(team, entry),
        "the team server pushes it"
    );
    let sent = saves::team_server::save_request(entry, &server.url(""), &rep.token);
    let body: Value = serde_json::from_str(sent.body.as_deref().unwrap()).unwrap();
    let answer = server.post("/api/saves", &rep.token, body).await;
    let response = crm::HttpResponse {
        status: answer.status.as_u16(),
        headers: vec![],
        body: answer.text.clone(),
    };
    (
        saves::team_server::read_answer(team, entry, &response, 1_000),
        answer,
    )
}

/// "Log this email" under team sync (a rep with no CRM connection of their own: rules 2 and 3)
/// goes through the team server with its save: the contact and its Task, both Created By the
/// integration user, the Task on the contact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logged_email_under_team_sync_goes_through_the_server_with_its_contact() {
    let sb = Sandbox::start();
    let server = TestServer::start_with(|c| push_to(&sb, c)).await;
    let p = pushing_team(&server, &sb).await;
    let team = rep_browser(&server, &p.rep).await;
    let message = json!({
        "kind": "save", "source": "gmail_extension", "push": "single",
        "prospects": [{"full_name": "Grace Hopper", "email": "grace.mail@example.com",
            "company": "Navy"}],
        "activity": {"kind": "email", "subject": "Pilot next week", "body": "Hello Grace",
            "date": "2026-12-01"},
    });
    let (step, answer) = message_from_browser(&server, &p.rep, &team, "mail-0001", &message).await;
    let saves::team_server::ServerStep::Done { result } = step else {
        panic!("pushed by the server: {step:?} {}", answer.text);
    };
    let contacts = contacts_with(&sb, "grace.mail@example.com").await;
    assert_eq!(contacts.len(), 1);
    let contact = &contacts[0];
    assert_eq!(result["record_id"], contact["Id"], "{result}");
    assert_eq!(contact["CreatedById"], p.t.integration_id.as_str());
    let task_id = result["activity_id"]
        .as_str()
        .expect("the email was logged");
    let tasks = sb.records("Task").await;
    let task = tasks
        .iter()
        .find(|t| t["Id"] == task_id)
        .expect("the Task is in the org");
    assert_eq!(task["WhoId"], contact["Id"], "{task}");
    assert_eq!(task["CreatedById"], p.t.integration_id.as_str(), "{task}");
    assert!(
        task["Subject"]
            .as_str()
            .unwrap_or_default()
            .contains("Pilot next week"),
        "{task}"
    );
}

/// "Update in CRM" (source `job_change`) in server mode goes through the team server: the
/// server reads the record with the team's connection itself and writes the page's job onto
/// it with team sync, the old job kept in a Task, the owner unchanged; sent again, it writes
/// nothing twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_in_crm_goes_through_the_server_onto_the_record_it_reads_itself() {
    let sb = Sandbox::start();
    let server = TestServer::start_with(|c| push_to(&sb, c)).await;
    let p = pushing_team(&server, &sb).await;
    let team = rep_browser(&server, &p.rep).await;
    let person = json!({"full_name": "Ada job1 Lovelace", "email": "ada.job1@example.com",
        "linkedin_url": "https://www.linkedin.com/in/ada-job1", "title": "Head of Sales",
        "company": "Initech"});
    let linkedin = json!({"kind": "save", "source": "linkedin_extension", "push": "single",
        "prospects": [person]});
    let (first, _) = message_from_browser(&server, &p.rep, &team, "job-0001", &linkedin).await;
    let saves::team_server::ServerStep::Done { result } = first else {
        panic!("the person is saved first: {first:?}");
    };
    let record_id = result["record_id"].as_str().unwrap().to_owned();
    // The page now shows another job; the browser's lookup read the record (with the rep's own
    // connection, in a real browser) and the rep clicks Update in CRM.
    let message = json!({
        "kind": "save", "source": "job_change", "push": "single",
        "prospects": [{"full_name": "Ada job1 Lovelace", "email": "ada.job1@example.com",
            "linkedin_url": "https://www.linkedin.com/in/ada-job1",
            "title": "VP Sales", "company": "Globex"}],
    });
    let known: saves::KnownRecords = serde_json::from_value(json!({
        "email:ada.job1@example.com": {"id": record_id, "object": "Contact",
            "owner_id": p.t.rep_id, "owner_name": null, "job": {"title": "Head of Sales"}},
    }))
    .unwrap();
    let (step, answer) =
        known_from_browser(&server, &p.rep, &team, "job-0002", &message, &known).await;
    let saves::team_server::ServerStep::Done { result } = step else {
        panic!("updated by the server: {step:?} {}", answer.text);
    };
    assert_eq!(result["status"], "updated", "{result}");
    assert_eq!(result["record_id"], record_id.as_str(), "{result}");
    assert_eq!(result["job_update"]["now"]["title"], "VP Sales", "{result}");
    let contact = contacts_with(&sb, "ada.job1@example.com").await;
    assert_eq!(contact.len(), 1, "nobody created twice");
    assert_eq!(contact[0]["Title"], "VP Sales", "{}", contact[0]);
    assert_eq!(
        result["job_update"]["was"]["title"], "Head of Sales",
        "what the server read: {result}"
    );
    assert_eq!(
        contact[0]["OwnerId"],
        p.t.rep_id.as_str(),
        "the owner is unchanged"
    );
    let tasks = |all: Vec<Value>| -> Vec<Value> {
        all.into_iter()
            .filter(|t| t["WhoId"] == record_id.as_str())
            .filter(|t| {
                t["Subject"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("Job change")
            })
            .collect()
    };
    let written = tasks(sb.records("Task").await);
    assert_eq!(
        written.len(),
        1,
        "the old job is kept in one Task: {written:?}"
    );
    assert_eq!(written[0]["CreatedById"], p.t.integration_id.as_str());
    // The same click again (a new save id): the change is recorded already, nothing written.
    let (again, answer) =
        known_from_browser(&server, &p.rep, &team, "job-0003", &message, &known).await;
    assert!(
        !matches!(again, saves::team_server::ServerStep::Wait { .. }),
        "{again:?} {}",
        answer.text
    );
    assert_eq!(tasks(sb.records("Task").await).len(), 1, "no second Task");
}

/// The team's own token refused by Salesforce: the rep reads that their admin reconnects it on
/// the team server (never "Reconnect … in Options", which a rep cannot do), for the save that
/// met the refusal and for the one after it; both stay kept and land once the admin reconnected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_reads_that_their_admin_reconnects_a_refused_team_sync_and_the_save_then_lands() {
    let sb = Sandbox::start();
    let server = TestServer::start_with(|c| push_to(&sb, c)).await;
    let p = pushing_team(&server, &sb).await;
    let team = rep_browser(&server, &p.rep).await;
    let (warm, _) = save_from_browser(&server, &p.rep, &team, "warm-0004", "warm4").await;
    assert!(
        matches!(warm, saves::team_server::ServerStep::Done { .. }),
        "{warm:?}"
    );
    // Salesforce refuses the team's grant (revoked at the org, the session expired).
    revoke_team_grant(&sb, &p).await;

    // The first save meets the refusal; the second finds the connection marked refused.
    for (save_id, tag) in [("refused-0001", "rf1"), ("refused-0002", "rf2")] {
        let (step, answer) = save_from_browser(&server, &p.rep, &team, save_id, tag).await;
        let saves::team_server::ServerStep::Wait {
            reason,
            waiting_for,
            ..
        } = step
        else {
            panic!("{save_id}: the save is kept: {step:?}");
        };
        assert_eq!(answer.body["status"], "reconnect_needed", "{}", answer.text);
        assert_eq!(
            reason.message,
            "Team sync on your team server was refused by Salesforce (invalid_grant).",
            "{save_id}"
        );
        assert_eq!(
            reason.hint,
            "Nothing to do here: your admin reconnects it on the team server's admin page. \
             The save is kept and will finish then."
        );
        assert_eq!(waiting_for, "admin", "{save_id}");
        // The server's own answer says why, in the CRM's code.
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text);
        assert_eq!(answer.body["status"], "reconnect_needed", "{}", answer.text);
        assert_eq!(
            answer.body["waiting"]["code"], "invalid_grant",
            "{}",
            answer.text
        );
    }
    assert!(contacts_with(&sb, "ada.rf1@example.com").await.is_empty());

    // The admin reconnects team sync: both kept saves land, once each, and the rep's next
    // ask (the extension asks again by itself) is answered with the result.
    let bare: saves::LocalTeam =
        serde_json::from_value(json!({"config": p.t.team.config})).unwrap();
    let (fresh, _) = sb.connect(&bare, INTEGRATION).await;
    let stored = connect(
        &server,
        &p.admin,
        &p.t,
        fresh.refresh_token.as_deref().unwrap(),
    )
    .await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text);
    for (save_id, tag) in [("refused-0001", "rf1"), ("refused-0002", "rf2")] {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let step = loop {
            let (step, _) = save_from_browser(&server, &p.rep, &team, save_id, tag).await;
            let done = matches!(step, saves::team_server::ServerStep::Done { .. });
            if done || std::time::Instant::now() > deadline {
                break step;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let saves::team_server::ServerStep::Done { result } = step else {
            panic!("{save_id}: lands after the reconnect: {step:?}");
        };
        assert_eq!(result["status"], "created", "{result}");
        let email = format!("ada.{tag}@example.com");
        assert_eq!(contacts_with(&sb, &email).await.len(), 1, "{email}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduled_refresh_keeps_the_team_token_alive() {
    let sb = Sandbox::start();
    let server = TestServer::start_with(|c| {
        push_to(&sb, c);
        c.push.token_refresh_every = Duration::from_millis(300);
    })
    .await;
    let p = pushing_team(&server, &sb).await;
    sb.admin("POST", "reset-counts", json!({})).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let refreshes = sb.hosts().await["login.salesforce.com"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        refreshes >= 2,
        "refreshed on schedule, with no save: {refreshes}"
    );
    let conn = health(&server, &p.admin).await;
    assert!(conn["last_refresh_at"].as_i64().is_some(), "{conn}");
    assert_eq!(conn["status"], "ok");
}

/// The `leadline-server` binary on a data directory, pushing to the sandbox.
struct ServerProcess {
    child: std::process::Child,
    base: String,
}

impl ServerProcess {
    fn start(sb: &Sandbox, data: &std::path::Path) -> Self {
        use std::io::{BufRead, BufReader};
        let resolve: Vec<String> = PINNED
            .iter()
            .map(|h| format!("{h}={}", sb.addr()))
            .collect();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_leadline-server"))
            .args(["serve", "--port", "0", "--data"])
            .arg(data)
            // The flag, not LEADLINE_SF_CLIENT_ID: that variable also configures the server's own
            // (confidential) OAuth app, which then needs its secret; this sandbox app is public.
            .args(["--sf-client-id", CLIENT_ID])
            .env("LEADLINE_CRM_CA", sb.cert_path())
            .env("LEADLINE_CRM_RESOLVE", resolve.join(","))
            .env("LEADLINE_PUSH_LEASE_SECS", "2")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("leadline-server listening on ")
            .expect(&line)
            .to_owned();
        Self { child, base }
    }

    async fn save(&self, session: &str, body: &Value) -> Option<Value> {
        let answer = reqwest::Client::new()
            .post(format!("{}/api/saves", self.base))
            .bearer_auth(session)
            .json(body)
            .send()
            .await
            .ok()?;
        answer.json().await.ok()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_with_the_create_on_the_wire_lands_the_save_once_after_restart() {
    let sb = Sandbox::start();
    // The team is set up through the API of an in-process server, which then stops.
    let setup = TestServer::start_with(|c| push_to(&sb, c)).await;
    let p = pushing_team(&setup, &sb).await;
    let dir = setup.stop().await;

    let first = ServerProcess::start(&sb, dir.path());
    // No duplicate rule: a second create would be a second record, not a CRM refusal.
    sb.admin("POST", "settings", json!({"duplicate_rule": false}))
        .await;
    sb.admin("POST", "reset-counts", json!({})).await;
    sb.admin("POST", "latency", json!({"ms": 1500})).await;
    let body = save("killed-0001", "killed");
    let in_flight = {
        let (base, token, body) = (first.base.clone(), p.rep.token.clone(), body.clone());
        tokio::spawn(async move {
            let _ = reqwest::Client::new()
                .post(format!("{base}/api/saves"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await;
        })
    };
    // SIGKILL once the create is on the wire: the server has written the entry in flight in
    // phase `save` (read from its database), and the sandbox holds each answer 1.5 s.
    let db = server::store::Store::open(dir.path()).await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut on_the_wire = false;
        for (entry_id, _) in db
            .outbox_of_save(&p.admin.team, "killed-0001")
            .await
            .unwrap()
        {
            if let Some(entry) = db.outbox_entry(&p.admin.team, &entry_id).await.unwrap() {
                let entry: Value = serde_json::from_str(&entry).unwrap();
                on_the_wire |= entry["phase"] == "save" && entry["in_flight"] == true;
            }
        }
        if on_the_wire {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the create never went out"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    db.close().await;
    // The entry is written in flight just before the request leaves: wait until the sandbox
    // holds it (received, not answered), so the kill really lands with the create on the wire.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while sb.admin("GET", "latency", json!({})).await["held"] == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the create never reached the CRM"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(first); // kill -9
    let _ = in_flight.await;
    sb.admin("POST", "latency", json!({"ms": 0})).await;
    // The CRM finishes the create it received although its caller is gone.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while contacts_with(&sb, "ada.killed@example.com")
        .await
        .is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the create on the wire never landed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(contacts_with(&sb, "ada.killed@example.com").await.len(), 1);

    // Restarted on the same database: the save resumes (once the dead process's lease has
    // run out), looks the person up before creating, and lands exactly once.
    let second = ServerProcess::start(&sb, dir.path());
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let answer = loop {
        let answer = second.save(&p.rep.token, &body).await.unwrap();
        if answer["status"] == "pushed" || std::time::Instant::now() > deadline {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(answer["status"], "pushed", "{answer}");
    let records = contacts_with(&sb, "ada.killed@example.com").await;
    assert_eq!(records.len(), 1, "saved exactly once");
    assert_eq!(
        answer["results"][0]["record_id"], records[0]["Id"],
        "{answer}"
    );
    assert_eq!(records[0]["OwnerId"], p.t.rep_id.as_str());
    assert!(
        !answer["results"][0]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "linked_by_duplicate_rule"),
        "found by the lookup its in-flight mark asked for: {answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_on_one_database_refresh_the_team_token_once() {
    let sb = Sandbox::start();
    let one = TestServer::start_with(|c| push_to(&sb, c)).await;
    let p = pushing_team(&one, &sb).await;
    // A second server on the same database: its own engines, locks and holder id, sharing
    // only the database (as a second process would).
    let config = common::config_for(one.dir.path().to_path_buf(), |c| push_to(&sb, c));
    let state = server::app::AppState::open(config.clone()).await.unwrap();
    let listener = server::app::bind(&config).await.unwrap();
    let two = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::app::serve(listener, state, std::future::pending()));

    let warm = one
        .post("/api/saves", &p.rep.token, save("warm-0004", "warm4"))
        .await;
    assert_eq!(warm.body["status"], "pushed", "{}", warm.text);
    sb.admin("POST", "reset-counts", json!({})).await;
    sb.admin("POST", "latency", json!({"ms": 300})).await;
    const N: usize = 60;
    let mut runs = tokio::task::JoinSet::new();
    for i in 0..N {
        let base = if i % 2 == 0 { one.url("") } else { two.clone() };
        let (client, token) = (one.client.clone(), p.rep.token.clone());
        let body = save(&format!("pair-{i:04}"), &format!("pair{i}"));
        runs.spawn(async move {
            let answer = client
                .post(format!("{base}/api/saves"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            answer.json::<Value>().await.unwrap()
        });
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = sb.admin("POST", "expire-tokens", json!({})).await;
    assert!(expired["expired"].as_u64().unwrap() >= 1, "{expired}");
    while let Some(answer) = runs.join_next().await {
        let answer = answer.unwrap();
        assert_eq!(answer["status"], "pushed", "{answer}");
    }
    sb.admin("POST", "latency", json!({"ms": 0})).await;
    let hosts = sb.hosts().await;
    assert_eq!(
        hosts["login.salesforce.com"], 1,
        "one refresh across both servers: {hosts}"
    );
    let contacts = sb.records("Contact").await;
    for i in 0..N {
        let email = format!("ada.pair{i}@example.com");
        let n = contacts
            .iter()
            .filter(|c| c["Email"] == email.as_str())
            .count();
        assert_eq!(n, 1, "{email} saved once");
    }
}
