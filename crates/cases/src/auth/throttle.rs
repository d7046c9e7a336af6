//! Counting attempts against the login throttle: logins, second-factor
//! codes and current passwords alike. An attempt is counted before its
//! secret is looked at, so that of many parallel guesses only as many as
//! the limits allow are ever checked.

use chrono::{DateTime, Utc};
use nido_domain::Counter;
use nido_persistence::login_throttle;
use uuid::Uuid;

use super::device::known_device;
use crate::{CaseError, CaseResult, Cases};

/// The counters an attempt bumped.
pub(super) type Counters = Vec<Counter>;

/// The counters of an attempt on `email_key` from `address`, and the
/// device it came from when it carries a valid device cookie of `owner`:
/// a device the account's owner signed in from before counts its own
/// failures alone; anything else counts by account and address.
pub(super) fn attempt_counters(
    cases: &Cases,
    owner: Option<Uuid>,
    device: Option<&str>,
    email_key: &str,
    address: &str,
) -> (Counters, Option<String>) {
    let known = owner
        .zip(device)
        .and_then(|(user_id, cookie)| known_device(&cases.auth.server_key, user_id, cookie));
    let throttle = &cases.auth.policy.throttle;
    let counters = match &known {
        Some(device) => vec![throttle.device_counter(owner.unwrap_or(Uuid::nil()), device)],
        None => throttle.counters(email_key, address).to_vec(),
    };
    (counters, known)
}

/// Counts an attempt on `email` from `address` in its three counters, before
/// any secret is checked; `TooManyAttempts` (the attempt taken back) past a
/// limit. `owner` is the account tried, if it exists: she and the admins
/// are told when its limit from everywhere trips.
pub(super) async fn count_attempt(
    cases: &Cases,
    email: &str,
    address: &str,
    owner: Option<Uuid>,
) -> CaseResult<Counters> {
    let counters = cases.auth.policy.throttle.counters(email, address).to_vec();
    count_in(cases, counters, owner).await
}

/// Counts an attempt in `counters`; `TooManyAttempts` (the attempt taken
/// back) past a limit.
pub(super) async fn count_in(
    cases: &Cases,
    counters: Counters,
    owner: Option<Uuid>,
) -> CaseResult<Counters> {
    let now = cases.now();
    let mut wait = None;
    let mut locked_window = None;
    for counter in &counters {
        let counted =
            login_throttle::count(&cases.writer, &counter.key, now, counter.limit.window).await?;
        let refusal = counter
            .limit
            .refusal(counted.failures, counted.window_start, now);
        if refusal.is_some() && counter.locks_account {
            locked_window = Some(counted.window_start);
        }
        wait = wait.max(refusal);
    }
    let Some(wait) = wait else {
        return Ok(counters);
    };
    uncount_all(cases, &counters).await?;
    if let Some((user_id, window_start)) = owner.zip(locked_window) {
        note_lock(cases, user_id, window_start).await?;
    }
    // Whole seconds, rounded up, at least one.
    let secs = u64::try_from((wait.num_milliseconds() + 999) / 1000)
        .unwrap_or(0)
        .max(1);
    Err(CaseError::TooManyAttempts {
        retry_after_secs: secs,
    })
}

/// The limit of `user_id`'s account from everywhere tripped in the window
/// opened at `window_start`: the first time in that window, an audit entry
/// in her name (the admins read it; she is told at her next sign-in).
async fn note_lock(cases: &Cases, user_id: Uuid, window_start: DateTime<Utc>) -> CaseResult<()> {
    if login_throttle::record_lock(&cases.writer, user_id, window_start, cases.now()).await? {
        cases
            .audit_as(
                user_id,
                "auth.account_locked",
                None,
                &format!("/users/{user_id}"),
            )
            .await?;
        tracing::warn!(%user_id, "account locked from everywhere");
    }
    Ok(())
}

/// Takes an attempt back from its counters: refused, or its secret right.
async fn uncount_all(cases: &Cases, counters: &[Counter]) -> CaseResult<()> {
    for counter in counters {
        login_throttle::uncount(&cases.writer, &counter.key).await?;
    }
    Ok(())
}

/// The secret was right: the attempt is taken back, and the failures
/// counted against the account from this address (or on this device) are
/// forgotten.
pub(super) async fn forget_failures(cases: &Cases, counters: &Counters) -> CaseResult<()> {
    uncount_all(cases, counters).await?;
    if let Some(first) = counters.first() {
        login_throttle::forget(&cases.writer, &first.key).await?;
    }
    Ok(())
}

/// Forgets the failures older than the longest window: a failed login
/// prunes as it goes.
pub(super) async fn prune(cases: &Cases) -> CaseResult<()> {
    // The forgotten password's counters share the table: kept their window too.
    let longest = cases
        .auth
        .policy
        .throttle
        .longest_window()
        .max(nido_domain::mail::RESET_WINDOW);
    let before = cases.now() - longest;
    login_throttle::prune(&cases.writer, before).await?;
    Ok(())
}
