//! LinkedIn profile URLs as dedupe keys: one canonical spelling per profile.
//!
//! The extension reads profile URLs from the address bar, so the same person can arrive as
//! `http://LinkedIn.com/in/ada?trk=x`, `https://uk.linkedin.com/in/ada` or
//! `https://www.linkedin.com/in/ada/`. Only what is safe to rewrite is rewritten: the scheme
//! (always `https`), the host (lower case, `linkedin.com` and its country/mobile subdomains
//! become `www.linkedin.com`), the query and fragment (dropped) and anything after the slug
//! (`/details/…`). The slug keeps its case: a LinkedIn field configured as a case-sensitive
//! External ID compares it exactly. Both CRMs' record builders store the canonical form;
//! records stored earlier (or by other tools) without the trailing slash still match, because
//! every dedupe query — single lookup and bulk — asks for both forms ([`profile_url_keys`]).

/// `https://www.linkedin.com/in/<slug>/`, or `None` when `url` is not a LinkedIn profile URL.
pub fn canonical_profile_url(url: &str) -> Option<String> {
    let url = url.trim();
    let url = url.split(['#', '?']).next().unwrap_or_default();
    let lower = url.to_ascii_lowercase();
    let rest = ["https://", "http://", "//"]
        .iter()
        .find(|scheme| lower.starts_with(*scheme))
        .map_or(url, |scheme| &url[scheme.len()..]);
    let (host, path) = rest.split_once('/')?;
    let host = host.to_ascii_lowercase();
    let sub = host.strip_suffix("linkedin.com")?;
    let sub_ok = sub.is_empty()
        || sub.strip_suffix('.').is_some_and(|s| {
            s == "www" || s == "m" || (s.len() == 2 && s.bytes().all(|b| b.is_ascii_lowercase()))
        });
    if !sub_ok {
        return None;
    }
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    if !segments.next()?.eq_ignore_ascii_case("in") {
        return None;
    }
    let slug = segments.next()?;
    let slug_ok = slug
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'%' | b'.'));
    slug_ok.then(|| format!("https://www.linkedin.com/in/{slug}/"))
}

/// The values a record's LinkedIn field may hold for this URL: the canonical form with and
/// without its trailing slash, or (for a URL that is not a profile URL) the URL as given,
/// with and without its trailing slash.
pub fn profile_url_keys(url: &str) -> Vec<String> {
    let canonical = canonical_profile_url(url);
    let base = canonical.as_deref().unwrap_or(url.trim());
    let bare = base.trim_end_matches('/');
    vec![bare.to_string(), format!("{bare}/")]
}

/// The comparison key of a URL: canonical when possible, lower case, no trailing slash.
pub fn url_match_key(url: &str) -> String {
    let canonical = canonical_profile_url(url);
    canonical
        .as_deref()
        .unwrap_or(url.trim())
        .trim_end_matches('/')
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usual_spellings_become_one() {
        for raw in [
            "https://www.linkedin.com/in/ada-lovelace/",
            "https://www.linkedin.com/in/ada-lovelace",
            "http://LinkedIn.com/in/ada-lovelace?trk=public_profile#about",
            "  https://uk.linkedin.com/in/ada-lovelace/details/experience/ ",
            "www.linkedin.com/IN/ada-lovelace",
            "https://m.linkedin.com/in/ada-lovelace/",
        ] {
            assert_eq!(
                canonical_profile_url(raw).as_deref(),
                Some("https://www.linkedin.com/in/ada-lovelace/"),
                "{raw}"
            );
        }
    }

    #[test]
    fn slug_case_and_encoding_are_kept() {
        assert_eq!(
            canonical_profile_url("https://www.linkedin.com/in/Jos%C3%A9-M%C3%BCller").as_deref(),
            Some("https://www.linkedin.com/in/Jos%C3%A9-M%C3%BCller/")
        );
    }

    #[test]
    fn other_urls_are_left_alone() {
        for raw in [
            "https://www.linkedin.com/company/acme/",
            "https://www.linkedin.com/in/",
            "https://evil-linkedin.com/in/ada/",
            "https://linkedin.com.evil.example/in/ada/",
            // Country subdomains are two letters; no other word, no digits.
            "https://lnkd.linkedin.com/in/ada/",
            "https://u1.linkedin.com/in/ada/",
            "https://www.linkedin.com/sales/lead/ACwAAA,NAME_SEARCH",
            "https://www.linkedin.com/in/ada'--/",
            "ada",
        ] {
            assert_eq!(canonical_profile_url(raw), None, "{raw}");
        }
        assert_eq!(
            profile_url_keys("https://www.linkedin.com/company/acme/"),
            [
                "https://www.linkedin.com/company/acme",
                "https://www.linkedin.com/company/acme/"
            ]
        );
    }

    #[test]
    fn keys_cover_both_stored_forms() {
        assert_eq!(
            profile_url_keys("http://linkedin.com/in/ada?x=1"),
            [
                "https://www.linkedin.com/in/ada",
                "https://www.linkedin.com/in/ada/"
            ]
        );
        assert_eq!(
            url_match_key("https://www.linkedin.com/in/Ada"),
            url_match_key("http://uk.linkedin.com/in/ada/?trk=1")
        );
        assert_ne!(
            url_match_key("https://www.linkedin.com/in/ada"),
            url_match_key("https://www.linkedin.com/in/ada-l")
        );
    }
}
