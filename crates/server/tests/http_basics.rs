//! Every answer is JSON, including refusals: unknown routes, wrong methods, missing sessions,
//! malformed and oversized bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use common::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Every route under `/api/` except joining, with a method it takes (sign-out last: it ends
/// the admin session the test uses).
const SESSION_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/team"),
    ("POST", "/api/saves"),
    ("GET", "/api/admin/members"),
    ("POST", "/api/admin/invites"),
    ("DELETE", "/api/admin/members/m_x"),
    ("POST", "/api/admin/members/m_x/revoke-sessions"),
    ("PUT", "/api/admin/members/m_x/crm"),
    ("GET", "/api/admin/connections"),
    ("PUT", "/api/admin/connections/m_x"),
    ("PUT", "/api/admin/team-sync"),
    ("PUT", "/api/admin/push-settings"),
    ("GET", "/api/admin/journal"),
    ("GET", "/api/admin/errors"),
    ("POST", "/api/sign-out"),
];

#[tokio::test]
async fn every_api_route_but_join_needs_a_session() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    for (method, path) in SESSION_ROUTES {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        for session in [None, Some("lls_forged-token"), Some("not-even-a-token")] {
            let answer = server
                .call(method.clone(), path, session, Some(&json!({})))
                .await;
            assert_eq!(
                answer.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path}: {}",
                answer.text
            );
            assert_eq!(answer.error_code(), "unauthorized");
        }
        // The same route with a valid admin session is not refused as unauthorized.
        let answer = server
            .call(method.clone(), path, Some(&admin.token), Some(&json!({})))
            .await;
        assert_ne!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}: {}",
            answer.text
        );
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let server = TestServer::start().await;
    let answer = server
        .call(Method::GET, "/api/nothing-here", None, None)
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.error_code(), "not_found");
    let answer = server.call(Method::GET, "/api/join", None, None).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.error_code(), "method_not_allowed");
}

#[tokio::test]
async fn malformed_and_misshaped_bodies_are_400_json() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let answer = server.raw("/api/join", None, b"{\"code\": ".to_vec()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "malformed_json");
    let answer = server
        .raw("/api/saves", Some(&admin.token), b"not json".to_vec())
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "malformed_json");
    let answer = server
        .raw("/api/join", None, br#"{"code": 42}"#.to_vec())
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "invalid_body");
    let answer = server
        .client
        .post(server.url("/api/join"))
        .header("content-type", "text/plain")
        .body(r#"{"code":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unsupported_media_type");
}

#[tokio::test]
async fn oversized_bodies_are_413_json_and_change_nothing() {
    let server = TestServer::start_with(|c| c.body_limit = 4096).await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let mut save = common::linkedin_save("save-oversized-1", "Ada Lovelace");
    save["prospects"][0]["headline"] = json!("x".repeat(8000));
    let answer = server
        .raw(
            "/api/saves",
            Some(&admin.token),
            serde_json::to_vec(&save).unwrap(),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.text
    );
    assert_eq!(answer.error_code(), "payload_too_large");
    assert_eq!(server.state.store.save_count(&admin.team).await.unwrap(), 0);
    let answer = server
        .raw(
            "/api/join",
            None,
            format!(r#"{{"code":"{}"}}"#, "a".repeat(10_000)).into_bytes(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.error_code(), "payload_too_large");
}

/// The extension's worker reaches any server URL through CORS (no host permission): a
/// preflight from a `chrome-extension://` origin is granted with the bearer header, and a web
/// page's origin gets no grant.
#[tokio::test]
async fn cors_grants_extension_origins_only() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        client
            .request(Method::OPTIONS, server.url("/api/team"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
    };
    let extension = "chrome-extension://abcdefghijklmnopabcdefghijklmnop";
    let granted = preflight(extension).await.unwrap();
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_ascii_lowercase())
    };
    assert_eq!(
        header(&granted, "access-control-allow-origin").as_deref(),
        Some(extension)
    );
    assert!(header(&granted, "access-control-allow-headers")
        .unwrap_or_default()
        .contains("authorization"));
    for origin in ["https://evil.example", "chrome-extension://short"] {
        let refused = preflight(origin).await.unwrap();
        assert_eq!(
            header(&refused, "access-control-allow-origin"),
            None,
            "{origin}"
        );
    }
    // An ordinary request from the extension carries the grant too.
    let answer = client
        .get(server.url("/api/team"))
        .header("Origin", extension)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&answer, "access-control-allow-origin").as_deref(),
        Some(extension)
    );
}
