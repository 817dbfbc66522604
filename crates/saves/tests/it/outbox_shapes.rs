//! The outbox entry's stored shape did not change when the entry became an enum of a single
//! save and a chunk: entries written by the struct it replaced (`fixtures/outbox/`, each
//! serialized by the code before the split, mid-run: in flight, waiting after a 503, a chunk
//! with a recorded answer and a member found by the dedupe) are read as the right variant and
//! written back byte for byte, so nothing stored in a browser or on the team server needs
//! migrating.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use saves::OutboxEntry;
use serde_json::{json, Value};

/// (file, a chunk?, people in it)
const STORED: &[(&str, bool, usize)] = &[
    ("single_in_flight.json", false, 1),
    ("single_waiting.json", false, 1),
    ("single_hubspot_planned.json", false, 1),
    ("chunk_in_flight.json", true, 3),
    ("chunk_waiting.json", true, 3),
];

fn stored(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/outbox/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn entries_stored_before_the_split_read_as_their_variant_and_write_back_unchanged() {
    for &(name, is_chunk, people) in STORED {
        let text = stored(name);
        let entry: OutboxEntry = serde_json::from_str(&text).unwrap();
        match &entry {
            OutboxEntry::Chunk(c) => {
                assert!(is_chunk, "{name} read as a chunk");
                assert_eq!(c.chunk.members.len(), people, "{name}");
            }
            OutboxEntry::Single(_) => assert!(!is_chunk, "{name} read as a single save"),
        }
        // The core's own readers hold a `Value` and read it by reference: the same entry.
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(OutboxEntry::from_value(&value).unwrap(), entry, "{name}");
        let written = serde_json::to_string_pretty(&entry).unwrap() + "\n";
        assert_eq!(written, text, "{name} written back differently");
        // Compact, as chrome.storage and the server's ledger keep it: the same value.
        let compact: Value = serde_json::from_str(&serde_json::to_string(&entry).unwrap()).unwrap();
        assert_eq!(
            compact,
            serde_json::from_str::<Value>(&text).unwrap(),
            "{name}"
        );
    }
}

/// A single save stored with `chunk: null` (the old struct's `None`, as any writer may spell
/// it) is a single save; a chunk's people are single saves, and a `chunk` inside one of them
/// is not read into it (a chunk never holds a chunk).
#[test]
fn null_chunks_are_single_saves_and_people_hold_no_chunk() {
    let mut single: Value = serde_json::from_str(&stored("single_waiting.json")).unwrap();
    single["chunk"] = Value::Null;
    let entry: OutboxEntry = serde_json::from_value(single).unwrap();
    assert!(matches!(entry, OutboxEntry::Single(_)));
    assert_eq!(
        serde_json::to_string_pretty(&entry).unwrap() + "\n",
        stored("single_waiting.json")
    );

    let mut nested: Value = serde_json::from_str(&stored("chunk_waiting.json")).unwrap();
    let inner = nested["chunk"].clone();
    nested["chunk"]["members"][0]["person"]["chunk"] = inner;
    let entry: OutboxEntry = serde_json::from_value(nested).unwrap();
    let chunk = entry.chunk().expect("a chunk");
    let person = serde_json::to_value(&chunk.members[0].person).unwrap();
    assert_eq!(person.get("chunk"), None, "{person}");
    assert_eq!(
        serde_json::to_string_pretty(&entry).unwrap() + "\n",
        stored("chunk_waiting.json")
    );
}

/// A malformed entry is still refused with serde's message naming the field, as before.
#[test]
fn a_malformed_entry_is_refused() {
    let mut single: Value = serde_json::from_str(&stored("single_waiting.json")).unwrap();
    single["attempts"] = json!("three");
    let err = serde_json::from_value::<OutboxEntry>(single).unwrap_err();
    assert!(
        err.to_string().contains("invalid type: string \"three\""),
        "{err}"
    );
    let mut chunk: Value = serde_json::from_str(&stored("chunk_waiting.json")).unwrap();
    chunk["chunk"]["members"] = json!(7);
    assert!(serde_json::from_value::<OutboxEntry>(chunk).is_err());
}
