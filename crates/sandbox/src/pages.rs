//! The OAuth authorize pages both CRMs share: a login form, then a consent screen, then a
//! redirect with `code` (or `error=access_denied`). Sessions between pages travel in a hidden
//! field.

use crate::clock;
use crate::grants::{AuthCode, LoginSession, Provider, CODE_TTL_MS};
use crate::http::{encode_component, html_escape, Request, Response};
use crate::ids;
use crate::org::State;
use crate::seed;

const SESSION_TTL_MS: i64 = 30 * 60 * 1000;

/// The authorize parameters, carried from page to page.
#[derive(Debug, Clone, Default)]
pub struct AuthorizeParams {
    /// `client_id`.
    pub client_id: String,
    /// `redirect_uri`.
    pub redirect_uri: String,
    /// `state`, echoed back.
    pub state: Option<String>,
    /// `scope`.
    pub scope: String,
    /// `code_challenge`.
    pub code_challenge: Option<String>,
    /// `code_challenge_method`.
    pub code_challenge_method: Option<String>,
    /// `response_type`.
    pub response_type: String,
}

impl AuthorizeParams {
    /// Reads the parameters from the query (GET) or the form (POST).
    pub fn from_request(request: &Request) -> AuthorizeParams {
        let pairs = if request.method == "POST" {
            request.form()
        } else {
            request.query_pairs()
        };
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        AuthorizeParams {
            client_id: get("client_id").unwrap_or_default(),
            redirect_uri: get("redirect_uri").unwrap_or_default(),
            state: get("state"),
            scope: get("scope").unwrap_or_default(),
            code_challenge: get("code_challenge"),
            code_challenge_method: get("code_challenge_method"),
            response_type: get("response_type").unwrap_or_else(|| "code".into()),
        }
    }

    fn hidden_fields(&self) -> String {
        let mut out = String::new();
        let mut add = |name: &str, value: &str| {
            out.push_str(&format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                html_escape(value)
            ));
        };
        add("client_id", &self.client_id);
        add("redirect_uri", &self.redirect_uri);
        add("response_type", &self.response_type);
        add("scope", &self.scope);
        if let Some(s) = &self.state {
            add("state", s);
        }
        if let Some(c) = &self.code_challenge {
            add("code_challenge", c);
        }
        if let Some(m) = &self.code_challenge_method {
            add("code_challenge_method", m);
        }
        out
    }
}

/// Builds `redirect_uri?k=v&...` (appending to an existing query).
pub fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let mut url = redirect_uri.to_string();
    for (i, (k, v)) in params.iter().enumerate() {
        let sep = if i == 0 && !redirect_uri.contains('?') {
            '?'
        } else {
            '&'
        };
        url.push(sep);
        url.push_str(k);
        url.push('=');
        url.push_str(&encode_component(v));
    }
    Response::redirect(&url)
}

