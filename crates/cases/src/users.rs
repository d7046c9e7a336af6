//! User accounts: created by admins, by the command line, or by the demo.

use nido_domain::{Role, User};
use nido_persistence::users::{self, NewUser};

use crate::{Caller, CaseResult, Cases};

/// Creates an account (admins, or the system: `nido user create`, the
/// demo). The password is already hashed.
pub async fn create_user(cases: &Cases, caller: &Caller, new: NewUser) -> CaseResult<User> {
    caller.require(&[Role::Admin])?;
    let user = users::insert(&cases.db, new, cases.now()).await?;
    let resource = format!("/users/{}", user.id);
    cases.audit(caller, "user.create", None, &resource).await?;
    Ok(user)
}
