//! Who may see which family, for the lists of the pages not yet moved to
//! the use cases: the rule itself is `nido_cases::family_list`'s.

use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::Result;

/// For lists: `None` for coordinators (every family), the caller's id for staff.
pub fn assigned_filter(caller: &CurrentUser) -> Result<Option<Uuid>> {
    Ok(nido_cases::family_list::assigned_filter(
        &caller.case_caller(),
    )?)
}
