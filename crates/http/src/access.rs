//! Who may see which family. Staff see only the families they accompany;
//! any other family answers 404, not 403, so its existence does not leak.

use nido_domain::Role;
use nido_domain::family::Family;
use nido_persistence::ConnectionTrait;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::Result;

/// The family, if the caller may see it: coordinators see all, staff their
/// own; another family is hidden (404, and the refusal audited).
pub async fn family(
    db: &impl ConnectionTrait,
    caller: &CurrentUser,
    family_id: Uuid,
) -> Result<Family> {
    Ok(nido_cases::families::visible_family(db, &caller.case_caller(), family_id).await?)
}

/// For lists: `None` for coordinators (every family), the caller's id for staff.
pub fn assigned_filter(caller: &CurrentUser) -> Result<Option<Uuid>> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    Ok((caller.role() == Role::Staff).then_some(caller.user.id))
}
