//! The Salesforce web server flow with PKCE, refresh, revoke, identity and token expiry.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{enc, query_param, s256, Harness};
use serde_json::json;

const REDIRECT: &str = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/salesforce";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-sandbox-verifier";

fn authorize_path(challenge: &str) -> String {
    format!(
        "/services/oauth2/authorize?response_type=code&client_id=leadline-sandbox-client&redirect_uri={}&code_challenge={}&code_challenge_method=S256&scope={}&state=xyz123",
        enc(REDIRECT),
        challenge,
        enc("api refresh_token id")
    )
}

fn code_for(h: &Harness, user: &str) -> String {
    let location = h.authorize(&authorize_path(&s256(VERIFIER)), user, "allow");
    assert!(location.starts_with(REDIRECT), "{location}");
    assert_eq!(query_param(&location, "state").as_deref(), Some("xyz123"));
    query_param(&location, "code").unwrap()
}

fn exchange(h: &Harness, code: &str, verifier: Option<&str>) -> common::Reply {
    let mut fields = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", "leadline-sandbox-client"),
        ("redirect_uri", REDIRECT),
    ];
    if let Some(v) = verifier {
        fields.push(("code_verifier", v));
    }
    h.form("/services/oauth2/token", &fields)
}

#[test]
fn web_server_flow_with_pkce_gives_tokens_like_salesforce() {
    let h = Harness::start();
    let code = code_for(&h, "rep@acme.example");
    let reply = exchange(&h, &code, Some(VERIFIER));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let token = reply.json();
    for key in [
        "access_token",
        "refresh_token",
        "instance_url",
        "id",
        "issued_at",
        "signature",
        "scope",
    ] {
        assert!(token[key].is_string(), "missing {key}: {token}");
    }
    assert_eq!(token["token_type"], "Bearer");
    assert!(
        token.get("expires_in").is_none(),
        "Salesforce sends no expires_in"
    );
    assert_eq!(token["instance_url"], h.url());
    assert!(token["issued_at"].as_str().unwrap().parse::<u64>().is_ok());
    // The identity URL names the consenting user.
    let access = token["access_token"].as_str().unwrap();
    let id_url = token["id"].as_str().unwrap();
    let identity = h.get(id_url, Some(access));
    assert_eq!(identity.status, 200, "{}", identity.body);
    let identity = identity.json();
    assert_eq!(identity["username"], "rep@acme.example");
    assert_eq!(identity["user_id"], h.sf_user_id("rep@acme.example"));
    assert_eq!(identity["display_name"], "Rita Rep");
    let info = h.get("/services/oauth2/userinfo", Some(access)).json();
    assert_eq!(info["preferred_username"], "rep@acme.example");
    // The code is single-use.
    let again = exchange(&h, &code, Some(VERIFIER));
    assert_eq!(
        (again.status, again.json()["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[test]
fn pkce_mismatch_and_missing_verifier_are_refused() {
    let h = Harness::start();
    let code = code_for(&h, "rep@acme.example");
    let wrong = exchange(&h, &code, Some("not-the-verifier"));
    assert_eq!(
        (wrong.status, wrong.json()["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let code = code_for(&h, "rep@acme.example");
    let missing = exchange(&h, &code, None);
    assert_eq!(
        (missing.status, missing.json()["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[test]
fn the_public_app_requires_a_challenge_and_a_known_redirect() {
    let h = Harness::start();
    let no_challenge = h.get(
        &format!(
            "/services/oauth2/authorize?response_type=code&client_id=leadline-sandbox-client&redirect_uri={}&state=s",
            enc(REDIRECT)
        ),
        None,
    );
    assert_eq!(no_challenge.status, 302);
    let location = no_challenge.header("location").unwrap();
    assert_eq!(
        query_param(location, "error").as_deref(),
        Some("invalid_request")
    );
    let bad_redirect = h.get(
        "/services/oauth2/authorize?response_type=code&client_id=leadline-sandbox-client&redirect_uri=https%3A%2F%2Fevil.example%2F&code_challenge=x",
        None,
    );
    assert_eq!(bad_redirect.status, 400);
    let bad_client = h.get(
        "/services/oauth2/authorize?response_type=code&client_id=nope",
        None,
    );
    assert_eq!(bad_client.status, 400);
}

#[test]
fn deny_redirects_with_access_denied() {
    let h = Harness::start();
    let location = h.authorize(&authorize_path(&s256(VERIFIER)), "rep@acme.example", "deny");
    assert_eq!(
        query_param(&location, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("xyz123"));
    assert!(query_param(&location, "code").is_none());
}

#[test]
fn wrong_password_shows_the_login_form_again() {
    let h = Harness::start();
    let path = authorize_path(&s256(VERIFIER));
    let (p, q) = path.split_once('?').unwrap();
    let mut fields: Vec<(String, String)> = q
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), common::dec(v))
        })
        .collect();
    fields.push(("step".into(), "login".into()));
    fields.push(("username".into(), "rep@acme.example".into()));
    fields.push(("password".into(), "wrong".into()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let reply = h.form(p, &borrowed);
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("data-testid=\"login-error\""));
    assert!(!reply.body.contains("data-testid=\"allow\""));
}

#[test]
fn refresh_then_revoke() {
    let h = Harness::start();
    let code = code_for(&h, "rep2@acme.example");
    let token = exchange(&h, &code, Some(VERIFIER)).json();
    let refresh = token["refresh_token"].as_str().unwrap();
    let refreshed = h.form(
        "/services/oauth2/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", "leadline-sandbox-client"),
        ],
    );
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let refreshed = refreshed.json();
    assert!(
        refreshed.get("refresh_token").is_none(),
        "no rotation: refresh answers carry no refresh_token"
    );
    let access = refreshed["access_token"].as_str().unwrap();
    assert_ne!(access, token["access_token"].as_str().unwrap());
    assert_eq!(h.get("/services/data/v66.0/", Some(access)).status, 200);
    // Revoking the refresh token kills it and the access tokens minted from it.
    assert_eq!(
        h.form("/services/oauth2/revoke", &[("token", refresh)])
            .status,
        200
    );
    let after = h.get("/services/data/v66.0/", Some(access));
    assert_eq!(
        (after.status, after.sf_error_code()),
        (401, "INVALID_SESSION_ID".to_string())
    );
    let again = h.form(
        "/services/oauth2/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", "leadline-sandbox-client"),
        ],
    );
    assert_eq!(again.json()["error"], "invalid_grant");
    assert_eq!(
        h.form("/services/oauth2/revoke", &[("token", "unknown")])
            .status,
        400
    );
}

#[test]
fn expired_tokens_answer_invalid_session_id() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    assert_eq!(
        h.get("/services/data/v66.0/sobjects", Some(&token)).status,
        200
    );
    h.admin("POST", "expire-tokens", json!({}));
    let reply = h.get("/services/data/v66.0/sobjects", Some(&token));
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.json(),
        json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
    );
    assert_eq!(
        h.get("/services/data/v66.0/sobjects", None).sf_error_code(),
        "INVALID_SESSION_ID"
    );
}

#[test]
fn tokens_expire_after_the_configured_ttl() {
    let h = Harness::start_with_ttl(Duration::from_secs(1));
    let token = h.sf_login("rep@acme.example");
    assert_eq!(h.get("/services/data/v66.0/", Some(&token)).status, 200);
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(h.get("/services/data/v66.0/", Some(&token)).status, 401);
}

#[test]
fn password_grant_rules() {
    let h = Harness::start();
    let grant = |client: &str, secret: Option<&str>, user: &str, password: &str| {
        let mut f = vec![
            ("grant_type", "password"),
            ("client_id", client),
            ("username", user),
            ("password", password),
        ];
        if let Some(s) = secret {
            f.push(("client_secret", s));
        }
        h.form("/services/oauth2/token", &f)
    };
    assert_eq!(
        grant(
            "leadline-sandbox-client",
            None,
            "admin@acme.example",
            "sandbox"
        )
        .status,
        200
    );
    assert_eq!(
        grant(
            "leadline-sandbox-client",
            None,
            "admin@acme.example",
            "nope"
        )
        .json()["error"],
        "invalid_grant"
    );
    assert_eq!(
        grant(
            "leadline-sandbox-client",
            None,
            "gone@acme.example",
            "sandbox"
        )
        .json()["error"],
        "invalid_grant"
    );
    assert_eq!(
        grant(
            "leadline-sandbox-scripts",
            None,
            "admin@acme.example",
            "sandbox"
        )
        .json()["error"],
        "invalid_client"
    );
    assert_eq!(
        grant(
            "leadline-sandbox-scripts",
            Some("bad"),
            "admin@acme.example",
            "sandbox"
        )
        .json()["error"],
        "invalid_client"
    );
    assert_eq!(
        grant("other", None, "admin@acme.example", "sandbox").json()["error"],
        "invalid_client_id"
    );
    let no_refresh = grant(
        "leadline-sandbox-client",
        None,
        "admin@acme.example",
        "sandbox",
    )
    .json();
    assert!(no_refresh.get("refresh_token").is_none());
}
