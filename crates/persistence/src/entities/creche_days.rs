use sea_orm::entity::prelude::*;

/// A site's crèche day that a booking transaction locks first.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "creche_site_days")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub site_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub on: Date,
    pub changes: i64,
}

impl ActiveModelBehavior for ActiveModel {}
