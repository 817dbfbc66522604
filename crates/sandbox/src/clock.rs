//! Wall-clock time in the formats the two CRMs print.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `(year, month, day, hour, minute, second, millis)` in UTC.
fn civil(ms: i64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000) as u32;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
        millis,
    )
}

/// Salesforce's datetime format: `2026-03-01T10:00:00.000+0000`.
pub fn sf_datetime(ms: i64) -> String {
    let (y, mo, d, h, mi, s, ml) = civil(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ml:03}+0000")
}

/// HubSpot's datetime format: `2026-03-01T10:00:00.000Z`.
pub fn iso_datetime(ms: i64) -> String {
    let (y, mo, d, h, mi, s, ml) = civil(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ml:03}Z")
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
    }
}
