//! Capped exponential back-off with "equal jitter", from a random input (no clock, no RNG).
//!
//! The delay for attempt `n` (0-based) lies in `[ceiling/2, ceiling)` where
//! `ceiling = min(CAP, BASE * 2^n)`; the random input picks the same fraction of that window
//! at every attempt. For a fixed random input the delay never shrinks from one
//! attempt to the next, and it never exceeds [`CAP_MS`].

/// The first retry waits between 1 and 2 seconds.
pub const BASE_MS: u64 = 2_000;
/// No retry waits longer than 10 minutes.
pub const CAP_MS: u64 = 600_000;
/// After this many attempts a save stops retrying: it fails, with the last error in the error
/// log (its people can be saved again from the page).
pub const MAX_ATTEMPTS: u32 = 12;

/// How long to wait before attempt `attempt + 1`, given a random `u32` from the caller.
pub fn backoff_ms(attempt: u32, random: u32) -> u64 {
    let ceiling = BASE_MS
        .checked_shl(attempt.min(40))
        .unwrap_or(CAP_MS)
        .min(CAP_MS);
    let half = ceiling / 2;
    // The same fraction of the window at every attempt, so a fixed `random` never shrinks it.
    half + ((half * u64::from(random)) >> 32)
}

/// Honours a server's `Retry-After` (seconds) when it asks for longer than the back-off.
pub fn with_retry_after(backoff: u64, retry_after: Option<&str>) -> u64 {
    let asked = retry_after
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(|secs| secs.saturating_mul(1000).min(CAP_MS));
    asked.map_or(backoff, |ms| ms.max(backoff))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn first_attempts() {
        assert_eq!(backoff_ms(0, 0), 1_000);
        assert_eq!(backoff_ms(0, u32::MAX), 1_999);
        assert_eq!(backoff_ms(0, 1 << 31), 1_500);
        assert_eq!(backoff_ms(1, 0), 2_000);
        // At the cap transition the delay still does not shrink (proptest found this case).
        assert!(backoff_ms(8, 3_289_210_964) <= backoff_ms(9, 3_289_210_964));
        assert_eq!(backoff_ms(30, u32::MAX), backoff_ms(31, u32::MAX));
        assert!(backoff_ms(u32::MAX, u32::MAX) <= CAP_MS);
    }

    #[test]
    fn retry_after_only_lengthens() {
        assert_eq!(with_retry_after(5_000, Some("20")), 20_000);
        assert_eq!(with_retry_after(5_000, Some("1")), 5_000);
        assert_eq!(with_retry_after(5_000, Some("soon")), 5_000);
        assert_eq!(with_retry_after(5_000, Some("99999999999999")), CAP_MS);
    }

    proptest! {
        #[test]
        fn monotone_and_capped(attempt in 0u32..200, random in any::<u32>()) {
            let now = backoff_ms(attempt, random);
            let next = backoff_ms(attempt + 1, random);
            prop_assert!(now <= next);
            prop_assert!(next <= CAP_MS);
            prop_assert!(now >= BASE_MS / 2);
        }
    }
}
