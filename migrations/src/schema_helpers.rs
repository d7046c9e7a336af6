//! Small builders the migrations share.
//!
//! Past migrations build their tables from what is here: a change to a
//! name or a builder changes every database built from scratch, and no
//! longer matches the databases already migrated. Treat this file as
//! frozen; a new schema change is a new migration with its own names.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Implements `MigrationTrait` for `$migration`: `up` runs `$body` with the
/// schema `$manager`, in a transaction on both databases (every migration).
/// Without `$migration`, declares it: `pub struct Migration`, named after
/// its file.
macro_rules! transactional_up {
    (|$manager:ident| $body:block) => {
        #[derive(DeriveMigrationName)]
        pub struct Migration;

        transactional_up!(Migration, |$manager| $body);
    };
    ($migration:ty, |$manager:ident| $body:block) => {
        // async_trait cannot take the elided lifetime that rust_2018_idioms asks for.
        #[allow(elided_lifetimes_in_paths)]
        #[async_trait::async_trait]
        impl MigrationTrait for $migration {
            fn use_transaction(&self) -> Option<bool> {
                Some(true)
            }

            async fn up(&self, $manager: &SchemaManager) -> Result<(), DbErr> $body
        }
    };
}

/// The users, as the tables that refer to a user name them.
#[derive(Clone, Copy, DeriveIden)]
pub enum Users {
    Table,
    Id,
}

/// The families, as the tables that refer to a family name them.
#[derive(Clone, Copy, DeriveIden)]
pub enum Families {
    Table,
    Id,
}

/// The children, as the tables that refer to a child name them.
#[derive(Clone, Copy, DeriveIden)]
pub enum Children {
    Table,
    Id,
}

/// The placements, as the tables that refer to a placement name them.
#[derive(Clone, Copy, DeriveIden)]
pub enum Placements {
    Table,
    Id,
}

/// A foreign key that refuses to delete a row still referenced: case data
/// is never removed behind the team's back.
pub fn foreign_key(
    from_table: impl IntoIden,
    from: impl IntoIden,
    to_table: impl IntoIden,
    to: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from)
        .to(to_table, to)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// A table's foreign keys, built with [`foreign_key`]'s rule and naming the
/// table being created once.
pub trait References {
    /// Adds a foreign key from `column` of this table to `to` of `to_table`.
    fn references(
        &mut self,
        column: impl IntoIden,
        to_table: impl IntoIden,
        to: impl IntoIden,
    ) -> &mut Self;
}

impl References for TableCreateStatement {
    fn references(
        &mut self,
        column: impl IntoIden,
        to_table: impl IntoIden,
        to: impl IntoIden,
    ) -> &mut Self {
        let mut key = ForeignKey::create();
        if let Some(table) = self.get_table_name() {
            key.from_tbl(table.clone());
        }
        key.from_col(column)
            .to(to_table, to)
            .on_delete(ForeignKeyAction::Restrict);
        self.foreign_key(&mut key)
    }
}

/// A plain index named `name` on `columns` of `table`.
pub async fn index<const N: usize>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: [impl IntoIden; N],
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table(table);
    for column in columns {
        statement.col(column);
    }
    manager.create_index(statement.to_owned()).await
}

/// A table that links two others: a row per pair, the pair its primary
/// key, each side a foreign key.
pub fn link_table(
    table: impl IntoIden + Clone,
    (left, left_table, left_id): (impl IntoIden + Clone, impl IntoIden, impl IntoIden),
    (right, right_table, right_id): (impl IntoIden + Clone, impl IntoIden, impl IntoIden),
) -> TableCreateStatement {
    Table::create()
        .table(table.clone())
        .col(ColumnDef::new(left.clone()).uuid().not_null())
        .col(ColumnDef::new(right.clone()).uuid().not_null())
        .primary_key(Index::create().col(left.clone()).col(right.clone()))
        .foreign_key(&mut foreign_key(table.clone(), left, left_table, left_id))
        .foreign_key(&mut foreign_key(table, right, right_table, right_id))
        .to_owned()
}

/// The columns of an audit entry: in the log, and in the outbox where an
/// entry waits for the log.
#[derive(Clone, Copy, DeriveIden)]
pub enum AuditEntry {
    Id,
    At,
    UserId,
    Action,
    FamilyId,
    Resource,
}

/// Creates a table of audit entries named `table`: the log or the outbox.
pub async fn audit_entries(manager: &SchemaManager<'_>, table: impl IntoIden) -> Result<(), DbErr> {
    let statement = Table::create()
        .table(table)
        .col(pk_uuid(AuditEntry::Id))
        .col(timestamp_with_time_zone(AuditEntry::At))
        .col(uuid(AuditEntry::UserId))
        .col(string_len(AuditEntry::Action, 60))
        .col(uuid_null(AuditEntry::FamilyId))
        .col(string_len(AuditEntry::Resource, 200))
        .to_owned();
    manager.create_table(statement).await
}
