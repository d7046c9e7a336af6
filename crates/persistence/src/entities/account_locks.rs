use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_locks")]
pub struct Model {
    /// One row per account: its last lock from everywhere.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// The window (Unix milliseconds) of the counter that tripped.
    pub window_start_ms: i64,
    pub locked_at: DateTimeUtc,
    /// When the owner's sign-in told her; null until then.
    pub told_at: Option<DateTimeUtc>,
    /// The token hash of the session whose home page shows the lock once.
    pub notice_session: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
