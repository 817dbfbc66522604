//! The `crm` crate's integration tests, one module per subject, in one test binary: each
//! change to the crate links three test executables instead of ten (a warm `cargo test` and
//! every mutant of `./build.sh mutants` build that much less). The property tests stay in
//! their own binaries (`tests/parsers_never_panic.rs`, `tests/soql_escaping.rs`), which
//! cargo runs after this one, only once these passed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod bulk_support;
mod support;

mod bulk_calls;
mod bulk_dedupe;
mod golden_files;
mod hubspot_bulk_owner;
mod hubspot_golden;
mod record_kinds;
mod salesforce_golden;
mod undo_golden;
