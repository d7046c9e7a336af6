//! nido's use cases: the operations a user performs on a case (refer, admit,
//! renew, exit, move, …), one function each. Each takes typed input and the
//! caller, checks the caller's right and the rules that need the database,
//! runs its one transaction, writes its audit entry, and answers a typed
//! error that the HTTP layer maps to a problem. The HTTP handlers, the
//! command line and `nido demo-data` all call these, so none of them can
//! drift from the rules.

pub mod accepted;
pub mod activity;
pub mod audit_log;
pub mod auth;
pub mod billing;
pub mod bounds;
pub mod calendar;
pub mod creche;
pub mod deadlines;
pub mod documents;
pub mod due_dates;
pub mod event_kind;
pub mod export;
pub mod families;
pub mod family_file;
pub mod family_list;
pub mod health;
pub mod home;
pub mod housing;
pub mod housing_reports;
pub mod identity;
pub mod incidents;
pub mod interventions;
pub mod labels;
pub mod mail;
pub mod pagination;
pub mod papers;
pub mod pathway;
pub mod placements;
pub mod projects;
pub mod records;
pub mod referrals;
pub mod retention;
pub mod sites;
pub mod spreadsheet;
pub mod storage;
pub mod team;
pub mod timeline;
pub mod users;
pub mod workshops;

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::{Clock, Conflict, FieldInvalid, Refusal, Role, User};
use nido_persistence::audit::{AuditTarget, AuditWriter};
use nido_persistence::{DatabaseConnection, DbErr, RepoError, Writer};
use uuid::Uuid;

/// What every use case reaches: the databases, the clock, the centre's
/// time zone and the figures its reports need. Cheap to clone.
#[derive(Clone)]
pub struct Cases {
    /// Reads. On SQLite these connections cannot write: every write goes
    /// through `writer`, in a transaction begun with `begin_write`.
    pub db: DatabaseConnection,
    /// Writes: on SQLite the one writer connection, for which writers queue
    /// in order, their commits grouped; on PostgreSQL the same pool as
    /// `db`. A use case holding a `Write` never writes on it directly.
    pub writer: Writer,
    /// The audit log's database: its own SQLite file, or the main PostgreSQL.
    pub audit_db: DatabaseConnection,
    /// Writes audit entries, many requests' in one commit.
    pub audit_log: AuditWriter,
    pub clock: Clock,
    /// "Today" is today here.
    pub time_zone: chrono_tz::Tz,
    /// The renewal report is due this many days before a period's end.
    pub report_lead_days: u32,
    /// A calendar address stops working this many days after it was made
    /// (`calendar.valid_days`).
    pub calendar_valid_days: u32,
    /// The exit to housing's warning and follow-ups (`[exit]`).
    pub exit: pathway::ExitPolicy,
    /// The duplicate check's thresholds (`[identity]`).
    pub identity: identity::IdentityPolicy,
    /// The authentication policy, the password hasher and the server key.
    pub auth: auth::Authentication,
    /// Where the paper file's documents are kept, and their master key.
    pub documents: documents::Vault,
    /// Mail, on or off (`[mail]`).
    pub mail: mail::Mail,
}

impl Cases {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today_in(&self.time_zone)
    }

    /// Where audit entries go: the log, or if it refuses them the main
    /// database's outbox.
    pub fn audit_target(&self) -> AuditTarget<'_> {
        AuditTarget {
            log: &self.audit_db,
            main: self.writer.connection(),
        }
    }

    /// Appends an audit entry in the caller's name before the answer leaves
    /// (into the main database's outbox if the log refuses it).
    pub async fn audit(
        &self,
        caller: &Caller,
        action: &str,
        family_id: Option<Uuid>,
        resource: &str,
    ) -> Result<(), CaseError> {
        self.audit_as(caller.id, action, family_id, resource).await
    }

    /// One entry naming every family shown, for reads that show several
    /// families (SPEC "Privacy": one entry naming them all, not one each).
    pub async fn audit_many(
        &self,
        caller: &Caller,
        action: &str,
        family_ids: impl IntoIterator<Item = Uuid>,
        resource: &str,
    ) -> Result<(), CaseError> {
        let families: Vec<Uuid> = family_ids.into_iter().collect();
        self.audit_log
            .record_many(self.now(), caller.id, action, &families, resource)
            .await?;
        Ok(())
    }

    /// A read that shows several families: one entry naming them all, or
    /// one without a family when it showed none, so that every read is
    /// traced.
    pub async fn audit_read(
        &self,
        caller: &Caller,
        action: &str,
        family_ids: impl IntoIterator<Item = Uuid>,
        resource: &str,
    ) -> Result<(), CaseError> {
        let families: Vec<Uuid> = family_ids.into_iter().collect();
        if families.is_empty() {
            self.audit(caller, action, None, resource).await
        } else {
            self.audit_many(caller, action, families, resource).await
        }
    }

    /// An entry in the name of `user_id`, also for events without a caller
    /// (logins); the nil UUID stands for nido itself or an unknown account.
    pub async fn audit_as(
        &self,
        user_id: Uuid,
        action: &str,
        family_id: Option<Uuid>,
        resource: &str,
    ) -> Result<(), CaseError> {
        self.audit_log
            .record(self.now(), user_id, action, family_id, resource)
            .await?;
        Ok(())
    }
}

