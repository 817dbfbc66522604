//! `POST /api/saves`: decided by the server from its own copy of the team, the actor always
//! the session's member, recorded once per save id (repeats and concurrent duplicates get the
//! stored outcome), and queued for the push engine (not pushed yet: `"pushed": false`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use common::{linkedin_save, Session, TestServer};
use reqwest::StatusCode;
use serde_json::json;

/// A team whose admin holds team sync (005A) and a rep mapped to own records as 005R.
async fn team(server: &TestServer) -> (Session, Session) {
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = server.rep(&admin, "rep@acme.example").await;
    server
        .connect_ok(&admin, &admin.member, "005A", "admin", "tok-team")
        .await;
    let chosen = server.set_team_sync(&admin, &admin.member).await;
    assert_eq!(chosen.status, StatusCode::OK);
    let mapped = server
        .set_crm(&admin, &rep.member, json!({ "owner_mapping": "005R" }))
        .await;
    assert_eq!(mapped.status, StatusCode::OK);
    (admin, rep)
}

#[tokio::test]
async fn a_save_is_decided_by_the_server_and_queued_once() {
    let server = TestServer::start().await;
    let (admin, rep) = team(&server).await;
    let answer = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("save-0001", "Ada Lovelace"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text);
    assert!(answer.headers.get("leadline-replayed").is_none());
    let outcome = &answer.body;
    assert_eq!(outcome["status"], "queued");
    assert_eq!(outcome["pushed"], false);
    assert_eq!(outcome["actor"], rep.member.as_str());
    assert_eq!(outcome["prospects"], json!(["Ada Lovelace"]));
    // Rule 1 and 4 from the server's own team copy: team sync creates, the mapping owns.
    assert_eq!(outcome["decision"]["credential"]["kind"], "team_sync");
    assert_eq!(outcome["decision"]["created_by"], "005A");
    assert_eq!(outcome["decision"]["owner"], "005R");
    assert_eq!(outcome["decision"]["on_behalf_of"], rep.member.as_str());

    // The same save again: the stored outcome, marked as a replay, recorded once.
    let again = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("save-0001", "Ada Lovelace"),
        )
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
    assert_eq!(again.headers["leadline-replayed"], "true");
    assert_eq!(again.body, answer.body);
    assert_eq!(server.state.store.save_count(&admin.team).await.unwrap(), 1);
    let journal = server.get("/api/admin/journal", &admin.token).await;
    assert_eq!(journal.body["entries"].as_array().unwrap().len(), 1);

    // The same id for a different save is a conflict, not a silent replay.
    let other = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("save-0001", "Grace Hopper"),
        )
        .await;
    assert_eq!(other.status, StatusCode::CONFLICT);
    assert_eq!(other.error_code(), "save_id_reused");
    // …and so is another member reusing it.
    let other = server
        .post(
            "/api/saves",
            &admin.token,
            linkedin_save("save-0001", "Ada Lovelace"),
        )
        .await;
    assert_eq!(other.error_code(), "save_id_reused");
    assert_eq!(server.state.store.save_count(&admin.team).await.unwrap(), 1);
}

