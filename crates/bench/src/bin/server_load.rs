//! `server-load --url URL --cert PEM --server BIN [--reps N] [--seconds N] [--singles N]
//! [--teams N] [--sandbox-pid N]`: saves per second through one team server process, the latency its hop adds
//! to a single save over the direct engine path, and the server's memory per team. Loopback
//! only, bounded in time and count.
//!
//! Against a running sandbox (`--url`, its `--cert`): connects the integration user as team
//! sync through the sandbox's OAuth pages (a real refresh token), starts the
//! `leadline-server` binary (`--server`) on a fresh data directory pushing to the sandbox,
//! stores the connection through the admin API, and has `--reps` reps (default 50) join.
//!
//! 1. Throughput: every rep saves new LinkedIn people one after the other for `--seconds`
//!    (default 10), all reps at once; counts the saves answered `pushed`.
//! 2. The hop: `--singles` (default 100) single saves one at a time through the server, and
//!    as many through the engine in this process (same core, same transport, tokens in
//!    memory), in turn; both look the person up, then create. The hop is
//!    p95(server) − p95(direct).
//! 3. Memory: a second, fresh server process; `--teams` teams (default 1000, 0: skipped) are
//!    created (`admin-invite`), each with its admin, a rep (invited, joined, owner mapping),
//!    push settings, a team-held connection chosen as team sync, and one pushed save (so the
//!    process holds that team's push engine). The server's resident memory (`VmRSS` of
//!    `/proc/<pid>/status`) before and after gives KiB per team.
//!
//! The server's CPU time (`/proc/<pid>/stat`, utime + stime) over the throughput run gives
//! CPU ms per save, a figure other load on the machine disturbs less than saves/s; the same for
//! the sandbox (`--sandbox-pid`, when given) and for this process (the 50 reps' client side):
//! the three together say how much of the machine's CPU one save takes.
//!
//! Prints one JSON object; exits 1 when a save failed.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crm::{HttpRequest, HttpResponse};
use engine::clock::TokioClock;
use engine::native::HttpsTransport;
use engine::store::StoreData;
use engine::{Engine, MemoryStore, Outcome, Transport};
use saves::{LocalTeam, Tokens};
use serde_json::{json, Value};

const CLIENT_ID: &str = "leadline-sandbox-client";
const REDIRECT: &str = "http://localhost/oauth2";
const INTEGRATION: &str = "integration@acme.example";
const PINNED: [&str; 2] = ["login.salesforce.com", "acme.my.salesforce.com"];

struct Args {
    url: String,
    cert: PathBuf,
    server: PathBuf,
    reps: usize,
    seconds: u64,
    singles: usize,
    teams: usize,
    sandbox_pid: Option<u32>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: String::new(),
        cert: PathBuf::new(),
        server: PathBuf::new(),
        reps: 50,
        seconds: 10,
        singles: 100,
        teams: 1000,
        sandbox_pid: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--url" => args.url = value.trim_end_matches('/').to_owned(),
            "--cert" => args.cert = PathBuf::from(&value),
            "--server" => args.server = PathBuf::from(&value),
            "--reps" => args.reps = number()?.max(1),
            "--seconds" => args.seconds = number()? as u64,
            "--singles" => args.singles = number()?.max(1),
            "--teams" => args.teams = number()?,
            "--sandbox-pid" => args.sandbox_pid = Some(number()? as u32),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.url.is_empty() || args.cert.as_os_str().is_empty() || args.server.as_os_str().is_empty()
    {
        return Err("usage: server-load --url URL --cert PEM --server BIN [--reps N] [--seconds N] [--singles N] [--teams N] [--sandbox-pid N]".into());
    }
    Ok(args)
}

/// The sandbox, through the engine's own transport (CRM host names pinned to it).
struct Sandbox {
    url: String,
    addr: SocketAddr,
    http: HttpsTransport,
}

