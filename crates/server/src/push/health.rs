//! Team connection health as the admin sees it (`GET /api/admin/connections`): each
//! connection's `status` (`ok`, or `reconnect_needed` with the CRM's reason once a refresh
//! was refused), its last push and last refresh. Never a secret.

use serde_json::{json, Value};

use crate::store::{Connection, PushHealth};

/// Shown when the CRM refused a connection's grant.
pub const RECONNECT_NEEDED: &str = "reconnect_needed";

/// The connections with their push health.
pub fn connections_json(connections: &[Connection], health: &[PushHealth]) -> Vec<Value> {
    connections
        .iter()
        .map(|c| {
            let reason = health
                .iter()
                .find(|h| h.connection_id == c.id)
                .and_then(|h| h.reconnect_reason.clone());
            let mut value = json!(c);
            value["status"] = json!(if c.needs_reconnect {
                RECONNECT_NEEDED
            } else {
                "ok"
            });
            value["reconnect_reason"] = json!(reason);
            value["status_text"] = json!(status_text(c.needs_reconnect, reason.as_deref()));
            value
        })
        .collect()
}

/// What the admin reads beside the status: for a refused client secret (`invalid_client`),
/// the server's setting to fix, since reconnecting alone cannot help.
fn status_text(needs_reconnect: bool, reason: Option<&str>) -> &'static str {
    match (needs_reconnect, reason) {
        (false, _) => "ok",
        (true, Some("invalid_client")) => "reconnect needed: Salesforce refused this server's client secret (invalid_client); set the app's consumer secret in LEADLINE_SF_CLIENT_SECRET_FILE, restart the server, then reconnect this connection; saves wait until then",
        (true, _) => "reconnect needed: the CRM refused this connection's grant; saves wait until an admin reconnects it (PUT /api/admin/connections/{member})",
    }
}
