//! The sandbox org for the engine's tests: the `sandbox` binary started on a free port with a
//! fresh data dir (as `tests/e2e/harness.mjs` does), an engine transport that trusts its
//! certificate and pins the CRMs' real host names to it (as Chromium's host-resolver rules
//! do), the admin API, and a team-sync connection made through the real OAuth pages.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

pub mod fixture;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crm::{HttpRequest, HttpResponse};
use engine::native::HttpsTransport;
use engine::Transport;
use saves::{LocalTeam, Tokens};
use serde_json::{json, Value};

/// Host names the sandbox answers for (its certificate covers them).
pub const PINNED: [&str; 3] = [
    "login.salesforce.com",
    "acme.my.salesforce.com",
    "127.0.0.1",
];
/// The sandbox's public Salesforce app (PKCE, no secret).
pub const CLIENT_ID: &str = "leadline-sandbox-client";
const REDIRECT: &str = "http://localhost/oauth2";

/// A running sandbox process (killed and its data removed on drop).
pub struct Sandbox {
    child: Child,
    /// `https://127.0.0.1:PORT`.
    pub url: String,
    addr: SocketAddr,
    dir: PathBuf,
    /// A transport for the tests' own calls (admin API, connect).
    pub http: HttpsTransport,
}

fn binary() -> PathBuf {
    match std::env::var_os("SANDBOX_BIN") {
        Some(bin) => PathBuf::from(bin),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/sandbox"),
    }
}

impl Sandbox {
    /// Starts a fresh org.
    pub fn start() -> Sandbox {
        let bin = binary();
        assert!(
            bin.exists(),
            "no sandbox binary at {}: run `cargo build -p sandbox` first (or set SANDBOX_BIN)",
            bin.display()
        );
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("engine-sandbox-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut child = Command::new(&bin)
            .args(["--port", "0", "--data"])
            .arg(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("SANDBOX_READY ")
            .unwrap_or_else(|| panic!("the sandbox did not start: {line:?}"))
            .to_owned();
        let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let http = transport_for(&dir, addr);
        Sandbox {
            child,
            url,
            addr,
            dir,
            http,
        }
    }

    /// The sandbox's certificate (PEM), for clients outside this process (the team server).
    pub fn cert_path(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }

    /// The address the CRM host names are pinned to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A fresh engine transport: trusts the sandbox's certificate, CRM hosts pinned to it.
    pub fn transport(&self) -> HttpsTransport {
        transport_for(&self.dir, self.addr)
    }

    /// Sends a request with the tests' transport.
    pub async fn send(&self, request: &HttpRequest) -> HttpResponse {
        self.http.send(request).await.unwrap()
    }

    /// An admin API call (`/__sandbox/<route>`).
    pub async fn admin(&self, method: &str, route: &str, body: Value) -> Value {
        let reply = self
            .send(&HttpRequest {
                method: method.into(),
                url: format!("{}/__sandbox/{route}", self.url),
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: Some(body.to_string()),
            })
            .await;
        assert!(
            reply.status < 300,
            "admin {route}: {} {}",
            reply.status,
            reply.body
        );
        serde_json::from_str(&reply.body).unwrap()
    }

    /// Every stored record of a Salesforce object.
    pub async fn records(&self, object: &str) -> Vec<Value> {
        self.admin("GET", &format!("records?object={object}"), json!({}))
            .await["records"]
            .as_array()
            .cloned()
            .unwrap()
    }

    /// API calls per endpoint since the last reset (`total` too).
    pub async fn counts(&self) -> Value {
        self.admin("GET", "counts", json!({})).await
    }

    /// Requests per Host name since the last reset (OAuth calls included).
    pub async fn hosts(&self) -> Value {
        self.admin("GET", "hosts", json!({})).await
    }

    /// Connects `username` (password `sandbox`) through the real authorize pages, as the
    /// extension's connect flow does: PKCE start, login, consent, code exchange (all with the
    /// core's own `saves::api` requests). Answers the stored tokens and the user directory.
    pub async fn connect(&self, team: &LocalTeam, username: &str) -> (Tokens, Vec<Value>) {
        let team_v = serde_json::to_value(team).unwrap();
        let random: Vec<u8> = (0u8..48)
            .map(|i| i.wrapping_mul(37).wrapping_add(11))
            .collect();
        let start = saves::api::oauth_start(&team_v, REDIRECT, &random);
        assert_eq!(start["ok"], true, "{start}");
        let url = start["url"].as_str().unwrap();
        let (path, query) = url.split_once('?').unwrap();
        let login = self
            .form(
                path,
                &format!(
                    "{query}&step=login&username={}&password=sandbox",
                    enc(username)
                ),
            )
            .await;
        assert_eq!(login.status, 200, "{}", login.body);
        let session = login
            .body
            .split("name=\"session\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the consent page")
            .to_owned();
        let consent = self
            .form(
                path,
                &format!(
                    "{query}&step=consent&session={}&decision=allow",
                    enc(&session)
                ),
            )
            .await;
        assert_eq!(consent.status, 302, "{}", consent.body);
        let returned = consent.header("location").unwrap().to_owned();
        let start = saves::api::ConnectStart::Oauth {
            role: saves::Role::TeamSync,
            redirect_uri: REDIRECT.into(),
            returned_url: returned,
            state: start["state"].as_str().unwrap().into(),
            verifier: start["verifier"].as_str().unwrap().into(),
        };
        // The core's connect flow (exchange, identity, permission, directory), as the engine
        // runs it in the extension.
        let mut flow = saves::api::ConnectFlow::start(team.clone(), start, "").unwrap();
        while let Some(request) = flow.next_request().unwrap() {
            let response = self.send(&request).await;
            flow.on_response(&response).unwrap();
        }
        let finished = flow.finished().unwrap();
        let saves::api::Finished::Salesforce { token, users, .. } = finished else {
            panic!("a Salesforce connect finishes as Salesforce");
        };
        let users = users
            .iter()
            .map(|u| serde_json::to_value(u).unwrap())
            .collect();
        (token, users)
    }

    async fn form(&self, url: &str, body: &str) -> HttpResponse {
        self.send(&HttpRequest {
            method: "POST".into(),
            url: url.into(),
            headers: vec![(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            body: Some(body.into()),
        })
        .await
    }
}

fn transport_for(dir: &std::path::Path, addr: SocketAddr) -> HttpsTransport {
    let pem = std::fs::read(dir.join("cert.pem")).unwrap();
    let mut builder = HttpsTransport::builder().trust_pem(&pem).unwrap();
    for host in PINNED {
        builder = builder.pin(host, addr);
    }
    builder.build().unwrap()
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Percent-encodes a form component.
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
