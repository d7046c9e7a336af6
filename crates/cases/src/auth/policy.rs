//! How authentication is tuned: the configuration's `[auth]`, as the
//! binary read it, without the parts only HTTP knows (the proxies in front).

use nido_domain::{LoginThrottle, Role, User};
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

impl AuthPolicy {
    /// Whether `user` must have a second factor before doing anything else.
    pub fn enrolment_required(&self, user: &User) -> bool {
        !user.mfa_enrolled && self.mfa_required_roles.contains(&user.role)
    }
}
