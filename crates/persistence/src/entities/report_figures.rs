use sea_orm::entity::prelude::*;

/// What anonymised files of a site added to the activity report.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "site_report_figures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub site_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub figure: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item: String,
    pub value: i64,
}

impl ActiveModelBehavior for ActiveModel {}
