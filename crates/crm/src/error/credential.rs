//! The one table of CRM refusals → what the user reads: per CRM and per kind of credential the
//! user gave Leadline (a HubSpot private-app token or service key, a connected account, a
//! HubSpot app's client id or secret, a Salesforce consumer key or secret).
//!
//! The headline names that thing and the CRM's status or code; the fix says where to get it
//! right. The CRM's own text never goes into either: callers keep it as the error's details.

use super::{ApiError, CrmError};
use serde::{Deserialize, Serialize};
use vocab::Crm;

/// What the user gave Leadline that the CRM refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Credential {
    /// A HubSpot legacy private app's access token (`pat-…`).
    PrivateAppToken,
    /// A HubSpot service key (the private apps' successor).
    ServiceKey,
    /// An account connected by signing in (OAuth), with its refresh token.
    OauthConnection,
    /// The HubSpot app's client id.
    ClientId,
    /// The HubSpot app's client secret.
    ClientSecret,
    /// The Salesforce External Client App's consumer key.
    ConsumerKey,
    /// The Salesforce External Client App's consumer secret (Leadline keeps none).
    ConsumerSecret,
}

/// True for a HubSpot private-app token's documented format (`pat-na1-…`).
fn is_private_app_token(token: &str) -> bool {
    token.trim_start().starts_with("pat-")
}

impl Credential {
    /// The kind of a HubSpot team-sync token the admin pasted, saying it is a `stated` kind.
    ///
    /// Private-app tokens have a documented format (`pat-<region>-…`), so a token that starts
    /// with `pat-` is one, whatever was stated. HubSpot documents no format for service keys,
    /// so any other token is what the admin says it is: a service key when they chose
    /// "Service key"; said to be a private-app token, it is refused before HubSpot is asked,
    /// with how to tell the two apart.
    pub fn of_hubspot_token(token: &str, stated: Credential) -> Result<Self, Refusal> {
        if is_private_app_token(token) {
            return Ok(Credential::PrivateAppToken);
        }
        match stated {
            Credential::ServiceKey => Ok(Credential::ServiceKey),
            _ => Err(Refusal {
                headline: "This is not a HubSpot private-app token: those start with “pat-”."
                    .to_owned(),
                fix: format!(
                    "Copy the token again from {HS_PRIVATE_APPS}, or, if you pasted a service key \
                     ({HS_SERVICE_KEYS}), say it is a service key."
                ),
            }),
        }
    }

    /// The kind of a stored HubSpot team-sync token: the kind stored with it, or, for a token
    /// stored before kinds were (Leadline then took only these two), its format's.
    pub fn of_stored_hubspot_token(token: &str, stored: Option<Credential>) -> Self {
        stored.unwrap_or(if is_private_app_token(token) {
            Credential::PrivateAppToken
        } else {
            Credential::ServiceKey
        })
    }

    /// The credential an OAuth endpoint's error code blames, else `self` (a token exchange
    /// refused for its client id is about the client id, not the connection).
    pub fn blamed_by(self, code: &str) -> Self {
        match code {
            "invalid_client_id" => Credential::ConsumerKey,
            "invalid_client" => Credential::ConsumerSecret,
            "BAD_CLIENT_ID" => Credential::ClientId,
            "BAD_CLIENT_SECRET" => Credential::ClientSecret,
            _ => self,
        }
    }
}

/// How the CRM said no, as far as the user's fix goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refused {
    /// The credential itself is wrong, revoked or unknown.
    Rejected,
    /// The credential works but lacks scopes or permissions.
    Scopes,
}

/// A refusal as the user reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// What was refused and the CRM's status or code, e.g. "HubSpot refused this private-app
    /// token (401)."
    pub headline: String,
    /// What to do, e.g. "Copy it again from HubSpot → Settings → Integrations → Private apps."
    pub fix: String,
}

const HS_PRIVATE_APPS: &str = "HubSpot → Settings → Integrations → Private apps";
const HS_SERVICE_KEYS: &str = "HubSpot → Development → Keys → Service keys";
const HS_SCOPES: &str =
    "crm.objects.contacts.read, crm.objects.contacts.write and crm.objects.owners.read";

