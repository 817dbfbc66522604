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
