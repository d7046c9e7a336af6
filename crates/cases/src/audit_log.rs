//! Reading the audit log (admins). Every reading is itself in the log
//! (`audit.read`), in the reader's name, with the filter she used as its
//! resource (ids and instants only): an admin who browses the log leaves a
//! trace the other admins see.

use std::sync::{Arc, OnceLock};

use nido_domain::Role;
use nido_persistence::audit;

use uuid::Uuid;

use crate::{Caller, CaseResult, Cases};

pub use nido_domain::audit::{AuditEntry, AuditFilter};

/// Up to `limit` entries that `filter` selects, newest first (admin).
/// Audited as `audit.read`.
pub async fn read(
    cases: &Cases,
    caller: &Caller,
    filter: AuditFilter,
    limit: u64,
) -> CaseResult<Vec<AuditEntry>> {
    caller.require(&[Role::Admin])?;
    let entries = audit::list(
        &cases.audit_db,
        &scope_of(cases, caller).await?,
        filter.clone(),
        limit,
    )
    .await?;
    cases
        .audit(caller, "audit.read", None, &resource_of(&filter))
        .await?;
    Ok(entries)
}

/// Whose entries `caller` reads: every one when she belongs to every site
/// (nido itself too); else those of her sites: made by their accounts, or
/// naming their families (SPEC "Several centres": an admin manages the
/// sites she belongs to).
async fn scope_of(cases: &Cases, caller: &Caller) -> CaseResult<audit::AuditScope> {
    if caller.reads_every_site()
        || nido_persistence::sites::belongs_everywhere(&cases.db, caller.id).await?
    {
        return Ok(audit::AuditScope::Everything);
    }
    let mine = crate::sites::of_caller(cases, caller).await?;
    let (members, families) =
        nido_persistence::sites::members_and_families(&cases.db, &mine).await?;
    Ok(audit::AuditScope::Of { members, families })
}

/// The filter as a query string. The page's cursor comes last: the entry
/// keeps 200 characters, and the filter matters more.
fn resource_of(filter: &AuditFilter) -> String {
    let mut query = Vec::new();
    if let Some(family_id) = filter.family_id {
        query.push(format!("family_id={family_id}"));
    }
    if let Some(user_id) = filter.user_id {
        query.push(format!("user_id={user_id}"));
    }
    if let Some(from) = filter.from {
        query.push(format!("from={}", from.to_rfc3339()));
    }
    if let Some(to) = filter.to {
        query.push(format!("to={}", to.to_rfc3339()));
    }
    if let Some(before) = filter.before {
        query.push(format!("before={before}"));
    }
    if query.is_empty() {
        "/audit".to_owned()
    } else {
        format!("/audit?{}", query.join("&"))
    }
}

/// Marks an answer that refused access (a 403, or the 404 hiding another
/// team's family), for the audit of refusals around both fronts to record
/// with [`record_denial`]. Either front leaves it on its answer.
#[derive(Debug, Clone, Copy)]
pub struct Denied {
    pub family_id: Option<Uuid>,
}

/// Where a front leaves the caller's id once her session is checked, for
/// the audit of refusals around the handler (which gives each request an
/// empty one). Cheap to clone: the clones share the slot.
#[derive(Debug, Clone, Default)]
pub struct CallerSlot(Arc<OnceLock<Uuid>>);

impl CallerSlot {
    /// Leaves the caller's id; the first one stays.
    pub fn fill(&self, caller_id: Uuid) {
        let _ = self.0.set(caller_id);
    }

    /// The caller's id, if a front left it.
    pub fn caller_id(&self) -> Option<Uuid> {
        self.0.get().copied()
    }
}

/// A refusal, in the name of the caller it was answered to, before the
/// answer leaves: a 403, or the 404 that hides another team's family
/// (`family.access_denied`, naming it). `resource` is the path asked for.
pub async fn record_denial(
    cases: &Cases,
    caller_id: Uuid,
    family_id: Option<Uuid>,
    resource: &str,
) -> CaseResult<()> {
    let action = if family_id.is_some() {
        "family.access_denied"
    } else {
        "access_denied"
    };
    cases.audit_as(caller_id, action, family_id, resource).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_names_the_filter_and_nothing_else() {
        assert_eq!(resource_of(&AuditFilter::default()), "/audit");
        let family_id = uuid::Uuid::nil();
        let filter = AuditFilter {
            family_id: Some(family_id),
            from: "2026-01-02T03:04:05Z".parse().ok(),
            ..AuditFilter::default()
        };
        assert_eq!(
            resource_of(&filter),
            format!("/audit?family_id={family_id}&from=2026-01-02T03:04:05+00:00")
        );
    }
}
