//! How authentication is tuned: the configuration's `[auth]`, as the
//! binary read it, without the parts only HTTP knows (the proxies in front).

use chrono::TimeDelta;
use nido_domain::{FailureLimit, LoginThrottle, Role, User};
use nido_persistence::sessions::SessionLifetime;

/// The rules logins and sessions follow.
#[derive(Debug, Clone)]
pub struct AuthPolicy {
    /// A session unused for `idle` ends, and one opened `absolute` ago.
    pub session_lifetime: SessionLifetime,
    /// The limits on failed logins (and wrong codes, wrong current passwords).
    pub throttle: LoginThrottle,
    /// The roles that must have a second factor (TOTP): without one, such
    /// an account can only enrol.
    pub mfa_required_roles: Vec<Role>,
}

/// nido's defaults (the configuration's `[auth]` when it says nothing):
/// sessions end after 30 minutes unused or 8 hours; 5 failed logins on one
/// account from one address, or 50 from one address, within 15 minutes, or
/// 100 on one account from anywhere within an hour, lock for a while; admins,
/// coordinators and the head office must have a second factor.
impl Default for AuthPolicy {
    fn default() -> Self {
        let quarter_hour = TimeDelta::minutes(15);
        Self {
            session_lifetime: SessionLifetime {
                idle: TimeDelta::minutes(30),
                absolute: TimeDelta::hours(8),
            },
            throttle: LoginThrottle {
                account_from_address: FailureLimit {
                    max_failures: 5,
                    window: quarter_hour,
                },
                address: FailureLimit {
                    max_failures: 50,
                    window: quarter_hour,
                },
                account: FailureLimit {
                    max_failures: 100,
                    window: TimeDelta::hours(1),
                },
            },
            mfa_required_roles: vec![Role::Admin, Role::Coordinator, Role::HeadOffice],
        }
    }
}

impl AuthPolicy {
    /// Whether `user` must have a second factor before doing anything else.
    pub fn enrolment_required(&self, user: &User) -> bool {
        !user.mfa_enrolled && self.mfa_required_roles.contains(&user.role)
    }
}
