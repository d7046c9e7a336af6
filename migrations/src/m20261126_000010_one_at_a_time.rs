//! Rules that a read before the write used to decide, now decided by the
//! database on both engines:
//! - one pending referral per family, one active placement per family;
//! - one open occupancy per placement and per unit (partial unique indexes);
//! - on SQLite, no overlapping leases of a unit and no overlapping
//!   occupancies of a unit or of a placement (triggers, as the exclusion
//!   constraints do on PostgreSQL). A trigger aborts with the constraint's
//!   name, so that nido maps it to a conflict code as it does on PostgreSQL.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

/// (index name, table, column, condition): a unique index on the rows that
/// meet the condition.
const PARTIAL_UNIQUE: [(&str, &str, &str, &str); 4] = [
    (
        "referrals_one_pending_per_family",
        "referrals",
        "family_id",
        "status = 'pending'",
    ),
    (
        "placements_one_active_per_family",
        "placements",
        "family_id",
        "status = 'active'",
    ),
    (
        "occupancies_one_open_per_placement",
        "occupancies",
        "placement_id",
        "ends_on IS NULL",
    ),
    (
        "occupancies_one_open_per_unit",
        "occupancies",
        "unit_id",
        "ends_on IS NULL",
    ),
];

/// (constraint name, table, key): on SQLite, rows of `table` with the same
/// `key` may not cover a common day.
const NO_OVERLAP: [(&str, &str, &str); 3] = [
    ("leases_no_overlap", "leases", "unit_id"),
    ("occupancies_unit_no_overlap", "occupancies", "unit_id"),
    (
        "occupancies_placement_no_overlap",
        "occupancies",
        "placement_id",
    ),
];

transactional_up!(|manager| {
    let connection = manager.get_connection();
    for (name, table, column, condition) in PARTIAL_UNIQUE {
        connection
            .execute_unprepared(&format!(
                "CREATE UNIQUE INDEX {name} ON {table} ({column}) WHERE {condition}"
            ))
            .await?;
    }
    if manager.get_database_backend() == DatabaseBackend::Sqlite {
        for (name, table, key) in NO_OVERLAP {
            // Dates are ISO text on SQLite: they compare as strings.
            let overlap = format!(
                "EXISTS (SELECT 1 FROM {table} other WHERE other.{key} = NEW.{key} \
                 AND other.id <> NEW.id \
                 AND other.starts_on <= COALESCE(NEW.ends_on, '9999-12-31') \
                 AND NEW.starts_on <= COALESCE(other.ends_on, '9999-12-31'))"
            );
            for (event, suffix) in [
                ("INSERT", "insert"),
                (
                    &format!("UPDATE OF {key}, starts_on, ends_on") as &str,
                    "update",
                ),
            ] {
                connection
                    .execute_unprepared(&format!(
                        "CREATE TRIGGER {name}_{suffix} BEFORE {event} ON {table} \
                         WHEN {overlap} BEGIN SELECT RAISE(ABORT, '{name}'); END"
                    ))
                    .await?;
            }
        }
    }
    Ok(())
});
