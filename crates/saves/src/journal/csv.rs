//! CSV export (RFC 4180) with a guard against formula injection.
//!
//! Every cell is quoted; quotes are doubled. A cell that a spreadsheet would read as a formula
//! (starting with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with `'`, so a
//! prospect named `=HYPERLINK(...)` stays text when an admin opens the file.

/// One CSV document: a header row and data rows, CRLF line ends.
pub fn to_csv<R: AsRef<[String]>>(header: &[&str], rows: &[R]) -> String {
    let mut out = String::new();
    push_row(&mut out, header.iter().copied());
    for row in rows {
        push_row(&mut out, row.as_ref().iter().map(String::as_str));
    }
    out
}

fn push_row<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    let cells: Vec<String> = cells.map(csv_cell).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// One quoted, formula-safe CSV cell: quotes are doubled, and a value a spreadsheet would
/// read as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading
/// `'`. Re-exported from the crate root for writers with their own row layout (the team
/// server's journal export).
pub fn csv_cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_guards() {
        let rows = vec![
            vec!["a,b".to_string(), "say \"hi\"".to_string()],
            vec!["=1+2".to_string(), "line\nbreak".to_string()],
            vec!["-3".to_string(), "@SUM(A1)".to_string()],
            vec!["+x".to_string(), "plain".to_string()],
        ];
        let csv = to_csv(&["name", "message"], &rows);
        assert_eq!(
            csv,
            "\"name\",\"message\"\r\n\
             \"a,b\",\"say \"\"hi\"\"\"\r\n\
             \"'=1+2\",\"line\nbreak\"\r\n\
             \"'-3\",\"'@SUM(A1)\"\r\n\
             \"'+x\",\"plain\"\r\n"
        );
    }

    #[test]
    fn cell_quotes_and_guards_formulas() {
        assert_eq!(csv_cell("plain"), "\"plain\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
    }
}
