use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `password_reset` or `daily_digest`.
    pub kind: String,
    /// Whose mail it is, when it is a user's.
    pub user_id: Option<Uuid>,
    pub recipient: String,
    pub subject: String,
    /// Emptied once the mail is sent or given up: a sent link is not kept.
    #[sea_orm(column_type = "Text")]
    pub text_body: String,
    #[sea_orm(column_type = "Text")]
    pub html_body: String,
    pub created_at: DateTimeUtc,
    /// Given up if not sent by then (a link that will have expired).
    pub not_after: Option<DateTimeUtc>,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A worker is sending it until then.
    pub claimed_until: Option<DateTimeUtc>,
    /// The claim of the worker sending it: only she marks it.
    pub claim: Option<Uuid>,
    pub sent_at: Option<DateTimeUtc>,
    pub abandoned_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
