//! Static fixture pages served under the real LinkedIn and Gmail hostnames, so the real
//! extension's content scripts run on them.

use std::path::{Path, PathBuf};

use crate::http::{html_escape, Request, Response};

/// Serves `root/<host>/<path>`; a path ending in `/` or without an extension tries
/// `<path>/index.html` then `<path>.html`.
pub fn serve(root: Option<&Path>, host: &str, request: &Request) -> Response {
    let Some(root) = root else {
        return not_found("no --fixtures directory was given to the sandbox");
    };
    let segments = request.segments();
    if segments
        .iter()
        .any(|s| s == ".." || s.contains('/') || s.contains('\\'))
    {
        return not_found("bad path");
    }
    let base: PathBuf = segments
        .iter()
        .fold(root.join(host), |path, segment| path.join(segment));
    let has_extension = !request.path.ends_with('/')
        && segments
            .last()
            .is_some_and(|last| Path::new(last).extension().is_some());
    let candidates = if has_extension {
        vec![base]
    } else {
        let mut html = base.clone().into_os_string();
        html.push(".html");
        vec![base.join("index.html"), PathBuf::from(html)]
    };
    for candidate in candidates {
        if let Ok(bytes) = std::fs::read(&candidate) {
            return Response::typed(200, content_type(&candidate), bytes)
                .with_header("Cache-Control", "no-store");
        }
    }
    not_found(&format!("no fixture for {host}{}", request.path))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn not_found(detail: &str) -> Response {
    Response::html(
        404,
        format!(
            "<!doctype html><meta charset=\"utf-8\"><title>Not found</title><h1>404</h1><p>{}</p>",
            html_escape(detail)
        ),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn request(path: &str) -> Request {
        Request {
            method: "GET".into(),
            path: path.into(),
            ..Request::default()
        }
    }

    fn root() -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("sandbox-fixtures-{}", crate::ids::random_token(6)));
        let host = root.join("www.linkedin.com");
        std::fs::create_dir_all(host.join("in/ada")).unwrap();
        std::fs::write(host.join("in/ada/index.html"), "<p>Ada Lövelace</p>").unwrap();
        std::fs::write(host.join("feed.html"), "feed").unwrap();
        std::fs::write(host.join("app.js"), "1").unwrap();
        root
    }

    #[test]
    fn serves_index_then_html_with_utf8_charset() {
        let root = root();
        for path in ["/in/ada/", "/in/ada"] {
            let r = serve(Some(&root), "www.linkedin.com", &request(path));
            assert_eq!(r.status, 200, "{path}");
            assert_eq!(r.headers[0].1, "text/html; charset=utf-8");
            assert_eq!(String::from_utf8(r.body).unwrap(), "<p>Ada Lövelace</p>");
        }
        assert_eq!(
            serve(Some(&root), "www.linkedin.com", &request("/feed")).body,
            b"feed"
        );
        let js = serve(Some(&root), "www.linkedin.com", &request("/app.js"));
        assert_eq!(
            (js.status, js.headers[0].1.as_str()),
            (200, "text/javascript; charset=utf-8")
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn refuses_traversal_missing_files_and_no_root() {
        let root = root();
        assert_eq!(
            serve(
                Some(&root),
                "www.linkedin.com",
                &request("/../www.linkedin.com/feed")
            )
            .status,
            404
        );
        assert_eq!(
            serve(Some(&root), "www.linkedin.com", &request("/in/nobody/")).status,
            404
        );
        assert_eq!(
            serve(Some(&root), "mail.google.com", &request("/in/ada/")).status,
            404
        );
        assert_eq!(
            serve(None, "www.linkedin.com", &request("/in/ada/")).status,
            404
        );
        std::fs::remove_dir_all(root).unwrap();
    }
}
