//! The overview: the team, its CRM and org, and team sync — who holds it and its health
//! (CRM user, permission, last push, last refresh, "reconnect needed" with the fix in plain
//! words), the saves waiting, the "Connect team sync" button (the server-side Salesforce
//! connect flow) or, for a HubSpot team, the private-app token form (checked with HubSpot
//! before it replaces anything), and the choice of team sync among the connections the team
//! holds.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use saves::CrmKind;
use serde::Deserialize;

use crate::api::admin::{choose_team_sync, store_private_app, PrivateAppRequest, TeamHealth};
use crate::api::team::TeamCopy;
use crate::app::AppState;
use crate::error::ApiError;
use crate::store::Connection;

use super::auth::{error_page, AdminForm, NoFields, PageAdmin};
use super::html::{escape, when};
use super::layout::{Done, Notice, Page, Tab};
use super::RETURN_TO_PAGES;

/// `GET /admin`.
pub async fn show(
    State(state): State<AppState>,
    admin: PageAdmin,
    Query(q): Query<Done>,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("team_sync_cleared") => Some(Notice::Done(
            "Team sync cleared: LinkedIn saves wait until you choose one.".into(),
        )),
        _ => None,
    };
    render(&state, &admin, notice, StatusCode::OK).await
}

/// Renders the overview with a notice.
async fn render(
    state: &AppState,
    admin: &PageAdmin,
    notice: Option<Notice>,
    status: StatusCode,
) -> Response {
    match body(state, admin).await {
        Ok((team, html)) => Page {
            title: "Overview",
            nav: Some((admin, Tab::Overview)),
            team: Some(&team),
            notice,
            body: html,
            form_target: login_origin(state),
        }
        .respond(status),
        Err(error) => error_page(&error),
    }
}

/// The overview again with what a form's action refused (its message and status).
async fn failed(state: &AppState, admin: &PageAdmin, error: ApiError) -> Response {
    render(
        state,
        admin,
        Some(Notice::Failed(error.message)),
        error.status,
    )
    .await
}

/// The origin of the Salesforce login host the connect button's form redirects to.
fn login_origin(state: &AppState) -> Option<String> {
    let url = &state.config.oauth.salesforce.as_ref()?.login_url;
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{host}"))
}

fn crm_name(crm: CrmKind) -> &'static str {
    match crm {
        CrmKind::Salesforce => "Salesforce",
        CrmKind::Hubspot => "HubSpot",
    }
}

