use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "duplicate_decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The smaller id of the pair.
    pub family_id: Uuid,
    pub other_family_id: Uuid,
    pub decision: String,
    pub note: String,
    pub decided_by: Uuid,
    pub decided_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
