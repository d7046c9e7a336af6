//! `GET /audit`: the audit log, newest first, for admins. There is no way to
//! change or delete an entry; every reading is itself an entry (`audit.read`).

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use nido_cases::audit_log::{AuditEntry, AuditFilter};
use nido_domain::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::ValidQuery;
use crate::gate::{Admins, Allowed};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    pub family_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    /// From this instant (RFC 3339), inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Up to this instant (RFC 3339), inclusive.
    pub to: Option<DateTime<Utc>>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1000, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditItem {
    pub at: DateTime<Utc>,
    pub user_id: Uuid,
    /// e.g. `family.read`, `placement.renew`.
    pub action: String,
    /// The family of an entry about one family; null for a read that
    /// listed several.
    pub family_id: Option<Uuid>,
    /// Every family the entry names: `family_id`'s, or all those a list
    /// showed (one entry per list, not one per family).
    pub family_ids: Vec<Uuid>,
    /// The path of what was read or written: ids only.
    pub resource: String,
}

impl From<AuditEntry> for AuditItem {
    fn from(entry: AuditEntry) -> Self {
        Self {
            at: entry.at,
            user_id: entry.user_id,
            action: entry.action,
            family_id: entry.family_id,
            family_ids: entry.family_ids,
            resource: entry.resource,
        }
    }
}

/// Read the audit log, newest first (admin). The reading is audited
/// (`audit.read`, the filter as its resource).
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditParams),
    responses((status = 200, description = "A page of entries", body = Page<AuditItem>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list_audit(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    ValidQuery(params): ValidQuery<AuditParams>,
) -> Result<Json<Page<AuditItem>>> {
    // Before the query's checks: a non-admin learns nothing of them.
    caller.require(&[Role::Admin])?;
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let caller = caller.case_caller();
    page.read(
        |before, limit| {
            let filter = AuditFilter {
                family_id: params.family_id,
                user_id: params.user_id,
                from: params.from,
                to: params.to,
                before,
            };
            nido_cases::audit_log::read(&state.cases, &caller, filter, limit + 1)
        },
        |entry| entry.id,
        AuditItem::from,
    )
    .await
}
