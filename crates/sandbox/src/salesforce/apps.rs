//! The org's OAuth apps (External Client Apps) and their client rules: which redirect URIs an
//! app accepts, whether it needs PKCE, and whether it needs its consumer secret at the token
//! endpoint ("Require secret for Web Server Flow" / "Require secret for Refresh Token Flow",
//! Salesforce Help `xcloud.shr_external_client_apps.htm`).
//!
//! A public client must not send a secret; a confidential one must send the right one.
//! Either mistake answers `400 {"error":"invalid_client","error_description":"invalid client
//! credentials"}`; an unknown client id answers `invalid_client_id`.

use crate::seed;

/// One app of the org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct App {
    /// The consumer key.
    pub client_id: &'static str,
    /// The name on the consent page.
    pub name: &'static str,
    /// The consumer secret, for a confidential app.
    pub secret: Option<&'static str>,
    /// The authorize request must carry a PKCE challenge.
    pub requires_pkce: bool,
    /// Callbacks on any `https://` host are accepted (a server's own callback URL), besides
    /// the extension's and loopback ones every app accepts.
    pub any_https_callback: bool,
}

/// The extension's public app: PKCE, no secret.
const EXTENSION: App = App {
    client_id: seed::SF_PUBLIC_CLIENT_ID,
    name: "Leadline",
    secret: None,
    requires_pkce: true,
    any_https_callback: false,
};

/// A confidential app for scripts (jsforce's password grant sends a secret).
const SCRIPTS: App = App {
    client_id: seed::SF_SCRIPTS_CLIENT_ID,
    name: "Leadline Scripts",
    secret: Some(seed::SF_SCRIPTS_SECRET),
    requires_pkce: false,
    any_https_callback: false,
};

/// The team server's confidential app: secret required for the web server and refresh
/// token flows, PKCE required too (Salesforce's partner rules ask for both).
const TEAM_SERVER: App = App {
    client_id: seed::SF_SERVER_CLIENT_ID,
    name: "Leadline Team Server",
    secret: Some(seed::SF_SERVER_SECRET),
    requires_pkce: true,
    any_https_callback: true,
};

/// The app with this consumer key.
pub fn app(client_id: &str) -> Option<App> {
    [EXTENSION, SCRIPTS, TEAM_SERVER]
        .into_iter()
        .find(|a| a.client_id == client_id)
}

/// How a token request's client credentials fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientRefusal {
    /// No app has this consumer key: `invalid_client_id`.
    UnknownClient,
    /// A missing or wrong secret for a confidential app, or a secret sent by a public one:
    /// `invalid_client`.
    BadCredentials,
}

impl ClientRefusal {
    /// `(error, error_description)` of the token endpoint's answer.
    pub fn oauth_error(self) -> (&'static str, &'static str) {
        match self {
            ClientRefusal::UnknownClient => ("invalid_client_id", "client identifier invalid"),
            ClientRefusal::BadCredentials => ("invalid_client", "invalid client credentials"),
        }
    }
}

impl App {
    /// Checks the client credentials a token request carries.
    pub fn check_secret(&self, secret: Option<&str>) -> Result<(), ClientRefusal> {
        match (self.secret, secret) {
            (None, None) => Ok(()),
            (Some(want), Some(got)) if constant_time_eq(want.as_bytes(), got.as_bytes()) => Ok(()),
            _ => Err(ClientRefusal::BadCredentials),
        }
    }

    /// Whether `uri` is an acceptable callback for this app.
    pub fn accepts_redirect(&self, uri: &str) -> bool {
        redirect_allowed(uri) || (self.any_https_callback && https_url(uri))
    }
}

/// Is this an acceptable redirect URI for every app (the extension's and loopback
/// callbacks)?
pub fn redirect_allowed(uri: &str) -> bool {
    if let Some(rest) = uri.strip_prefix("https://") {
        // `https://<32 lowercase letters>.chromiumapp.org/<any path>` (the path may be just `/`).
        return rest
            .split_once('/')
            .and_then(|(host, _)| host.strip_suffix(".chromiumapp.org"))
            .is_some_and(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_lowercase()));
    }
    ["http://localhost", "http://127.0.0.1"].iter().any(|p| {
        uri.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(':') || rest.starts_with('/'))
    })
}

/// Looks the client up and checks its secret.
pub fn authenticate(client_id: Option<&str>, secret: Option<&str>) -> Result<App, ClientRefusal> {
    let app = app(client_id.unwrap_or_default()).ok_or(ClientRefusal::UnknownClient)?;
    app.check_secret(secret)?;
    Ok(app)
}

/// `https://<host>[:port]/<path>` with a plausible host (a server's own callback URL).
pub fn https_url(uri: &str) -> bool {
    uri.strip_prefix("https://")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(host, _)| {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b))
        })
}

/// Compares two secrets without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_by_app() {
        let server = app(seed::SF_SERVER_CLIENT_ID).unwrap_or(EXTENSION);
        assert_eq!(server, TEAM_SERVER);
        assert_eq!(server.check_secret(Some(seed::SF_SERVER_SECRET)), Ok(()));
        assert_eq!(
            server.check_secret(None),
            Err(ClientRefusal::BadCredentials)
        );
        assert_eq!(
            server.check_secret(Some("leadline-sandbox-secret")),
            Err(ClientRefusal::BadCredentials)
        );
        assert_eq!(EXTENSION.check_secret(None), Ok(()));
        assert_eq!(
            EXTENSION.check_secret(Some("x")),
            Err(ClientRefusal::BadCredentials)
        );
        assert_eq!(
            authenticate(Some("nope"), None),
            Err(ClientRefusal::UnknownClient)
        );
    }

    #[test]
    fn only_the_server_app_takes_https_callbacks() {
        let cb = "https://leadline.example.com/api/oauth/salesforce/callback";
        assert!(TEAM_SERVER.accepts_redirect(cb));
        assert!(!EXTENSION.accepts_redirect(cb));
        assert!(!TEAM_SERVER.accepts_redirect("https://evil.example"));
        assert!(TEAM_SERVER.accepts_redirect("http://127.0.0.1:9000/cb"));
    }

    #[test]
    fn redirect_rules() {
        assert!(redirect_allowed(
            "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/"
        ));
        assert!(redirect_allowed(
            "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/sf"
        ));
        assert!(!redirect_allowed(
            "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org"
        ));
        assert!(!redirect_allowed("https://evil.example/cb"));
        assert!(!redirect_allowed(
            "https://ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP.chromiumapp.org/"
        ));
        assert!(redirect_allowed("http://localhost:1717/OauthRedirect"));
        assert!(!redirect_allowed("http://localhost.evil.example/"));
    }
}
