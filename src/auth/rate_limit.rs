//! Requests per minute per key (an API token, a client address): a token bucket per key,
//! kept in memory by each instance (behind a load balancer each instance limits on its
//! own).

use std::collections::HashMap;
use std::hash::Hash;
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

/// A limiter allowing `per_minute` requests per minute per key, in bursts of as many. Keys
/// are token ids by default.
#[derive(Debug)]
pub struct RateLimiter<K = i64> {
    per_minute: u32,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// A limiter of `per_minute` requests per key; 0 turns limiting off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request of `key` at `now`: false when the key is over its limit.
    pub fn check_at(&self, key: &K, now: Instant) -> bool {
        self.with_bucket(key, now, |bucket| {
            if bucket.tokens >= 1.0 {
                bucket.tokens -= 1.0;
                true
            } else {
                false
            }
        })
    }

    /// Whether `key` may make a request at `now`, without taking one.
    pub fn allows_at(&self, key: &K, now: Instant) -> bool {
        self.with_bucket(key, now, |bucket| bucket.tokens >= 1.0)
    }

    /// Takes one request of `key` now.
    pub fn check(&self, key: &K) -> bool {
        self.check_at(key, Instant::now())
    }

    /// Whether `key` may make a request now, without taking one.
    pub fn allows(&self, key: &K) -> bool {
        self.allows_at(key, Instant::now())
    }

    /// Runs `f` on the bucket of `key`, refilled up to `now`; always true when limiting is
    /// off.
    fn with_bucket(&self, key: &K, now: Instant, f: impl FnOnce(&mut Bucket) -> bool) -> bool {
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
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.at = now;
        f(bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_then_refilled() {
        let limiter = RateLimiter::new(3);
        let t0 = Instant::now();
        assert!(limiter.check_at(&1, t0));
        assert!(limiter.check_at(&1, t0));
        assert!(limiter.allows_at(&1, t0), "one left");
        assert!(limiter.check_at(&1, t0));
        assert!(!limiter.allows_at(&1, t0), "none left");
        assert!(!limiter.check_at(&1, t0), "the fourth in the same instant");
        assert!(limiter.check_at(&2, t0), "keys are limited separately");
        assert!(
            limiter.check_at(&1, t0 + Duration::from_secs(20)),
            "refilled"
        );
    }

    #[test]
    fn allows_does_not_take_a_request() {
        let limiter: RateLimiter<std::net::IpAddr> = RateLimiter::new(1);
        let t0 = Instant::now();
        let address = std::net::IpAddr::from([192, 0, 2, 1]);
        assert!((0..10).all(|_| limiter.allows_at(&address, t0)));
        assert!(limiter.check_at(&address, t0));
        assert!(!limiter.allows_at(&address, t0));
    }

    #[test]
    fn zero_turns_limiting_off() {
        let limiter = RateLimiter::new(0);
        let t0 = Instant::now();
        assert!((0..1000).all(|_| limiter.check_at(&1, t0)));
    }
}
