//! The storage layer on its own: migrations are idempotent, and the refresh lock (the
//! single-flight token refresh the push engine will use) works across holders and expires.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

use saves::CrmKind;
use server::store::Store;

#[tokio::test]
async fn migrations_run_once_and_a_reopened_store_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    assert!(store
        .create_team("t_1", "Acme", CrmKind::Salesforce, b"wrapped", 1)
        .await
        .unwrap());
    assert!(
        !store
            .create_team("t_2", "Acme", CrmKind::Hubspot, b"wrapped", 1)
            .await
            .unwrap(),
        "team names are unique"
    );
    store.close().await;
    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.team_by_name("Acme").await.unwrap().unwrap().id, "t_1");
}

#[tokio::test]
async fn the_refresh_lock_has_one_holder_until_it_expires_or_is_released() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    assert!(store
        .take_refresh_lock("c_1", "process-a", 100, 30)
        .await
        .unwrap());
    assert!(!store
        .take_refresh_lock("c_1", "process-b", 110, 30)
        .await
        .unwrap());
    assert!(
        store
            .take_refresh_lock("c_2", "process-b", 110, 30)
            .await
            .unwrap(),
        "locks are per connection"
    );
    // Another holder cannot release it; the holder can, and then B gets it.
    store
        .release_refresh_lock("c_1", "process-b")
        .await
        .unwrap();
    assert!(!store
        .take_refresh_lock("c_1", "process-b", 111, 30)
        .await
        .unwrap());
    store
        .release_refresh_lock("c_1", "process-a")
        .await
        .unwrap();
    assert!(store
        .take_refresh_lock("c_1", "process-b", 112, 30)
        .await
        .unwrap());
    // A holder that died leaves a lock that expires.
    assert!(!store
        .take_refresh_lock("c_1", "process-c", 141, 30)
        .await
        .unwrap());
    assert!(store
        .take_refresh_lock("c_1", "process-c", 142, 30)
        .await
        .unwrap());
}

/// `save_snapshot` (one statement) reads what the per-table reads read: the team, its current
/// members in join order, its connections (with their sealed tokens) and the ledger row.
#[tokio::test]
async fn the_save_snapshot_reads_what_the_per_table_reads_read() {
    use server::store::{NewConnection, Role};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    store
        .create_team("t_1", "Acme", CrmKind::Salesforce, &[0, 1, 254, 255], 1)
        .await
        .unwrap();
    store
        .create_team("t_2", "Other", CrmKind::Hubspot, b"other", 1)
        .await
        .unwrap();
    let mut members = Vec::new();
    for (i, (team, email)) in [
        ("t_1", "b@acme.example"),
        ("t_2", "x@other.example"),
        ("t_1", "a@acme.example"),
        ("t_1", "gone@acme.example"),
    ]
    .into_iter()
    .enumerate()
    {
        let code = format!("code-{i}");
        store
            .create_invite(team, &code, Role::Rep, None, 1, 1_000)
            .await
            .unwrap();
        let joined = store
            .redeem_invite(
                &code,
                email,
                &format!("m_{i}"),
                &format!("s_{i}"),
                10 + i as i64,
                1_000,
            )
            .await
            .unwrap()
            .unwrap();
        members.push(joined.member.id);
    }
    store
        .set_member_crm("t_1", &members[2], Some("005A"), Some("005B"))
        .await
        .unwrap();
    store.remove_member("t_1", &members[3], 20).await.unwrap();
    store
        .put_connection(
            "t_1",
            &NewConnection {
                id: "c_1".into(),
                member_id: members[0].clone(),
                crm_user_id: "005I".into(),
                crm_email: "integration@acme.example".into(),
                permission: "admin".into(),
                instance_url: Some("https://acme.my.salesforce.com".into()),
                sealed_refresh_token: vec![9, 0, 7],
                sealed_client_secret: None,
                credential: None,
            },
            30,
        )
        .await
        .unwrap();
    store
        .store_refreshed_tokens("t_1", "c_1", &[1, 2, 3, 4], &[5, 6], None, 40)
        .await
        .unwrap();

    let snapshot = store
        .save_snapshot("t_1", "save-0001")
        .await
        .unwrap()
        .unwrap();
    let (team, members_read, connections, crm_signed_in) =
        store.team_snapshot("t_1").await.unwrap().unwrap();
    assert_eq!(snapshot.team.wrapped_data_key, team.wrapped_data_key);
    assert_eq!(
        (
            snapshot.team.id.as_str(),
            snapshot.team.crm,
            snapshot.team.push_settings.as_str()
        ),
        (team.id.as_str(), team.crm, team.push_settings.as_str())
    );
    assert_eq!(snapshot.members, members_read);
    assert_eq!(
        snapshot
            .members
            .iter()
            .map(|m| m.email.as_str())
            .collect::<Vec<_>>(),
        ["b@acme.example", "a@acme.example"],
        "current members of this team only, in join order"
    );
    assert_eq!(snapshot.connections, connections);
    assert_eq!(snapshot.crm_signed_in, crm_signed_in);
    let sealed = store.push_connection("t_1", "c_1").await.unwrap().unwrap();
    let [read] = snapshot.sealed.as_slice() else {
        panic!("one connection: {:?}", snapshot.sealed)
    };
    assert_eq!(read.sealed_refresh_token, sealed.sealed_refresh_token);
    assert_eq!(read.sealed_access_token, Some(vec![1, 2, 3, 4]));
    assert_eq!(read.instance_url, sealed.instance_url);
    assert!(snapshot.ledger.is_none(), "no save recorded yet");

    let outcome = r#"{"status":"queued"}"#;
    store
        .record_save_with_outbox(
            "t_1",
            "save-0001",
            &members[0],
            "hash",
            "queued",
            outcome,
            "line",
            &[],
            None,
            50,
        )
        .await
        .unwrap();
    let ledger = store
        .save_snapshot("t_1", "save-0001")
        .await
        .unwrap()
        .unwrap()
        .ledger
        .unwrap();
    assert_eq!(
        (
            ledger.actor_id.as_str(),
            ledger.request_hash.as_str(),
            ledger.outcome.as_str()
        ),
        (members[0].as_str(), "hash", outcome)
    );
    assert!(!ledger.recorded);
    assert!(
        store
            .save_snapshot("t_2", "save-0001")
            .await
            .unwrap()
            .unwrap()
            .ledger
            .is_none(),
        "scoped by team"
    );
    assert!(store
        .save_snapshot("t_9", "save-0001")
        .await
        .unwrap()
        .is_none());
}

