use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "creche_bookings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub family_id: Uuid,
    pub child_id: Uuid,
    pub on: Date,
    pub starts_at: i32,
    pub ends_at: i32,
    pub purpose: String,
    pub notes: Option<String>,
    pub status: String,
    pub arrived_at: Option<i32>,
    pub left_at: Option<i32>,
    pub series_id: Option<Uuid>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