#[tokio::test]
async fn a_repeat_is_answered_from_the_ledger_even_after_the_team_changed() {
    let server = TestServer::start().await;
    let (admin, rep) = team(&server).await;
    let first = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("save-ledger-1", "Ada Lovelace"),
        )
        .await;
    assert_eq!(first.status, StatusCode::ACCEPTED);
    assert_eq!(first.body["decision"]["owner"], "005R");
    // The admin changes the rep's owner mapping: a new save is decided with it…
    let mapped = server
        .set_crm(&admin, &rep.member, json!({ "owner_mapping": "005Z" }))
        .await;
    assert_eq!(mapped.status, StatusCode::OK);
    let other = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("save-ledger-2", "Grace Hopper"),
        )
        .await;
    assert_eq!(other.body["decision"]["owner"], "005Z");
    // …while the first save's repeat answers what was recorded, even once nothing can push:
    // a second admin removes the one whose connection was the team sync.
    let invite = server
        .post(
            "/api/admin/invites",
            &admin.token,
            json!({ "role": "admin" }),
        )
        .await;
    let admin2 = server
        .join(invite.body["code"].as_str().unwrap(), "admin2@acme.example")
        .await;
    let removed = server
        .call(
            reqwest::Method::DELETE,
            &format!("/api/admin/members/{}", admin.member),
            Some(&admin2.token),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    let refused = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("save-ledger-3", "Alan Turing"),
        )
        .await;
    assert_eq!(refused.error_code(), "no_credentials");
    let again = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("save-ledger-1", "Ada Lovelace"),
        )
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
    assert_eq!(again.headers["leadline-replayed"], "true");
    assert_eq!(again.body, first.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicates_are_recorded_once() {
    let server = TestServer::start().await;
    let (admin, rep) = team(&server).await;
    let bodies = (0..24).map(|_| linkedin_save("save-concurrent-1", "Ada Lovelace"));
    let answers = server
        .post_concurrently("/api/saves", Some(&rep.token), bodies)
        .await;
    assert!(
        answers.iter().all(|a| a.status == StatusCode::ACCEPTED),
        "{:?}",
        answers.iter().map(|a| &a.text).collect::<Vec<_>>()
    );
    let first: Vec<_> = answers
        .iter()
        .filter(|a| a.headers.get("leadline-replayed").is_none())
        .collect();
    assert_eq!(first.len(), 1, "exactly one request records the save");
    assert!(answers.iter().all(|a| a.body == first[0].body));
    assert_eq!(server.state.store.save_count(&admin.team).await.unwrap(), 1);
    let journal = server.get("/api/admin/journal", &admin.token).await;
    assert_eq!(journal.body["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_body_naming_another_actor_is_refused_and_records_nothing() {
    let server = TestServer::start().await;
    let (admin, rep) = team(&server).await;
    for field in ["actor", "actor_id", "user_id"] {
        let mut save = linkedin_save("save-actor-1", "Ada Lovelace");
        save[field] = json!(admin.member);
        let answer = server.post("/api/saves", &rep.token, save).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{field}: {}",
            answer.text
        );
        assert_eq!(answer.error_code(), "actor_mismatch");
    }
    assert_eq!(server.state.store.save_count(&admin.team).await.unwrap(), 0);
    // Nothing was recorded: the same save id still makes a first, non-replayed save.
    let answer = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("save-actor-1", "Ada Lovelace"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED);
    assert!(answer.headers.get("leadline-replayed").is_none());
    assert_eq!(answer.body["actor"], rep.member.as_str());
    // Naming oneself is harmless.
    let mut save = linkedin_save("save-actor-2", "Grace Hopper");
    save["actor"] = json!(rep.member);
    assert_eq!(
        server.post("/api/saves", &rep.token, save).await.status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn bad_saves_get_clear_errors_and_record_nothing() {
    let server = TestServer::start().await;
    let (admin, rep) = team(&server).await;
    let cases = [
        (
            json!({ "source": "linkedin_extension", "prospects": [] }),
            "invalid_save_id",
        ),
        (linkedin_save("short", "Ada Lovelace"), "invalid_save_id"),
        (
            linkedin_save("save id with spaces", "Ada Lovelace"),
            "invalid_save_id",
        ),
        (
            json!({ "save_id": "save-bad-0001", "source": "myspace", "prospects": [] }),
            "invalid_save",
        ),
        (
            json!({ "save_id": "save-bad-0002", "source": "linkedin_extension", "prospects": [1, 2] }),
            "invalid_save",
        ),
        (
            json!({ "save_id": "save-bad-0003", "source": "linkedin_extension", "prospects": [], "decision": {"owner": "005X"} }),
            "invalid_body",
        ),
        (json!(["not", "an", "object"]), "invalid_body"),
    ];
    for (body, code) in cases {
        let answer = server.post("/api/saves", &rep.token, body.clone()).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            answer.text
        );
        assert_eq!(answer.error_code(), code, "{body}");
    }
    assert_eq!(server.state.store.save_count(&admin.team).await.unwrap(), 0);
}

#[tokio::test]
async fn a_save_nothing_can_push_is_refused_and_logged() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = server.rep(&admin, "rep@acme.example").await;
    let answer = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("save-nocred-1", "Ada Lovelace"),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    assert_eq!(answer.error_code(), "no_credentials");
    assert_eq!(server.state.store.save_count(&admin.team).await.unwrap(), 0);
    let errors = server.get("/api/admin/errors", &admin.token).await;
    let entries = errors.body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["code"], "no_credentials");
    assert_eq!(entries[0]["save_id"], "save-nocred-1");
    // Once the admin connects a team-held connection, the same save id goes through.
    server
        .connect_ok(&admin, &admin.member, "005A", "admin", "tok")
        .await;
    let answer = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("save-nocred-1", "Ada Lovelace"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text);
    assert_eq!(
        answer.body["decision"]["credential"]["kind"],
        "highest_permission"
    );
}

#[tokio::test]
async fn a_hubspot_team_decides_with_hubspot_words() {
    let server = TestServer::start().await;
    let admin = server
        .admin_on("Initech", "admin@initech.example", "hubspot")
        .await;
    server
        .connect_ok(&admin, &admin.member, "1001", "admin", "pat-na1-team")
        .await;
    server.set_team_sync(&admin, &admin.member).await;
    let snapshot = server.get("/api/team", &admin.token).await;
    assert_eq!(snapshot.body["team"]["crm"], "hubspot");
    let saved = server
        .post(
            "/api/saves",
            &admin.token,
            linkedin_save("save-hubspot-1", "Ada Lovelace"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::ACCEPTED, "{}", saved.text);
    let reasons = saved.body["decision"]["reasons"].to_string();
    assert!(reasons.contains("HubSpot"), "{reasons}");
}

/// Regression: a rep whose own connection the team holds (stored with `PUT
/// /api/admin/connections`) and who has no owner mapping saves from LinkedIn: team sync (the
/// admin's) creates, the rep's own CRM user owns. The plan used to give the record to team
/// sync and the save answered 500 ("the save plan differs from the server's decision").
#[tokio::test]
async fn a_rep_whose_own_connection_the_team_holds_owns_what_team_sync_creates() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = server.rep(&admin, "rep@acme.example").await;
    server
        .connect_ok(&admin, &admin.member, "005A", "admin", "tok-team")
        .await;
    server
        .connect_ok(&admin, &rep.member, "005R", "standard", "tok-rep")
        .await;
    let chosen = server.set_team_sync(&admin, &admin.member).await;
    assert_eq!(chosen.status, StatusCode::OK);
    let answer = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("save-held-01", "Ada Lovelace"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text);
    let outcome = &answer.body;
    assert_eq!(outcome["decision"]["credential"]["kind"], "team_sync");
    assert_eq!(outcome["decision"]["created_by"], "005A");
    assert_eq!(outcome["decision"]["owner"], "005R");
}

/// What the rep reads under "Why" (the answer's results) is what the server decided, in its
/// words, whoever owns the record: the owner mapping, the rep's own CRM user (a connection the
/// team holds for them), or the pushing connection's user.
#[tokio::test]
async fn the_reasons_a_rep_reads_are_the_servers_decision() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    server
        .connect_ok(&admin, &admin.member, "005A", "admin", "tok-team")
        .await;
    let chosen = server.set_team_sync(&admin, &admin.member).await;
    assert_eq!(chosen.status, StatusCode::OK);
    let mapped = server.rep(&admin, "mapped@acme.example").await;
    let set = server
        .set_crm(&admin, &mapped.member, json!({ "owner_mapping": "005M" }))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    let held = server.rep(&admin, "held@acme.example").await;
    server
        .connect_ok(&admin, &held.member, "005H", "standard", "tok-held")
        .await;
    let plain = server.rep(&admin, "plain@acme.example").await;

    for (rep, owner, words) in [
        (&mapped, "005M", "Owner: your owner mapping"),
        (&held, "005H", "Owner: your own Salesforce user"),
        (
            &plain,
            "005A",
            "Owner: the Salesforce user of the connection that pushed it",
        ),
    ] {
        let id = format!("save-why-{owner}");
        let answer = server
            .post("/api/saves", &rep.token, linkedin_save(&id, "Ada Lovelace"))
            .await;
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text);
        let decision = &answer.body["decision"];
        let result = &answer.body["results"][0];
        assert_eq!(decision["owner"], owner, "{}", answer.text);
        assert_eq!(result["owner"]["id"], owner, "{}", answer.text);
        assert_eq!(result["reasons"], decision["reasons"], "{}", answer.text);
        let said = result["reasons"].as_array().unwrap();
        assert!(
            said.iter().any(|r| r.as_str().unwrap().starts_with(words)),
            "{owner}: {said:?}"
        );
    }
}
