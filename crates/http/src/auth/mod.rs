//! Authentication: passwords, bearer tokens, sessions and login throttling.

mod account;
mod cookies;
mod current_user;
mod device;
mod mfa;
mod password;
mod routes;
mod server_key;
mod settings;
mod token;

pub use account::{change_own_password, router as account_router};
pub use cookies::{CookiePolicy, cookie};
pub use current_user::{CallerSlot, CurrentUser};
pub use device::{DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECS};
pub use mfa::{
    TotpEnrolment, begin_enrolment, complete_login, enrolment_required, finish_enrolment,
    pending_enrolment, recovery_codes_left, reset_user_factor,
};
pub use password::PasswordHasher;
pub use routes::{
    ClientAddress, LoginOutcome, LoginRequest, NewSession, log_in, log_out, router,
    take_lock_notice,
};
pub use server_key::ServerKey;
pub use settings::AuthSettings;
pub use token::{hash_token, new_token};
