//! nido's schema. The same migrations run on SQLite and PostgreSQL; each one
//! runs in a transaction on both, so a failed migration leaves nothing behind.

pub use sea_orm_migration::prelude::*;

#[macro_use]
mod schema_helpers;

mod m20261124_000001_users_and_sessions;
mod m20261124_000002_families_and_placements;
mod m20261124_000003_audit_log;
mod m20261124_000004_housing;
mod m20261124_000005_interventions;
mod m20261126_000006_login_throttle_and_password_change;
mod m20261126_000007_audit_outbox;
mod m20261126_000008_anonymised_families;
mod m20261126_000009_audit_retention;
mod m20261126_000010_one_at_a_time;
mod m20261126_000011_creche;
mod m20261127_000012_workshops;
mod m20261127_000013_contract_and_project;
mod m20261127_000014_calendar_feeds;
mod m20261127_000015_incidents_and_concerns;
mod m20261128_000016_performance_indexes;
mod m20261129_000017_interventions_visibility_index;
mod m20261205_000018_second_factor;
mod m20261205_000019_server_key_and_account_locks;
mod m20261205_000020_anonymised_figures;
mod m20261205_000021_audit_entry_families;
mod m20261205_000022_due_dates_paged;
mod m20261205_000023_placement_due_dates;
mod m20261206_000024_documents;
mod m20261206_000025_housing_pathway;
mod m20261206_000026_identity;
mod m20261207_000027_mail;
mod m20261207_000028_sites;
mod m20261207_000029_site_records;
mod m20261207_000030_user_sites;
mod m20261208_000031_head_office;
mod m20261208_000032_creche_sites;
mod m20261208_000033_site_figures;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_users_and_sessions::Migration),
            Box::new(m20261124_000002_families_and_placements::Migration),
            Box::new(m20261124_000004_housing::Migration),
            Box::new(m20261124_000005_interventions::Migration),
            Box::new(m20261126_000006_login_throttle_and_password_change::Migration),
            Box::new(m20261126_000007_audit_outbox::Migration),
            Box::new(m20261126_000008_anonymised_families::Migration),
            Box::new(m20261126_000010_one_at_a_time::Migration),
            Box::new(m20261126_000011_creche::Migration),
            Box::new(m20261127_000012_workshops::Migration),
            Box::new(m20261127_000013_contract_and_project::Migration),
            Box::new(m20261127_000014_calendar_feeds::Migration),
            Box::new(m20261127_000015_incidents_and_concerns::Migration),
            Box::new(m20261128_000016_performance_indexes::Migration),
            Box::new(m20261129_000017_interventions_visibility_index::Migration),
            Box::new(m20261205_000018_second_factor::Migration),
            Box::new(m20261205_000019_server_key_and_account_locks::Migration),
            Box::new(m20261205_000020_anonymised_figures::Migration),
            Box::new(m20261205_000021_audit_entry_families::Outbox),
            Box::new(m20261205_000022_due_dates_paged::Migration),
            Box::new(m20261205_000023_placement_due_dates::Migration),
            Box::new(m20261206_000024_documents::Migration),
            Box::new(m20261206_000025_housing_pathway::Migration),
            Box::new(m20261206_000026_identity::Migration),
            Box::new(m20261207_000027_mail::Migration),
            Box::new(m20261207_000028_sites::Migration),
            Box::new(m20261207_000029_site_records::Migration),
            Box::new(m20261207_000030_user_sites::Migration),
            Box::new(m20261208_000031_head_office::Migration),
            Box::new(m20261208_000032_creche_sites::Migration),
            Box::new(m20261208_000033_site_figures::Migration),
        ]
    }
}

/// The audit log's own migrations, tracked in their own table so that on
/// PostgreSQL they can share the database with the rest.
pub struct AuditMigrator;

#[async_trait::async_trait]
impl MigratorTrait for AuditMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000003_audit_log::Migration),
            Box::new(m20261126_000009_audit_retention::Migration),
            Box::new(m20261205_000021_audit_entry_families::Log),
        ]
    }

    fn migration_table_name() -> DynIden {
        "seaql_audit_migrations".into_iden()
    }
}
