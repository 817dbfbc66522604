//! Time and randomness, injected: the core takes both as arguments, and the engine gets them
//! from a [`Clock`] so that tests run back-offs in virtual time
//! ([`VirtualClock`]) and check the delays they asked for.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

/// The wall clock, a sleeper and a source of random numbers (for back-off jitter).
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    /// Resolves after `duration`.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()>;
    /// A random `u32` (jitter only: need not be cryptographic).
    fn random_u32(&self) -> u32;
}

/// Milliseconds since the Unix epoch from the system clock (0 before 1970).
pub fn system_now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A random `u32` from std's randomly keyed hasher (each call a fresh key): good enough for
/// jitter, and no extra dependency.
pub fn std_random_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(system_now_ms());
    (h.finish() >> 32) as u32
}

/// The real clock, sleeping with tokio (feature `native`).
#[cfg(feature = "native")]
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

#[cfg(feature = "native")]
impl Clock for TokioClock {
    fn now_ms(&self) -> u64 {
        system_now_ms()
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> {
        tokio::time::sleep(duration)
    }

    fn random_u32(&self) -> u32 {
        std_random_u32()
    }
}

/// A clock for tests: starts at the system time, and a sleep returns at once after moving
/// the virtual time forward and writing down how long it was asked to wait.
#[derive(Debug)]
pub struct VirtualClock {
    state: Mutex<(u64, Vec<Duration>)>,
    random: u32,
}

impl VirtualClock {
    /// A virtual clock starting now, whose random numbers are all `random`.
    pub fn new(random: u32) -> Self {
        Self {
            state: Mutex::new((system_now_ms(), Vec::new())),
            random,
        }
    }

    /// Every sleep asked for so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state.lock().map(|s| s.1.clone()).unwrap_or_default()
    }
}

impl Clock for VirtualClock {
    fn now_ms(&self) -> u64 {
        self.state.lock().map(|s| s.0).unwrap_or(0)
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> {
        if let Ok(mut s) = self.state.lock() {
            s.0 =
                s.0.saturating_add(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX));
            s.1.push(duration);
        }
        std::future::ready(())
    }

    fn random_u32(&self) -> u32 {
        self.random
    }
}
