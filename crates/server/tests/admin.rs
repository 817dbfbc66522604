//! The admin's API: owner mapping, connections (rule 7), the team sync choice (rules 9 and
//! 11, checked by the attribution core), push settings, the snapshot and the journal as CSV.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use common::TestServer;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn team_sync_is_chosen_among_team_held_connections_only() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = server.rep(&admin, "rep@acme.example").await;

    // No connection held by the team: refused like an unconnected user (rules 9 and 11).
    let answer = server.set_team_sync(&admin, &rep.member).await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.text);
    assert_eq!(answer.error_code(), "team_sync_not_connected");
    let answer = server.set_team_sync(&admin, "m_nobody").await;
    assert_eq!(answer.error_code(), "team_sync_not_connected");

    // A standard connection is accepted with the core's warning; an admin one without.
    server
        .connect_ok(&admin, &rep.member, "005R", "standard", "tok-rep")
        .await;
    let answer = server.set_team_sync(&admin, &rep.member).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.body["warnings"], json!(["team_sync_not_admin"]));
    server
        .connect_ok(&admin, &admin.member, "005A", "admin", "tok-admin")
        .await;
    let answer = server.set_team_sync(&admin, &admin.member).await;
    assert_eq!(answer.body["warnings"], json!([]));

    let snapshot = server.get("/api/team", &rep.token).await;
    assert_eq!(snapshot.body["state"]["team_sync"], admin.member.as_str());
    let users = snapshot.body["state"]["users"].as_array().unwrap();
    assert_eq!(users[0]["personal"]["crm_user_id"], "005A");
    assert_eq!(users[1]["personal"]["permission"], "standard");
    // The snapshot is valid input for the attribution core as it is.
    let decision = attribution::decide_json(&json!({
        "crm": "salesforce", "source": "linkedin_extension", "record": "contact",
        "actor": rep.member, "team": snapshot.body["state"],
    }));
    assert_eq!(decision["credential"]["kind"], "team_sync", "{decision}");
}

#[tokio::test]
async fn one_crm_user_is_held_by_one_member() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = server.rep(&admin, "rep@acme.example").await;
    server
        .connect_ok(&admin, &admin.member, "005A", "admin", "tok-1")
        .await;
    let answer = server
        .connect(&admin, &rep.member, "005A", "standard", "tok-2")
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.text);
    assert_eq!(answer.error_code(), "duplicate_crm_account");
    // Reconnecting the same member replaces its connection.
    server
        .connect_ok(&admin, &admin.member, "005A", "standard", "tok-3")
        .await;
    let connections = server.get("/api/admin/connections", &admin.token).await;
    let list = connections.body["connections"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["permission"], "standard");
    let answer = server
        .connect(&admin, &rep.member, "005R", "superuser", "tok-4")
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "invalid_body");
}

#[tokio::test]
async fn owner_mapping_and_push_settings_reach_the_snapshot() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = server.rep(&admin, "rep@acme.example").await;
    let answer = server
        .set_crm(
            &admin,
            &rep.member,
            json!({ "crm_user_id": "005R", "owner_mapping": "005R" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let answer = server
        .put(
            "/api/admin/push-settings",
            &admin.token,
            json!({ "record_kind": "lead", "match_account": true }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let answer = server
        .put(
            "/api/admin/push-settings",
            &admin.token,
            json!({ "record_kind": "opportunity" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "invalid_body");

    let snapshot = server.get("/api/team", &rep.token).await;
    assert_eq!(snapshot.body["state"]["users"][1]["owner_mapping"], "005R");
    assert_eq!(snapshot.body["push_settings"]["record_kind"], "lead");
    assert_eq!(snapshot.body["push_settings"]["match_account"], true);
}

#[tokio::test]
async fn the_journal_is_json_or_csv() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    server
        .connect_ok(&admin, &admin.member, "005A", "admin", "tok")
        .await;
    server.set_team_sync(&admin, &admin.member).await;
    let saved = server
        .post(
            "/api/saves",
            &admin.token,
            common::linkedin_save("save-journal-1", "=Ada Lovelace"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::ACCEPTED, "{}", saved.text);

    let journal = server.get("/api/admin/journal", &admin.token).await;
    let entries = journal.body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["save_id"], "save-journal-1");
    assert_eq!(entries[0]["code"], "queued");

    let csv = server
        .get("/api/admin/journal?format=csv", &admin.token)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(lines[0], "id,at,kind,actor_id,save_id,code,message");
    assert_eq!(lines.len(), 2);
    assert!(lines[1].contains("\"save-journal-1\"") && lines[1].contains("\"queued\""));
    let answer = server
        .get("/api/admin/journal?format=xml", &admin.token)
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "invalid_query");
    let answer = server
        .get("/api/admin/errors?limit=many", &admin.token)
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "invalid_query");
}
