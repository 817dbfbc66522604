//! The HTTPS transport keeps connections alive: against the sandbox, requests one after the
//! other share one connection, concurrent ones open one each and are all reused afterwards,
//! and a transport told to keep none opens one per request. Every request is answered once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Sandbox, PINNED};
use crm::HttpRequest;
use engine::native::HttpsTransport;
use engine::Transport;

fn transport(sb: &Sandbox, keep: Option<(Duration, usize)>) -> HttpsTransport {
    let pem = std::fs::read(sb.cert_path()).unwrap();
    let mut builder = HttpsTransport::builder().trust_pem(&pem).unwrap();
    for host in PINNED {
        builder = builder.pin(host, sb.addr());
    }
    if let Some((limit, per_host)) = keep {
        builder = builder.keep_idle(limit, per_host);
    }
    builder.build().unwrap()
}

/// An admin read of the sandbox (answers JSON, changes nothing).
fn counts(sb: &Sandbox) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        url: format!("{}/__sandbox/counts", sb.url),
        headers: vec![],
        body: None,
    }
}

async fn send_ok(http: &HttpsTransport, request: &HttpRequest) {
    let answer = http.send(request).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body.starts_with('{'), "{}", answer.body);
}

/// The hyper connection task hands a connection back once it has seen the answer's end.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn requests_one_after_the_other_share_one_connection() {
    let sb = Sandbox::start();
    let http = transport(&sb, None);
    for _ in 0..5 {
        send_ok(&http, &counts(&sb)).await;
        settle().await;
    }
    assert_eq!(http.connections_opened(), 1);
    // A clone shares the idle connections.
    send_ok(&http.clone(), &counts(&sb)).await;
    assert_eq!(http.connections_opened(), 1);
}

#[tokio::test]
async fn concurrent_requests_open_one_connection_each_then_reuse_them() {
    let sb = Sandbox::start();
    let http = transport(&sb, None);
    let request = counts(&sb);
    let both = futures_join(&http, &request, 4).await;
    assert_eq!(both, 4, "every request answered");
    let opened = http.connections_opened();
    assert!((1..=4).contains(&opened), "{opened} connections");
    settle().await;
    futures_join(&http, &request, 4).await;
    assert_eq!(http.connections_opened(), opened, "no new connection");
}

#[tokio::test]
async fn a_transport_that_keeps_none_opens_one_per_request() {
    let sb = Sandbox::start();
    let http = transport(&sb, Some((Duration::from_secs(30), 0)));
    for _ in 0..3 {
        send_ok(&http, &counts(&sb)).await;
        settle().await;
    }
    assert_eq!(http.connections_opened(), 3);
    // Idle connections older than the limit are not reused either.
    let http = transport(&sb, Some((Duration::from_millis(1), 8)));
    for _ in 0..2 {
        send_ok(&http, &counts(&sb)).await;
        settle().await;
    }
    assert_eq!(http.connections_opened(), 2);
}

/// Sends `n` copies of `request` at once; answers how many came back 200.
async fn futures_join(http: &HttpsTransport, request: &HttpRequest, n: usize) -> usize {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (http, request) = (http.clone(), request.clone());
        set.spawn(async move { http.send(&request).await.unwrap().status });
    }
    let mut ok = 0;
    while let Some(status) = set.join_next().await {
        ok += usize::from(status.unwrap() == 200);
    }
    ok
}
