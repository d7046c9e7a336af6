use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_preferences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub daily_digest: bool,
    /// The last day whose digest was made for her (sent, or nothing due).
    pub digest_made_on: Option<Date>,
}

impl ActiveModelBehavior for ActiveModel {}
