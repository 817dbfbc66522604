//! Inputs shared by the benchmarks behind `BENCHMARKS.md` (run with `./build.sh bench`).
//!
//! - `benches/decide.rs`: decisions per second natively (criterion, `cargo bench -p bench`).
//! - `src/bin/api_calls`: CRM API calls per save against a running sandbox org, the `crm`
//!   crate's protocol beside a naive client (`api-calls --url … --cert …`, JSON on stdout).
//! - `src/bin/team_input.rs`: prints [`team_input`] so the Wasm run in Node decides the same
//!   inputs as criterion.
//!
//! `tests/bench/bench.mjs` drives all of them and the browser figures.

use serde_json::{json, Value};

/// A decision input the size of a real team: `users` app users (every other one with a
/// personal connection), a team sync admin, and the CRM user directory, saving from `source`.
pub fn team_input(users: usize, source: &str) -> Value {
    let app_users: Vec<Value> = (0..users)
        .map(|i| {
            let email = format!("rep{i}@acme.example");
            let personal = (i % 2 == 0).then(|| {
                json!({"crm_user_id": crm_id(i), "email": email, "permission":
                    if i == 0 { "admin" } else { "standard" }})
            });
            json!({"id": format!("u{i}"), "email": email, "personal": personal,
                "owner_mapping": if i % 3 == 1 { Value::String(crm_id(i)) } else { Value::Null }})
        })
        .collect();
    let crm_users: Vec<Value> = (0..users)
        .map(|i| json!({"id": crm_id(i), "email": format!("rep{i}@acme.example"), "active": true}))
        .collect();
    json!({
        "crm": "salesforce", "source": source, "record": "contact", "push": "bulk",
        "actor": format!("u{}", users.saturating_sub(1)),
        "team": {"users": app_users, "team_sync": "u0", "crm_users": crm_users}
    })
}

fn crm_id(i: usize) -> String {
    format!("005{i:012}AAA")
}
