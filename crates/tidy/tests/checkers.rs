//! The checkers on small synthetic inputs: each must catch what it claims, and must not cry wolf.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tidy::cycles::{cycles, edges, group_cycles};
use tidy::docs::undocumented;
use tidy::modules::{read_crate, Crate};
use tidy::purity::{is_forbidden, violations, FORBIDDEN};

/// A crate from `(path under src/, text)` pairs.
fn krate(files: &[(&str, &str)]) -> Crate {
    let files: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(path, text)| (Path::new("src").join(path), (*text).to_owned()))
        .collect();
    read_crate(Path::new("src/lib.rs"), &|path| files.get(path).cloned()).unwrap()
}

fn cycle_sets(krate: &Crate) -> Vec<Vec<String>> {
    cycles(krate).into_iter().map(|c| c.modules).collect()
}

fn group_sets(krate: &Crate) -> Vec<Vec<String>> {
    group_cycles(krate).into_iter().map(|c| c.modules).collect()
}

#[test]
fn two_siblings_using_each_other_are_a_cycle() {
    let k = krate(&[
        ("lib.rs", "//! r\nmod a;\nmod b;\n"),
        ("a.rs", "//! a\nuse crate::b::B;\npub struct A;\n"),
        (
            "b.rs",
            "//! b\npub struct B;\nfn f() -> super::a::A { super::a::A }\n",
        ),
    ]);
    assert_eq!(cycle_sets(&k), [["crate::a", "crate::b"]]);
    let report = cycles(&k)[0].to_string();
    assert!(
        report.contains("crate::a uses crate::b (src/a.rs:2)"),
        "{report}"
    );
    assert!(
        report.contains("crate::b uses crate::a (src/b.rs:3)"),
        "{report}"
    );
}

#[test]
fn a_cycle_through_a_re_export_of_the_root_is_caught() {
    let k = krate(&[
        ("lib.rs", "//! r\nmod a;\nmod b;\nmod c;\npub use a::A;\n"),
        (
            "a.rs",
            "//! a\nuse crate::b::{self, B as Bee};\npub struct A;\n",
        ),
        (
            "b.rs",
            "//! b\npub struct B;\nfn f() { let _ = crate::A; }\n",
        ),
        ("c.rs", "//! c\nuse crate::A;\n"),
    ]);
    assert_eq!(cycle_sets(&k), [["crate::a", "crate::b"]]);
    // c uses a through the root: an edge to a, not to the root.
    let to_a: Vec<_> = edges(&k).into_iter().filter(|e| e.from == ["c"]).collect();
    assert_eq!(to_a.len(), 1);
    assert_eq!(to_a[0].to, ["a"]);
}

#[test]
fn a_longer_circle_is_one_cycle_and_inline_modules_count() {
    let k = krate(&[
        ("lib.rs", "//! r\nmod a;\nmod b;\nmod c;\nmod x { use super::y::Y; pub struct X; }\nmod y { pub struct Y(super::x::X); }\n"),
        ("a.rs", "//! a\nuse crate::b::*;\n"),
        ("b.rs", "//! b\npub fn g() { crate::c::h() }\n"),
        ("c.rs", "//! c\npub fn h() { super::a::i() }\n"),
    ]);
    assert_eq!(
        cycle_sets(&k),
        [
            vec!["crate::a", "crate::b", "crate::c"],
            vec!["crate::x", "crate::y"]
        ]
    );
}

#[test]
fn parents_and_children_using_each_other_are_not_cycles() {
    let k = krate(&[
        ("lib.rs", "//! r\npub mod d;\npub use d::D;\nmod e;\n"),
        ("d.rs", "//! d\nmod inner;\npub struct D;\npub fn f() { inner::g() }\n#[cfg(test)]\nmod tests { use super::*; }\n"),
        ("d/inner.rs", "//! i\nuse super::D;\nuse crate::d::D as Same;\npub fn g() {}\n"),
        // Paths in comments and strings are not dependencies.
        ("e.rs", "//! e\n// crate::d::f()\nconst S: &str = \"crate::d::D\";\n"),
    ]);
    assert_eq!(cycle_sets(&k), Vec::<Vec<String>>::new());
    assert!(k
        .modules
        .contains_key(&vec!["d".to_owned(), "inner".to_owned()]));
    assert!(edges(&k).iter().all(|e| e.from != ["e"]));
}

