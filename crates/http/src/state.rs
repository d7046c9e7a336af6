use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use nido_cases::Cases;
use nido_domain::Clock;
use nido_persistence::DatabaseConnection;
use uuid::Uuid;

use crate::auth::{CookiePolicy, CurrentUser, ForwardedFor};
use crate::error::ApiError;

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
    /// Reads; on SQLite these connections cannot write.
    pub db: DatabaseConnection,
    /// Writes: on SQLite the one writer connection, on PostgreSQL `db`.
    pub writer: DatabaseConnection,
    /// The audit log's database: its own SQLite file, or the main PostgreSQL.
    pub audit_db: DatabaseConnection,
    /// How cookies are named and flagged, and whether answers carry HSTS.
    pub cookies: CookiePolicy,
    /// Whether the client's address is read from `X-Forwarded-For`.
    pub forwarded_for: ForwardedFor,
    /// The system clock, or a fixed instant in tests.
    pub clock: Clock,
    /// The use cases, over the same databases and clock; they hold the
    /// centre's time zone and authentication (policy, hasher, server key).
    pub cases: Cases,
}

impl AppState {
    /// The state over the use cases' databases and clock.
    pub fn new(cases: Cases, security: Security) -> Self {
        Self(Arc::new(Shared {
            db: cases.db.clone(),
            writer: cases.writer.clone(),
            audit_db: cases.audit_db.clone(),
            cookies: security.cookies,
            forwarded_for: security.forwarded_for,
            clock: cases.clock,
            cases,
        }))
    }

    /// Where audit entries go: the log, or if it fails the main database's outbox.
    pub fn audit_target(&self) -> nido_persistence::audit::AuditTarget<'_> {
        self.cases.audit_target()
    }

    /// Now, by the application's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in the centre's time zone.
    pub fn today(&self) -> NaiveDate {
        self.cases.today()
    }

    /// Appends to the audit log before the answer leaves; if the entry cannot
    /// be written, the request fails rather than go untraced.
    pub async fn audit(
        &self,
        caller: &CurrentUser,
        action: &str,
        family_id: Option<Uuid>,
        resource: &str,
    ) -> Result<(), ApiError> {
        self.audit_as(caller.user.id, action, family_id, resource)
            .await
    }

    /// An entry in the name of `user_id`, for events without a session
    /// (logins); the nil UUID stands for an account that does not exist.
    pub async fn audit_as(
        &self,
        user_id: Uuid,
        action: &str,
        family_id: Option<Uuid>,
        resource: &str,
    ) -> Result<(), ApiError> {
        self.cases
            .audit_as(user_id, action, family_id, resource)
            .await
            .map_err(ApiError::from)
    }

    /// One entry naming every family, for reads that list several.
    pub async fn audit_many(
        &self,
        caller: &CurrentUser,
        action: &str,
        family_ids: impl IntoIterator<Item = Uuid>,
        resource: &str,
    ) -> Result<(), ApiError> {
        self.cases
            .audit_many(&caller.case_caller(), action, family_ids, resource)
            .await
            .map_err(ApiError::from)
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