/// A save id is recorded once with its journal line and all its outbox entries (one statement
/// list); a second offer writes nothing and reads the first; the settle of the last entry
/// makes the row `pushed` with its journal line.
#[tokio::test]
async fn a_save_is_recorded_once_with_its_journal_line_and_entries_and_settles_once() {
    use server::store::{LedgerUpdate, OutboxRow};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    store
        .create_team("t_1", "Acme", CrmKind::Salesforce, b"key", 1)
        .await
        .unwrap();
    let rows: Vec<OutboxRow> = (0..3)
        .map(|i| OutboxRow {
            entry_id: format!("save-0001:{i}"),
            save_id: "save-0001".into(),
            connection_id: "c_1".into(),
            entry: format!("{{\"n\":{i}}}"),
            next_at_ms: 100 + i,
        })
        .collect();
    let first = store
        .record_save_with_outbox(
            "t_1",
            "save-0001",
            "m_1",
            "hash-1",
            "pushing",
            "{}",
            "accepted",
            &rows,
            Some(("p_1", 500)),
            10,
        )
        .await
        .unwrap();
    assert!(first.recorded);
    let again = store
        .record_save_with_outbox(
            "t_1",
            "save-0001",
            "m_2",
            "hash-2",
            "queued",
            "{\"x\":1}",
            "again",
            &rows[..1],
            None,
            11,
        )
        .await
        .unwrap();
    assert!(!again.recorded);
    assert_eq!(
        (
            again.actor_id.as_str(),
            again.request_hash.as_str(),
            again.outcome.as_str()
        ),
        ("m_1", "hash-1", "{}")
    );
    let lines = store.journal("t_1", "save", 10).await.unwrap();
    assert_eq!(
        lines.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(),
        ["accepted"]
    );
    assert_eq!(lines[0].code, "pushing");
    assert_eq!(lines[0].actor_id.as_deref(), Some("m_1"));
    let entries = store.outbox_entries("t_1").await.unwrap();
    assert_eq!(entries, ["{\"n\":0}", "{\"n\":1}", "{\"n\":2}"]);

    let settle = |entry_id: &'static str, at: i64| {
        let store = store.clone();
        async move {
            let mut seen = None;
            store
                .settle_outbox_entry(
                    "t_1",
                    entry_id,
                    Some("c_1"),
                    at,
                    |entry, status, _, left| {
                        seen = Some((entry.to_owned(), status.to_owned(), left));
                        Some(LedgerUpdate {
                            status: if left == 0 { "pushed" } else { "pushing" }.into(),
                            outcome: format!("{{\"left\":{left}}}"),
                            journal: (left == 0)
                                .then(|| ("pushed".to_owned(), "all in".to_owned())),
                        })
                    },
                )
                .await
                .unwrap();
            seen
        }
    };
    assert_eq!(
        settle("save-0001:1", 20).await,
        Some(("{\"n\":1}".into(), "pushing".into(), 2))
    );
    assert_eq!(settle("save-0001:1", 21).await, None, "settled once");
    assert_eq!(settle("save-0001:0", 22).await.map(|s| s.2), Some(1));
    assert_eq!(settle("save-0001:2", 23).await.map(|s| s.2), Some(0));
    assert_eq!(
        store.save_outcome("t_1", "save-0001").await.unwrap(),
        Some(("pushed".to_owned(), "{\"left\":0}".to_owned()))
    );
    let lines = store.journal("t_1", "save", 10).await.unwrap();
    assert_eq!(
        lines.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(),
        ["all in", "accepted"]
    );
    assert!(store.outbox_entries("t_1").await.unwrap().is_empty());
}
