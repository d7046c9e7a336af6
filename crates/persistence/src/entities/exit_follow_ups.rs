use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exit_follow_ups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub after_months: i32,
    pub due_on: Date,
    /// With `outcome`, once it is made.
    pub done_on: Option<Date>,
    pub outcome: Option<String>,
    pub notes: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
