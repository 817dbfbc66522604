//! SOQL built from escaped literals only.
//!
//! REST SOQL has no bind variables, so every value from a page, a message or the network goes
//! through [`literal`] (or [`like_literal`] for `LIKE` patterns); field and object names come
//! from code or are checked by [`field_name`]. Escapes (Salesforce "Quoted String Escape
//! Sequences"): `\\` `\'` `\"` `\n` `\r` `\t` `\b` `\f` `\uXXXX`; inside `LIKE` also `\%` and `\_`.
//! Source: <https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm>

use crate::error::ValidationError;

/// The longest SOQL statement Salesforce accepts (100,000 characters by default).
pub const MAX_SOQL_LEN: usize = 100_000;

/// `s` as one single-quoted SOQL string literal.
pub fn literal(s: &str) -> String {
    quote(s, false)
}

/// `s` as one single-quoted literal for `LIKE`, with `%` and `_` matched literally.
/// Wildcards the caller wants are added around the escaped text: `like_literal_with(s, "%", "%")`.
pub fn like_literal(s: &str) -> String {
    quote(s, true)
}

/// A `LIKE` literal with raw wildcard text before and after the escaped value.
pub fn like_literal_with(s: &str, prefix_wildcard: &str, suffix_wildcard: &str) -> String {
    let inner = quote(s, true);
    let body = &inner[1..inner.len() - 1];
    let only_wild = |w: &str| w.chars().all(|c| c == '%' || c == '_');
    let pre = if only_wild(prefix_wildcard) {
        prefix_wildcard
    } else {
        ""
    };
    let suf = if only_wild(suffix_wildcard) {
        suffix_wildcard
    } else {
        ""
    };
    format!("'{pre}{body}{suf}'")
}

/// `('a', 'b')` for `IN` (the caller ensures the list is not empty).
pub fn in_list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = values.into_iter().map(literal).collect();
    format!("({})", items.join(", "))
}

/// Accepts a field or object API name (`LinkedIn_URL__c`, `Owner.Name`): letters, digits,
/// `_` and `.`, starting with a letter.
pub fn field_name(name: &str) -> Result<&str, ValidationError> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && name.len() <= 120;
    if ok {
        Ok(name)
    } else {
        Err(ValidationError::Malformed {
            field: "field_name".into(),
            reason: format!("{name:?} is not a Salesforce API name"),
        })
    }
}

fn quote(s: &str, like: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '%' if like => out.push_str("\\%"),
            '_' if like => out.push_str("\\_"),
            c if c.is_control() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn escapes_reserved_characters() {
        assert_eq!(literal("O'Brien"), r"'O\'Brien'");
        assert_eq!(literal(r"a\b"), r"'a\\b'");
        assert_eq!(literal("x' OR Name != '"), r"'x\' OR Name != \''");
        assert_eq!(literal("l1\nl2\t\"q\""), r#"'l1\nl2\t\"q\"'"#);
        assert_eq!(literal("\u{1}"), r"'\u0001'");
        assert_eq!(literal("50%_off"), "'50%_off'");
        assert_eq!(like_literal("50%_off"), r"'50\%\_off'");
        assert_eq!(like_literal_with("a_b", "%", "%"), r"'%a\_b%'");
        assert_eq!(like_literal_with("a", "' OR '", ""), "'a'");
        assert_eq!(in_list(["a", "b'c"]), r"('a', 'b\'c')");
    }

    #[test]
    fn field_names() {
        assert!(field_name("LinkedIn_URL__c").is_ok());
        assert!(field_name("Owner.Name").is_ok());
        for bad in ["", "1x", "Email = 'x'", "a b", "x'--"] {
            assert!(field_name(bad).is_err(), "{bad}");
        }
    }
}
