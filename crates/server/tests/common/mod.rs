//! Starts a real server on port 0 with a temporary data directory and talks HTTP to it.
#![allow(dead_code)] // each test file uses a different part of this helper
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::app::{bind, serve, AppState};
use server::config::Config;
use tokio::sync::oneshot;

/// A server running in this test, with its data directory.
pub struct TestServer {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    pub state: AppState,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// One HTTP answer: status, headers and the body parsed as JSON (or `Value::String` of the
/// raw text when it is not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    /// The error code of an error answer, asserting the error shape.
    pub fn error_code(&self) -> &str {
        let code = self.body["error"]["code"].as_str();
        let message = self.body["error"]["message"].as_str();
        assert!(
            code.is_some() && message.is_some_and(|m| !m.is_empty()),
            "not an error answer: {} {}",
            self.status,
            self.text
        );
        code.unwrap()
    }
}

impl TestServer {
    /// A server with default settings.
    pub async fn start() -> Self {
        // No CRM certificate to trust: this server reaches no CRM (a HubSpot team's saves
        // would otherwise go to the real api.hubapi.com); saves stay queued.
        Self::start_with(|c| {
            c.push.crm_ca_file = Some("/nonexistent/leadline-tests/no-crm-ca.pem".into());
        })
        .await
    }

