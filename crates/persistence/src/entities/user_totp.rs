use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_totp")]
pub struct Model {
    /// One TOTP secret per user.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// The shared secret, base32 (RFC 4648, no padding).
    pub secret: String,
    /// Set once a first code proved the authenticator holds the secret.
    pub confirmed_at: Option<DateTimeUtc>,
    /// The last time step a code was accepted at: a code works once.
    pub last_step: Option<i64>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
