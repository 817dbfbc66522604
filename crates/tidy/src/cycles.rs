//! Import cycles between the modules of one crate.
//!
//! **What counts as an edge.** Module A depends on module B when A refers to an item of B: by a
//! `use`, or by a path in code (`crate::b::f()`, `super::X`). A path to a name that a module
//! re-exports (`pub use b::X` in the crate root) is followed to the module that defines it, so
//! going through the crate root hides no cycle. A glob (`use b::*`) depends on B itself.
//!
//! **What is not a cycle: a parent and its children.** A parent declares, re-exports and
//! drives its children (`lib.rs` re-exporting `decide`, `salesforce.rs` calling
//! `salesforce::save`: a *down* edge), and children use what their ancestors define (`use
//! super::Shared`, a test module's `use super::*`: an *up* edge). A circle that goes both up
//! into a parent and down out of it again is that facade pattern, not a loop between peers, so
//! it is not reported. Every other circle is: one made of *sideways* edges (between siblings or
//! cousins) with up edges only, or with down edges only. So `a ↔ b` between siblings is a
//! cycle, and so is `app → salesforce → salesforce::rest → app` (down, then sideways), and
//! `c → parent → b → c` (up, then sideways); `parent ↔ child` alone is not. Each set of
//! modules in a circle is reported once, with the lines that make its edges.
//!
//! **Groups: siblings with everything inside them.** A directory of modules is a layer only if
//! its siblings use it one way. [`group_cycles`] counts each module together with its
//! descendants, at every level: `bulk::step` using `outbox::outcome` while `outbox::plan` uses
//! `bulk` makes `bulk` and `outbox` a cycle, though no module of one circle names another of
//! the same circle. Test modules do not count here: a test of `a` may use `b` that uses `a`.

use std::collections::{BTreeMap, BTreeSet};

use crate::modules::{Crate, ModPath};

/// Where one dependency between two modules is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The module that uses.
    pub from: ModPath,
    /// The module used.
    pub to: ModPath,
    /// `file:line` of the first place that makes this edge.
    pub at: String,
}

/// A set of modules that depend on each other in a circle, and the edges between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// The modules, as `crate::a::b`, sorted.
    pub modules: Vec<String>,
    /// The edges inside the set.
    pub edges: Vec<Edge>,
}

impl std::fmt::Display for Cycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "cycle between {}:", self.modules.join(", "))?;
        for edge in &self.edges {
            writeln!(
                f,
                "    {} uses {} ({})",
                display(&edge.from),
                display(&edge.to),
                edge.at
            )?;
        }
        Ok(())
    }
}

/// `crate::a::b` for `["a", "b"]`.
pub fn display(path: &ModPath) -> String {
    std::iter::once("crate")
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("::")
}

/// The dependencies between the crate's modules (up, down and sideways), one per ordered pair.
pub fn edges(krate: &Crate) -> Vec<Edge> {
    let mut found: BTreeMap<(ModPath, ModPath), String> = BTreeMap::new();
    for (from, module) in &krate.modules {
        for (path, line) in &module.refs {
            let Some(to) = resolve(krate, from, path, 0) else {
                continue;
            };
            if to == *from {
                continue;
            }
            found
                .entry((from.clone(), to))
                .or_insert_with(|| format!("{}:{line}", module.file.display()));
        }
    }
    found
        .into_iter()
        .map(|((from, to), at)| Edge { from, to, at })
        .collect()
}

/// Every cycle of the crate (see the module docs), each set of modules in a circle once, in a
/// stable order.
pub fn cycles(krate: &Crate) -> Vec<Cycle> {
    let edges = edges(krate);
    let nodes: Vec<&ModPath> = krate.modules.keys().collect();
    let index: BTreeMap<&ModPath, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    // Two views: without down edges, and without up edges. A circle in either is a cycle.
    let mut sets: Vec<BTreeSet<usize>> = Vec::new();
    for keep in [|e: &Edge| !is_down(e), |e: &Edge| !is_up(e)] {
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        for edge in edges.iter().filter(|e| keep(e)) {
            if let (Some(&a), Some(&b)) = (index.get(&edge.from), index.get(&edge.to)) {
                next[a].push(b);
            }
        }
        for component in strongly_connected(&next) {
            if component.len() > 1 {
                merge(&mut sets, component.into_iter().collect());
            }
        }
    }
    let mut cycles = Vec::new();
    for set in sets {
        let members: BTreeSet<&ModPath> = set.iter().map(|&i| nodes[i]).collect();
        cycles.push(Cycle {
            modules: members.iter().map(|m| display(m)).collect(),
            edges: edges
                .iter()
                .filter(|e| members.contains(&e.from) && members.contains(&e.to))
                .cloned()
                .collect(),
        });
    }
    cycles.sort_by(|a, b| a.modules.cmp(&b.modules));
    cycles
}

