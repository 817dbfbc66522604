//! The push engine's settings: which public Salesforce app refreshes the team's token (else
//! the server's own app, [`super::app`]), which certificates the CRM transport trusts, how
//! often the team token is refreshed to keep it alive, and how long a save waits for its push
//! inside `POST /api/saves`.
//!
//! Flags (`--sf-client-id ID`, `--crm-ca FILE`, `--crm-resolve HOST=IP:PORT`,
//! `--token-refresh-secs N`, `--push-lease-secs N`) win over the environment
//! (`LEADLINE_SF_CLIENT_ID`, the server's own app's id, which then needs no flag;
//! `LEADLINE_CRM_CA`, else `LEADLINE_CA_FILE`; `LEADLINE_CRM_RESOLVE` comma-separated,
//! `LEADLINE_TOKEN_REFRESH_SECS`, `LEADLINE_PUSH_LEASE_SECS`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The system's certificate bundle (Debian, Ubuntu, Alpine), trusted when `--crm-ca` is not
/// given.
pub const SYSTEM_CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";
/// The scheduled refresh of each team token (Salesforce may expire refresh tokens left idle).
pub const DEFAULT_TOKEN_REFRESH: Duration = Duration::from_secs(12 * 3600);

/// The push engine's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushConfig {
    /// A public Salesforce app's consumer key the team tokens were issued to (tokens stored
    /// through the admin API from a browser's connect). Without it, or when it is the server's
    /// own app's, pushes refresh with the server's own confidential app
    /// ([`super::PushApp::resolve`]); with no app at all, saves stay `queued` in the ledger.
    pub sf_client_id: Option<String>,
    /// A PEM file of the certificates the CRM transport trusts (default: the system bundle).
    pub crm_ca_file: Option<PathBuf>,
    /// Host names sent to a fixed address (tests: the CRM hosts pinned to the sandbox).
    pub crm_resolve: Vec<(String, SocketAddr)>,
    /// How often each team token is refreshed to keep it alive.
    pub token_refresh_every: Duration,
    /// How long `POST /api/saves` waits for the CRM's answer before answering the save's
    /// current status (the push goes on, and a repeat of the save id answers the result).
    pub answer_within: Duration,
    /// Back-offs up to this long are slept through inside a push; longer ones leave the save
    /// `waiting` in the ledger for the background sweep.
    pub sleep_up_to: Duration,
    /// How often the background sweep looks for due saves (waiting, or left by a process
    /// that stopped).
    pub sweep_every: Duration,
    /// How long one process holds an outbox entry it runs (renewed at every step); a killed
    /// process's entries are resumed once it runs out.
    pub lease: Duration,
}

impl Default for PushConfig {
    fn default() -> Self {
        Self {
            sf_client_id: None,
            crm_ca_file: None,
            crm_resolve: Vec::new(),
            token_refresh_every: DEFAULT_TOKEN_REFRESH,
            answer_within: Duration::from_secs(25),
            sleep_up_to: Duration::from_secs(8),
            sweep_every: Duration::from_millis(500),
            lease: Duration::from_secs(60),
        }
    }
}

impl PushConfig {
    /// The settings from the environment (`env` looks a variable up).
    pub fn from_env(env: &impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut config = Self::default();
        for (flag, var) in [
            ("--sf-client-id", "LEADLINE_SF_CLIENT_ID"),
            ("--crm-ca", "LEADLINE_CRM_CA"),
            ("--token-refresh-secs", "LEADLINE_TOKEN_REFRESH_SECS"),
            ("--push-lease-secs", "LEADLINE_PUSH_LEASE_SECS"),
        ] {
            if let Some(value) = env(var).filter(|v| !v.trim().is_empty()) {
                config.set(flag, &value)?;
            }
        }
        if let Some(list) = env("LEADLINE_CRM_RESOLVE") {
            for pin in list.split(',').filter(|p| !p.trim().is_empty()) {
                config.set("--crm-resolve", pin.trim())?;
            }
        }
        Ok(config)
    }

    /// Whether `flag` is one of these settings' flags.
    pub fn takes(flag: &str) -> bool {
        matches!(
            flag,
            "--sf-client-id"
                | "--crm-ca"
                | "--crm-resolve"
                | "--token-refresh-secs"
                | "--push-lease-secs"
        )
    }

    /// Applies one flag's value.
    pub fn set(&mut self, flag: &str, value: &str) -> Result<(), String> {
        let secs = |value: &str| -> Result<Duration, String> {
            value
                .parse::<u64>()
                .map(|s| Duration::from_secs(s.max(1)))
                .map_err(|_| format!("{flag} takes seconds, not {value:?}"))
        };
        match flag {
            "--sf-client-id" => self.sf_client_id = Some(value.trim().to_owned()),
            "--crm-ca" => self.crm_ca_file = Some(PathBuf::from(value)),
            "--crm-resolve" => {
                let (host, addr) = value
                    .split_once('=')
                    .and_then(|(h, a)| Some((h, a.parse::<SocketAddr>().ok()?)))
                    .ok_or_else(|| format!("{flag} takes HOST=IP:PORT, not {value:?}"))?;
                self.crm_resolve.push((host.to_ascii_lowercase(), addr));
            }
            "--token-refresh-secs" => self.token_refresh_every = secs(value)?,
            "--push-lease-secs" => self.lease = secs(value)?,
            _ => return Err(format!("unknown push setting {flag}")),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn flags_and_environment_are_read_and_bad_values_refused() {
        let env = |name: &str| match name {
            "LEADLINE_SF_CLIENT_ID" => Some("app-1".to_owned()),
            "LEADLINE_CRM_RESOLVE" => Some("login.salesforce.com=127.0.0.1:8443".to_owned()),
            _ => None,
        };
        let mut config = PushConfig::from_env(&env).unwrap();
        assert_eq!(config.sf_client_id.as_deref(), Some("app-1"));
        assert_eq!(config.crm_resolve.len(), 1);
        assert_eq!(config.token_refresh_every, DEFAULT_TOKEN_REFRESH);
        config.set("--token-refresh-secs", "60").unwrap();
        assert_eq!(config.token_refresh_every, Duration::from_secs(60));
        assert!(config.set("--crm-resolve", "nohost").is_err());
        assert!(config.set("--token-refresh-secs", "soon").is_err());
        assert!(PushConfig::takes("--crm-ca") && !PushConfig::takes("--port"));
    }
}
