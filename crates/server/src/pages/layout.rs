//! The frame of every admin page: the document, the navigation with the signed-in admin and
//! the sign-out button, the notice line, the stylesheet, and the security headers.
//!
//! Headers on every page: a strict Content Security Policy (no script at all, styles only
//! from `/admin/style.css`, forms only to this server and, where a page starts the connect
//! flow, the Salesforce login host it redirects to; no framing), `no-store`, `nosniff`,
//! `Referrer-Policy: same-origin` (other sites get no referrer; `no-referrer` would make
//! browsers send `Origin: null` with the pages' own forms, which the `Origin` check refuses).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::auth::PageAdmin;
use super::html::escape;

/// The admin pages' tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Team, CRM, team sync and its health.
    Overview,
    /// Members, invites, owner mapping.
    Members,
    /// Push settings.
    Settings,
    /// Journal and error log.
    Journal,
    /// Who would own what: the attribution simulator.
    Simulator,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Overview,
        Tab::Members,
        Tab::Settings,
        Tab::Simulator,
        Tab::Journal,
    ];

    fn path(self) -> &'static str {
        match self {
            Tab::Overview => "/admin",
            Tab::Members => "/admin/members",
            Tab::Settings => "/admin/settings",
            Tab::Journal => "/admin/journal",
            Tab::Simulator => "/admin/simulator",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Members => "Members",
            Tab::Settings => "Push settings",
            Tab::Journal => "Journal",
            Tab::Simulator => "Who owns what",
        }
    }
}

/// `?done=` after a form's action redirected back to its page (Post/Redirect/Get): which
/// action, for the page's "done" notice.
#[derive(Debug, serde::Deserialize)]
pub struct Done {
    /// The action that ran (each page knows its own words for it).
    pub done: Option<String>,
}

/// A line at the top of a page saying what the last action did, or why it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// It worked.
    Done(String),
    /// It did not; the text says why and what to do.
    Failed(String),
}

impl Notice {
    fn html(&self) -> String {
        match self {
            Notice::Done(text) => format!(
                "<p class=\"notice ok\" role=\"status\" data-testid=\"notice\">{}</p>",
                escape(text)
            ),
            Notice::Failed(text) => format!(
                "<p class=\"notice error\" role=\"alert\" data-testid=\"error\">{}</p>",
                escape(text)
            ),
        }
    }
}

/// What a page is made of.
pub struct Page<'a> {
    /// The `<title>` and `<h1>` (text, escaped here).
    pub title: &'a str,
    /// The signed-in admin and the current tab, for the navigation (none on sign-in pages).
    pub nav: Option<(&'a PageAdmin, Tab)>,
    /// The team's name shown beside the product name.
    pub team: Option<&'a str>,
    /// The result of the last action, if any.
    pub notice: Option<Notice>,
    /// The page's own markup (already escaped where it carries data).
    pub body: String,
    /// An origin the page's forms may end up at (the Salesforce login host, for the connect
    /// button's redirect), added to `form-action`.
    pub form_target: Option<String>,
}

impl Page<'_> {
    /// The page as an HTML answer with `status` and the security headers.
    pub fn respond(self, status: StatusCode) -> Response {
        let nav = self
            .nav
            .map(|(admin, current)| nav_html(admin, current))
            .unwrap_or_default();
        let team = self
            .team
            .map(|t| format!(" <span class=\"team\">· {}</span>", escape(t)))
            .unwrap_or_default();
        let notice = self.notice.as_ref().map(Notice::html).unwrap_or_default();
        let html = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} · Leadline admin</title><link rel=\"stylesheet\" href=\"/admin/style.css\">\
             </head><body><header><span class=\"brand\">Leadline team server</span>{team}{nav}</header>\
             <main><h1>{title}</h1>{notice}{body}</main></body></html>",
            title = escape(self.title),
            body = self.body,
        );
        let csp = content_security_policy(self.form_target.as_deref());
        let mut response = (status, html).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        if let Ok(value) = HeaderValue::from_str(&csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
        security_headers(headers);
        response
    }
}

