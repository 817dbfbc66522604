//! Team settings rolled out by policy (`chrome.storage.managed`, schema in
//! `extension/shared/managed_schema.json`), and the team settings file an admin exports and
//! imports. Both have the **same shape**: `{crm, login_host, my_domain, client_id, api_version,
//! company_domain, team_server_url, settings:{record_kind, match_account, log_emails}}`.
//!
//! Policy values are merged *over* the local settings (policy wins) every time the team state
//! changes, and the options page shows them as locked ([`ManagedSettings::locked`]).
//!
//! **No secrets by policy.** Managed storage is readable by every context of the extension,
//! content scripts included, and policy files sit readable on disk; so neither tokens nor the
//! HubSpot app's client secret are accepted here. The secret is entered once in Options and
//! kept in the worker's storage only (see [`crate::team`]).
//!
//! The two shapes are defined with the rest of the configuration (`config`); this module
//! exports a team's file and merges a policy over a [`LocalTeam`].

pub use crate::team::config::{ManagedPushSettings, ManagedSettings};
use crate::team::config::{Settings, TeamConfigPatch};
use crate::team::LocalTeam;

impl ManagedSettings {
    /// The exported file of a team (no secrets, nothing personal).
    pub fn export(team: &LocalTeam) -> Self {
        let c = &team.config;
        Self {
            crm: Some(c.crm),
            login_host: Some(c.login_host),
            my_domain: c.my_domain.clone(),
            client_id: c.client_id.clone(),
            api_version: Some(c.api_version.clone()),
            company_domain: c.company_domain.clone(),
            // Only a policy puts it in the team settings (a rep's own is the worker's).
            team_server_url: team.policy.as_ref().and_then(|p| p.team_server_url.clone()),
            settings: ManagedPushSettings {
                record_kind: Some(team.settings.record_kind),
                match_account: Some(team.settings.match_account),
                log_emails: Some(team.settings.log_emails),
            },
        }
    }

    /// True when no field is set (no policy).
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// Writes every field this holds over `team` (cleaned and validated like Options input).
    pub fn apply_to(&self, team: &mut LocalTeam) {
        team.config.apply(&TeamConfigPatch {
            crm: self.crm,
            login_host: self.login_host,
            my_domain: self.my_domain.clone(),
            client_id: self.client_id.clone(),
            api_version: self.api_version.clone(),
            company_domain: self.company_domain.clone(),
            ..TeamConfigPatch::default()
        });
        let s = &self.settings;
        team.settings = Settings {
            record_kind: s.record_kind.unwrap_or(team.settings.record_kind),
            match_account: s.match_account.unwrap_or(team.settings.match_account),
            log_emails: s.log_emails.unwrap_or(team.settings.log_emails),
        };
    }

    /// The fields this sets, by name (`crm`, ..., `settings.log_emails`): locked in Options.
    pub fn locked(&self) -> Vec<&'static str> {
        let s = &self.settings;
        [
            ("crm", self.crm.is_some()),
            ("login_host", self.login_host.is_some()),
            ("my_domain", self.my_domain.is_some()),
            ("client_id", self.client_id.is_some()),
            ("api_version", self.api_version.is_some()),
            ("company_domain", self.company_domain.is_some()),
            ("team_server_url", self.team_server_url.is_some()),
            ("settings.record_kind", s.record_kind.is_some()),
            ("settings.match_account", s.match_account.is_some()),
            ("settings.log_emails", s.log_emails.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }
}

impl LocalTeam {
    /// Re-applies the stored policy over the local settings (after any local change).
    pub fn enforce_policy(&mut self) {
        if let Some(policy) = self.policy.clone() {
            policy.apply_to(self);
        }
    }

