//! The engine's reliability against the real sandbox org, with its fault injection: expired
//! tokens under 20 concurrent saves (one refresh), a 503 storm (back-off, nothing twice), a
//! process killed with a create on the wire (resumed from the file store: one record), and a
//! revoked grant (reconnect needed, the save kept until the reconnect).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::fixture::{
    contacts_with, known_absent, memory_engine, person, plan, settled, store_with, team_sync_team,
};
use common::Sandbox;
use crm::{HttpRequest, HttpResponse};
use engine::clock::{TokioClock, VirtualClock};
use engine::file_store::FileStore;
use engine::native::HttpsTransport;
use engine::store::StoreData;
use engine::{Clock, Engine, Outcome, Store, Transport, TransportError};
use saves::{Role, SaveStatus};
use serde_json::{json, Value};
use tokio::sync::Notify;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_saves_on_one_connection_meet_expired_tokens_with_one_refresh() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let people: Vec<Value> = (0..20).map(|i| person(i, "r")).collect();
    let known = known_absent(&people);
    let save = plan(&t, people, "single", &known, "save401");
    assert_eq!(save.entries.len(), 20);
    let engine = Arc::new(Engine::new(
        t.team.clone(),
        sb.transport(),
        store_with(&t.tokens),
        TokioClock,
    ));
    engine.enqueue(&save).await.unwrap();
    sb.admin("POST", "reset-counts", json!({})).await;
    // Slow answers: the 20 creates are on the wire together when the tokens expire.
    sb.admin("POST", "latency", json!({"ms": 400})).await;
    let runs: Vec<_> = save
        .entries
        .iter()
        .map(|e| {
            let (engine, id) = (Arc::clone(&engine), e.id.clone());
            tokio::spawn(async move { engine.run(&id).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let expired = sb.admin("POST", "expire-tokens", json!({})).await;
    assert!(expired["expired"].as_u64().unwrap() >= 1, "{expired}");
    for run in runs {
        let people = settled(run.await.unwrap().unwrap());
        assert_eq!(people[0].result.status, SaveStatus::Created, "{people:?}");
    }
    sb.admin("POST", "latency", json!({"ms": 0})).await;

    let hosts = sb.hosts().await;
    assert_eq!(
        hosts["login.salesforce.com"], 1,
        "exactly one refresh: {hosts}"
    );
    let counts = sb.counts().await;
    let composites = counts["POST /services/data/vXX.X/composite"]
        .as_u64()
        .unwrap();
    assert!(
        composites > 20 && composites <= 40,
        "every save refused at most once, then retried once: {counts}"
    );
    for i in 0..20 {
        let email = format!("ada.r{i}@example.com");
        assert_eq!(
            contacts_with(&sb, &email).await.len(),
            1,
            "{email} saved once"
        );
    }
    let stored = engine.store().snapshot().unwrap();
    assert!(stored.outbox.is_empty());
    let token = stored.team_sync.unwrap();
    assert_ne!(
        token.access_token, t.tokens.access_token,
        "the new token is stored"
    );
    assert_eq!(
        token.refresh_token, t.tokens.refresh_token,
        "the refresh token is kept"
    );
}

#[tokio::test]
async fn a_503_storm_is_met_with_growing_back_off_and_nothing_is_saved_twice() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let people = vec![person(1, "storm")];
    let save = plan(
        &t,
        people.clone(),
        "single",
        &known_absent(&people),
        "storm",
    );
    let clock = VirtualClock::new(u32::MAX / 2);
    let engine = Engine::new(t.team.clone(), sb.transport(), store_with(&t.tokens), clock);
    engine.enqueue(&save).await.unwrap();
    sb.admin("POST", "reset-counts", json!({})).await;
    const STORM: usize = 5;
    sb.admin("POST", "faults", json!({"status": 503, "count": STORM}))
        .await;

    let people = settled(engine.run(&save.entries[0].id).await.unwrap());
    assert_eq!(people[0].result.status, SaveStatus::Created);
    let sleeps = engine.clock().sleeps();
    assert_eq!(
        sleeps.len(),
        STORM,
        "one back-off per refused call: {sleeps:?}"
    );
    assert!(
        sleeps.windows(2).all(|w| w[0] < w[1]),
        "growing: {sleeps:?}"
    );
    assert!(sleeps[0] >= Duration::from_secs(1), "{sleeps:?}");
    let counts = sb.counts().await;
    assert_eq!(counts["total"], STORM as u64 + 1, "{counts}");
    assert_eq!(contacts_with(&sb, "ada.storm1@example.com").await.len(), 1);
}

#[tokio::test]
async fn a_back_off_longer_than_the_engine_sleeps_leaves_the_save_waiting_in_the_outbox() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let people = vec![person(1, "wait")];
    let save = plan(&t, people.clone(), "single", &known_absent(&people), "wait");
    let engine = memory_engine(&sb, &t).with_config(engine::EngineConfig {
        sleep_up_to: Duration::ZERO,
        ..engine::EngineConfig::default()
    });
    engine.enqueue(&save).await.unwrap();
    sb.admin("POST", "faults", json!({"status": 429, "count": 1}))
        .await;
    let now = engine.clock().now_ms();
    let outcome = engine.run(&save.entries[0].id).await.unwrap();
    let Outcome::Waiting { until_ms, reason } = outcome else {
        panic!("expected a wait, got {outcome:?}");
    };
    assert_eq!(reason.code, "REQUEST_LIMIT_EXCEEDED");
    assert!(until_ms >= now + 1000, "Retry-After: 1 s at least");
    assert!(engine.resume().await.unwrap().is_empty(), "not due yet");
    engine
        .clock()
        .sleep(Duration::from_millis(until_ms - now))
        .await;
    let resumed = engine.resume().await.unwrap();
    assert_eq!(resumed.len(), 1);
    assert!(
        matches!(&resumed[0].1, Outcome::Settled(p) if p[0].result.status == SaveStatus::Created)
    );
    assert_eq!(contacts_with(&sb, "ada.wait1@example.com").await.len(), 1);
}

/// The real transport, in a process that dies right after its request reached the CRM: the
/// answer is never read.
struct DiesAfterSend {
    inner: HttpsTransport,
    sent: Arc<Notify>,
}

impl Transport for DiesAfterSend {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let _answer = self.inner.send(request).await;
        self.sent.notify_one();
        std::future::pending().await
    }
}

