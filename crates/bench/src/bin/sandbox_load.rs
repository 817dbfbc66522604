//! `sandbox-load --url URL --cert PEM [--records N] [--clients N] [--seconds N]`: the sandbox's
//! own throughput, so benchmarks of other servers know it is not their bottleneck.
//!
//! Fills the org with `--records` Contacts (default 10,000, through sObject Collections), then
//! runs `--clients` concurrent clients (default 50, one connection each) for `--seconds`
//! (default 10) on loopback. Each client cycles through four single-record requests: read a
//! Contact by id, look one up by e-mail (the product's SOQL), update one, create one. Prints
//! one JSON object: requests, errors, requests per second and latency percentiles. Exits 1 when
//! any request failed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

/// The API version the clients address.
const API: &str = "/services/data/v66.0";

/// What to run.
struct Args {
    url: String,
    cert: String,
    records: usize,
    clients: usize,
    seconds: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: String::new(),
        cert: String::new(),
        records: 10_000,
        clients: 50,
        seconds: 10,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--url" => args.url = value.trim_end_matches('/').to_string(),
            "--cert" => args.cert = value,
            "--records" => args.records = number()?,
            "--clients" => args.clients = number()?.max(1),
            "--seconds" => args.seconds = number()? as u64,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.url.is_empty() || args.cert.is_empty() {
        return Err(
            "usage: sandbox-load --url URL --cert PEM [--records N] [--clients N] [--seconds N]"
                .into(),
        );
    }
    Ok(args)
}

/// One client: its own agent (so its own connection) and the sandbox's address.
struct Client {
    agent: ureq::Agent,
    url: String,
    token: String,
}

