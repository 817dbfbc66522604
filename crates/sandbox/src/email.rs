//! The e-mail shape both CRMs insist on before saving (a plausible address, not RFC 5322).

/// `local@domain.tld` without spaces, one `@`, a dot inside the domain.
pub fn is_plausible(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_addresses() {
        assert!(is_plausible("ada+x@example.co.uk"));
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "a@@example.com",
            "ada@example",
            "ada @example.com",
            "ada@.example.com",
        ] {
            assert!(!is_plausible(bad), "{bad}");
        }
    }
}
