//! Cleaning of strings that arrive from pages: trimmed, control characters folded to spaces,
//! capped by characters (never split inside a character), empty means absent.

/// Cleans one optional page string: `None`, blank or whitespace-only become `None`.
pub fn clean(raw: Option<&str>, max_chars: usize) -> Option<String> {
    let raw = raw?;
    let folded: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = folded.trim();
    if trimmed.is_empty() {
        return None;
    }
    let capped: String = trimmed.chars().take(max_chars).collect();
    Some(capped.trim_end().to_owned())
}

/// Like [`clean`] but keeps line breaks (email bodies), folding other control characters.
pub fn clean_multiline(raw: Option<&str>, max_chars: usize) -> Option<String> {
    let raw = raw?;
    let folded: String = raw
        .chars()
        .filter(|c| *c != '\r')
        .map(|c| match c {
            '\n' => '\n',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let trimmed = folded.trim();
    if trimmed.is_empty() {
        return None;
    }
    Some(trimmed.chars().take(max_chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_folds_and_caps() {
        assert_eq!(
            clean(Some("  Ada\u{0}Lovelace \n"), 80).as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(clean(Some("   "), 80), None);
        assert_eq!(clean(None, 80), None);
        assert_eq!(clean(Some("ééééé"), 3).as_deref(), Some("ééé"));
        assert_eq!(clean(Some("ab cd"), 3).as_deref(), Some("ab"));
    }

    #[test]
    fn multiline_keeps_breaks() {
        assert_eq!(
            clean_multiline(Some(" Hi\r\nthere\t! "), 100).as_deref(),
            Some("Hi\nthere !")
        );
        assert_eq!(clean_multiline(Some("abcdef"), 4).as_deref(), Some("abcd"));
    }
}