async fn body(state: &AppState, admin: &PageAdmin) -> Result<(String, String), ApiError> {
    let team_id = &admin.member.team_id;
    let copy = TeamCopy::load(state, team_id).await?;
    let health = TeamHealth::load(state, team_id).await?;
    let org = state.store.team_org(team_id).await?;
    let crm = crm_name(copy.team.crm);
    let admins = copy
        .members
        .iter()
        .filter(|m| m.role == crate::store::Role::Admin)
        .count();
    let email_of = |id: &str| {
        copy.members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.email.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let org_line = match (copy.team.crm, org) {
        (CrmKind::Salesforce, Some(org)) => format!("<dt>Salesforce org</dt><dd><code data-testid=\"org\">{}</code></dd>", escape(&org)),
        (CrmKind::Salesforce, None) => "<dt>Salesforce org</dt><dd>not bound yet: the first “Connect team sync” binds the team to that user's org</dd>".to_owned(),
        (CrmKind::Hubspot, _) => String::new(),
    };
    let team = format!(
        "<section data-testid=\"team\"><dl><dt>Team</dt><dd>{name}</dd><dt>CRM</dt><dd>{crm}</dd>{org_line}\
         <dt>Members</dt><dd>{n} ({admins} admin{s}) · <a href=\"/admin/members\">manage</a></dd></dl></section>",
        name = escape(&copy.team.name),
        n = copy.members.len(),
        s = if admins == 1 { "" } else { "s" },
    );

    // Team sync: who holds it and its health.
    let sync_connection = copy
        .team
        .team_sync_member
        .as_deref()
        .and_then(|m| copy.connection_of(m));
    let sync = match (copy.team.team_sync_member.as_deref(), sync_connection) {
        (_, Some(c)) => {
            let reason = health.reconnect_reason(&c.id);
            let status = if c.needs_reconnect {
                format!(
                    "<span class=\"status-bad\" data-testid=\"team-sync-status\">reconnect needed</span>\
                     <p class=\"bad\" data-testid=\"reconnect-fix\">{}</p>",
                    escape(&reconnect_fix(copy.team.crm, c, reason))
                )
            } else {
                "<span class=\"status-ok\" data-testid=\"team-sync-status\">ok</span>".to_owned()
            };
            let created_by = match copy.team.crm {
                CrmKind::Salesforce => format!("Records saved from LinkedIn show Created By {}.", c.crm_email),
                CrmKind::Hubspot => "Records pushed with this private-app token show Created By: the private app (HubSpot records no user); the owner mapping sets the owner.".to_owned(),
            };
            format!(
                "<dl data-testid=\"team-sync-health\"><dt>Held by</dt><dd data-testid=\"team-sync-member\">{member} (on the server; no rep's browser has its token)</dd>\
                 <dt>{crm} user</dt><dd data-testid=\"team-sync-user\">{email} <code>{user}</code></dd>\
                 <dt>Credential</dt><dd data-testid=\"team-sync-credential\">{credential}</dd>\
                 <dt>Permission</dt><dd data-testid=\"team-sync-permission\">{permission}</dd>\
                 <dt>Status</dt><dd>{status}</dd>\
                 <dt>Last push</dt><dd data-testid=\"last-push\">{push}</dd>\
                 <dt>Last refresh</dt><dd data-testid=\"last-refresh\">{refresh}</dd>\
                 <dt>Stored</dt><dd>{stored}</dd></dl><p class=\"muted\">{created_by}</p>",
                member = escape(&email_of(&c.member_id)),
                email = escape(&c.crm_email),
                user = escape(&c.crm_user_id),
                permission = escape(&c.permission),
                credential = credential_kind(copy.team.crm, c),
                push = when(c.last_push_at),
                refresh = when(c.last_refresh_at),
                stored = when(Some(c.updated_at)),
                created_by = escape(&created_by),
            )
        }
        (Some(member), None) => format!(
            "<p class=\"bad\" data-testid=\"team-sync-status\">The team sync is set to {} but the team holds no connection for them: LinkedIn saves wait. Connect team sync again or choose another connection below.</p>",
            escape(&email_of(member))
        ),
        (None, None) => "<p data-testid=\"team-sync-none\">No team sync yet: saves that need it (LinkedIn) wait until an admin connects one and it is chosen.</p>".to_owned(),
    };
    let pushing = if health.pushing {
        String::new()
    } else {
        format!(
            "<p class=\"bad\" data-testid=\"not-pushing\">This server does not push {crm} saves yet: {}. They are kept and pushed once it does.</p>",
            match copy.team.crm {
                CrmKind::Salesforce => "it has no Salesforce app configured (set LEADLINE_SF_CLIENT_ID and LEADLINE_SF_CLIENT_SECRET_FILE, or --sf-client-id, and restart it)",
                CrmKind::Hubspot => "it cannot reach HubSpot with its CA settings (see the server's log)",
            }
        )
    };
    let waiting: i64 = health.unsettled.iter().map(|(_, n)| n).sum();
    let waiting = if waiting == 0 {
        "<p data-testid=\"waiting\">No save is waiting.</p>".to_owned()
    } else {
        let parts: Vec<String> = health
            .unsettled
            .iter()
            .map(|(status, n)| format!("{n} {}", status.replace('_', " ")))
            .collect();
        format!(
            "<p data-testid=\"waiting\">Saves waiting to be pushed: {}.</p>",
            escape(&parts.join(", "))
        )
    };
    let connect = connect_html(state, admin, &copy);
    let sync_section = format!(
        "<section data-testid=\"team-sync\"><h2>Team sync</h2>{sync}{pushing}{waiting}{connect}</section>"
    );
    let held = held_html(admin, &copy, &health);
    Ok((
        copy.team.name.clone(),
        format!("{team}{sync_section}{held}"),
    ))
}

/// What kind of credential a team-held connection is (never any of its characters).
fn credential_kind(crm: CrmKind, c: &Connection) -> &'static str {
    match (crm, c.has_client_secret) {
        (CrmKind::Salesforce, false) => "Salesforce OAuth connection (refresh token, sealed on the server)",
        (CrmKind::Salesforce, true) => "Salesforce OAuth connection with its own app's client secret (both sealed on the server)",
        (CrmKind::Hubspot, _) => match c.pasted() {
            Some(crm::Credential::ServiceKey) => "HubSpot service key (sealed on the server)",
            Some(crm::Credential::PrivateAppToken) => {
                "HubSpot private-app token (sealed on the server)"
            }
            // Stored before kinds were: what the admin pasted was not recorded.
            _ => "HubSpot private-app token or service key (sealed on the server)",
        },
    }
}

