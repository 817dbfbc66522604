//! A sandbox org plus a "browser" for the OAuth tests: it follows redirects between the team
//! server (plain HTTP behind an imagined TLS proxy at `https://leadline.test`) and the
//! sandbox's authorize pages (HTTPS, its own certificate), posting the login and consent
//! forms the way the pages expect.
#![allow(dead_code)] // each test file uses a different part of this helper
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

use std::net::SocketAddr;
use std::time::Duration;

use engine::native::HttpsTransport;
use engine::Transport;
use sandbox::{RunningSandbox, SandboxConfig};
use serde_json::Value;
use server::config::Config;

/// The public URL the server is configured with (a TLS proxy in front of it, in production).
pub const PUBLIC_URL: &str = "https://leadline.test";
/// The extension's redirect URL.
pub const EXT_REDIRECT: &str = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/sign-in";
/// The sandbox's team-server app.
pub const SF_CLIENT_ID: &str = "leadline-sandbox-server";
/// Its secret.
pub const SF_SECRET: &str = "leadline-sandbox-server-secret";

/// A running sandbox org.
pub struct Org {
    pub sandbox: RunningSandbox,
    https: HttpsTransport,
    _dir: tempfile::TempDir,
}

impl Org {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = sandbox::start(SandboxConfig {
            port: 0,
            data: Some(dir.path().to_path_buf()),
            fixtures: None,
            token_ttl: Duration::from_secs(7200),
        })
        .expect("sandbox starts");
        let https = HttpsTransport::builder()
            .trust_pem(sandbox.cert_pem().as_bytes())
            .unwrap()
            .build()
            .unwrap();
        Self {
            sandbox,
            https,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        self.sandbox.url()
    }

    /// The server's config pointed at this org, with its app's secret (or `secret`).
    pub fn configure(&self, config: &mut Config, secret: &str) {
        let ca = self
            .sandbox
            .data_dir()
            .join("cert.pem")
            .display()
            .to_string();
        let url = self.url();
        let secret = secret.to_owned();
        let env = move |name: &str| -> Option<String> {
            match name {
                "LEADLINE_PUBLIC_URL" => Some(PUBLIC_URL.into()),
                "LEADLINE_SF_LOGIN_URL" => Some(url.clone()),
                "LEADLINE_SF_CLIENT_ID" => Some(SF_CLIENT_ID.into()),
                "LEADLINE_SF_CLIENT_SECRET" => Some(secret.clone()),
                "LEADLINE_HS_API_BASE" => Some(url.clone()),
                "LEADLINE_HS_CLIENT_ID" => Some("leadline-hubspot-client".into()),
                "LEADLINE_HS_CLIENT_SECRET" => Some("leadline-hubspot-secret".into()),
                "LEADLINE_CA_FILE" => Some(ca.clone()),
                _ => None,
            }
        };
        config.oauth = server::oauth::OAuthSettings::from_env(&env).unwrap();
    }

    /// One request to the sandbox (no redirects followed).
    pub async fn send(
        &self,
        method: &str,
        url: &str,
        form: Option<&[(String, String)]>,
    ) -> crm::HttpResponse {
        let borrowed: Vec<(&str, &str)> = form
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let request = crm::HttpRequest {
            method: method.into(),
            url: url.into(),
            headers: if form.is_some() {
                vec![(
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                )]
            } else {
                vec![]
            },
            body: form.map(|_| crm::http::form_encode(&borrowed)),
        };
        self.https.send(&request).await.unwrap()
    }

    /// One request with a JSON body to the sandbox (its `/__sandbox/` admin API).
    pub async fn send_json(
        &self,
        method: &str,
        url: &str,
        body: &serde_json::Value,
    ) -> crm::HttpResponse {
        let request = crm::HttpRequest {
            method: method.into(),
            url: url.into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Some(body.to_string()),
        };
        self.https.send(&request).await.unwrap()
    }

    /// Live approvals of a user for the server's app (sandbox admin API).
    pub async fn approvals(&self, user: &str, client_id: &str) -> i64 {
        let url = format!(
            "{}/__sandbox/approvals?user={}&client_id={client_id}",
            self.url(),
            crm::http::percent_encode(user)
        );
        let reply = self.send("GET", &url, None).await;
        let v: Value = serde_json::from_str(&reply.body).unwrap();
        v["total"].as_i64().unwrap()
    }

