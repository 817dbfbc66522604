//! The sandbox's self-signed certificate (kept in the data dir so restarts reuse it) and the
//! rustls server configuration (ring provider; HTTP/2 or HTTP/1.1 by ALPN).

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::SandboxError;

/// The names the certificate covers: local addresses and the real hostnames the extension
/// reaches through Chromium's host-resolver rules.
pub const CERT_NAMES: [&str; 10] = [
    "localhost",
    "127.0.0.1",
    "login.salesforce.com",
    "test.salesforce.com",
    "acme.my.salesforce.com",
    "acme--uat.sandbox.my.salesforce.com",
    "api.hubapi.com",
    "app.hubspot.com",
    "www.linkedin.com",
    "mail.google.com",
];

/// Loads `cert.pem`/`key.pem` from `dir`, generating them first if absent. Returns the
/// server config and the certificate PEM.
pub fn server_config(dir: &Path) -> Result<(Arc<rustls::ServerConfig>, String), SandboxError> {
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    if !(cert_path.exists() && key_path.exists()) {
        let names = CERT_NAMES.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let generated = rcgen::generate_simple_self_signed(names)
            .map_err(|e| SandboxError::Certificate(e.to_string()))?;
        std::fs::write(&key_path, generated.key_pair.serialize_pem())?;
        std::fs::write(&cert_path, generated.cert.pem())?;
    }
    let cert_pem = std::fs::read_to_string(&cert_path)?;
    let key_pem = std::fs::read(&key_path)?;
    let cert = CertificateDer::from_pem_slice(cert_pem.as_bytes())
        .map_err(|e| SandboxError::Certificate(e.to_string()))?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| SandboxError::Certificate(e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SandboxError::Certificate(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .map_err(|e| SandboxError::Certificate(e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok((Arc::new(config), cert_pem))
}
