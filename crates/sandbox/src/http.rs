//! The handlers' request and response (read whole; the wire is hyper's, see `server`) and
//! the URL and HTML codecs they use.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// One request as the server received it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path without its query, still percent-encoded.
    pub path: String,
    /// The raw query string (without `?`).
    pub query: String,
    /// Header names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The Host header without its port, lower-cased.
    pub fn host_name(&self) -> String {
        let host = self.header("host").unwrap_or("127.0.0.1");
        strip_port(host).to_ascii_lowercase()
    }

    /// The Host header as sent (with its port), defaulting to 127.0.0.1.
    pub fn host(&self) -> &str {
        self.header("host").unwrap_or("127.0.0.1")
    }

    /// Decoded query parameters.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        parse_form(&self.query)
    }

    /// The first decoded query parameter with this name.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// Every value of a repeated query parameter, each also split on commas
    /// (`properties=a&properties=b,c` gives a, b, c); `None` when absent.
    pub fn query_list(&self, name: &str) -> Option<Vec<String>> {
        let values: Vec<String> = self
            .query_pairs()
            .into_iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect();
        (!values.is_empty()).then_some(values)
    }

    /// The body decoded as `application/x-www-form-urlencoded`.
    pub fn form(&self) -> Vec<(String, String)> {
        parse_form(&String::from_utf8_lossy(&self.body))
    }

    /// The first non-empty value of a form field in the body.
    pub fn form_value(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty())
    }

    /// The bearer token of the Authorization header, if any.
    pub fn bearer(&self) -> Option<&str> {
        let value = self.header("authorization")?.trim();
        let (scheme, token) = value.split_once(' ')?;
        (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth"))
            .then(|| token.trim())
    }

    /// Decoded path segments (empty segments dropped, except a trailing one is kept as "").
    pub fn segments(&self) -> Vec<String> {
        path_segments(&self.path)
    }
}

/// Splits a path into percent-decoded segments.
pub fn path_segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect()
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split(']').next().map(|h| &h[1..]).unwrap_or(host);
    }
    host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host)
}

/// Decodes `%XX` escapes (invalid escapes, `%+F` included, are kept literally).
pub fn percent_decode(input: &str) -> String {
    percent_encoding::percent_decode_str(input)
        .decode_utf8_lossy()
        .into_owned()
}

/// Parses `a=1&b=two` (`application/x-www-form-urlencoded`: `+` is a space).
pub fn parse_form(input: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(input.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Everything but RFC 3986's unreserved characters is escaped in a query component.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a query component.
pub fn encode_component(input: &str) -> String {
    utf8_percent_encode(input, COMPONENT).to_string()
}

/// Escapes text for HTML.
pub fn html_escape(input: &str) -> String {
    input
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// One response to write.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers (Content-Length is added when written).
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json;charset=UTF-8".into(),
            )],
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    /// An HTML page.
    pub fn html(status: u16, body: String) -> Self {
        Self::typed(status, "text/html; charset=utf-8", body.into_bytes())
    }

    /// A plain-text response.
    pub fn text(status: u16, body: &str) -> Self {
        Self::typed(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    /// A response with an explicit content type.
    pub fn typed(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    /// A bodiless response (204 and the like).
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A 302 redirect.
    pub fn redirect(location: &str) -> Self {
        Self::empty(302).with_header("Location", location)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn request(path: &str, query: &str, host: &str) -> Request {
        Request {
            method: "POST".into(),
            path: path.into(),
            query: query.into(),
            headers: vec![("host".into(), host.into())],
            body: Vec::new(),
        }
    }

    #[test]
    fn decodes_segments_queries_and_the_host() {
        let request = request("/a%40b/c", "x=1+2&y=%2B", "acme.my.salesforce.com:8443");
        assert_eq!(request.segments(), vec!["a@b", "c"]);
        assert_eq!(request.query_param("x").as_deref(), Some("1 2"));
        assert_eq!(request.query_param("y").as_deref(), Some("+"));
        assert_eq!(request.host_name(), "acme.my.salesforce.com");
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(percent_decode("%+F%-1"), "%+F%-1");
    }

    #[test]
    fn forms_and_components_round_trip() {
        let text = "a b+c&d=é/~_.-";
        let encoded = encode_component(text);
        assert_eq!(encoded, "a%20b%2Bc%26d%3D%C3%A9%2F~_.-");
        assert_eq!(
            parse_form(&format!("k={encoded}&flag&x=1+2")),
            vec![
                ("k".to_string(), text.to_string()),
                ("flag".to_string(), String::new()),
                ("x".to_string(), "1 2".to_string()),
            ]
        );
    }
}
