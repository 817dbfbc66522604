//! The server's own OAuth apps, from the environment: its Salesforce External Client App
//! (login host, client id, client secret), its HubSpot app, the public base URL its callback
//! lives under, and the certificates it trusts for outbound HTTPS.
//!
//! Client secrets come from `…_CLIENT_SECRET` or, better, `…_CLIENT_SECRET_FILE` (a file the
//! operator protects), never from a flag (flags show up in `ps`). [`ClientSecret`]'s `Debug`
//! prints nothing of it, so no log line or error can carry it.

use std::path::PathBuf;

/// The system's CA bundle, trusted for outbound HTTPS when `LEADLINE_CA_FILE` is not set.
pub const SYSTEM_CA_FILE: &str = "/etc/ssl/certs/ca-certificates.crt";
/// Salesforce's production login host.
pub const DEFAULT_SF_LOGIN_URL: &str = "https://login.salesforce.com";
/// HubSpot's API host (the token endpoint lives there).
pub const DEFAULT_HS_API_BASE: &str = "https://api.hubapi.com";
/// HubSpot's app host (the authorize page of a rep's "Sign in with HubSpot" lives there).
pub const DEFAULT_HS_APP_URL: &str = "https://app.hubspot.com";

/// A client secret: shown to nobody, not even to `Debug`.
#[derive(Clone)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// The secret, for building the one token request that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret(…)")
    }
}

/// The server's Salesforce app.
#[derive(Debug, Clone)]
pub struct SalesforceApp {
    /// `https://login.salesforce.com`, `https://test.salesforce.com` or the org's My Domain:
    /// the only host the server sends OAuth and identity calls to.
    pub login_url: String,
    /// The consumer key.
    pub client_id: String,
    /// The consumer secret.
    pub client_secret: ClientSecret,
}

/// The server's HubSpot app (reps' personal connections: the server does the code exchange).
#[derive(Debug, Clone)]
pub struct HubspotApp {
    /// The API host of the token endpoint.
    pub api_base: String,
    /// The app host of the authorize page (`https://app.hubspot.com`).
    pub app_url: String,
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: ClientSecret,
}

/// Everything OAuth the server is configured with; each part is optional (the routes that
/// need a missing part answer `oauth_not_configured`).
#[derive(Debug, Clone, Default)]
pub struct OAuthSettings {
    /// The server's public base URL (`https://leadline.example.com`), for its callback.
    pub public_url: Option<String>,
    /// The Salesforce app.
    pub salesforce: Option<SalesforceApp>,
    /// The HubSpot app.
    pub hubspot: Option<HubspotApp>,
    /// A PEM file of the certificates trusted for outbound HTTPS (else [`SYSTEM_CA_FILE`]).
    pub ca_file: Option<PathBuf>,
}

