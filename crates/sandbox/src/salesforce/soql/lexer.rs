//! The SOQL tokenizer: words, numbers, date literals, symbols and quoted strings with
//! Salesforce's escape rules.

use crate::salesforce::errors::SfError;

/// One piece of a LIKE pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum LikeTok {
    /// `%`
    Any,
    /// `_`
    One,
    /// A literal character.
    Char(char),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Word(String),
    Str(String, Vec<LikeTok>),
    Num(f64),
    Date(String),
    Sym(&'static str),
}

pub(super) fn tokenize(input: &str) -> Result<Vec<Tok>, SfError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let (text, pattern, next) = string_literal(&chars, i + 1)?;
            out.push(Tok::Str(text, pattern));
            i = next;
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | ':' | '-' | '+'))
            {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            match text.parse::<f64>() {
                Ok(n) => out.push(Tok::Num(n)),
                Err(_) if looks_like_date(&text) => out.push(Tok::Date(text)),
                Err(_) => {
                    return Err(SfError::malformed_query(format!(
                        "unexpected token: '{text}'"
                    )))
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '.')) {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let sym = match two.as_str() {
                "!=" => Some("!="),
                "<>" => Some("!="),
                "<=" => Some("<="),
                ">=" => Some(">="),
                _ => None,
            };
            if let Some(sym) = sym {
                out.push(Tok::Sym(sym));
                i += 2;
                continue;
            }
            let sym = match c {
                '=' => "=",
                '<' => "<",
                '>' => ">",
                '(' => "(",
                ')' => ")",
                ',' => ",",
                _ => return Err(SfError::malformed_query(format!("unexpected token: '{c}'"))),
            };
            out.push(Tok::Sym(sym));
            i += 1;
        }
    }
    Ok(out)
}

fn looks_like_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
}

fn string_literal(chars: &[char], mut i: usize) -> Result<(String, Vec<LikeTok>, usize), SfError> {
    let mut text = String::new();
    let mut pattern = Vec::new();
    let start = i;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' => return Ok((text, pattern, i + 1)),
            '\\' => {
                let Some(&next) = chars.get(i + 1) else { break };
                let (plain, tok) = match next {
                    '\'' | '"' | '\\' => (next, LikeTok::Char(next)),
                    'n' | 'N' => ('\n', LikeTok::Char('\n')),
                    'r' | 'R' => ('\r', LikeTok::Char('\r')),
                    't' | 'T' => ('\t', LikeTok::Char('\t')),
                    'b' | 'B' => ('\u{8}', LikeTok::Char('\u{8}')),
                    'f' | 'F' => ('\u{c}', LikeTok::Char('\u{c}')),
                    '%' => ('%', LikeTok::Char('%')),
                    '_' => ('_', LikeTok::Char('_')),
                    'u' => {
                        let hex: String = chars
                            .get(i + 2..i + 6)
                            .map(|s| s.iter().collect())
                            .unwrap_or_default();
                        let decoded = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        let Some(ch) = decoded.filter(|_| hex.len() == 4) else {
                            return Err(bad_escape(chars, start, "\\u"));
                        };
                        text.push(ch);
                        pattern.push(LikeTok::Char(ch));
                        i += 6;
                        continue;
                    }
                    other => return Err(bad_escape(chars, start, &format!("\\{other}"))),
                };
                text.push(plain);
                pattern.push(tok);
                i += 2;
            }
            '%' => {
                text.push(c);
                pattern.push(LikeTok::Any);
                i += 1;
            }
            '_' => {
                text.push(c);
                pattern.push(LikeTok::One);
                i += 1;
            }
            _ => {
                text.push(c);
                pattern.push(LikeTok::Char(c));
                i += 1;
            }
        }
    }
    Err(SfError::malformed_query(
        "unexpected end of query: unterminated string literal",
    ))
}

fn bad_escape(chars: &[char], start: usize, seq: &str) -> SfError {
    let literal: String = chars[start..].iter().take_while(|c| **c != '\'').collect();
    SfError::malformed_query(format!(
        "Invalid string literal '{literal}'. Illegal character sequence '{seq}' in string literal."
    ))
}
