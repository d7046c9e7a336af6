use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "intervention_staff")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub intervention_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
