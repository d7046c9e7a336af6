use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use nido_cases::Cases;

use nido_cases::auth::{CookiePolicy, ForwardedFor};

/// How cookies go out, and which client address the throttle counts.
#[derive(Debug, Clone, Copy)]
pub struct Security {
    pub cookies: CookiePolicy,
    pub forwarded_for: ForwardedFor,
}

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    /// How cookies are named and flagged, and whether answers carry HSTS.
    pub cookies: CookiePolicy,
    /// Whether the client's address is read from `X-Forwarded-For`.
    pub forwarded_for: ForwardedFor,
    /// The use cases, over the same databases and clock; they hold the
    /// centre's time zone and authentication (policy, hasher, server key).
    pub cases: Cases,
}

impl AppState {
    /// The state over the use cases.
    pub fn new(cases: Cases, security: Security) -> Self {
        Self(Arc::new(Shared {
            cookies: security.cookies,
            forwarded_for: security.forwarded_for,
            cases,
        }))
    }

    /// Now, by the application's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.cases.now()
    }

    /// Today in the centre's time zone.
    pub fn today(&self) -> NaiveDate {
        self.cases.today()
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
