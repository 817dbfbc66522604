//! HTTP requests and responses as plain values, plus the encoding helpers builders share.
//!
//! The JSON form of both types is exactly their field names, with headers as
//! `[["Name","value"], ...]`; the service worker executes an [`HttpRequest`] with `fetch` and
//! hands back an [`HttpResponse`].

use serde::{Deserialize, Serialize};

/// A request to execute, exactly as it goes on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// `GET`, `POST`, `PATCH`, `DELETE`.
    pub method: String,
    /// Absolute URL, query string already encoded.
    pub url: String,
    /// Header name/value pairs in order.
    pub headers: Vec<(String, String)>,
    /// Body text (JSON or form-encoded), if any.
    pub body: Option<String>,
}

/// A response as received, handed back by whoever executed the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// Header name/value pairs (names compared case-insensitively).
    pub headers: Vec<(String, String)>,
    /// Body text (empty when there was none).
    pub body: String,
}

impl HttpResponse {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// True for 2xx statuses.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl HttpRequest {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    pub(crate) fn get(url: String, bearer: &str) -> Self {
        Self {
            method: "GET".into(),
            url,
            headers: vec![
                ("Authorization".into(), format!("Bearer {bearer}")),
                ("Accept".into(), "application/json".into()),
            ],
            body: None,
        }
    }

    pub(crate) fn json(method: &str, url: String, bearer: &str, body: &serde_json::Value) -> Self {
        Self {
            method: method.into(),
            url,
            headers: vec![
                ("Authorization".into(), format!("Bearer {bearer}")),
                ("Accept".into(), "application/json".into()),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: Some(body.to_string()),
        }
    }

    pub(crate) fn form(url: String, pairs: &[(&str, &str)]) -> Self {
        Self {
            method: "POST".into(),
            url,
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
                ("Accept".into(), "application/json".into()),
            ],
            body: Some(form_encode(pairs)),
        }
    }
}

fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Percent-encodes everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0x0f));
        }
    }
    out
}

fn hex_digit(n: u8) -> char {
    char::from(b"0123456789ABCDEF"[usize::from(n & 0x0f)])
}

/// `a=1&b=2` with both sides percent-encoded (also valid `application/x-www-form-urlencoded`).
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes `%XX` escapes and (form style) `+` as space; invalid escapes are kept verbatim.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Splits `a=1&b=2` into decoded pairs (for parsing redirect URLs and in tests).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

/// Joins an instance/API base and a path without doubling or dropping the slash.
pub(crate) fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn encodes_reserved_and_unicode() {
        assert_eq!(percent_encode("a+b@c d/é"), "a%2Bb%40c%20d%2F%C3%A9");
        assert_eq!(percent_decode("a%2Bb%40c%20d%2F%C3%A9+x"), "a+b@c d/é x");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn query_round_trip() {
        let q = form_encode(&[
            ("q", "SELECT Id FROM User WHERE Email = 'a+b@x.com'"),
            ("x", ""),
        ]);
        assert_eq!(
            parse_query(&q),
            vec![
                (
                    "q".to_string(),
                    "SELECT Id FROM User WHERE Email = 'a+b@x.com'".to_string()
                ),
                ("x".to_string(), String::new())
            ]
        );
    }

    #[test]
    fn response_header_lookup_is_case_insensitive() {
        let r = HttpResponse {
            status: 200,
            headers: vec![("sforce-limit-info".into(), "api-usage=1/2".into())],
            body: String::new(),
        };
        assert_eq!(r.header("Sforce-Limit-Info"), Some("api-usage=1/2"));
        assert!(r.is_success());
        assert_eq!(join_url("https://x/", "/a"), "https://x/a");
    }
}