#[test]
fn mod_rs_files_and_nested_children_are_found() {
    let k = krate(&[
        ("lib.rs", "//! r\nmod p;\nmod q;\n"),
        ("p/mod.rs", "//! p\nmod deep;\n"),
        ("p/deep.rs", "//! deep\nuse crate::q::Q;\n"),
        (
            "q.rs",
            "//! q\npub struct Q;\nfn f() { crate::p::deep::g() }\n",
        ),
    ]);
    assert_eq!(cycle_sets(&k), [["crate::p::deep", "crate::q"]]);
    let missing: BTreeMap<PathBuf, String> =
        BTreeMap::from([(PathBuf::from("src/lib.rs"), "mod gone;".to_owned())]);
    let error = read_crate(Path::new("src/lib.rs"), &|p| missing.get(p).cloned()).unwrap_err();
    assert!(error.contains("mod gone;"), "{error}");
}

#[test]
fn undocumented_modules_are_listed_and_test_modules_are_exempt() {
    let k = krate(&[
        ("lib.rs", "#![forbid(unsafe_code)]\n//! root\nmod a;\n/// b says what it is for\nmod b;\nmod c;\n/// Inline, documented.\nmod d {}\nmod e { //! inner doc\n}\nmod f {}\n#[cfg(test)]\nmod tests {}\n"),
        ("a.rs", "//! a\n"),
        ("b.rs", "// a plain comment is not a doc\n"),
        ("c.rs", "use std::fmt;\n"),
    ]);
    assert_eq!(
        undocumented(&k),
        ["crate::c (src/c.rs:1)", "crate::f (src/lib.rs:11)"]
    );
}

/// Metadata for: pure → middle → tokio (normal), pure → proptest → tokio (dev only),
/// pure → cc (build only), clean → serde, and a forbidden crate behind a forbidden one.
fn metadata() -> Value {
    let pkg = |name: &str| json!({ "id": format!("{name} 1.0"), "name": name });
    let dep = |name: &str, kinds: Value| json!({ "name": name, "pkg": format!("{name} 1.0"), "dep_kinds": kinds });
    let normal = json!([{ "kind": null, "target": null }]);
    let wasm_only = json!([{ "kind": null, "target": "cfg(target_arch = \"wasm32\")" }]);
    let dev = json!([{ "kind": "dev", "target": null }]);
    let build = json!([{ "kind": "build", "target": null }]);
    let node = |name: &str, deps: Vec<Value>| json!({ "id": format!("{name} 1.0"), "deps": deps });
    let packages = [
        "pure",
        "clean",
        "web",
        "middle",
        "tokio",
        "proptest",
        "cc",
        "serde",
        "wasm-bindgen",
        "js-sys",
    ]
    .map(pkg);
    json!({
        "packages": packages,
        "workspace_members": ["pure 1.0", "clean 1.0", "web 1.0"],
        "resolve": { "nodes": [
            node("pure", vec![dep("middle", normal.clone()), dep("proptest", dev), dep("cc", build)]),
            node("middle", vec![dep("tokio", normal.clone())]),
            node("proptest", vec![dep("tokio", normal.clone())]),
            node("clean", vec![dep("serde", normal.clone())]),
            node("web", vec![dep("wasm-bindgen", wasm_only)]),
            node("wasm-bindgen", vec![dep("js-sys", normal)]),
            node("tokio", vec![]), node("cc", vec![]), node("serde", vec![]), node("js-sys", vec![]),
        ]}
    })
}

