//! The second factor: enrolling a TOTP authenticator, the login's second
//! step, removing one's own factor and an admin's reset. Each code is
//! accepted once; a wrong one is counted like a failed login.

use nido_domain::Refusal;
use nido_domain::user::{CHALLENGE_MAX, CODE_MAX, TYPED_PASSWORD_MAX};
use nido_domain::{Conflict, User};
use nido_persistence::{mfa, users};
use uuid::Uuid;

use super::login::{Origin, open_session};
use super::throttle::{attempt_counters, count_attempt, count_in, forget_failures};
use super::totp::{
    generator, hash_recovery_code, matching_step, new_recovery_codes, new_secret, otpauth_url,
};
use super::{NewSession, Session, hash_token};
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds};

/// A secret waiting for its first code.
#[derive(Debug)]
pub struct TotpEnrolment {
    /// The shared secret, base32, for typing into an authenticator app.
    pub secret: String,
    /// The same, as an `otpauth://totp/` URL (what the QR code holds).
    pub otpauth_url: String,
}

/// Checks a code of `user`'s confirmed factor and spends it: a TOTP code
/// of a step not used before, or an unspent recovery code. False otherwise.
async fn spend_code(cases: &Cases, user: &User, code: &str) -> CaseResult<bool> {
    let Some(stored) = mfa::totp(&cases.writer, user.id).await? else {
        return Ok(false);
    };
    if !stored.confirmed {
        return Ok(false);
    }
    let generator = generator(&stored.secret, user.email.as_str())?;
    if let Some(step) = matching_step(&generator, code, cases.now()) {
        return Ok(mfa::accept_step(&cases.writer, user.id, step).await?);
    }
    let spent = mfa::spend_recovery_code(
        &cases.writer,
        user.id,
        &hash_recovery_code(code),
        cases.now(),
    )
    .await?;
    if spent {
        cases
            .audit_as(user.id, "auth.recovery_code_used", None, "/auth/mfa")
            .await?;
    }
    Ok(spent)
}

/// A new pending secret for the caller (409 `mfa_already_enrolled` when
/// she has a factor): the API's enrolment and the pages' alike.
pub async fn begin_enrolment(cases: &Cases, session: &Session) -> CaseResult<TotpEnrolment> {
    let user = &session.user;
    let secret = new_secret()?;
    let otpauth_url = otpauth_url(&secret, user.email.as_str())?;
    mfa::start_enrolment(&cases.writer, user.id, secret.clone(), cases.now()).await?;
    cases
        .audit_as(user.id, "mfa.enrolment_start", None, "/me/mfa/totp")
        .await?;
    Ok(TotpEnrolment {
        secret,
        otpauth_url,
    })
}

/// The caller's enrolment waiting for its first code, if any (the pages
/// show its QR code again after a wrong code).
pub async fn pending_enrolment(
    cases: &Cases,
    session: &Session,
) -> CaseResult<Option<TotpEnrolment>> {
    let user = &session.user;
    let Some(pending) = mfa::totp(&cases.writer, user.id)
        .await?
        .filter(|stored| !stored.confirmed)
    else {
        return Ok(None);
    };
    let otpauth_url = otpauth_url(&pending.secret, user.email.as_str())?;
    Ok(Some(TotpEnrolment {
        secret: pending.secret,
        otpauth_url,
    }))
}

/// The recovery codes the caller has not spent.
pub async fn recovery_codes_left(cases: &Cases, session: &Session) -> CaseResult<u64> {
    Ok(mfa::recovery_codes_left(&cases.db, session.user.id).await?)
}

/// Confirms the caller's pending secret with `code` (counted like a
/// password, from `address`): the recovery codes, shown once. A wrong code
/// is invalid on `code`, as is one longer than `CODE_MAX` (before
/// anything else); no pending secret is 409 `mfa_not_started`.
pub async fn finish_enrolment(
    cases: &Cases,
    session: &Session,
    address: &str,
    code: &str,
) -> CaseResult<Vec<String>> {
    let mut invalid = Invalid::default();
    bounds::optional_text(&mut invalid, "code", Some(code), CODE_MAX);
    invalid.finish()?;
    let user = &session.user;
    let pending = mfa::totp(&cases.writer, user.id)
        .await?
        .filter(|stored| !stored.confirmed)
        .ok_or(CaseError::Conflict(Conflict::MfaNotStarted))?;
    let counters = count_attempt(cases, user.email.as_str(), address, Some(user.id)).await?;
    let generator = generator(&pending.secret, user.email.as_str())?;
    let Some(step) = matching_step(&generator, code, cases.now()) else {
        cases
            .audit_as(
                user.id,
                "mfa.enrolment_failed",
                None,
                "/me/mfa/totp/confirm",
            )
            .await?;
        return Err(CaseError::invalid("code", Refusal::WrongCode));
    };
    forget_failures(cases, &counters).await?;
    let codes = new_recovery_codes()?;
    let hashes = codes.iter().map(|code| hash_recovery_code(code)).collect();
    let revoked = mfa::confirm(
        &cases.writer,
        user.id,
        &pending.secret,
        step,
        hashes,
        cases.now(),
    )
    .await?;
    super::session::forget(cases, revoked).await?;
    cases
        .audit_as(user.id, "mfa.enrol", None, "/me/mfa/totp/confirm")
        .await?;
    tracing::info!("second factor enrolled");
    Ok(codes)
}

