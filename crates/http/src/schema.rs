//! OpenAPI schemas for domain enums, built from the domain's own lists so the
//! document cannot drift from the code.

use nido_domain::{Profession, Role};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

fn string_enum(values: impl IntoIterator<Item = &'static str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .into()
}

pub fn role() -> RefOr<Schema> {
    string_enum(Role::ALL.map(Role::as_str))
}

pub fn profession() -> RefOr<Schema> {
    string_enum(Profession::ALL.map(Profession::as_str))
}
