//! User accounts: created by admins, by the command line or by the demo;
//! read and changed by admins.

use std::collections::HashMap;

use nido_domain::user::{NewUser, UserChanges, UserEdit, UserInput};
use nido_domain::{Conflict, DisplayName, Email, NewPassword, Role, User};
use nido_persistence::RepoError;
use nido_persistence::sessions::{self, SessionInfo, SessionLifetime};
use nido_persistence::users;
use uuid::Uuid;

use crate::{Caller, CaseError, CaseResult, Cases, Invalid};

/// Creates the account an admin typed (admins): its email, name and
/// password checked (every invalid field at once), the password hashed;
/// its owner must replace it at her first sign-in. `POST /users` and the
/// admins' page.
pub async fn create(cases: &Cases, caller: &Caller, input: UserInput) -> CaseResult<User> {
    caller.require(&[Role::Admin])?;
    let new = new_user(cases, caller, input).await?;
    create_user(cases, caller, new).await
}

/// The account to create, its password checked and hashed, its sites
/// checked (`crate::sites::checked_for_account`).
async fn new_user(cases: &Cases, caller: &Caller, input: UserInput) -> CaseResult<NewUser> {
    let mut invalid = Invalid::default();
    let email = invalid.check("email", Email::parse(&input.email));
    let display_name = invalid.check("display_name", DisplayName::parse(&input.display_name));
    let password = invalid.check(
        "password",
        NewPassword::parse(&input.password, &[&input.email, &input.display_name]),
    );
    let site_ids =
        crate::sites::checked_for_account(cases, caller, &mut invalid, input.site_ids, None)
            .await?;
    invalid.finish()?;
    let (Some(email), Some(display_name), Some(password), Some(site_ids)) =
        (email, display_name, password, site_ids)
    else {
        return Err(CaseError::Internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let password_hash = cases.auth.passwords.hash(&password).await?;
    Ok(NewUser {
        email,
        display_name,
        role: input.role,
        profession: input.profession,
        password_hash,
        // An admin chose it: its owner replaces it at her first login.
        must_change_password: true,
        site_ids,
    })
}

/// Changes account `user_id` as an admin typed it (admins): not found
/// before anything else, then her own password or email refused
/// (`own_credentials_untouched`), then every invalid field at once, a new
/// password hashed; then [`update_user`]. `PATCH /users/{id}` and the
/// admins' page.
pub async fn change(
    cases: &Cases,
    caller: &Caller,
    user_id: Uuid,
    expected_version: Option<i32>,
    edit: UserEdit,
) -> CaseResult<User> {
    let current = user(cases, caller, user_id).await?;
    own_credentials_untouched(
        caller,
        &current,
        edit.email.as_deref(),
        edit.password.is_some(),
    )?;
    let current_sites = nido_persistence::sites::of_user(&cases.db, user_id).await?;
    let changes = user_changes(cases, caller, (&current, &current_sites), edit).await?;
    update_user(cases, caller, user_id, expected_version, changes).await
}

/// The changes to `current` (the account and its sites), a new password
/// checked (against the new email and name, or the current ones) and
/// hashed, the sites checked (`crate::sites::checked_for_account`).
async fn user_changes(
    cases: &Cases,
    caller: &Caller,
    (current, current_sites): (&User, &[Uuid]),
    edit: UserEdit,
) -> CaseResult<UserChanges> {
    let mut invalid = Invalid::default();
    let email = edit
        .email
        .as_deref()
        .and_then(|raw| invalid.check("email", Email::parse(raw)));
    let display_name = edit
        .display_name
        .as_deref()
        .and_then(|raw| invalid.check("display_name", DisplayName::parse(raw)));
    let password = edit.password.as_deref().and_then(|raw| {
        let email = edit.email.as_deref().unwrap_or(current.email.as_str());
        let name = edit
            .display_name
            .as_deref()
            .unwrap_or(current.display_name.as_str());
        invalid.check("password", NewPassword::parse(raw, &[email, name]))
    });
    let site_ids = crate::sites::checked_for_account(
        cases,
        caller,
        &mut invalid,
        edit.site_ids,
        Some(current_sites),
    )
    .await?;
    invalid.finish()?;
    let password_hash = match &password {
        Some(password) => Some(cases.auth.passwords.hash(password).await?),
        None => None,
    };
    Ok(UserChanges {
        email,
        display_name,
        role: edit.role,
        profession: edit.profession,
        active: edit.active,
        password_hash,
        // Set by an admin: its owner replaces it (`update_user` sets it).
        must_change_password: true,
        site_ids,
    })
}

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
    managed_by(cases, caller, user_id).await?;
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
    let sites_before = nido_persistence::sites::of_user(&cases.db, user_id).await?;
    let events = [
        ("user.update", true),
        (
            "user.role_change",
            changes.role.is_some_and(|role| role != before.role),
        ),
        ("user.password_set", changes.password_hash.is_some()),
        (
            "user.sites_change",
            changes
                .site_ids
                .as_ref()
                .is_some_and(|after| !same_sites(after, &sites_before)),
        ),
        (
            "user.disable",
            changes.active == Some(false) && before.active,
        ),
        (
            "user.enable",
            changes.active == Some(true) && !before.active,
        ),
    ];
    let (user, revoked) = users::update(
        &cases.writer,
        user_id,
        expected_version,
        changes,
        cases.now(),
    )
    .await?;
    crate::auth::forget(cases, revoked).await?;
    let resource = format!("/users/{user_id}");
    for (action, happened) in events {
        if happened {
            cases.audit(caller, action, None, &resource).await?;
        }
    }
    Ok(user)
}

/// `limit` accounts after `after`, in creation order (admins: those of the
/// sites she belongs to). Not audited: an account holds no family's data.
pub async fn list(
    cases: &Cases,
    caller: &Caller,
    after: Option<Uuid>,
    limit: u64,
) -> CaseResult<Vec<User>> {
    caller.require(&[Role::Admin])?;
    let sharing = (!manages_every_account(cases, caller).await?).then_some(caller.id);
    Ok(users::list_sharing(&cases.db, sharing, after, limit).await?)
}

/// One account (admins: one of the sites she belongs to; another is
/// hidden, and the refusal audited).
pub async fn user(cases: &Cases, caller: &Caller, user_id: Uuid) -> CaseResult<User> {
    caller.require(&[Role::Admin])?;
    let found = users::find(&cases.db, user_id).await?;
    managed_by(cases, caller, user_id).await?;
    Ok(found)
}

/// Whether the caller manages every account: nido itself, and an admin
/// who belongs to every site.
async fn manages_every_account(cases: &Cases, caller: &Caller) -> CaseResult<bool> {
    Ok(caller.reads_every_site()
        || nido_persistence::sites::belongs_everywhere(&cases.db, caller.id).await?)
}

/// Refuses, as hidden (a 404, audited as a refusal), an account that
/// belongs to none of the admin's sites: an admin manages the sites she
/// belongs to and their accounts, so that another site's admin cannot set
/// the password of, and then sign in as, a colleague who reads families
/// she may not.
async fn managed_by(cases: &Cases, caller: &Caller, user_id: Uuid) -> CaseResult<()> {
    if user_id == caller.id || manages_every_account(cases, caller).await? {
        return Ok(());
    }
    let mine = nido_persistence::sites::of_user(&cases.db, caller.id).await?;
    let theirs = nido_persistence::sites::of_user(&cases.db, user_id).await?;
    if theirs.iter().any(|site| mine.contains(site)) {
        Ok(())
    } else {
        Err(CaseError::Hidden { family_id: None })
    }
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
    let revoked = sessions::delete_of_user(&cases.writer, session_id, caller.id)
        .await?
        .ok_or(CaseError::NotFound)?;
    crate::auth::forget(cases, revoked).await?;
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
    let (_, revoked) = users::set_own_password(
        &cases.writer,
        caller.id,
        new_hash,
        keep_session,
        cases.now(),
    )
    .await?;
    crate::auth::forget(cases, revoked).await?;
    let resource = format!("/users/{}", caller.id);
    cases
        .audit(caller, "user.password_change", None, &resource)
        .await
}

/// Whether two lists name the same sites, in any order.
fn same_sites(one: &[Uuid], other: &[Uuid]) -> bool {
    one.len() == other.len() && one.iter().all(|site| other.contains(site))
}

/// The sites each of `user_ids` belongs to (admins; anyone her own).
pub async fn site_ids(
    cases: &Cases,
    caller: &Caller,
    user_ids: &[Uuid],
) -> CaseResult<HashMap<Uuid, Vec<Uuid>>> {
    if user_ids.iter().any(|id| *id != caller.id) {
        caller.require(&[Role::Admin])?;
    }
    Ok(nido_persistence::sites::of_users(&cases.db, user_ids).await?)
}

/// The sites `user_id` belongs to (admins; anyone her own).
pub async fn sites_of(cases: &Cases, caller: &Caller, user_id: Uuid) -> CaseResult<Vec<Uuid>> {
    Ok(site_ids(cases, caller, &[user_id])
        .await?
        .remove(&user_id)
        .unwrap_or_default())
}
