//! Throttling of failed logins. Each attempt is counted before its password
//! is checked, in counters that open a window at their first failure:
//! - per account *and* client address (5 in 15 minutes by default), so a
//!   guesser locks only herself out and the owner still logs in from her own
//!   address;
//! - per address (50 in 15 minutes), whatever the accounts tried;
//! - per account from all addresses (100 in an hour), against guessing
//!   spread over many addresses.
//!
//! An attempt refused by any counter, or whose password was right, is taken
//! back from all three: only failures that were really verified count. An
//! attempt from a device the owner signed in from before counts on that
//! device alone ([`LoginThrottle::device_counter`]).
//!
//! An address counts as [`counted_address`] makes it: an IPv6 address by its
//! /64, since one subscriber usually holds a whole /64 and could otherwise
//! rotate through it to escape the address limits.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use chrono::{DateTime, TimeDelta, Utc};

/// A limit of `max_failures` failed logins within `window`; 0 disables it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureLimit {
    pub max_failures: u32,
    pub window: TimeDelta,
}

impl FailureLimit {
    /// Whether an attempt counted as the `counted`-th of a window opened at
    /// `window_start` is refused, and if so how long to wait: until the
    /// window closes, at least one second.
    pub fn refusal(
        &self,
        counted: u32,
        window_start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<TimeDelta> {
        if self.max_failures == 0 || counted <= self.max_failures {
            return None;
        }
        let wait = window_start + self.window - now;
        Some(wait.max(TimeDelta::seconds(1)))
    }

    /// A window opened at or before this instant has closed at `now`.
    pub fn closed_if_opened_by(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }
}

/// One counter an attempt bumps: its storage key and its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    pub key: String,
    pub limit: FailureLimit,
    /// Tripping it locks the account from everywhere (its owner and the
    /// admins are told).
    pub locks_account: bool,
}

/// The three limits, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottle {
    pub account_from_address: FailureLimit,
    pub address: FailureLimit,
    pub account: FailureLimit,
}

impl LoginThrottle {
    /// The counters one attempt bumps, the one its owner's success clears
    /// first. `email` is the address as typed, lower-cased; unknown accounts
    /// are counted like known ones, so throttling tells nothing of who
    /// exists. `address` counts as [`counted_address`] makes it.
    pub fn counters(&self, email: &str, address: &str) -> [Counter; 3] {
        let address = counted_address(address);
        [
            Counter {
                key: format!("account-address:{email}|{address}"),
                limit: self.account_from_address,
                locks_account: false,
            },
            Counter {
                key: format!("address:{address}"),
                limit: self.address,
                locks_account: false,
            },
            Counter {
                key: format!("account:{email}"),
                limit: self.account,
                locks_account: true,
            },
        ]
    }

    /// The one counter of an attempt from a device the account's owner
    /// signed in from before (it carries a device cookie of the account):
    /// the limit of one account from one address, on that device alone. So
    /// failures spread over many addresses, which lock the account for
    /// everybody else, never lock its owner out of her known devices.
    pub fn device_counter(&self, user_id: uuid::Uuid, device: &str) -> Counter {
        Counter {
            key: format!("device:{user_id}|{device}"),
            limit: self.account_from_address,
            locks_account: false,
        }
    }

    /// The longest window: a counter opened before `now` minus this is stale.
    pub fn longest_window(&self) -> TimeDelta {
        [self.account_from_address, self.address, self.account]
            .iter()
            .map(|limit| limit.window)
            .max()
            .unwrap_or_default()
    }
}

