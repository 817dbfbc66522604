//! Team configuration from the options page (no secrets): CRM, login host, consumer key,
//! the rep's email and company domain, and the push settings.

use crm::RecordKind;
use serde::{Deserialize, Serialize};

use crate::text::clean;

/// Which CRM the team uses: the shared [`vocab::Crm`] (wire names `salesforce`, `hubspot`).
pub use vocab::Crm as CrmKind;

/// Where Salesforce users log in, as the options page offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LoginHostChoice {
    /// login.salesforce.com
    #[default]
    Production,
    /// test.salesforce.com
    Sandbox,
    /// The org's My Domain (`my_domain`).
    MyDomain,
}

/// Team configuration set on the options page (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamConfig {
    /// Salesforce or HubSpot.
    pub crm: CrmKind,
    /// Production, sandbox or My Domain.
    pub login_host: LoginHostChoice,
    /// The My Domain host, when `login_host` is `my_domain`.
    pub my_domain: Option<String>,
    /// The External Client App's consumer key (public: PKCE, no secret).
    pub client_id: Option<String>,
    /// Salesforce REST API version, e.g. `66.0`.
    pub api_version: String,
    /// The rep's login email (who "me" is).
    pub me_email: Option<String>,
    /// The rep's company email domain (Gmail participants from it are not prospects).
    pub company_domain: Option<String>,
    /// The rep's other addresses (Gmail "Send mail as" aliases, a former address): a Gmail
    /// mailbox among them is the rep's own CRM user, not another ([`crate::team::mailbox`]).
    pub mailbox_aliases: Vec<String>,
}

impl Default for TeamConfig {
    fn default() -> Self {
        Self {
            crm: CrmKind::default(),
            login_host: LoginHostChoice::default(),
            my_domain: None,
            client_id: None,
            api_version: crm::salesforce::DEFAULT_API_VERSION.to_owned(),
            me_email: None,
            company_domain: None,
            mailbox_aliases: Vec::new(),
        }
    }
}

impl TeamConfig {
    /// The Salesforce login host this configuration points at.
    pub fn sf_login_host(&self) -> crm::salesforce::LoginHost {
        use crm::salesforce::LoginHost;
        match self.login_host {
            LoginHostChoice::Production => LoginHost::Production,
            LoginHostChoice::Sandbox => LoginHost::Sandbox,
            LoginHostChoice::MyDomain => {
                LoginHost::MyDomain(self.my_domain.clone().unwrap_or_default())
            }
        }
    }

    /// Applies a `set_config` message; absent fields stay as they are, empty strings clear.
    /// The other addresses are checked first: one that is not an address refuses the whole
    /// patch with its words, and nothing changes.
    pub fn apply_checked(&mut self, patch: &TeamConfigPatch) -> Result<(), String> {
        if let Some(text) = &patch.mailbox_aliases {
            self.mailbox_aliases = crate::team::mailbox::parse_aliases(text)?;
        }
        self.apply(patch);
        Ok(())
    }

    /// Applies the fields of a `set_config` message other than the other addresses (a
    /// settings file or policy carries none): absent fields stay, empty strings clear.
    pub fn apply(&mut self, patch: &TeamConfigPatch) {
        if let Some(crm) = patch.crm {
            self.crm = crm;
        }
        if let Some(host) = patch.login_host {
            self.login_host = host;
        }
        let set = |slot: &mut Option<String>, v: &Option<String>, max: usize| {
            if let Some(v) = v {
                *slot = clean(Some(v), max);
            }
        };
        set(&mut self.my_domain, &patch.my_domain, 255);
        set(&mut self.client_id, &patch.client_id, 255);
        set(&mut self.me_email, &patch.me_email, 255);
        set(&mut self.company_domain, &patch.company_domain, 255);
        self.me_email = self.me_email.take().map(|e| e.to_lowercase());
        self.company_domain = self.company_domain.take().map(|d| d.to_lowercase());
        if let Some(v) = patch
            .api_version
            .as_deref()
            .and_then(|v| clean(Some(v), 8))
            .filter(|v| is_api_version(v))
        {
            self.api_version = v;
        }
    }
}

