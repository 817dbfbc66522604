//! Which Salesforce app the team's pushes refresh tokens with ([`PushApp`]), and the one place
//! the server's client secret meets a refresh: [`PushTransport`], the push engine's transport.
//!
//! **The app.** `--sf-client-id` names a public app (PKCE, no secret: tokens a browser's
//! connect issued and the admin stored through `PUT /api/admin/connections/…`). Without it, or
//! when it names the server's own app, pushes refresh with the server's own confidential app
//! (`LEADLINE_SF_LOGIN_URL`, `LEADLINE_SF_CLIENT_ID`, `LEADLINE_SF_CLIENT_SECRET[_FILE]`,
//! [`crate::oauth::settings`]): the app the admin's connect on the server
//! (`GET /api/admin/connect/salesforce`) issued the team's refresh token to. Its refreshes go
//! to that app's login URL, not to a hard-coded production host. The choice is the server's,
//! not the connection's: one server refreshes every team with the same app.
//!
//! **The secret at the edge.** The engine refreshes with the core's request
//! (`saves::api::refresh_request`: grant type, refresh token, client id, a public client's
//! form) built from the team value the core sees. The secret is added by [`PushTransport`]
//! just before the request leaves, and nowhere earlier, because:
//! - the core's values (`LocalTeam`, outbox entries, journal lines, refresh answers) are
//!   serialized: stored in the database, shown in the ledger, crossing the Wasm boundary in
//!   the extension. A secret in one of them is one field away from a row, a log or a browser;
//! - the transport adds it only to a `refresh_token` grant for this app's own client id sent
//!   to this app's own token endpoint (`{login URL}/services/oauth2/token`): no API call, no
//!   other host, no other app's refresh can carry it;
//! - a transport never logs a request, and its errors carry no header or body; the secret
//!   lives in a [`ClientSecret`], whose `Debug` prints nothing of it.

use std::borrow::Cow;
use std::sync::Arc;

use crm::HttpRequest;
use engine::native::HttpsTransport;
use engine::{Transport, TransportError};
use saves::ErrorInfo;
use serde_json::{json, Value};

use crate::oauth::settings::{SalesforceApp, DEFAULT_SF_LOGIN_URL};
use crate::oauth::{ClientSecret, OAuthSettings};

use super::PushConfig;

/// The Salesforce app the server refreshes team tokens with.
#[derive(Debug, Clone)]
pub struct PushApp {
    /// The app's consumer key (in the team value the core builds the refresh from).
    pub client_id: String,
    /// The app's login URL (`https://login.salesforce.com` for a public app by flag).
    pub login_url: String,
    /// The server's own app: its secret and token endpoint, for [`PushTransport`] only.
    own: Option<Arc<OwnApp>>,
}

/// The server's own app as the transport needs it.
#[derive(Debug)]
struct OwnApp {
    /// `{login URL}/services/oauth2/token`.
    token_url: String,
    /// `client_id=…` as the core's form encodes it.
    client_id_field: String,
    secret: ClientSecret,
}

impl PushApp {
    /// The app pushes refresh with: `--sf-client-id` when it names another app than the
    /// server's own (a public app), else the server's own app. `None`: no app at all (saves are
    /// kept `queued`).
    pub fn resolve(push: &PushConfig, oauth: &OAuthSettings) -> Option<Self> {
        let own = oauth.salesforce.as_ref();
        match (push.sf_client_id.as_deref(), own) {
            (Some(id), Some(app)) if id == app.client_id => Some(Self::own(app)),
            (Some(id), _) => Some(Self {
                client_id: id.to_owned(),
                login_url: DEFAULT_SF_LOGIN_URL.to_owned(),
                own: None,
            }),
            (None, Some(app)) => Some(Self::own(app)),
            (None, None) => None,
        }
    }

    fn own(app: &SalesforceApp) -> Self {
        Self {
            client_id: app.client_id.clone(),
            login_url: app.login_url.clone(),
            own: Some(Arc::new(OwnApp {
                token_url: format!("{}/services/oauth2/token", app.login_url),
                client_id_field: crm::http::form_encode(&[("client_id", app.client_id.as_str())]),
                secret: app.client_secret.clone(),
            })),
        }
    }

    /// Whether this is the server's own confidential app.
    pub fn is_own(&self) -> bool {
        self.own.is_some()
    }

    /// The team value's `login_host` and `my_domain` for this app's login URL.
    pub fn login_host_json(&self) -> (Value, Value) {
        match self.login_url.as_str() {
            "https://login.salesforce.com" => (json!("production"), Value::Null),
            "https://test.salesforce.com" => (json!("sandbox"), Value::Null),
            other => (json!("my_domain"), json!(other)),
        }
    }

