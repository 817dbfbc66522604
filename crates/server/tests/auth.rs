//! Sessions and invites: joining once per code, expiry, revocation, removal, roles, and one
//! team's session never reaching another team.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use std::time::Duration;

use common::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn an_invite_code_joins_once_and_forged_codes_join_nobody() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let invite = server
        .post("/api/admin/invites", &admin.token, json!({ "role": "rep" }))
        .await;
    assert_eq!(invite.status, StatusCode::CREATED);
    let code = invite.body["code"].as_str().unwrap();
    // The database keeps only a hash of the code.
    assert!(!server.data_files_contain(code.as_bytes()));

    let rep = server.join(code, "rep@acme.example").await;
    let team = server.get("/api/team", &rep.token).await;
    assert_eq!(team.status, StatusCode::OK);
    assert_eq!(team.body["me"]["id"], rep.member.as_str());
    assert_eq!(team.body["me"]["role"], "rep");

    let again = server.try_join(code, "other@acme.example").await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.error_code(), "invite_used");

    let forged = format!("{}x", &code[..code.len() - 1]);
    let answer = server.try_join(&forged, "x@acme.example").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.error_code(), "invalid_invite");

    let members = server.get("/api/admin/members", &admin.token).await;
    assert_eq!(members.body["members"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_joins_with_one_code_let_exactly_one_in() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let invite = server
        .post("/api/admin/invites", &admin.token, json!({}))
        .await;
    let code = invite.body["code"].as_str().unwrap().to_owned();
    let bodies = (0..8).map(|i| json!({ "code": code, "email": format!("rep{i}@acme.example") }));
    let answers = server.post_concurrently("/api/join", None, bodies).await;
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "exactly one join wins");
    for a in answers.iter().filter(|a| a.status != StatusCode::CREATED) {
        assert_eq!(a.error_code(), "invite_used");
    }
}

#[tokio::test]
async fn expired_invites_and_sessions_are_refused() {
    let server = TestServer::start_with(|c| {
        c.session_ttl = Duration::from_secs(1);
        c.invite_ttl = Duration::from_secs(1);
    })
    .await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let invite = server
        .post("/api/admin/invites", &admin.token, json!({}))
        .await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let answer = server.get("/api/team", &admin.token).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.error_code(), "unauthorized");
    assert!(answer.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));
    let code = invite.body["code"].as_str().unwrap();
    let answer = server.try_join(code, "rep@acme.example").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.error_code(), "invite_expired");
}

#[tokio::test]
async fn the_admin_revokes_sessions_and_removes_members() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = server.rep(&admin, "rep@acme.example").await;
    assert_eq!(
        server.get("/api/team", &rep.token).await.status,
        StatusCode::OK
    );

    let revoked = server
        .post(
            &format!("/api/admin/members/{}/revoke-sessions", rep.member),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    assert_eq!(revoked.body["revoked"], 1);
    let answer = server.get("/api/team", &rep.token).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.error_code(), "unauthorized");

    let rep2 = server.rep(&admin, "rep2@acme.example").await;
    let removed = server
        .call(
            Method::DELETE,
            &format!("/api/admin/members/{}", rep2.member),
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    assert_eq!(
        server.get("/api/team", &rep2.token).await.status,
        StatusCode::UNAUTHORIZED
    );
    let members = server.get("/api/admin/members", &admin.token).await;
    let emails: Vec<&str> = members.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["admin@acme.example", "rep@acme.example"]);

    // Signing out ends only that session.
    let signed_out = server
        .call(Method::POST, "/api/sign-out", Some(&admin.token), None)
        .await;
    assert_eq!(signed_out.status, StatusCode::NO_CONTENT);
    assert_eq!(
        server.get("/api/team", &admin.token).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn reps_cannot_use_the_admin_api() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let rep = server.rep(&admin, "rep@acme.example").await;
    for (method, path) in [
        (Method::GET, "/api/admin/members"),
        (Method::POST, "/api/admin/invites"),
        (Method::PUT, "/api/admin/team-sync"),
        (Method::GET, "/api/admin/journal"),
    ] {
        let answer = server
            .call(method, path, Some(&rep.token), Some(&json!({})))
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(answer.error_code(), "forbidden");
    }
}

#[tokio::test]
async fn a_session_of_one_team_cannot_touch_another_team() {
    let server = TestServer::start().await;
    let acme = server.admin("Acme", "admin@acme.example").await;
    let acme_rep = server.rep(&acme, "rep@acme.example").await;
    let globex = server.admin("Globex", "admin@globex.example").await;
    assert_ne!(acme.team, globex.team);

    // Globex's admin names Acme's rep in every admin route: each answers "not on your team".
    let path = |suffix: &str| format!("/api/admin/members/{}{suffix}", acme_rep.member);
    let answers = [
        server
            .call(Method::DELETE, &path(""), Some(&globex.token), None)
            .await,
        server
            .post(&path("/revoke-sessions"), &globex.token, json!({}))
            .await,
        server
            .put(
                &path("/crm"),
                &globex.token,
                json!({ "owner_mapping": "005X" }),
            )
            .await,
        server
            .connect(&globex, &acme_rep.member, "005R", "admin", "token-globex")
            .await,
    ];
    for answer in &answers {
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.text);
        assert_eq!(answer.error_code(), "not_found");
    }
    let team_sync = server.set_team_sync(&globex, &acme_rep.member).await;
    assert_eq!(team_sync.status, StatusCode::CONFLICT);
    assert_eq!(team_sync.error_code(), "team_sync_not_connected");

    // Acme's rep is untouched, and each team sees only itself.
    assert_eq!(
        server.get("/api/team", &acme_rep.token).await.status,
        StatusCode::OK
    );
    let snapshot = server.get("/api/team", &globex.token).await;
    assert_eq!(snapshot.body["team"]["name"], "Globex");
    assert!(!snapshot.text.contains(&acme_rep.member));
    let members = server.get("/api/admin/members", &globex.token).await;
    assert_eq!(members.body["members"].as_array().unwrap().len(), 1);
}
