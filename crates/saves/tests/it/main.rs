//! The `saves` crate's integration tests, one module per subject, in one test binary: each
//! change to the crate links one test executable instead of twelve (a warm `cargo test`
//! and every mutant of `./build.sh mutants` build that much less).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod support;

mod api;
mod bulk;
mod connect_flow;
mod connect_hubspot;
mod job_update;
mod missing;
mod outbox_shapes;
mod pipeline;
mod search_lag;
mod unchecked_permission;
mod undo;