    /// The reason an admin reads when a refresh with this app was refused: Salesforce's
    /// `invalid_client` (a consumer secret it does not accept) is the server's own setting,
    /// not the connection's grant, so it says which setting to fix and that the saves wait;
    /// any other reason unchanged.
    pub fn admin_reason(&self, reason: ErrorInfo) -> ErrorInfo {
        if reason.code != "invalid_client" {
            return reason;
        }
        let (message, hint) = if self.is_own() {
            (
                format!(
                    "Salesforce refused this server's client secret for its app {} (invalid_client): \
                     the consumer secret in LEADLINE_SF_CLIENT_SECRET (or the file \
                     LEADLINE_SF_CLIENT_SECRET_FILE names) is not the app's. Saves wait; none is lost.",
                    self.client_id
                ),
                "Copy the consumer secret again from Salesforce Setup → External Client App Manager → \
                 the app → OAuth Settings into LEADLINE_SF_CLIENT_SECRET_FILE, restart the server, \
                 then reconnect the team connection (PUT /api/admin/connections/{member} or Connect on \
                 the server): the waiting saves then go by themselves."
                    .to_owned(),
            )
        } else {
            (
                format!(
                    "Salesforce wants a client secret for the app {} (invalid_client), and this \
                     server refreshes it as a public app without one. Saves wait; none is lost.",
                    self.client_id
                ),
                "Configure the server with the app's secret (LEADLINE_SF_CLIENT_ID and \
                 LEADLINE_SF_CLIENT_SECRET_FILE, without --sf-client-id), restart it, then reconnect \
                 the team connection: the waiting saves then go by themselves."
                    .to_owned(),
            )
        };
        ErrorInfo {
            code: reason.code,
            message,
            hint,
        }
    }

    /// The push engine's transport over `inner`.
    pub fn transport(&self, inner: HttpsTransport) -> PushTransport {
        PushTransport {
            inner,
            own: self.own.clone(),
        }
    }
}

/// The push engine's transport: the CRM transport, plus the server's client secret on its own
/// app's refreshes (see the module doc).
#[derive(Clone)]
pub struct PushTransport {
    inner: HttpsTransport,
    own: Option<Arc<OwnApp>>,
}

impl PushTransport {
    /// The CRM transport alone, adding no secret (a server without a Salesforce app of its
    /// own: HubSpot teams, or Salesforce teams whose saves stay queued).
    pub fn plain(inner: HttpsTransport) -> Self {
        Self { inner, own: None }
    }
}

impl std::fmt::Debug for PushTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushTransport")
            .field("adds_client_secret", &self.own.is_some())
            .finish_non_exhaustive()
    }
}

impl Transport for PushTransport {
    async fn send(&self, request: &HttpRequest) -> Result<crm::HttpResponse, TransportError> {
        let request = with_secret(self.own.as_deref(), request);
        self.inner.send(&request).await
    }
}

