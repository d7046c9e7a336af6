//! Mail (SPEC "Mail: reminders and a forgotten password"): the daily
//! digest of what is due, the forgotten password's one-time link, and the
//! choice of the digest. Each mail is queued in the outbox
//! (`nido_persistence::mail`) in the transaction that asks for it; the
//! binary's worker sends it. With mail off (`mail.smtp_url` unset) every
//! operation here answers `mail_not_configured`, and nothing is queued.

use std::sync::Arc;

use chrono::{Days, NaiveDate};
use nido_domain::mail::{RESET_LINK_LIFETIME, digest_due, reset_counters};
use nido_domain::user::{EMAIL_MAX, TYPED_PASSWORD_MAX};
use nido_domain::{Conflict, Email, NewPassword, Refusal};
use nido_persistence::mail::{self as outbox, OutgoingMail};
use nido_persistence::{begin_write, login_throttle, users};
use uuid::Uuid;

use crate::auth::{hash_token, new_token};
use crate::calendar::{Obligations, obligations};
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds};

/// Where the reset link leads, on the pages.
pub const RESET_PAGE: &str = "/mot-de-passe/nouveau";
/// The link's parameter that carries its secret.
pub const RESET_PARAMETER: &str = "jeton";
/// A digest lists what is overdue and what falls due within this many days.
pub const DIGEST_DAYS: u64 = 7;
/// How far back an overdue obligation is still listed.
const DIGEST_LOOK_BACK_DAYS: u64 = 3660;

/// Mail as the settings configure it.
#[derive(Debug, Clone)]
pub struct MailPolicy {
    /// Where the links of a mail lead: the address the team reaches nido
    /// at (`mail.base_url`), without a trailing slash.
    pub base_url: String,
    /// The local hour (in the centre's time zone) from which the day's
    /// digests are made (`mail.digest_hour`).
    pub digest_hour: u32,
}

/// Mail on or off, and the bell that wakes the worker when a mail is
/// queued. Cheap to clone.
#[derive(Clone, Default)]
pub struct Mail {
    policy: Option<MailPolicy>,
    queued: Arc<tokio::sync::Notify>,
}

impl Mail {
    /// Mail off: nothing is sent, and the pages and the API say so.
    pub fn off() -> Self {
        Self::default()
    }

    pub fn on(policy: MailPolicy) -> Self {
        Self {
            policy: Some(MailPolicy {
                base_url: policy.base_url.trim_end_matches('/').to_owned(),
                ..policy
            }),
            queued: Arc::default(),
        }
    }

    pub fn is_on(&self) -> bool {
        self.policy.is_some()
    }

    /// The policy, or `mail_not_configured`.
    pub fn policy(&self) -> CaseResult<&MailPolicy> {
        self.policy
            .as_ref()
            .ok_or(CaseError::Conflict(Conflict::MailNotConfigured))
    }

    /// Resolves when a mail was queued since the last call (the worker
    /// waits on it between its rounds).
    pub async fn queued(&self) {
        self.queued.notified().await;
    }

    fn ring(&self) {
        self.queued.notify_one();
    }
}

/// "Mot de passe oublié": a known, active account whose email is `email`
/// is sent a one-time link (256 random bits, kept hashed, valid
/// [`RESET_LINK_LIFETIME`]) to [`RESET_PAGE`]. Whatever the email, the
/// answer is the same `Ok(())`: an unknown, disabled or malformed one, or
/// a request past the throttle (per account as typed and per address,
/// [`reset_counters`]), sends nothing. Every request is audited:
/// `auth.password_reset_requested` in the account's name,
/// `auth.password_reset_unknown` or `auth.password_reset_throttled`
/// in nobody's.
pub async fn request_password_reset(cases: &Cases, address: &str, email: &str) -> CaseResult<()> {
    cases.mail.policy()?;
    let mut invalid = Invalid::default();
    bounds::optional_text(&mut invalid, "email", Some(email), EMAIL_MAX);
    if email.chars().any(char::is_control) {
        invalid.add("email", Refusal::ControlCharacter);
    }
    invalid.finish()?;
    let email_key = email.trim().to_lowercase();
    let resource = format!("/auth/password-reset from {address}");
    let now = cases.now();
    for counter in reset_counters(&email_key, address) {
        let counted =
            login_throttle::count(&cases.writer, &counter.key, now, counter.limit.window).await?;
        if counter
            .limit
            .refusal(counted.failures, counted.window_start, now)
            .is_some()
        {
            cases
                .audit_as(
                    Uuid::nil(),
                    "auth.password_reset_throttled",
                    None,
                    &resource,
                )
                .await?;
            tracing::warn!("password reset throttled");
            return Ok(());
        }
    }
    // Whether the account exists is looked at after the answer: a known
    // address and an unknown one are answered in the same time.
    let cases = cases.clone();
    let email = email.to_owned();
    tokio::spawn(async move {
        if let Err(err) = send_reset_link(&cases, &email, &resource).await {
            tracing::error!(error = %err, "a password reset link could not be queued");
        }
    });
    Ok(())
}

