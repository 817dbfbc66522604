//! The few pieces every page is written with: [`escape`] for any text or attribute value
//! that did not come from this file, and [`when`] for Unix times.
//!
//! **Invariant:** every value a page shows that comes from the database, the CRM or a
//! request passes through [`escape`]; literal markup is written only in `pages/*.rs`.

/// Escapes text for HTML element content and double- or single-quoted attribute values:
/// `&`, `<`, `>`, `"` and `'` become character references, nothing else changes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A Unix time as `YYYY-MM-DD HH:MM UTC`, or "never" for `None`.
pub fn when(unix: Option<i64>) -> String {
    let Some(unix) = unix else {
        return "never".to_owned();
    };
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        (secs % 3600) / 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (the era arithmetic of a
/// 400-year cycle, whose length is 146 097 days; months counted from March so the leap day
/// falls last).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_references() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(
            escape("&amp;"),
            "&amp;amp;",
            "escaping twice shows the text"
        );
        assert_eq!(escape("Zoë Ørsted, plain"), "Zoë Ørsted, plain");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn times_read_as_utc_dates() {
        assert_eq!(when(Some(0)), "1970-01-01 00:00 UTC");
        assert_eq!(when(Some(951_782_400)), "2000-02-29 00:00 UTC");
        assert_eq!(when(Some(1_796_302_923)), "2026-12-03 13:02 UTC");
        assert_eq!(when(Some(4_102_444_799)), "2099-12-31 23:59 UTC");
        assert_eq!(when(Some(-1)), "1969-12-31 23:59 UTC");
        assert_eq!(when(None), "never");
    }
}