impl Client {
    fn new(args: &Args, cert_pem: &str, token: &str) -> Result<Client, String> {
        let cert = Certificate::from_pem(cert_pem.as_bytes()).map_err(|e| e.to_string())?;
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::new_with_certs(&[cert]))
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Ok(Client {
            agent,
            url: args.url.clone(),
            token: token.to_string(),
        })
    }

    /// Sends a request and returns the status and the JSON body (Null when none).
    fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.url))
            .header("authorization", format!("Bearer {}", self.token));
        let bytes = match body {
            Some(body) => {
                builder = builder.header("content-type", "application/json");
                body.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        let request = builder.body(bytes).map_err(|e| e.to_string())?;
        let mut response = self.agent.run(request).map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// A request that must answer `expected`.
    fn expect(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        expected: u16,
    ) -> Result<Value, String> {
        let (status, value) = self.send(method, path, body)?;
        if status == expected {
            Ok(value)
        } else {
            Err(format!("{method} {path}: {status} {value}"))
        }
    }
}

/// A password-grant token for a seeded user, and the org's API limit lifted for the run.
fn prepare(args: &Args, cert_pem: &str) -> Result<String, String> {
    let client = Client::new(args, cert_pem, "")?;
    let form = "grant_type=password&client_id=leadline-sandbox-scripts\
                &client_secret=leadline-sandbox-secret&username=rep%40acme.example&password=sandbox";
    let request = ureq::http::Request::builder()
        .method("POST")
        .uri(format!("{}/services/oauth2/token", args.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.as_bytes().to_vec())
        .map_err(|e| e.to_string())?;
    let mut response = client.agent.run(request).map_err(|e| e.to_string())?;
    let reply: Value = serde_json::from_str(
        &response
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    client.expect(
        "POST",
        "/__sandbox/settings",
        Some(&json!({"api_limit": 100_000_000})),
        200,
    )?;
    reply["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("no access_token in {reply}"))
}

/// Creates `n` Contacts, 200 per call; returns their ids.
fn fill(client: &Client, n: usize) -> Result<Vec<String>, String> {
    let mut ids = Vec::with_capacity(n);
    for start in (0..n).step_by(200) {
        let records: Vec<Value> = (start..n.min(start + 200))
            .map(|i| {
                json!({"attributes": {"type": "Contact"}, "LastName": format!("Load {i}"),
                       "Email": email(i)})
            })
            .collect();
        let body = json!({"allOrNone": true, "records": records});
        let reply = client.expect(
            "POST",
            &format!("{API}/composite/sobjects"),
            Some(&body),
            200,
        )?;
        for item in reply.as_array().into_iter().flatten() {
            let id = item["id"]
                .as_str()
                .ok_or_else(|| format!("not created: {item}"))?;
            ids.push(id.to_string());
        }
    }
    Ok(ids)
}

fn email(i: usize) -> String {
    format!("load{i}@load.example")
}

/// What one client did.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    errors: Vec<String>,
}

/// One client's loop until `deadline`: read, look up, update, create, again.
fn run_client(
    client: &Client,
    ids: &[String],
    seed: usize,
    created: &AtomicU64,
    deadline: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut step = seed;
    while Instant::now() < deadline {
        let pick = (step.wrapping_mul(7919)) % ids.len().max(1);
        let id = ids.get(pick).cloned().unwrap_or_default();
        let started = Instant::now();
        let result = match step % 4 {
            0 => client
                .expect("GET", &format!("{API}/sobjects/Contact/{id}"), None, 200)
                .map(drop),
            1 => {
                let soql = format!(
                    "SELECT+Id,+OwnerId,+Owner.Name+FROM+Contact+WHERE+Email+=+'{}'+ORDER+BY+CreatedDate+ASC+LIMIT+10",
                    email(pick).replace('@', "%40")
                );
                client
                    .expect("GET", &format!("{API}/query?q={soql}"), None, 200)
                    .and_then(|v| match v["totalSize"].as_u64() {
                        Some(1) => Ok(()),
                        _ => Err(format!("lookup of {} found {v}", email(pick))),
                    })
            }
            2 => client
                .expect(
                    "PATCH",
                    &format!("{API}/sobjects/Contact/{id}"),
                    Some(&json!({"Title": format!("Step {step}")})),
                    204,
                )
                .map(drop),
            _ => {
                let n = created.fetch_add(1, Ordering::Relaxed);
                let body = json!({"LastName": format!("New {n}"), "Email": format!("new{n}@load.example")});
                client
                    .expect("POST", &format!("{API}/sobjects/Contact"), Some(&body), 201)
                    .map(drop)
            }
        };
        tally
            .latencies_us
            .push(started.elapsed().as_micros() as u64);
        if let Err(e) = result {
            tally.errors.push(e);
        }
        step += 1;
    }
    tally
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64 / 1000.0
}

fn run(args: &Args) -> Result<Value, String> {
    let cert_pem =
        std::fs::read_to_string(&args.cert).map_err(|e| format!("{}: {e}", args.cert))?;
    let token = prepare(args, &cert_pem)?;
    let seeding = Instant::now();
    let ids = fill(&Client::new(args, &cert_pem, &token)?, args.records)?;
    let seed_seconds = seeding.elapsed().as_secs_f64();
    let created = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let ids = Arc::new(ids);
    let handles: Vec<_> = (0..args.clients)
        .map(|c| {
            let client = Client::new(args, &cert_pem, &token);
            let (ids, created) = (Arc::clone(&ids), Arc::clone(&created));
            std::thread::spawn(move || match client {
                Ok(client) => run_client(&client, &ids, c * 13, &created, deadline),
                Err(e) => Tally {
                    latencies_us: Vec::new(),
                    errors: vec![e],
                },
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = Vec::new();
    for handle in handles {
        let tally = handle
            .join()
            .map_err(|_| "a client thread panicked".to_string())?;
        latencies.extend(tally.latencies_us);
        errors.extend(tally.errors);
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    Ok(json!({
        "records": args.records,
        "clients": args.clients,
        "seconds": seconds,
        "seed_seconds": seed_seconds,
        "requests": latencies.len(),
        "errors": errors.len(),
        "first_errors": errors.iter().take(3).collect::<Vec<_>>(),
        "per_second": latencies.len() as f64 / seconds,
        "p50_ms": percentile(&latencies, 0.5),
        "p99_ms": percentile(&latencies, 0.99),
        "max_ms": percentile(&latencies, 1.0),
    }))
}

fn main() {
    let result = parse_args().and_then(|args| run(&args));
    match result {
        Ok(report) => {
            println!("{report}");
            if report["errors"].as_u64() != Some(0) {
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("sandbox-load: {e}");
            std::process::exit(2);
        }
    }
}
