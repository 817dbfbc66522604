//! What the team server needs from Salesforce, as the sandbox emulates it: a confidential app
//! that requires its secret, OpenID Connect sign-in (`openid` only: an ID token and userinfo,
//! no REST API), and five approvals per user per app.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine;
use common::{enc, query_param, s256, Harness};
use serde_json::{json, Value};

const SERVER_APP: &str = "leadline-sandbox-server";
const SERVER_SECRET: &str = "leadline-sandbox-server-secret";
const SERVER_CALLBACK: &str = "https://leadline.example.com/api/oauth/salesforce/callback";
const EXT_APP: &str = "leadline-sandbox-client";
const EXT_REDIRECT: &str = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/salesforce";
const VERIFIER: &str = "team-server-verifier-0123456789-0123456789-abc";

fn authorize_path(client: &str, redirect: &str, scope: &str) -> String {
    format!(
        "/services/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&code_challenge={}&code_challenge_method=S256&scope={}&state=st",
        enc(redirect),
        s256(VERIFIER),
        enc(scope)
    )
}

fn server_code(h: &Harness, user: &str) -> String {
    let path = authorize_path(SERVER_APP, SERVER_CALLBACK, "api refresh_token id");
    let location = h.authorize_app(&path, user, "allow", "Leadline Team Server");
    assert!(location.starts_with(SERVER_CALLBACK), "{location}");
    query_param(&location, "code").unwrap()
}

fn server_exchange(h: &Harness, code: &str, secret: Option<&str>) -> common::Reply {
    let mut fields = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", SERVER_APP),
        ("redirect_uri", SERVER_CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    if let Some(s) = secret {
        fields.push(("client_secret", s));
    }
    h.form("/services/oauth2/token", &fields)
}

fn refresh(h: &Harness, client: &str, token: &str, secret: Option<&str>) -> common::Reply {
    let mut fields = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", token),
        ("client_id", client),
    ];
    if let Some(s) = secret {
        fields.push(("client_secret", s));
    }
    h.form("/services/oauth2/token", &fields)
}

fn invalid_client() -> Value {
    json!({"error": "invalid_client", "error_description": "invalid client credentials"})
}

#[test]
fn the_server_app_refuses_a_code_exchange_or_refresh_without_its_secret() {
    let h = Harness::start();
    let code = server_code(&h, "integration@acme.example");
    for secret in [None, Some("leadline-sandbox-secret")] {
        let refused = server_exchange(&h, &code, secret);
        assert_eq!((refused.status, refused.json()), (400, invalid_client()));
    }
    // The refusals did not use the code up.
    let token = server_exchange(&h, &code, Some(SERVER_SECRET));
    assert_eq!(token.status, 200, "{}", token.body);
    let refresh_token = token.json()["refresh_token"].as_str().unwrap().to_owned();
    let refused = refresh(&h, SERVER_APP, &refresh_token, None);
    assert_eq!((refused.status, refused.json()), (400, invalid_client()));
    let refreshed = refresh(&h, SERVER_APP, &refresh_token, Some(SERVER_SECRET));
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    // The public app must not send a secret at all.
    let public = refresh(&h, EXT_APP, &refresh_token, Some(SERVER_SECRET));
    assert_eq!((public.status, public.json()), (400, invalid_client()));
}

#[test]
fn the_server_app_needs_pkce_and_takes_its_https_callback() {
    let h = Harness::start();
    let no_pkce = h.get(
        &format!(
            "/services/oauth2/authorize?response_type=code&client_id={SERVER_APP}&redirect_uri={}&state=s",
            enc(SERVER_CALLBACK)
        ),
        None,
    );
    assert_eq!(no_pkce.status, 302);
    let location = no_pkce.header("location").unwrap();
    assert!(location.starts_with(SERVER_CALLBACK));
    assert_eq!(
        query_param(location, "error").as_deref(),
        Some("invalid_request")
    );
    // The extension's app does not accept the server's callback.
    let page = h.get(&authorize_path(EXT_APP, SERVER_CALLBACK, "openid"), None);
    assert_eq!(page.status, 400);
}

fn jwt_part(token: &str, index: usize) -> Vec<u8> {
    let part = token.split('.').nth(index).unwrap();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap()
}