impl OAuthSettings {
    /// Reads `LEADLINE_PUBLIC_URL`, `LEADLINE_SF_LOGIN_URL`, `LEADLINE_SF_CLIENT_ID`,
    /// `LEADLINE_SF_CLIENT_SECRET[_FILE]`, `LEADLINE_HS_API_BASE`, `LEADLINE_HS_CLIENT_ID`,
    /// `LEADLINE_HS_APP_URL`, `LEADLINE_HS_CLIENT_SECRET[_FILE]` and `LEADLINE_CA_FILE`.
    pub fn from_env(env: &impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let get = |name: &str| {
            env(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let public_url = get("LEADLINE_PUBLIC_URL")
            .map(|url| base_url(&url, "LEADLINE_PUBLIC_URL", true))
            .transpose()?;
        let salesforce = match get("LEADLINE_SF_CLIENT_ID") {
            None => None,
            Some(client_id) => Some(SalesforceApp {
                login_url: base_url(
                    &get("LEADLINE_SF_LOGIN_URL").unwrap_or_else(|| DEFAULT_SF_LOGIN_URL.into()),
                    "LEADLINE_SF_LOGIN_URL",
                    false,
                )?,
                client_id,
                client_secret: secret(&get, "LEADLINE_SF_CLIENT_SECRET")?,
            }),
        };
        let hubspot = match get("LEADLINE_HS_CLIENT_ID") {
            None => None,
            Some(client_id) => Some(HubspotApp {
                api_base: base_url(
                    &get("LEADLINE_HS_API_BASE").unwrap_or_else(|| DEFAULT_HS_API_BASE.into()),
                    "LEADLINE_HS_API_BASE",
                    false,
                )?,
                app_url: base_url(
                    &get("LEADLINE_HS_APP_URL").unwrap_or_else(|| DEFAULT_HS_APP_URL.into()),
                    "LEADLINE_HS_APP_URL",
                    false,
                )?,
                client_id,
                client_secret: secret(&get, "LEADLINE_HS_CLIENT_SECRET")?,
            }),
        };
        Ok(Self {
            public_url,
            salesforce,
            hubspot,
            ca_file: get("LEADLINE_CA_FILE").map(PathBuf::from),
        })
    }

    /// The server's OAuth callback URL, registered on its Salesforce app.
    pub fn salesforce_callback(&self) -> Option<String> {
        self.public_url
            .as_ref()
            .map(|base| format!("{base}{}", super::CALLBACK_PATH))
    }
}

impl OAuthSettings {
    /// The server's HubSpot OAuth callback URL (reps' "Sign in with HubSpot"), registered on
    /// its HubSpot app beside the extension's redirect URL.
    pub fn hubspot_callback(&self) -> Option<String> {
        self.public_url
            .as_ref()
            .map(|base| format!("{base}{}", super::HUBSPOT_CALLBACK_PATH))
    }
}

/// A secret from `NAME` or from the file `NAME_FILE`; an app without one is refused.
fn secret(get: &impl Fn(&str) -> Option<String>, name: &str) -> Result<ClientSecret, String> {
    if let Some(path) = get(&format!("{name}_FILE")) {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{name}_FILE ({path}) cannot be read: {e}"))?;
        let text = text.trim();
        if text.is_empty() {
            return Err(format!("{name}_FILE ({path}) is empty"));
        }
        return Ok(ClientSecret(text.to_owned()));
    }
    get(name)
        .map(ClientSecret)
        .ok_or_else(|| format!("the app's client id is set but {name} (or {name}_FILE) is not"))
}

/// `https://host[:port]` without a trailing slash (`http://` allowed for loopback public
/// URLs only, for local runs behind no proxy).
fn base_url(raw: &str, name: &str, loopback_http: bool) -> Result<String, String> {
    let url = raw.trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| {
            url.strip_prefix("http://").filter(|rest| {
                loopback_http && (rest.starts_with("127.0.0.1") || rest.starts_with("localhost"))
            })
        })
        .ok_or_else(|| format!("{name} must be an https:// URL, not {raw:?}"))?;
    let host_ok = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b));
    if !host_ok {
        return Err(format!(
            "{name} must be a bare https://host[:port], not {raw:?}"
        ));
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failure should panic
    use super::*;

    #[test]
    fn apps_come_from_the_environment_and_secrets_stay_hidden() {
        let env = |name: &str| {
            match name {
                "LEADLINE_PUBLIC_URL" => Some("https://leadline.example.com/"),
                "LEADLINE_SF_CLIENT_ID" => Some("3MVG9"),
                "LEADLINE_SF_CLIENT_SECRET" => Some("s3cr3t-value"),
                _ => None,
            }
            .map(str::to_owned)
        };
        let settings = OAuthSettings::from_env(&env).unwrap();
        let sf = settings.salesforce.as_ref().unwrap();
        assert_eq!(sf.login_url, DEFAULT_SF_LOGIN_URL);
        assert_eq!(sf.client_secret.expose(), "s3cr3t-value");
        assert!(!format!("{settings:?}").contains("s3cr3t"));
        assert_eq!(
            settings.salesforce_callback().unwrap(),
            "https://leadline.example.com/api/oauth/salesforce/callback"
        );
        assert!(settings.hubspot.is_none());
    }

    #[test]
    fn a_client_id_without_a_secret_or_a_bad_url_is_refused() {
        let env = |name: &str| (name == "LEADLINE_SF_CLIENT_ID").then(|| "x".to_owned());
        assert!(OAuthSettings::from_env(&env)
            .unwrap_err()
            .contains("LEADLINE_SF_CLIENT_SECRET"));
        let env =
            |name: &str| (name == "LEADLINE_PUBLIC_URL").then(|| "http://evil.example".to_owned());
        assert!(OAuthSettings::from_env(&env).is_err());
        let env = |name: &str| {
            (name == "LEADLINE_PUBLIC_URL").then(|| "http://127.0.0.1:8787".to_owned())
        };
        assert!(OAuthSettings::from_env(&env).is_ok());
    }

    #[test]
    fn the_secret_may_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sf.secret");
        std::fs::write(&path, "from-file\n").unwrap();
        let shown = path.display().to_string();
        let env = move |name: &str| match name {
            "LEADLINE_SF_CLIENT_ID" => Some("id".to_owned()),
            "LEADLINE_SF_CLIENT_SECRET_FILE" => Some(shown.clone()),
            _ => None,
        };
        let settings = OAuthSettings::from_env(&env).unwrap();
        assert_eq!(
            settings.salesforce.unwrap().client_secret.expose(),
            "from-file"
        );
    }
}
