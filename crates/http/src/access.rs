//! Who may see which family. Staff see only the families they accompany;
//! any other family answers 404, not 403, so its existence does not leak.

use nido_domain::Role;
use nido_domain::family::Family;
use nido_persistence::{ConnectionTrait, families};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::{ApiError, Result};

/// The family, if the caller may see it: coordinators see all, staff their own.
pub async fn family(
    db: &impl ConnectionTrait,
    caller: &CurrentUser,
    family_id: Uuid,
) -> Result<Family> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let family = families::find(db, family_id).await?;
    if caller.role() == Role::Staff && !family.is_assigned(caller.user.id) {
        return Err(ApiError::Hidden {
            family_id: Some(family_id),
        });
    }
    Ok(family)
}

/// For lists: `None` for coordinators (every family), the caller's id for staff.
pub fn assigned_filter(caller: &CurrentUser) -> Result<Option<Uuid>> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    Ok((caller.role() == Role::Staff).then_some(caller.user.id))
}
