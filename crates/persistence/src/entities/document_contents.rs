use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_contents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub document_id: Uuid,
    /// Encrypted: the database never holds a plain content.
    pub content: Vec<u8>,
    pub stored_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
