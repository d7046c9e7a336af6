use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub landlord_id: Uuid,
    pub label: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub typology: String,
    pub surface_m2: f64,
    pub capacity: i32,
    /// The site it belongs to (`sites`; no foreign key, see migration 29).
    pub site_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
