//! The audit log as the use cases read it: an entry, and what a reading
//! filters on. Writing it is persistence's (`nido_persistence::audit`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One entry of the audit log: who did what, to which families, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub user_id: Uuid,
    /// What was done, e.g. `family.read`, `placement.renew`.
    pub action: String,
    /// The one family of an entry about one family; none for a read that
    /// listed several (see `family_ids`).
    pub family_id: Option<Uuid>,
    /// Every family the entry names: the one of `family_id`, or all those a
    /// list showed (one entry for the list, not one per family).
    pub family_ids: Vec<Uuid>,
    /// The resource path, ids only.
    pub resource: String,
}

/// What `GET /audit` filters on; `before` is the pagination cursor.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub family_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub before: Option<Uuid>,
}
