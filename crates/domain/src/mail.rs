//! Mail's rules (SPEC "Mail: reminders and a forgotten password"): when a
//! user's daily digest is due, how long a forgotten password's link lives
//! and how often one may be asked for, and how long the outbox waits
//! before trying a mail again.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Timelike, Utc};

use crate::login_throttle::{Counter, FailureLimit, counted_address};

/// A forgotten password's link works this long after it was asked for.
pub const RESET_LINK_LIFETIME: TimeDelta = TimeDelta::minutes(30);

/// How many links one account may be sent in [`RESET_WINDOW`]…
pub const RESET_PER_ACCOUNT: u32 = 3;
/// …and how many one address may ask for, whatever the accounts.
pub const RESET_PER_ADDRESS: u32 = 10;
pub const RESET_WINDOW: TimeDelta = TimeDelta::hours(1);

/// The two counters a request for a link bumps: the account as typed
/// (lower-cased; an unknown one counts like a known one, so the throttle
/// tells nothing of who exists) and the client's address.
pub fn reset_counters(email: &str, address: &str) -> [Counter; 2] {
    let limit = |max_failures| FailureLimit {
        max_failures,
        window: RESET_WINDOW,
    };
    [
        Counter {
            key: format!("reset-account:{email}"),
            limit: limit(RESET_PER_ACCOUNT),
            locks_account: false,
        },
        Counter {
            key: format!("reset-address:{}", counted_address(address)),
            limit: limit(RESET_PER_ADDRESS),
            locks_account: false,
        },
    ]
}

/// The first wait after a mail could not be handed to the server; each
/// failure doubles it, up to [`RETRY_LONGEST`].
pub const RETRY_FIRST: Duration = Duration::from_secs(2);
pub const RETRY_LONGEST: Duration = Duration::from_secs(15 * 60);

/// How long to wait before the next try of a mail that failed `failures`
/// times (1 for the first failure).
pub fn retry_after(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(20);
    RETRY_FIRST
        .saturating_mul(1 << doublings)
        .min(RETRY_LONGEST)
}

/// The day whose digest is due at `now`, if one is: today in `zone` once
/// its local time has reached `hour` o'clock, unless that day's digest was
/// made already (`made_on`). A day whose clocks skip `hour` (a change to
/// summer time) has it due from the first instant after the skip.
pub fn digest_due<Z: TimeZone>(
    now: DateTime<Utc>,
    zone: &Z,
    hour: u32,
    made_on: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let local = now.with_timezone(zone);
    let today = local.date_naive();
    let reached = local.hour() >= hour;
    (reached && made_on.is_none_or(|made| made < today)).then_some(today)
}

#[cfg(test)]
mod tests {
    use chrono::{LocalResult, NaiveTime};
    use chrono_tz::Europe::Paris;
    use proptest::prelude::*;

    use super::*;

    /// The first instant of `day` in Paris at which the digest of `hour` is
    /// due, computed another way: the local instant `hour:00`, or the first
    /// whole hour after it that exists.
    fn due_from(day: NaiveDate, hour: u32) -> DateTime<Utc> {
        (hour..24)
            .find_map(|h| {
                let local = day.and_time(NaiveTime::from_hms_opt(h, 0, 0)?);
                match Paris.from_local_datetime(&local) {
                    LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
                    LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
                    LocalResult::None => None,
                }
            })
            .expect("an hour of the day exists")
    }

    proptest! {
        #[test]
        fn the_digest_is_due_from_its_hour_once_a_day(
            seconds in 1_700_000_000i64..1_900_000_000,
            hour in 0u32..24,
            made_days_ago in proptest::option::of(0u64..3),
        ) {
            let now = DateTime::from_timestamp(seconds, 0).expect("instant");
            let today = now.with_timezone(&Paris).date_naive();
            let made_on = made_days_ago.map(|days| today - chrono::Days::new(days));
            let expected = (now >= due_from(today, hour) && made_days_ago != Some(0))
                .then_some(today);
            prop_assert_eq!(digest_due(now, &Paris, hour, made_on), expected);
        }
    }

    #[test]
    fn retries_double_up_to_a_quarter_of_an_hour() {
        assert_eq!(retry_after(1), Duration::from_secs(2));
        assert_eq!(retry_after(2), Duration::from_secs(4));
        assert_eq!(retry_after(5), Duration::from_secs(32));
        assert_eq!(retry_after(10), Duration::from_secs(900));
        assert_eq!(retry_after(u32::MAX), Duration::from_secs(900));
    }

    #[test]
    fn a_request_counts_by_account_and_by_address() {
        let [account, address] = reset_counters("awa@nido.example", "2001:db8:1:2::7");
        assert_eq!(account.key, "reset-account:awa@nido.example");
        assert_eq!(address.key, "reset-address:2001:db8:1:2::/64");
        assert_eq!(account.limit.max_failures, RESET_PER_ACCOUNT);
        assert!(!account.locks_account && !address.locks_account);
    }
}