#[test]
fn purity_follows_normal_edges_only_and_names_the_chain() {
    let found = violations(&metadata(), &["pure", "clean", "web"], FORBIDDEN).unwrap();
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "pure depends on pure -> middle -> tokio",
            "web depends on web -> wasm-bindgen"
        ]
    );
    assert_eq!(
        violations(&metadata(), &["clean"], FORBIDDEN).unwrap(),
        vec![]
    );
    let error = violations(&metadata(), &["tokio"], FORBIDDEN).unwrap_err();
    assert!(error.contains("not a workspace member"), "{error}");
    let mut no_deps = metadata();
    no_deps["resolve"] = Value::Null;
    assert!(violations(&no_deps, &["pure"], FORBIDDEN).is_err());
}

#[test]
fn forbidden_names_match_exactly_or_by_prefix() {
    for name in [
        "tokio",
        "tokio-util",
        "wasm-bindgen-futures",
        "gloo-net",
        "hyper",
        "reqwest",
        "js-sys",
        "ureq",
    ] {
        assert!(is_forbidden(name, FORBIDDEN), "{name}");
    }
    for name in ["serde", "js-sys-helpers", "thiserror", "sha2", "my-tokio"] {
        assert!(!is_forbidden(name, FORBIDDEN), "{name}");
    }
}

#[test]
fn a_circle_down_a_facade_then_sideways_is_a_cycle() {
    // app uses salesforce (its function calls salesforce::rest), and rest uses app's State.
    let k = krate(&[
        ("lib.rs", "//! r\nmod app;\nmod salesforce;\n"),
        (
            "app.rs",
            "//! a\npub struct State;\nfn f() { crate::salesforce::handle() }\n",
        ),
        (
            "salesforce.rs",
            "//! s\nmod rest;\npub fn handle() { rest::get() }\n",
        ),
        (
            "salesforce/rest.rs",
            "//! r\nuse crate::app::State;\npub fn get() {}\n",
        ),
    ]);
    assert_eq!(
        cycle_sets(&k),
        [["crate::app", "crate::salesforce", "crate::salesforce::rest"]]
    );
}

#[test]
fn a_circle_up_into_a_parent_then_sideways_is_a_cycle() {
    // c uses its parent's helper, the parent's helper uses b (a sibling of the parent), b uses c.
    let k = krate(&[
        ("lib.rs", "//! r\nmod p;\nmod b;\n"),
        ("p.rs", "//! p\nmod c;\npub fn helper() { crate::b::g() }\n"),
        ("p/c.rs", "//! c\nuse super::helper;\npub fn h() {}\n"),
        ("b.rs", "//! b\npub fn g() { crate::p::c::h() }\n"),
    ]);
    assert_eq!(cycle_sets(&k), [["crate::b", "crate::p", "crate::p::c"]]);
}

#[test]
fn a_facade_whose_children_use_it_is_not_a_cycle() {
    // Both children use the parent's shared type and the parent calls both: up and down only.
    let k = krate(&[
        ("lib.rs", "//! r\nmod p;\n"),
        (
            "p.rs",
            "//! p\nmod one;\nmod two;\npub struct Shared;\npub fn run() { one::f(); two::g(); }\n",
        ),
        ("p/one.rs", "//! 1\nuse super::Shared;\npub fn f() {}\n"),
        ("p/two.rs", "//! 2\nuse super::Shared;\npub fn g() {}\n"),
    ]);
    assert_eq!(cycle_sets(&k), Vec::<Vec<String>>::new());
    assert_eq!(edges(&k).len(), 4, "{:?}", edges(&k));
}