    /// Like a person at the authorize page: log in as `username`, click Allow. Returns the
    /// `Location` the consent answers with.
    pub async fn log_in_and_allow(&self, authorize_url: &str, username: &str) -> String {
        self.log_in_and(authorize_url, username, "allow").await
    }

    /// An admin (session `admin_token`) connects team sync on the server at `server` as
    /// `username`: server → this org's login and consent → the server's callback. Answers the
    /// callback page's text.
    pub async fn connect_team_sync(
        &self,
        server: SocketAddr,
        admin_token: &str,
        username: &str,
    ) -> String {
        let browser = Browser::new(server);
        let start = browser
            .get("/api/admin/connect/salesforce", Some(admin_token))
            .await;
        assert_eq!(start.status, 302, "{}", start.body);
        let callback = self
            .log_in_and_allow(&start.location.unwrap(), username)
            .await;
        let page = browser.get(&callback, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        page.body
    }

    /// [`Org::log_in_and_allow`] with the consent's `decision` (`allow` or `deny`).
    pub async fn log_in_and(&self, authorize_url: &str, username: &str, decision: &str) -> String {
        assert!(authorize_url.starts_with(&self.url()), "{authorize_url}");
        let page = self.send("GET", authorize_url, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let (action, mut fields) = read_form(&page.body);
        fields.push(("username".into(), username.into()));
        fields.push(("password".into(), "sandbox".into()));
        set(&mut fields, "step", "login");
        let action = format!("{}{action}", self.url());
        let consent = self.send("POST", &action, Some(&fields)).await;
        assert!(
            consent.body.contains("data-testid=\"allow\""),
            "{}",
            consent.body
        );
        let (_, mut fields) = read_form(&consent.body);
        fields.push(("decision".into(), decision.into()));
        let redirect = self.send("POST", &action, Some(&fields)).await;
        assert_eq!(redirect.status, 302, "{}", redirect.body);
        redirect.header("location").unwrap().to_owned()
    }
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(k, _)| k != name);
    fields.push((name.into(), value.into()));
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The action and hidden fields of a page's first form.
fn read_form(html: &str) -> (String, Vec<(String, String)>) {
    let action = html
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(unescape)
        .expect("a form");
    let fields = html
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once('"')?;
            let value = rest.strip_prefix(" value=\"")?.split('"').next()?;
            Some((unescape(name), unescape(value)))
        })
        .collect();
    (action, fields)
}

/// A query parameter of a URL, decoded.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| crm::http::percent_decode(v))
    })
}

/// A browser-like HTTP client for the server: no redirects followed, the public URL mapped
/// to the server's address (the TLS proxy's job).
pub struct Browser {
    client: reqwest::Client,
    addr: SocketAddr,
}

/// A server answer as the browser sees it.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    /// A refused sign-in that the extension started, as the extension gets it back: a redirect
    /// to the extension's URL with an OAuth error (RFC 6749 §4.1.2.1), the state the extension
    /// sent, and no code. Answers `(error, error_description)`.
    #[allow(dead_code)] // not every test crate that includes this module refuses a sign-in
    pub fn refused_to_extension(&self, state: &str) -> (String, String) {
        assert_eq!(self.status, 302, "{}", self.body);
        let location = self.location.as_deref().expect("a redirect");
        assert!(
            location.starts_with(&format!("{EXT_REDIRECT}?")),
            "{location}"
        );
        assert_eq!(query_param(location, "code"), None, "{location}");
        assert_eq!(query_param(location, "state").as_deref(), Some(state));
        (
            query_param(location, "error").expect("an error"),
            query_param(location, "error_description").expect("a description"),
        )
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
        }
    }

    /// GETs a server URL (public or path), with a session if given.
    pub async fn get(&self, url: &str, session: Option<&str>) -> Page {
        let path = url.strip_prefix(PUBLIC_URL).unwrap_or(url);
        assert!(path.starts_with('/'), "not a server URL: {url}");
        let mut request = self.client.get(format!("http://{}{path}", self.addr));
        if let Some(s) = session {
            request = request.bearer_auth(s);
        }
        let response = request.send().await.unwrap();
        Page {
            status: response.status().as_u16(),
            location: response
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_owned()),
            body: response.text().await.unwrap(),
        }
    }
}
