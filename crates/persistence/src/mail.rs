//! The mail outbox, the forgotten password's links and each user's choice
//! of the daily digest.
//!
//! A mail is queued in the transaction that asks for it ([`enqueue`]), so
//! that it is sent exactly when that change is kept. A worker claims the
//! mails that are due ([`claim_due`]): the claim is one conditional update,
//! so two workers (two instances on one PostgreSQL) never send one mail
//! both; it lapses after a lease, so a worker that died while sending
//! leaves the mail to be tried again (the one case where a mail may go
//! twice). Sent or given up, a mail's text is emptied: the outbox keeps
//! that it was sent, never a link it carried.
//!
//! The outbox's own timing (`next_attempt_at`, claims) is the machine's
//! real time, whatever clock the use cases run on; `not_after` is the use
//! cases' time, as the link it guards.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{mail_outbox, mail_preferences, password_resets};

/// A mail to queue.
#[derive(Clone)]
pub struct OutgoingMail {
    /// `password_reset` or `daily_digest`.
    pub kind: &'static str,
    pub user_id: Option<Uuid>,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// Given up if not sent by then.
    pub not_after: Option<DateTime<Utc>>,
}

// Never print a mail's text: it may carry a link.
impl std::fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Queues `mail`, due at once; `created_at` is the use cases' time.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    mail: OutgoingMail,
    created_at: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    mail_outbox::Entity::insert(mail_outbox::ActiveModel {
        id: Set(id),
        kind: Set(mail.kind.to_owned()),
        user_id: Set(mail.user_id),
        recipient: Set(mail.recipient),
        subject: Set(mail.subject),
        text_body: Set(mail.text_body),
        html_body: Set(mail.html_body),
        created_at: Set(created_at),
        not_after: Set(mail.not_after),
        attempts: Set(0),
        next_attempt_at: Set(Utc::now()),
        claimed_until: Set(None),
        claim: Set(None),
        sent_at: Set(None),
        abandoned_at: Set(None),
        last_error: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// A mail a worker claimed: its to send, until its lease lapses.
#[derive(Clone)]
pub struct Claimed {
    pub id: Uuid,
    /// The claim's token: only its holder marks the mail.
    pub claim: Uuid,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// Tries so far, this one included.
    pub attempts: u32,
}

impl std::fmt::Debug for Claimed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Claimed")
            .field("id", &self.id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

fn waiting() -> Condition {
    Condition::all()
        .add(mail_outbox::Column::SentAt.is_null())
        .add(mail_outbox::Column::AbandonedAt.is_null())
}

fn unclaimed(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(mail_outbox::Column::ClaimedUntil.is_null())
        .add(mail_outbox::Column::ClaimedUntil.lte(now))
}

/// Gives up the mails still waiting past their `not_after` (`today_now`
/// is the use cases' time) and empties them; answers how many.
pub async fn abandon_expired(
    db: &impl ConnectionTrait,
    today_now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let now = Utc::now();
    let result = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::AbandonedAt, Expr::value(now))
        .col_expr(mail_outbox::Column::TextBody, Expr::value(""))
        .col_expr(mail_outbox::Column::HtmlBody, Expr::value(""))
        .filter(waiting())
        .filter(unclaimed(now))
        .filter(mail_outbox::Column::NotAfter.lt(today_now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Claims the mail due the earliest, if any, for `lease`: one conditional
/// update, so that no other worker claims it meanwhile. The claim's token
/// is the mail's until it is marked or the lease lapses; only its holder
/// marks it.
pub async fn claim_next(
    db: &impl ConnectionTrait,
    lease: TimeDelta,
) -> Result<Option<Claimed>, DbErr> {
    let now = Utc::now();
    // A few candidates: another worker may take the first meanwhile.
    let due: Vec<Uuid> = mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::Id)
        .filter(waiting())
        .filter(unclaimed(now))
        .filter(mail_outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(mail_outbox::Column::NextAttemptAt)
        .limit(4)
        .into_tuple()
        .all(db)
        .await?;
    for id in due {
        let claim = Uuid::new_v4();
        let result = mail_outbox::Entity::update_many()
            .col_expr(mail_outbox::Column::ClaimedUntil, Expr::value(now + lease))
            .col_expr(mail_outbox::Column::Claim, Expr::value(claim))
            .col_expr(
                mail_outbox::Column::Attempts,
                Expr::col(mail_outbox::Column::Attempts).add(1),
            )
            .filter(mail_outbox::Column::Id.eq(id))
            .filter(waiting())
            .filter(unclaimed(now))
            .exec(db)
            .await?;
        if result.rows_affected != 1 {
            continue;
        }
        if let Some(row) = mail_outbox::Entity::find_by_id(id).one(db).await? {
            return Ok(Some(Claimed {
                id,
                claim,
                recipient: row.recipient,
                subject: row.subject,
                text_body: row.text_body,
                html_body: row.html_body,
                attempts: u32::try_from(row.attempts).unwrap_or(1),
            }));
        }
    }
    Ok(None)
}

/// Marks `mail` as its claim's holder: nothing when the claim lapsed and
/// another worker holds the mail now. Answers whether it was marked.
async fn mark(
    db: &impl ConnectionTrait,
    mail: &Claimed,
    update: sea_orm::UpdateMany<mail_outbox::Entity>,
) -> Result<bool, DbErr> {
    let result = update
        .col_expr(
            mail_outbox::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            mail_outbox::Column::Claim,
            Expr::value(Option::<Uuid>::None),
        )
        .filter(mail_outbox::Column::Id.eq(mail.id))
        .filter(mail_outbox::Column::Claim.eq(mail.claim))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The server took the mail: it is sent, and its text emptied.
pub async fn mark_sent(db: &impl ConnectionTrait, mail: &Claimed) -> Result<bool, DbErr> {
    let update = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::SentAt, Expr::value(Utc::now()))
        .col_expr(mail_outbox::Column::TextBody, Expr::value(""))
        .col_expr(mail_outbox::Column::HtmlBody, Expr::value(""))
        .col_expr(
            mail_outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        );
    mark(db, mail, update).await
}

/// The server could not take the mail: tried again after `retry_in`, the
/// reason kept (short, for the admins).
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    mail: &Claimed,
    retry_in: std::time::Duration,
    reason: &str,
) -> Result<bool, DbErr> {
    let retry_in = TimeDelta::from_std(retry_in).unwrap_or(TimeDelta::minutes(15));
    let reason: String = reason.chars().take(300).collect();
    let update = mail_outbox::Entity::update_many()
        .col_expr(
            mail_outbox::Column::NextAttemptAt,
            Expr::value(Utc::now() + retry_in),
        )
        .col_expr(mail_outbox::Column::LastError, Expr::value(reason));
    mark(db, mail, update).await
}

/// The mail cannot be made (its recipient is not a mailbox): given up and
/// emptied, the reason kept.
pub async fn give_up(
    db: &impl ConnectionTrait,
    mail: &Claimed,
    reason: &str,
) -> Result<bool, DbErr> {
    let reason: String = reason.chars().take(300).collect();
    let update = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::AbandonedAt, Expr::value(Utc::now()))
        .col_expr(mail_outbox::Column::TextBody, Expr::value(""))
        .col_expr(mail_outbox::Column::HtmlBody, Expr::value(""))
        .col_expr(mail_outbox::Column::LastError, Expr::value(reason));
    mark(db, mail, update).await
}

/// A mail of the outbox as the admins and the tests see it: never its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: Uuid,
    pub kind: String,
    pub user_id: Option<Uuid>,
    pub attempts: i32,
    pub sent: bool,
    pub abandoned: bool,
    /// In a worker's hand now (its lease not lapsed).
    pub claimed: bool,
}

/// Every mail of `user_id`, the oldest first.
pub async fn of_user(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<OutboxEntry>, DbErr> {
    let now = Utc::now();
    let rows = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::UserId.eq(user_id))
        .order_by_asc(mail_outbox::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| OutboxEntry {
            id: row.id,
            kind: row.kind,
            user_id: row.user_id,
            attempts: row.attempts,
            sent: row.sent_at.is_some(),
            abandoned: row.abandoned_at.is_some(),
            claimed: row.claimed_until.is_some_and(|until| until > now),
        })
        .collect())
}

/// Deletes the mails sent or given up that were queued before `before`
/// (the retention run: as long as the audit log); a mail still waiting
/// stays. Answers how many.
pub async fn prune_outbox(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = mail_outbox::Entity::delete_many()
        .filter(
            Condition::any()
                .add(mail_outbox::Column::SentAt.is_not_null())
                .add(mail_outbox::Column::AbandonedAt.is_not_null()),
        )
        .filter(mail_outbox::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Keeps a forgotten password's link (its hash), valid until `expires_at`.
pub async fn insert_reset(
    db: &impl ConnectionTrait,
    token_hash: String,
    user_id: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    password_resets::Entity::insert(password_resets::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Whose link this is, if it is still valid at `now` (not used, not expired).
pub async fn reset_owner(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbErr> {
    Ok(password_resets::Entity::find_by_id(token_hash.to_owned())
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .map(|row| row.user_id))
}

/// Uses the link at `now`, once: true for the one caller that did, false
/// when it was used meanwhile or is no longer valid. Every other link of
/// `user_id` is deleted with it.
pub async fn use_reset(
    db: &impl ConnectionTrait,
    token_hash: &str,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = password_resets::Entity::update_many()
        .col_expr(password_resets::Column::UsedAt, Expr::value(now))
        .filter(password_resets::Column::TokenHash.eq(token_hash))
        .filter(password_resets::Column::UserId.eq(user_id))
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    password_resets::Entity::delete_many()
        .filter(password_resets::Column::UserId.eq(user_id))
        .filter(password_resets::Column::TokenHash.ne(token_hash))
        .exec(db)
        .await?;
    Ok(true)
}

/// Forgets the links that expired before `before`.
pub async fn prune_resets(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = password_resets::Entity::delete_many()
        .filter(password_resets::Column::ExpiresAt.lt(before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Whether `user_id` asked for the daily digest.
pub async fn daily_digest(db: &impl ConnectionTrait, user_id: Uuid) -> Result<bool, DbErr> {
    Ok(mail_preferences::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some_and(|row| row.daily_digest))
}

/// Records `user_id`'s choice of the daily digest.
pub async fn set_daily_digest(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    on: bool,
) -> Result<(), DbErr> {
    mail_preferences::Entity::insert(mail_preferences::ActiveModel {
        user_id: Set(user_id),
        daily_digest: Set(on),
        digest_made_on: Set(None),
    })
    .on_conflict(
        OnConflict::column(mail_preferences::Column::UserId)
            .update_column(mail_preferences::Column::DailyDigest)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The users who asked for the digest and whose digest of `today` is not
/// made yet.
pub async fn digests_to_make(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<Vec<Uuid>, DbErr> {
    mail_preferences::Entity::find()
        .select_only()
        .column(mail_preferences::Column::UserId)
        .filter(mail_preferences::Column::DailyDigest.eq(true))
        .filter(
            Condition::any()
                .add(mail_preferences::Column::DigestMadeOn.is_null())
                .add(mail_preferences::Column::DigestMadeOn.lt(today)),
        )
        .order_by_asc(mail_preferences::Column::UserId)
        .into_tuple()
        .all(db)
        .await
}

/// Takes `today`'s digest of `user_id` for this caller: true for the one
/// caller that does (one conditional update), false when it was made.
pub async fn take_digest_day(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    today: NaiveDate,
) -> Result<bool, DbErr> {
    let result = mail_preferences::Entity::update_many()
        .col_expr(mail_preferences::Column::DigestMadeOn, Expr::value(today))
        .filter(mail_preferences::Column::UserId.eq(user_id))
        .filter(mail_preferences::Column::DailyDigest.eq(true))
        .filter(
            Condition::any()
                .add(mail_preferences::Column::DigestMadeOn.is_null())
                .add(mail_preferences::Column::DigestMadeOn.lt(today)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