impl Sandbox {
    fn new(args: &Args) -> Result<Self, String> {
        let port: u16 = args
            .url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or("the sandbox URL has no port")?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let pem = std::fs::read(&args.cert).map_err(|e| format!("{}: {e}", args.cert.display()))?;
        let mut builder = HttpsTransport::builder()
            .trust_pem(&pem)
            .map_err(|e| e.to_string())?;
        for host in PINNED {
            builder = builder.pin(host, addr);
        }
        let http = builder.build().map_err(|e| e.to_string())?;
        Ok(Self {
            url: args.url.clone(),
            addr,
            http,
        })
    }

    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, String> {
        self.http.send(request).await.map_err(|e| e.to_string())
    }

    async fn form(&self, url: &str, body: &str) -> Result<HttpResponse, String> {
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

    /// Connects the integration user through the OAuth pages (as the extension's connect
    /// flow does, with the core's requests): its tokens and the user directory.
    async fn connect(&self, team: &LocalTeam) -> Result<(Tokens, Vec<Value>), String> {
        let team_v = serde_json::to_value(team).map_err(|e| e.to_string())?;
        let random: Vec<u8> = (0u8..48)
            .map(|i| i.wrapping_mul(37).wrapping_add(11))
            .collect();
        let start = saves::api::oauth_start(&team_v, REDIRECT, &random);
        let url = start["url"]
            .as_str()
            .ok_or(format!("oauth start: {start}"))?;
        let (path, query) = url.split_once('?').ok_or("no query in the authorize URL")?;
        let login = self
            .form(
                path,
                &format!(
                    "{query}&step=login&username={}&password=sandbox",
                    enc(INTEGRATION)
                ),
            )
            .await?;
        let session = login
            .body
            .split("name=\"session\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .ok_or("no consent page")?
            .to_owned();
        let consent = self
            .form(
                path,
                &format!(
                    "{query}&step=consent&session={}&decision=allow",
                    enc(&session)
                ),
            )
            .await?;
        let returned = consent
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("location"))
            .map(|(_, v)| v.clone())
            .ok_or("no redirect after consent")?;
        let start = saves::api::ConnectStart::Oauth {
            role: saves::Role::TeamSync,
            redirect_uri: REDIRECT.into(),
            returned_url: returned,
            state: start["state"].as_str().unwrap_or_default().into(),
            verifier: start["verifier"].as_str().unwrap_or_default().into(),
        };
        // The core's connect flow (exchange, identity, permission, directory), as the engine
        // runs it in the extension.
        let mut flow = saves::api::ConnectFlow::start(team.clone(), start, "")
            .map_err(|e| format!("connect: {e}"))?;
        while let Some(request) = flow.next_request().map_err(|e| format!("connect: {e}"))? {
            let response = self.send(&request).await?;
            flow.on_response(&response)
                .map_err(|e| format!("connect: {e}"))?;
        }
        match flow.finished().map_err(|e| format!("connect: {e}"))? {
            saves::api::Finished::Salesforce { token, users, .. } => Ok((
                token,
                users
                    .iter()
                    .map(|u| serde_json::to_value(u).unwrap_or_default())
                    .collect(),
            )),
            _ => Err("a Salesforce connect finished as another CRM".into()),
        }
    }

    async fn admin(&self, route: &str, body: Value) -> Result<Value, String> {
        let reply = self
            .send(&HttpRequest {
                method: "POST".into(),
                url: format!("{}/__sandbox/{route}", self.url),
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: Some(body.to_string()),
            })
            .await?;
        serde_json::from_str(&reply.body).map_err(|e| format!("{route}: {e}"))
    }
}

fn enc(s: &str) -> String {
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

/// A process's CPU time so far (ms), from `/proc/<pid>/stat` (clock ticks of 10 ms).
fn cpu_ms(pid: u32, what: &str) -> Result<f64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("reading {what}'s CPU time: {e}"))?;
    // The fields after the command name (which is in parentheses): utime is the 14th
    // field of the line, stime the 15th.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    match (tick(11), tick(12)) {
        (Some(user), Some(system)) => Ok((user + system) * 10.0),
        _ => Err(format!("{what}'s /proc stat has no CPU times")),
    }
}

