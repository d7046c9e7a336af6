//! Throttling of failed logins: a rule on the times of recent failures.

use chrono::{DateTime, TimeDelta, Utc};

/// A limit of `max_failures` failed logins within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureLimit {
    pub max_failures: u32,
    pub window: TimeDelta,
}

impl FailureLimit {
    /// How long the caller must wait before trying again, or `None` when a
    /// try is allowed now. `recent` holds the times of the latest failures,
    /// newest first; only the first `max_failures` matter.
    ///
    /// Once `max_failures` failures fall within the window, tries are refused
    /// until the oldest of them leaves it.
    pub fn retry_after(&self, recent: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<TimeDelta> {
        let limit = usize::try_from(self.max_failures).ok()?;
        if limit == 0 || recent.len() < limit {
            return None;
        }
        let oldest_counted = recent[..limit].iter().min()?;
        let frees_at = *oldest_counted + self.window;
        (frees_at > now).then(|| frees_at - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + minute * 60, 0).expect("valid")
    }

    const FIVE_IN_FIFTEEN: FailureLimit = FailureLimit {
        max_failures: 5,
        window: TimeDelta::minutes(15),
    };

    #[test]
    fn under_the_limit_a_try_is_allowed() {
        let recent = [at(4), at(3), at(2), at(1)];
        assert_eq!(FIVE_IN_FIFTEEN.retry_after(&recent, at(5)), None);
    }

    #[test]
    fn at_the_limit_tries_wait_for_the_oldest_failure_to_leave_the_window() {
        let recent = [at(5), at(4), at(3), at(2), at(1)];
        assert_eq!(
            FIVE_IN_FIFTEEN.retry_after(&recent, at(6)),
            Some(TimeDelta::minutes(10))
        );
        assert_eq!(FIVE_IN_FIFTEEN.retry_after(&recent, at(16)), None);
    }

    #[test]
    fn only_the_latest_failures_count() {
        // Older failures beyond the limit do not lengthen the wait.
        let recent = [at(10), at(9), at(8), at(7), at(6), at(0)];
        assert_eq!(
            FIVE_IN_FIFTEEN.retry_after(&recent, at(11)),
            Some(TimeDelta::minutes(10))
        );
    }

    #[test]
    fn failures_outside_the_window_do_not_count() {
        let recent = [at(20), at(4), at(3), at(2), at(1)];
        assert_eq!(FIVE_IN_FIFTEEN.retry_after(&recent, at(21)), None);
    }
}
