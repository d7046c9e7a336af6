use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "incidents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub category: String,
    pub description: String,
    pub family_id: Option<Uuid>,
    pub measures_taken: String,
    pub declared_by: Uuid,
    pub authority_notified_at: Option<DateTimeUtc>,
    /// The day its report to the authority falls due, in the centre's
    /// time zone (SQLite has none to compute it with).
    pub report_due_on: Option<Date>,
    /// The site it belongs to (`sites`; no foreign key, see migration 29).
    pub site_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