/// The `leadline-server` process (killed on drop) and its data directory.
struct Server {
    child: Child,
    base: String,
    dir: PathBuf,
    http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Server {
    fn start(args: &Args, sb: &Sandbox, tag: &str) -> Result<(Self, String), String> {
        use std::io::{BufRead, BufReader};
        let dir = std::env::temp_dir().join(format!("server-load-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let code = admin_invite(&args.server, &dir, "Bench")?;
        let resolve: Vec<String> = PINNED.iter().map(|h| format!("{h}={}", sb.addr)).collect();
        let mut child = Command::new(&args.server)
            .args(["serve", "--port", "0", "--data"])
            .arg(&dir)
            // The flag, not LEADLINE_SF_CLIENT_ID: that variable also configures the server's own
            // (confidential) OAuth app, which then needs its secret; this sandbox app is public.
            .args(["--sf-client-id", CLIENT_ID])
            .env("LEADLINE_CRM_CA", &args.cert)
            .env("LEADLINE_CRM_RESOLVE", resolve.join(","))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let base = line
            .trim()
            .strip_prefix("leadline-server listening on ")
            .ok_or(format!("the server did not start: {line:?}"))?
            .to_owned();
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(args.reps * 2)
            .build()
            .map_err(|e| e.to_string())?;
        Ok((
            Self {
                child,
                base,
                dir,
                http,
            },
            code,
        ))
    }

    /// The process's CPU time so far (ms).
    fn cpu_ms(&self) -> Result<f64, String> {
        cpu_ms(self.child.id(), "the server")
    }

    /// The process's resident memory (KiB), `VmRSS` of `/proc/<pid>/status`.
    fn rss_kib(&self) -> Result<u64, String> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .map_err(|e| format!("reading the server's memory: {e}"))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| "no VmRSS in the server's /proc status".into())
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        session: Option<&str>,
        body: &Value,
    ) -> Result<(u16, Value), String> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .json(body);
        if let Some(s) = session {
            request = request.bearer_auth(s);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let value = response.json().await.unwrap_or(Value::Null);
        Ok((status, value))
    }

    async fn join(&self, code: &str, email: &str) -> Result<(String, String), String> {
        let (_, joined) = self
            .call(
                reqwest::Method::POST,
                "/api/join",
                None,
                &json!({"code": code, "email": email}),
            )
            .await?;
        let session = joined["session"]
            .as_str()
            .ok_or(format!("join: {joined}"))?;
        let member = joined["member"]["id"].as_str().unwrap_or_default();
        Ok((session.to_owned(), member.to_owned()))
    }
}

/// `leadline-server admin-invite --team NAME`: creates the team in `dir`'s database if needed,
/// answers a one-time admin invite code.
fn admin_invite(
    server: &std::path::Path,
    dir: &std::path::Path,
    team: &str,
) -> Result<String, String> {
    let invite = Command::new(server)
        .args(["admin-invite", "--team", team, "--data"])
        .arg(dir)
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", server.display()))?;
    let code = String::from_utf8_lossy(&invite.stdout).trim().to_owned();
    if !invite.status.success() || code.is_empty() {
        return Err(format!("admin-invite --team {team} failed"));
    }
    Ok(code)
}

/// A LinkedIn person, unique per `(tag, i)`.
fn person(tag: &str, i: usize) -> Value {
    json!({"full_name": format!("Ada {tag}{i} Lovelace"), "email": format!("ada.{tag}{i}@load.example"),
        "linkedin_url": format!("https://www.linkedin.com/in/ada-{tag}{i}"), "company": "Analytical Engines"})
}

fn save(id: &str, person: Value) -> Value {
    json!({"save_id": id, "source": "linkedin_extension", "push": "single", "prospects": [person]})
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn stats(mut ms: Vec<f64>) -> Value {
    ms.sort_by(f64::total_cmp);
    json!({"n": ms.len(), "p50_ms": percentile(&ms, 0.5), "p95_ms": percentile(&ms, 0.95), "p99_ms": percentile(&ms, 0.99)})
}

async fn run(args: Args) -> Result<Value, String> {
    let sb = Sandbox::new(&args)?;
    sb.admin("settings", json!({"api_limit": 100_000_000}))
        .await?;
    let config =
        json!({"crm": "salesforce", "client_id": CLIENT_ID, "me_email": "rep@acme.example"});
    let bare: LocalTeam =
        serde_json::from_value(json!({"config": config})).map_err(|e| e.to_string())?;
    let (tokens, users) = sb.connect(&bare).await?;
    let id_of = |email: &str| {
        users
            .iter()
            .find(|u| u["email"] == email)
            .and_then(|u| u["id"].as_str())
            .map(str::to_owned)
            .ok_or(format!("no {email} in the sandbox"))
    };
    let (integration_id, rep_id) = (id_of(INTEGRATION)?, id_of("rep@acme.example")?);

    let (server, code) = Server::start(&args, &sb, "load")?;
    let (admin, admin_member) = server.join(&code, "admin@bench.example").await?;
    let put = reqwest::Method::PUT;
    let (status, stored) = server
        .call(
            put.clone(),
            &format!("/api/admin/connections/{admin_member}"),
            Some(&admin),
            &json!({
            "crm_user_id": integration_id, "crm_email": INTEGRATION, "permission": "admin",
            "instance_url": tokens.instance_url, "refresh_token": tokens.refresh_token}),
        )
        .await?;
    if status != 201 {
        return Err(format!("storing the connection: {status} {stored}"));
    }
    server
        .call(
            put.clone(),
            "/api/admin/team-sync",
            Some(&admin),
            &json!({"member": admin_member}),
        )
        .await?;
    let mut reps = Vec::with_capacity(args.reps);
    for r in 0..args.reps {
        let (_, invite) = server
            .call(
                reqwest::Method::POST,
                "/api/admin/invites",
                Some(&admin),
                &json!({"role": "rep"}),
            )
            .await?;
        let code = invite["code"].as_str().ok_or(format!("invite: {invite}"))?;
        let (session, member) = server.join(code, &format!("rep{r}@bench.example")).await?;
        server
            .call(
                put.clone(),
                &format!("/api/admin/members/{member}/crm"),
                Some(&admin),
                &json!({"owner_mapping": rep_id}),
            )
            .await?;
        reps.push(session);
    }
    let server = Arc::new(server);
    // Warm: the server's first refresh.
    let (_, warm) = server
        .call(
            reqwest::Method::POST,
            "/api/saves",
            Some(&reps[0]),
            &save("warm-0001", person("warm", 0)),
        )
        .await?;
    if warm["status"] != "pushed" {
        return Err(format!("the first save did not push: {warm}"));
    }

    // 1. Throughput: every rep saving at once.
    let cpu_before = server.cpu_ms()?;
    let sandbox_cpu = |pid: Option<u32>| pid.map(|p| cpu_ms(p, "the sandbox")).transpose();
    let sandbox_before = sandbox_cpu(args.sandbox_pid)?;
    let client_before = cpu_ms(std::process::id(), "server-load")?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for (r, session) in reps.iter().enumerate() {
        let (server, session) = (Arc::clone(&server), session.clone());
        tasks.spawn(async move {
            let (mut ok, mut failed, mut latencies) = (0u64, Vec::new(), Vec::new());
            let mut i = 0;
            while Instant::now() < deadline {
                let t0 = Instant::now();
                let body = save(&format!("load-{r}-{i:06}"), person(&format!("r{r}x"), i));
                match server
                    .call(reqwest::Method::POST, "/api/saves", Some(&session), &body)
                    .await
                {
                    Ok((_, v)) if v["status"] == "pushed" => ok += 1,
                    Ok((status, v)) => failed.push(format!("{status} {v}")),
                    Err(e) => failed.push(e),
                }
                latencies.push(t0.elapsed().as_secs_f64() * 1000.0);
                i += 1;
            }
            (ok, failed, latencies)
        });
    }
    let (mut pushed, mut errors, mut latencies) = (0u64, Vec::new(), Vec::new());
    while let Some(done) = tasks.join_next().await {
        let (ok, failed, l) = done.map_err(|e| e.to_string())?;
        pushed += ok;
        errors.extend(failed);
        latencies.extend(l);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let server_cpu_ms = server.cpu_ms()? - cpu_before;
    let client_cpu_ms = cpu_ms(std::process::id(), "server-load")? - client_before;
    let sandbox_cpu_ms = match (sandbox_before, sandbox_cpu(args.sandbox_pid)?) {
        (Some(before), Some(after)) => Some(after - before),
        _ => None,
    };

    // 2. The hop: single saves one at a time, through the server and directly, taken in
    // turn (one through the server, then one directly), so that both see the same machine:
    // a stall of another process on the shared machine lands on either side alike.
    let team: LocalTeam = serde_json::from_value(json!({
        "config": config,
        "connections": [{"role": "team_sync", "crm_user_id": integration_id, "name": "Integration",
            "email": INTEGRATION, "permission": "admin", "health": "ok", "instance_url": tokens.instance_url}],
        "owner_mapping": rep_id,
    }))
    .map_err(|e| e.to_string())?;
    let store = MemoryStore::new(StoreData {
        team_sync: Some(tokens.clone()),
        ..StoreData::default()
    });
    let engine = Engine::new(team.clone(), sb.http.clone(), store, TokioClock);
    let mut through = Vec::with_capacity(args.singles);
    let mut direct = Vec::with_capacity(args.singles);
    for i in 0..args.singles {
        let body = save(&format!("single-{i:06}"), person("s", i));
        let t0 = Instant::now();
        let (_, v) = server
            .call(reqwest::Method::POST, "/api/saves", Some(&reps[0]), &body)
            .await?;
        through.push(t0.elapsed().as_secs_f64() * 1000.0);
        if v["status"] != "pushed" {
            errors.push(format!("single: {v}"));
        }

        let message = json!({"kind": "save", "source": "linkedin_extension", "push": "single",
            "prospects": [person("d", i)]});
        let t0 = Instant::now();
        let Ok(saves::ContentToWorker::Save(request)) = saves::parse_content_message(&message)
        else {
            return Err("the direct save did not parse".into());
        };
        let plan = saves::plan_save(
            &team,
            &request,
            &format!("direct-{i}"),
            &saves::KnownRecords::new(),
        );
        engine.enqueue(&plan).await.map_err(|e| e.to_string())?;
        for entry in &plan.entries {
            match engine.run(&entry.id).await.map_err(|e| e.to_string())? {
                Outcome::Settled(_) => {}
                other => errors.push(format!("direct: {other:?}")),
            }
        }
        direct.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    drop(server);
    let memory = if args.teams > 0 {
        memory_per_team(&args, &sb, &tokens, &integration_id, &rep_id).await?
    } else {
        Value::Null
    };
    let (through, direct) = (stats(through), stats(direct));
    let hop = |p: &str| through[p].as_f64().unwrap_or(0.0) - direct[p].as_f64().unwrap_or(0.0);
    let (hop_p50, hop_p95) = (hop("p50_ms"), hop("p95_ms"));
    errors.truncate(20);
    Ok(json!({
        "reps": args.reps,
        "seconds": elapsed,
        "pushed": pushed,
        "saves_per_second": pushed as f64 / elapsed.max(1e-9),
        "save_latency": stats(latencies),
        "server_cpu_ms_per_save": server_cpu_ms / (pushed as f64).max(1.0),
        "sandbox_cpu_ms_per_save": sandbox_cpu_ms.map(|ms| ms / (pushed as f64).max(1.0)),
        "client_cpu_ms_per_save": client_cpu_ms / (pushed as f64).max(1.0),
        "memory": memory,
        "single_through_server": through,
        "single_direct_engine": direct,
        "hop_p50_ms": hop_p50,
        "hop_p95_ms": hop_p95,
        "errors": errors,
    }))
}

/// Phase 3: a fresh server, `args.teams` complete teams (see the module doc), its resident
/// memory before and after.
async fn memory_per_team(
    args: &Args,
    sb: &Sandbox,
    tokens: &Tokens,
    integration_id: &str,
    rep_id: &str,
) -> Result<Value, String> {
    let (server, code) = Server::start(args, sb, "memory")?;
    // One team first, so that what every server holds anyway (pools, caches, the first push
    // engine) is in the figure before.
    let (put, post) = (reqwest::Method::PUT, reqwest::Method::POST);
    let setup = |code: String, n: usize| {
        let (server, put, post) = (&server, put.clone(), post.clone());
        async move {
            let (admin, admin_member) = server
                .join(&code, &format!("admin{n}@memory.example"))
                .await?;
            let checks = [
                server
                    .call(put.clone(), "/api/admin/push-settings", Some(&admin),
                        &json!({"record_kind": "contact", "match_account": false, "log_emails": false}))
                    .await?,
                server
                    .call(put.clone(), &format!("/api/admin/connections/{admin_member}"), Some(&admin),
                        &json!({"crm_user_id": integration_id, "crm_email": INTEGRATION, "permission": "admin",
                            "instance_url": tokens.instance_url, "refresh_token": tokens.refresh_token}))
                    .await?,
                server
                    .call(put.clone(), "/api/admin/team-sync", Some(&admin), &json!({"member": admin_member}))
                    .await?,
            ];
            let (_, invite) = server
                .call(
                    post.clone(),
                    "/api/admin/invites",
                    Some(&admin),
                    &json!({"role": "rep"}),
                )
                .await?;
            let rep_code = invite["code"].as_str().ok_or(format!("invite: {invite}"))?;
            let (rep, member) = server
                .join(rep_code, &format!("rep{n}@memory.example"))
                .await?;
            let mapped = server
                .call(
                    put.clone(),
                    &format!("/api/admin/members/{member}/crm"),
                    Some(&admin),
                    &json!({"owner_mapping": rep_id}),
                )
                .await?;
            let (_, saved) = server
                .call(
                    post.clone(),
                    "/api/saves",
                    Some(&rep),
                    &save(&format!("memory-{n:06}"), person("m", n)),
                )
                .await?;
            if let Some((status, body)) = checks.iter().chain([&mapped]).find(|(s, _)| *s >= 300) {
                return Err(format!("team {n}: {status} {body}"));
            }
            if saved["status"] != "pushed" {
                return Err(format!("team {n}: the save did not push: {saved}"));
            }
            Ok::<(), String>(())
        }
    };
    setup(code, 0).await?;
    let before = server.rss_kib()?;
    let started = Instant::now();
    for n in 1..=args.teams {
        let code = admin_invite(&args.server, &server.dir, &format!("Team {n}"))?;
        setup(code, n).await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let after = server.rss_kib()?;
    Ok(json!({
        "teams": args.teams,
        "seconds": seconds,
        "rss_before_kib": before,
        "rss_after_kib": after,
        "kib_per_team": (after as f64 - before as f64) / args.teams as f64,
    }))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(report) => {
            println!("{report}");
            if report["errors"].as_array().is_some_and(|e| e.is_empty()) {
                std::process::ExitCode::SUCCESS
            } else {
                std::process::ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("server-load: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
