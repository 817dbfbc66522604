//! Secrets at rest: envelope encryption with AES-256-GCM.
//!
//! A **master key** (32 bytes, from `LEADLINE_MASTER_KEY` or the `master.key` file the server
//! creates with mode 0600) wraps one random **data key per team**; the data key encrypts that
//! team's refresh tokens and client secrets. Every ciphertext is `nonce (12 bytes) ‖ sealed`
//! with a fresh random nonce, and carries associated data naming where it belongs (team,
//! connection, field), so a ciphertext copied into another row fails to open.
//!
//! Random tokens (sessions, invites, ids) come from the operating system's generator; only
//! their SHA-256 is stored.

use std::fs;
use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The file name of the master key inside the data directory.
pub const MASTER_KEY_FILE: &str = "master.key";
const NONCE_LEN: usize = 12;

/// Why keys or secrets could not be used.
#[derive(Debug, Error)]
pub enum CryptoError {
    /// The key file is readable by other users of the machine.
    #[error("{path} is readable by group or others (mode {mode:o}); run `chmod 600 {path}` and start again")]
    KeyFileTooOpen {
        /// The key file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// The key is not base64 of 32 bytes.
    #[error("the master key ({origin}) is not base64 of 32 bytes")]
    BadKey {
        /// Where it came from.
        origin: String,
    },
    /// A ciphertext did not open: wrong key, or data moved or altered.
    #[error("a stored secret could not be decrypted: the master key does not match this database, or the data was altered")]
    Decrypt,
    /// The operating system's random generator failed.
    #[error("no random bytes from the operating system: {0}")]
    Random(String),
    /// Reading or writing the key file failed.
    #[error("the master key file {path}: {error}")]
    Io {
        /// The key file.
        path: String,
        /// What failed.
        error: std::io::Error,
    },
}

/// `n` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(bytes)
}

/// A 256-bit random token, URL-safe base64 with a prefix saying what it is (`lls_` for a
/// session). The prefix helps secret scanners; the randomness is all in the rest.
pub fn random_token(prefix: &str) -> Result<String, CryptoError> {
    Ok(format!(
        "{prefix}{}",
        URL_SAFE_NO_PAD.encode(random_bytes::<32>()?)
    ))
}

/// A short random id (`t_…`, `m_…`), not a secret.
pub fn random_id(prefix: &str) -> Result<String, CryptoError> {
    Ok(format!(
        "{prefix}{}",
        URL_SAFE_NO_PAD.encode(random_bytes::<12>()?)
    ))
}

/// The SHA-256 of a token, hex: what the database stores instead of the token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A 256-bit AES-GCM key (the master key or a team's data key).
#[derive(Clone)]
pub struct SecretKey(Aes256Gcm);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(Aes256Gcm::new(bytes.into()))
    }

    /// Reads a key from base64 text (`origin` names the source in errors).
    pub fn from_base64(text: &str, origin: &str) -> Result<Self, CryptoError> {
        let bad = || CryptoError::BadKey {
            origin: origin.into(),
        };
        let bytes = STANDARD.decode(text.trim()).map_err(|_| bad())?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
        Ok(Self::from_bytes(&bytes))
    }

    /// Encrypts `plain`, bound to `aad`: `nonce ‖ ciphertext+tag`.
    pub fn seal(&self, plain: &[u8], aad: &str) -> Result<Vec<u8>, CryptoError> {
        let nonce_bytes = random_bytes::<NONCE_LEN>()?;
        let sealed = self
            .0
            .encrypt(
                Nonce::from_slice(&nonce_bytes),
                Payload {
                    msg: plain,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Decrypt)?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens what [`SecretKey::seal`] made with the same `aad`.
    pub fn open(&self, sealed: &[u8], aad: &str) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < NONCE_LEN {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        self.0
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Decrypt)
    }

    /// A fresh random data key, and its bytes wrapped by `self` (the master key) for `team_id`.
    pub fn new_wrapped_data_key(&self, team_id: &str) -> Result<(SecretKey, Vec<u8>), CryptoError> {
        let bytes = random_bytes::<32>()?;
        let wrapped = self.seal(&bytes, &data_key_aad(team_id))?;
        Ok((Self::from_bytes(&bytes), wrapped))
    }

    /// Unwraps a team's data key with `self` (the master key).
    pub fn unwrap_data_key(&self, team_id: &str, wrapped: &[u8]) -> Result<SecretKey, CryptoError> {
        let bytes = self.open(wrapped, &data_key_aad(team_id))?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::Decrypt)?;
        Ok(Self::from_bytes(&bytes))
    }
}

