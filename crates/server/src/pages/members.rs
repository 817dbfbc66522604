//! Members: the list (role, CRM user, owner mapping, team-held connection), adding a member
//! by CRM user, one-time invite codes (shown once), the owner mapping form, and signing a
//! member out everywhere or removing them, each behind a confirmation page.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::api::admin::{new_invite, refresh_directory, remove, revoke, set_crm};
use crate::api::sign_in::add_by_crm_user;
use crate::api::team::{crm_user_label, TeamCopy};
use crate::app::AppState;
use crate::error::ApiError;
use crate::store::{Member, Role};

use super::auth::{error_page, see_other, AdminForm, NoFields, PageAdmin};
use super::html::{escape, when};
use super::layout::{message_page, Done, Notice, Page, Tab};

fn done_text(done: &str) -> Option<&'static str> {
    Some(match done {
        "added" => "Member added. They sign in with Salesforce (in the extension) as that CRM user.",
        "crm" => "CRM user and owner mapping saved.",
        "crm_users" => "CRM user directory read again from the CRM with the team sync connection.",
        "removed" => "Member removed: their sessions ended and the team no longer holds their connection.",
        "revoked" => "Signed out everywhere: their sessions ended; they sign in again to save through the server.",
        _ => return None,
    })
}

/// `GET /admin/members`.
pub async fn show(
    State(state): State<AppState>,
    admin: PageAdmin,
    Query(q): Query<Done>,
) -> Response {
    let notice = q
        .done
        .as_deref()
        .and_then(done_text)
        .map(|t| Notice::Done(t.into()));
    render(&state, &admin, notice, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    admin: &PageAdmin,
    notice: Option<Notice>,
    shown_once: Option<String>,
    status: StatusCode,
) -> Response {
    let directory_status = state.store.crm_users_status(&admin.member.team_id).await;
    match TeamCopy::load(state, &admin.member.team_id).await {
        Ok(copy) => Page {
            title: "Members",
            nav: Some((admin, Tab::Members)),
            team: Some(&copy.team.name),
            notice,
            body: format!(
                "{}{}{}",
                shown_once.unwrap_or_default(),
                body(admin, &copy),
                directory(admin, &copy, directory_status.unwrap_or_default())
            ),
            form_target: None,
        }
        .respond(status),
        Err(error) => error_page(&error),
    }
}

fn body(admin: &PageAdmin, copy: &TeamCopy) -> String {
    let rows: String = copy.members.iter().map(|m| row(admin, copy, m)).collect();
    format!(
        "<section><table data-testid=\"members\"><thead><tr><th>Member</th><th>Role</th>\
         <th>CRM user and owner mapping</th><th>Team-held connection</th><th>Joined</th><th></th></tr></thead>\
         <tbody>{rows}</tbody></table>\
         <p class=\"muted\">The owner mapping names the CRM user who owns the records this member \
         saves; empty means the member's own CRM user.</p></section>\
         <section><h2>Add a member by CRM user</h2><p>They join by signing in with Salesforce in the \
         extension; no invite code needed.</p>\
         <form class=\"row\" method=\"post\" action=\"/admin/members\">{csrf}\
         <div><label for=\"add-email\">Email</label><input type=\"email\" id=\"add-email\" name=\"email\" required></div>\
         <div><label for=\"add-crm\">CRM user id</label><input type=\"text\" id=\"add-crm\" name=\"crm_user_id\" list=\"crm-users\" required placeholder=\"005…\"></div>\
         <div><label for=\"add-role\">Role</label><select id=\"add-role\" name=\"role\"><option value=\"rep\">Rep</option><option value=\"admin\">Admin</option></select></div>\
         <div><button type=\"submit\" data-testid=\"add-member\">Add member</button></div></form></section>\
         <section><h2>Invite code</h2><p>For someone without a CRM login, or an admin: a one-time \
         code, shown once, that they redeem (reps in the extension, admins on the sign-in page).</p>\
         <form class=\"row\" method=\"post\" action=\"/admin/invites\">{csrf}\
         <div><label for=\"invite-role\">Role</label><select id=\"invite-role\" name=\"role\"><option value=\"rep\">Rep</option><option value=\"admin\">Admin</option></select></div>\
         <div><label for=\"invite-email\">For email (optional)</label><input type=\"email\" id=\"invite-email\" name=\"email\"></div>\
         <div><button type=\"submit\" data-testid=\"create-invite\">Create invite code</button></div></form></section>",
        csrf = admin.csrf_field(),
    )
}

/// The CRM user directory: how many users, when read, why the last read failed; the refresh
/// button; and the `<datalist>` the CRM user fields offer (active users only).
fn directory(
    admin: &PageAdmin,
    copy: &TeamCopy,
    (read_at, error): (Option<i64>, Option<String>),
) -> String {
    let users = copy.crm_users();
    let (crm, whom) = match copy.team.crm {
        saves::CrmKind::Salesforce => ("Salesforce", "users"),
        saves::CrmKind::Hubspot => ("HubSpot", "owners"),
    };
    let inactive = users.iter().filter(|u| !u.active).count();
    let state = match read_at {
        Some(at) => format!(
            "<p data-testid=\"crm-users-status\">{n} {crm} {whom} ({inactive} inactive), read {at} \
             with the team sync connection. Inactive ones are never assigned as owner; the CRM \
             user and owner mapping fields accept only active ones.</p>",
            n = users.len(),
            at = when(Some(at)),
        ),
        None => format!(
            "<p data-testid=\"crm-users-status\">Not read yet: the server reads the {crm} {whom} with \
             the team sync connection once it is connected. Until then any CRM user id is accepted \
             and inactive owners are found only when {crm} refuses them.</p>"
        ),
    };
    let failed = error
        .map(|why| {
            format!(
                "<p class=\"notice error\" data-testid=\"crm-users-error\">The last read failed: {}. \
                 The directory above is the one read before.</p>",
                escape(&why)
            )
        })
        .unwrap_or_default();
    let options: String = users
        .iter()
        .filter(|u| u.active)
        .map(|u| {
            format!(
                "<option value=\"{}\">{}</option>",
                escape(&u.id),
                escape(&crm_user_label(u))
            )
        })
        .collect();
    format!(
        "<section><h2>CRM user directory</h2>{state}{failed}\
         <form class=\"row\" method=\"post\" action=\"/admin/crm-users/refresh\">{csrf}\
         <button type=\"submit\" class=\"secondary\" data-testid=\"refresh-crm-users\">Refresh CRM users</button></form>\
         <datalist id=\"crm-users\">{options}</datalist></section>",
        csrf = admin.csrf_field(),
    )
}

/// `POST /admin/crm-users/refresh`: reads the directory again (the API's function).
pub async fn refresh_crm_users(
    State(state): State<AppState>,
    AdminForm(admin, NoFields {}): AdminForm<NoFields>,
) -> Response {
    match refresh_directory(&state, &admin.member).await {
        Ok(_) => see_other("/admin/members?done=crm_users"),
        Err(error) => failed(&state, &admin, error).await,
    }
}

fn row(admin: &PageAdmin, copy: &TeamCopy, m: &Member) -> String {
    let connection = match copy.connection_of(&m.id) {
        Some(c) => format!(
            "{} <code>{}</code> ({}){}",
            escape(&c.crm_email),
            escape(&c.crm_user_id),
            escape(&c.permission),
            if copy.team.team_sync_member.as_deref() == Some(m.id.as_str()) {
                " · <strong>team sync</strong>"
            } else {
                ""
            }
        ),
        None if copy.own_browser_user(m).is_some() => {
            "<span class=\"muted\">in their own browser</span>".to_owned()
        }
        None => "<span class=\"muted\">none</span>".to_owned(),
    };
    let id = escape(&m.id);
    let actions = if m.id == admin.member.id {
        "<span class=\"muted\">you</span>".to_owned()
    } else {
        format!(
            "<a href=\"/admin/members/{id}/revoke\" data-testid=\"revoke\">Sign out everywhere</a> · \
             <a href=\"/admin/members/{id}/remove\" data-testid=\"remove\">Remove</a>"
        )
    };
    format!(
        "<tr data-member=\"{id}\"><td data-testid=\"member-email\">{email}</td><td>{role}</td>\
         <td><form method=\"post\" action=\"/admin/members/{id}/crm\">{csrf}\
         <input type=\"text\" name=\"crm_user_id\" list=\"crm-users\" aria-label=\"CRM user id of {email}\" value=\"{crm}\" placeholder=\"CRM user id\">\
         <input type=\"text\" name=\"owner_mapping\" list=\"crm-users\" aria-label=\"Owner mapping of {email}\" value=\"{owner}\" placeholder=\"owner: own CRM user\">\
         <button type=\"submit\" class=\"secondary\" data-testid=\"save-crm\">Save</button></form>{named}</td>\
         <td>{connection}</td><td>{joined}</td><td>{actions}</td></tr>",
        email = escape(&m.email),
        role = m.role.as_str(),
        crm = escape(m.crm_user_id.as_deref().unwrap_or("")),
        owner = escape(m.owner_mapping.as_deref().unwrap_or("")),
        named = named(copy, m),
        joined = when(Some(m.created_at)),
        csrf = admin.csrf_field(),
    )
}

/// Who the member's CRM user and owner mapping are, by the directory (nothing when it does
/// not know them).
fn named(copy: &TeamCopy, m: &Member) -> String {
    let users = copy.crm_users();
    let line = |what: &str, id: Option<&str>| {
        let u = users.iter().find(|u| Some(u.id.as_str()) == id)?;
        let inactive = if u.active { "" } else { " (inactive)" };
        Some(format!("{what}: {}{inactive}", crm_user_label(u)))
    };
    let lines: Vec<String> = [
        line("CRM user", m.crm_user_id.as_deref()),
        line("Owner", m.owner_mapping.as_deref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if lines.is_empty() {
        return String::new();
    }
    format!(
        "<div class=\"muted\" data-testid=\"crm-names\">{}</div>",
        escape(&lines.join(" · "))
    )
}

/// The add-member form.
#[derive(Debug, Deserialize)]
pub struct AddForm {
    email: String,
    crm_user_id: String,
    role: Option<String>,
}

/// `POST /admin/members`: adds a member by CRM user.
pub async fn add(
    State(state): State<AppState>,
    AdminForm(admin, form): AdminForm<AddForm>,
) -> Response {
    match add_by_crm_user(
        &state,
        &admin.member,
        &form.email,
        &form.crm_user_id,
        form.role.as_deref(),
    )
    .await
    {
        Ok(_) => see_other("/admin/members?done=added"),
        Err(error) => failed(&state, &admin, error).await,
    }
}

async fn failed(state: &AppState, admin: &PageAdmin, error: ApiError) -> Response {
    render(
        state,
        admin,
        Some(Notice::Failed(error.message)),
        None,
        error.status,
    )
    .await
}

/// The invite form.
#[derive(Debug, Deserialize)]
pub struct InviteForm {
    role: Option<String>,
    #[serde(default)]
    email: String,
}

/// `POST /admin/invites`: a one-time code, shown on this answer only.
pub async fn invite(
    State(state): State<AppState>,
    AdminForm(admin, form): AdminForm<InviteForm>,
) -> Response {
    let email = Some(form.email.as_str()).filter(|e| !e.trim().is_empty());
    match new_invite(&state, &admin.member, form.role.as_deref(), email).await {
        Ok(invite) => {
            let where_to = match invite.role {
                Role::Admin => "on this server's sign-in page (/admin/sign-in)",
                Role::Rep => {
                    "in the Leadline extension: Options → Team server → Join with an invite code"
                }
            };
            let shown = format!(
                "<section class=\"card\" data-testid=\"invite\"><h2>Invite code for a {role}{for_email}</h2>\
                 <p class=\"code\" data-testid=\"invite-code\">{code}</p>\
                 <p>Copy it now: it is shown only this once, works once, and expires {expires}. \
                 It is redeemed {where_to}.</p></section>",
                role = invite.role.as_str(),
                for_email = invite
                    .email
                    .as_deref()
                    .map(|e| format!(" ({})", escape(e)))
                    .unwrap_or_default(),
                code = escape(&invite.code),
                expires = when(Some(invite.expires_at)),
            );
            render(&state, &admin, None, Some(shown), StatusCode::CREATED).await
        }
        Err(error) => failed(&state, &admin, error).await,
    }
}

/// The CRM user and owner mapping form (an empty field clears it).
#[derive(Debug, Deserialize)]
pub struct CrmForm {
    #[serde(default)]
    crm_user_id: String,
    #[serde(default)]
    owner_mapping: String,
}

/// `POST /admin/members/{id}/crm`.
pub async fn save_crm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm(admin, form): AdminForm<CrmForm>,
) -> Response {
    let given = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let crm = given(&form.crm_user_id);
    let owner = given(&form.owner_mapping);
    match set_crm(&state, &admin.member, &id, crm.as_deref(), owner.as_deref()).await {
        Ok(_) => see_other("/admin/members?done=crm"),
        Err(error) => failed(&state, &admin, error).await,
    }
}

/// What a confirmation page confirms.
#[derive(Debug, Clone, Copy)]
enum Action {
    Remove,
    Revoke,
}

async fn confirm(state: &AppState, admin: &PageAdmin, id: &str, action: Action) -> Response {
    let member = match state.store.member(&admin.member.team_id, id).await {
        Ok(Some(member)) => member,
        Ok(None) => {
            return message_page(
                StatusCode::NOT_FOUND,
                "No such member",
                "No such member on your team (removed already?).",
                Some(("/admin/members", "Back to members")),
            )
        }
        Err(error) => return error_page(&ApiError::from(error)),
    };
    let (title, what, button, path) = match action {
        Action::Remove => (
            "Remove this member?",
            "They are signed out everywhere and can no longer save through the server. If the \
             team holds a connection for them it is deleted, and if it was the team sync, the \
             team has none until you choose another. Their past saves stay in the journal.",
            "Remove",
            "remove",
        ),
        Action::Revoke => (
            "Sign this member out everywhere?",
            "Every session they have (extension and browser) ends now. They stay on the team and \
             can sign in again.",
            "Sign out everywhere",
            "revoke",
        ),
    };
    Page {
        title,
        nav: Some((admin, Tab::Members)),
        team: None,
        notice: None,
        body: format!(
            "<section class=\"card\"><p><strong data-testid=\"confirm-member\">{email}</strong> ({role})</p><p>{what}</p>\
             <form class=\"row\" method=\"post\" action=\"/admin/members/{id}/{path}\">{csrf}\
             <button type=\"submit\" class=\"danger\" data-testid=\"confirm\">{button}</button>\
             <a class=\"button secondary\" href=\"/admin/members\">Cancel</a></form></section>",
            email = escape(&member.email),
            role = member.role.as_str(),
            id = escape(&member.id),
            csrf = admin.csrf_field(),
        ),
        form_target: None,
    }
    .respond(StatusCode::OK)
}

/// `GET /admin/members/{id}/remove`: the confirmation.
pub async fn confirm_remove(
    State(state): State<AppState>,
    admin: PageAdmin,
    Path(id): Path<String>,
) -> Response {
    confirm(&state, &admin, &id, Action::Remove).await
}

/// `GET /admin/members/{id}/revoke`: the confirmation.
pub async fn confirm_revoke(
    State(state): State<AppState>,
    admin: PageAdmin,
    Path(id): Path<String>,
) -> Response {
    confirm(&state, &admin, &id, Action::Revoke).await
}

/// `POST /admin/members/{id}/remove`.
pub async fn do_remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm(admin, NoFields {}): AdminForm<NoFields>,
) -> Response {
    match remove(&state, &admin.member, &id).await {
        Ok(()) => see_other("/admin/members?done=removed"),
        Err(error) => failed(&state, &admin, error).await,
    }
}

/// `POST /admin/members/{id}/revoke`.
pub async fn do_revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm(admin, NoFields {}): AdminForm<NoFields>,
) -> Response {
    match revoke(&state, &admin.member, &id).await {
        Ok(_) => see_other("/admin/members?done=revoked"),
        Err(error) => failed(&state, &admin, error).await,
    }
}
