//! The benchmark input is a valid team: the core decides it (so criterion and the Wasm run
//! time real decisions, not early refusals), for every source and size the benches use.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn every_bench_input_is_decided_not_refused() {
    for (users, source) in [
        (2, "linkedin_extension"),
        (2, "gmail_extension"),
        (50, "linkedin_extension"),
    ] {
        let input = bench::team_input(users, source);
        assert_eq!(input["team"]["users"].as_array().unwrap().len(), users);
        let answer = attribution::decide_json(&input);
        assert_eq!(answer["ok"], true, "{source}/{users}: {answer}");
        assert!(answer["credential"].is_object(), "{answer}");
    }
}