/// Every circle between sibling modules (children of one parent, at any level), each counted
/// with everything inside it (see the module docs): an edge from `a::x` to `b::y` is an edge
/// from `a` to `b` between the siblings `a` and `b`. Edges between a module and its ancestor
/// are the facade pattern and do not count, nor do edges from `#[cfg(test)]` modules (a
/// test of `a` may build its inputs with `b` that uses `a`; the module check still sees
/// them). Each set of siblings in a circle is reported once,
/// with the module edges that join them, in a stable order.
pub fn group_cycles(krate: &Crate) -> Vec<Cycle> {
    let edges = edges(krate);
    let nodes: Vec<&ModPath> = krate.modules.keys().collect();
    let index: BTreeMap<&ModPath, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    // (sibling used by, sibling used) for each edge that joins two groups.
    let mut joined: Vec<(ModPath, ModPath, &Edge)> = Vec::new();
    let shipped = |e: &&Edge| krate.modules.get(&e.from).is_some_and(|m| !m.test_only);
    for edge in edges
        .iter()
        .filter(|e| !is_down(e) && !is_up(e))
        .filter(shipped)
    {
        let (from, to) = siblings(&edge.from, &edge.to);
        if let (Some(&a), Some(&b)) = (index.get(&from), index.get(&to)) {
            next[a].push(b);
            joined.push((from, to, edge));
        }
    }
    let mut cycles = Vec::new();
    for component in strongly_connected(&next) {
        if component.len() < 2 {
            continue;
        }
        let members: BTreeSet<&ModPath> = component.iter().map(|&i| nodes[i]).collect();
        cycles.push(Cycle {
            modules: members.iter().map(|m| display(m)).collect(),
            edges: joined
                .iter()
                .filter(|(from, to, _)| members.contains(from) && members.contains(to))
                .map(|(_, _, edge)| (*edge).clone())
                .collect(),
        });
    }
    cycles.sort_by(|a, b| a.modules.cmp(&b.modules));
    cycles
}

/// The two siblings that contain `from` and `to` (neither an ancestor of the other): the
/// children of their deepest common ancestor on each side.
fn siblings(from: &ModPath, to: &ModPath) -> (ModPath, ModPath) {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    (from[..=common].to_vec(), to[..=common].to_vec())
}

/// The module a path written in module `at` names (the module that defines the item, following
/// re-exports), or `None` for a path outside the crate.
fn resolve(krate: &Crate, at: &ModPath, path: &[String], hops: usize) -> Option<ModPath> {
    if hops > 8 || path.is_empty() {
        return None;
    }
    let module = krate.modules.get(at)?;
    let first = path[0].as_str();
    let (mut base, rest): (ModPath, &[String]) = match first {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (at.clone(), &path[1..]),
        "super" => {
            let mut base = at.clone();
            let mut rest = path;
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
            (base, rest)
        }
        _ if krate.modules.contains_key(&child(at, first)) => (at.clone(), path),
        _ => {
            // A name this module imports: substitute what it stands for.
            let imported = module.imports.get(first)?;
            if imported.as_slice() == path {
                return None;
            }
            let mut expanded = imported.clone();
            expanded.extend_from_slice(&path[1..]);
            return resolve(krate, at, &expanded, hops + 1);
        }
    };
    let mut rest = rest;
    while let Some(segment) = rest.first() {
        let deeper = child(&base, segment);
        if krate.modules.contains_key(&deeper) {
            base = deeper;
            rest = &rest[1..];
        } else {
            break;
        }
    }
    // `base::name…` where `name` is a re-export of `base`: follow it to where it is defined.
    if let Some(name) = rest.first() {
        if let Some(target) = krate.modules.get(&base).and_then(|m| m.imports.get(name)) {
            let mut expanded = target.clone();
            expanded.extend_from_slice(&rest[1..]);
            if let Some(defined) = resolve(krate, &base, &expanded, hops + 1) {
                return Some(defined);
            }
        }
    }
    Some(base)
}

/// A parent (or further ancestor) using its descendant.
fn is_down(edge: &Edge) -> bool {
    edge.to.starts_with(&edge.from)
}

/// A module using an item of its parent (or further ancestor).
fn is_up(edge: &Edge) -> bool {
    edge.from.starts_with(&edge.to)
}

/// Adds `set` to `sets`, joining it with every set it shares a module with.
fn merge(sets: &mut Vec<BTreeSet<usize>>, mut set: BTreeSet<usize>) {
    sets.retain(|other| {
        if other.is_disjoint(&set) {
            true
        } else {
            set.extend(other);
            false
        }
    });
    sets.push(set);
}

fn child(path: &ModPath, name: &str) -> ModPath {
    let mut child = path.clone();
    child.push(name.to_owned());
    child
}

/// Tarjan's algorithm, iterative: the strongly connected components of a graph given as
/// adjacency lists.
fn strongly_connected(next: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = next.len();
    let (mut index, mut low) = (vec![UNSEEN; n], vec![0; n]);
    let mut on_stack = vec![false; n];
    let (mut stack, mut components, mut counter) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(root, 0)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if let Some(&to) = next[node].get(*edge) {
                *edge += 1;
                if index[to] == UNSEEN {
                    index[to] = counter;
                    low[to] = counter;
                    counter += 1;
                    stack.push(to);
                    on_stack[to] = true;
                    work.push((to, 0));
                } else if on_stack[to] {
                    low[node] = low[node].min(index[to]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}
