//! nido's domain: the business vocabulary as types that cannot hold an invalid
//! value, and the rules as pure functions. No I/O lives here: no HTTP, no
//! database, no runtime.

#[macro_use]
mod string_enum;

pub mod audit;
pub mod calendar;
pub mod clock;
pub mod conflict;
pub mod creche;
pub mod document;
pub mod due_dates;
pub mod family;
pub mod housing;
pub mod identity;
pub mod incident;
pub mod intervention;
pub mod login_throttle;
pub mod mail;
pub mod pathway;
pub mod placement;
pub mod project;
pub mod refusal;
pub mod reports;
pub mod retention;
pub mod site;
pub mod time_of_day;
pub mod user;
pub mod workshop;

pub use clock::Clock;
pub use conflict::Conflict;
pub use login_throttle::{Counter, FailureLimit, LoginThrottle, counted_address};
pub use refusal::{FieldInvalid, Refusal};
pub use user::{DisplayName, Email, NewPassword, PasswordError, Profession, Role, User};

/// A value refused while parsing: the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub Refusal);

impl Invalid {
    pub fn new(refusal: Refusal) -> Self {
        Self(refusal)
    }
}

impl From<Invalid> for Refusal {
    fn from(invalid: Invalid) -> Self {
        invalid.0
    }
}
