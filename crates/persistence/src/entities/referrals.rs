use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub family_id: Uuid,
    pub source: String,
    pub eds: String,
    pub referred_on: Date,
    pub referrer_name: String,
    pub referrer_contact: String,
    pub reason: String,
    pub reason_details: Option<String>,
    pub status: String,
    pub closed_reason: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
