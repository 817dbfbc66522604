//! The Leadline team server (`leadline-server`): the team's members, team-held connections,
//! settings, save ledger and journal in one place, so no rep's browser holds the team's token.
//!
//! It runs the same `attribution` and `saves` crates as the extension, natively: a save that
//! reaches the server is parsed by `saves` and decided by `attribution::decide` from the
//! server's own copy of the team. Nothing is decided twice in two languages.
//!
//! # Code map
//! - [`config`]: flags and environment → [`config::Config`] / [`config::Command`].
//! - [`crypto`]: the master key (file or environment), per-team data keys, AES-256-GCM
//!   sealing with associated data, random tokens and their hashes.
//! - [`store`]: every SQL statement (SQLite via sqlx, migrations in `store/schema.rs`), scoped
//!   by team. sqlx runs each SQLite connection on a thread of its own and every statement is a
//!   round trip to it, so a save's hot path is few statements: one read before it decides
//!   (`store/snapshot.rs`), one statement list to record it, one to settle it.
//! - [`app`]: shared state, start-up checks, the router's layers, serving.
//! - [`api`]: the JSON routes (a table in its docs); `api::session` is who is calling.
//! - [`push`]: accepted saves pushed to the CRM by the `engine` crate with the team-held
//!   connection; the ledger as the outbox, leases, the sweep and the token keep-alive.
//! - [`error`]: the one error shape, `{"error": {"code", "message"}}`.
//! - [`cli`]: `leadline-server admin-invite --team NAME`, the first admin's way in.
//! - [`pages`]: the admin's HTML pages under `/admin` (cookie session, CSRF-checked forms),
//!   running the same functions as the admin API.
//! - [`oauth`]: the server as an OAuth client (its own Salesforce and HubSpot apps): admin
//!   connect, reps' OpenID Connect sign-in, HubSpot's code exchange.
//!
//! **Architecture invariant:** no process-local state a second server process would need:
//! sessions, invites, the save ledger (which is also the push outbox), the refresh lock, the
//! team tokens and the push leases are rows in the database.
//!
//! **Architecture invariant:** no answer and no log line carries a token, a refresh token or a
//! client secret. Secrets are sealed before they reach [`store`] and opened only in memory.
//!
//! See the README's team server section for what is not done yet.

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod error;
pub mod oauth;
pub mod pages;
pub mod push;
pub mod store;
