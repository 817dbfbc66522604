//! Reading CSV text into records (RFC 4180): a leading byte-order mark is dropped, the
//! delimiter (`,`, `;` or tab) is detected from the first line, quoted cells may hold
//! delimiters, doubled quotes and line breaks. Line ends are CRLF, LF or a lone CR.
//!
//! The reader is lenient where a spreadsheet is (text after a closing quote is kept) and says
//! where it cannot be: a quote never closed marks the record `unclosed`.

/// One record of the file: its cells and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The line of the file where the record starts (the header is usually line 1).
    pub line: usize,
    /// The cells, unquoted.
    pub cells: Vec<String>,
    /// True when a quoted cell ran to the end of the file without its closing quote.
    pub unclosed: bool,
}

/// The delimiters a spreadsheet export uses, in the order a tie prefers them.
const DELIMITERS: [char; 3] = [',', ';', '\t'];

/// The delimiter of `text`: the one of [`DELIMITERS`] seen most often outside quotes on its
/// first line (`,` when none is).
pub fn detect_delimiter(text: &str) -> char {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = DELIMITERS.iter().position(|d| *d == c) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for (i, n) in counts.iter().enumerate() {
        if *n > counts[best] {
            best = i;
        }
    }
    DELIMITERS[best]
}

/// Reads every record of `text` (the BOM dropped, the delimiter detected). Records whose cells
/// are all blank are skipped.
pub fn read_records(text: &str) -> Vec<Record> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = detect_delimiter(text);
    let mut records = Vec::new();
    let mut reader = Reader {
        line: 1,
        start: 1,
        cell: String::new(),
        cells: Vec::new(),
        quoted: false,
        was_quoted: false,
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if reader.quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    reader.cell.push('"');
                }
                '"' => reader.quoted = false,
                '\r' | '\n' => {
                    if c == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    reader.line += 1;
                    reader.cell.push('\n');
                }
                c => reader.cell.push(c),
            }
            continue;
        }
        match c {
            '"' if reader.cell.is_empty() && !reader.was_quoted => {
                reader.quoted = true;
                reader.was_quoted = true;
            }
            c if c == delimiter => reader.end_cell(),
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                reader.line += 1;
                reader.end_record(&mut records, false);
            }
            c => reader.cell.push(c),
        }
    }
    let unclosed = reader.quoted;
    reader.end_record(&mut records, unclosed);
    records
}

/// The reader's state between characters.
struct Reader {
    /// The line the next character is on.
    line: usize,
    /// The line the current record started on.
    start: usize,
    cell: String,
    cells: Vec<String>,
    /// Inside a quoted cell.
    quoted: bool,
    /// The current cell opened with a quote (a later quote is text).
    was_quoted: bool,
}

impl Reader {
    fn end_cell(&mut self) {
        self.cells.push(std::mem::take(&mut self.cell));
        self.was_quoted = false;
    }

    fn end_record(&mut self, out: &mut Vec<Record>, unclosed: bool) {
        self.end_cell();
        let cells = std::mem::take(&mut self.cells);
        if cells.iter().any(|c| !c.trim().is_empty()) || unclosed {
            out.push(Record {
                line: self.start,
                cells,
                unclosed,
            });
        }
        self.start = self.line;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<Vec<String>> {
        read_records(text).into_iter().map(|r| r.cells).collect()
    }

    #[test]
    fn commas_semicolons_and_tabs_are_detected() {
        assert_eq!(detect_delimiter("a,b,c\n1;2"), ',');
        assert_eq!(detect_delimiter("a;b;c\n1,2,3,4"), ';');
        assert_eq!(detect_delimiter("\"a;b\",c\n"), ',');
        assert_eq!(detect_delimiter("a\tb\n"), '\t');
        assert_eq!(detect_delimiter("name\n"), ',');
    }

    /// A quoted header cell may hold a line break (a spreadsheet's wrapped column title): the
    /// header goes on past it, and its delimiters still count.
    #[test]
    fn a_line_break_inside_a_quoted_header_cell_does_not_end_the_header() {
        let text = "\"Full\nname\";Email;Company\r\nAda Lovelace;ada@example.com;Initech\r\n";
        assert_eq!(detect_delimiter(text), ';');
        assert_eq!(
            cells(text),
            vec![
                vec!["Full\nname", "Email", "Company"],
                vec!["Ada Lovelace", "ada@example.com", "Initech"],
            ]
        );
    }

    #[test]
    fn quoted_cells_follow_rfc_4180() {
        let got =
            cells("name,note\r\n\"Lovelace, Ada\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",x\r\n");
        assert_eq!(
            got,
            vec![
                vec!["name", "note"],
                vec!["Lovelace, Ada", "say \"hi\""],
                vec!["two\nlines", "x"],
            ]
        );
    }

    #[test]
    fn bom_is_dropped_and_lines_are_counted() {
        let records =
            read_records("\u{feff}First Name;Last Name\n\n\"Ada\";\"Love\nlace\"\rAlan;Turing");
        assert_eq!(records[0].cells[0], "First Name");
        assert_eq!(records[1].line, 3);
        assert_eq!(records[2].line, 5);
        assert_eq!(records[2].cells, vec!["Alan", "Turing"]);
    }

    #[test]
    fn a_quote_never_closed_is_flagged() {
        let records = read_records("name\n\"Ada,Lovelace\n");
        assert!(records[1].unclosed);
        assert!(!records[0].unclosed);
    }

    #[test]
    fn text_after_a_closing_quote_is_kept() {
        assert_eq!(cells("\"a\"b,c"), vec![vec!["ab", "c"]]);
        assert_eq!(cells("a\"b,c"), vec![vec!["a\"b", "c"]]);
    }
}