/// The fix for a connection the CRM refused, in plain words.
fn reconnect_fix(crm: CrmKind, c: &Connection, reason: Option<&str>) -> String {
    match (crm, reason) {
        (CrmKind::Salesforce, Some("invalid_client")) => format!(
            "Salesforce refused this server's client secret (invalid_client). Put the app's \
             consumer secret in LEADLINE_SF_CLIENT_SECRET_FILE, restart the server, then click \
             “Connect team sync” and sign in as {}. Saves wait until then.",
            c.crm_email
        ),
        (CrmKind::Salesforce, reason) => format!(
            "Salesforce no longer accepts this connection ({}): its refresh token was revoked \
             or expired. Click “Connect team sync” below and sign in at Salesforce as {}; the \
             saves waiting for it then go by themselves.",
            reason.unwrap_or("its grant was refused"),
            c.crm_email
        ),
        (CrmKind::Hubspot, reason) if c.pasted() == Some(crm::Credential::ServiceKey) => format!(
            "HubSpot refused this service key ({}). Copy it again from HubSpot → Development → \
             Keys → Service keys and store it with the form below; saves wait until then.",
            reason.unwrap_or("refused")
        ),
        (CrmKind::Hubspot, reason) => format!(
            "HubSpot refused this private-app token ({}). Copy it again from HubSpot → \
             Settings → Integrations → Private apps and store it with the form below; saves \
             wait until then.",
            reason.unwrap_or("refused")
        ),
    }
}

fn connect_html(state: &AppState, admin: &PageAdmin, copy: &TeamCopy) -> String {
    match copy.team.crm {
        CrmKind::Hubspot => private_app_form(admin, copy),
        CrmKind::Salesforce if crate::api::oauth_flow::salesforce_app(state).is_err() => {
            "<p class=\"bad\" data-testid=\"connect-unavailable\">“Connect team sync” needs this server's own Salesforce app: set LEADLINE_PUBLIC_URL, LEADLINE_SF_CLIENT_ID and LEADLINE_SF_CLIENT_SECRET_FILE, and restart it.</p>".to_owned()
        }
        CrmKind::Salesforce => format!(
            "<form method=\"post\" action=\"/admin/connect/salesforce\">{csrf}\
             <button type=\"submit\" data-testid=\"connect-team-sync\">Connect team sync</button></form>\
             <p class=\"muted\">You sign in at Salesforce as the user whose connection the team \
             should hold (an integration user with API access). The server keeps it, sealed, as \
             your team-held connection; the first one becomes the team sync. To reconnect, do the \
             same with the same user.</p>",
            csrf = admin.csrf_field()
        ),
    }
}

