//! How a sandbox is started ([`SandboxConfig`]) and why it may fail to ([`SandboxError`]).

use std::path::PathBuf;
use std::time::Duration;

use crate::ids;

/// How to run the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// TCP port on 127.0.0.1 (0 picks a free one).
    pub port: u16,
    /// Data directory or SQLite file; `None` makes a new temp dir.
    pub data: Option<PathBuf>,
    /// Directory of fixture pages served for www.linkedin.com and mail.google.com.
    pub fixtures: Option<PathBuf>,
    /// Access-token lifetime.
    pub token_ttl: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 8443,
            data: None,
            fixtures: None,
            token_ttl: Duration::from_secs(7200),
        }
    }
}

impl SandboxConfig {
    /// `(data dir, SQLite file)`.
    pub(crate) fn resolve_paths(&self) -> Result<(PathBuf, PathBuf), SandboxError> {
        match &self.data {
            Some(path) => {
                let is_file = path.is_file()
                    || path
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| matches!(e, "sqlite" | "sqlite3" | "db"));
                if is_file {
                    let dir = path
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .map(PathBuf::from)
                        .unwrap_or_else(|| PathBuf::from("."));
                    Ok((dir, path.clone()))
                } else {
                    Ok((path.clone(), path.join("org.sqlite3")))
                }
            }
            None => {
                let dir = std::env::temp_dir().join(format!(
                    "leadline-sandbox-{}-{}",
                    std::process::id(),
                    ids::random_token(6)
                ));
                let db = dir.join("org.sqlite3");
                Ok((dir, db))
            }
        }
    }
}

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// Binding the port or writing the data dir failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The SQLite org could not be opened or seeded.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// The certificate could not be generated or loaded.
    #[error("certificate error: {0}")]
    Certificate(String),
}
