//! The login: a password (and, for an account with one, a second factor's
//! code) for a session; and the logout.

use chrono::{DateTime, TimeDelta, Utc};
use nido_domain::user::{EMAIL_MAX, TYPED_PASSWORD_MAX};
use nido_domain::{Email, User};
use nido_persistence::{login_throttle, mfa, sessions, users};
use uuid::Uuid;

use super::device::{device_cookie, new_device_cookie};
use super::throttle::{attempt_counters, count_in, forget_failures, prune};
use super::{Session, hash_token, new_token};
use crate::{CaseError, CaseResult, Cases, Invalid, bounds};

/// How long a right password waits for its code.
const CHALLENGE_LIFETIME: TimeDelta = TimeDelta::minutes(5);

/// Where an attempt comes from: the client's address, as the throttle
/// counts it, and the device cookie it carried, if any.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub address: &'a str,
    pub device: Option<&'a str>,
}

/// Where a right password leads.
pub enum LoginOutcome {
    Session(NewSession),
    /// The account has a second factor: the challenge to finish with a code.
    SecondFactor {
        challenge: String,
        expires_at: DateTime<Utc>,
    },
}

// Never derive Debug with the challenge in it.
impl std::fmt::Debug for LoginOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoginOutcome::Session(session) => session.fmt(f),
            LoginOutcome::SecondFactor { .. } => f.write_str("SecondFactor"),
        }
    }
}

/// A session just opened by [`log_in`]: its token (given to the client
/// once, kept only hashed) and whose it is.
pub struct NewSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
    /// The device cookie to leave: the one the attempt carried, renewed, or
    /// a new device's.
    pub device_cookie: String,
    /// When the account was locked from everywhere, if its owner was not
    /// told yet: she is told now.
    pub account_locked_at: Option<DateTime<Utc>>,
}

// Never derive Debug with the token in it.
impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("user_id", &self.user.id)
            .finish_non_exhaustive()
    }
}

/// Checks `email` and `password` from `origin` and opens a session, or a
/// second-factor challenge when the account has one: the one login of the
/// API (`POST /auth/login`) and of the web pages alike.
/// An email or a password longer than its bound is invalid, before
/// anything is counted.
/// The attempt is counted before the password is looked at
/// (`TooManyAttempts` past a limit): with a device cookie of the account
/// tried, on that device alone, else by account and address; an unknown
/// email, a wrong password and a disabled account all answer
/// `InvalidCredentials` in about the same time. Every attempt is audited
/// (`auth.login`, `auth.login_failed`, `auth.login_throttled`, and
/// `auth.account_locked` when the account's limit from everywhere trips).
pub async fn log_in(
    cases: &Cases,
    origin: Origin<'_>,
    email: &str,
    password: &str,
) -> CaseResult<LoginOutcome> {
    let mut invalid = Invalid::default();
    bounds::optional_text(&mut invalid, "email", Some(email), EMAIL_MAX);
    bounds::optional_text(&mut invalid, "password", Some(password), TYPED_PASSWORD_MAX);
    invalid.finish()?;
    let email_key: String = email.trim().to_lowercase().chars().take(254).collect();
    let resource = format!("/auth/login from {}", origin.address);
    let credentials = match Email::parse(email) {
        Ok(email) => users::find_credentials(&cases.db, &email).await?,
        Err(_) => None,
    };
    // The account tried, if it exists; for the audit log the nil UUID
    // stands for none.
    let owner = credentials.as_ref().map(|(user, _)| user.id);
    let tried = owner.unwrap_or(Uuid::nil());

    let (counters, known) =
        attempt_counters(cases, owner, origin.device, &email_key, origin.address);
    // Count the attempt before looking at the password: of many parallel
    // guesses, only as many as the limits allow are ever verified.
    let counters = match count_in(cases, counters, owner).await {
        Ok(counters) => counters,
        Err(refused @ CaseError::TooManyAttempts { .. }) => {
            cases
                .audit_as(tried, "auth.login_throttled", None, &resource)
                .await?;
            tracing::warn!("login throttled");
            return Err(refused);
        }
        Err(other) => return Err(other),
    };

    let hash = credentials.as_ref().map(|(_, hash)| hash.as_str());
    let password_ok = cases.auth.passwords.verify(password, hash).await?;
    let user = match credentials {
        Some((user, _)) if password_ok && user.active => user,
        _ => {
            prune(cases).await?;
            cases
                .audit_as(tried, "auth.login_failed", None, &resource)
                .await?;
            tracing::info!("login failed");
            return Err(CaseError::InvalidCredentials);
        }
    };

    // Successes never count; the owner's success from this address (or
    // device) also clears the failures made from it.
    forget_failures(cases, &counters).await?;
    if user.mfa_enrolled {
        let (challenge, expires_at) = open_challenge(cases, &user).await?;
        cases
            .audit_as(user.id, "auth.mfa_challenge", None, &resource)
            .await?;
        return Ok(LoginOutcome::SecondFactor {
            challenge,
            expires_at,
        });
    }
    Ok(LoginOutcome::Session(
        open_session(cases, user, known, &resource).await?,
    ))
}

