//! A connection's stored [`Tokens`] and the CRM sessions made from them.

use crm::hubspot::HsSession;
use crm::salesforce::SfSession;
use serde::{Deserialize, Serialize};

use crate::team::LocalTeam;

/// A connection's stored tokens, exactly as the worker keeps them under
/// [`crate::team::Role::token_key`] (never shown to the UI, never logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    /// Bearer token.
    pub access_token: String,
    /// Refresh token, when granted.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// The org's API host.
    #[serde(default)]
    pub instance_url: String,
    /// Salesforce identity URL.
    #[serde(default)]
    pub id: String,
    /// For a pasted HubSpot token, which kind it is (a private-app token or a service key), as
    /// decided when it was connected ([`crm::Credential::of_hubspot_token`]); absent for
    /// sign-ins and for tokens stored before kinds were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<crm::Credential>,
}

/// A REST session for these tokens with the team's API version.
pub fn session(team: &LocalTeam, tokens: &Tokens) -> SfSession {
    let mut s = SfSession::new(tokens.instance_url.clone(), tokens.access_token.clone());
    s.api_version = team.config.api_version.clone();
    s
}

/// The HubSpot contact property Leadline writes LinkedIn URLs to and dedupes LinkedIn saves
/// by (a single-line text property the admin creates once: README, "Setting up HubSpot"),
/// the twin of Salesforce's `LinkedIn_URL__c`.
pub const HS_LINKEDIN_PROPERTY: &str = "linkedin_url";

/// A HubSpot session for these tokens (`instance_url`, when set, is the API host).
pub(crate) fn hs_session(tokens: &Tokens) -> HsSession {
    let mut s = HsSession::new(tokens.access_token.clone());
    s.linkedin_property = Some(HS_LINKEDIN_PROPERTY.to_owned());
    if !tokens.instance_url.is_empty() {
        s.api_base = tokens.instance_url.clone();
    }
    s
}
