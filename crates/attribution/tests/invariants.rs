//! Properties that hold for every team and save, checked on generated inputs (proptest).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use attribution::{
    decide, decide_json, parse_decision_input, AppUser, CredentialKind, Crm, CrmUser,
    DecisionInput, ErrorCode, Held, Need, Permission, PersonalConnection, PushMode, RecordKind,
    Source, TeamState,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const POOL: usize = 6;

fn one_of<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

fn email() -> impl Strategy<Value = String> {
    (0..POOL, any::<bool>()).prop_map(|(i, upper)| {
        let email = format!("rep{i}@acme.example");
        if upper {
            email.to_uppercase()
        } else {
            email
        }
    })
}

fn crm_id() -> impl Strategy<Value = String> {
    (0..POOL).prop_map(|i| format!("c{i}"))
}

fn app_user(index: usize) -> impl Strategy<Value = AppUser> {
    let personal = (
        proptest::bool::weighted(0.9),
        email(),
        one_of(Permission::ALL),
        crm_id(),
        // Rule 11: mostly held by the team, sometimes only in the user's own browser.
        proptest::bool::weighted(0.15),
    );
    (
        proptest::option::of(personal),
        proptest::option::of(crm_id()),
        email(),
    )
        .prop_map(move |(personal, owner_mapping, email)| AppUser {
            id: format!("u{index}"),
            email,
            // Mostly each user's own CRM user; sometimes any (rule 7 collisions).
            personal: personal.map(|(own, email, permission, any_id, in_browser)| {
                PersonalConnection {
                    crm_user_id: if own { format!("c{index}") } else { any_id },
                    email,
                    permission,
                    held: if in_browser {
                        Held::OwnBrowser
                    } else {
                        Held::Team
                    },
                }
            }),
            owner_mapping,
        })
}

fn team() -> impl Strategy<Value = TeamState> {
    let users = (1..=5usize).prop_flat_map(|n| (0..n).map(app_user).collect::<Vec<_>>());
    let directory = proptest::collection::vec(
        proptest::option::of((any::<bool>(), email(), any::<bool>())),
        POOL + 1,
    );
    let users_and_sync = users.prop_flat_map(|users| {
        let n = users.len();
        // Team sync mostly names a listed user; sometimes one who is not on the team.
        (Just(users), proptest::option::of(0..n + 1))
    });
    (users_and_sync, directory).prop_map(|((users, team_sync), directory)| {
        let crm_users = directory
            .into_iter()
            .enumerate()
            .filter_map(|(i, entry)| {
                entry.map(|(active, email, has_email)| CrmUser {
                    id: format!("c{i}"),
                    email: has_email.then_some(email),
                    active: active || i % 3 == 0,
                    name: None,
                })
            })
            .collect();
        TeamState {
            users,
            team_sync: team_sync.map(|i| format!("u{i}")),
            crm_users,
        }
    })
}

fn save() -> impl Strategy<Value = DecisionInput> {
    let team_and_actor = team().prop_flat_map(|team| {
        let n = team.users.len();
        // The actor is mostly on the team; index n is an unknown actor.
        (Just(team), prop_oneof![9 => 0..n, 1 => Just(n)])
    });
    (
        team_and_actor,
        one_of(Crm::ALL),
        one_of(Source::ALL),
        one_of(RecordKind::ALL),
        one_of(PushMode::ALL),
    )
        .prop_map(|((team, actor), crm, source, record, push)| DecisionInput {
            crm,
            source,
            record,
            push,
            actor: format!("u{actor}"),
            team,
        })
}