    /// A server whose config `tweak` may change.
    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(dir, tweak).await
    }

    /// A server on an existing data directory (restarts).
    pub async fn start_in(dir: tempfile::TempDir, tweak: impl FnOnce(&mut Config)) -> Self {
        let config = config_for(dir.path().to_path_buf(), tweak);
        let state = AppState::open(config.clone()).await.expect("server starts");
        let listener = bind(&config).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn({
            let state = state.clone();
            async move {
                serve(listener, state, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            }
        });
        Self {
            addr,
            dir,
            state,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server and hands back its data directory.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
        self.state.store.close().await;
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sends a request with an optional session and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        session: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let mut request = self.client.request(method, self.url(path));
        if let Some(session) = session {
            request = request.bearer_auth(session);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        answer(request.send().await.unwrap()).await
    }

    /// Sends raw bytes as a JSON body.
    pub async fn raw(&self, path: &str, session: Option<&str>, body: Vec<u8>) -> Answer {
        let mut request = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body);
        if let Some(session) = session {
            request = request.bearer_auth(session);
        }
        answer(request.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str, session: &str) -> Answer {
        self.call(Method::GET, path, Some(session), None).await
    }

    pub async fn post(&self, path: &str, session: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(session), Some(&body))
            .await
    }

    pub async fn put(&self, path: &str, session: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(session), Some(&body))
            .await
    }

    /// Posts every body at once (each on its own task) and answers in completion order.
    pub async fn post_concurrently(
        &self,
        path: &str,
        session: Option<&str>,
        bodies: impl IntoIterator<Item = Value>,
    ) -> Vec<Answer> {
        let mut tasks = tokio::task::JoinSet::new();
        for body in bodies {
            let mut request = self.client.post(self.url(path)).json(&body);
            if let Some(session) = session {
                request = request.bearer_auth(session);
            }
            tasks.spawn(async move { answer(request.send().await.unwrap()).await });
        }
        let mut answers = Vec::new();
        while let Some(answer) = tasks.join_next().await {
            answers.push(answer.unwrap());
        }
        answers
    }

    /// Runs one SQL statement on the server's database file, as an operator (or an older
    /// server) would have left it: for states the API cannot reach.
    pub async fn sql(&self, statement: &'static str) {
        let pool = sqlx::SqlitePool::connect(&format!(
            "sqlite:{}",
            self.dir.path().join(server::store::DB_FILE).display()
        ))
        .await
        .unwrap();
        sqlx::query(statement).execute(&pool).await.unwrap();
        pool.close().await;
    }

    /// Whether any file of the data directory (database, WAL, key file) contains `needle`.
    pub fn data_files_contain(&self, needle: &[u8]) -> bool {
        std::fs::read_dir(self.dir.path()).unwrap().any(|entry| {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            bytes.windows(needle.len()).any(|w| w == needle)
        })
    }

    /// Creates a team with the CLI's code path and joins as its first admin.
    pub async fn admin(&self, team: &str, email: &str) -> Session {
        let config = config_for(self.dir.path().to_path_buf(), |_| {});
        let (_, code, _) = server::cli::admin_invite(config, team, "salesforce")
            .await
            .unwrap();
        self.join(&code, email).await
    }

    /// [`TestServer::admin`] for a team on another CRM.
    pub async fn admin_on(&self, team: &str, email: &str, crm: &str) -> Session {
        let config = config_for(self.dir.path().to_path_buf(), |_| {});
        let (_, code, _) = server::cli::admin_invite(config, team, crm).await.unwrap();
        self.join(&code, email).await
    }

    /// [`TestServer::admin`] for a server whose master key comes from the environment.
    pub async fn admin_with_key(&self, team: &str, email: &str, key: &str) -> Session {
        let config = config_for(self.dir.path().to_path_buf(), |c| {
            c.master_key_env = Some(key.into())
        });
        let (_, code, _) = server::cli::admin_invite(config, team, "salesforce")
            .await
            .unwrap();
        self.join(&code, email).await
    }

    /// Posts a join with a code, without a session; the answer may be an error.
    pub async fn try_join(&self, code: &str, email: &str) -> Answer {
        self.call(
            Method::POST,
            "/api/join",
            None,
            Some(&json!({ "code": code, "email": email })),
        )
        .await
    }

    /// Joins with a code, asserting success.
    pub async fn join(&self, code: &str, email: &str) -> Session {
        let answer = self.try_join(code, email).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        Session {
            token: answer.body["session"].as_str().unwrap().to_owned(),
            member: answer.body["member"]["id"].as_str().unwrap().to_owned(),
            team: answer.body["team"]["id"].as_str().unwrap().to_owned(),
        }
    }

    /// An admin invites and a rep joins.
    pub async fn rep(&self, admin: &Session, email: &str) -> Session {
        let invite = self
            .post("/api/admin/invites", &admin.token, json!({ "role": "rep" }))
            .await;
        assert_eq!(invite.status, StatusCode::CREATED, "{}", invite.text);
        self.join(invite.body["code"].as_str().unwrap(), email)
            .await
    }

    /// Stores a team-held connection for a member.
    pub async fn connect(
        &self,
        admin: &Session,
        member: &str,
        crm_user_id: &str,
        permission: &str,
        token: &str,
    ) -> Answer {
        self.put(
            &format!("/api/admin/connections/{member}"),
            &admin.token,
            json!({
                "crm_user_id": crm_user_id,
                "crm_email": format!("{crm_user_id}@crm.example"),
                "permission": permission,
                "instance_url": "https://acme.my.salesforce.com",
                "refresh_token": token,
            }),
        )
        .await
    }

    /// [`TestServer::connect`], asserting the connection is created.
    pub async fn connect_ok(
        &self,
        admin: &Session,
        member: &str,
        crm_user_id: &str,
        permission: &str,
        token: &str,
    ) {
        let answer = self
            .connect(admin, member, crm_user_id, permission, token)
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    }

    /// The admin chooses `member`'s connection for team sync; the answer may be an error.
    pub async fn set_team_sync(&self, admin: &Session, member: &str) -> Answer {
        self.put(
            "/api/admin/team-sync",
            &admin.token,
            json!({ "member": member }),
        )
        .await
    }

    /// The admin sets `member`'s CRM user and owner mapping (`PUT /api/admin/members/{member}/crm`,
    /// `body` as the admin page sends it); the answer may be an error.
    pub async fn set_crm(&self, admin: &Session, member: &str, body: Value) -> Answer {
        self.put(
            &format!("/api/admin/members/{member}/crm"),
            &admin.token,
            body,
        )
        .await
    }
}

/// A signed-in member.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub member: String,
    pub team: String,
}

pub fn config_for(dir: PathBuf, tweak: impl FnOnce(&mut Config)) -> Config {
    let mut config = Config::new(dir);
    config.port = 0;
    tweak(&mut config);
    config
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()));
    Answer {
        status,
        headers,
        body,
        text,
    }
}

/// A LinkedIn save body.
pub fn linkedin_save(save_id: &str, name: &str) -> Value {
    json!({
        "save_id": save_id,
        "source": "linkedin_extension",
        "push": "single",
        "prospects": [{ "full_name": name, "linkedin_url": format!("https://www.linkedin.com/in/{}", name.to_lowercase().replace(' ', "-")) }],
    })
}