fn held_html(admin: &PageAdmin, copy: &TeamCopy, health: &TeamHealth) -> String {
    if health.connections.is_empty() {
        return "<section><h2>Connections the team holds</h2><p>None yet.</p></section>".to_owned();
    }
    let email_of = |id: &str| {
        copy.members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.email.as_str())
            .unwrap_or(id)
            .to_owned()
    };
    let rows: String =
        health
            .connections
            .iter()
            .map(|c| {
                format!(
                "<tr><td>{member}</td><td>{email} <code>{user}</code></td><td>{permission}</td>\
                 <td class=\"{class}\">{status}</td><td>{push}</td><td>{refresh}</td></tr>",
                member = escape(&email_of(&c.member_id)),
                email = escape(&c.crm_email),
                user = escape(&c.crm_user_id),
                permission = escape(&c.permission),
                class = if c.needs_reconnect { "status-bad" } else { "status-ok" },
                status = if c.needs_reconnect { "reconnect needed" } else { "ok" },
                push = when(c.last_push_at),
                refresh = when(c.last_refresh_at),
            )
            })
            .collect();
    let options: String = health
        .connections
        .iter()
        .map(|c| {
            let selected = if copy.team.team_sync_member.as_deref() == Some(c.member_id.as_str()) {
                " selected"
            } else {
                ""
            };
            format!(
                "<option value=\"{id}\"{selected}>{member} — {email} ({permission})</option>",
                id = escape(&c.member_id),
                member = escape(&email_of(&c.member_id)),
                email = escape(&c.crm_email),
                permission = escape(&c.permission),
            )
        })
        .collect();
    format!(
        "<section><h2>Connections the team holds</h2><table data-testid=\"connections\"><thead><tr>\
         <th>Member</th><th>CRM user</th><th>Permission</th><th>Status</th><th>Last push</th><th>Last refresh</th>\
         </tr></thead><tbody>{rows}</tbody></table>\
         <form class=\"row\" method=\"post\" action=\"/admin/team-sync\">{csrf}<div><label for=\"member\">Team sync</label>\
         <select id=\"member\" name=\"member\" data-testid=\"team-sync-choice\"><option value=\"\">None (LinkedIn saves wait)</option>{options}</select></div>\
         <div><button type=\"submit\" data-testid=\"choose-team-sync\">Use as team sync</button></div></form>\
         <p class=\"muted\">The rules check the choice: the team sync must be a connection the team holds, and the highest permission is preferred.</p></section>",
        csrf = admin.csrf_field(),
    )
}

/// HubSpot's team sync is a private-app token (or service key): the form that stores one,
/// checked with HubSpot first. The token field is write-only.
fn private_app_form(admin: &PageAdmin, copy: &TeamCopy) -> String {
    let sync_member = copy
        .team
        .team_sync_member
        .as_deref()
        .unwrap_or(&admin.member.id);
    let current_email = copy
        .connection_of(sync_member)
        .map(|c| c.crm_email.clone())
        .unwrap_or_default();
    let options: String = copy
        .members
        .iter()
        .map(|m| {
            format!(
                "<option value=\"{id}\"{selected}>{email}</option>",
                id = escape(&m.id),
                selected = if m.id == sync_member { " selected" } else { "" },
                email = escape(&m.email),
            )
        })
        .collect();
    format!(
        "<form method=\"post\" action=\"/admin/connect/hubspot\" data-testid=\"private-app-form\">{csrf}\
         <div><label for=\"pa-member\">Held by (the member whose connection it is)</label>\
         <select id=\"pa-member\" name=\"member\" data-testid=\"private-app-member\">{options}</select></div>\
         <div><label for=\"pa-email\">HubSpot user the private app saves for</label>\
         <input id=\"pa-email\" name=\"email\" type=\"email\" required value=\"{email}\" data-testid=\"private-app-email\"></div>\
         <div><label for=\"pa-kind\">What you paste</label>\
         <select id=\"pa-kind\" name=\"kind\" data-testid=\"private-app-kind\">\
         <option value=\"private_app_token\">A private-app token (starts with pat-)</option>\
         <option value=\"service_key\">A service key</option></select></div>\
         <div><label for=\"pa-token\">Private-app token or service key</label>\
         <input id=\"pa-token\" name=\"token\" type=\"password\" autocomplete=\"off\" required data-testid=\"private-app-token\"></div>\
         <div><button type=\"submit\" data-testid=\"store-private-app\">Check with HubSpot and store</button></div></form>\
         <p class=\"muted\">A HubSpot team's team sync is a private-app token (HubSpot → Settings → \
         Integrations → Private apps) or a service key (HubSpot → Development → Keys → Service \
         keys), with the scopes crm.objects.contacts.read, \
         crm.objects.contacts.write and crm.objects.owners.read. HubSpot records no user as creator \
         of what a private app saves, so name the HubSpot user it stands for (normally your \
         integration user): it owns what team sync saves when no other owner is set. The server \
         checks the token with HubSpot before it replaces the one in use, keeps it sealed, and no \
         page shows it again.</p>",
        csrf = admin.csrf_field(),
        email = escape(&current_email),
    )
}

