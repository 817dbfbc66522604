//! Property: any string becomes exactly one SOQL literal that a tiny SOQL tokenizer reads back
//! as the same string, and the query's token shape never changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crm::salesforce::soql::{in_list, like_literal_with, literal};
use proptest::prelude::*;

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Sym(char),
    /// Decoded characters, each flagged when it came from an escape sequence.
    Str(Vec<(char, bool)>),
}

/// Tokenizes the SOQL subset we build; `Err` on anything Salesforce would reject
/// (unterminated string, unknown escape).
fn tokenize(q: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else if "=(),".contains(c) {
            out.push(Tok::Sym(c));
            i += 1;
        } else if c == '\'' {
            i += 1;
            let mut s = Vec::new();
            loop {
                let Some(&c) = chars.get(i) else {
                    return Err("unterminated".into());
                };
                i += 1;
                match c {
                    '\'' => break,
                    '\\' => {
                        let Some(&e) = chars.get(i) else {
                            return Err("dangling escape".into());
                        };
                        i += 1;
                        let decoded = match e {
                            '\\' => '\\',
                            '\'' => '\'',
                            '"' => '"',
                            'n' | 'N' => '\n',
                            'r' | 'R' => '\r',
                            't' | 'T' => '\t',
                            'b' | 'B' => '\u{8}',
                            'f' | 'F' => '\u{c}',
                            '%' => '%',
                            '_' => '_',
                            'u' | 'U' => {
                                let hex: String =
                                    chars.get(i..i + 4).ok_or("short \\u")?.iter().collect();
                                i += 4;
                                let n = u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                                char::from_u32(n).ok_or("surrogate in \\u")?
                            }
                            other => return Err(format!("bad escape \\{other}")),
                        };
                        s.push((decoded, true));
                    }
                    c => s.push((c, false)),
                }
            }
            out.push(Tok::Str(s));
        } else {
            return Err(format!("unexpected {c:?}"));
        }
    }
    Ok(out)
}

fn plain(s: &[(char, bool)]) -> String {
    s.iter().map(|(c, _)| c).collect()
}

fn shape(toks: &[Tok]) -> Vec<String> {
    toks.iter()
        .map(|t| match t {
            Tok::Word(w) => w.clone(),
            Tok::Sym(c) => c.to_string(),
            Tok::Str(_) => "<str>".into(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_string_is_one_literal(s in any::<String>(), t in "[ -~\\n\\t\\\\'\"%_]{0,40}") {
        for value in [&s, &t] {
            let q = format!(
                "SELECT Id FROM Contact WHERE Email = {} AND LastName LIKE {}",
                literal(value),
                like_literal_with(value, "%", "%")
            );
            let toks = tokenize(&q).map_err(|e| TestCaseError::fail(format!("{e} in {q:?}")))?;
            prop_assert_eq!(
                shape(&toks),
                ["SELECT", "Id", "FROM", "Contact", "WHERE", "Email", "=", "<str>", "AND", "LastName", "LIKE", "<str>"]
            );
            let Tok::Str(exact) = &toks[7] else { unreachable!() };
            prop_assert_eq!(&plain(exact), value);
            let Tok::Str(like) = &toks[11] else { unreachable!() };
            // Outer wildcards are unescaped; every % or _ of the value is escaped.
            prop_assert_eq!(like.first(), Some(&('%', false)));
            prop_assert_eq!(like.last(), Some(&('%', false)));
            let inner = &like[1..like.len() - 1];
            prop_assert!(inner.iter().all(|(c, esc)| !matches!(c, '%' | '_') || *esc));
            prop_assert_eq!(&plain(inner), value);
        }
    }

    #[test]
    fn in_lists_keep_one_literal_per_value(values in proptest::collection::vec(any::<String>(), 1..8)) {
        let q = format!("SELECT Id FROM Lead WHERE Email IN {}", in_list(values.iter().map(String::as_str)));
        let toks = tokenize(&q).map_err(TestCaseError::fail)?;
        let strings: Vec<String> = toks.iter().filter_map(|t| match t { Tok::Str(s) => Some(plain(s)), _ => None }).collect();
        prop_assert_eq!(strings, values.clone());
        // SELECT Id FROM Lead WHERE Email IN ( … ) with n literals and n-1 commas.
        prop_assert_eq!(toks.len(), 8 + 2 * values.len());
    }
}

#[test]
fn tokenizer_rejects_what_salesforce_rejects() {
    assert!(tokenize(r"'a\qb'").is_err());
    assert!(tokenize("'open").is_err());
    assert_eq!(
        tokenize(r"'a\'b'").unwrap(),
        vec![Tok::Str(vec![('a', false), ('\'', true), ('b', false)])]
    );
}

/// The SOQL of a `GET …/query?q=` request, decoded.
fn soql_of(req: &crm::HttpRequest) -> String {
    let q = req
        .url
        .split_once("?q=")
        .map(|(_, q)| q)
        .unwrap_or_default();
    crm::http::percent_decode(q)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// The real builders, not just `literal`: whatever the e-mail, LinkedIn URL or company,
    /// the dedupe and Account queries keep their shape and carry the values as literals.
    #[test]
    fn the_real_query_builders_never_change_shape(
        email in "[ -~\\\\'%_\u{e9}\u{4e2d}]{1,30}",
        url in "[ -~\\\\'%_\u{e9}]{1,40}",
        company in any::<String>().prop_filter("not blank", |c| !c.trim().is_empty()),
    ) {
        use crm::salesforce::{account::account_lookup_request, lookup::lookup_request, SfSession};
        let session = SfSession::new("https://acme.my.salesforce.com", "t");
        prop_assume!(!email.trim().is_empty() && !url.trim().is_empty());
        let req = lookup_request(&session, crm::RecordKind::Lead, Some(&email), Some(&url))
            .unwrap()
            .unwrap();
        let q = soql_of(&req);
        let toks = tokenize(&q).map_err(|e| TestCaseError::fail(format!("{e} in {q:?}")))?;
        let words: Vec<String> = shape(&toks);
        prop_assert_eq!(&words[..8], ["SELECT", "Id", ",", "OwnerId", ",", "Owner.Name", "FROM", "Lead"]);
        prop_assert_eq!(&words[words.len() - 11..], [")", "AND", "IsConverted", "=", "false", "ORDER", "BY", "CreatedDate", "ASC", "LIMIT", "10"]);
        let strings: Vec<String> = toks.iter().filter_map(|t| match t { Tok::Str(s) => Some(plain(s)), _ => None }).collect();
        prop_assert_eq!(&strings[0], email.trim());
        prop_assert!(!strings[1..].is_empty(), "the URL keys are literals: {:?}", q);

        let req = account_lookup_request(&session, &company).unwrap();
        let q = soql_of(&req);
        let toks = tokenize(&q).map_err(|e| TestCaseError::fail(format!("{e} in {q:?}")))?;
        prop_assert_eq!(
            shape(&toks),
            ["SELECT", "Id", ",", "Name", "FROM", "Account", "WHERE", "Name", "=", "<str>", "ORDER", "BY", "CreatedDate", "ASC", "LIMIT", "2"]
        );
        let Tok::Str(name) = &toks[9] else { unreachable!() };
        prop_assert_eq!(plain(name), company.trim());
    }
}
