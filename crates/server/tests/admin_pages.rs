//! The admin's pages (`/admin`), driven like a browser: sign-in with an invite code (the
//! session cookie and its attributes), every form acting with the change seen by the JSON
//! API, CSRF and `Origin` refusals that change nothing, the rep's 403, escaping, the
//! server-side Salesforce connect and sign-in through the sandbox org, and no secret in any
//! page.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;
#[path = "common/oauth.rs"]
mod oauth_common;
#[path = "common/pages.rs"]
mod pages;

use common::{linkedin_save, Session, TestServer};
use oauth_common::{Org, SF_SECRET};
use pages::{admin_code, signed_in_admin, Browser};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn member_by_email<'a>(members: &'a Value, email: &str) -> &'a Value {
    members["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .unwrap_or_else(|| panic!("{email} not in {members}"))
}

#[tokio::test]
async fn an_admin_signs_in_with_an_invite_and_gets_a_strict_http_only_cookie() {
    let server = TestServer::start().await;
    let mut browser = Browser::new(server.addr);

    // Not signed in: every admin page sends the browser to the sign-in page.
    for path in [
        "/admin",
        "/admin/members",
        "/admin/settings",
        "/admin/journal",
    ] {
        let answer = browser.get(path).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(answer.location(), "/admin/sign-in", "{path}");
    }
    let page = browser.get("/admin/sign-in").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"code\""), "{}", page.body);
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );

    let code = admin_code(&server, "Acme").await;
    let answer = browser
        .post(
            "/admin/sign-in",
            &[("code", &code), ("email", "Admin@Acme.example")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let cookie = answer.set_cookie().unwrap();
    assert!(cookie.starts_with("leadline_admin=lls_"), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/admin", "Max-Age="] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "a plain-HTTP server cannot set Secure: {cookie}"
    );
    browser.keep_cookie(&answer);

    let overview = browser.get("/admin").await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    assert!(overview.body.contains("Acme"));
    assert!(overview.body.contains("admin@acme.example"), "signed in as");
    assert!(overview.body.contains("data-testid=\"team-sync-none\""));
    assert_eq!(overview.headers["cache-control"], "no-store");
    assert_eq!(overview.headers["x-frame-options"], "DENY");

    // The code worked once.
    let again = Browser::new(server.addr)
        .post(
            "/admin/sign-in",
            &[("code", &code), ("email", "other@acme.example")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert!(again.body.contains("already used"), "{}", again.body);
    assert!(again.set_cookie().is_none());

    // The bearer API is unchanged: the same session works as a bearer token, and the API
    // never reads the cookie.
    let token = browser.cookie.clone().unwrap();
    assert_eq!(
        server.get("/api/admin/members", &token).await.status,
        StatusCode::OK
    );
    let by_cookie = server
        .client
        .get(server.url("/api/admin/members"))
        .header("cookie", format!("leadline_admin={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), StatusCode::UNAUTHORIZED);

    // A rep's invite is refused on the admin sign-in page and stays usable.
    let admin = Session {
        token: token.clone(),
        member: String::new(),
        team: String::new(),
    };
    let invite = server
        .post("/api/admin/invites", &admin.token, json!({ "role": "rep" }))
        .await;
    let rep_code = invite.body["code"].as_str().unwrap();
    let refused = Browser::new(server.addr)
        .post(
            "/admin/sign-in",
            &[("code", rep_code), ("email", "rep@acme.example")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("for a rep"), "{}", refused.body);
    assert!(refused.set_cookie().is_none());
    server.join(rep_code, "rep@acme.example").await;

    // Signing out ends the session for the pages and the API alike.
    let page = browser.get("/admin").await;
    let out = browser
        .post("/admin/sign-out", &[("csrf", &page.csrf())])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.set_cookie().unwrap().contains("Max-Age=0"));
    assert_eq!(browser.get("/admin").await.location(), "/admin/sign-in");
    assert_eq!(
        server.get("/api/team", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn every_form_acts_and_the_api_sees_the_change() {
    let server = TestServer::start().await;
    let (browser, admin) = signed_in_admin(&server, "Acme", "admin@acme.example").await;
    let csrf = browser.get("/admin").await.csrf();

    // Add a member by CRM user.
    let added = browser
        .post(
            "/admin/members",
            &[
                ("csrf", &csrf),
                ("email", "Rita@Acme.example"),
                ("crm_user_id", "005RITA"),
                ("role", "rep"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let members = server.get("/api/admin/members", &admin.token).await.body;
    let rita = member_by_email(&members, "rita@acme.example").clone();
    assert_eq!(rita["crm_user_id"], "005RITA");
    assert_eq!(rita["role"], "rep");
    let page = browser.get(added.location()).await;
    assert!(page.body.contains("Member added"), "{}", page.body);
    assert!(page.body.contains("rita@acme.example"));

    // An invite code, shown once, that really joins.
    let invite = browser
        .post(
            "/admin/invites",
            &[("csrf", &csrf), ("role", "rep"), ("email", "")],
        )
        .await;
    assert_eq!(invite.status, StatusCode::CREATED, "{}", invite.body);
    let code = invite
        .body
        .split("data-testid=\"invite-code\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    assert!(code.starts_with("lli_"), "{code}");
    assert!(
        !browser.get("/admin/members").await.body.contains(&code),
        "shown once"
    );
    let remy = server.join(&code, "remy@acme.example").await;

    // The owner mapping form.
    let rita_id = rita["id"].as_str().unwrap();
    let mapped = browser
        .post(
            &format!("/admin/members/{rita_id}/crm"),
            &[
                ("csrf", &csrf),
                ("crm_user_id", "005RITA"),
                ("owner_mapping", "005OWNER"),
            ],
        )
        .await;
    assert_eq!(mapped.status, StatusCode::SEE_OTHER, "{}", mapped.body);
    let members = server.get("/api/admin/members", &admin.token).await.body;
    assert_eq!(
        member_by_email(&members, "rita@acme.example")["owner_mapping"],
        "005OWNER"
    );
    // An empty field clears it.
    browser
        .post(
            &format!("/admin/members/{rita_id}/crm"),
            &[
                ("csrf", &csrf),
                ("crm_user_id", "005RITA"),
                ("owner_mapping", ""),
            ],
        )
        .await;
    let members = server.get("/api/admin/members", &admin.token).await.body;
    assert_eq!(
        member_by_email(&members, "rita@acme.example")["owner_mapping"],
        Value::Null
    );

    // Team sync among held connections, then its health on the overview.
    server
        .connect_ok(&admin, rita_id, "005RITA", "standard", "tok-rita")
        .await;
    server
        .connect_ok(&admin, &admin.member, "005ADMIN", "admin", "tok-admin")
        .await;
    let chosen = browser
        .post("/admin/team-sync", &[("csrf", &csrf), ("member", rita_id)])
        .await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    assert!(
        chosen.body.contains("team sync not admin"),
        "the core's warning: {}",
        chosen.body
    );
    assert_eq!(
        server.get("/api/team", &remy.token).await.body["state"]["team_sync"],
        rita_id
    );
    let refused = browser
        .post(
            "/admin/team-sync",
            &[("csrf", &csrf), ("member", &remy.member)],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::CONFLICT,
        "no held connection: {}",
        refused.body
    );
    browser
        .post(
            "/admin/team-sync",
            &[("csrf", &csrf), ("member", &admin.member)],
        )
        .await;
    assert_eq!(
        server.get("/api/team", &remy.token).await.body["state"]["team_sync"],
        admin.member.as_str()
    );
    let overview = browser.get("/admin").await.body;
    assert!(
        overview.contains("data-testid=\"team-sync-status\">ok<"),
        "{overview}"
    );
    assert!(overview.contains("005ADMIN@crm.example"));

    // A save by a rep shows in the journal page and its CSV (the API's CSV, as a download).
    let save = server
        .post(
            "/api/saves",
            &remy.token,
            linkedin_save("save-page-1", "Ada Page"),
        )
        .await;
    assert!(save.status.is_success(), "{}", save.text);
    let journal = browser.get("/admin/journal").await;
    assert!(journal.body.contains("save-page-1"), "{}", journal.body);
    assert!(
        journal.body.contains("remy@acme.example"),
        "the actor by email"
    );
    let csv = browser.get("/admin/journal.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let api_csv = server
        .get("/api/admin/journal?format=csv&limit=10000", &admin.token)
        .await;
    assert_eq!(csv.body, api_csv.text);
    assert!(csv.body.contains("save-page-1"));
    assert_eq!(
        browser.get("/admin/errors.csv").await.status,
        StatusCode::OK
    );

    // Push settings.
    let saved = browser
        .post(
            "/admin/settings",
            &[
                ("csrf", &csrf),
                ("record_kind", "lead"),
                ("match_account", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let team = server.get("/api/team", &remy.token).await.body;
    assert_eq!(
        team["push_settings"],
        json!({ "record_kind": "lead", "match_account": true, "log_emails": false })
    );
    let settings = browser.get("/admin/settings").await.body;
    assert!(settings.contains("value=\"lead\" selected"), "{settings}");
    let bad = browser
        .post(
            "/admin/settings",
            &[("csrf", &csrf), ("record_kind", "account")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert_eq!(
        server.get("/api/team", &remy.token).await.body["push_settings"]["record_kind"],
        "lead"
    );

    // Sign a member out everywhere, behind a confirmation.
    let confirm = browser
        .get(&format!("/admin/members/{}/revoke", remy.member))
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("remy@acme.example"));
    assert_eq!(
        server.get("/api/team", &remy.token).await.status,
        StatusCode::OK,
        "the confirmation page changes nothing"
    );
    let revoked = browser
        .post(
            &format!("/admin/members/{}/revoke", remy.member),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    assert_eq!(
        server.get("/api/team", &remy.token).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Remove, behind a confirmation.
    let confirm = browser
        .get(&format!("/admin/members/{rita_id}/remove"))
        .await;
    assert!(confirm.body.contains("rita@acme.example") && confirm.body.contains("Remove"));
    let removed = browser
        .post(
            &format!("/admin/members/{rita_id}/remove"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let members = server.get("/api/admin/members", &admin.token).await.body;
    assert!(
        !members.to_string().contains("rita@acme.example"),
        "{members}"
    );
    // The admin cannot remove themselves (the API's rule).
    let own = browser
        .post(
            &format!("/admin/members/{}/remove", admin.member),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    assert!(own.body.contains("cannot remove themselves"));
}

#[tokio::test]
async fn forms_without_this_sessions_token_or_from_another_origin_change_nothing() {
    let server = TestServer::start().await;
    let (browser, admin) = signed_in_admin(&server, "Acme", "admin@acme.example").await;
    let (other, _) = signed_in_admin(&server, "Acme", "second@acme.example").await;
    let csrf = browser.get("/admin").await.csrf();
    let others = other.get("/admin").await.csrf();
    assert_ne!(csrf, others, "one token per session");
    let lead = [("record_kind", "lead"), ("match_account", "on")];

    let here = format!("http://{}", server.addr);
    let wrong = "0".repeat(64);
    let with = |token: &'static str, value: &str| -> Vec<(&'static str, String)> {
        let mut fields: Vec<(&str, String)> =
            lead.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        if !token.is_empty() {
            fields.push((token, value.to_owned()));
        }
        fields
    };
    let cases = [
        ("no token", with("", ""), here.as_str()),
        ("wrong token", with("csrf", &wrong), here.as_str()),
        (
            "another session's token",
            with("csrf", &others),
            here.as_str(),
        ),
        (
            "another origin",
            with("csrf", &csrf),
            "https://evil.example",
        ),
    ];
    for (why, fields, origin) in cases {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = browser
            .post_from("/admin/settings", &fields, Some(origin))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{why}: {}",
            answer.body
        );
        assert!(
            answer.body.contains("did not come from your admin pages"),
            "{why}"
        );
        let team = server.get("/api/team", &admin.token).await.body;
        assert_eq!(
            team["push_settings"]["record_kind"], "contact",
            "{why}: nothing changed"
        );
    }
    // The same form with the token (and no Origin, as from a non-browser client) works.
    let ok = browser
        .post_from(
            "/admin/settings",
            &[lead.to_vec(), vec![("csrf", csrf.as_str())]].concat(),
            None,
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(
        server.get("/api/team", &admin.token).await.body["push_settings"]["record_kind"],
        "lead"
    );

    // An invite posted to the sign-in page from another site is refused and stays unused.
    let code = admin_code(&server, "Acme").await;
    let cross = Browser::new(server.addr)
        .post_from(
            "/admin/sign-in",
            &[("code", &code), ("email", "x@acme.example")],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert!(cross.set_cookie().is_none());
    server.join(&code, "x@acme.example").await;
}

#[tokio::test]
async fn a_rep_gets_a_403_page_and_no_admin_page() {
    let server = TestServer::start().await;
    let (_, admin) = signed_in_admin(&server, "Acme", "admin@acme.example").await;
    let rep = server.rep(&admin, "rep@acme.example").await;
    let mut browser = Browser::new(server.addr);
    browser.cookie = Some(rep.token.clone());
    for path in [
        "/admin",
        "/admin/members",
        "/admin/settings",
        "/admin/journal",
        "/admin/journal.csv",
    ] {
        let answer = browser.get(path).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            answer.body.contains("Admins only"),
            "{path}: {}",
            answer.body
        );
        assert!(answer.body.contains("rep@acme.example"));
        assert!(
            !answer.body.contains("admin@acme.example"),
            "{path}: no team data"
        );
    }
    // A rep's own, valid form token does not make an admin form work.
    let csrf = browser.get("/admin").await.csrf();
    let answer = browser
        .post(
            "/admin/settings",
            &[("csrf", &csrf), ("record_kind", "lead")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        server.get("/api/team", &rep.token).await.body["push_settings"]["record_kind"],
        "contact"
    );
    let answer = browser
        .post(
            "/admin/members",
            &[
                ("csrf", &csrf),
                ("email", "x@acme.example"),
                ("crm_user_id", "005X"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        server.get("/api/admin/members", &admin.token).await.body["members"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The rep can sign out of the pages.
    assert_eq!(
        browser
            .post("/admin/sign-out", &[("csrf", &csrf)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn what_members_typed_is_shown_as_text() {
    let server = TestServer::start().await;
    let (browser, admin) = signed_in_admin(&server, "Acme", "admin@acme.example").await;
    let csrf = browser.get("/admin").await.csrf();
    let evil = "<script>alert(1)</script>@acme.example";
    let added = browser
        .post(
            "/admin/members",
            &[
                ("csrf", &csrf),
                ("email", evil),
                ("crm_user_id", "\"><img src=x>"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let members = server.get("/api/admin/members", &admin.token).await.body;
    assert!(members.to_string().contains("<script>"), "stored as typed");
    for path in ["/admin/members", "/admin/journal"] {
        let page = browser.get(path).await.body;
        assert!(!page.contains("<script>"), "{path}: {page}");
        assert!(!page.contains("<img src=x>"), "{path}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;@acme.example"),
            "{path}: {page}"
        );
    }
    let page = browser.get("/admin/members").await.body;
    assert!(
        page.contains("value=\"&quot;&gt;&lt;img src=x&gt;\""),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_connects_team_sync_from_the_pages_and_no_page_shows_a_secret() {
    let org = Org::start();
    let server = TestServer::start_with(|c| org.configure(c, SF_SECRET)).await;
    let (browser, admin) = signed_in_admin(&server, "Acme", "admin@acme.example").await;
    // The public URL is https: the cookie is Secure.
    let code = admin_code(&server, "Acme").await;
    let second = Browser::new(server.addr)
        .post(
            "/admin/sign-in",
            &[("code", &code), ("email", "second@acme.example")],
        )
        .await;
    assert!(
        second.set_cookie().unwrap().contains("; Secure"),
        "{:?}",
        second.set_cookie()
    );

    // "Connect team sync": the form answers 303 to the org's authorize page; the page's
    // policy lets its form go there.
    let overview = browser.get("/admin").await;
    let csp = overview.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains(&format!("form-action 'self' {}", org.url())),
        "{csp}"
    );
    let start = browser
        .post("/admin/connect/salesforce", &[("csrf", &overview.csrf())])
        .await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
    let callback = org
        .log_in_and_allow(start.location(), "integration@acme.example")
        .await;
    let done = Browser::new(server.addr).get(&callback).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("data-testid=\"back-to-admin\""),
        "{}",
        done.body
    );

    let integration = sandbox::seed::user_by_email("integration@acme.example")
        .unwrap()
        .0;
    let overview = browser.get("/admin").await.body;
    assert!(
        overview.contains("data-testid=\"team-sync-status\">ok<"),
        "{overview}"
    );
    assert!(overview.contains(&integration));
    assert!(overview.contains("integration@acme.example"));
    assert!(overview.contains(&sandbox::seed::org_id()));

    // A rep with team-held secrets stated through the API.
    let rep = server.rep(&admin, "rep@acme.example").await;
    let answer = server
        .put(
            &format!("/api/admin/connections/{}", rep.member),
            &admin.token,
            json!({
                "crm_user_id": "005SECRETREP", "crm_email": "rep@acme.example", "permission": "standard",
                "refresh_token": "rt-PAGE-SECRET-REFRESH", "client_secret": "cs-PAGE-SECRET-CLIENT",
            }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);

    // The admin signs in with Salesforce (the connect made them that CRM user).
    let mut by_salesforce = Browser::new(server.addr);
    let start = by_salesforce.get("/admin/sign-in/salesforce").await;
    assert_eq!(start.status, StatusCode::FOUND, "{}", start.body);
    let callback = org
        .log_in_and_allow(start.location(), "integration@acme.example")
        .await;
    let signed_in = by_salesforce.get(&callback).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
    by_salesforce.keep_cookie(&signed_in);
    assert!(by_salesforce
        .get("/admin")
        .await
        .body
        .contains("data-testid=\"team-sync-status\">ok<"));
    // A rep who signs in with Salesforce gets the 403 page and no session.
    let rep_user = sandbox::seed::user_by_email("rep@acme.example").unwrap().0;
    let csrf = browser.get("/admin").await.csrf();
    browser
        .post(
            "/admin/members",
            &[
                ("csrf", &csrf),
                ("email", "rep2@acme.example"),
                ("crm_user_id", &rep_user),
            ],
        )
        .await;
    let start = Browser::new(server.addr)
        .get("/admin/sign-in/salesforce")
        .await;
    let callback = org
        .log_in_and_allow(start.location(), "rep@acme.example")
        .await;
    let refused = Browser::new(server.addr).get(&callback).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.set_cookie().is_none());

    // No page, no download, no confirmation shows a token, a client secret or the session.
    let mut pages = Vec::new();
    for path in [
        "/admin".to_owned(),
        "/admin/members".into(),
        "/admin/settings".into(),
        "/admin/journal".into(),
        "/admin/journal.csv".into(),
        "/admin/errors.csv".into(),
        format!("/admin/members/{}/remove", rep.member),
        format!("/admin/members/{}/revoke", rep.member),
    ] {
        let page = browser.get(&path).await;
        assert!(page.status.is_success(), "{path}: {}", page.status);
        pages.push((path, page.body));
    }
    pages.push(("callback".into(), done.body.clone()));
    pages.push((
        "sign-in".into(),
        Browser::new(server.addr).get("/admin/sign-in").await.body,
    ));
    let session = browser.cookie.clone().unwrap();
    for (path, body) in &pages {
        for secret in [
            SF_SECRET,
            "rt-PAGE-SECRET-REFRESH",
            "cs-PAGE-SECRET-CLIENT",
            session.as_str(),
        ] {
            assert!(!body.contains(secret), "{path} shows a secret");
        }
        assert!(!body.contains("refresh_token"), "{path}");
    }
    assert!(
        pages[0].1.contains("005SECRETREP"),
        "the rep's connection is listed, without its secret"
    );
}
