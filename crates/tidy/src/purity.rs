//! Purity of the core crates: no dependency, direct or transitive, on a browser binding, an
//! async runtime or an HTTP client, read from `cargo metadata --format-version 1`.
//!
//! Only normal dependency edges count (a dev-dependency such as `proptest` never ships, and a
//! build-dependency runs at build time only); an edge that is normal on any target counts, so
//! a `[target.'cfg(target_arch = "wasm32")'.dependencies]` entry is caught too. The resolve
//! graph unifies features across the workspace, so it may show a dependency that only another
//! workspace member enables: that is still reported (a feature turned on for one is on for all
//! in one build).

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;

/// Names of packages a pure crate must never depend on: browser bindings, async runtimes and
/// HTTP clients. A name ending in `*` matches every package starting with the rest.
pub const FORBIDDEN: &[&str] = &[
    "wasm-bindgen*",
    "js-sys",
    "web-sys",
    "gloo*",
    "tokio*",
    "async-std",
    "async-io",
    "async-executor",
    "async-global-executor",
    "smol",
    "actix-rt",
    "glommio",
    "reqwest",
    "hyper*",
    "ureq",
    "isahc",
    "surf",
    "curl",
    "attohttpc",
    "minreq",
];

/// Whether `package` is in `forbidden` (see [`FORBIDDEN`] for the pattern syntax).
pub fn is_forbidden(package: &str, forbidden: &[&str]) -> bool {
    forbidden
        .iter()
        .any(|pattern| match pattern.strip_suffix('*') {
            Some(prefix) => package.starts_with(prefix),
            None => package == *pattern,
        })
}

/// A forbidden package a pure crate reaches, with one chain of normal dependencies to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The pure crate.
    pub krate: String,
    /// Package names from the pure crate to the forbidden one, both included.
    pub chain: Vec<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} depends on {}", self.krate, self.chain.join(" -> "))
    }
}

/// For each crate of `pure`, every forbidden package it reaches through normal edges of the
/// metadata's resolve graph (one shortest chain each). Errors when the metadata lacks its
/// resolve graph or a pure crate is not a workspace member.
pub fn violations(
    metadata: &Value,
    pure: &[&str],
    forbidden: &[&str],
) -> Result<Vec<Violation>, String> {
    let names: BTreeMap<&str, &str> = metadata["packages"]
        .as_array()
        .ok_or("metadata has no `packages`")?
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p["name"].as_str()?)))
        .collect();
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or("metadata has no `resolve.nodes` (was it run with --no-deps?)")?;
    let mut normal: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in nodes {
        let Some(id) = node["id"].as_str() else {
            continue;
        };
        let deps = node["deps"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        let targets = deps
            .iter()
            .filter(|dep| is_normal(dep))
            .filter_map(|dep| dep["pkg"].as_str());
        normal.entry(id).or_default().extend(targets);
    }
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .ok_or("metadata has no `workspace_members`")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut found = Vec::new();
    for krate in pure {
        let root = members
            .iter()
            .find(|id| names.get(*id) == Some(krate))
            .ok_or_else(|| format!("`{krate}` is not a workspace member"))?;
        for chain in forbidden_chains(root, &normal, &names, forbidden) {
            found.push(Violation {
                krate: (*krate).to_owned(),
                chain,
            });
        }
    }
    Ok(found)
}

/// Whether a resolve dependency entry has a normal (not dev, not build) kind on some target.
fn is_normal(dep: &Value) -> bool {
    dep["dep_kinds"]
        .as_array()
        .is_some_and(|kinds| kinds.iter().any(|k| k["kind"].is_null()))
}

/// Breadth-first from `root`: a shortest chain to each forbidden package reached (not walking
/// past a forbidden package: its own dependencies add nothing).
fn forbidden_chains(
    root: &str,
    normal: &BTreeMap<&str, Vec<&str>>,
    names: &BTreeMap<&str, &str>,
    forbidden: &[&str],
) -> Vec<Vec<String>> {
    let name = |id: &str| names.get(id).copied().unwrap_or(id).to_owned();
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([root]);
    let mut chains = Vec::new();
    while let Some(id) = queue.pop_front() {
        for &dep in normal.get(id).map(Vec::as_slice).unwrap_or(&[]) {
            if dep == root || came_from.contains_key(dep) {
                continue;
            }
            came_from.insert(dep, id);
            if is_forbidden(&name(dep), forbidden) {
                let mut chain = vec![name(dep)];
                let mut at = dep;
                while let Some(&previous) = came_from.get(at) {
                    chain.push(name(previous));
                    at = previous;
                }
                chain.reverse();
                chains.push(chain);
            } else {
                queue.push_back(dep);
            }
        }
    }
    chains
}
