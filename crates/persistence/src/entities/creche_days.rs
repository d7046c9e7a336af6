use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "creche_days")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub on: Date,
    pub changes: i64,
}

impl ActiveModelBehavior for ActiveModel {}