/// Queues the link for the active account whose email is `email`, if any;
/// audits the request either way.
async fn send_reset_link(cases: &Cases, email: &str, resource: &str) -> CaseResult<()> {
    let policy = cases.mail.policy()?;
    let user = match Email::parse(email) {
        Ok(email) => users::find_credentials(&cases.db, &email)
            .await?
            .map(|(user, _)| user)
            .filter(|user| user.active),
        Err(_) => None,
    };
    let Some(user) = user else {
        return cases
            .audit_as(Uuid::nil(), "auth.password_reset_unknown", None, resource)
            .await;
    };
    // Audited before the mail can go: whoever reads the mail finds it in
    // the log.
    cases
        .audit_as(user.id, "auth.password_reset_requested", None, resource)
        .await?;
    let now = cases.now();
    let token = new_token()?;
    let expires_at = now + RESET_LINK_LIFETIME;
    let link = format!("{}{RESET_PAGE}?{RESET_PARAMETER}={token}", policy.base_url);
    let (text_body, html_body) = reset_texts(user.display_name.as_str(), &link);
    let txn = begin_write(&cases.writer).await?;
    outbox::insert_reset(&txn, hash_token(&token), user.id, now, expires_at).await?;
    outbox::enqueue(
        &txn,
        OutgoingMail {
            kind: "password_reset",
            user_id: Some(user.id),
            recipient: user.email.as_str().to_owned(),
            subject: "nido : votre nouveau mot de passe".to_owned(),
            text_body,
            html_body,
            not_after: Some(expires_at),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    cases.mail.ring();
    tracing::info!(user_id = %user.id, "password reset link queued");
    Ok(())
}

/// The reset mail's plain text and HTML.
fn reset_texts(name: &str, link: &str) -> (String, String) {
    let minutes = RESET_LINK_LIFETIME.num_minutes();
    let text = format!(
        "Bonjour {name},\n\n\
         Un nouveau mot de passe a été demandé pour votre compte nido. \
         Choisissez-le en suivant ce lien, valable {minutes} minutes et une seule fois :\n\n\
         {link}\n\n\
         Votre code de double authentification vous sera toujours demandé à la connexion.\n\n\
         Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n"
    );
    let html = html_page(&format!(
        "<p>Bonjour {name},</p>\
         <p>Un nouveau mot de passe a été demandé pour votre compte nido. \
         Choisissez-le en suivant ce lien, valable {minutes} minutes et une seule fois :</p>\
         <p><a href=\"{link}\">Choisir un nouveau mot de passe</a></p>\
         <p>Votre code de double authentification vous sera toujours demandé à la connexion.</p>\
         <p>Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.</p>",
        name = escape(name),
        link = escape(link),
    ));
    (text, html)
}

/// Replaces the password of the account whose valid link carries `token`:
/// the new password follows the policy (invalid on `new_password`); a
/// link that expired, was used or was never given is invalid on `token`.
/// The link is used once; every session of the user and her calendar
/// address end; the second factor stays (her next sign-in asks for it).
/// Audited `auth.password_reset`.
pub async fn reset_password(cases: &Cases, token: &str, new_password: &str) -> CaseResult<()> {
    let mut invalid = Invalid::default();
    bounds::optional_text(&mut invalid, "token", Some(token), 100);
    bounds::optional_text(
        &mut invalid,
        "new_password",
        Some(new_password),
        TYPED_PASSWORD_MAX,
    );
    invalid.finish()?;
    let now = cases.now();
    let token_hash = hash_token(token.trim());
    let link_invalid = || CaseError::invalid("token", Refusal::ResetLinkInvalid);
    let user_id = outbox::reset_owner(&cases.db, &token_hash, now)
        .await?
        .ok_or_else(link_invalid)?;
    let user = users::find(&cases.db, user_id).await?;
    if !user.active {
        return Err(link_invalid());
    }
    let password = NewPassword::parse(
        new_password,
        &[user.email.as_str(), user.display_name.as_str()],
    )
    .map_err(|refused| CaseError::invalid("new_password", refused.into()))?;
    let hash = cases.auth.passwords.hash(&password).await?;
    let (_, announced) = users::reset_password(&cases.writer, user_id, &token_hash, hash, now)
        .await?
        .ok_or_else(link_invalid)?;
    crate::auth::forget(cases, announced).await?;
    cases
        .audit_as(
            user_id,
            "auth.password_reset",
            None,
            &format!("/users/{user_id}"),
        )
        .await?;
    tracing::info!(%user_id, "password reset through a link");
    Ok(())
}

/// Whether the caller asked for the daily digest.
pub async fn notifications(cases: &Cases, caller: &Caller) -> CaseResult<bool> {
    cases.mail.policy()?;
    Ok(outbox::daily_digest(&cases.db, caller.id).await?)
}

/// Records the caller's choice of the daily digest; audited
/// `user.notifications`.
pub async fn set_notifications(
    cases: &Cases,
    caller: &Caller,
    daily_digest: bool,
) -> CaseResult<bool> {
    cases.mail.policy()?;
    outbox::set_daily_digest(&cases.writer, caller.id, daily_digest).await?;
    cases
        .audit(caller, "user.notifications", None, "/me/notifications")
        .await?;
    Ok(daily_digest)
}

/// Makes today's digests, once the digest hour is reached: for each user
/// who asked for it and has none yet today, her overdue obligations, those
/// falling due within [`DIGEST_DAYS`] and her open actions due by then,
/// each by the mother's initials, with a link to `/echeances`. A user with
/// nothing to do gets no mail (her day is taken all the same); a disabled
/// account, or one that must first change a password someone set, none.
/// The day is taken in the transaction that queues the mail, by a
/// conditional update: two instances never make one user's digest twice.
/// Answers how many were queued. Each digest is audited `mail.digest` in
/// its reader's name, naming the families it shows.
pub async fn make_digests(cases: &Cases) -> CaseResult<usize> {
    let Ok(policy) = cases.mail.policy() else {
        return Ok(0);
    };
    let Some(today) = digest_due(cases.now(), &cases.time_zone, policy.digest_hour, None) else {
        return Ok(0);
    };
    let mut queued = 0;
    for user_id in outbox::digests_to_make(&cases.db, today).await? {
        // One user's digest that fails does not keep the others'.
        match make_digest(cases, policy, user_id, today).await {
            Ok(true) => queued += 1,
            Ok(false) => {}
            Err(err) => {
                tracing::error!(%user_id, error = %err, "a digest could not be made; tried again");
            }
        }
    }
    if queued > 0 {
        cases.mail.ring();
    }
    Ok(queued)
}

async fn make_digest(
    cases: &Cases,
    policy: &MailPolicy,
    user_id: Uuid,
    today: NaiveDate,
) -> CaseResult<bool> {
    let user = users::find(&cases.db, user_id).await?;
    let caller = Caller::of(&user);
    let found = if user.active && !user.must_change_password {
        let from = today
            .checked_sub_days(Days::new(DIGEST_LOOK_BACK_DAYS))
            .unwrap_or(NaiveDate::MIN);
        let until = today
            .checked_add_days(Days::new(DIGEST_DAYS))
            .unwrap_or(NaiveDate::MAX);
        Some(obligations(cases, &caller, from, until, Some(until)).await?)
    } else {
        None
    };
    let found = found.filter(|found| !found.events.is_empty());
    let txn = begin_write(&cases.writer).await?;
    if !outbox::take_digest_day(&txn, user_id, today).await? {
        return Ok(false);
    }
    let Some(found) = found else {
        txn.commit().await?;
        return Ok(false);
    };
    let (text_body, html_body) = digest_texts(policy, user.display_name.as_str(), today, &found);
    outbox::enqueue(
        &txn,
        OutgoingMail {
            kind: "daily_digest",
            user_id: Some(user_id),
            recipient: user.email.as_str().to_owned(),
            subject: format!("nido : vos échéances du {}", crate::labels::date(today)),
            text_body,
            html_body,
            // Yesterday's digest is not sent tomorrow: what it says may
            // no longer be hers to read.
            not_after: end_of_day(cases, today),
        },
        cases.now(),
    )
    .await?;
    txn.commit().await?;
    cases
        .audit_read(&caller, "mail.digest", found.shown, "/me/notifications")
        .await?;
    cases
        .audit_many(
            &caller,
            "incident.mail.digest",
            found.for_incidents,
            "/me/notifications",
        )
        .await?;
    Ok(true)
}

/// The first instant of the day after `day` in the centre's time zone.
fn end_of_day(cases: &Cases, day: NaiveDate) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let next = day.succ_opt()?.and_hms_opt(0, 0, 0)?;
    let local = cases.time_zone.from_local_datetime(&next).earliest()?;
    Some(local.with_timezone(&chrono::Utc))
}

/// The digest's plain text and HTML: what is overdue, then what is to
/// come, each line a day, what is due and the mother's initials.
fn digest_texts(
    policy: &MailPolicy,
    name: &str,
    today: NaiveDate,
    found: &Obligations,
) -> (String, String) {
    let (overdue, coming): (Vec<_>, Vec<_>) =
        found.events.iter().partition(|event| event.on < today);
    let due_dates = format!("{}/echeances", policy.base_url);
    let account = format!("{}/securite", policy.base_url);
    let mut text = format!(
        "Bonjour {name},\n\nVoici ce qui vous attend au {}.\n",
        crate::labels::date(today)
    );
    let mut html = format!(
        "<p>Bonjour {},</p><p>Voici ce qui vous attend au {}.</p>",
        escape(name),
        crate::labels::date(today)
    );
    for (title, events) in [
        ("En retard", &overdue),
        ("Dans les 7 jours à venir", &coming),
    ] {
        if events.is_empty() {
            continue;
        }
        text.push_str(&format!("\n{title} ({}) :\n", events.len()));
        html.push_str(&format!("<h2>{title} ({})</h2><ul>", events.len()));
        for event in events.iter() {
            let day = event.on.format("%d/%m/%Y");
            text.push_str(&format!("- {day} · {}\n", event.summary));
            html.push_str(&format!("<li>{day} · {}</li>", escape(&event.summary)));
        }
        html.push_str("</ul>");
    }
    text.push_str(&format!(
        "\nLe détail, avec les noms : {due_dates}\n\n\
         Ce courriel ne nomme les familles que par leurs initiales. \
         Pour ne plus le recevoir : {account}\n"
    ));
    html.push_str(&format!(
        "<p><a href=\"{}\">Voir les échéances dans nido</a></p>\
         <p>Ce courriel ne nomme les familles que par leurs initiales. \
         Pour ne plus le recevoir : <a href=\"{}\">votre compte</a>.</p>",
        escape(&due_dates),
        escape(&account)
    ));
    (text, html_page(&html))
}

fn html_page(body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>nido</title></head><body>{body}</body></html>"
    )
}

/// A text as HTML shows it.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_the_html() {
        let (text, html) = reset_texts("Awa <b>", "https://nido.example/x?jeton=a&b");
        assert!(text.contains("Awa <b>"));
        assert!(html.contains("Awa &lt;b&gt;"));
        assert!(html.contains("jeton=a&amp;b"));
    }
}