#[tokio::test]
async fn a_process_killed_with_the_create_on_the_wire_resumes_from_the_file_store_and_links() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let dir = std::env::temp_dir().join(format!("engine-killed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("store.json");
    let _ = std::fs::remove_file(&path);
    let people = vec![person(1, "killed")];
    let save = plan(
        &t,
        people.clone(),
        "single",
        &known_absent(&people),
        "killed",
    );
    let id = save.entries[0].id.clone();
    {
        let store = FileStore::open(&path).unwrap();
        store.set_tokens(Role::TeamSync, &t.tokens).await.unwrap();
        let sent = Arc::new(Notify::new());
        let dying = DiesAfterSend {
            inner: sb.transport(),
            sent: Arc::clone(&sent),
        };
        let engine = Engine::new(t.team.clone(), dying, store, VirtualClock::new(0));
        engine.enqueue(&save).await.unwrap();
        let run = engine.run(&id);
        tokio::pin!(run);
        tokio::select! {
            outcome = &mut run => panic!("the run cannot finish: {outcome:?}"),
            () = sent.notified() => {}
        }
        // The process dies here: the run and everything it held are dropped.
    }
    let on_disk: StoreData = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(on_disk.outbox.len(), 1, "the entry is still in the outbox");
    assert!(
        on_disk.outbox[0].in_flight,
        "written in flight before its request"
    );
    let created = contacts_with(&sb, "ada.killed1@example.com").await;
    assert_eq!(created.len(), 1, "the create reached the CRM");

    // The restarted process resumes the outbox from the same file.
    let engine = Engine::new(
        t.team.clone(),
        sb.transport(),
        FileStore::open(&path).unwrap(),
        VirtualClock::new(0),
    );
    let resumed = engine.resume().await.unwrap();
    assert_eq!(resumed.len(), 1);
    let Outcome::Settled(people) = &resumed[0].1 else {
        panic!("{resumed:?}");
    };
    assert_eq!(
        people[0].result.status,
        SaveStatus::Linked,
        "found by the lookup, not created again"
    );
    assert_eq!(
        people[0].result.record_id.as_deref(),
        created[0]["Id"].as_str()
    );
    assert!(
        !people[0]
            .result
            .warnings
            .iter()
            .any(|w| w == "linked_by_duplicate_rule"),
        "linked by the lookup its in-flight mark asked for, not by the CRM's duplicate rule"
    );
    assert_eq!(
        contacts_with(&sb, "ada.killed1@example.com").await.len(),
        1,
        "one record"
    );
    let on_disk: StoreData = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(on_disk.outbox.is_empty());
    assert_eq!(on_disk.journal.len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_revoked_grant_needs_a_reconnect_and_the_save_stays_in_the_outbox() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let people = vec![person(1, "revoked")];
    let save = plan(
        &t,
        people.clone(),
        "single",
        &known_absent(&people),
        "revoked",
    );
    let engine = memory_engine(&sb, &t);
    engine.enqueue(&save).await.unwrap();
    let revoke = HttpRequest {
        method: "POST".into(),
        url: "https://login.salesforce.com/services/oauth2/revoke".into(),
        headers: vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body: Some(format!(
            "token={}",
            common::enc(t.tokens.refresh_token.as_deref().unwrap())
        )),
    };
    assert_eq!(sb.send(&revoke).await.status, 200);
    sb.admin("POST", "expire-tokens", json!({})).await;

    let outcome = engine.run(&save.entries[0].id).await.unwrap();
    let Outcome::ReconnectNeeded { role, reason } = outcome else {
        panic!("expected reconnect needed, got {outcome:?}");
    };
    assert_eq!(role, Role::TeamSync);
    assert_eq!(reason.code, "invalid_grant", "{reason:?}");
    assert!(reason.hint.contains("Reconnect"), "{reason:?}");
    let stored = engine.store().snapshot().unwrap();
    assert_eq!(stored.outbox.len(), 1, "the save waits for the reconnect");
    assert!(stored.outbox[0].waiting.is_some());
    assert!(contacts_with(&sb, "ada.revoked1@example.com")
        .await
        .is_empty());
    assert_eq!(engine.reconnect_needed(), vec![Role::TeamSync]);

    // Until the reconnect, resuming leaves the save alone: no call with a dead grant.
    sb.admin("POST", "reset-counts", json!({})).await;
    assert!(engine.resume().await.unwrap().is_empty());
    assert_eq!(sb.counts().await["total"], 0);

    // The admin reconnects team sync: the save goes through.
    let bare: saves::LocalTeam = serde_json::from_value(json!({"config": t.team.config})).unwrap();
    let (fresh, _) = sb.connect(&bare, common::fixture::INTEGRATION).await;
    engine.reconnected(Role::TeamSync, &fresh).await.unwrap();
    let resumed = engine.resume().await.unwrap();
    assert_eq!(resumed.len(), 1);
    assert!(
        matches!(&resumed[0].1, Outcome::Settled(p) if p[0].result.status == SaveStatus::Created),
        "{resumed:?}"
    );
    assert_eq!(
        contacts_with(&sb, "ada.revoked1@example.com").await.len(),
        1
    );
}
