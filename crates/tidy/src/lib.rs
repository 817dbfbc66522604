//! Conventions checked by machine, in the style of rust-analyzer's `tidy` tests: a dev-only
//! crate (never shipped, depends on no product crate) whose tests read the workspace and fail
//! when a convention breaks.
//!
//! - [`purity`]: the pure crates (`attribution`, `crm`, `saves`) reach no browser binding,
//!   async runtime or HTTP client through normal dependencies (`cargo metadata`).
//! - [`cycles`]: no import cycle between a crate's modules, nor between sibling modules
//!   counted with everything inside them (a directory of modules is a layer; see its docs).
//! - [`docs`]: every module of the pure crates has a doc comment.
//!
//! The checkers are plain functions over values (metadata JSON, a [`modules::Crate`] read from
//! files or from memory), unit-tested on small synthetic inputs that must fail; the tests in
//! `tests/conventions.rs` apply them to the real workspace.

pub mod cycles;
pub mod docs;
pub mod modules;
pub mod purity;
pub mod tokens;

use std::path::PathBuf;

/// The workspace root (two levels above this crate's manifest).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .and_then(|crates| crates.parent())
        .map_or(manifest.clone(), PathBuf::from)
}
