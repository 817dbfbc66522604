//! Shared helpers for the sandbox's integration tests: start a sandbox in-process on a free
//! port and talk HTTPS to it (trusting its own certificate) with `ureq`.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::time::Duration;

use sandbox::{RunningSandbox, SandboxConfig};
use serde_json::{json, Value};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

/// A started sandbox plus an HTTPS client for it.
pub struct Harness {
    /// The server (stopped on drop).
    pub sandbox: RunningSandbox,
    agent: ureq::Agent,
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

impl Reply {
    /// The body as JSON (Null when empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// A header value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `errorCode` of a Salesforce error body's first item.
    pub fn sf_error_code(&self) -> String {
        self.json()[0]["errorCode"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

fn temp_dir() -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("sandbox-test-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Harness {
    /// A fresh org on a free port with the default 2-hour tokens.
    pub fn start() -> Harness {
        Harness::start_with_ttl(Duration::from_secs(7200))
    }

    /// A fresh org whose access tokens live `ttl`.
    pub fn start_with_ttl(ttl: Duration) -> Harness {
        let sandbox = sandbox::start(SandboxConfig {
            port: 0,
            data: Some(temp_dir()),
            fixtures: None,
            token_ttl: ttl,
        })
        .expect("sandbox starts");
        let cert = Certificate::from_pem(sandbox.cert_pem().as_bytes()).expect("cert parses");
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::new_with_certs(&[cert]))
            .build();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Harness { sandbox, agent }
    }

    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.sandbox.url()
    }

    /// Sends a request; `path` is joined to the sandbox URL unless absolute.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let url = if path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{path}", self.url())
        };
        let mut builder = ureq::http::Request::builder().method(method).uri(&url);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let (content_type, bytes) = body.unwrap_or(("", Vec::new()));
        if !content_type.is_empty() {
            builder = builder.header("content-type", content_type);
        }
        let request = builder.body(bytes).unwrap();
        let mut response = self.agent.run(request).expect("request goes through");
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Executes a request built by the `crm` crate and hands back its response value.
    pub fn execute(&self, request: &crm::HttpRequest) -> crm::HttpResponse {
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let body = request.body.as_ref().map(|b| ("", b.clone().into_bytes()));
        let reply = self.send(&request.method, &request.url, &headers, body);
        crm::HttpResponse {
            status: reply.status,
            headers: reply.headers,
            body: reply.body,
        }
    }

    /// GET with an optional bearer token.
    pub fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        self.send("GET", path, &headers, None)
    }

    /// A JSON request with a bearer token and extra headers.
    pub fn json(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: &Value,
        extra: &[(&str, &str)],
    ) -> Reply {
        let auth = format!("Bearer {token}");
        let mut headers = vec![("authorization", auth.as_str())];
        headers.extend_from_slice(extra);
        self.send(
            method,
            path,
            &headers,
            Some(("application/json", body.to_string().into_bytes())),
        )
    }

    /// A form POST (`application/x-www-form-urlencoded`).
    pub fn form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            "POST",
            path,
            &[],
            Some(("application/x-www-form-urlencoded", body.into_bytes())),
        )
    }

    /// An admin API call.
    pub fn admin(&self, method: &str, route: &str, body: Value) -> Value {
        let reply = self.send(
            method,
            &format!("/__sandbox/{route}"),
            &[],
            Some(("application/json", body.to_string().into_bytes())),
        );
        assert!(
            reply.status < 300,
            "admin {route}: {} {}",
            reply.status,
            reply.body
        );
        reply.json()
    }

    /// A Salesforce access token for a seeded user (password grant).
    pub fn sf_login(&self, username: &str) -> String {
        let reply = self.form(
            "/services/oauth2/token",
            &[
                ("grant_type", "password"),
                ("client_id", "leadline-sandbox-scripts"),
                ("client_secret", "leadline-sandbox-secret"),
                ("username", username),
                ("password", "sandbox"),
            ],
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["access_token"].as_str().unwrap().to_string()
    }

    /// The Salesforce user id of a seeded login.
    pub fn sf_user_id(&self, username: &str) -> String {
        sandbox::seed::user_by_email(username).unwrap().0
    }

    /// `POST sobjects/{object}` as `token`.
    pub fn sf_create(
        &self,
        token: &str,
        object: &str,
        body: Value,
        extra: &[(&str, &str)],
    ) -> Reply {
        self.json(
            "POST",
            &format!("/services/data/v66.0/sobjects/{object}"),
            token,
            &body,
            extra,
        )
    }

    /// Every stored record of an object (admin API).
    pub fn records(&self, object: &str) -> Vec<Value> {
        self.admin("GET", &format!("records?object={object}"), json!({}))["records"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// One stored record of an object by its id (panics when there is none).
    pub fn record(&self, object: &str, id: &str) -> Value {
        self.records(object)
            .into_iter()
            .find(|r| r["Id"] == id)
            .unwrap_or_else(|| panic!("no {object} {id}"))
    }

    /// Runs the browser OAuth flow by hand: login form, consent, redirect. Returns the
    /// redirect `Location`.
    pub fn authorize(&self, authorize_path: &str, username: &str, decision: &str) -> String {
        self.authorize_app(authorize_path, username, decision, "Leadline")
    }

    /// [`Harness::authorize`] for the app named `app_name` on the consent page.
    pub fn authorize_app(
        &self,
        authorize_path: &str,
        username: &str,
        decision: &str,
        app_name: &str,
    ) -> String {
        let page = self.get(authorize_path, None);
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("name=\"username\"") && page.body.contains("name=\"password\""));
        let (path, query) = authorize_path.split_once('?').unwrap();
        let mut fields: Vec<(String, String)> = query
            .split('&')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (dec(k), dec(v))
            })
            .collect();
        fields.push(("step".into(), "login".into()));
        fields.push(("username".into(), username.into()));
        fields.push(("password".into(), "sandbox".into()));
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let consent = self.form(path, &borrowed);
        assert_eq!(consent.status, 200, "{}", consent.body);
        assert!(
            consent.body.contains("data-testid=\"allow\"")
                && consent.body.contains("data-testid=\"deny\"")
        );
        assert!(consent
            .body
            .contains(&format!("Allow {app_name} to access")));
        let session = consent
            .body
            .split("name=\"session\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_string();
        let mut fields: Vec<(String, String)> = fields
            .into_iter()
            .filter(|(k, _)| !matches!(k.as_str(), "step" | "username" | "password"))
            .collect();
        fields.push(("step".into(), "consent".into()));
        fields.push(("session".into(), session));
        fields.push(("decision".into(), decision.into()));
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let redirect = self.form(path, &borrowed);
        assert_eq!(redirect.status, 302, "{}", redirect.body);
        redirect.header("location").unwrap().to_string()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // The sandbox stops right after (field drop); SQLite copes with its files going away.
        let _ = std::fs::remove_dir_all(self.sandbox.data_dir());
    }
}

/// Percent-encodes a form/query component.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Decodes a form/query component.
pub fn dec(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// A query parameter of a URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| dec(v))
    })
}

/// base64url(sha256(verifier)) for PKCE.
pub fn s256(verifier: &str) -> String {
    use base64::Engine;
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}
