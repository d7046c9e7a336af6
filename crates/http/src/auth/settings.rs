use chrono::TimeDelta;
use nido_domain::{FailureLimit, LoginThrottle, Role};
use nido_persistence::sessions::SessionLifetime;
use serde::Deserialize;

/// `[auth]` in the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    /// A token unused this long stops working.
    pub idle_timeout_minutes: u32,
    /// A token stops working this long after login, used or not.
    pub absolute_timeout_minutes: u32,
    /// Failed logins on one account from one address that lock that account
    /// from that address for a while.
    pub account_max_failures: u32,
    /// Failed logins from one address that lock the address for a while.
    pub address_max_failures: u32,
    /// The window in which those two are counted.
    pub failure_window_minutes: u32,
    /// Failed logins on one account from all addresses that lock the
    /// account everywhere for a while...
    pub account_everywhere_max_failures: u32,
    /// ...counted within this window.
    pub account_everywhere_window_minutes: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy
    /// that sets it; otherwise a client could pick its own address).
    pub trust_forwarded_for: bool,
    /// How many proxies in front of nido append to `X-Forwarded-For`: the
    /// client is the entry that many places from the right (the leftmost
    /// ones are whatever the client sent).
    pub trusted_proxies: u32,
    /// Password hashes computed at once; more wait their turn.
    pub max_concurrent_hashes: usize,
    /// The roles that must have a second factor (TOTP): without one, such
    /// an account can only enrol.
    pub mfa_required_roles: Vec<Role>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            idle_timeout_minutes: 30,
            absolute_timeout_minutes: 8 * 60,
            account_max_failures: 5,
            address_max_failures: 50,
            failure_window_minutes: 15,
            account_everywhere_max_failures: 100,
            account_everywhere_window_minutes: 60,
            trust_forwarded_for: false,
            trusted_proxies: 1,
            max_concurrent_hashes: 2,
            mfa_required_roles: vec![Role::Admin, Role::Coordinator],
        }
    }
}

impl AuthSettings {
    pub fn session_lifetime(&self) -> SessionLifetime {
        SessionLifetime {
            idle: TimeDelta::minutes(self.idle_timeout_minutes.into()),
            absolute: TimeDelta::minutes(self.absolute_timeout_minutes.into()),
        }
    }

    /// The three limits on failed logins.
    pub fn throttle(&self) -> LoginThrottle {
        let window = TimeDelta::minutes(self.failure_window_minutes.into());
        LoginThrottle {
            account_from_address: FailureLimit {
                max_failures: self.account_max_failures,
                window,
            },
            address: FailureLimit {
                max_failures: self.address_max_failures,
                window,
            },
            account: FailureLimit {
                max_failures: self.account_everywhere_max_failures,
                window: TimeDelta::minutes(self.account_everywhere_window_minutes.into()),
            },
        }
    }
}
