//! The save pipeline as values, so the service worker stays thin.
//!
//! A message arrives ([`message`]), the local team state ([`team`]) says who "me" is and which
//! connections exist, the attribution core decides credential and owner, and the pipeline
//! turns each prospect into an outbox entry whose requests and responses are plain values.
//! Nothing here does I/O, reads a clock or draws random numbers: time and randomness come in
//! as arguments.
//!
//! # Code map
//! Listed from the bottom up: a module imports only modules listed above it (no import
//! cycles; the crate root and [`api`] only re-export and face JSON, and nothing below them
//! imports them).
//! - `text`, `csv`, [`backoff`], [`mailbox`]: cleaning page text, CSV rows (one formula-safe
//!   cell: [`csv_cell`]), back-off with jitter, when two addresses are one inbox.
//! - [`config`]: the options page's [`TeamConfig`] and [`Settings`], and the policy / settings
//!   file shape ([`policy::ManagedSettings`]).
//! - [`prospect`]: a page's [`RawProspect`] checked into a [`Prospect`] or [`Rejected`];
//!   [`job_change`]: a page's title or company against a CRM record's (a job change);
//!   [`recent`]: what this browser created in HubSpot minutes ago (against search lag);
//!   [`records`]: [`SaveResult`], recent saves, the error log and the recent creates
//!   ([`Journal`]), CSV export.
//! - [`message`]: [`ContentToWorker`] / [`UiToWorker`], each field read with its serde derive
//!   (the `kind` dispatch avoids serde's buffering of tagged enums); [`MessageError`].
//! - [`team`]: [`LocalTeam`], how this browser maps onto the spec's team; [`outbox`]: the
//!   persisted values, [`OutboxEntry`] and a bulk entry's [`outbox::Chunk`].
//! - [`policy`]: team settings from `chrome.storage.managed` merged over a team; [`choice`]:
//!   who may hold which connection (rules 7 and 9 via the core); [`decision`]: asks
//!   `attribution::decide` with typed values and keeps its typed [`attribution::Decision`]
//!   (credential kind, needs and warnings as enums); `session`: stored [`Tokens`] → CRM
//!   sessions.
//! - `wire` (Salesforce and HubSpot requests and answers of each single-entry phase) and
//!   `bulk_run` (one chunk run, `crm`'s `BulkSave` or `HsBulkSave` through `crm::BulkRun`); `owner_fallback`: the next owner when the CRM refuses one.
//! - `outcome`: what an answer means for an entry ([`Step`], results, retries, refreshes);
//!   `bulk_step`: a chunk's `next_request` / `on_response`; [`bulk`]: a bulk save as chunk
//!   entries (≤200 people, 2 calls each on Salesforce).
//! - `job_update`: "Update in CRM" on a job change, run phase by phase (the Task or note
//!   with the old values, the Account never guessed, the owner never sent).
//! - [`step`]: [`step::next_request`] / [`step::on_response`] for any entry (single phases
//!   here, chunks to `bulk_step`); [`plan`]: [`plan::plan_save`] → outbox entries (persisted
//!   before any request); [`undo`]: what a save created and the delete calls that take it
//!   back (one per connection on Salesforce), and the journal's `undone` mark.
//! - [`team_server`]: server mode (issue 15): the server URL check, the team snapshot laid
//!   over [`LocalTeam`], which entries the team server pushes, its request and its answers.
//! - [`import`]: a CSV file a rep imports → the people to save as `csv_import` and the rows
//!   skipped with their reasons (pure; `import_rows` in [`api`] is its JSON face).
//! - [`api`]: the same pipeline as JSON in / JSON out, exported unchanged by `core-wasm`,
//!   including [`bulk_lookup`]: a list page's "already in CRM" badges in one query.
//!
//! **Architecture invariant:** no token is ever part of a value this crate returns for the
//! UI or a page; tokens only enter as arguments of request builders.

pub mod api;
pub mod bulk;
/// A list page's "already in the CRM" badges in one call (JSON in, JSON out, like [`api`]).
pub mod bulk_lookup {
    pub use crate::api::lookup_list;
}
pub mod decision;
pub mod inbound;
pub mod job_change;
pub mod journal;
pub mod outbox;
pub mod plan;
mod single;
pub mod step;
pub mod team;
pub mod team_server;
mod text;
pub mod undo;

pub use inbound::message::{
    parse_content_message, parse_rep_message, parse_save_message, parse_ui_message,
    ContentToWorker, MessageError, PageSource, Push, SaveRequest, UiToWorker,
};
pub use inbound::prospect::{Prospect, RawProspect, Rejected};
pub use journal::csv::csv_cell;
pub use journal::records::{ErrorInfo, Journal, Party, RecentSave, SaveResult, SaveStatus};
pub use plan::{lookup_key, plan_save, KnownRecords, OutboxEntry, Phase, SavePlan};
pub use step::{current_role, next_request, on_refresh_failed, on_response, Step, Tokens};
pub use team::{Connection, CrmKind, Health, LocalTeam, Role, Settings, TeamConfig};