/// The HubSpot private-app form.
#[derive(Debug, Deserialize)]
pub struct PrivateAppForm {
    #[serde(default)]
    member: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    kind: Option<crm::Credential>,
}

/// `POST /admin/connect/hubspot`: checks a private-app token with HubSpot and stores it (the
/// same function as `POST /api/admin/connections/{member}/private-app`).
pub async fn connect_hubspot(
    State(state): State<AppState>,
    AdminForm(admin, form): AdminForm<PrivateAppForm>,
) -> Response {
    let request = PrivateAppRequest {
        token: form.token,
        email: form.email,
        kind: form.kind,
    };
    match store_private_app(&state, &admin.member, form.member.trim(), &request).await {
        Ok((stored, team_sync)) => {
            let what = match stored.as_ref().and_then(|c| c.pasted()) {
                Some(crm::Credential::ServiceKey) => "service key",
                _ => "private-app token",
            };
            let who = stored.map(|c| c.crm_email).unwrap_or_default();
            let mut text =
                format!("HubSpot accepted the {what}: it is stored, sealed, and saves for {who}.");
            if team_sync {
                text.push_str(" It is now the team sync.");
            }
            render(&state, &admin, Some(Notice::Done(text)), StatusCode::OK).await
        }
        Err(error) => failed(&state, &admin, error).await,
    }
}

/// The team sync choice form.
#[derive(Debug, Deserialize)]
pub struct TeamSyncForm {
    #[serde(default)]
    member: String,
}

/// `POST /admin/team-sync`: chooses the team sync (the same checks as the API).
pub async fn choose(
    State(state): State<AppState>,
    AdminForm(admin, form): AdminForm<TeamSyncForm>,
) -> Response {
    let member = Some(form.member.trim()).filter(|m| !m.is_empty());
    match choose_team_sync(&state, &admin.member, member).await {
        Ok(_) if member.is_none() => super::auth::see_other("/admin?done=team_sync_cleared"),
        Ok(warnings) => {
            let mut text = "Team sync chosen.".to_owned();
            if !warnings.is_empty() {
                text.push_str(&format!(
                    " The rules note: {}.",
                    warnings.join(", ").replace('_', " ")
                ));
            }
            render(&state, &admin, Some(Notice::Done(text)), StatusCode::OK).await
        }
        Err(error) => failed(&state, &admin, error).await,
    }
}

/// `POST /admin/connect/salesforce`: starts the server-side connect (303 to Salesforce).
pub async fn connect(
    State(state): State<AppState>,
    AdminForm(admin, NoFields {}): AdminForm<NoFields>,
) -> Response {
    match crate::api::oauth::start_connect(&state, &admin.member, Some(RETURN_TO_PAGES)).await {
        Ok(mut response) => {
            // A form's answer: 303 so the browser follows with a GET.
            *response.status_mut() = StatusCode::SEE_OTHER;
            response
        }
        Err(error) => failed(&state, &admin, error).await,
    }
}