/// The table: `(crm, credential, refused) → (headline with {why}, fix)`.
const TABLE: &[(Crm, Credential, Refused, &str, &str)] = {
    use Credential::*;
    use Crm::{Hubspot as H, Salesforce as S};
    use Refused::*;
    &[
        (H, PrivateAppToken, Rejected, "HubSpot refused this private-app token ({why}).",
            "Copy it again from HubSpot → Settings → Integrations → Private apps."),
        (H, PrivateAppToken, Scopes, "HubSpot accepted this private-app token but not for contacts and owners ({why}).",
            "In {pa}, give the app the scopes {scopes}, then paste its token again."),
        (H, ServiceKey, Rejected, "HubSpot refused this service key ({why}).",
            "Copy it again from HubSpot → Development → Keys → Service keys."),
        (H, ServiceKey, Scopes, "HubSpot accepted this service key but not for contacts and owners ({why}).",
            "In {sk}, give the key the scopes {scopes}, then paste it again."),
        (H, OauthConnection, Rejected, "HubSpot no longer accepts your connected HubSpot account ({why}).",
            "Click Reconnect under “My account” in Leadline’s options (step 2); your saves wait until then."),
        (H, OauthConnection, Scopes, "Your connected HubSpot account may not read or write contacts ({why}).",
            "Ask your HubSpot admin for contact access, then click Reconnect in Leadline’s options (step 2)."),
        (H, ClientId, Rejected, "HubSpot does not know this client id ({why}).",
            "Copy the client id from your HubSpot app’s Auth page into Leadline’s options (step 1)."),
        (H, ClientSecret, Rejected, "HubSpot refused this client secret ({why}).",
            "Copy the client secret again from your HubSpot app’s Auth page into Leadline’s options (step 1)."),
        (S, ConsumerKey, Rejected, "Salesforce does not know this consumer key ({why}).",
            "Copy it again from Setup → External Client App Manager → your app → OAuth Settings → Consumer Key, into Leadline’s options (step 1)."),
        (S, ConsumerSecret, Rejected, "Salesforce asks this External Client App for a consumer secret ({why}); Leadline keeps none.",
            "In Setup → External Client App Manager → your app → OAuth Settings, turn off both “Require secret” options, then connect again."),
        (S, OauthConnection, Rejected, "Salesforce no longer accepts this connection ({why}).",
            "Click Reconnect in Leadline’s options (step 2); your saves wait until then."),
        (S, OauthConnection, Scopes, "This Salesforce user may not use the API or these records ({why}).",
            "Ask your Salesforce admin for API access (“API Enabled”) and access to Contacts and Leads, then reconnect."),
    ]
};

/// Whether an API error refuses the credential itself, its scopes, or neither.
fn refused(e: &ApiError) -> Option<Refused> {
    match e.code.as_str() {
        "invalid_client_id"
        | "invalid_client"
        | "BAD_CLIENT_ID"
        | "BAD_CLIENT_SECRET"
        | "invalid_grant"
        | "BAD_REFRESH_TOKEN"
        | "invalid_token"
        | "INVALID_AUTHENTICATION"
        | "EXPIRED_AUTHENTICATION"
        | "INVALID_SESSION_ID" => Some(Refused::Rejected),
        "MISSING_SCOPES"
        | "API_DISABLED_FOR_ORG"
        | "API_CURRENTLY_DISABLED"
        | "INSUFFICIENT_ACCESS_OR_READONLY" => Some(Refused::Scopes),
        _ if e.status == 401 => Some(Refused::Rejected),
        _ if e.status == 403 => Some(Refused::Scopes),
        _ => None,
    }
}

/// The status for HTTP-level refusals, the CRM's code for OAuth ones ("401", "invalid_grant").
fn why(e: &ApiError) -> String {
    if matches!(e.status, 401 | 403) || e.code.starts_with("HTTP_") {
        e.status.to_string()
    } else {
        e.code.clone()
    }
}

