//! How many requests one attempt of an outbox entry can take, worked out from the core's state
//! machines. `saves` does not expose its worst case yet (it should: see the crate docs), so it
//! is derived here, once, with the reasoning beside each term; the driver stops an entry that
//! goes past it (a core bug, never a CRM answer) instead of looping.
//!
//! An *attempt* is what lies between two `Step::Retry`s. Retries themselves are bounded by the
//! core: each one uses up an attempt (`saves`' `MAX_ATTEMPTS`, after which the entry fails) or
//! the one HubSpot re-check; the driver checks that every `Retry` does one or the other.

use saves::{OutboxEntry, Phase};

/// Every phase of a single entry, each asked at most once per attempt in this order.
const PHASES: [Phase; 4] = [Phase::Lookup, Phase::Account, Phase::Save, Phase::Activity];

/// Fails to compile when the core gains a phase, so [`PHASES`] is looked at again.
#[allow(dead_code)]
const fn every_phase_listed(p: Phase) -> usize {
    match p {
        Phase::Lookup | Phase::Account | Phase::Save | Phase::Activity => PHASES.len(),
    }
}

/// Owner fallbacks in an entry's life (spec rules 4 and 6, `saves`' owner fallback): the next
/// owner by the rules, then the pushing user, after which the owner is the pushing user and
/// is never refused over again. Each repeats the refused request.
const OWNER_FALLBACKS: usize = 2;

/// One refresh per attempt (the entry's `refreshed` flag), then the refused request again.
const REFRESH_REPEATS: usize = 1;

/// A single save: its Account turned out to exist already (another save created it), so the
/// create is sent once more, linked to it.
const ACCOUNT_DUPLICATE_REPEATS: usize = 1;

/// Calls of one bulk chunk run (`crm`'s `BulkSave`): the dedupe query, the Accounts create,
/// the people create, the Tasks create (HubSpot's batch run makes two or three).
const CHUNK_CALLS_PER_RUN: usize = 4;

/// The most requests (answers read) one attempt of `entry` can take.
pub(crate) fn requests_per_attempt(entry: &OutboxEntry) -> usize {
    if entry.chunk().is_some() {
        // The first run, one new run per owner fallback round (it restarts at the dedupe),
        // and a whole-call 401 mid-run: its repeat restarts the run at the dedupe too.
        (1 + OWNER_FALLBACKS + REFRESH_REPEATS) * CHUNK_CALLS_PER_RUN
    } else {
        PHASES.len() + ACCOUNT_DUPLICATE_REPEATS + OWNER_FALLBACKS + REFRESH_REPEATS
    }
}

/// True when a `Retry` step used up something the core counts: an attempt, or the re-check.
pub(crate) fn retry_used_something(before: &OutboxEntry, after: &OutboxEntry) -> bool {
    after.attempts > before.attempts || (before.recheck && !after.recheck)
}
