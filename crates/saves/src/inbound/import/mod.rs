//! CSV import: a file a rep exported from a spreadsheet, LinkedIn or an event list, read into
//! the people to save (as `csv_import`) and the rows skipped with their reasons.
//!
//! - `reader`: RFC 4180 text → records (BOM, `,` / `;` / tab detected, quoted cells);
//! - `columns`: the header row → which [`Field`] each column fills, in any common spelling;
//! - `rows`: each data row → an [`ImportRow`] or a [`BadRow`] (no name, a malformed email,
//!   a formula-looking cell, a quote never closed), never a half person.
//!
//! [`read_csv`] puts them together and also skips a second row for the same email or LinkedIn
//! URL (the first one is imported). Pure: text in, values out.

use serde::Serialize;
use thiserror::Error;

mod columns;
mod reader;
mod rows;

pub use columns::Field;
pub use rows::{BadRow, ImportRow};

/// Most data rows one import takes (a larger file is refused whole, never cut).
pub const MAX_ROWS: usize = 50_000;
/// How many records may come before the header row (LinkedIn's export opens with notes).
const HEADER_SEARCH: usize = 10;

/// One column of the file as the import page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// The header cell as written.
    pub header: String,
    /// The field it fills, or `None` when the column is not imported.
    pub field: Option<Field>,
}

/// A file read: its columns, the rows to import and the rows skipped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsvImport {
    /// The header line (1-based).
    pub header_line: usize,
    /// Every column of the header row.
    pub columns: Vec<Column>,
    /// The rows to import, in file order.
    pub rows: Vec<ImportRow>,
    /// The rows skipped, in file order, each with its reason.
    pub bad: Vec<BadRow>,
}

/// Why a whole file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImportError {
    /// Nothing but blank lines.
    #[error("The file is empty.")]
    Empty,
    /// No header row names a name column.
    #[error(
        "No name column found: the header row needs \"First Name\" and \"Last Name\", or \"Name\" (first line seen: {0})."
    )]
    NoNameColumn(String),
    /// More rows than one import takes.
    #[error("The file has {count} rows; one import takes at most {max}. Split the file and import each part.")]
    TooManyRows {
        /// Data rows in the file.
        count: usize,
        /// [`MAX_ROWS`].
        max: usize,
    },
}

/// Reads a CSV file's text into the rows to import and the rows skipped.
pub fn read_csv(text: &str) -> Result<CsvImport, ImportError> {
    let records = reader::read_records(text);
    let first = records.first().ok_or(ImportError::Empty)?;
    let (at, fields) = records
        .iter()
        .take(HEADER_SEARCH)
        .enumerate()
        .map(|(i, r)| (i, columns::map_header(&r.cells)))
        .find(|(_, fields)| columns::has_name(fields))
        .ok_or_else(|| {
            let seen: String = first.cells.join(", ").chars().take(120).collect();
            ImportError::NoNameColumn(seen)
        })?;
    let header = &records[at];
    let data = &records[at + 1..];
    if data.len() > MAX_ROWS {
        return Err(ImportError::TooManyRows {
            count: data.len(),
            max: MAX_ROWS,
        });
    }
    let mut rows = Vec::with_capacity(data.len());
    let mut bad = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for record in data {
        match rows::check_row(record, &fields) {
            Ok(row) => match duplicate_of(&row, &mut seen) {
                Some(line) => bad.push(BadRow {
                    line: row.line,
                    name: Some(row.name),
                    reason: format!("The same person as line {line} (same email or LinkedIn URL); imported once."),
                }),
                None => rows.push(row),
            },
            Err(b) => bad.push(b),
        }
    }
    let columns = header
        .cells
        .iter()
        .zip(fields.iter().copied().chain(std::iter::repeat(None)))
        .map(|(h, field)| Column {
            header: h.trim().to_owned(),
            field,
        })
        .collect();
    Ok(CsvImport {
        header_line: header.line,
        columns,
        rows,
        bad,
    })
}