impl TeamConfig {
    /// What a `set_config` changed from `before` to `self`, in the options page's words
    /// ("CRM", "consumer key"), plus the HubSpot client secret when the patch carried one (the
    /// worker stores it): the "Saved: …" of a form save.
    pub fn saved_words(&self, before: &TeamConfig, patch: &TeamConfigPatch) -> Vec<&'static str> {
        let hubspot = self.crm == CrmKind::Hubspot;
        let secret = patch
            .hubspot_client_secret
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        [
            (self.crm != before.crm, "CRM"),
            (self.login_host != before.login_host, "login host"),
            (self.my_domain != before.my_domain, "My Domain"),
            (
                self.client_id != before.client_id,
                if hubspot { "client id" } else { "consumer key" },
            ),
            (self.me_email != before.me_email, "login email"),
            (
                self.company_domain != before.company_domain,
                "company domain",
            ),
            (self.api_version != before.api_version, "API version"),
            (
                self.mailbox_aliases != before.mailbox_aliases,
                "other addresses",
            ),
            (secret, "client secret"),
        ]
        .into_iter()
        .filter_map(|(changed, word)| changed.then_some(word))
        .collect()
    }
}

/// `NN.0`.
fn is_api_version(v: &str) -> bool {
    matches!(v.split_once('.'), Some((major, "0")) if !major.is_empty() && major.len() <= 3 && major.bytes().all(|b| b.is_ascii_digit()))
}

/// A `set_config` message's fields (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct TeamConfigPatch {
    /// New CRM.
    pub crm: Option<CrmKind>,
    /// New login host choice.
    pub login_host: Option<LoginHostChoice>,
    /// New My Domain host.
    pub my_domain: Option<String>,
    /// New consumer key.
    pub client_id: Option<String>,
    /// New API version.
    pub api_version: Option<String>,
    /// The rep's login email.
    pub me_email: Option<String>,
    /// The rep's company domain.
    pub company_domain: Option<String>,
    /// The rep's other addresses as typed (commas, semicolons, spaces or lines between).
    pub mailbox_aliases: Option<String>,
    /// HubSpot private-app token for team sync: a secret, stored by the worker next to the
    /// OAuth tokens and never echoed back.
    pub hubspot_private_token: Option<String>,
    /// The HubSpot user the private app acts for (its owner becomes team sync's CRM user).
    pub hubspot_team_sync_email: Option<String>,
    /// What the admin says `hubspot_private_token` is (`private_app_token`, the default, or
    /// `service_key`); the worker passes it to the connect flow, which decides the kind
    /// ([`crm::Credential::of_hubspot_token`]).
    pub hubspot_token_kind: Option<crm::Credential>,
    /// The HubSpot app's client secret (personal OAuth connections): a secret, stored by the
    /// worker under a worker-only key and never echoed back.
    pub hubspot_client_secret: Option<String>,
}

/// Push settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Save people as Contacts or Leads.
    #[serde(deserialize_with = "crm::prospect::person_kind::deserialize")]
    pub record_kind: RecordKind,
    /// Create or match an Account by company name.
    pub match_account: bool,
    /// Offer "Log this email" in Gmail.
    pub log_emails: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            record_kind: RecordKind::Contact,
            match_account: false,
            log_emails: true,
        }
    }
}

/// Push settings as a policy or settings file may give them (each optional).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManagedPushSettings {
    /// Contacts or Leads.
    #[serde(deserialize_with = "crm::prospect::person_kind::deserialize_option")]
    pub record_kind: Option<RecordKind>,
    /// Create or match the Account by company.
    pub match_account: Option<bool>,
    /// Offer "Log this email".
    pub log_emails: Option<bool>,
}

