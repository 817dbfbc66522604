//! The team and the save messages of the engine's sandbox tests.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use engine::clock::VirtualClock;
use engine::native::HttpsTransport;
use engine::store::StoreData;
use engine::{Engine, MemoryStore, Outcome, PersonResult};
use saves::{ContentToWorker, KnownRecords, LocalTeam, SavePlan, Tokens};
use serde_json::{json, Value};

use super::{Sandbox, CLIENT_ID};

/// The team sync user (System Administrator).
pub const INTEGRATION: &str = "integration@acme.example";
/// The rep.
pub const REP: &str = "rep@acme.example";

/// The team: integration@ connected as team sync (through the OAuth pages), rep@ the
/// rep, whose records the owner mapping gives to rep@'s CRM user.
pub struct Team {
    /// The team state.
    pub team: LocalTeam,
    /// Team sync's tokens.
    pub tokens: Tokens,
    /// integration@'s CRM user id.
    pub integration_id: String,
    /// rep@'s CRM user id.
    pub rep_id: String,
}

/// Connects team sync through the OAuth pages and builds the team around it.
pub async fn team_sync_team(sb: &Sandbox) -> Team {
    let config = json!({"crm": "salesforce", "client_id": CLIENT_ID, "me_email": REP});
    let bare: LocalTeam = serde_json::from_value(json!({"config": config})).unwrap();
    let (tokens, users) = sb.connect(&bare, INTEGRATION).await;
    let id_of = |email: &str| {
        users
            .iter()
            .find(|u| u["email"] == email)
            .and_then(|u| u["id"].as_str())
            .unwrap()
            .to_owned()
    };
    let (integration_id, rep_id) = (id_of(INTEGRATION), id_of(REP));
    let team = serde_json::from_value(json!({
        "config": config,
        "connections": [{"role": "team_sync", "crm_user_id": integration_id, "name": "Integration",
            "email": INTEGRATION, "permission": "admin", "health": "ok",
            "instance_url": tokens.instance_url}],
        "owner_mapping": rep_id,
        "crm_users": users,
    }))
    .unwrap();
    Team {
        team,
        tokens,
        integration_id,
        rep_id,
    }
}

/// A LinkedIn prospect, unique per `(i, tag)`.
pub fn person(i: usize, tag: &str) -> Value {
    json!({"full_name": format!("Ada {tag}{i} Lovelace"), "email": format!("ada.{tag}{i}@example.com"),
        "linkedin_url": format!("https://www.linkedin.com/in/ada-{tag}{i}"), "company": "Analytical Engines"})
}

/// A LinkedIn save message of `people`, `push` single or bulk.
pub fn linkedin_save(people: Vec<Value>, push: &str) -> saves::SaveRequest {
    let msg = json!({"kind": "save", "source": "linkedin_extension", "push": push,
        "page_url": null, "activity": null, "prospects": people});
    match saves::parse_content_message(&msg).unwrap() {
        ContentToWorker::Save(s) => s,
        other => panic!("{other:?}"),
    }
}

/// Plans a LinkedIn save with the core's own `plan_save`.
pub fn plan(t: &Team, people: Vec<Value>, push: &str, known: &KnownRecords, id: &str) -> SavePlan {
    saves::plan_save(&t.team, &linkedin_save(people, push), id, known)
}

/// A memory store holding team sync's tokens.
pub fn store_with(tokens: &Tokens) -> MemoryStore {
    MemoryStore::new(StoreData {
        team_sync: Some(tokens.clone()),
        ..StoreData::default()
    })
}

/// The results of a settled run (panics on any other outcome).
pub fn settled(outcome: Outcome) -> Vec<PersonResult> {
    match outcome {
        Outcome::Settled(people) => people,
        other => panic!("expected the save to settle, got {other:?}"),
    }
}

/// The sandbox's Contacts with this email.
pub async fn contacts_with(sb: &Sandbox, email: &str) -> Vec<Value> {
    sb.records("Contact")
        .await
        .into_iter()
        .filter(|r| r["Email"] == email)
        .collect()
}

/// Known as "not in the CRM" by a recent page-load lookup: each save goes straight to its
/// one create call.
pub fn known_absent(people: &[Value]) -> KnownRecords {
    people
        .iter()
        .map(|p| (format!("email:{}", p["email"].as_str().unwrap()), None))
        .collect()
}

/// An engine for `t` against the sandbox, its tokens in memory, in virtual time.
pub fn memory_engine(sb: &Sandbox, t: &Team) -> Engine<HttpsTransport, MemoryStore, VirtualClock> {
    Engine::new(
        t.team.clone(),
        sb.transport(),
        store_with(&t.tokens),
        VirtualClock::new(0),
    )
}
