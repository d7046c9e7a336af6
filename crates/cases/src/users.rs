//! User accounts: created by admins, by the command line or by the demo;
//! read and changed by admins.

use nido_domain::{Conflict, Email, Role, User};
use nido_persistence::RepoError;
use nido_persistence::sessions::{self, SessionInfo, SessionLifetime};
use nido_persistence::users;
use uuid::Uuid;

use crate::{Caller, CaseError, CaseResult, Cases};

pub use nido_persistence::users::{NewUser, UserChanges};

/// Creates an account (admins, or the system: `nido user create`, the
/// demo). The password is already hashed.
pub async fn create_user(cases: &Cases, caller: &Caller, new: NewUser) -> CaseResult<User> {
    caller.require(&[Role::Admin])?;
    let user = users::insert(&cases.writer, new, cases.now()).await?;
    let resource = format!("/users/{}", user.id);
    cases.audit(caller, "user.create", None, &resource).await?;
    Ok(user)
}

/// Refuses (409 `use_me_password`) a change of the caller's own password,
/// or of her own email to another one, through the admins' user form: a
/// stolen admin session must not be able to take over the account for
/// good. `PUT /me/password` asks for the current password. `email` is as
/// typed; one that does not parse counts as a change.
pub fn own_credentials_untouched(
    caller: &Caller,
    user: &User,
    email: Option<&str>,
    password: bool,
) -> CaseResult<()> {
    let email_changes =
        email.is_some_and(|raw| Email::parse(raw).map_or(true, |new| new != user.email));
    if user.id == caller.id && (password || email_changes) {
        return Err(CaseError::Conflict(Conflict::UseMePassword));
    }
    Ok(())
}

/// Changes an account (admins): details, role, a new password (already
/// hashed: its owner must change it at her next login), or `active:
/// false`, which ends its sessions. An admin may not disable herself or
/// give up her own admin role, nor change her own password or email
/// (`own_credentials_untouched`). Each account event
/// gets its own audit entry, so an access review finds a password set or a
/// role changed without reading every update.
pub async fn update_user(
    cases: &Cases,
    caller: &Caller,
    user_id: Uuid,
    expected_version: Option<i32>,
    mut changes: UserChanges,
) -> CaseResult<User> {
    caller.require(&[Role::Admin])?;
    let locks_out_self = user_id == caller.id
        && (changes.active == Some(false) || changes.role.is_some_and(|role| role != Role::Admin));
    if locks_out_self {
        return Err(CaseError::Conflict(Conflict::SelfLockout));
    }
    let before = users::find(&cases.db, user_id).await?;
    own_credentials_untouched(
        caller,
        &before,
        changes.email.as_ref().map(Email::as_str),
        changes.password_hash.is_some(),
    )?;
    changes.must_change_password = true;
    let events = [
        ("user.update", true),
        (
            "user.role_change",
            changes.role.is_some_and(|role| role != before.role),
        ),
        ("user.password_set", changes.password_hash.is_some()),
        (
            "user.disable",
            changes.active == Some(false) && before.active,
        ),
        (
            "user.enable",
            changes.active == Some(true) && !before.active,
        ),
    ];
    let user = users::update(
        &cases.writer,
        user_id,
        expected_version,
        changes,
        cases.now(),
    )
    .await?;
    let resource = format!("/users/{user_id}");
    for (action, happened) in events {
        if happened {
            cases.audit(caller, action, None, &resource).await?;
        }
    }
    Ok(user)
}

/// `limit` accounts after `after`, in creation order (admins). Not audited:
/// an account holds no family's data.
pub async fn list(
    cases: &Cases,
    caller: &Caller,
    after: Option<Uuid>,
    limit: u64,
) -> CaseResult<Vec<User>> {
    caller.require(&[Role::Admin])?;
    Ok(users::list(&cases.db, after, limit).await?)
}

/// One account (admins).
pub async fn user(cases: &Cases, caller: &Caller, user_id: Uuid) -> CaseResult<User> {
    caller.require(&[Role::Admin])?;
    Ok(users::find(&cases.db, user_id).await?)
}

/// Whether `user_id` is an active staff member or coordinator: someone who
/// can be on a family's team.
pub async fn is_team_member(cases: &Cases, user_id: Uuid) -> CaseResult<bool> {
    match users::find(&cases.db, user_id).await {
        Ok(user) => Ok(user.active && user.role != Role::Admin),
        Err(RepoError::NotFound) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// The caller's live sessions, newest first.
pub async fn own_sessions(
    cases: &Cases,
    caller: &Caller,
    lifetime: SessionLifetime,
) -> CaseResult<Vec<SessionInfo>> {
    Ok(sessions::of_user(&cases.db, caller.id, cases.now(), lifetime).await?)
}

/// Ends one of the caller's own sessions; anyone else's is not found.
pub async fn end_own_session(cases: &Cases, caller: &Caller, session_id: Uuid) -> CaseResult<()> {
    if !sessions::delete_of_user(&cases.writer, session_id, caller.id).await? {
        return Err(CaseError::NotFound);
    }
    let resource = format!("/me/sessions/{session_id}");
    cases.audit(caller, "session.end", None, &resource).await
}

/// The hash the caller's current password is checked against.
pub async fn own_password_hash(cases: &Cases, caller: &Caller) -> CaseResult<String> {
    Ok(users::password_hash(&cases.db, caller.id).await?)
}

/// Replaces the caller's password with one she chose (the current one
/// already verified, the new one hashed); every session but `keep_session`
/// (the token hash of the one she is using) ends.
pub async fn set_own_password(
    cases: &Cases,
    caller: &Caller,
    new_hash: String,
    keep_session: &str,
) -> CaseResult<()> {
    users::set_own_password(
        &cases.writer,
        caller.id,
        new_hash,
        keep_session,
        cases.now(),
    )
    .await?;
    let resource = format!("/users/{}", caller.id);
    cases
        .audit(caller, "user.password_change", None, &resource)
        .await
}
