use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "families")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub mother_first_name: String,
    pub mother_last_name: String,
    pub mother_birth_last_name: Option<String>,
    pub mother_birth_date: Date,
    pub mother_birth_place: Option<String>,
    pub mother_phone: Option<String>,
    pub mother_email: Option<String>,
    pub referent_id: Option<Uuid>,
    pub anonymised_at: Option<DateTimeUtc>,
    /// The version of the rules its identity keys were made with
    /// (`nido_domain::identity::KEYS_VERSION`).
    pub identity_version: i32,
    /// Her names folded, for a search by fragments.
    pub identity_text: Option<String>,
    /// The site it belongs to (`sites`; no foreign key, see migration 29).
    pub site_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
