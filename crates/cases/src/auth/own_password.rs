//! Changing one's own password, with the current one.

use nido_domain::NewPassword;
use nido_domain::Refusal;
use nido_domain::user::TYPED_PASSWORD_MAX;

use super::Session;
use super::throttle::{count_attempt, forget_failures};
use crate::{CaseError, CaseResult, Cases, Invalid, bounds, users};

/// Replaces the caller's password, from `address`: the new one must follow
/// the policy and differ (invalid on `new_password`), the current one is
/// at most `TYPED_PASSWORD_MAX` characters and required and counted like a login (invalid on `current_password` when
/// wrong, `TooManyAttempts` past the limits). The `must_change_password`
/// flag falls and every other session of the caller ends.
/// `PUT /me/password` and the web's password page both call this.
pub async fn change_own_password(
    cases: &Cases,
    session: &Session,
    address: &str,
    current_password: &str,
    new_password: &str,
) -> CaseResult<()> {
    let user = &session.user;
    let mut invalid = Invalid::default();
    bounds::optional_text(
        &mut invalid,
        "current_password",
        Some(current_password),
        TYPED_PASSWORD_MAX,
    );
    let parsed = NewPassword::parse(
        new_password,
        &[user.email.as_str(), user.display_name.as_str()],
    );
    if let Err(refused) = &parsed {
        invalid.add("new_password", (*refused).into());
    }
    if new_password == current_password {
        invalid.add("new_password", Refusal::SamePassword);
    }
    invalid.finish()?;
    let new_password =
        parsed.map_err(|_| CaseError::Internal(anyhow::anyhow!("validated password missing")))?;

    // The current password is a guess like a login's: counted first.
    let caller = session.caller();
    let counters = count_attempt(cases, user.email.as_str(), address, Some(user.id)).await?;
    let hash = users::own_password_hash(cases, &caller).await?;
    let passwords = &cases.auth.passwords;
    if !passwords.verify(current_password, Some(&hash)).await? {
        cases
            .audit(&caller, "user.password_change_failed", None, "/me/password")
            .await?;
        return Err(CaseError::invalid(
            "current_password",
            Refusal::NotYourPassword,
        ));
    }
    forget_failures(cases, &counters).await?;
    let new_hash = passwords.hash(&new_password).await?;
    users::set_own_password(cases, &caller, new_hash, session.token_hash()).await?;
    tracing::info!("password changed");
    Ok(())
}