#[test]
fn two_groups_using_each_other_through_different_modules_are_a_cycle() {
    // No module circle (plan → bulk, bulk::step → outbox::outcome), but the groups `bulk` and
    // `outbox` each use the other.
    let k = krate(&[
        ("lib.rs", "//! r\nmod bulk;\nmod outbox;\n"),
        ("bulk/mod.rs", "//! b\nmod step;\npub fn chunks() {}\n"),
        (
            "bulk/step.rs",
            "//! s\nuse crate::outbox::outcome::Step;\npub fn run() {}\n",
        ),
        ("outbox/mod.rs", "//! o\nmod outcome;\nmod plan;\n"),
        ("outbox/outcome.rs", "//! oc\npub struct Step;\n"),
        (
            "outbox/plan.rs",
            "//! p\nfn f() { crate::bulk::chunks() }\n",
        ),
    ]);
    assert_eq!(cycle_sets(&k), Vec::<Vec<String>>::new());
    assert_eq!(group_sets(&k), [["crate::bulk", "crate::outbox"]]);
    let report = group_cycles(&k)[0].to_string();
    assert!(
        report.contains("crate::bulk::step uses crate::outbox::outcome (src/bulk/step.rs:2)"),
        "{report}"
    );
    assert!(
        report.contains("crate::outbox::plan uses crate::bulk (src/outbox/plan.rs:2)"),
        "{report}"
    );
}

#[test]
fn groups_inside_a_group_are_checked_and_layers_are_not_cycles() {
    // Inside `p`, `a` and `b` use each other through their children; `q` uses `p` one way.
    let k = krate(&[
        ("lib.rs", "//! r\nmod p;\nmod q;\n"),
        ("p/mod.rs", "//! p\nmod a;\nmod b;\n"),
        ("p/a/mod.rs", "//! a\nmod x;\npub struct A;\n"),
        ("p/a/x.rs", "//! x\nuse crate::p::b::y::Y;\n"),
        ("p/b/mod.rs", "//! b\nmod y;\nmod z;\n"),
        ("p/b/y.rs", "//! y\npub struct Y;\n"),
        ("p/b/z.rs", "//! z\nuse super::super::a::A;\n"),
        ("q.rs", "//! q\nuse crate::p::a::x;\nuse crate::p::b::z;\n"),
    ]);
    assert_eq!(cycle_sets(&k), Vec::<Vec<String>>::new());
    assert_eq!(group_sets(&k), [["crate::p::a", "crate::p::b"]]);
}

#[test]
fn a_facade_and_one_way_layers_are_not_group_cycles() {
    let k = krate(&[
        ("lib.rs", "//! r\nmod p;\nmod top;\npub use p::Shared;\n"),
        (
            "p.rs",
            "//! p\nmod one;\nmod two;\npub struct Shared;\npub fn run() { one::f(); two::g(); }\n",
        ),
        (
            "p/one.rs",
            "//! 1\nuse super::Shared;\nuse super::two::g;\npub fn f() {}\n",
        ),
        ("p/two.rs", "//! 2\nuse crate::Shared;\npub fn g() {}\n"),
        (
            "top.rs",
            "//! t\nuse crate::p::run;\nfn f() { crate::p::one::f() }\n",
        ),
    ]);
    assert_eq!(group_sets(&k), Vec::<Vec<String>>::new());
    // A test module of `hints` may use `body`, which uses `hints`.
    let k = krate(&[
        ("lib.rs", "//! r\nmod body;\nmod hints;\n"),
        (
            "body.rs",
            "//! b\nuse crate::hints::hint;\npub fn body() {}\n",
        ),
        (
            "hints.rs",
            "//! h\npub fn hint() {}\n#[cfg(test)]\nmod tests { use crate::body::body; }\n",
        ),
    ]);
    assert_eq!(group_sets(&k), Vec::<Vec<String>>::new());
    // Siblings in a circle are a group cycle too (the module check reports them as well).
    let k = krate(&[
        ("lib.rs", "//! r\nmod a;\nmod b;\n"),
        ("a.rs", "//! a\nuse crate::b::B;\npub struct A;\n"),
        ("b.rs", "//! b\nuse crate::a::A;\npub struct B;\n"),
    ]);
    assert_eq!(group_sets(&k), [["crate::a", "crate::b"]]);
}
