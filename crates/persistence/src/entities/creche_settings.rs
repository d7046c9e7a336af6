use sea_orm::entity::prelude::*;

/// A site's crèche settings (absent until an admin changes the defaults).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "creche_site_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub site_id: Uuid,
    pub capacity: i32,
    pub opens_at: i32,
    pub closes_at: i32,
    pub open_weekdays: String,
    pub min_age_months: i32,
    pub max_age_months: i32,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
