use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_objectives")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub review_id: Uuid,
    pub position: i32,
    pub domain: String,
    pub description: String,
    pub status: String,
    pub target_on: Option<Date>,
}

impl ActiveModelBehavior for ActiveModel {}
