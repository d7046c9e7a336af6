//! Authentication: passwords and their hashing, logins and their throttle,
//! sessions, the second factor, the device cookies and the server key that
//! MACs them, the cookie policy and the client's address the throttle
//! counts. The API and the pages call these alike; each writes the same
//! audit entries whichever front asked.

mod client_address;
mod cookies;
mod device;
mod login;
mod own_password;
mod password;
mod policy;
mod second_factor;
mod server_key;
mod session;
mod session_cache;
mod throttle;
mod token;
mod totp;

pub use client_address::ForwardedFor;
pub use cookies::CookiePolicy;
pub use device::{DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECS};
pub use login::{LoginOutcome, NewSession, Origin, log_in, log_out};
pub use own_password::change_own_password;
pub use password::PasswordHasher;
pub use policy::AuthPolicy;
pub use second_factor::{
    TotpEnrolment, begin_enrolment, complete_login, finish_enrolment, pending_enrolment,
    recovery_codes_left, remove_own_factor, reset_factor_from_the_command_line, reset_user_factor,
};
pub use server_key::ServerKey;
pub(crate) use session::forget;
pub use session::{Session, resolve_session, take_lock_notice};
pub use session_cache::SessionCache;
pub use token::{hash_token, new_token};

/// What authentication needs beyond the databases: its policy, the one
/// password hasher of the process, and the key nido MACs with. Built once
/// by the binary and shared, through [`crate::Cases`], by both fronts.
#[derive(Clone)]
pub struct Authentication {
    pub policy: AuthPolicy,
    pub passwords: PasswordHasher,
    /// The database's server key ([`ServerKey::of_database`]): the same on
    /// every instance on one database. Never print it.
    pub server_key: ServerKey,
    /// The sessions this process keeps in memory.
    pub sessions: SessionCache,
}

impl Authentication {
    /// Authentication that reads every session from the database; the
    /// server gives it a cache it may use ([`Authentication::with_sessions`]).
    pub fn new(policy: AuthPolicy, passwords: PasswordHasher, server_key: ServerKey) -> Self {
        Self {
            policy,
            passwords,
            server_key,
            sessions: SessionCache::shared(),
        }
    }

    /// The same, keeping sessions in `sessions`.
    pub fn with_sessions(self, sessions: SessionCache) -> Self {
        Self { sessions, ..self }
    }
}

/// Whether `user` must enrol a second factor before anything else.
pub fn enrolment_required(cases: &crate::Cases, user: &nido_domain::User) -> bool {
    cases.auth.policy.enrolment_required(user)
}
