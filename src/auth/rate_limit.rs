//! Requests per minute per token: a token bucket per token, kept in memory by each
//! instance (behind a load balancer each instance limits on its own).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Buckets not touched for this long are forgotten (they would be full again anyway).
const IDLE: Duration = Duration::from_secs(120);

/// Above this many buckets, idle ones are swept on the next check.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// A limiter allowing `per_minute` requests per minute per key, in bursts of as many.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<i64, Bucket>>,
}

impl RateLimiter {
    /// A limiter of `per_minute` requests per key; 0 turns limiting off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request of `key` at `now`: false when the key is over its limit.
    pub fn check_at(&self, key: i64, now: Instant) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > SWEEP_ABOVE {
            buckets.retain(|_, b| now.saturating_duration_since(b.at) < IDLE);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Takes one request of `key` now.
    pub fn check(&self, key: i64) -> bool {
        self.check_at(key, Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_then_refilled() {
        let limiter = RateLimiter::new(3);
        let t0 = Instant::now();
        assert!(limiter.check_at(1, t0));
        assert!(limiter.check_at(1, t0));
        assert!(limiter.check_at(1, t0));
        assert!(!limiter.check_at(1, t0), "the fourth in the same instant");
        assert!(limiter.check_at(2, t0), "keys are limited separately");
        assert!(
            limiter.check_at(1, t0 + Duration::from_secs(20)),
            "refilled"
        );
    }

    #[test]
    fn zero_turns_limiting_off() {
        let limiter = RateLimiter::new(0);
        let t0 = Instant::now();
        assert!((0..1000).all(|_| limiter.check_at(1, t0)));
    }
}
