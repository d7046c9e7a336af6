use chrono::TimeDelta;
use nido_domain::FailureLimit;
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
    /// Failed logins that lock an account for a while.
    pub account_max_failures: u32,
    /// Failed logins that lock a client address for a while.
    pub address_max_failures: u32,
    /// The window in which failures are counted.
    pub failure_window_minutes: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy
    /// that sets it; otherwise a client could pick its own address).
    pub trust_forwarded_for: bool,
    /// Password hashes computed at once; more wait their turn.
    pub max_concurrent_hashes: usize,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            idle_timeout_minutes: 30,
            absolute_timeout_minutes: 8 * 60,
            account_max_failures: 5,
            address_max_failures: 50,
            failure_window_minutes: 15,
            trust_forwarded_for: false,
            max_concurrent_hashes: 2,
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

    pub fn failure_window(&self) -> TimeDelta {
        TimeDelta::minutes(self.failure_window_minutes.into())
    }

    pub fn account_limit(&self) -> FailureLimit {
        FailureLimit {
            max_failures: self.account_max_failures,
            window: self.failure_window(),
        }
    }

    pub fn address_limit(&self) -> FailureLimit {
        FailureLimit {
            max_failures: self.address_max_failures,
            window: self.failure_window(),
        }
    }
}