/// What the user reads when `crm` refused `credential`: the table's row, else a headline that
/// still names the credential with the CRM's hint (or a generic fix) as the fix.
pub fn refusal(crm: Crm, credential: Credential, err: &CrmError) -> Refusal {
    let name = crm.name();
    let thing = noun(credential);
    let CrmError::Api(e) = err else {
        return Refusal {
            headline: format!("{name} could not be asked about this {thing}."),
            fix: err
                .hint()
                .unwrap_or("Check your network, then try again.")
                .to_owned(),
        };
    };
    let credential = credential.blamed_by(&e.code);
    let row = refused(e).and_then(|r| {
        TABLE
            .iter()
            .find(|(c, k, f, _, _)| *c == crm && *k == credential && *f == r)
    });
    match row {
        Some((_, _, _, headline, fix)) => Refusal {
            headline: headline.replace("{why}", &why(e)),
            fix: fix
                .replace("{pa}", HS_PRIVATE_APPS)
                .replace("{sk}", HS_SERVICE_KEYS)
                .replace("{scopes}", HS_SCOPES),
        },
        None => Refusal {
            headline: format!(
                "{name} did not accept this {} ({}).",
                noun(credential),
                why(e)
            ),
            fix: e
                .hint
                .clone()
                .unwrap_or_else(|| "Check it and try again.".to_owned()),
        },
    }
}

/// A sign-in that ended without access: the window was closed (`page_loaded`), or the CRM's
/// sign-in page refused to open at all. A wrong client id or consumer key shows only there,
/// so the fix names it with its table row's fix.
pub fn sign_in_failed(crm: Crm, page_loaded: bool) -> Refusal {
    let (credential, code) = match crm {
        Crm::Salesforce => (Credential::ConsumerKey, "invalid_client_id"),
        Crm::Hubspot => (Credential::ClientId, "BAD_CLIENT_ID"),
    };
    let fix = TABLE
        .iter()
        .find(|(c, k, f, _, _)| *c == crm && *k == credential && *f == Refused::Rejected)
        .map_or("", |row| row.4);
    let (name, thing) = (crm.name(), noun(credential));
    if page_loaded {
        Refusal {
            headline: format!("The sign-in window was closed before {name} granted access."),
            fix: format!("Click Connect again and approve access. If {name} showed “{code}”, it does not know the {thing} in Leadline’s options: {fix}"),
        }
    } else {
        Refusal {
            headline: format!("{name}’s sign-in page refused to open for this {thing}."),
            fix: format!("{name} does so for a {thing} it does not know (“{code}”) or a callback URL its app does not list. {fix} Check that the app lists the callback URL shown in step 1."),
        }
    }
}

