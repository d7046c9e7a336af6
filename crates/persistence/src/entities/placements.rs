use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "placements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub family_id: Uuid,
    pub referral_id: Uuid,
    pub admitted_on: Date,
    pub status: String,
    pub exited_on: Option<Date>,
    pub exit_destination: Option<String>,
    pub exit_notes: Option<String>,
    /// The accepted housing step the exit names.
    pub exit_step_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
