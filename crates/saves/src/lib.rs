//! The save pipeline as values, so the service worker stays thin.
//!
//! A message arrives ([`message`]), the local team state ([`team`]) says who "me" is and which
//! connections exist, the attribution core decides credential and owner, and the pipeline
//! turns each prospect into an outbox entry whose requests and responses are plain values.
//! Nothing here does I/O, reads a clock or draws random numbers: time and randomness come in
//! as arguments.
//!
//! # Code map
//! - [`message`]: [`ContentToWorker`] / [`UiToWorker`] parsed with serde; [`MessageError`].
//! - [`prospect`]: a page's [`RawProspect`] checked into a [`Prospect`] or [`Rejected`].
//! - [`team`]: [`LocalTeam`], how this browser maps onto the spec's team; [`config`]: the
//!   options page's [`TeamConfig`] and [`Settings`].
//! - [`choice`]: who may hold which connection (rules 7 and 9 via the core); [`policy`]:
//!   team settings from `chrome.storage.managed` and the settings file (same shape).
//! - [`api`]: the same pipeline as JSON in / JSON out, exported unchanged by `core-wasm`.
//! - [`decision`]: asks `attribution::decide` with typed values; keeps its typed
//!   [`attribution::Decision`] (credential kind, needs and warnings as enums).
//! - [`plan`]: [`plan::plan_save`] → [`plan::OutboxEntry`]s (persisted before any request).
//! - [`step`]: [`step::next_request`] / [`step::on_response`] → [`step::Step`]; the
//!   CRM-specific requests and answers of each phase live in the private `wire` module
//!   (Salesforce and HubSpot).
//! - [`bulk`]: a bulk save as chunk entries (≤200 people, 2 calls each on Salesforce);
//!   [`bulk_lookup`]: a list page's "already in CRM" badges in one query.
//! - [`backoff`]: capped exponential back-off with jitter.
//! - [`records`]: [`SaveResult`], recent saves and the error log ([`Journal`]), CSV export.
//! - [`undo`]: the undo window: what a save created, the delete calls that take it back
//!   (one per connection on Salesforce), and the journal's `undone` mark.
//!
//! **Architecture invariant:** no token is ever part of a value this crate returns for the
//! UI or a page; tokens only enter as arguments of request builders.

pub mod api;
pub mod backoff;
pub mod bulk;
mod bulk_hs;
pub mod bulk_lookup;
mod bulk_run;
mod bulk_step;
pub mod choice;
pub mod config;
mod csv;
pub mod decision;
pub mod message;
mod owner_fallback;
pub mod plan;
pub mod policy;
pub mod prospect;
pub mod records;
pub mod step;
pub mod team;
mod text;
pub mod undo;
mod wire;

pub use message::{
    parse_content_message, parse_ui_message, ContentToWorker, MessageError, PageSource, Push, Role,
    SaveRequest, UiToWorker,
};
pub use plan::{lookup_key, plan_save, KnownRecords, OutboxEntry, Phase, SavePlan};
pub use prospect::{Prospect, RawProspect, Rejected};
pub use records::{ErrorInfo, Journal, Party, RecentSave, SaveResult, SaveStatus};
pub use step::{current_role, next_request, on_refresh_failed, on_response, Step, Tokens};
pub use team::{Connection, CrmKind, Health, LocalTeam, Settings, TeamConfig};