/// The user's word for a credential ("private-app token").
pub fn noun(credential: Credential) -> &'static str {
    match credential {
        Credential::PrivateAppToken => "private-app token",
        Credential::ServiceKey => "service key",
        Credential::OauthConnection => "connection",
        Credential::ClientId => "client id",
        Credential::ClientSecret => "client secret",
        Credential::ConsumerKey => "consumer key",
        Credential::ConsumerSecret => "consumer secret",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::error::api_error_from_response;

    fn said(crm: Crm, credential: Credential, status: u16, body: &str) -> Refusal {
        let e = CrmError::from(api_error_from_response(crm, status, body));
        refusal(crm, credential, &e)
    }

    const HS_401: &str = r#"{"status":"error","message":"Authentication credentials not found. This API supports OAuth 2.0 authentication","category":"INVALID_AUTHENTICATION"}"#;
    const HS_403: &str = r#"{"status":"error","message":"This app hasn't been granted all required scopes to make this call.","category":"MISSING_SCOPES"}"#;

    /// One row of the table per test line: the words the user reads, and never the CRM's text.
    #[test]
    fn table_rows() {
        use Credential::*;
        let rows: &[(Crm, Credential, u16, &str, &str, &str)] = &[
            (Crm::Hubspot, PrivateAppToken, 401, HS_401,
                "HubSpot refused this private-app token (401).",
                "Copy it again from HubSpot → Settings → Integrations → Private apps."),
            (Crm::Hubspot, PrivateAppToken, 403, HS_403,
                "HubSpot accepted this private-app token but not for contacts and owners (403).",
                "In HubSpot → Settings → Integrations → Private apps, give the app the scopes crm.objects.contacts.read, crm.objects.contacts.write and crm.objects.owners.read, then paste its token again."),
            (Crm::Hubspot, ServiceKey, 401, HS_401,
                "HubSpot refused this service key (401).",
                "Copy it again from HubSpot → Development → Keys → Service keys."),
            (Crm::Hubspot, ServiceKey, 403, HS_403,
                "HubSpot accepted this service key but not for contacts and owners (403).",
                "In HubSpot → Development → Keys → Service keys, give the key the scopes crm.objects.contacts.read, crm.objects.contacts.write and crm.objects.owners.read, then paste it again."),
            (Crm::Hubspot, OauthConnection, 400, r#"{"status":"BAD_REFRESH_TOKEN","message":"missing or unknown refresh token"}"#,
                "HubSpot no longer accepts your connected HubSpot account (BAD_REFRESH_TOKEN).",
                "Click Reconnect under “My account” in Leadline’s options (step 2); your saves wait until then."),
            (Crm::Hubspot, OauthConnection, 403, HS_403,
                "Your connected HubSpot account may not read or write contacts (403).",
                "Ask your HubSpot admin for contact access, then click Reconnect in Leadline’s options (step 2)."),
            (Crm::Hubspot, OauthConnection, 400, r#"{"status":"BAD_CLIENT_ID","message":"missing or unknown client id"}"#,
                "HubSpot does not know this client id (BAD_CLIENT_ID).",
                "Copy the client id from your HubSpot app’s Auth page into Leadline’s options (step 1)."),
            (Crm::Hubspot, OauthConnection, 400, r#"{"status":"BAD_CLIENT_SECRET","message":"missing or invalid client secret"}"#,
                "HubSpot refused this client secret (BAD_CLIENT_SECRET).",
                "Copy the client secret again from your HubSpot app’s Auth page into Leadline’s options (step 1)."),
            (Crm::Salesforce, OauthConnection, 400, r#"{"error":"invalid_client_id","error_description":"client identifier invalid"}"#,
                "Salesforce does not know this consumer key (invalid_client_id).",
                "Copy it again from Setup → External Client App Manager → your app → OAuth Settings → Consumer Key, into Leadline’s options (step 1)."),
            (Crm::Salesforce, OauthConnection, 400, r#"{"error":"invalid_client","error_description":"invalid client credentials"}"#,
                "Salesforce asks this External Client App for a consumer secret (invalid_client); Leadline keeps none.",
                "In Setup → External Client App Manager → your app → OAuth Settings, turn off both “Require secret” options, then connect again."),
            (Crm::Salesforce, OauthConnection, 400, r#"{"error":"invalid_grant","error_description":"expired access/refresh token"}"#,
                "Salesforce no longer accepts this connection (invalid_grant).",
                "Click Reconnect in Leadline’s options (step 2); your saves wait until then."),
            (Crm::Salesforce, OauthConnection, 403, r#"[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]"#,
                "This Salesforce user may not use the API or these records (403).",
                "Ask your Salesforce admin for API access (“API Enabled”) and access to Contacts and Leads, then reconnect."),
        ];
        assert_eq!(rows.len(), TABLE.len(), "a test line per table row");
        for (crm, credential, status, body, headline, fix) in rows {
            let r = said(*crm, *credential, *status, body);
            assert_eq!(
                (r.headline.as_str(), r.fix.as_str()),
                (*headline, *fix),
                "{body}"
            );
            let vendor = api_error_from_response(*crm, *status, body).message;
            assert!(
                !vendor.is_empty() && !r.headline.contains(&vendor) && !r.fix.contains(&vendor)
            );
        }
    }

    /// A refusal is told by its code whatever the status (Salesforce answers a missing
    /// permission with 400 inside a save), by its status only when the code says nothing.
    #[test]
    fn a_refusal_is_known_by_its_code_at_any_status() {
        let codes = [
            ("invalid_client_id", Refused::Rejected),
            ("invalid_client", Refused::Rejected),
            ("BAD_CLIENT_ID", Refused::Rejected),
            ("BAD_CLIENT_SECRET", Refused::Rejected),
            ("invalid_grant", Refused::Rejected),
            ("BAD_REFRESH_TOKEN", Refused::Rejected),
            ("invalid_token", Refused::Rejected),
            ("INVALID_AUTHENTICATION", Refused::Rejected),
            ("EXPIRED_AUTHENTICATION", Refused::Rejected),
            ("INVALID_SESSION_ID", Refused::Rejected),
            ("MISSING_SCOPES", Refused::Scopes),
            ("API_DISABLED_FOR_ORG", Refused::Scopes),
            ("API_CURRENTLY_DISABLED", Refused::Scopes),
            ("INSUFFICIENT_ACCESS_OR_READONLY", Refused::Scopes),
        ];
        for (code, kind) in codes {
            let e = crate::error::blank(400, code, "m");
            assert_eq!(refused(&e), Some(kind), "{code}");
        }
        let by_status = |status| refused(&crate::error::blank(status, "SOMETHING_NEW", "m"));
        assert_eq!(by_status(401), Some(Refused::Rejected));
        assert_eq!(by_status(403), Some(Refused::Scopes));
        assert_eq!(by_status(400), None);
    }

    #[test]
    fn unlisted_refusals_still_name_the_credential() {
        let r = said(
            Crm::Hubspot,
            Credential::PrivateAppToken,
            500,
            r#"{"status":"error","message":"boom","category":"INTERNAL_ERROR"}"#,
        );
        assert_eq!(
            r.headline,
            "HubSpot did not accept this private-app token (INTERNAL_ERROR)."
        );
        assert!(r.fix.contains("internal error"), "{}", r.fix);
        let offline = refusal(
            Crm::Salesforce,
            Credential::ConsumerKey,
            &CrmError::Transport {
                message: "dns".into(),
            },
        );
        assert_eq!(
            offline.headline,
            "Salesforce could not be asked about this consumer key."
        );
    }

    #[test]
    fn a_failed_sign_in_names_the_key_it_may_have_refused() {
        let sf = sign_in_failed(Crm::Salesforce, false);
        assert_eq!(
            sf.headline,
            "Salesforce’s sign-in page refused to open for this consumer key."
        );
        assert!(sf.fix.starts_with("Salesforce does so for a consumer key it does not know (“invalid_client_id”) or a callback URL its app does not list. Copy it again from Setup → External Client App Manager"), "{}", sf.fix);
        let closed = sign_in_failed(Crm::Hubspot, true);
        assert_eq!(
            closed.headline,
            "The sign-in window was closed before HubSpot granted access."
        );
        assert!(
            closed.fix.contains("it does not know the client id")
                && closed.fix.contains("Auth page"),
            "{}",
            closed.fix
        );
    }

    #[test]
    fn a_pasted_token_is_what_its_format_says_else_what_the_admin_said() {
        use Credential::{PrivateAppToken as Pat, ServiceKey as Sk};
        // The documented private-app format wins over what was stated.
        assert_eq!(Credential::of_hubspot_token("pat-na1-1234", Pat), Ok(Pat));
        assert_eq!(Credential::of_hubspot_token(" pat-eu1-1234", Sk), Ok(Pat));
        // Anything else is a service key only when the admin says so.
        assert_eq!(Credential::of_hubspot_token("9f1c-opaque", Sk), Ok(Sk));
        let refused = Credential::of_hubspot_token("9f1c-opaque", Pat).unwrap_err();
        assert_eq!(
            refused.headline,
            "This is not a HubSpot private-app token: those start with “pat-”."
        );
        assert_eq!(
            refused.fix,
            "Copy the token again from HubSpot → Settings → Integrations → Private apps, or, if \
             you pasted a service key (HubSpot → Development → Keys → Service keys), say it is a \
             service key."
        );
        // Only the two pasted kinds can be stated.
        assert!(Credential::of_hubspot_token("9f1c", Credential::OauthConnection).is_err());
    }

    #[test]
    fn a_stored_token_keeps_its_kind_and_older_ones_read_by_format() {
        use Credential::{PrivateAppToken as Pat, ServiceKey as Sk};
        assert_eq!(
            Credential::of_stored_hubspot_token("pat-na1-1", Some(Pat)),
            Pat
        );
        assert_eq!(Credential::of_stored_hubspot_token("opaque", Some(Sk)), Sk);
        assert_eq!(Credential::of_stored_hubspot_token("pat-na1-1", None), Pat);
        assert_eq!(Credential::of_stored_hubspot_token("opaque", None), Sk);
    }
}