/// The line of an earlier row with the same email or LinkedIn URL, remembering this row's.
fn duplicate_of(
    row: &ImportRow,
    seen: &mut std::collections::HashMap<String, usize>,
) -> Option<usize> {
    let keys: Vec<String> = [
        row.prospect
            .email
            .as_deref()
            .map(|e| format!("e:{}", e.to_lowercase())),
        row.prospect
            .linkedin_url
            .as_deref()
            .map(|u| format!("l:{}", u.trim_end_matches('/').to_lowercase())),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(line) = keys.iter().find_map(|k| seen.get(k).copied()) {
        return Some(line);
    }
    for key in keys {
        seen.insert(key, row.line);
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_spreadsheet_export_reads_whole() {
        let text = "\u{feff}First Name;Last Name;E-mail;Job Title;Organization;Notes\r\n\
                    Ada;Lovelace;ada@example.com;CTO;Analytical;\"likes; semicolons\"\r\n\
                    ;Nameless;x@example.com;;;\r\n\
                    Alan;Turing;alan@example;;;\r\n\
                    Grace;Hopper;=cmd|' /C calc'!A0;;;\r\n\
                    Ada;Lovelace;ADA@example.com;;;\r\n\
                    Edsger;Dijkstra;;;;\r\n";
        let got = read_csv(text).unwrap();
        assert_eq!(got.header_line, 1);
        assert_eq!(got.columns[2].field, Some(Field::Email));
        assert_eq!(got.columns[5].field, None);
        let names: Vec<&str> = got.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Ada Lovelace", "Nameless", "Edsger Dijkstra"]);
        let bad: Vec<(usize, &str)> = got
            .bad
            .iter()
            .map(|b| (b.line, b.reason.as_str()))
            .collect();
        assert_eq!(bad.len(), 3, "{bad:?}");
        assert!(bad[0].1.contains("not a valid address") && bad[0].0 == 4);
        assert!(bad[1].1.contains("formula") && bad[1].0 == 5);
        assert!(bad[2].1.contains("line 2") && bad[2].0 == 6);
        assert_eq!(got.rows[0].prospect.title.as_deref(), Some("CTO"));
        assert_eq!(got.rows[0].prospect.company.as_deref(), Some("Analytical"));
    }

    #[test]
    fn a_linkedin_export_with_notes_before_the_header() {
        let text = "Notes:\n\"When exporting your connection data, you may notice...\"\n\n\
                    First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
                    Ada,Lovelace,https://www.linkedin.com/in/ada,,Analytical,CTO,01 Jan 2024\n";
        let got = read_csv(text).unwrap();
        assert_eq!(got.header_line, 4);
        assert_eq!(got.rows.len(), 1);
        assert_eq!(
            got.rows[0].prospect.linkedin_url.as_deref(),
            Some("https://www.linkedin.com/in/ada")
        );
        assert_eq!(got.rows[0].prospect.title.as_deref(), Some("CTO"));
    }

    #[test]
    fn whole_file_errors_say_what_to_do() {
        assert_eq!(read_csv("\u{feff}\r\n\r\n"), Err(ImportError::Empty));
        let err = read_csv("Email,Phone\na@b.example,1\n").unwrap_err();
        assert!(err.to_string().contains("No name column"), "{err}");
        let many = format!("Name\n{}", "Ada Lovelace\n".repeat(MAX_ROWS + 1));
        assert!(matches!(
            read_csv(&many),
            Err(ImportError::TooManyRows { count, .. }) if count == MAX_ROWS + 1
        ));
        // The limit itself is read: every row imported or reported.
        let limit = format!("Name\n{}", "Ada Lovelace\n".repeat(MAX_ROWS));
        let got = read_csv(&limit).unwrap();
        assert_eq!(got.rows.len() + got.bad.len(), MAX_ROWS);
    }

    proptest! {
        /// Any text: no panic, and every data record is either imported or listed as bad.
        #[test]
        fn every_row_is_accepted_or_reported(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            let with_header = format!("Name,Email,Title\n{text}");
            let records = reader::read_records(&with_header);
            let got = read_csv(&with_header).unwrap();
            prop_assert_eq!(got.rows.len() + got.bad.len(), records.len() - 1);
            for b in &got.bad {
                prop_assert!(!b.reason.is_empty());
            }
            let _ = read_csv(&text);
        }

        /// Cells written by the exporter's own quoting come back unchanged.
        #[test]
        fn quoted_cells_round_trip(cells in proptest::collection::vec("[^\r]{0,12}", 1..6)) {
            let line: Vec<String> = cells.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
            let text = format!("{}\r\n", line.join(","));
            let records = reader::read_records(&text);
            if cells.iter().any(|c| !c.trim().is_empty()) {
                prop_assert_eq!(&records[0].cells, &cells);
            } else {
                prop_assert!(records.is_empty());
            }
        }
    }
}
