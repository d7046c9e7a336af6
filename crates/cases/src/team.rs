//! The colleagues who accompany families: their names on a family's file
//! and in lists, and whom a form may offer as a referent or a team member.
//! Accounts are not case data: these reads are not audited.

use std::collections::HashMap;

use nido_domain::{Role, User};
use nido_persistence::{RepoError, users};
use uuid::Uuid;

use crate::{Caller, CaseResult, Cases};

/// The most accounts a form's choices are drawn from: a centre has a few
/// dozen.
const MAX_ACCOUNTS: u64 = 1000;

/// The accounts of these colleagues, by id; an id that names no account
/// (any more) is left out (coordinators, staff, and the head office, which
/// reads the families' referents).
pub async fn names(
    cases: &Cases,
    caller: &Caller,
    ids: impl IntoIterator<Item = Uuid>,
) -> CaseResult<HashMap<Uuid, User>> {
    caller.require(crate::FAMILY_READERS)?;
    let mut found = HashMap::new();
    for id in ids {
        if found.contains_key(&id) {
            continue;
        }
        match users::find(&cases.db, id).await {
            Ok(user) => {
                found.insert(id, user);
            }
            Err(RepoError::NotFound) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(found)
}

/// The active staff members and coordinators, by id: whom a form offers
/// (the use cases decide; a form only offers the likely names).
pub async fn members(cases: &Cases, caller: &Caller) -> CaseResult<Vec<User>> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    Ok(users::list(&cases.db, None, MAX_ACCOUNTS)
        .await?
        .into_iter()
        .filter(|user| user.active && matches!(user.role, Role::Staff | Role::Coordinator))
        .collect())
}