fn data_key_aad(team_id: &str) -> String {
    format!("leadline/data-key/v1/{team_id}")
}

/// The associated data of a secret stored in a connection row.
pub fn secret_aad(team_id: &str, connection_id: &str, field: &str) -> String {
    format!("leadline/secret/v1/{team_id}/{connection_id}/{field}")
}

/// The master key: from the environment when given, else from `DIR/master.key`, which is
/// created (mode 0600, 32 random bytes in base64) on first start. A key file readable by group
/// or others is refused.
pub fn load_master_key(env_value: Option<&str>, data_dir: &Path) -> Result<SecretKey, CryptoError> {
    if let Some(text) = env_value {
        return SecretKey::from_base64(text, crate::config::MASTER_KEY_ENV);
    }
    let path = data_dir.join(MASTER_KEY_FILE);
    let shown = path.display().to_string();
    let io = |error| CryptoError::Io {
        path: shown.clone(),
        error,
    };
    if !path.exists() {
        let text = STANDARD.encode(random_bytes::<32>()?);
        let mut file = create_private(&path).map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        tracing::info!(path = %shown, "created a new master key file; back it up apart from the database");
    }
    check_private(&path).map_err(|e| match e {
        PermissionCheck::TooOpen(mode) => CryptoError::KeyFileTooOpen {
            path: shown.clone(),
            mode,
        },
        PermissionCheck::Io(error) => io(error),
    })?;
    let text = fs::read_to_string(&path).map_err(io)?;
    SecretKey::from_base64(&text, &shown)
}

enum PermissionCheck {
    TooOpen(u32),
    Io(std::io::Error),
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), PermissionCheck> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map_err(PermissionCheck::Io)?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(PermissionCheck::TooOpen(mode));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), PermissionCheck> {
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failure should panic
    use super::*;

    fn key() -> SecretKey {
        SecretKey::from_bytes(&[7u8; 32])
    }

    #[test]
    fn sealed_secrets_open_only_with_the_same_key_and_place() {
        let sealed = key().seal(b"refresh-token", "team-a/conn-1").unwrap();
        assert!(!sealed.windows(13).any(|w| w == b"refresh-token"));
        assert_eq!(
            key().open(&sealed, "team-a/conn-1").unwrap(),
            b"refresh-token"
        );
        assert!(key().open(&sealed, "team-b/conn-1").is_err());
        let other = SecretKey::from_bytes(&[8u8; 32]);
        assert!(other.open(&sealed, "team-a/conn-1").is_err());
        assert_ne!(
            sealed,
            key().seal(b"refresh-token", "team-a/conn-1").unwrap()
        );
    }

    #[test]
    fn data_keys_are_bound_to_their_team() {
        let (data_key, wrapped) = key().new_wrapped_data_key("t_1").unwrap();
        let sealed = data_key.seal(b"s", "x").unwrap();
        let unwrapped = key().unwrap_data_key("t_1", &wrapped).unwrap();
        assert_eq!(unwrapped.open(&sealed, "x").unwrap(), b"s");
        assert!(key().unwrap_data_key("t_2", &wrapped).is_err());
    }

    #[test]
    fn the_key_file_is_created_private_and_refused_when_open() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_master_key(None, dir.path()).unwrap();
        let again = load_master_key(None, dir.path()).unwrap();
        let sealed = first.seal(b"x", "a").unwrap();
        assert_eq!(again.open(&sealed, "a").unwrap(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir.path().join(MASTER_KEY_FILE);
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
            let error = load_master_key(None, dir.path()).unwrap_err();
            assert!(
                matches!(error, CryptoError::KeyFileTooOpen { .. }),
                "{error}"
            );
            assert!(error.to_string().contains("chmod 600"));
        }
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token("lls_").unwrap();
        let b = random_token("lls_").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("lls_") && a.len() == 4 + 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
        assert!(SecretKey::from_base64("c2hvcnQ=", "env").is_err());
    }
}
