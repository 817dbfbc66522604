//! The conventions, checked on the real workspace (see the crate docs for each).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use tidy::cycles::{cycles, group_cycles};
use tidy::docs::undocumented;
use tidy::modules::read_crate_dir;
use tidy::purity::{violations, FORBIDDEN};
use tidy::workspace_root;

/// The crates that must stay pure: no browser, no async runtime, no HTTP client.
const PURE: &[&str] = &["vocab", "attribution", "crm", "saves"];

/// The crates whose modules must have no import cycle. Add a crate once its cycles are gone.
const CHECKED: &[&str] = &[
    "attribution",
    "crm",
    "vocab",
    "saves",
    "sandbox",
    "core-wasm",
];

/// The crates whose every module must have a doc comment.
const DOCUMENTED: &[&str] = &["attribution", "crm", "saves"];

#[test]
fn pure_crates_reach_no_browser_runtime_or_http_client() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let root = workspace_root();
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let found = violations(&metadata, PURE, FORBIDDEN).unwrap();
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        shown.is_empty(),
        "the pure crates must not depend on these (see ARCHITECTURE.md):\n{}",
        shown.join("\n")
    );
}

#[test]
fn checked_crates_have_no_module_cycles() {
    let mut report = String::new();
    for name in CHECKED {
        let krate = read_crate_dir(&workspace_root().join("crates").join(name).join("src"))
            .unwrap_or_else(|e| panic!("reading {name}: {e}"));
        assert!(krate.modules.len() > 1, "{name} has only its root module?");
        for cycle in cycles(&krate) {
            report.push_str(&format!("{name}: {cycle}"));
        }
        for cycle in group_cycles(&krate) {
            report.push_str(&format!("{name} (groups): {cycle}"));
        }
    }
    assert!(report.is_empty(), "module cycles:\n{report}");
}

#[test]
fn every_module_of_the_pure_crates_has_a_doc_comment() {
    let mut missing = Vec::new();
    for name in DOCUMENTED {
        let krate = read_crate_dir(&workspace_root().join("crates").join(name).join("src"))
            .unwrap_or_else(|e| panic!("reading {name}: {e}"));
        missing.extend(undocumented(&krate));
    }
    assert!(
        missing.is_empty(),
        "modules without a `//!` doc comment:\n{}",
        missing.join("\n")
    );
}
