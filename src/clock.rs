//! The time source.
//!
//! `std::time::SystemTime::now` panics on `wasm32-unknown-unknown`, so the wasm build reads
//! JavaScript's `Date.now()` instead. Tests use [`FixedClock`] to pin the time.

use std::cell::Cell;
use std::rc::Rc;

/// Seconds since the Unix epoch, as used by the JWT `exp`, `nbf` and `iat` claims.
pub type UnixSeconds = i64;

/// A source of the current time.
pub trait Clock {
    /// Returns the current time in whole seconds since the Unix epoch.
    fn now(&self) -> UnixSeconds;
}

/// The wall clock of the host: `Date.now()` on wasm, `SystemTime` elsewhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[cfg(target_arch = "wasm32")]
    fn now(&self) -> UnixSeconds {
        // `Date.now()` returns milliseconds as a float; flooring keeps the seconds exact.
        (js_sys::Date::now() / 1000.0).floor() as UnixSeconds
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn now(&self) -> UnixSeconds {
        use std::time::{SystemTime, UNIX_EPOCH};
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
            // A clock set before 1970 is a host fault; treating it as the epoch makes every
            // token look expired instead of valid forever.
            Err(_) => 0,
        }
    }
}

/// A clock that returns a time set by the test, shared between clones.
#[derive(Debug, Clone, Default)]
pub struct FixedClock {
    now: Rc<Cell<UnixSeconds>>,
}

impl FixedClock {
    /// Creates a clock stopped at `now`.
    pub fn new(now: UnixSeconds) -> Self {
        Self {
            now: Rc::new(Cell::new(now)),
        }
    }

    /// Moves the clock to `now`, for every clone of it.
    pub fn set(&self, now: UnixSeconds) {
        self.now.set(now);
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.now.set(self.now.get().saturating_add(seconds));
    }
}

impl Clock for FixedClock {
    fn now(&self) -> UnixSeconds {
        self.now.get()
    }
}
