//! A page's lookup and a save's undo through the engine, against the sandbox: the core's calls,
//! and the same one-refresh policy as saves when the tokens expired.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fixture::{contacts_with, memory_engine, person, plan, settled, team_sync_team};
use common::Sandbox;
use engine::Clock;
use saves::{KnownRecords, SaveStatus};
use serde_json::{json, Value};

#[tokio::test]
async fn a_list_page_lookup_is_one_call_and_survives_expired_tokens_with_one_refresh() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let engine = memory_engine(&sb, &t);
    let saved = plan(
        &t,
        vec![person(1, "l"), person(2, "l")],
        "single",
        &KnownRecords::new(),
        "l1",
    );
    engine.enqueue(&saved).await.unwrap();
    let mut ids = Vec::new();
    for e in &saved.entries {
        let people = settled(engine.run(&e.id).await.unwrap());
        ids.push(people[0].result.record_id.clone().unwrap());
    }
    let lookup = json!({"kind": "lookup", "source": "linkedin_extension",
        "prospects": [person(1, "l"), person(3, "l"), person(2, "l")]});
    sb.admin("POST", "reset-counts", json!({})).await;
    sb.admin("POST", "expire-tokens", json!({})).await;

    let answer = engine
        .lookup(
            &lookup,
            &Value::Null,
            &Value::Null,
            engine.clock().now_ms() as f64,
        )
        .await
        .unwrap();
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(answer["done"], true, "{answer}");
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["found"], true);
    assert_eq!(results[0]["record_id"], ids[0].as_str());
    assert_eq!(results[1]["found"], false, "never saved");
    assert_eq!(results[2]["record_id"], ids[1].as_str());
    assert_eq!(
        results[0]["owner_name"].as_str().map(str::is_empty),
        Some(false)
    );
    let hosts = sb.hosts().await;
    assert_eq!(hosts["login.salesforce.com"], 1, "one refresh: {hosts}");
    let counts = sb.counts().await;
    assert_eq!(
        counts["total"], 2,
        "the refused query and the same query again: {counts}"
    );
}

#[tokio::test]
async fn an_undo_deletes_what_the_save_created_after_one_refresh() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let engine = memory_engine(&sb, &t);
    let save = plan(
        &t,
        vec![person(1, "u")],
        "single",
        &KnownRecords::new(),
        "undo-1",
    );
    engine.enqueue(&save).await.unwrap();
    let people = settled(engine.run(&save.entries[0].id).await.unwrap());
    assert_eq!(people[0].result.status, SaveStatus::Created);
    assert_eq!(contacts_with(&sb, "ada.u1@example.com").await.len(), 1);
    let made = saves::api::undo_record(
        &serde_json::to_value(&t.team).unwrap(),
        &serde_json::to_value(&save.entries).unwrap(),
        &json!([people[0].result]),
        "undo-1",
        engine.clock().now_ms() as f64,
    );
    assert_eq!(made["ok"], true, "{made}");
    let record = made["undo"].clone();
    assert!(
        record.is_object(),
        "the save created something to undo: {made}"
    );
    sb.admin("POST", "reset-counts", json!({})).await;
    sb.admin("POST", "expire-tokens", json!({})).await;

    let message = json!({"kind": "undo", "source": "linkedin_extension", "save_id": "undo-1"});
    let clicked = engine.clock().now_ms() as f64;
    // Judged at the click's instant: after the window, the engine refuses and sends nothing.
    let late = engine
        .undo(
            &message,
            &record,
            clicked + saves::undo::UNDO_WINDOW_MS as f64 + 60_000.0,
        )
        .await
        .unwrap();
    assert_eq!(late["ok"], false, "{late}");
    assert_eq!(late["error"]["code"], "undo_expired", "{late}");
    assert_eq!(
        sb.counts().await["total"],
        0,
        "no request for an expired undo"
    );
    // Inside the window at the click, the undo runs even if the engine's own clock has moved
    // past it since (the worker checked the click; the engine does not judge it again later).
    engine
        .clock()
        .sleep(std::time::Duration::from_secs(60))
        .await;
    let outcome = engine.undo(&message, &record, clicked).await.unwrap();
    assert_eq!(outcome["ok"], true, "{outcome}");
    assert_eq!(outcome["deleted"].as_array().unwrap().len(), 1, "{outcome}");
    assert_eq!(outcome["failed"], json!([]), "{outcome}");
    assert!(
        contacts_with(&sb, "ada.u1@example.com").await.is_empty(),
        "deleted"
    );
    let hosts = sb.hosts().await;
    assert_eq!(hosts["login.salesforce.com"], 1, "one refresh: {hosts}");
}

/// The connection's refresh token, revoked at the sandbox's login host.
async fn revoke_grant(sb: &Sandbox, refresh_token: &str) {
    let revoke = crm::HttpRequest {
        method: "POST".into(),
        url: "https://login.salesforce.com/services/oauth2/revoke".into(),
        headers: vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body: Some(format!("token={}", common::enc(refresh_token))),
    };
    assert_eq!(sb.send(&revoke).await.status, 200);
}