/// Arbitrary JSON, with keys and strings drawn partly from the contract's own names.
fn any_json() -> impl Strategy<Value = Value> {
    let words = prop_oneof![
        Just("salesforce".to_owned()),
        Just("linkedin_extension".to_owned()),
        Just("read_only".to_owned()),
        Just("u0".to_owned()),
        ".{0,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        words.prop_map(Value::String),
    ];
    let key = prop_oneof![
        proptest::sample::select(vec![
            "crm",
            "source",
            "record",
            "push",
            "actor",
            "team",
            "users",
            "id",
            "email",
            "personal",
            "owner_mapping",
            "team_sync",
            "crm_users",
            "crm_user_id",
            "permission",
            "active",
        ])
        .prop_map(str::to_owned),
        ".{0,6}",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the value found by following `path` (indices taken modulo each level's size).
fn mutate(value: &mut Value, path: &[usize], replacement: Value) {
    let Some((&step, rest)) = path.split_first() else {
        *value = replacement;
        return;
    };
    let child = match value {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(step % map.len()).cloned().unwrap();
            map.get_mut(&key)
        }
        Value::Array(items) if !items.is_empty() => {
            let len = items.len();
            items.get_mut(step % len)
        }
        _ => None,
    };
    match child {
        Some(child) => mutate(child, rest, replacement),
        None => *value = replacement,
    }
}

fn assert_contract_shape(answer: &Value) {
    match answer["ok"] {
        Value::Bool(true) => {
            assert!(answer["credential"]["kind"].is_string());
            assert!(!answer["reasons"].as_array().unwrap().is_empty());
        }
        Value::Bool(false) => {
            let code = answer["error"]["code"].as_str().unwrap();
            assert!(ErrorCode::parse(code).is_some(), "unknown code {code}");
            assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
        }
        _ => panic!("no ok field: {answer}"),
    }
}

proptest! {
    #[test]
    fn decisions_keep_the_rules(input in save()) {
        let Ok(d) = decide(&input) else { return Ok(()) };
        let team = &input.team;
        let pusher = team.user(&d.credential.user).unwrap();
        let connection = pusher.personal.as_ref().unwrap();
        // Rule 3: a read-only connection never pushes.
        prop_assert_ne!(connection.permission, Permission::ReadOnly);
        prop_assert_eq!(&connection.crm_user_id, &d.created_by);
        prop_assert_eq!(&d.credential.crm_user_id, &d.created_by);
        // Rule 1: team-sync sources never use the personal connection (activities excepted).
        let team_source = matches!(
            input.source,
            Source::LinkedinExtension | Source::ProspectingSearch | Source::JobChange
        );
        if team_source && input.record != RecordKind::Activity {
            prop_assert_ne!(d.credential.kind, CredentialKind::Personal);
        }
        // Rule 6: an inactive CRM user never owns the record, nor pushes it.
        prop_assert!(!team.is_inactive(&d.owner), "inactive owner {}", d.owner);
        prop_assert!(!team.is_inactive(&d.created_by));
        // Rule 8: the question is asked exactly when the emails differ and no mapping is set.
        let actor = team.user(&input.actor).unwrap();
        let mismatch = actor.owner_mapping.is_none()
            && actor.personal.as_ref().is_some_and(|p| p.email.to_lowercase() != actor.email.to_lowercase());
        prop_assert_eq!(d.needs.contains(&Need::CrmUserPick), mismatch);
        prop_assert!(!d.reasons.is_empty());
        // Rule 10: reasons name the save's CRM, never the other one.
        let other = match input.crm {
            Crm::Salesforce => "HubSpot",
            Crm::Hubspot => "Salesforce",
        };
        let names_other = d.reasons.iter().any(|r| r.contains(other));
        prop_assert!(!names_other, "reasons name {}: {:?}", other, d.reasons);
        prop_assert_eq!(d.on_behalf_of.is_some(), d.credential.user != input.actor);
        // Rule 11: a connection held only in a browser pushes its own user's saves, nobody else's.
        if connection.held == Held::OwnBrowser {
            prop_assert_eq!(&d.credential.user, &input.actor);
        }
        if d.credential.kind == CredentialKind::TeamSync {
            prop_assert_eq!(connection.held, Held::Team);
        }
    }

    #[test]
    fn a_browser_held_team_sync_is_refused(mut input in save()) {
        // Rule 11: whatever else the save is, naming a browser-held team sync refuses it.
        let Some(index) = input.team.users.iter().position(|u| u.personal.is_some()) else {
            return Ok(());
        };
        input.team.users[index].personal.as_mut().unwrap().held = Held::OwnBrowser;
        input.team.team_sync = Some(input.team.users[index].id.clone());
        let code = decide(&input).unwrap_err().code();
        // Rule 7 (checked first) may refuse the team for a duplicate CRM user.
        prop_assert!(
            matches!(code, ErrorCode::TeamSyncNotConnected | ErrorCode::DuplicateCrmAccount | ErrorCode::InvalidInput),
            "got {:?}", code
        );
    }

    #[test]
    fn decide_is_pure_and_the_json_round_trip_agrees(input in save()) {
        let first = decide(&input);
        prop_assert_eq!(&first, &decide(&input));
        let as_json = serde_json::to_value(&input).unwrap();
        prop_assert_eq!(&parse_decision_input(&as_json).unwrap(), &input);
        let expected = match &first {
            Ok(d) => d.to_json(),
            Err(e) => e.to_json(),
        };
        prop_assert_eq!(decide_json(&as_json), expected);
    }

    #[test]
    fn decide_json_answers_arbitrary_json(value in any_json()) {
        assert_contract_shape(&decide_json(&value));
        assert_contract_shape(&decide_json(&json!({ "crm": "salesforce", "source": "manual",
            "record": "contact", "actor": "u0", "team": value })));
    }

    #[test]
    fn decide_json_answers_mutated_valid_inputs(
        input in save(),
        path in proptest::collection::vec(any::<usize>(), 0..5),
        replacement in any_json(),
    ) {
        let mut value = serde_json::to_value(&input).unwrap();
        mutate(&mut value, &path, replacement);
        assert_contract_shape(&decide_json(&value));
    }
}

/// The properties above say little if most generated saves fail: most must succeed, and every
/// credential kind and several error codes must appear.
#[test]
fn generated_saves_cover_successes_and_failures() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut ok, mut kinds, mut codes) = (0, Vec::new(), Vec::new());
    for _ in 0..600 {
        let input = save().new_tree(&mut runner).unwrap().current();
        match decide(&input) {
            Ok(d) => {
                ok += 1;
                if !kinds.contains(&d.credential.kind) {
                    kinds.push(d.credential.kind);
                }
            }
            Err(e) => {
                if !codes.contains(&e.code()) {
                    codes.push(e.code());
                }
            }
        }
    }
    assert!(ok > 200, "only {ok} of 600 generated saves succeed");
    assert_eq!(
        kinds.len(),
        CredentialKind::ALL.len(),
        "kinds seen: {kinds:?}"
    );
    assert!(codes.len() >= 3, "codes seen: {codes:?}");
}

/// Rule 11's invariant above says little unless generated saves that succeed include
/// browser-held connections both pushing their own user's saves and passed over for others'.
#[test]
fn generated_saves_exercise_browser_held_connections() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut own, mut passed_over) = (0, 0);
    for _ in 0..600 {
        let input = save().new_tree(&mut runner).unwrap().current();
        let Ok(d) = decide(&input) else { continue };
        let in_browser = |u: &AppUser| {
            u.personal
                .as_ref()
                .is_some_and(|p| p.held == Held::OwnBrowser)
        };
        if input.team.user(&d.credential.user).is_some_and(in_browser) {
            own += 1;
        }
        if input
            .team
            .users
            .iter()
            .any(|u| u.id != input.actor && in_browser(u))
        {
            passed_over += 1;
        }
    }
    assert!(
        own >= 8,
        "only {own} saves pushed with a browser-held connection"
    );
    assert!(
        passed_over >= 12,
        "only {passed_over} saves had another's browser-held connection"
    );
}