/// Who reads the reports (activity, crèche, occupancy): admins,
/// coordinators, and the head office.
pub const REPORT_READERS: &[Role] = &[Role::Admin, Role::Coordinator, Role::HeadOffice];

/// Who reads the families' list and search, a family, a placement, the
/// deadlines and the due dates: the team (coordinators, staff for their
/// families) and the head office.
pub const FAMILY_READERS: &[Role] = &[Role::Coordinator, Role::Staff, Role::HeadOffice];

/// Who performs an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub id: Uuid,
    pub role: Role,
}

impl Caller {
    pub fn of(user: &User) -> Self {
        Self {
            id: user.id,
            role: user.role,
        }
    }

    /// nido itself, acting with an admin's rights: the command line run on
    /// the server, the demo, the retention job. Its audit entries name the
    /// nil UUID.
    pub fn system() -> Self {
        Self {
            id: Uuid::nil(),
            role: Role::Admin,
        }
    }

    /// Whether she reads every site's records whatever sites she belongs
    /// to: nido itself, and the head office (which writes nothing).
    pub fn reads_every_site(&self) -> bool {
        *self == Caller::system() || self.role == Role::HeadOffice
    }

    /// `Forbidden` unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), CaseError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(CaseError::Forbidden)
        }
    }
}

/// One invalid field of an operation's input: its path in the input
/// (`family.mother.first_name`, `actions[2].description`) and the rule it
/// breaks, which says itself in English for the API and in French for the
/// pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub refusal: Refusal,
}

/// Why an operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The caller's role does not allow it.
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// It exists, but the caller may not see it: answered as not found, and
    /// audited as a refusal.
    #[error("hidden")]
    Hidden { family_id: Option<Uuid> },
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Valid data that a business rule refuses, e.g. `not_eligible`.
    #[error("unprocessable: {code}")]
    Unprocessable {
        code: &'static str,
        detail: &'static str,
    },
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// A conflict on some days of a request that covers several (a weekly
    /// series of bookings): the days are listed.
    #[error("conflict: {0} on {1:?}")]
    ConflictOn(Conflict, Vec<NaiveDate>),
    /// A new family that is probably one nido holds already: the files
    /// that look like her, the most alike first (SPEC "Identity and
    /// duplicates"). Confirmed with a reason, the referral goes through.
    #[error("possible duplicate")]
    PossibleDuplicate(Vec<identity::Candidate>),
    /// The resource changed since the caller read it.
    #[error("stale version")]
    StaleVersion,
    /// A login refused: an unknown email, a wrong password and a disabled
    /// account alike; or a second step whose challenge is unknown or spent.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The second factor's code is wrong, or was used already.
    #[error("invalid code")]
    InvalidCode,
    /// Too many failed attempts (logins, codes, current passwords): the
    /// attempt was not looked at; retry after this many seconds.
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    /// A document in none of the formats nido keeps (415).
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A document over `documents.max_bytes` (413).
    #[error("too large")]
    TooLarge,
    /// A value the database cannot store or compare: only PostgreSQL gets
    /// here (a date like year -5000 parses, but no column holds it).
    #[error("out of the supported range")]
    OutOfRange,
    /// The database failed: for the server's log, never for the answer.
    #[error(transparent)]
    Db(DbErr),
    /// What no user can fix: no randomness, the hashing threads stopped.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl CaseError {
    pub fn invalid(field: impl Into<String>, refusal: Refusal) -> Self {
        CaseError::Invalid(vec![FieldError {
            field: field.into(),
            refusal,
        }])
    }
}

impl From<RepoError> for CaseError {
    fn from(err: RepoError) -> Self {
        match err {
            RepoError::NotFound => CaseError::NotFound,
            RepoError::Conflict(conflict) => CaseError::Conflict(conflict),
            RepoError::StaleVersion => CaseError::StaleVersion,
            RepoError::Db(err) => err.into(),
        }
    }
}

impl From<DbErr> for CaseError {
    fn from(err: DbErr) -> Self {
        if nido_persistence::is_out_of_range(&err) {
            CaseError::OutOfRange
        } else {
            CaseError::Db(err)
        }
    }
}

pub type CaseResult<T> = Result<T, CaseError>;

/// Collects field errors, so the caller fixes everything at once.
#[derive(Debug, Default)]
pub struct Invalid(Vec<FieldError>);

impl Invalid {
    pub fn add(&mut self, field: impl Into<String>, refusal: Refusal) {
        self.0.push(FieldError {
            field: field.into(),
            refusal,
        });
    }

    /// Adds the refusals of a domain type's parsing.
    pub fn add_all(&mut self, refused: Vec<FieldInvalid>) {
        for FieldInvalid { field, refusal } in refused {
            self.add(field, refusal);
        }
    }

    /// Keeps the value, or records its refusal under `field`.
    pub fn check<T, E: Into<Refusal>>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|err| self.add(field, err.into())).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The refusals so far, by field.
    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    pub fn finish(mut self) -> CaseResult<()> {
        self.0.sort_by(|a, b| a.field.cmp(&b.field));
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(CaseError::Invalid(self.0))
        }
    }
}

/// Trims a free text; an empty one is no text.
pub fn optional_text(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}