#[tokio::test]
async fn a_lookup_whose_refresh_is_refused_answers_the_refusal_after_one_refresh() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let engine = memory_engine(&sb, &t);
    revoke_grant(&sb, t.tokens.refresh_token.as_deref().unwrap()).await;
    sb.admin("POST", "reset-counts", json!({})).await;
    sb.admin("POST", "expire-tokens", json!({})).await;

    let lookup = json!({"kind": "lookup", "source": "linkedin_extension",
        "prospects": [person(1, "r")]});
    let now = engine.clock().now_ms() as f64;
    let answer = engine
        .lookup(&lookup, &Value::Null, &Value::Null, now)
        .await
        .unwrap();
    assert_eq!(answer["ok"], false, "{answer}");
    assert_eq!(answer["error"]["code"], "invalid_grant", "{answer}");
    let hosts = sb.hosts().await;
    assert_eq!(hosts["login.salesforce.com"], 1, "one refresh: {hosts}");

    // A list page's cards get the same refusal, and still each card's answer by its key: the
    // private member's reason, the person's key alone (CRM status unknown).
    let cards = json!({"kind": "lookup", "source": "linkedin_extension", "cards": [
        {"key": "c1", "link": "https://www.linkedin.com/search/results/people/headless?k=1",
            "prospect": {"full_name": "LinkedIn Member"}},
        {"key": "c2", "prospect": person(1, "r")},
    ]});
    let answer = engine
        .lookup(&cards, &Value::Null, &Value::Null, now)
        .await
        .unwrap();
    assert_eq!(answer["ok"], false, "{answer}");
    assert_eq!(answer["error"]["code"], "invalid_grant", "{answer}");
    assert_eq!(answer["cards"][0]["key"], "c1", "{answer}");
    assert_eq!(answer["cards"][0]["skipped"]["kind"], "private", "{answer}");
    assert_eq!(answer["cards"][1], json!({"key": "c2"}), "{answer}");
}

/// One [`MemoryStore`] behind several engines (as the extension's engines share
/// `chrome.storage.local`).
struct SharedStore(std::sync::Arc<engine::MemoryStore>);

impl engine::Store for SharedStore {
    fn entries(
        &self,
    ) -> impl std::future::Future<Output = Result<Vec<saves::OutboxEntry>, engine::StoreError>>
    {
        self.0.entries()
    }
    fn entry(
        &self,
        id: &str,
    ) -> impl std::future::Future<Output = Result<Option<saves::OutboxEntry>, engine::StoreError>>
    {
        self.0.entry(id)
    }
    fn put_entries(
        &self,
        entries: &[saves::OutboxEntry],
    ) -> impl std::future::Future<Output = Result<(), engine::StoreError>> {
        self.0.put_entries(entries)
    }
    fn settle(
        &self,
        line: engine::JournalLine,
    ) -> impl std::future::Future<Output = Result<(), engine::StoreError>> {
        self.0.settle(line)
    }
    fn tokens(
        &self,
        role: saves::Role,
    ) -> impl std::future::Future<Output = Result<Option<saves::Tokens>, engine::StoreError>> {
        self.0.tokens(role)
    }
    fn set_tokens(
        &self,
        role: saves::Role,
        tokens: &saves::Tokens,
    ) -> impl std::future::Future<Output = Result<(), engine::StoreError>> {
        self.0.set_tokens(role, tokens)
    }
}

#[tokio::test]
async fn engines_sharing_refresh_flights_make_one_refresh_for_parallel_401s() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let store = std::sync::Arc::new(common::fixture::store_with(&t.tokens));
    let engine_over = |store: &std::sync::Arc<engine::MemoryStore>| {
        engine::Engine::new(
            t.team.clone(),
            sb.transport(),
            SharedStore(store.clone()),
            engine::clock::VirtualClock::new(0),
        )
    };
    // Two engines over one store (the extension builds one per message), sharing the flights.
    let first = engine_over(&store);
    let second = engine_over(&store).with_refresh_flights(first.refresh_flights());
    let used = t.tokens.access_token.clone();
    sb.admin("POST", "reset-counts", json!({})).await;
    sb.admin("POST", "expire-tokens", json!({})).await;
    let (a, b) = tokio::join!(
        first.refresh(saves::Role::TeamSync, &used),
        second.refresh(saves::Role::TeamSync, &used)
    );
    assert_eq!((a, b), (Ok(()), Ok(())));
    let hosts = sb.hosts().await;
    // The second waited for the first's refresh, then saw the new token: no second refresh.
    assert_eq!(hosts["login.salesforce.com"], 1, "{hosts}");
    let stored = store.snapshot().unwrap().team_sync.unwrap();
    assert_ne!(stored.access_token, used, "the new token is stored");
}
