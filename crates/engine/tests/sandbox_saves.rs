//! The engine against the real sandbox org: real HTTPS, real OAuth, the CRM's real answers and
//! the sandbox's fault injection. Each test starts its own org.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fixture::{contacts_with, memory_engine, person, plan, settled, team_sync_team};
use common::Sandbox;
use saves::{KnownRecords, SaveStatus};
use serde_json::{json, Value};

#[tokio::test]
async fn a_linkedin_save_is_created_once_by_team_sync_and_owned_per_the_mapping() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let engine = memory_engine(&sb, &t);
    sb.admin("POST", "reset-counts", json!({})).await;

    let first = plan(
        &t,
        vec![person(1, "s")],
        "single",
        &KnownRecords::new(),
        "save1",
    );
    assert_eq!(first.entries.len(), 1);
    engine.enqueue(&first).await.unwrap();
    let people = settled(engine.run(&first.entries[0].id).await.unwrap());
    assert_eq!(people.len(), 1);
    let result = &people[0].result;
    assert_eq!(result.status, SaveStatus::Created, "{result:?}");
    let records = contacts_with(&sb, "ada.s1@example.com").await;
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(result.record_id.as_deref(), record["Id"].as_str());
    assert_eq!(
        record["CreatedById"],
        t.integration_id.as_str(),
        "Created By: team sync"
    );
    assert_eq!(
        record["OwnerId"],
        t.rep_id.as_str(),
        "Owner: the rep, per the mapping"
    );
    assert_eq!(result.owner.id.as_deref(), Some(t.rep_id.as_str()));
    assert_eq!(
        result.created_by.id.as_deref(),
        Some(t.integration_id.as_str())
    );
    // Not known yet: the dedupe lookup, then the one Composite create.
    let counts = sb.counts().await;
    assert_eq!(counts["total"], 2, "{counts}");
    assert_eq!(counts["POST /services/data/vXX.X/composite"], 1, "{counts}");
    let stored = engine.store().snapshot().unwrap();
    assert!(stored.outbox.is_empty(), "settled entries leave the outbox");
    assert_eq!(stored.journal.len(), 1);
    assert_eq!(stored.journal[0].results, vec![result.clone()]);

    // The same person saved again: linked to the record, never created twice.
    let again = plan(
        &t,
        vec![person(1, "s")],
        "single",
        &KnownRecords::new(),
        "save2",
    );
    engine.enqueue(&again).await.unwrap();
    let people = settled(engine.run(&again.entries[0].id).await.unwrap());
    assert_eq!(people[0].result.status, SaveStatus::Linked);
    assert_eq!(people[0].result.record_id, result.record_id);
    assert_eq!(contacts_with(&sb, "ada.s1@example.com").await.len(), 1);
}

#[tokio::test]
async fn a_bulk_chunk_of_200_takes_two_calls() {
    let sb = Sandbox::start();
    let t = team_sync_team(&sb).await;
    let engine = memory_engine(&sb, &t);
    let people: Vec<Value> = (0..200).map(|i| person(i, "b")).collect();
    let bulk = plan(&t, people, "bulk", &KnownRecords::new(), "bulk1");
    assert_eq!(
        bulk.entries.len(),
        1,
        "200 people with one credential: one chunk"
    );
    engine.enqueue(&bulk).await.unwrap();
    sb.admin("POST", "reset-counts", json!({})).await;

    let results = settled(engine.run(&bulk.entries[0].id).await.unwrap());
    assert_eq!(results.len(), 200);
    assert!(results
        .iter()
        .all(|r| r.result.status == SaveStatus::Created));
    let mut indexes: Vec<usize> = results.iter().map(|r| r.index).collect();
    indexes.sort_unstable();
    assert_eq!(
        indexes,
        (0..200).collect::<Vec<_>>(),
        "one result per person"
    );
    let counts = sb.counts().await;
    assert_eq!(
        counts["total"], 2,
        "the dedupe query and one Collections create: {counts}"
    );
    let contacts = sb.records("Contact").await;
    assert_eq!(contacts.len(), 200);
    assert!(contacts.iter().all(|c| c["OwnerId"] == t.rep_id.as_str()));
    assert!(engine.store().snapshot().unwrap().outbox.is_empty());
}
