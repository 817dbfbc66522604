//! Conventions of the golden files: each names its source and is used by a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn every_golden_file_has_a_source_and_a_test() {
    let root = env!("CARGO_MANIFEST_DIR");
    let tests: String = [
        "salesforce_golden.rs",
        "hubspot_golden.rs",
        "undo_golden.rs",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(format!("{root}/tests/it/{f}")).unwrap())
    .collect();
    let mut count = 0;
    for entry in std::fs::read_dir(format!("{root}/tests/golden")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let source = v["source"].as_str().unwrap_or_default();
        assert!(
            source.contains("http") || source.contains("reference"),
            "{name}: source?"
        );
        assert!(
            tests.contains(&format!("\"{name}\"")),
            "{name} is not used by any test"
        );
        count += 1;
    }
    assert!(count >= 18, "golden files went missing: {count}");
}
