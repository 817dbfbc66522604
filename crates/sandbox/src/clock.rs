//! Wall-clock time in the formats the two CRMs print.

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Salesforce's `2026-03-01T10:00:00.000+0000`.
const SF_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+0000");
/// HubSpot's `2026-03-01T10:00:00.000Z`.
const ISO_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// The UTC instant `ms` after the epoch, formatted (the epoch itself when out of range).
fn format(ms: i64, items: &[BorrowedFormatItem<'static>]) -> String {
    let instant = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    instant.format(items).unwrap_or_default()
}

/// Salesforce's datetime format: `2026-03-01T10:00:00.000+0000`.
pub fn sf_datetime(ms: i64) -> String {
    format(ms, SF_FORMAT)
}

/// HubSpot's datetime format: `2026-03-01T10:00:00.000Z`.
pub fn iso_datetime(ms: i64) -> String {
    format(ms, ISO_FORMAT)
}

/// The UTC day number (for the daily API counter).
pub fn day_number(ms: i64) -> i64 {
    ms.div_euclid(86_400_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(sf_datetime(0), "1970-01-01T00:00:00.000+0000");
        // 2026-03-01T10:00:00.123Z
        assert_eq!(iso_datetime(1_772_359_200_123), "2026-03-01T10:00:00.123Z");
        assert_eq!(iso_datetime(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(
            sf_datetime(1_772_359_200_007),
            "2026-03-01T10:00:00.007+0000"
        );
        // Before the epoch the millisecond part still counts forward within its second.
        assert_eq!(iso_datetime(-1), "1969-12-31T23:59:59.999Z");
    }
}
