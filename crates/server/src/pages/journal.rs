//! The team's journal (saves), error log and admin changes: the newest rows in tables, and
//! the CSV downloads (the same CSV as `GET /api/admin/journal?format=csv`).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::api::admin::journal_csv;
use crate::app::AppState;
use crate::error::ApiError;
use crate::store::JournalEntry;

use super::auth::{error_page, PageAdmin};
use super::html::{escape, when};
use super::layout::{message_page, security_headers, Page, Tab};

/// Rows shown per table.
const SHOWN: i64 = 100;
/// Rows in a CSV download (the API's maximum).
const CSV_ROWS: i64 = 10_000;

/// `GET /admin/journal`.
pub async fn show(State(state): State<AppState>, admin: PageAdmin) -> Response {
    match body(&state, &admin).await {
        Ok((team, html)) => Page {
            title: "Journal",
            nav: Some((&admin, Tab::Journal)),
            team: Some(&team),
            notice: None,
            body: html,
            form_target: None,
        }
        .respond(StatusCode::OK),
        Err(error) => error_page(&error),
    }
}

async fn body(state: &AppState, admin: &PageAdmin) -> Result<(String, String), ApiError> {
    let team_id = &admin.member.team_id;
    let team = state
        .store
        .team(team_id)
        .await?
        .map(|t| t.name)
        .unwrap_or_default();
    // Actors by id, removed members' ids shown as they are.
    let emails: HashMap<String, String> = state
        .store
        .members(team_id)
        .await?
        .into_iter()
        .map(|m| (m.id, m.email))
        .collect();
    let mut html = String::new();
    for (kind, title, csv, testid) in [
        ("save", "Saves", Some("journal"), "journal"),
        ("error", "Error log", Some("errors"), "errors"),
        ("admin", "Team changes", None, "admin-log"),
    ] {
        let entries = state.store.journal(team_id, kind, SHOWN).await?;
        let download = csv
            .map(|name| {
                format!(
                    " <a class=\"button secondary\" data-testid=\"{name}-csv\" href=\"/admin/{name}.csv\" download>Download CSV</a>"
                )
            })
            .unwrap_or_default();
        html.push_str(&format!(
            "<section><h2>{title}{download}</h2>{}</section>",
            table(&entries, &emails, testid)
        ));
    }
    Ok((team, html))
}

fn table(entries: &[JournalEntry], emails: &HashMap<String, String>, testid: &str) -> String {
    if entries.is_empty() {
        return format!("<p data-testid=\"{testid}-empty\">Nothing yet.</p>");
    }
    let rows: String = entries
        .iter()
        .map(|e| {
            // A line without an actor is the server's own (the push engine's).
            let actor = e
                .actor_id
                .as_deref()
                .map(|id| emails.get(id).map(String::as_str).unwrap_or(id))
                .unwrap_or("the server");
            format!(
                "<tr><td class=\"when\">{at}</td><td>{actor}</td><td><code>{code}</code></td><td>{message}</td><td><code>{save}</code></td></tr>",
                at = when(Some(e.at)),
                actor = escape(actor),
                code = escape(&e.code),
                message = escape(&e.message),
                save = escape(e.save_id.as_deref().unwrap_or("")),
            )
        })
        .collect();
    format!(
        "<table data-testid=\"{testid}\"><thead><tr><th>When</th><th>Who</th><th>Code</th><th>What</th><th>Save id</th></tr></thead><tbody>{rows}</tbody></table>{more}",
        more = if entries.len() as i64 == SHOWN {
            format!("<p class=\"muted\">The newest {SHOWN} rows; the CSV has up to {CSV_ROWS}.</p>")
        } else {
            String::new()
        }
    )
}

/// `GET /admin/journal.csv` and `GET /admin/errors.csv`: the CSV, as a download.
pub async fn csv(
    State(state): State<AppState>,
    admin: PageAdmin,
    Path(file): Path<String>,
) -> Response {
    let (kind, name) = match file.as_str() {
        "journal.csv" => ("save", "leadline-journal.csv"),
        "errors.csv" => ("error", "leadline-errors.csv"),
        _ => {
            return message_page(
                StatusCode::NOT_FOUND,
                "Not found",
                "There is no such download.",
                Some(("/admin/journal", "Back to the journal")),
            )
        }
    };
    match state
        .store
        .journal(&admin.member.team_id, kind, CSV_ROWS)
        .await
    {
        Ok(entries) => {
            let mut response = (
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
                journal_csv(&entries),
            )
                .into_response();
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            security_headers(headers);
            response
        }
        Err(error) => error_page(&ApiError::from(error)),
    }
}
