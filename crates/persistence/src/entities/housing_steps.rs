use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "housing_steps")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub kind: String,
    pub status: String,
    pub reference: Option<String>,
    pub filed_on: Option<Date>,
    pub decided_on: Option<Date>,
    pub notes: Option<String>,
    /// The facts of the step's kind, as JSON (`pathway::StepDetails`).
    pub details: String,
    /// The due date it keeps while it owes one.
    pub due_kind: Option<String>,
    pub due_on: Option<Date>,
    pub version: i32,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
