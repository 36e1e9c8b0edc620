//! When to try again: exponential backoff with jitter for retries, and the pace of status polls.

use std::time::Duration;

use rand::Rng as _;

/// How a failed call that may be retried is retried: exponential backoff with jitter.
///
/// Attempt `n` (0-based, after the first failure) waits a random time between half and all of
/// `min(initial_backoff × 2ⁿ, max_backoff)` ("equal jitter"), so clients that failed together do
/// not come back together.
///
/// Only calls that are safe to repeat are retried, and only on errors that say a retry can help
/// ([`Error::is_retryable`](crate::Error::is_retryable)): transport errors, timeouts and 5xx
/// answers on idempotent calls, and `RETSAVE` with the same `txn`.
///
/// ```
/// use std::time::Duration;
/// use gstn_client::RetryPolicy;
///
/// let policy = RetryPolicy::default().with_max_retries(3);
/// assert_eq!(policy.max_retries, 3);
/// let wait = policy.backoff(2);
/// assert!(wait <= policy.initial_backoff * 4 && wait >= policy.initial_backoff * 2);
/// assert_eq!(RetryPolicy::none().max_retries, 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` attempts in all).
    pub max_retries: u32,
    /// The wait before the first retry (before jitter).
    pub initial_backoff: Duration,
    /// The longest wait between two attempts (before jitter).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Five retries, from 200 ms up to 10 s.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The same policy with another number of retries.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The same policy with other backoff bounds.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The ceiling of the wait before retry `retry` (0-based), before jitter.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// The wait before retry `retry` (0-based): uniformly random in `[ceiling/2, ceiling]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        jitter(self.ceiling(retry))
    }
}

/// A random duration between half of `ceiling` and `ceiling`.
pub(crate) fn jitter(ceiling: Duration) -> Duration {
    let half = ceiling / 2;
    let spread = u64::try_from((ceiling - half).as_micros()).unwrap_or(u64::MAX);
    let extra = if spread == 0 {
        0
    } else {
        rand::thread_rng().gen_range(0..=spread)
    };
    half + Duration::from_micros(extra)
}

/// How GSTN's status is polled while it processes something (`RETSTATUS`, `REQSTS` and
/// `GENSTS2B` while `IP`, `FILEDET` while `RTN_24`, IMS's `IMSSAV0015`): growing intervals, up
/// to a total time. Where GSTN says how long to wait (GET2B's `RTN_24` with
/// `retryTimeInMinutes`), the client waits that long, but at most `queued_wait_max`.
///
/// ```
/// use std::time::Duration;
/// use gstn_client::PollPolicy;
///
/// let poll = PollPolicy::default();
/// assert!(poll.interval(0) <= poll.initial_interval);
/// assert!(poll.interval(50) <= poll.max_interval);
/// assert_eq!(poll.queued_wait(Some(3)), Duration::from_secs(180));
/// assert_eq!(poll.queued_wait(Some(60)), poll.queued_wait_max);
/// assert_eq!(PollPolicy::fast().queued_wait(Some(1)), Duration::from_millis(200));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollPolicy {
    /// The wait before the second poll (before jitter).
    pub initial_interval: Duration,
    /// The longest wait between two polls (before jitter).
    pub max_interval: Duration,
    /// After this long without a final answer, give up with
    /// [`Error::StillProcessing`](crate::Error::StillProcessing).
    pub timeout: Duration,
    /// The longest wait for a time GSTN gives (`retryTimeInMinutes` of a queued GET2B).
    pub queued_wait_max: Duration,
}

impl Default for PollPolicy {
    /// From 1 s up to 30 s between polls, for at most 15 minutes; GSTN's queued times
    /// honoured up to 10 minutes.
    fn default() -> Self {
        PollPolicy {
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(30),
            timeout: Duration::from_secs(15 * 60),
            queued_wait_max: Duration::from_secs(10 * 60),
        }
    }
}

impl PollPolicy {
    /// A fast policy for local sandboxes and tests: 20 ms up to 200 ms, for at most 60 s;
    /// GSTN's queued times cut to 200 ms.
    pub fn fast() -> Self {
        PollPolicy {
            initial_interval: Duration::from_millis(20),
            max_interval: Duration::from_millis(200),
            timeout: Duration::from_secs(60),
            queued_wait_max: Duration::from_millis(200),
        }
    }

    /// The wait before asking again about queued work: the minutes GSTN gave, at most
    /// `queued_wait_max`; without a time from GSTN, `max_interval`.
    pub fn queued_wait(&self, minutes: Option<u64>) -> Duration {
        match minutes {
            Some(m) => Duration::from_secs(m.saturating_mul(60)).min(self.queued_wait_max),
            None => self.max_interval.min(self.queued_wait_max),
        }
    }

    /// The wait before poll `n + 1`, doubling from `initial_interval` up to `max_interval`, with
    /// jitter.
    pub fn interval(&self, n: u32) -> Duration {
        let factor = 1u32.checked_shl(n.min(31)).unwrap_or(u32::MAX);
        let ceiling = self
            .initial_interval
            .checked_mul(factor)
            .unwrap_or(self.max_interval)
            .min(self.max_interval);
        jitter(ceiling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_ceiling() {
        let p =
            RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(p.ceiling(0), Duration::from_millis(100));
        assert_eq!(p.ceiling(1), Duration::from_millis(200));
        assert_eq!(p.ceiling(3), Duration::from_millis(800));
        assert_eq!(p.ceiling(4), Duration::from_secs(1));
        assert_eq!(p.ceiling(40), Duration::from_secs(1));
    }

    #[test]
    fn jitter_stays_in_the_upper_half_and_varies() {
        let ceiling = Duration::from_millis(100);
        let waits: Vec<Duration> = (0..200).map(|_| jitter(ceiling)).collect();
        assert!(waits.iter().all(|w| *w >= ceiling / 2 && *w <= ceiling));
        let first = waits[0];
        assert!(waits.iter().any(|w| *w != first), "no jitter");
        assert_eq!(jitter(Duration::ZERO), Duration::ZERO);
    }

    /// The policies the docs of `RetryPolicy::default`, `PollPolicy::default` and
    /// `PollPolicy::fast` state.
    #[test]
    fn policies_are_the_documented_ones() {
        let (ms, s) = (Duration::from_millis, Duration::from_secs);
        let r = RetryPolicy::default();
        assert_eq!(
            (r.max_retries, r.initial_backoff, r.max_backoff),
            (5, ms(200), s(10))
        );
        let p = PollPolicy::default();
        assert_eq!(
            (
                p.initial_interval,
                p.max_interval,
                p.timeout,
                p.queued_wait_max
            ),
            (s(1), s(30), s(15 * 60), s(10 * 60))
        );
        let f = PollPolicy::fast();
        assert_eq!(
            (
                f.initial_interval,
                f.max_interval,
                f.timeout,
                f.queued_wait_max
            ),
            (ms(20), ms(200), s(60), ms(200))
        );
    }

    #[test]
    fn poll_interval_is_bounded() {
        let p = PollPolicy::fast();
        for n in 0..64 {
            assert!(p.interval(n) <= p.max_interval);
        }
    }
}
