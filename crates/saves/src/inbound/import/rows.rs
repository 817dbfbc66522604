//! One data row checked: a person ready to send as a save's prospect, or a bad row with the
//! reason it is skipped (never half-created).

use serde::Serialize;

use super::columns::Field;
use super::reader::Record;
use crate::inbound::prospect::{is_email, RawProspect};

/// A row that will be imported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportRow {
    /// The file line the row starts on.
    pub line: usize,
    /// The name shown for it ("Ada Lovelace").
    pub name: String,
    /// The person, in the shape a save message carries.
    pub prospect: RawProspect,
}

/// A row that is skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    /// The file line the row starts on.
    pub line: usize,
    /// The name the row gives, if any.
    pub name: Option<String>,
    /// Why it is skipped, in words a rep understands.
    pub reason: String,
}

/// Characters that make a spreadsheet read a cell as a formula (CSV injection).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// True for a cell a spreadsheet would run as a formula. A phone number in international
/// form ("+44 20 7946 0000") is text.
fn looks_like_formula(field: Field, cell: &str) -> bool {
    let cell = cell.trim_start_matches(' ');
    if !cell.starts_with(FORMULA_START) {
        return false;
    }
    let phone = field == Field::Phone
        && cell.starts_with('+')
        && cell
            .chars()
            .skip(1)
            .all(|c| c.is_ascii_digit() || " ()./-".contains(c));
    !phone
}

/// Checks one data record against the mapped `columns`.
pub fn check_row(record: &Record, columns: &[Option<Field>]) -> Result<ImportRow, BadRow> {
    let mut prospect = RawProspect::default();
    let mut formula = None;
    for (cell, field) in record.cells.iter().zip(columns) {
        let Some(field) = *field else { continue };
        if formula.is_none() && looks_like_formula(field, cell) {
            formula = Some((field, cell.trim_start_matches(' ').chars().next()));
        }
        let value = Some(cell.trim().to_owned()).filter(|v| !v.is_empty());
        let slot = match field {
            Field::FirstName => &mut prospect.first_name,
            Field::LastName => &mut prospect.last_name,
            Field::FullName => &mut prospect.full_name,
            Field::Email => &mut prospect.email,
            Field::Title => &mut prospect.title,
            Field::Company => &mut prospect.company,
            Field::Phone => &mut prospect.phone,
            Field::LinkedinUrl => &mut prospect.linkedin_url,
            Field::Location => &mut prospect.location,
            Field::Headline => &mut prospect.headline,
        };
        *slot = value;
    }
    let shown_name = display_name(&prospect);
    let bad = |reason: String| BadRow {
        line: record.line,
        name: shown_name.clone(),
        reason,
    };
    if record.unclosed {
        return Err(bad(
            "A quoted cell is never closed (a \" is missing), so the rest of the file is one cell."
                .into(),
        ));
    }
    if let Some((field, first)) = formula {
        let first = first
            .map(|c| c.escape_default().to_string())
            .unwrap_or_default();
        return Err(bad(format!(
            "The {} cell starts with \"{first}\", which a spreadsheet would run as a formula.",
            field.label()
        )));
    }
    if let Some(email) = prospect.email.as_deref() {
        if !is_email(email) {
            return Err(bad(format!(
                "The email \"{}\" is not a valid address.",
                email.chars().take(80).collect::<String>()
            )));
        }
    }
    match prospect.validate(0) {
        Ok(valid) => Ok(ImportRow {
            line: record.line,
            name: valid.name,
            prospect,
        }),
        Err(rejected) if rejected.reason.contains("private") => Err(bad(rejected.reason)),
        Err(_) => Err(bad(
            "No name: the row needs a last name or a full name.".into()
        )),
    }
}

/// The name a row gives, for listing it ("Ada Lovelace", or the first and last name cells).
fn display_name(p: &RawProspect) -> Option<String> {
    let name = p.full_name.clone().or_else(|| {
        let parts: Vec<&str> = [p.first_name.as_deref(), p.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    })?;
    Some(name.chars().take(120).collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const COLUMNS: [Option<Field>; 5] = [
        Some(Field::FirstName),
        Some(Field::LastName),
        Some(Field::Email),
        Some(Field::Title),
        Some(Field::Phone),
    ];

    fn row(cells: &[&str]) -> Result<ImportRow, BadRow> {
        let record = Record {
            line: 7,
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
            unclosed: false,
        };
        check_row(&record, &COLUMNS)
    }

    /// (cells, Ok(name) or Err(words the reason must contain)).
    #[test]
    fn row_rules_table() {
        let rows: &[(&[&str], Result<&str, &str>)] = &[
            (
                &["Ada", "Lovelace", "ada@example.com", "CTO", ""],
                Ok("Ada Lovelace"),
            ),
            (&["", "Lovelace", "", "", ""], Ok("Lovelace")),
            (
                &["Ada", "Lovelace", "", "", "+44 20 7946 0000"],
                Ok("Ada Lovelace"),
            ),
            (&["Ada", "", "ada@example.com", "", ""], Err("No name")),
            (&["", "  ", "", "", ""], Err("No name")),
            (
                &["Ada", "Lovelace", "ada(at)example.com", "", ""],
                Err("not a valid address"),
            ),
            (
                &["Ada", "Lovelace", "a@b", "", ""],
                Err("not a valid address"),
            ),
            (
                &["Ada", "Lovelace", "", "=HYPERLINK(\"x\")", ""],
                Err("Title cell starts with \"=\""),
            ),
            (
                &["@SUM(A1)", "Lovelace", "", "", ""],
                Err("First name cell starts with \"@\""),
            ),
            (&["Ada", "-2+3", "", "", ""], Err("formula")),
            (
                &["Ada", "Lovelace", "", "", "+1 (555) cmd|x"],
                Err("Phone cell starts with \"+\""),
            ),
        ];
        for (cells, want) in rows {
            match (row(cells), want) {
                (Ok(r), Ok(name)) => {
                    assert_eq!(r.name, *name, "{cells:?}");
                    assert_eq!(r.line, 7);
                }
                (Err(b), Err(words)) => {
                    assert!(b.reason.contains(words), "{cells:?}: {}", b.reason);
                    assert_eq!(b.line, 7);
                }
                (got, want) => panic!("{cells:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn a_bad_row_keeps_its_name_for_the_list() {
        let bad = row(&["Ada", "Lovelace", "nope", "", ""]).unwrap_err();
        assert_eq!(bad.name.as_deref(), Some("Ada Lovelace"));
    }

    #[test]
    fn an_unclosed_quote_is_reported() {
        let record = Record {
            line: 2,
            cells: vec!["Ada".into(), "Lovelace".into()],
            unclosed: true,
        };
        let bad = check_row(&record, &COLUMNS).unwrap_err();
        assert!(bad.reason.contains("never closed"), "{}", bad.reason);
    }

    #[test]
    fn missing_cells_are_blank() {
        let ok = row(&["Ada", "Lovelace"]).unwrap();
        assert_eq!(ok.prospect.email, None);
        assert_eq!(ok.prospect.last_name.as_deref(), Some("Lovelace"));
    }
}