/// `request` with `client_secret` added when it is a refresh of the server's own app sent to
/// that app's token endpoint; any other request unchanged.
fn with_secret<'a>(own: Option<&OwnApp>, request: &'a HttpRequest) -> Cow<'a, HttpRequest> {
    let Some(own) = own else {
        return Cow::Borrowed(request);
    };
    let Some(form) = request.body.as_deref() else {
        return Cow::Borrowed(request);
    };
    let fields: Vec<&str> = form.split('&').collect();
    let ours = request.method.eq_ignore_ascii_case("POST")
        && request.url == own.token_url
        && fields.contains(&"grant_type=refresh_token")
        && fields.contains(&own.client_id_field.as_str())
        && !fields.iter().any(|f| f.starts_with("client_secret="));
    if !ours {
        return Cow::Borrowed(request);
    }
    let secret = crm::http::form_encode(&[("client_secret", own.secret.expose())]);
    let mut sent = request.clone();
    sent.body = Some(format!("{form}&{secret}"));
    Cow::Owned(sent)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failure should panic
    use super::*;
    use crm::salesforce::oauth::refresh_request;
    use crm::salesforce::LoginHost;

    const SECRET: &str = "s3cret+value/with=chars";

    fn settings(login_url: &str) -> OAuthSettings {
        let url = login_url.to_owned();
        let env = move |name: &str| match name {
            "LEADLINE_SF_LOGIN_URL" => Some(url.clone()),
            "LEADLINE_SF_CLIENT_ID" => Some("own-app".to_owned()),
            "LEADLINE_SF_CLIENT_SECRET" => Some(SECRET.to_owned()),
            _ => None,
        };
        OAuthSettings::from_env(&env).unwrap()
    }

    fn flag(id: Option<&str>) -> PushConfig {
        PushConfig {
            sf_client_id: id.map(str::to_owned),
            ..PushConfig::default()
        }
    }

    fn secret_field() -> String {
        crm::http::form_encode(&[("client_secret", SECRET)])
    }

    #[test]
    fn the_servers_own_app_is_used_unless_a_flag_names_another() {
        let own = settings("https://acme.my.salesforce.com");
        let app = PushApp::resolve(&flag(None), &own).unwrap();
        assert_eq!(app.client_id, "own-app");
        assert!(app.is_own());
        assert_eq!(
            app.login_host_json(),
            (json!("my_domain"), json!("https://acme.my.salesforce.com"))
        );
        assert!(PushApp::resolve(&flag(Some("own-app")), &own)
            .unwrap()
            .is_own());

        let public = PushApp::resolve(&flag(Some("public-app")), &own).unwrap();
        assert_eq!(public.client_id, "public-app");
        assert!(!public.is_own());
        assert_eq!(public.login_host_json(), (json!("production"), Value::Null));
        assert!(PushApp::resolve(&flag(None), &OAuthSettings::default()).is_none());
        // No Debug output of the app or its transport carries the secret.
        assert!(!format!("{app:?}").contains("s3cret"));
    }

    #[test]
    fn a_refused_client_secret_tells_the_admin_which_setting_to_fix() {
        let own = settings("https://acme.my.salesforce.com");
        let refused = ErrorInfo {
            code: "invalid_client".into(),
            message: "invalid client credentials".into(),
            hint: "Leadline keeps none.".into(),
        };
        let app = PushApp::resolve(&flag(None), &own).unwrap();
        let said = app.admin_reason(refused.clone());
        assert_eq!(said.code, "invalid_client");
        assert!(said
            .message
            .contains("this server's client secret for its app own-app"));
        assert!(said.message.contains("LEADLINE_SF_CLIENT_SECRET"));
        assert!(said.hint.contains("restart the server"), "{}", said.hint);
        assert!(
            !format!("{said:?}").contains(SECRET),
            "never the secret itself"
        );
        let public = PushApp::resolve(&flag(Some("public-app")), &own).unwrap();
        let said = public.admin_reason(refused);
        assert!(said.message.contains("public app"), "{}", said.message);
        // Any other refusal is the connection's: unchanged.
        let grant = ErrorInfo {
            code: "invalid_grant".into(),
            message: "expired access/refresh token".into(),
            hint: "Reconnect.".into(),
        };
        assert_eq!(app.admin_reason(grant.clone()), grant);
    }

    #[test]
    fn only_the_own_apps_refresh_to_its_token_endpoint_gets_the_secret() {
        let own = settings("https://acme.my.salesforce.com");
        let app = PushApp::resolve(&flag(None), &own).unwrap();
        let own_app = app.own.as_deref();
        let host = LoginHost::MyDomain("https://acme.my.salesforce.com".into());
        let refresh = refresh_request(&host, "own-app", "rt-1").unwrap();

        let sent = with_secret(own_app, &refresh);
        let body = sent.body.as_deref().unwrap();
        assert!(body.ends_with(&format!("&{}", secret_field())), "{body}");
        assert!(body.starts_with(refresh.body.as_deref().unwrap()));
        assert_eq!(sent.url, refresh.url);

        // Another app's refresh, another host's token endpoint, an API call: unchanged.
        let other_app = refresh_request(&host, "public-app", "rt-1").unwrap();
        let other_host = refresh_request(&LoginHost::Production, "own-app", "rt-1").unwrap();
        let mut api = refresh.clone();
        api.url = "https://acme.my.salesforce.com/services/data/v66.0/sobjects/Contact".into();
        let mut code_grant = refresh.clone();
        code_grant.body = Some("grant_type=authorization_code&client_id=own-app".into());
        for request in [&other_app, &other_host, &api, &code_grant] {
            assert!(matches!(with_secret(own_app, request), Cow::Borrowed(_)));
        }
        // A public app by flag never adds a secret, even to the same endpoint.
        let public = PushApp::resolve(&flag(Some("public-app")), &own).unwrap();
        assert!(matches!(
            with_secret(public.own.as_deref(), &refresh),
            Cow::Borrowed(_)
        ));
        // Sent once: a request that already has a secret gets no second one.
        let twice = with_secret(own_app, &sent);
        assert_eq!(twice.body, sent.body);
    }
}
