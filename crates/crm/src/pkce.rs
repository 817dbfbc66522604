//! PKCE (RFC 7636) and OAuth `state` values from caller-supplied random bytes.
//!
//! The crate draws no randomness: the service worker passes `crypto.getRandomValues` output.
//! Verifier = base64url-no-padding of 32 random bytes (43 characters, within RFC 7636's
//! 43..=128); challenge = base64url-no-padding(SHA-256(verifier)), method `S256`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The `code_verifier` for 32 random bytes.
pub fn verifier_from_random(random: &[u8; 32]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

/// The S256 `code_challenge` for a verifier.
pub fn challenge_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// An opaque CSRF `state` for 16 random bytes (22 characters).
pub fn state_from_random(random: &[u8; 16]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 appendix B.
    #[test]
    fn rfc7636_appendix_b() {
        let random: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = verifier_from_random(&random);
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge_s256(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn state_is_url_safe_and_distinct() {
        let a = state_from_random(&[0xff; 16]);
        let b = state_from_random(&[0x00; 16]);
        assert_eq!(a.len(), 22);
        assert_ne!(a, b);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }
}
