//! The save pipeline as values, so the service worker stays thin.
//!
//! A message arrives ([`inbound`]), the local team state ([`team`]) says who "me" is and
//! which connections exist, the attribution core decides credential and owner
//! ([`decision`]), and the pipeline turns each prospect into an outbox entry ([`outbox`])
//! whose requests and responses are plain values. Nothing here does I/O, reads a clock or
//! draws random numbers: time and randomness come in as arguments.
//!
//! **More than saves.** The crate is named for its main job, but it is the whole core behind
//! the extension's worker: it also connects CRM accounts (OAuth start, the flow after sign-in,
//! refresh and revoke: [`api`]'s `connect`), keeps the options page's and popup's state,
//! updates a record on a job change, undoes a save, reads a CSV import, looks a list page up
//! in the CRM and speaks the team server's protocol. None of it does I/O either.
//!
//! # Code map
//! Listed from the bottom up: a module or directory uses only those listed above it, and the
//! `tidy` crate's tests fail on a cycle between modules or between directories (each counted
//! with everything inside it). The crate root and [`api`] only re-export and face JSON;
//! nothing below them uses them.
//! - `text` (page text cleaned and capped) and [`job_change`] (a page's title or company
//!   against a CRM record's): leaves.
//! - [`journal`]: what a save leaves behind: `records` ([`SaveResult`], recent saves, the
//!   error log with its [`ErrorInfo`], the whole [`Journal`]), `recent` (what this browser
//!   created in HubSpot minutes ago, against search lag), `csv` (the export, one formula-safe
//!   cell: [`csv_cell`]).
//! - [`team`]: [`LocalTeam`], how this browser's two connections ([`Role`]) map onto the
//!   spec's team; `config` (the options page's [`TeamConfig`] and [`Settings`], the policy
//!   file's shape), `mailbox` (when two addresses are one inbox), `policy` (team settings from
//!   `chrome.storage.managed` merged over a team), `choice` (who may hold which connection,
//!   rules 7 and 9 via the core), `session` (stored [`Tokens`] → CRM sessions).
//! - [`inbound`]: `message` ([`ContentToWorker`] / [`UiToWorker`], each field read with its
//!   serde derive, the `kind` dispatch avoiding serde's buffering of tagged enums;
//!   [`MessageError`]), `prospect` (a page's [`RawProspect`] checked into a
//!   [`Prospect`] or [`Rejected`]), `card` (a list page's card read into its person or why it
//!   is skipped: a private member, no name), `import` (a CSV file a rep imports → the people to save as
//!   `csv_import` and the rows skipped with their reasons).
//! - [`decision`]: asks `attribution::decide` with typed values and keeps its typed
//!   [`attribution::Decision`] (credential kind, needs and warnings as enums).
//! - [`outbox`]: the persisted values, [`OutboxEntry`] (a single save's [`outbox::PersonSave`]
//!   or a bulk chunk's [`outbox::ChunkSave`] with its [`outbox::Chunk`] of people),
//!   and what running any entry shares: `outcome` (what an answer means: [`Step`], results,
//!   retries, refreshes), `owner_fallback` (the next owner when the CRM refuses one),
//!   `backoff` (retry delays with jitter).
//! - `single`: a one-person entry's phases: `wire` (each phase's Salesforce and HubSpot
//!   request and answer) and `job_update` ("Update in CRM" on a job change: the Task or note
//!   with the old values, the Account never guessed, the owner never sent). [`bulk`]: a bulk
//!   save as chunk entries (≤200 people, 2 calls each on Salesforce), one chunk run (`run`,
//!   `crm`'s `BulkSave` or `HsBulkSave` through `crm::BulkRun`) and its stepping (`step`).
//! - [`step`]: [`step::next_request`] / [`step::on_response`] for any entry (single phases
//!   to `single`, chunks to [`bulk`]); [`plan`]: [`plan::plan_save`] → outbox entries
//!   (persisted before any request).
//! - [`undo`]: what a save created and the delete calls that take it back (one per connection
//!   on Salesforce), and the journal's `undone` mark; [`team_server`]: server mode (issue 15):
//!   the server URL check, the team snapshot laid over [`LocalTeam`], which entries the team
//!   server pushes, its request and its answers.
//! - [`api`]: the same pipeline as JSON in / JSON out, exported unchanged by `core-wasm`:
//!   the pipeline, the UI's state, undo, the import, the team server and `connect` (OAuth
//!   start, the flow after sign-in, refresh and revoke); [`bulk_lookup`]: a list page's
//!   "already in CRM" badges in one query.
//!
//! **Architecture invariant:** no token is ever part of a value this crate returns for the
//! UI or a page; tokens only enter as arguments of request builders.

pub mod api;
pub mod bulk;
/// A list page's "already in the CRM" badges in one call (JSON in, JSON out, like [`api`]).
pub mod bulk_lookup {
    pub use crate::api::{lookup_list, with_cards};
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
pub use plan::{
    lookup_key, plan_save, plan_save_as_decided, KnownRecords, OutboxEntry, Phase, SavePlan,
};
pub use step::{current_role, next_request, on_refresh_failed, on_response, Step, Tokens};
pub use team::{Connection, CrmKind, Health, LocalTeam, Role, Settings, TeamConfig, TeamMode};
