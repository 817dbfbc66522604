//! The JSON face of the pipeline: every function takes and returns `serde_json::Value`s in
//! the shapes the service worker stores and sends, answers `{ok:true, ...}` or
//! `{ok:false, error:{code, message, hint}}`, and never panics. The Wasm crate exports each
//! one unchanged (JS objects in, plain JS objects out).

mod connect;
mod contract;
mod import;
mod lookup;
mod pipeline;
mod reply;
mod team_server;
mod ui;
mod undo;

pub use connect::flow::{connect_finish, ConnectFlow, ConnectStart, Finished, MAX_PAGES};
pub use connect::hubspot::{
    hubspot_refresh_request, hubspot_refresh_request_via, hubspot_revoke_request,
    hubspot_revoke_request_via, parse_hubspot_refresh, HubspotBroker,
};
pub use connect::{oauth_start, parse_refresh, refresh_request, revoke_request, sign_in_failed};
pub use contract::{contract, queued_result};
pub use import::import_rows;
pub use lookup::{lookup_list, with_cards};
pub use pipeline::{
    lookup_requests, next_request, on_refresh_failed, on_response, parse_lookup, plan_save,
    preview, preview_text,
};
pub use team_server::{server_answer, server_save, team_server_url, SNAPSHOT_FIELD};
pub use ui::{
    apply_policy, error_log_csv, journal_log_error, journal_record, state_view, ui_message,
};
pub use undo::{journal_mark_undone, undo_outcome, undo_plan, undo_record};