/// The headers every admin answer carries besides its CSP.
pub fn security_headers(headers: &mut axum::http::HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

/// The policy: nothing but this server's stylesheet, forms to this server (and
/// `form_target`), never framed.
pub fn content_security_policy(form_target: Option<&str>) -> String {
    let extra = form_target
        .filter(|t| {
            t.bytes()
                .all(|b| b.is_ascii_graphic() && b != b';' && b != b',')
        })
        .map(|t| format!(" {t}"))
        .unwrap_or_default();
    format!(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'{extra}; \
         frame-ancestors 'none'; base-uri 'none'"
    )
}

fn nav_html(admin: &PageAdmin, current: Tab) -> String {
    let links: String = Tab::ALL
        .iter()
        .map(|tab| {
            let aria = if *tab == current {
                " aria-current=\"page\""
            } else {
                ""
            };
            format!("<a href=\"{}\"{aria}>{}</a>", tab.path(), tab.label())
        })
        .collect();
    format!(
        "<nav>{links}</nav><form class=\"signout\" method=\"post\" action=\"/admin/sign-out\">\
         <span data-testid=\"signed-in-as\">{email}</span>{csrf}\
         <button type=\"submit\">Sign out</button></form>",
        email = escape(&admin.member.email),
        csrf = admin.csrf_field(),
    )
}

/// A page with only a message (refusals, confirmations of nothing), without navigation.
pub fn message_page(
    status: StatusCode,
    title: &str,
    message: &str,
    link: Option<(&str, &str)>,
) -> Response {
    let link = link
        .map(|(href, text)| format!("<p><a href=\"{}\">{}</a></p>", escape(href), escape(text)))
        .unwrap_or_default();
    Page {
        title,
        nav: None,
        team: None,
        notice: None,
        body: format!("<p data-testid=\"message\">{}</p>{link}", escape(message)),
        form_target: None,
    }
    .respond(status)
}

/// `GET /admin/style.css`: the one stylesheet.
pub async fn stylesheet() -> Response {
    let mut response = (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
        .into_response();
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

const STYLESHEET: &str = "\
:root{--ink:#1d2430;--muted:#5b6475;--line:#d9dee7;--accent:#0b5cad;--ok:#1d7a3d;--bad:#b3261e;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--ink);background:var(--bg)}
header{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.6rem 1.5rem;background:#fff;border-bottom:1px solid var(--line)}
.brand{font-weight:600}.team{color:var(--muted)}
nav{display:flex;gap:.25rem;flex:1}
nav a{padding:.35rem .7rem;border-radius:6px;color:var(--ink);text-decoration:none}
nav a[aria-current=page]{background:var(--bg);font-weight:600}
.signout{display:flex;gap:.5rem;align-items:center;color:var(--muted)}
main{max-width:68rem;margin:1.5rem auto;padding:0 1.5rem}
h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:1.6rem 0 .6rem}
section>h2:first-child,.card>h2:first-child{margin-top:0}
h2 .button{font-size:.85rem;font-weight:500;padding:.2rem .6rem;margin-left:.6rem;vertical-align:middle}
td.when{white-space:nowrap}
section,.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem 1.2rem;margin-bottom:1rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.85rem;color:var(--muted);font-weight:600}
td form{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}dt{color:var(--muted)}dd{margin:0}
label{display:block;margin:.5rem 0 .2rem;font-weight:500}
input[type=text],input[type=email],select{font:inherit;padding:.35rem .5rem;border:1px solid var(--line);border-radius:6px;min-width:14rem}
td input[type=text]{min-width:10rem}
button,.button{font:inherit;padding:.4rem .9rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:var(--accent)}
button.danger{background:var(--bad);border-color:var(--bad)}
.notice{padding:.6rem .9rem;border-radius:6px;margin:0 0 1rem}
.ok{color:var(--ok)}.error,.bad{color:var(--bad)}
.notice.ok{background:#e8f5ec;color:var(--ok)}.notice.error{background:#fbeaea;color:var(--bad)}
.status-ok{color:var(--ok);font-weight:600}.status-bad{color:var(--bad);font-weight:600}
.code{font:600 1.1rem ui-monospace,monospace;background:var(--bg);padding:.5rem .8rem;border-radius:6px;user-select:all;word-break:break-all}
.muted,small{color:var(--muted)}code{font-family:ui-monospace,monospace}
.row{display:flex;gap:.6rem;flex-wrap:wrap;align-items:end}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_no_script_and_only_named_form_targets() {
        let plain = content_security_policy(None);
        assert!(plain.contains("default-src 'none'"));
        assert!(plain.contains("form-action 'self';"));
        assert!(!plain.contains("script-src"), "scripts fall back to 'none'");
        let with = content_security_policy(Some("https://login.salesforce.com"));
        assert!(with.contains("form-action 'self' https://login.salesforce.com;"));
        // A target that would add a directive is dropped.
        let sneaky = content_security_policy(Some("https://x; script-src *"));
        assert!(sneaky.contains("form-action 'self';"), "{sneaky}");
    }
}
