//! A small Rust tokenizer: just enough to find `mod` items, `use` trees, paths and doc comments.
//!
//! Comments, string and char literals are skipped (so a path inside a string is not a path);
//! doc comments are kept as tokens because the module-doc check needs them.

/// One token of Rust source, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: Kind,
    /// 1-based line number.
    pub line: usize,
}

/// The kinds of token the checks care about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword (`mod`, `use`, `crate`, `foo`); raw identifiers lose `r#`.
    Ident(String),
    /// `::`
    PathSep,
    /// An inner doc comment (`//!` or `/*!`).
    InnerDoc,
    /// An outer doc comment (`///` or `/**`).
    OuterDoc,
    /// Any other punctuation character (`{`, `}`, `;`, `,`, `*`, `#`, `[`, ...).
    Punct(char),
    /// A literal (string, char, number): its text does not matter.
    Literal,
}

/// Splits `source` into tokens. Never fails: unknown characters become punctuation.
pub fn tokenize(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        let c = chars[i];
        let start_line = line;
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| i + p);
            let text: String = chars[i..end].iter().collect();
            if text.starts_with("//!") {
                tokens.push(token(Kind::InnerDoc, start_line));
            } else if text.starts_with("///") && !text.starts_with("////") {
                tokens.push(token(Kind::OuterDoc, start_line));
            }
            i = end;
        } else if c == '/' && next == Some('*') {
            let doc = match chars.get(i + 2) {
                Some('!') => Some(Kind::InnerDoc),
                Some('*') if chars.get(i + 3) != Some(&'/') => Some(Kind::OuterDoc),
                _ => None,
            };
            i = skip_block_comment(&chars, i, &mut line);
            if let Some(kind) = doc {
                tokens.push(token(kind, start_line));
            }
        } else if c == '"' {
            i = skip_string(&chars, i + 1, &mut line);
            tokens.push(token(Kind::Literal, start_line));
        } else if let Some(end) = raw_string_end(&chars, i, &mut line) {
            i = end;
            tokens.push(token(Kind::Literal, start_line));
        } else if c == 'b' && next == Some('"') {
            i = skip_string(&chars, i + 2, &mut line);
            tokens.push(token(Kind::Literal, start_line));
        } else if c == '\'' || (c == 'b' && next == Some('\'')) {
            let quote = if c == 'b' { i + 1 } else { i };
            i = skip_char_or_lifetime(&chars, quote, &mut tokens, start_line);
        } else if c == ':' && next == Some(':') {
            tokens.push(token(Kind::PathSep, start_line));
            i += 2;
        } else if c.is_alphabetic() || c == '_' {
            let mut end = i;
            while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            let mut word: String = chars[i..end].iter().collect();
            if word == "r" && chars.get(end) == Some(&'#') {
                // A raw identifier: r#name.
                let mut raw_end = end + 1;
                while raw_end < chars.len()
                    && (chars[raw_end].is_alphanumeric() || chars[raw_end] == '_')
                {
                    raw_end += 1;
                }
                word = chars[end + 1..raw_end].iter().collect();
                end = raw_end;
            }
            tokens.push(token(Kind::Ident(word), start_line));
            i = end;
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(token(Kind::Literal, start_line));
        } else {
            tokens.push(token(Kind::Punct(c), start_line));
            i += 1;
        }
    }
    tokens
}

fn token(kind: Kind, line: usize) -> Token {
    Token { kind, line }
}

/// Skips a (nested) block comment starting at `start`; returns the index after it.
fn skip_block_comment(chars: &[char], start: usize, line: &mut usize) -> usize {
    let mut depth = 0;
    let mut i = start;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('/', Some('*')) => {
                depth += 1;
                i += 2;
            }
            ('*', Some('/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            ('\n', _) => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

/// Skips the rest of a string whose opening quote is just before `i`.
fn skip_string(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            '\n' => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

/// The index after a raw string (`r"..."`, `r#"..."#`, `br#"..."#`) starting at `i`, if one does.
fn raw_string_end(chars: &[char], i: usize, line: &mut usize) -> Option<usize> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '\n' {
            *line += 1;
        }
        if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(j)
}

/// A char literal (`'a'`, `'\n'`, `'\u{1F600}'`) becomes a literal token; a lifetime or label
/// (`'a`) is skipped. `quote` is the index of the `'`; returns the index after it.
fn skip_char_or_lifetime(
    chars: &[char],
    quote: usize,
    tokens: &mut Vec<Token>,
    line: usize,
) -> usize {
    let i = quote + 1;
    if chars.get(i) == Some(&'\\') {
        // Skip the escaped character itself (it may be a quote), then find the closing quote.
        let from = (i + 2).min(chars.len());
        let close = chars[from..]
            .iter()
            .position(|&c| c == '\'')
            .map_or(chars.len(), |p| from + p);
        tokens.push(token(Kind::Literal, line));
        return close + 1;
    }
    if chars.get(i + 1) == Some(&'\'') {
        tokens.push(token(Kind::Literal, line));
        return i + 2;
    }
    // A lifetime: the identifier after it is not a path start, skip it too.
    let mut end = i;
    while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
        end += 1;
    }
    end.max(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(source: &str) -> Vec<String> {
        tokenize(source)
            .into_iter()
            .filter_map(|t| match t.kind {
                Kind::Ident(name) => Some(name),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn comments_strings_and_chars_hide_their_contents() {
        let source = "use a; // use b\n/* use c /* nested */ d */ let s = \"use e\"; \
                      let r = r#\"use \"f\"\"#; let c = '\"'; let q = '\\''; fn g<'h>() {}";
        assert_eq!(
            idents(source),
            ["use", "a", "let", "s", "let", "r", "let", "c", "let", "q", "fn", "g"]
        );
    }

    #[test]
    fn doc_comments_and_lines_are_kept() {
        let tokens = tokenize("//! inner\n/// outer\n//// not a doc\nmod x;");
        assert_eq!(tokens[0].kind, Kind::InnerDoc);
        assert_eq!(tokens[1], token(Kind::OuterDoc, 2));
        assert_eq!(tokens[2], token(Kind::Ident("mod".into()), 4));
    }

    #[test]
    fn paths_and_raw_identifiers() {
        let kinds: Vec<Kind> = tokenize("crate::r#mod::x")
            .into_iter()
            .map(|t| t.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                Kind::Ident("crate".into()),
                Kind::PathSep,
                Kind::Ident("mod".into()),
                Kind::PathSep,
                Kind::Ident("x".into()),
            ]
        );
    }
}
