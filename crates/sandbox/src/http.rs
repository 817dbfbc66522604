//! A small HTTP/1.1 reader and writer: enough for browsers, Node clients and `ureq`.
//!
//! Requests are read whole (headers, then a `Content-Length` or chunked body) and answered
//! with a `Content-Length` response, keeping the connection alive when the client allows it.

use std::io::{BufRead, Read, Write};

/// The largest request body accepted (the real APIs cap payloads far lower than this).
const MAX_BODY: usize = 32 * 1024 * 1024;
/// The largest header block accepted.
const MAX_HEAD: usize = 64 * 1024;

/// Why a request could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The socket failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The bytes were not HTTP/1.x.
    #[error("malformed request: {0}")]
    Malformed(&'static str),
}

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

/// Decodes `%XX` escapes (invalid escapes are kept literally).
pub fn percent_decode(input: &str) -> String {
    decode(input, false)
}

fn decode(input: &str, plus_is_space: bool) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses `a=1&b=two` with `+` as space.
pub fn parse_form(input: &str) -> Vec<(String, String)> {
    input
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k, true), decode(v, true))
        })
        .collect()
}

/// Percent-encodes a query component.
pub fn encode_component(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for b in input.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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

/// Reads one line of at most [`MAX_HEAD`] bytes (a longer one is malformed).
fn read_line(reader: &mut impl BufRead, line: &mut String) -> Result<usize, HttpError> {
    let n = reader.by_ref().take(MAX_HEAD as u64 + 1).read_line(line)?;
    if n > MAX_HEAD {
        return Err(HttpError::Malformed("line too long"));
    }
    Ok(n)
}

/// Reads a request line and headers; `Ok(None)` when the peer closed the connection cleanly.
pub fn read_head(reader: &mut impl BufRead) -> Result<Option<Request>, HttpError> {
    let mut line = String::new();
    // Skip stray empty lines between pipelined requests.
    loop {
        line.clear();
        if read_line(reader, &mut line)? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().ok_or(HttpError::Malformed("no method"))?;
    let target = parts.next().ok_or(HttpError::Malformed("no target"))?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut request = Request {
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        query: query.to_string(),
        ..Request::default()
    };
    let mut head_size = line.len();
    loop {
        line.clear();
        if read_line(reader, &mut line)? == 0 {
            return Err(HttpError::Malformed("headers cut short"));
        }
        head_size += line.len();
        if head_size > MAX_HEAD {
            return Err(HttpError::Malformed("headers too large"));
        }
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            request
                .headers
                .push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    Ok(Some(request))
}

/// Whether the client waits for `100 Continue` before sending its body (curl does).
pub fn expects_continue(request: &Request) -> bool {
    request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
}

/// Reads the body announced by the head (`Content-Length` or chunked).
pub fn read_body(reader: &mut impl BufRead, request: &mut Request) -> Result<(), HttpError> {
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        request.body = read_chunked(reader)?;
    } else if let Some(len) = request.header("content-length") {
        let len: usize = len
            .trim()
            .parse()
            .map_err(|_| HttpError::Malformed("bad content-length"))?;
        if len > MAX_BODY {
            return Err(HttpError::Malformed("body too large"));
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        request.body = body;
    }
    Ok(())
}

/// Reads one whole request (head and body).
#[cfg(test)]
pub fn read_request(reader: &mut impl BufRead) -> Result<Option<Request>, HttpError> {
    let Some(mut request) = read_head(reader)? else {
        return Ok(None);
    };
    read_body(reader, &mut request)?;
    Ok(Some(request))
}

fn read_chunked(reader: &mut impl BufRead) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        read_line(reader, &mut line)?;
        let size_text = line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| HttpError::Malformed("bad chunk size"))?;
        if size == 0 {
            // Trailers until an empty line.
            loop {
                line.clear();
                if read_line(reader, &mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(HttpError::Malformed("body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        line.clear();
        read_line(reader, &mut line)?;
    }
}

/// Writes a response with a Content-Length.
pub fn write_response(
    writer: &mut impl Write,
    response: &Response,
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    writer.write_all(head.as_bytes())?;
    if !head_only {
        writer.write_all(&response.body)?;
    }
    writer.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        207 => "Multi-Status",
        300 => "Multiple Choices",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn reads_a_request_with_a_chunked_body() {
        let raw = b"POST /a%40b/c?x=1+2&y=%2B HTTP/1.1\r\nHost: acme.my.salesforce.com:8443\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        let request = read_request(&mut &raw[..]).unwrap().unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(request.segments(), vec!["a@b", "c"]);
        assert_eq!(request.query_param("x").as_deref(), Some("1 2"));
        assert_eq!(request.query_param("y").as_deref(), Some("+"));
        assert_eq!(request.host_name(), "acme.my.salesforce.com");
        assert_eq!(request.body, b"abcde");
    }

    #[test]
    fn a_closed_connection_is_not_an_error() {
        assert!(read_request(&mut &b""[..]).unwrap().is_none());
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}