/// Removes the caller's own factor, with her current password and a code
/// (each wrong one invalid on its field, counted like a failed login, from
/// `address`; each longer than its bound invalid before anything else);
/// 409 `mfa_not_started` when she has none.
pub async fn remove_own_factor(
    cases: &Cases,
    session: &Session,
    address: &str,
    current_password: &str,
    code: &str,
) -> CaseResult<()> {
    let mut invalid = Invalid::default();
    bounds::optional_text(
        &mut invalid,
        "current_password",
        Some(current_password),
        TYPED_PASSWORD_MAX,
    );
    bounds::optional_text(&mut invalid, "code", Some(code), CODE_MAX);
    invalid.finish()?;
    let user = &session.user;
    if !user.mfa_enrolled {
        return Err(CaseError::Conflict(Conflict::MfaNotStarted));
    }
    let counters = count_attempt(cases, user.email.as_str(), address, Some(user.id)).await?;
    let hash = users::password_hash(&cases.writer, user.id).await?;
    if !cases
        .auth
        .passwords
        .verify(current_password, Some(&hash))
        .await?
    {
        cases
            .audit_as(user.id, "mfa.remove_failed", None, "/me/mfa")
            .await?;
        return Err(CaseError::invalid(
            "current_password",
            Refusal::NotYourPassword,
        ));
    }
    if !spend_code(cases, user, code).await? {
        cases
            .audit_as(user.id, "mfa.remove_failed", None, "/me/mfa")
            .await?;
        return Err(CaseError::invalid("code", Refusal::InvalidCode));
    }
    forget_failures(cases, &counters).await?;
    let revoked = mfa::remove(&cases.writer, user.id, false).await?;
    super::session::forget(cases, revoked).await?;
    cases.audit_as(user.id, "mfa.remove", None, "/me/mfa").await
}

/// The second step of a login from `origin`: the API's and the pages'. A
/// wrong code is `InvalidCode`, counted as the password was (on the
/// owner's known device alone, else by account and address); an unknown
/// or lapsed challenge is `InvalidCredentials`. A challenge or a code
/// longer than its bound is invalid, before anything is counted.
pub async fn complete_login(
    cases: &Cases,
    origin: Origin<'_>,
    challenge: &str,
    code: &str,
) -> CaseResult<NewSession> {
    let mut invalid = Invalid::default();
    bounds::optional_text(&mut invalid, "challenge", Some(challenge), CHALLENGE_MAX);
    bounds::optional_text(&mut invalid, "code", Some(code), CODE_MAX);
    invalid.finish()?;
    let now = cases.now();
    let challenge_hash = hash_token(challenge);
    let resource = format!("/auth/login/mfa from {}", origin.address);
    let user = match mfa::challenge_user(&cases.writer, &challenge_hash, now).await? {
        Some(user_id) => users::find(&cases.writer, user_id).await.ok(),
        None => None,
    };
    let Some(user) = user.filter(|user| user.active) else {
        return Err(CaseError::InvalidCredentials);
    };
    let email_key = user.email.as_str().to_lowercase();
    let (counters, known) = attempt_counters(
        cases,
        Some(user.id),
        origin.device,
        &email_key,
        origin.address,
    );
    let counters = match count_in(cases, counters, Some(user.id)).await {
        Ok(counters) => counters,
        Err(refused @ CaseError::TooManyAttempts { .. }) => {
            cases
                .audit_as(user.id, "auth.mfa_throttled", None, &resource)
                .await?;
            return Err(refused);
        }
        Err(other) => return Err(other),
    };
    if !spend_code(cases, &user, code).await? {
        cases
            .audit_as(user.id, "auth.mfa_failed", None, &resource)
            .await?;
        return Err(CaseError::InvalidCode);
    }
    // Two requests with two good codes: one session only.
    if !mfa::close_challenge(&cases.writer, &challenge_hash).await? {
        return Err(CaseError::InvalidCredentials);
    }
    forget_failures(cases, &counters).await?;
    open_session(cases, user, known, &resource).await
}

/// An admin resets user `id`'s second factor: her secret and recovery
/// codes go, every session of hers ends, and she must enrol again at her
/// next login if her role requires a factor. Audited (`user.mfa_reset`).
pub async fn reset_user_factor(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<()> {
    // An account of the admin's sites (another is hidden, audited).
    crate::users::user(cases, caller, id).await?;
    // A stolen admin session must not end its owner's sessions and open
    // her account to a new factor: her own goes through `DELETE /me/mfa`.
    if id == caller.id {
        return Err(CaseError::Conflict(Conflict::UseMeMfa));
    }
    reset_factor(cases, caller.id, id).await
}

/// `nido user reset-mfa`: the same reset, for a centre whose only admin
/// lost her factor, audited in the system's name (whoever runs the command
/// holds the server itself).
pub async fn reset_factor_from_the_command_line(cases: &Cases, id: Uuid) -> CaseResult<()> {
    reset_factor(cases, Caller::system().id, id).await
}

async fn reset_factor(cases: &Cases, by: Uuid, id: Uuid) -> CaseResult<()> {
    let revoked = mfa::remove(&cases.writer, id, true).await?;
    super::session::forget(cases, revoked).await?;
    cases
        .audit_as(by, "user.mfa_reset", None, &format!("/users/{id}"))
        .await?;
    tracing::info!(target_user = %id, "second factor reset");
    Ok(())
}
