//! OpenID Connect: the `id_token` a token answer carries when the `openid` scope was granted,
//! and the key set (`/id/keys`) that verifies it.
//!
//! Salesforce's ID token is a signed JWT whose `sub` is the identity URL, `aud` the consumer
//! key, `iss` the login host, with `iat`/`exp` and `at_hash` (OpenID Connect Core §2, §3.1.3.6).
//! **Sandbox difference:** Salesforce signs with RS256; the sandbox signs with ES256 (P-256),
//! because `ring` cannot generate RSA keys. Clients that verify through the published key set
//! (`kid`, `alg` in the JWK) work unchanged. The key is made once per org and kept in its
//! database.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};

use crate::store::{Store, StoreResult};

/// How long an ID token is valid (Salesforce's default "ID Token Valid For" is a few
/// minutes; inferred, not documented here).
const ID_TOKEN_TTL_SECS: i64 = 300;
const KEY_META: &str = "oidc_signing_key";
const KEY_ID: &str = "sandbox-es256-1";

/// Whether a space-separated scope list grants `openid`.
pub fn wants_id_token(scope: &str) -> bool {
    scope.split_whitespace().any(|s| s == "openid")
}

fn signing_key(store: &Store) -> StoreResult<Option<EcdsaKeyPair>> {
    let rng = SystemRandom::new();
    let pkcs8 = match store.meta(KEY_META)?.and_then(|k| STANDARD.decode(k).ok()) {
        Some(bytes) => bytes,
        None => {
            let Ok(doc) = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            else {
                return Ok(None);
            };
            store.set_meta(KEY_META, &STANDARD.encode(doc.as_ref()))?;
            doc.as_ref().to_vec()
        }
    };
    Ok(EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng).ok())
}

/// What the ID token asserts.
pub struct IdClaims<'a> {
    /// The login host (`https://login.salesforce.com`), the issuer.
    pub issuer: &'a str,
    /// The identity URL, the subject.
    pub identity_url: &'a str,
    /// The consumer key, the audience.
    pub client_id: &'a str,
    /// The access token issued with it (for `at_hash`).
    pub access_token: &'a str,
    /// Issue time, milliseconds.
    pub issued_ms: i64,
}

/// A signed ID token, or `None` when no key could be made.
pub fn id_token(store: &Store, claims: &IdClaims) -> StoreResult<Option<String>> {
    let Some(key) = signing_key(store)? else {
        return Ok(None);
    };
    let digest = ring::digest::digest(&ring::digest::SHA256, claims.access_token.as_bytes());
    let iat = claims.issued_ms / 1000;
    let header = json!({"alg": "ES256", "kid": KEY_ID, "typ": "JWT"});
    let payload = json!({
        "at_hash": URL_SAFE_NO_PAD.encode(&digest.as_ref()[..16]),
        "sub": claims.identity_url,
        "aud": claims.client_id,
        "iss": claims.issuer,
        "iat": iat,
        "exp": iat + ID_TOKEN_TTL_SECS,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let Ok(signature) = key.sign(&SystemRandom::new(), signing_input.as_bytes()) else {
        return Ok(None);
    };
    Ok(Some(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.as_ref())
    )))
}

/// `GET /id/keys`: the JSON Web Key Set with the org's signing key.
pub fn key_set(store: &Store) -> StoreResult<Value> {
    let keys = match signing_key(store)? {
        // An uncompressed P-256 point: 0x04 ‖ x (32 bytes) ‖ y (32 bytes).
        Some(key) => {
            let point = key.public_key().as_ref();
            vec![json!({
                "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": KEY_ID,
                "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
                "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
            })]
        }
        None => Vec::new(),
    };
    Ok(json!({ "keys": keys }))
}
