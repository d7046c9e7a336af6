use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshops")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    pub held_on: Date,
    pub starts_minute: i32,
    pub ends_minute: i32,
    pub partner: Option<String>,
    pub capacity: Option<i32>,
    pub participants_count: i32,
    pub created_by: Uuid,
    /// The site it belongs to (`sites`; no foreign key, see migration 29).
    pub site_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
