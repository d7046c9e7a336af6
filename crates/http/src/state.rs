use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use nido_cases::Cases;
use nido_domain::Clock;
use nido_persistence::DatabaseConnection;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::{AuthSettings, CookiePolicy, CurrentUser, PasswordHasher, ServerKey};
use crate::error::ApiError;

/// `[cases]` in the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CaseSettings {
    /// The renewal report is due this many days before a period's end.
    pub report_lead_days: u32,
    /// "Today" for deadlines and date checks is today in this time zone.
    pub time_zone: chrono_tz::Tz,
}

impl Default for CaseSettings {
    fn default() -> Self {
        Self {
            report_lead_days: 30,
            time_zone: chrono_tz::Europe::Paris,
        }
    }
}

/// What the server MACs with, and how its cookies go out.
#[derive(Debug, Clone)]
pub struct Security {
    /// The database's server key ([`ServerKey::of_database`]).
    pub server_key: ServerKey,
    pub cookies: CookiePolicy,
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
    pub auth: AuthSettings,
    pub cases: CaseSettings,
    pub passwords: PasswordHasher,
    /// The key nido MACs with (device cookies, the sign-in form's token):
    /// the same on every instance on one database. Never print it.
    pub server_key: ServerKey,
    /// How cookies are named and flagged, and whether answers carry HSTS.
    pub cookies: CookiePolicy,
    /// The system clock, or a fixed instant in tests.
    pub clock: Clock,
    /// The use cases, over the same databases and clock.
    pub operations: Cases,
}

impl AppState {
    /// The state over the use cases' databases and clock; `cases` is what
    /// `operations` was built from.
    pub fn new(
        operations: Cases,
        auth: AuthSettings,
        cases: CaseSettings,
        security: Security,
    ) -> anyhow::Result<Self> {
        let passwords = PasswordHasher::new(auth.max_concurrent_hashes)?;
        Ok(Self(Arc::new(Shared {
            db: operations.db.clone(),
            writer: operations.writer.clone(),
            audit_db: operations.audit_db.clone(),
            auth,
            cases,
            passwords,
            server_key: security.server_key,
            cookies: security.cookies,
            clock: operations.clock,
            operations,
        })))
    }

    /// Where audit entries go: the log, or if it fails the main database's outbox.
    pub fn audit_target(&self) -> nido_persistence::audit::AuditTarget<'_> {
        self.operations.audit_target()
    }

    /// Now, by the application's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in the centre's time zone.
    pub fn today(&self) -> NaiveDate {
        self.clock.today_in(&self.cases.time_zone)
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
        self.operations
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
        self.operations
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