/// Opens a session for `user`, whose credentials were checked (from the
/// device `known`, if she signed in from it before), and audits the login
/// (`auth.login`).
pub(super) async fn open_session(
    cases: &Cases,
    user: User,
    known: Option<String>,
    resource: &str,
) -> CaseResult<NewSession> {
    let now = cases.now();
    let token = new_token()?;
    let token_hash = hash_token(&token);
    let lifetime = cases.auth.policy.session_lifetime;
    let expires_at =
        sessions::create(&cases.writer, user.id, token_hash.clone(), now, lifetime).await?;
    sessions::prune(&cases.writer, now, lifetime).await?;
    let account_locked_at =
        login_throttle::tell_lock(&cases.writer, user.id, &token_hash, now).await?;
    let key = &cases.auth.server_key;
    let device_cookie = match known {
        Some(device) => device_cookie(key, user.id, &device),
        None => new_device_cookie(key, user.id)?,
    };
    cases
        .audit_as(user.id, "auth.login", None, resource)
        .await?;
    tracing::info!(user_id = %user.id, "logged in");
    Ok(NewSession {
        token,
        expires_at,
        user,
        device_cookie,
        account_locked_at,
    })
}

/// Opens a challenge for `user`, whose password was right: the token to
/// send back with the code, and when it lapses.
async fn open_challenge(cases: &Cases, user: &User) -> CaseResult<(String, DateTime<Utc>)> {
    let challenge = new_token()?;
    let expires_at = cases.now() + CHALLENGE_LIFETIME;
    mfa::open_challenge(&cases.writer, user.id, hash_token(&challenge), expires_at).await?;
    Ok((challenge, expires_at))
}

/// Ends `session` at once and audits it (`auth.logout`): the API's logout
/// and the web pages' sign-out alike.
pub async fn log_out(cases: &Cases, session: &Session) -> CaseResult<()> {
    let revoked = sessions::delete(&cases.writer, session.token_hash()).await?;
    super::session::forget(cases, revoked).await?;
    cases
        .audit_as(session.user.id, "auth.logout", None, "/auth/logout")
        .await
}

#[cfg(test)]
mod tests {
    use nido_domain::{Clock, DisplayName, NewPassword, Profession, Role};

    use super::*;
    use crate::auth::{AuthPolicy, Authentication, PasswordHasher, ServerKey};

    /// The use cases over a fresh in-memory database, with one account.
    async fn cases_with_awa() -> Cases {
        let db = nido_persistence::connect("sqlite::memory:", 1)
            .await
            .expect("database");
        nido_persistence::migrate(&db).await.expect("migrated");
        nido_persistence::migrate_audit(&db)
            .await
            .expect("migrated");
        let policy = AuthPolicy::default();
        let cases = Cases {
            db: db.clone(),
            writer: nido_persistence::Writer::new(db.clone(), nido_persistence::GroupCommit::Auto),
            audit_log: nido_persistence::audit::AuditWriter::spawn(db.clone(), db.clone()),
            audit_db: db,
            clock: Clock::Fixed(Utc::now()),
            time_zone: chrono_tz::Europe::Paris,
            report_lead_days: 30,
            calendar_valid_days: 365,
            exit: crate::pathway::ExitPolicy::new(6, &[3, 6]),
            identity: crate::identity::IdentityPolicy::default(),
            mail: crate::mail::Mail::off(),
            documents: crate::documents::Vault::in_memory().expect("a vault"),
            auth: Authentication::new(
                policy,
                PasswordHasher::new(1).expect("hasher"),
                ServerKey::random().expect("key"),
            ),
        };
        let password = NewPassword::parse("lanterne-violon-gravier-47", &[]).expect("strong");
        let new = nido_domain::user::NewUser {
            email: Email::parse("awa@nido.example").expect("email"),
            display_name: DisplayName::parse("Awa").expect("name"),
            role: Role::Staff,
            profession: Profession::SocialWorker,
            password_hash: cases.auth.passwords.hash(&password).await.expect("hash"),
            must_change_password: false,
            site_ids: vec![nido_domain::site::FIRST_SITE],
        };
        users::insert(&cases.writer, new, cases.now())
            .await
            .expect("inserted");
        cases
    }

    async fn refused(cases: &Cases, email: &str) -> bool {
        let origin = Origin {
            address: "192.0.2.1",
            device: None,
        };
        matches!(
            log_in(cases, origin, email, "not-the-password-at-all").await,
            Err(CaseError::InvalidCredentials)
        )
    }

    #[tokio::test]
    async fn an_unknown_email_costs_one_verification_against_the_dummy_hash() {
        let cases = cases_with_awa().await;
        let passwords = &cases.auth.passwords;
        let dummy = passwords.dummy_hash().to_owned();
        assert!(passwords.verified().is_empty(), "nothing verified yet");

        assert!(refused(&cases, "awa@nido.example").await);
        let after_wrong = passwords.verified();
        assert_eq!(after_wrong.len(), 1, "a wrong password: one verification");
        assert_ne!(after_wrong[0], dummy, "against her own hash");

        for unknown in ["nobody@nido.example", "not an email"] {
            assert!(refused(&cases, unknown).await, "{unknown}");
        }
        let verified = passwords.verified();
        assert_eq!(
            verified[1..],
            [dummy.clone(), dummy],
            "one verification each, against the dummy"
        );
    }
}
