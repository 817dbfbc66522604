//! A store in one JSON file ([`StoreData`]), replaced atomically at every write (write a
//! temporary file beside it, sync it, rename it over): a process killed at any moment leaves
//! either the old document or the new one. Simple on purpose (the tests, a small team
//! server): every write rewrites the whole file, and the write blocks briefly.

use std::future::{ready, Future};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use saves::{OutboxEntry, Role, Tokens};

use crate::store::{JournalLine, Store, StoreData, StoreError};

/// A [`Store`] kept in one JSON file.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    data: Mutex<StoreData>,
}

impl FileStore {
    /// Opens the store at `path` (an absent file is an empty store; it is written on the first
    /// change).
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let path = path.into();
        let data = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                StoreError::new(format!("{} is not a save store: {e}", path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => StoreData::default(),
            Err(e) => return Err(StoreError::new(format!("reading {}: {e}", path.display()))),
        };
        Ok(Self {
            path,
            data: Mutex::new(data),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A copy of everything held.
    pub fn snapshot(&self) -> Result<StoreData, StoreError> {
        self.read(|d| d.clone())
    }

    fn read<R>(&self, f: impl FnOnce(&StoreData) -> R) -> Result<R, StoreError> {
        let guard = self
            .data
            .lock()
            .map_err(|_| StoreError::new("the file store's lock was poisoned"))?;
        Ok(f(&guard))
    }

    /// Applies `f` to a copy, writes the copy, and only then keeps it in memory.
    fn write(&self, f: impl FnOnce(&mut StoreData)) -> Result<(), StoreError> {
        let mut guard = self
            .data
            .lock()
            .map_err(|_| StoreError::new("the file store's lock was poisoned"))?;
        let mut next = guard.clone();
        f(&mut next);
        write_atomically(&self.path, &next)?;
        *guard = next;
        Ok(())
    }
}

fn write_atomically(path: &Path, data: &StoreData) -> Result<(), StoreError> {
    let fail =
        |what: &str, e: std::io::Error| StoreError::new(format!("{what} {}: {e}", path.display()));
    let bytes = serde_json::to_vec(data)
        .map_err(|e| StoreError::new(format!("serialising the store: {e}")))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut file =
        std::fs::File::create(&tmp).map_err(|e| fail("creating a temporary file for", e))?;
    file.write_all(&bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| fail("writing", e))?;
    std::fs::rename(&tmp, path).map_err(|e| fail("replacing", e))
}

impl Store for FileStore {
    fn entries(&self) -> impl Future<Output = Result<Vec<OutboxEntry>, StoreError>> {
        ready(self.read(|d| d.outbox.clone()))
    }

    fn entry(&self, id: &str) -> impl Future<Output = Result<Option<OutboxEntry>, StoreError>> {
        ready(self.read(|d| d.outbox.iter().find(|e| e.id == id).cloned()))
    }

    fn put_entries(&self, entries: &[OutboxEntry]) -> impl Future<Output = Result<(), StoreError>> {
        ready(self.write(|d| d.put(entries)))
    }

    fn settle(&self, line: JournalLine) -> impl Future<Output = Result<(), StoreError>> {
        ready(self.write(|d| d.settle(line)))
    }

    fn tokens(&self, role: Role) -> impl Future<Output = Result<Option<Tokens>, StoreError>> {
        ready(self.read(|d| d.tokens(role).cloned()))
    }

    fn set_tokens(
        &self,
        role: Role,
        tokens: &Tokens,
    ) -> impl Future<Output = Result<(), StoreError>> {
        ready(self.write(|d| *d.tokens_mut(role) = Some(tokens.clone())))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use saves::{ContentToWorker, KnownRecords, LocalTeam};
    use serde_json::json;

    /// Two planned entries of a LinkedIn save by team sync.
    fn two_entries() -> Vec<OutboxEntry> {
        let team: LocalTeam = serde_json::from_value(json!({
            "config": {"me_email": "rep@acme.example"},
            "connections": [{"role": "team_sync", "crm_user_id": "005000000000001AAA",
                "name": "Integration", "email": "integration@acme.example",
                "permission": "admin", "instance_url": "https://acme.my.salesforce.com"}],
            "owner_mapping": "005000000000002AAA",
        }))
        .unwrap();
        let msg = json!({"kind": "save", "source": "linkedin_extension", "push": "single",
            "page_url": null, "activity": null, "prospects": [
                {"full_name": "Ada Lovelace", "email": "ada@example.com"},
                {"full_name": "Grace Hopper", "email": "grace@example.com"}]});
        let ContentToWorker::Save(save) = saves::parse_content_message(&msg).unwrap() else {
            panic!("a save");
        };
        saves::plan_save(&team, &save, "s1", &KnownRecords::new()).entries
    }

    fn temp_path(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("engine-store-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("store.json")
    }

    #[tokio::test]
    async fn survives_a_reopen_and_settles_in_one_write() {
        let path = temp_path("reopen");
        let _ = std::fs::remove_file(&path);
        let entries = two_entries();
        assert_eq!(entries.len(), 2);
        let store = FileStore::open(&path).unwrap();
        assert!(!path.exists(), "nothing is written before the first change");
        store.put_entries(&entries).await.unwrap();
        let mut in_flight = entries[0].clone();
        in_flight.in_flight = true;
        store.put_entries(&[in_flight.clone()]).await.unwrap();
        store
            .settle(JournalLine {
                save_id: "s1".into(),
                entry_id: entries[1].id.clone(),
                at_ms: 7,
                results: vec![],
                lookup_keys: vec![],
            })
            .await
            .unwrap();
        drop(store);

        let reopened = FileStore::open(&path).unwrap();
        let data = reopened.snapshot().unwrap();
        assert_eq!(
            data.outbox,
            vec![in_flight],
            "replaced by id, the settled one removed"
        );
        assert_eq!(data.journal.len(), 1);
        assert_eq!(data.journal[0].entry_id, entries[1].id);
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        assert!(
            !PathBuf::from(tmp).exists(),
            "the temporary file was renamed over"
        );
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn refuses_a_file_that_is_not_a_store() {
        let path = temp_path("garbage");
        std::fs::write(&path, b"{not json").unwrap();
        let err = FileStore::open(&path).unwrap_err();
        assert!(err.message.contains("is not a save store"), "{err}");
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}
