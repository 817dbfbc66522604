//! What the engine writes to its store for one save, against the sandbox: the entry is
//! stored in flight before every request that may change the CRM (checked as each request
//! leaves), while a read (the GET lookup) and its answer are not written; a new person's
//! LinkedIn save (lookup, then create) is one write before its create, then the settle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use common::fixture::{person, plan, settled, store_with, team_sync_team};
use common::Sandbox;
use crm::{HttpRequest, HttpResponse};
use engine::clock::VirtualClock;
use engine::native::HttpsTransport;
use engine::{Engine, JournalLine, MemoryStore, Store, StoreError, Transport, TransportError};
use saves::{KnownRecords, OutboxEntry, Role, SaveStatus, Tokens};

/// A memory store that counts `put_entries` calls.
#[derive(Clone)]
struct CountingStore {
    inner: Arc<MemoryStore>,
    puts: Arc<Mutex<Vec<OutboxEntry>>>,
}

impl Store for CountingStore {
    async fn entries(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        self.inner.entries().await
    }
    async fn entry(&self, id: &str) -> Result<Option<OutboxEntry>, StoreError> {
        self.inner.entry(id).await
    }
    async fn put_entries(&self, entries: &[OutboxEntry]) -> Result<(), StoreError> {
        self.puts.lock().unwrap().extend(entries.iter().cloned());
        self.inner.put_entries(entries).await
    }
    async fn settle(&self, line: JournalLine) -> Result<(), StoreError> {
        self.inner.settle(line).await
    }
    async fn tokens(&self, role: Role) -> Result<Option<Tokens>, StoreError> {
        self.inner.tokens(role).await
    }
    async fn set_tokens(&self, role: Role, tokens: &Tokens) -> Result<(), StoreError> {
        self.inner.set_tokens(role, tokens).await
    }
}

/// The sandbox transport, checking as each request leaves whether the store holds the entry
/// in flight; records `(method, stored in flight)` per request.
struct Watching {
    http: HttpsTransport,
    store: Arc<MemoryStore>,
    entry_id: String,
    seen: Arc<Mutex<Vec<(String, bool)>>>,
}

impl Transport for Watching {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let stored = self.store.entry(&self.entry_id).await.unwrap();
        let in_flight = stored.is_some_and(|e| e.in_flight);
        self.seen
            .lock()
            .unwrap()
            .push((request.method.clone(), in_flight));
        self.http.send(request).await
    }
}

#[tokio::test]
async fn a_new_persons_save_is_written_in_flight_before_its_create_and_not_around_its_lookup() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let saved = plan(
        &t,
        vec![person(1, "w")],
        "single",
        &KnownRecords::new(),
        "w1",
    );
    let entry_id = saved.entries[0].id.clone();
    let memory = Arc::new(store_with(&t.tokens));
    let store = CountingStore {
        inner: Arc::clone(&memory),
        puts: Arc::default(),
    };
    let transport = Watching {
        http: sb.transport(),
        store: Arc::clone(&memory),
        entry_id: entry_id.clone(),
        seen: Arc::default(),
    };
    let seen = Arc::clone(&transport.seen);
    let engine = Engine::new(
        t.team.clone(),
        transport,
        store.clone(),
        VirtualClock::new(0),
    );
    engine.enqueue(&saved).await.unwrap();
    store.puts.lock().unwrap().clear(); // the enqueue itself

    let people = settled(engine.run(&entry_id).await.unwrap());
    assert_eq!(people[0].result.status, SaveStatus::Created);

    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![("GET".to_owned(), false), ("POST".to_owned(), true)],
        "the lookup leaves unwritten, the create in flight"
    );
    let puts = store.puts.lock().unwrap().clone();
    assert_eq!(puts.len(), 1, "one write before the create: {puts:?}");
    assert!(puts[0].in_flight);
    assert!(memory.entry(&entry_id).await.unwrap().is_none(), "settled");
}
