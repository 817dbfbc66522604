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
use crate::MaybeSend;

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
    fn entries(&self) -> impl Future<Output = Result<Vec<OutboxEntry>, StoreError>> + MaybeSend {
        ready(self.read(|d| d.outbox.clone()))
    }

    fn entry(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<OutboxEntry>, StoreError>> + MaybeSend {
        ready(self.read(|d| d.outbox.iter().find(|e| e.id == id).cloned()))
    }

    fn put_entries(
        &self,
        entries: &[OutboxEntry],
    ) -> impl Future<Output = Result<(), StoreError>> + MaybeSend {
        ready(self.write(|d| d.put(entries)))
    }

    fn settle(
        &self,
        line: JournalLine,
    ) -> impl Future<Output = Result<(), StoreError>> + MaybeSend {
        ready(self.write(|d| d.settle(line)))
    }

    fn tokens(
        &self,
        role: Role,
    ) -> impl Future<Output = Result<Option<Tokens>, StoreError>> + MaybeSend {
        ready(self.read(|d| match role {
            Role::TeamSync => d.team_sync.clone(),
            Role::Personal => d.personal.clone(),
        }))
    }

    fn set_tokens(
        &self,
        role: Role,
        tokens: &Tokens,
    ) -> impl Future<Output = Result<(), StoreError>> + MaybeSend {
        ready(self.write(|d| *d.tokens_mut(role) = Some(tokens.clone())))
    }
}