/// Runs the authorize page state machine once the app and redirect URI were validated.
pub fn authorize(
    state: &mut State,
    request: &Request,
    provider: Provider,
    params: &AuthorizeParams,
    app_name: &str,
) -> Response {
    let now = clock::now_ms();
    state
        .sessions
        .retain(|_, s| now - s.created_ms < SESSION_TTL_MS);
    state.codes.retain(|_, c| now - c.created_ms < CODE_TTL_MS);
    if request.method != "POST" {
        return login_page(request, provider, params, None);
    }
    let form = request.form();
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    match field("step") {
        "consent" => {
            let Some(session) = state.sessions.remove(field("session")) else {
                return login_page(
                    request,
                    provider,
                    params,
                    Some("Your session has expired. Please log in again."),
                );
            };
            let state_param = params.state.clone().unwrap_or_default();
            if field("decision") != "allow" {
                let mut out = vec![
                    ("error", "access_denied"),
                    ("error_description", "end-user denied authorization"),
                ];
                if params.state.is_some() {
                    out.push(("state", state_param.as_str()));
                }
                return redirect_with(&params.redirect_uri, &out);
            }
            let code = format!("aPrx{}", ids::random_token(24));
            state.codes.insert(
                code.clone(),
                AuthCode {
                    provider,
                    client_id: params.client_id.clone(),
                    redirect_uri: params.redirect_uri.clone(),
                    user_id: session.user_id,
                    code_challenge: params.code_challenge.clone(),
                    scope: params.scope.clone(),
                    created_ms: now,
                },
            );
            let mut out = vec![("code", code.as_str())];
            if params.state.is_some() {
                out.push(("state", state_param.as_str()));
            }
            redirect_with(&params.redirect_uri, &out)
        }
        _ => {
            let user = seed::user_by_email(field("username").trim())
                .filter(|(_, u)| u.active && field("password") == seed::PASSWORD);
            let Some((user_id, user)) = user else {
                return login_page(
                    request,
                    provider,
                    params,
                    Some("Please check your username and password. If you still can't log in, contact your administrator."),
                );
            };
            let session = ids::random_token(18);
            state.sessions.insert(
                session.clone(),
                LoginSession {
                    user_id,
                    created_ms: now,
                },
            );
            consent_page(request, provider, params, app_name, user.email, &session)
        }
    }
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:28rem;margin:3rem auto}}label,input,button{{display:block;margin:.4rem 0}}\
         input{{width:100%;padding:.4rem}}button{{padding:.5rem 1.2rem}}.error{{color:#b00}}</style></head>\
         <body>{body}</body></html>",
        title = html_escape(title)
    )
}

fn login_page(
    request: &Request,
    provider: Provider,
    params: &AuthorizeParams,
    error: Option<&str>,
) -> Response {
    let error_html = error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" data-testid=\"login-error\">{}</p>",
                html_escape(e)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<h1>Log in to {brand}</h1>{error_html}\
         <form method=\"post\" action=\"{action}\">{hidden}\
         <input type=\"hidden\" name=\"step\" value=\"login\">\
         <label for=\"username\">Username</label><input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\">\
         <label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\">\
         <button type=\"submit\" id=\"Login\" data-testid=\"login\">Log In</button></form>",
        brand = provider.brand(),
        action = html_escape(&request.path),
        hidden = params.hidden_fields(),
    );
    Response::html(200, page(&format!("Login | {}", provider.brand()), &body))
}

fn consent_page(
    request: &Request,
    provider: Provider,
    params: &AuthorizeParams,
    app_name: &str,
    username: &str,
    session: &str,
) -> Response {
    let scopes: String = params
        .scope
        .split([' ', '+'])
        .filter(|s| !s.is_empty())
        .map(|s| format!("<li>{}</li>", html_escape(s)))
        .collect();
    let body = format!(
        "<h1>Allow {app} to access your {brand} data?</h1>\
         <p>Logged in as <strong data-testid=\"username\">{user}</strong>.</p>\
         <p>{app} is asking to:</p><ul>{scopes}</ul>\
         <form method=\"post\" action=\"{action}\">{hidden}\
         <input type=\"hidden\" name=\"step\" value=\"consent\">\
         <input type=\"hidden\" name=\"session\" value=\"{session}\">\
         <button type=\"submit\" name=\"decision\" value=\"allow\" data-testid=\"allow\">Allow</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\" data-testid=\"deny\">Deny</button></form>",
        app = html_escape(app_name),
        brand = provider.brand(),
        user = html_escape(username),
        action = html_escape(&request.path),
        hidden = params.hidden_fields(),
        session = html_escape(session),
    );
    Response::html(
        200,
        page(&format!("Allow Access? | {}", provider.brand()), &body),
    )
}

/// A plain error page (for bad client ids or redirect URIs, which must not redirect).
pub fn error_page(status: u16, title: &str, detail: &str) -> Response {
    Response::html(
        status,
        page(
            title,
            &format!(
                "<h1>{}</h1><p data-testid=\"oauth-error\">{}</p>",
                html_escape(title),
                html_escape(detail)
            ),
        ),
    )
}

/// `base64url(sha256(verifier))` without padding.
pub fn s256(verifier: &str) -> String {
    use base64::Engine;
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc7636_example() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
