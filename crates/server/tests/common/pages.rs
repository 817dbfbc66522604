//! The admin pages driven like a browser (shared by the page tests): no redirects followed,
//! one session cookie, the `Origin` header a browser sends with a form; and admins signed in
//! with a fresh invite code.
#![allow(dead_code)] // each test file uses part of it

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::StatusCode;

use crate::common::{config_for, Session, TestServer};

/// A browser for the admin pages: no redirects followed, one cookie jar of one cookie, and
/// the `Origin` header a browser sends with a form.
pub struct Browser {
    client: reqwest::Client,
    addr: SocketAddr,
    pub cookie: Option<String>,
}

/// An answer as the browser sees it.
pub struct Html {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Html {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .map(|l| l.to_str().unwrap())
            .unwrap_or("")
    }

    /// The CSRF field of the page's forms.
    pub fn csrf(&self) -> String {
        self.body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no CSRF field in {}", self.body))
            .to_owned()
    }

    pub fn set_cookie(&self) -> Option<String> {
        self.headers
            .get("set-cookie")
            .map(|c| c.to_str().unwrap().to_owned())
    }
}

impl Browser {
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            addr,
            cookie: None,
        }
    }

    /// A server path, or a URL on the server's public address (`oauth.rs`'s `PUBLIC_URL`, a
    /// redirect's `Location`), as a URL of this test server; any other URL panics.
    fn url(&self, path: &str) -> String {
        let path = path.strip_prefix("https://leadline.test").unwrap_or(path);
        assert!(path.starts_with('/'), "not a server path: {path}");
        format!("http://{}{path}", self.addr)
    }

    async fn read(response: reqwest::Response) -> Html {
        Html {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> Html {
        let mut request = self.client.get(self.url(path));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", format!("leadline_admin={cookie}"));
        }
        Self::read(request.send().await.unwrap()).await
    }

    /// Posts a form from this server's own page (`Origin` = the server).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Html {
        let origin = format!("http://{}", self.addr);
        self.post_from(path, fields, Some(&origin)).await
    }

    pub async fn post_from(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Html {
        let mut request = self.client.post(self.url(path)).form(fields);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", format!("leadline_admin={cookie}"));
        }
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        Self::read(request.send().await.unwrap()).await
    }

    /// Keeps the session cookie an answer sets.
    pub fn keep_cookie(&mut self, answer: &Html) {
        let set = answer.set_cookie().expect("a session cookie");
        let value = set
            .strip_prefix("leadline_admin=")
            .and_then(|rest| rest.split(';').next())
            .unwrap();
        self.cookie = Some(value.to_owned());
    }
}

/// A fresh admin invite code of team `team` (the CLI's code path).
pub async fn admin_code(server: &TestServer, team: &str) -> String {
    admin_code_for(server, team, "salesforce").await
}

/// A fresh admin invite code of team `team` with CRM `crm` (`salesforce` or `hubspot`).
pub async fn admin_code_for(server: &TestServer, team: &str, crm: &str) -> String {
    let config = config_for(server.dir.path().to_path_buf(), |_| {});
    server::cli::admin_invite(config, team, crm)
        .await
        .unwrap()
        .1
}

/// Signs in on the pages with a new admin invite; answers the browser and the session (its
/// token works as the API's bearer token too).
pub async fn signed_in_admin(server: &TestServer, team: &str, email: &str) -> (Browser, Session) {
    signed_in_admin_for(server, team, email, "salesforce").await
}

/// [`signed_in_admin`] of a team with CRM `crm`.
pub async fn signed_in_admin_for(
    server: &TestServer,
    team: &str,
    email: &str,
    crm: &str,
) -> (Browser, Session) {
    let mut browser = Browser::new(server.addr);
    let code = admin_code_for(server, team, crm).await;
    let answer = browser
        .post("/admin/sign-in", &[("code", &code), ("email", email)])
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/admin");
    browser.keep_cookie(&answer);
    let token = browser.cookie.clone().unwrap();
    let me = server.get("/api/team", &token).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    let session = Session {
        member: me.body["me"]["id"].as_str().unwrap().to_owned(),
        team: me.body["team"]["id"].as_str().unwrap().to_owned(),
        token,
    };
    (browser, session)
}
