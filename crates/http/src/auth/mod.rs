//! Authentication: passwords, bearer tokens, sessions and login throttling.

mod account;
mod current_user;
mod mfa;
mod password;
mod routes;
mod settings;
mod token;

pub use account::{change_own_password, router as account_router};
pub use current_user::{CallerSlot, CurrentUser};
pub use mfa::{
    TotpEnrolment, begin_enrolment, complete_login, enrolment_required, finish_enrolment,
    pending_enrolment, recovery_codes_left, reset_user_factor,
};
pub use password::PasswordHasher;
pub use routes::{ClientAddress, LoginOutcome, LoginRequest, NewSession, log_in, log_out, router};
pub use settings::AuthSettings;
pub use token::{hash_token, new_token};
