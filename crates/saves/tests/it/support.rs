//! What the modules' fixtures share: a connection to Acme's Salesforce org, each role's
//! tokens for it, and a CRM answer.

use crm::{HttpResponse, Permission};
use saves::team::{Connection, Health};
use saves::{Role, Tokens};
use serde_json::Value;

/// `email`'s connection in `role`, as CRM user `id`, on `https://acme.my.salesforce.com`.
pub fn conn(role: Role, id: &str, email: &str, permission: Permission) -> Connection {
    Connection {
        role,
        crm_user_id: id.into(),
        name: email.into(),
        email: email.into(),
        permission: Some(permission),
        health: Health::Ok,
        last_success: None,
        instance_url: "https://acme.my.salesforce.com".into(),
        credential: None,
    }
}

/// The tokens of `role`'s connection: `TEAM-TOKEN` for team sync, `REP-TOKEN` for the rep's
/// own.
pub fn tokens(role: Role) -> Tokens {
    Tokens {
        access_token: match role {
            Role::TeamSync => "TEAM-TOKEN".into(),
            Role::Personal => "REP-TOKEN".into(),
        },
        refresh_token: None,
        instance_url: "https://acme.my.salesforce.com".into(),
        id: String::new(),
        credential: None,
    }
}

/// A CRM answer with this status and JSON body.
pub fn resp(status: u16, body: Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![],
        body: body.to_string(),
    }
}