    /// Replaces the policy (`None` or empty: no policy) and applies it.
    pub fn set_policy(&mut self, policy: Option<ManagedSettings>) {
        self.policy = policy.filter(|p| !p.is_empty());
        self.enforce_policy();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::team::config::CrmKind;
    use crm::RecordKind;
    use serde_json::json;

    #[test]
    fn policy_wins_over_local_and_keeps_winning() {
        let mut t = LocalTeam::default();
        t.config.client_id = Some("local-key".into());
        t.config.company_domain = Some("local.example".into());
        t.settings.log_emails = true;
        let policy: ManagedSettings = serde_json::from_value(json!({
            "crm": "hubspot", "client_id": "policy-key",
            "settings": {"log_emails": false}, "unknown": 1
        }))
        .unwrap();
        t.set_policy(Some(policy));
        assert_eq!(t.config.crm, CrmKind::Hubspot);
        assert_eq!(t.config.client_id.as_deref(), Some("policy-key"));
        assert_eq!(
            t.config.company_domain.as_deref(),
            Some("local.example"),
            "unset by policy"
        );
        assert!(!t.settings.log_emails);
        // A local change to a locked field does not survive the next enforcement.
        t.config.client_id = Some("changed".into());
        t.settings.match_account = true;
        t.enforce_policy();
        assert_eq!(t.config.client_id.as_deref(), Some("policy-key"));
        assert!(t.settings.match_account, "unlocked fields stay local");
        assert_eq!(
            t.policy.as_ref().unwrap().locked(),
            vec!["crm", "client_id", "settings.log_emails"]
        );
    }

    /// A policy's API version is the one the team's Salesforce requests use, and a local
    /// change does not outlive the next enforcement.
    #[test]
    fn a_policy_api_version_is_applied_and_keeps_winning() {
        let mut t = LocalTeam::default();
        assert_ne!(
            t.config.api_version, "59.0",
            "the default is another version"
        );
        let policy: ManagedSettings =
            serde_json::from_value(json!({"api_version": "59.0"})).unwrap();
        t.set_policy(Some(policy));
        assert_eq!(t.config.api_version, "59.0");
        t.config.api_version = "62.0".into();
        t.enforce_policy();
        assert_eq!(t.config.api_version, "59.0");
        assert_eq!(t.policy.as_ref().unwrap().locked(), vec!["api_version"]);
    }

    #[test]
    fn empty_policy_is_no_policy() {
        let mut t = LocalTeam::default();
        t.set_policy(Some(ManagedSettings::default()));
        assert_eq!(t.policy, None);
    }

    #[test]
    fn export_round_trips_through_the_policy_shape() {
        let mut a = LocalTeam::default();
        a.config.crm = CrmKind::Hubspot;
        a.config.client_id = Some("k".into());
        a.config.company_domain = Some("acme.example".into());
        a.settings.record_kind = RecordKind::Lead;
        let text = serde_json::to_string(&ManagedSettings::export(&a)).unwrap();
        let mut b = LocalTeam::default();
        serde_json::from_str::<ManagedSettings>(&text)
            .unwrap()
            .apply_to(&mut b);
        assert_eq!(a.config, b.config);
        assert_eq!(a.settings, b.settings);
    }

    /// Server mode: a policy's team server address is locked and exported with the team
    /// settings; it stays out of the options-page config (the worker reads it from the policy).
    #[test]
    fn a_policy_team_server_is_locked_and_exported() {
        let mut t = LocalTeam::default();
        let policy: ManagedSettings = serde_json::from_value(json!({
            "team_server_url": "https://leadline.acme.example"
        }))
        .unwrap();
        t.set_policy(Some(policy));
        assert_eq!(t.policy.as_ref().unwrap().locked(), vec!["team_server_url"]);
        let exported = ManagedSettings::export(&t);
        assert_eq!(
            exported.team_server_url.as_deref(),
            Some("https://leadline.acme.example")
        );
        assert_eq!(t.config, crate::team::config::TeamConfig::default());
        assert_eq!(
            ManagedSettings::export(&LocalTeam::default()).team_server_url,
            None
        );
    }

    #[test]
    fn managed_schema_has_exactly_the_file_fields() {
        let schema: serde_json::Value = serde_json::from_str(include_str!(
            "../../../../extension/shared/managed_schema.json"
        ))
        .unwrap();
        let file = serde_json::to_value(ManagedSettings::export(&LocalTeam::default())).unwrap();
        let keys = |v: &serde_json::Value| {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        assert_eq!(keys(&schema["properties"]), keys(&file));
        assert_eq!(
            keys(&schema["properties"]["settings"]["properties"]),
            keys(&file["settings"])
        );
    }
}
