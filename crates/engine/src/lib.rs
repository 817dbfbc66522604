//! The one save engine: runs the `saves` core's state machines (a single save, a bulk chunk)
//! to completion over a [`Transport`] and a [`Store`], the same code for the team server
//! (natively) and the extension (wasm32: `crates/core-wasm/src/engine.rs`, a `web-sys` fetch
//! transport and a store over the worker's `chrome.storage.local` layer).
//!
//! The core stays sans-IO: `saves::next_request` builds each request, `saves::on_response`
//! reads each answer and says what to do next (`saves::Step`). This crate only does what the
//! core cannot: send, persist, sleep, and share one token refresh between saves.
//!
//! # Code map
//! - [`driver`]: [`Engine`] — `enqueue` a plan, `run` an entry, `resume` the outbox; the
//!   [`Outcome`] of a run; the one 401 policy and back-off.
//! - [`transport`]: the [`Transport`] trait and [`TransportError`].
//! - [`store`]: the [`Store`] trait, [`MemoryStore`], the stored shape ([`store::StoreData`]).
//! - [`clock`]: the [`Clock`] trait (time, sleep, jitter), [`clock::VirtualClock`] for tests.
//! - `side_calls` (private): [`Engine::lookup`] (a page's badges) and [`Engine::undo`], the
//!   same transport and 401 policy as saves.
//! - `refresh` (private): single-flight token refresh per connection ([`RefreshFlights`]:
//!   the locks, shareable between engines).
//! - `budget` (private): the most requests one attempt can take, derived from the core's
//!   state machines (the core does not expose it yet).
//! - [`native`] and [`file_store`] (feature `native`): the HTTPS client (hyper + rustls/ring,
//!   idle connections kept for reuse by `native_pool`) and the JSON-file store;
//!   [`clock::TokioClock`].
//!
//! **Invariants.** An entry is in the store before its first request and written in flight
//! before every request that may change the CRM (every one but a GET); it leaves the store only in the same write that journals the CRM's
//! answer for it. One refresh per connection however many saves see a 401. Nothing here
//! logs a request, a response body or a token.

pub mod clock;
pub mod driver;
pub mod store;
pub mod transport;

mod budget;
mod refresh;
mod side_calls;

#[cfg(feature = "native")]
pub mod file_store;
#[cfg(feature = "native")]
pub mod native;
#[cfg(feature = "native")]
mod native_pool;

pub use clock::Clock;
pub use driver::{Engine, EngineConfig, EngineError, Outcome, PersonResult};
pub use refresh::{RefreshFailure, RefreshFlights};
pub use store::{JournalLine, MemoryStore, Store, StoreError};
pub use transport::{Transport, TransportError};

// The traits ask no `Send` of their futures: a browser's (`core-wasm`'s fetch and
// `chrome.storage` store) hold JS values and are single-threaded, and one set of traits for
// every target lets that code compile, and be linted, natively too. A native implementation's
// futures are `Send` where its code is (auto traits pass through `impl Future`), which the
// team server needs to spawn runs on tokio's threads: `native::tests` checks it for this
// crate's own transport, store and clock, and the server's spawns for its own.
