//! "Who owns what": the attribution simulator. The admin picks a member, a source and one
//! person or a list, and reads who would push the save, who the CRM would show as Created By
//! and Owner, and why: the server's own decision ([`crate::api::simulate::run`], the call a
//! real save makes), so settings can be tried before reps use them. A `GET` form: nothing
//! changes, nothing is pushed.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::api::simulate::{run, PushedBy, SimulateRequest, Simulation};
use crate::api::team::TeamCopy;
use crate::app::AppState;

use super::auth::{error_page, PageAdmin};
use super::html::escape;
use super::layout::{Notice, Page, Tab};

/// The form's fields, all optional: without a member and a source the page shows only the form.
#[derive(Debug, Deserialize)]
pub struct Asked {
    member: Option<String>,
    source: Option<String>,
    push: Option<String>,
}

/// `GET /admin/simulator`.
pub async fn show(
    State(state): State<AppState>,
    admin: PageAdmin,
    Query(asked): Query<Asked>,
) -> Response {
    let copy = match TeamCopy::load(&state, &admin.member.team_id).await {
        Ok(copy) => copy,
        Err(error) => return error_page(&error),
    };
    let (answer, notice, status) = match (&asked.member, &asked.source) {
        (Some(member), Some(source)) => {
            let request = SimulateRequest {
                member: member.clone(),
                source: source.clone(),
                push: asked.push.clone(),
                record: None,
            };
            match run(&copy, &request) {
                Ok(simulation) => (answer_html(&simulation), None, StatusCode::OK),
                Err(error) => (
                    String::new(),
                    Some(Notice::Failed(error.message)),
                    error.status,
                ),
            }
        }
        _ => (String::new(), None, StatusCode::OK),
    };
    let body = format!("{}{answer}", form_html(&copy, &asked));
    Page {
        title: "Who owns what",
        nav: Some((&admin, Tab::Simulator)),
        team: Some(&copy.team.name),
        notice,
        body,
        form_target: None,
    }
    .respond(status)
}

fn form_html(copy: &TeamCopy, asked: &Asked) -> String {
    let selected = |on: bool| if on { " selected" } else { "" };
    let members: String = copy
        .members
        .iter()
        .map(|m| {
            format!(
                "<option value=\"{id}\"{s}>{email} ({role})</option>",
                id = escape(&m.id),
                s = selected(asked.member.as_deref() == Some(m.id.as_str())),
                email = escape(&m.email),
                role = m.role.as_str(),
            )
        })
        .collect();
    let sources: String = attribution::Source::ALL
        .iter()
        .map(|s| {
            format!(
                "<option value=\"{v}\"{sel}>{label}</option>",
                v = s.as_str(),
                sel = selected(asked.source.as_deref() == Some(s.as_str())),
                label = s.saves_phrase(),
            )
        })
        .collect();
    let bulk = asked.push.as_deref() == Some("bulk");
    format!(
        "<section><p>Who would push a save, and whom {crm} would show as Created By and Owner: \
         the team server decides with the same rules and team as for a real save. Nothing is \
         pushed.</p>\
         <form method=\"get\" action=\"/admin/simulator\" data-testid=\"simulator\">\
         <label for=\"sim-member\">Saved by</label>\
         <select id=\"sim-member\" name=\"member\" data-testid=\"sim-member\">{members}</select>\
         <label for=\"sim-source\">From</label>\
         <select id=\"sim-source\" name=\"source\" data-testid=\"sim-source\">{sources}</select>\
         <label for=\"sim-push\">How many</label>\
         <select id=\"sim-push\" name=\"push\" data-testid=\"sim-push\">\
         <option value=\"single\"{one}>One person</option>\
         <option value=\"bulk\"{many}>A list (bulk)</option></select>\
         <p><button type=\"submit\" data-testid=\"simulate\">Show who owns what</button></p>\
         </form></section>",
        crm = copy.team.crm.name(),
        one = selected(!bulk),
        many = selected(bulk),
    )
}

fn answer_html(s: &Simulation) -> String {
    let decision = &s.decision;
    if decision["ok"] != serde_json::json!(true) {
        return format!(
            "<section data-testid=\"simulation\"><h2>Answer</h2>\
             <p class=\"bad\" data-testid=\"sim-refused\">Nothing would push this save: {} ({}).</p></section>",
            escape(decision["error"]["message"].as_str().unwrap_or_default()),
            escape(decision["error"]["code"].as_str().unwrap_or_default()),
        );
    }
    let connection = s.connection.as_deref().unwrap_or("an unknown member");
    let pushed = match s.pushed_by {
        Some(PushedBy::Server) => format!(
            "By the team server, with the connection of {} (held by the team)",
            escape(connection)
        ),
        _ => format!(
            "From the browser of {}, with their own connection: the team server never holds it",
            escape(connection)
        ),
    };
    let list = |key: &str| -> String {
        decision[key]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .map(|i| format!("<li>{}</li>", escape(&words(i))))
                    .collect()
            })
            .unwrap_or_default()
    };
    let warnings = list("warnings");
    let needs = list("needs");
    let extra = |title: &str, testid: &str, items: &str| {
        if items.is_empty() {
            String::new()
        } else {
            format!("<dt>{title}</dt><dd><ul data-testid=\"{testid}\">{items}</ul></dd>")
        }
    };
    format!(
        "<section data-testid=\"simulation\"><h2>Answer: {source_phrase} by {email}</h2><dl>\
         <dt>Pushed</dt><dd data-testid=\"sim-pushed\">{pushed}</dd>\
         <dt>Created By</dt><dd data-testid=\"sim-created-by\">{created_by}</dd>\
         <dt>Owner</dt><dd data-testid=\"sim-owner\">{owner}</dd>\
         <dt>Why (as the rep reads it)</dt><dd><ul data-testid=\"sim-reasons\">{reasons}</ul></dd>{warnings}{needs}</dl></section>",
        source_phrase = attribution::Source::parse(&s.source)
            .map_or("A save", |source| source.saves_phrase()),
        email = escape(&s.email),
        created_by = escape(s.created_by.as_deref().unwrap_or_default()),
        owner = escape(s.owner.as_deref().unwrap_or_default()),
        reasons = list("reasons"),
        warnings = extra("Warnings", "sim-warnings", &warnings),
        needs = extra("Asks the rep", "sim-needs", &needs),
    )
}

/// The words for a warning or need code; reasons pass through as they are.
fn words(item: &str) -> String {
    match item {
        "team_sync_not_admin" => "The team sync connection is not an admin in the CRM: it may not see or own every record (team_sync_not_admin).".to_owned(),
        "owner_inactive" => "A candidate owner is inactive in the CRM and was skipped (owner_inactive).".to_owned(),
        "crm_user_pick" => "The rep's CRM email differs from their login email: the extension asks them which CRM user they are (crm_user_pick).".to_owned(),
        other => other.to_owned(),
    }
}