/// The address as the counters know it: an IPv4 address as it is (an
/// IPv4-mapped IPv6 address as its IPv4), an IPv6 address by its /64 prefix
/// (`2001:db8:1:2::/64`), a socket address by its IP; anything else (an
/// unknown peer, whatever a proxy wrote) as given.
pub fn counted_address(address: &str) -> String {
    let address = address.trim();
    let parsed = address
        .parse::<IpAddr>()
        .or_else(|_| address.parse::<SocketAddr>().map(|socket| socket.ip()));
    match parsed {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = v6.to_bits() & (u128::MAX << 64);
                format!("{}/64", Ipv6Addr::from_bits(prefix))
            }
        },
        Err(_) => address.to_owned(),
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
    fn up_to_the_limit_attempts_are_allowed() {
        for counted in 1..=5 {
            assert_eq!(FIVE_IN_FIFTEEN.refusal(counted, at(0), at(1)), None);
        }
    }

    #[test]
    fn past_the_limit_attempts_wait_for_the_window_to_close() {
        assert_eq!(
            FIVE_IN_FIFTEEN.refusal(6, at(0), at(5)),
            Some(TimeDelta::minutes(10))
        );
        assert_eq!(
            FIVE_IN_FIFTEEN.refusal(40, at(0), at(0)),
            Some(TimeDelta::minutes(15))
        );
        // Never "wait zero seconds".
        assert_eq!(
            FIVE_IN_FIFTEEN.refusal(6, at(0), at(15)),
            Some(TimeDelta::seconds(1))
        );
    }

    #[test]
    fn a_zero_limit_disables_the_counter() {
        let off = FailureLimit {
            max_failures: 0,
            window: TimeDelta::minutes(15),
        };
        assert_eq!(off.refusal(1_000, at(0), at(1)), None);
    }

    #[test]
    fn windows_close_after_their_length() {
        assert_eq!(FIVE_IN_FIFTEEN.closed_if_opened_by(at(20)), at(5));
    }

    #[test]
    fn each_attempt_bumps_three_distinct_counters() {
        let hour = FailureLimit {
            max_failures: 100,
            window: TimeDelta::hours(1),
        };
        let throttle = LoginThrottle {
            account_from_address: FIVE_IN_FIFTEEN,
            address: FIVE_IN_FIFTEEN,
            account: hour,
        };
        let keys = throttle.counters("awa@nido.example", "127.0.0.3");
        assert_eq!(keys[0].key, "account-address:awa@nido.example|127.0.0.3");
        assert_eq!(keys[1].key, "address:127.0.0.3");
        assert_eq!(keys[2].key, "account:awa@nido.example");
        assert_eq!(keys[2].limit, hour);
        let locking: Vec<bool> = keys.iter().map(|counter| counter.locks_account).collect();
        assert_eq!(locking, [false, false, true], "only the account's own");
        assert_eq!(throttle.longest_window(), TimeDelta::hours(1));
        let device = throttle.device_counter(uuid::Uuid::nil(), "d1");
        assert_eq!(device.limit, FIVE_IN_FIFTEEN);
        assert!(!device.locks_account);
        assert_ne!(
            device.key,
            throttle.device_counter(uuid::Uuid::nil(), "d2").key
        );
    }

    #[test]
    fn an_ipv6_address_counts_by_its_slash_64() {
        let one = counted_address("2001:db8:1:2::1");
        assert_eq!(one, "2001:db8:1:2::/64");
        for same in [
            "2001:db8:1:2:ffff:ffff:ffff:ffff",
            "2001:0db8:0001:0002:abcd::9",
            "[2001:db8:1:2::7]:443",
        ] {
            assert_eq!(counted_address(same), one, "{same}");
        }
        assert_eq!(counted_address("2001:db8:1:3::1"), "2001:db8:1:3::/64");
        assert_eq!(counted_address("::1"), "::/64");
    }

    #[test]
    fn an_ipv4_address_counts_as_itself_mapped_or_not() {
        assert_eq!(counted_address("192.0.2.7"), "192.0.2.7");
        assert_eq!(counted_address("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(counted_address("192.0.2.7:5123"), "192.0.2.7");
        assert_ne!(counted_address("192.0.2.8"), "192.0.2.7");
        // What does not parse counts as written.
        assert_eq!(counted_address("unknown"), "unknown");
    }

    #[test]
    fn the_address_keys_use_the_counted_address() {
        let throttle = LoginThrottle {
            account_from_address: FIVE_IN_FIFTEEN,
            address: FIVE_IN_FIFTEEN,
            account: FIVE_IN_FIFTEEN,
        };
        let keys = throttle.counters("awa@nido.example", "2001:db8:1:2::abcd");
        assert_eq!(
            keys[0].key,
            "account-address:awa@nido.example|2001:db8:1:2::/64"
        );
        assert_eq!(keys[1].key, "address:2001:db8:1:2::/64");
        assert_eq!(keys[2].key, "account:awa@nido.example");
    }
}
