//! The saves counted: the product's way (the `crm` crate's one-round-trip protocol) beside a
//! naive client (look up, then create, then log: one request each), against the same org.

use crm::salesforce::{self, lookup, save, BulkSave, SfSession};
use crm::{ActivityKind, ActivityLog, Prospect, RecordKind, SaveSpec};
use serde_json::{json, Value};

use crate::client::{BenchError, SandboxClient};

/// A person with a unique e-mail and LinkedIn URL (`tag` keeps runs apart).
pub fn person(tag: &str, i: usize) -> Prospect {
    Prospect {
        first_name: Some("Bench".into()),
        last_name: format!("Person{i}"),
        email: Some(format!("{tag}.{i}@bench.example")),
        title: Some("Engineer".into()),
        company: Some("Bench Works".into()),
        linkedin_url: Some(format!("https://www.linkedin.com/in/{tag}-{i}/")),
        ..Prospect::default()
    }
}

/// The e-mail a Gmail save logs as an activity.
pub fn email_activity() -> ActivityLog {
    ActivityLog {
        kind: ActivityKind::Email,
        subject: "Re: pilot".into(),
        body: "Thanks, let's talk next week.".into(),
        date: "2026-11-20".into(),
    }
}

/// A Contact save spec for `prospect`.
pub fn spec(prospect: Prospect, activity: Option<ActivityLog>) -> SaveSpec {
    SaveSpec {
        record: RecordKind::Contact,
        prospect,
        owner_id: None,
        existing_id: None,
        activity,
        description: None,
        account_id: None,
        new_account: None,
    }
}

/// API calls one closure made, as the sandbox counted them, and how long it took (seconds,
/// wall clock: mostly the sandbox's time, the client being on the same loopback).
pub fn counted(
    client: &SandboxClient,
    run: impl FnOnce() -> Result<(), BenchError>,
) -> Result<Value, BenchError> {
    client.reset_counts()?;
    let started = std::time::Instant::now();
    run()?;
    let seconds = started.elapsed().as_secs_f64();
    let counts = client.counts()?;
    let total = counts["total"].as_u64().unwrap_or(0);
    Ok(json!({ "calls": total, "by_endpoint": counts, "seconds": seconds }))
}

/// The "already in CRM" badge's lookup (what the product runs once per profile view, cached).
pub fn product_lookup(
    client: &SandboxClient,
    session: &SfSession,
    spec: &SaveSpec,
) -> Result<Option<String>, BenchError> {
    let p = &spec.prospect;
    let Some(request) = lookup::lookup_request(
        session,
        spec.record,
        p.email.as_deref(),
        p.linkedin_url.as_deref(),
    )?
    else {
        return Ok(None);
    };
    let found = lookup::parse_lookup(spec.record, &client.execute(&request)?)?;
    Ok(found.map(|f| f.id))
}

/// The product's single save: one Composite call (record + Task), none when the person is
/// already known and there is nothing to log.
pub fn product_save(
    client: &SandboxClient,
    session: &SfSession,
    spec: &SaveSpec,
) -> Result<(), BenchError> {
    if let Some(request) = save::save_request(session, spec)? {
        save::parse_save_response(spec, &client.execute(&request)?)?;
    }
    Ok(())
}

/// The naive single save: look up, create if missing, then log the activity — one request
/// each.
pub fn naive_save(
    client: &SandboxClient,
    session: &SfSession,
    spec: &SaveSpec,
) -> Result<(), BenchError> {
    let existing = product_lookup(client, session, spec)?;
    let id = match existing {
        Some(id) => id,
        None => {
            let request = save::create_request(session, spec)?;
            save::parse_create_response(&client.execute(&request)?)?
        }
    };
    if let Some(activity) = &spec.activity {
        let request = save::create_task_request(session, &id, activity, None)?;
        save::parse_create_response(&client.execute(&request)?)?;
    }
    Ok(())
}

/// The product's bulk save: the `BulkSave` state machine over sObject Collections.
pub fn product_bulk(
    client: &SandboxClient,
    session: &SfSession,
    specs: Vec<SaveSpec>,
) -> Result<(), BenchError> {
    let n = specs.len();
    let mut bulk = BulkSave::new(session.clone(), specs);
    let mut guard = 0;
    while let Some(request) = bulk.next_request() {
        guard += 1;
        if guard > 10 * n + 10 {
            return Err(BenchError::Sandbox("runaway bulk save".into()));
        }
        bulk.on_response(client.execute(&request)?)?;
    }
    let failed = bulk.results().iter().filter(|r| r.outcome.is_err()).count();
    if failed > 0 {
        return Err(BenchError::Sandbox(format!(
            "{failed} of {n} bulk items failed"
        )));
    }
    Ok(())
}

/// A session for a seeded user.
pub fn session(client: &SandboxClient, username: &str) -> Result<SfSession, BenchError> {
    Ok(SfSession::new(client.base(), client.sf_login(username)?))
}

/// Re-exported so `main` names the protocol module it drives.
pub use salesforce::bulk::CHUNK;