#[test]
fn an_openid_only_grant_gets_an_id_token_and_userinfo_but_no_api() {
    let h = Harness::start();
    let location = h.authorize(
        &authorize_path(EXT_APP, EXT_REDIRECT, "openid"),
        "rep@acme.example",
        "allow",
    );
    let code = query_param(&location, "code").unwrap();
    let reply = h.form(
        "/services/oauth2/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", EXT_APP),
            ("redirect_uri", EXT_REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let token = reply.json();
    assert_eq!(token["scope"], "openid");
    assert!(
        token.get("refresh_token").is_none(),
        "no refresh_token scope"
    );
    let access = token["access_token"].as_str().unwrap();
    let id_url = token["id"].as_str().unwrap();

    // The ID token: signed by a key of the published set, about this user, for this app.
    let id_token = token["id_token"].as_str().unwrap();
    let header: Value = serde_json::from_slice(&jwt_part(id_token, 0)).unwrap();
    let claims: Value = serde_json::from_slice(&jwt_part(id_token, 1)).unwrap();
    assert_eq!(claims["sub"], id_url);
    assert_eq!(claims["aud"], EXT_APP);
    assert_eq!(claims["iss"], h.url());
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
    let digest = ring::digest::digest(&ring::digest::SHA256, access.as_bytes());
    let at_hash = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest.as_ref()[..16]);
    assert_eq!(claims["at_hash"], at_hash);
    let keys = h.get("/id/keys", None).json();
    let jwk = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .unwrap();
    let coordinate = |name: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwk[name].as_str().unwrap())
            .unwrap()
    };
    let mut point = vec![4u8];
    point.extend(coordinate("x"));
    point.extend(coordinate("y"));
    let (signed, _) = id_token.rsplit_once('.').unwrap();
    let verify = |message: &[u8]| {
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, &point)
            .verify(message, &jwt_part(id_token, 2))
            .is_ok()
    };
    assert!(verify(signed.as_bytes()));
    assert!(!verify(format!("{signed}x").as_bytes()));

    // Userinfo names the user and the org.
    let info = h.get("/services/oauth2/userinfo", Some(access));
    assert_eq!(info.status, 200, "{}", info.body);
    let info = info.json();
    assert_eq!(info["user_id"], h.sf_user_id("rep@acme.example"));
    assert_eq!(info["organization_id"], sandbox::seed::org_id());
    assert_eq!(info["email"], "rep@acme.example");
    assert_eq!(info["name"], "Rita Rep");
    assert_eq!(h.get(id_url, Some(access)).status, 200);

    // The REST API refuses the identity-only token, as Salesforce does.
    let api = h.get("/services/data/v66.0/sobjects", Some(access));
    assert_eq!(api.status, 401);
    assert_eq!(
        api.json(),
        json!([{"errorCode": "INVALID_SESSION_ID", "message": "This session is not valid for use with the REST API"}])
    );
    // A grant without `openid` carries no ID token.
    let plain = h.sf_login("rep@acme.example");
    assert_eq!(
        h.get("/services/data/v66.0/sobjects", Some(&plain)).status,
        200
    );
}

fn approvals(h: &Harness, user: &str, client: &str) -> i64 {
    h.admin(
        "GET",
        &format!("approvals?user={}&client_id={client}", enc(user)),
        json!({}),
    )["total"]
        .as_i64()
        .unwrap()
}

#[test]
fn a_sixth_approval_for_a_user_and_app_revokes_the_oldest() {
    let h = Harness::start();
    let user = "integration@acme.example";
    let mut grants = Vec::new();
    for _ in 0..6 {
        let code = server_code(&h, user);
        let token = server_exchange(&h, &code, Some(SERVER_SECRET)).json();
        grants.push((
            token["refresh_token"].as_str().unwrap().to_owned(),
            token["access_token"].as_str().unwrap().to_owned(),
        ));
        assert!(approvals(&h, user, SERVER_APP) <= 5);
    }
    assert_eq!(approvals(&h, user, SERVER_APP), 5);
    // The oldest is gone, with its access token; the others still refresh.
    let first = refresh(&h, SERVER_APP, &grants[0].0, Some(SERVER_SECRET));
    assert_eq!(
        (first.status, first.json()),
        (
            400,
            json!({"error": "invalid_grant", "error_description": "expired access/refresh token"})
        )
    );
    assert_eq!(
        h.get("/services/data/v66.0/", Some(&grants[0].1)).status,
        401
    );
    for (refresh_token, _) in &grants[1..] {
        let again = refresh(&h, SERVER_APP, refresh_token, Some(SERVER_SECRET));
        assert_eq!(again.status, 200, "{}", again.body);
    }
    // Approvals are per app and per user: another app, another user start from zero.
    assert_eq!(approvals(&h, user, EXT_APP), 0);
    assert_eq!(approvals(&h, "admin@acme.example", SERVER_APP), 0);
    let other = server_code(&h, "admin@acme.example");
    assert_eq!(server_exchange(&h, &other, Some(SERVER_SECRET)).status, 200);
    assert_eq!(approvals(&h, "admin@acme.example", SERVER_APP), 1);
    assert_eq!(approvals(&h, user, SERVER_APP), 5);
}
