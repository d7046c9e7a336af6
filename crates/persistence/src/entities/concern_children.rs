use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "concern_children")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub concern_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub child_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
