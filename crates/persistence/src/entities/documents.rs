use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub family_id: Uuid,
    pub child_id: Option<Uuid>,
    pub placement_id: Option<Uuid>,
    pub kind: String,
    pub title: String,
    pub confidentiality: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// The content's own key, sealed by the master key.
    pub wrapped_key: Vec<u8>,
    pub author_id: Uuid,
    pub created_at: DateTimeUtc,
    pub removed_at: Option<DateTimeUtc>,
    pub removed_by: Option<Uuid>,
    pub removal_reason: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
