//! In-process sliding-window rate limits (sign-in attempts, new visitor sessions). One server
//! process holds the counts; several processes behind a balancer would each count separately.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::error::AppError;

/// At most `limit` events per key in any `window`.
#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    events: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Keys beyond which idle ones are swept, so memory stays bounded under many distinct IPs.
const SWEEP_ABOVE_KEYS: usize = 10_000;

impl RateLimiter {
    /// A limiter allowing `limit` events per `window` for each key.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: limit as usize,
            window,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// Records an event for `key`, or refuses it with the seconds until one is allowed.
    ///
    /// # Errors
    /// 429 with `retry_after_secs` when `key` used up its allowance.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), AppError> {
        // A poisoned lock only means another request panicked mid-update; counts stay usable.
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        if events.len() > SWEEP_ABOVE_KEYS {
            events.retain(|_, times| times.back().is_some_and(|t| now - *t < self.window));
        }
        let times = events.entry(key.to_owned()).or_default();
        while times.front().is_some_and(|t| now - *t >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.limit {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = self.window.saturating_sub(now - oldest);
            return Err(AppError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            });
        }
        times.push_back(now);
        Ok(())
    }
}

/// The limits Confab enforces.
#[derive(Debug)]
pub struct RateLimits {
    /// Sign-in attempts per client IP.
    pub sign_in_per_ip: RateLimiter,
    /// Sign-in attempts per email address.
    pub sign_in_per_email: RateLimiter,
    /// New widget visitor sessions per client IP.
    pub visitor_sessions_per_ip: RateLimiter,
}

impl RateLimits {
    /// Five sign-in attempts per five minutes per IP and per email; `visitor_sessions_per_hour`
    /// new widget sessions per IP per hour.
    pub fn new(visitor_sessions_per_hour: u32) -> Self {
        let five_minutes = Duration::from_secs(5 * 60);
        Self {
            sign_in_per_ip: RateLimiter::new(5, five_minutes),
            sign_in_per_email: RateLimiter::new(5, five_minutes),
            visitor_sessions_per_ip: RateLimiter::new(
                visitor_sessions_per_hour,
                Duration::from_secs(60 * 60),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_limit_then_refuses_until_the_window_moves() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(limiter.check_at("k", t0).is_ok());
        assert!(limiter.check_at("k", t0 + Duration::from_secs(10)).is_ok());
        let refused = limiter.check_at("k", t0 + Duration::from_secs(20));
        assert_eq!(
            refused,
            Err(AppError::RateLimited {
                retry_after_secs: 40
            })
        );
        assert!(
            limiter.check_at("other", t0).is_ok(),
            "keys are independent"
        );
        assert!(limiter.check_at("k", t0 + Duration::from_secs(61)).is_ok());
    }
}