/// Team settings from policy or an imported file: every field optional, unknown fields ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManagedSettings {
    /// Salesforce or HubSpot.
    pub crm: Option<CrmKind>,
    /// Production, sandbox or My Domain.
    pub login_host: Option<LoginHostChoice>,
    /// The My Domain host.
    pub my_domain: Option<String>,
    /// The app's client id (public).
    pub client_id: Option<String>,
    /// Salesforce REST API version.
    pub api_version: Option<String>,
    /// The team's email domain.
    pub company_domain: Option<String>,
    /// The team server reps sign in to (server mode). Only a policy sets it here (the worker
    /// reads it from the stored policy, checked by `crate::team_server::server_url`); a rep's
    /// own choice is kept by the worker, outside the team settings.
    pub team_server_url: Option<String>,
    /// Push settings.
    pub settings: ManagedPushSettings,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_patch_cleans_and_validates() {
        let mut c = TeamConfig::default();
        c.apply(&TeamConfigPatch {
            me_email: Some("  Rep@Acme.Example ".into()),
            api_version: Some("bogus".into()),
            client_id: Some("abc".into()),
            ..TeamConfigPatch::default()
        });
        assert_eq!(c.me_email.as_deref(), Some("rep@acme.example"));
        assert_eq!(c.api_version, crm::salesforce::DEFAULT_API_VERSION);
        c.apply(&TeamConfigPatch {
            api_version: Some("62.0".into()),
            client_id: Some("".into()),
            ..TeamConfigPatch::default()
        });
        assert_eq!(c.api_version, "62.0");
        assert_eq!(c.client_id, None);
    }

    #[test]
    fn saved_words_name_what_changed() {
        let before = TeamConfig::default();
        let patch = TeamConfigPatch {
            crm: Some(CrmKind::Hubspot),
            client_id: Some("hs-app".into()),
            me_email: before.me_email.clone(),
            hubspot_client_secret: Some("s3cret".into()),
            hubspot_private_token: Some("pat-x".into()),
            ..TeamConfigPatch::default()
        };
        let mut after = before.clone();
        after.apply(&patch);
        assert_eq!(
            after.saved_words(&before, &patch),
            ["CRM", "client id", "client secret"]
        );
        let same = after.clone();
        let sf = TeamConfigPatch {
            crm: Some(CrmKind::Salesforce),
            client_id: Some("sf-key".into()),
            ..TeamConfigPatch::default()
        };
        after.apply(&sf);
        assert_eq!(after.saved_words(&same, &sf), ["CRM", "consumer key"]);
        assert!(same
            .saved_words(&same, &TeamConfigPatch::default())
            .is_empty());
    }

    /// The push setting names a person's record kind: `contact` or `lead`, read from storage,
    /// a message or policy, never another of the shared kinds.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn record_kind_settings_take_contact_or_lead_only() {
        let read = |v: serde_json::Value| serde_json::from_value::<Settings>(v);
        let lead = read(serde_json::json!({"record_kind": "lead"})).unwrap();
        assert_eq!(lead.record_kind, RecordKind::Lead);
        assert_eq!(serde_json::to_value(lead).unwrap()["record_kind"], "lead");
        assert_eq!(
            read(serde_json::json!({})).unwrap().record_kind,
            RecordKind::Contact
        );
        assert_eq!(
            read(serde_json::json!({"record_kind": "account"}))
                .unwrap_err()
                .to_string(),
            "unknown variant `account`, expected `contact` or `lead`"
        );
        let policy = |v: serde_json::Value| serde_json::from_value::<ManagedPushSettings>(v);
        for (given, kind) in [
            (serde_json::json!({}), None),
            (serde_json::json!({"record_kind": null}), None),
            (
                serde_json::json!({"record_kind": "contact"}),
                Some(RecordKind::Contact),
            ),
        ] {
            assert_eq!(policy(given).unwrap().record_kind, kind);
        }
        assert!(policy(serde_json::json!({"record_kind": "activity"})).is_err());
    }
}
