//! A SOQL subset parser: SELECT fields (relationship paths, COUNT()), FROM, WHERE with
//! = != <> < <= > >= LIKE IN NOT IN AND OR NOT and parentheses, ORDER BY, LIMIT, OFFSET.
//! String literals follow Salesforce's escape rules (bad backslash sequences are
//! MALFORMED_QUERY).

mod lexer;

pub use lexer::LikeTok;
use lexer::{tokenize, Tok};

use super::errors::SfError;

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A quoted string: its text and its LIKE reading.
    Str {
        /// The unescaped text (`\%` read as `%`).
        text: String,
        /// The pattern (escaped `%`/`_` are literal).
        pattern: Vec<LikeTok>,
    },
    /// A number.
    Num(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An unquoted date or datetime literal.
    Date(String),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=` / `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `LIKE`
    Like,
}

/// A WHERE condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// Both.
    And(Box<Cond>, Box<Cond>),
    /// Either.
    Or(Box<Cond>, Box<Cond>),
    /// Negation.
    Not(Box<Cond>),
    /// `field op value`.
    Cmp(String, Op, Literal),
    /// `field [NOT] IN (values)`.
    In(String, bool, Vec<Literal>),
}

/// A selected item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A field path (`Email`, `Owner.Name`).
    Field(String),
    /// `COUNT()`.
    Count,
    /// `COUNT(field) [alias]`.
    CountOf(String, Option<String>),
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// Selected items.
    pub items: Vec<Item>,
    /// The object.
    pub object: String,
    /// The filter.
    pub filter: Option<Cond>,
    /// `(path, ascending, nulls_first)`.
    pub order: Vec<(String, bool, bool)>,
    /// LIMIT.
    pub limit: Option<usize>,
    /// OFFSET.
    pub offset: Option<usize>,
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn unexpected(&self) -> SfError {
        match self.peek() {
            Some(t) => SfError::malformed_query(format!("unexpected token: '{}'", describe(t))),
            None => SfError::malformed_query("unexpected end of query"),
        }
    }

    fn is_keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn keyword(&mut self, kw: &str) -> Result<(), SfError> {
        if self.is_keyword(kw) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn sym(&mut self, sym: &str) -> Result<(), SfError> {
        if matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn is_sym(&self, sym: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym)
    }

    fn ident(&mut self) -> Result<String, SfError> {
        match self.peek() {
            Some(Tok::Word(w)) if !is_reserved(w) => {
                let w = w.clone();
                self.pos += 1;
                Ok(w)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn select(&mut self) -> Result<Select, SfError> {
        self.keyword("SELECT")?;
        let mut items = vec![self.item()?];
        while self.is_sym(",") {
            self.pos += 1;
            items.push(self.item()?);
        }
        self.keyword("FROM")?;
        let object = self.ident()?;
        let filter = if self.is_keyword("WHERE") {
            self.pos += 1;
            Some(self.condition()?)
        } else {
            None
        };
        let mut order = Vec::new();
        if self.is_keyword("ORDER") {
            self.pos += 1;
            self.keyword("BY")?;
            loop {
                let path = self.ident()?;
                let mut ascending = true;
                if self.is_keyword("ASC") {
                    self.pos += 1;
                } else if self.is_keyword("DESC") {
                    self.pos += 1;
                    ascending = false;
                }
                let mut nulls_first = ascending;
                if self.is_keyword("NULLS") {
                    self.pos += 1;
                    if self.is_keyword("FIRST") {
                        nulls_first = true;
                    } else if self.is_keyword("LAST") {
                        nulls_first = false;
                    } else {
                        return Err(self.unexpected());
                    }
                    self.pos += 1;
                }
                order.push((path, ascending, nulls_first));
                if self.is_sym(",") {
                    self.pos += 1;
                } else {
                    break;
                }
            }
        }
        let mut limit = None;
        let mut offset = None;
        if self.is_keyword("LIMIT") {
            self.pos += 1;
            limit = Some(self.count_value()?);
        }
        if self.is_keyword("OFFSET") {
            self.pos += 1;
            offset = Some(self.count_value()?);
        }
        if self.peek().is_some() {
            return Err(self.unexpected());
        }
        Ok(Select {
            items,
            object,
            filter,
            order,
            limit,
            offset,
        })
    }

    fn count_value(&mut self) -> Result<usize, SfError> {
        match self.next() {
            Some(Tok::Num(n)) if n >= 0.0 && n.fract() == 0.0 => Ok(n as usize),
            _ => {
                self.pos -= 1;
                Err(self.unexpected())
            }
        }
    }

    fn item(&mut self) -> Result<Item, SfError> {
        if self.is_keyword("COUNT") && matches!(self.toks.get(self.pos + 1), Some(Tok::Sym("("))) {
            self.pos += 2;
            if self.is_sym(")") {
                self.pos += 1;
                return Ok(Item::Count);
            }
            let field = self.ident()?;
            self.sym(")")?;
            let alias = match self.peek() {
                Some(Tok::Word(w)) if !is_reserved(w) => {
                    let w = w.clone();
                    self.pos += 1;
                    Some(w)
                }
                _ => None,
            };
            return Ok(Item::CountOf(field, alias));
        }
        if self.is_sym("(") {
            return Err(SfError::malformed_query(
                "The sandbox does not support subqueries",
            ));
        }
        Ok(Item::Field(self.ident()?))
    }

    /// `a AND b AND c` or `a OR b OR c`; mixing needs parentheses, as in real SOQL.
    fn condition(&mut self) -> Result<Cond, SfError> {
        let mut left = self.unary()?;
        let mut joiner: Option<&str> = None;
        loop {
            let kw = if self.is_keyword("AND") {
                "AND"
            } else if self.is_keyword("OR") {
                "OR"
            } else {
                break;
            };
            if joiner.is_some_and(|j| j != kw) {
                return Err(self.unexpected());
            }
            joiner = Some(kw);
            self.pos += 1;
            let right = self.unary()?;
            left = if kw == "AND" {
                Cond::And(Box::new(left), Box::new(right))
            } else {
                Cond::Or(Box::new(left), Box::new(right))
            };
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Cond, SfError> {
        if self.is_keyword("NOT") {
            self.pos += 1;
            return Ok(Cond::Not(Box::new(self.unary()?)));
        }
        if self.is_sym("(") {
            self.pos += 1;
            let inner = self.condition()?;
            self.sym(")")?;
            return Ok(inner);
        }
        let field = self.ident()?;
        if self.is_keyword("LIKE") {
            self.pos += 1;
            let value = self.literal()?;
            return Ok(Cond::Cmp(field, Op::Like, value));
        }
        let negated = self.is_keyword("NOT");
        if negated {
            self.pos += 1;
        }
        if self.is_keyword("IN") {
            self.pos += 1;
            self.sym("(")?;
            if self.is_keyword("SELECT") {
                return Err(SfError::malformed_query(
                    "The sandbox does not support semi-join subqueries",
                ));
            }
            let mut values = vec![self.literal()?];
            while self.is_sym(",") {
                self.pos += 1;
                values.push(self.literal()?);
            }
            self.sym(")")?;
            return Ok(Cond::In(field, negated, values));
        }
        if negated {
            return Err(self.unexpected());
        }
        let op = match self.next() {
            Some(Tok::Sym("=")) => Op::Eq,
            Some(Tok::Sym("!=")) => Op::Ne,
            Some(Tok::Sym("<")) => Op::Lt,
            Some(Tok::Sym("<=")) => Op::Le,
            Some(Tok::Sym(">")) => Op::Gt,
            Some(Tok::Sym(">=")) => Op::Ge,
            _ => {
                self.pos -= 1;
                return Err(self.unexpected());
            }
        };
        let value = self.literal()?;
        Ok(Cond::Cmp(field, op, value))
    }

    fn literal(&mut self) -> Result<Literal, SfError> {
        let literal = match self.peek() {
            Some(Tok::Str(text, pattern)) => Literal::Str {
                text: text.clone(),
                pattern: pattern.clone(),
            },
            Some(Tok::Num(n)) => Literal::Num(*n),
            Some(Tok::Date(d)) => Literal::Date(d.clone()),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("null") => Literal::Null,
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => Literal::Bool(false),
            _ => return Err(self.unexpected()),
        };
        self.pos += 1;
        Ok(literal)
    }
}

fn is_reserved(word: &str) -> bool {
    const RESERVED: [&str; 18] = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "LIMIT",
        "OFFSET", "NULL", "TRUE", "FALSE", "ASC", "DESC", "NULLS",
    ];
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(word))
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => w.clone(),
        Tok::Str(s, _) => format!("'{s}'"),
        Tok::Num(n) => n.to_string(),
        Tok::Date(d) => d.clone(),
        Tok::Sym(s) => (*s).to_string(),
    }
}

/// Parses one SOQL statement.
pub fn parse(input: &str) -> Result<Select, SfError> {
    let toks = tokenize(input)?;
    Parser { toks, pos: 0 }.select()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn parses_the_products_dedupe_query() {
        let q = parse("SELECT Id, OwnerId, Owner.Name FROM Contact WHERE Email = 'a@b.com' OR LinkedIn_URL__c IN ('x', 'y') LIMIT 10").unwrap();
        assert_eq!(q.object, "Contact");
        assert_eq!(q.items[2], Item::Field("Owner.Name".into()));
        assert_eq!(q.limit, Some(10));
        assert!(matches!(q.filter, Some(Cond::Or(_, _))));
    }

    #[test]
    fn unescapes_string_literals() {
        let q = parse(r"SELECT Id FROM Contact WHERE LastName = 'O\'Brien \\ \u00e9'").unwrap();
        let Some(Cond::Cmp(_, Op::Eq, Literal::Str { text, .. })) = q.filter else {
            panic!("not a comparison")
        };
        assert_eq!(text, "O'Brien \\ é");
    }

    #[test]
    fn rejects_bad_escapes_and_mixed_and_or() {
        assert_eq!(
            parse(r"SELECT Id FROM Contact WHERE Name = 'a\qb'")
                .unwrap_err()
                .code,
            "MALFORMED_QUERY"
        );
        assert_eq!(
            parse("SELECT Id FROM Contact WHERE Name = 'a")
                .unwrap_err()
                .code,
            "MALFORMED_QUERY"
        );
        assert!(parse("SELECT Id FROM Contact WHERE A = 1 AND B = 2 OR C = 3").is_err());
        assert!(parse("SELECT Id FROM Contact WHERE A = 1 AND (B = 2 OR C = 3)").is_ok());
    }

    #[test]
    fn like_escapes_are_literal() {
        let q = parse(r"SELECT Id FROM Contact WHERE Email LIKE '100\%_%'").unwrap();
        let Some(Cond::Cmp(_, Op::Like, Literal::Str { pattern, .. })) = q.filter else {
            panic!("not a LIKE")
        };
        assert_eq!(
            pattern,
            vec![
                LikeTok::Char('1'),
                LikeTok::Char('0'),
                LikeTok::Char('0'),
                LikeTok::Char('%'),
                LikeTok::One,
                LikeTok::Any
            ]
        );
    }

    #[test]
    fn count_order_and_offset() {
        let q = parse("select count() from Lead where IsConverted = false and CreatedDate > 2026-01-01T00:00:00Z order by Name desc nulls last limit 5 offset 2").unwrap();
        assert_eq!(q.items, vec![Item::Count]);
        assert_eq!(q.order, vec![("Name".to_string(), false, false)]);
        assert_eq!((q.limit, q.offset), (Some(5), Some(2)));
    }
}
