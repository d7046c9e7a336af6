use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "families")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub mother_first_name: String,
    pub mother_last_name: String,
    pub mother_birth_date: Date,
    pub mother_phone: Option<String>,
    pub mother_email: Option<String>,
    pub referent_id: Option<Uuid>,
    pub anonymised_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
