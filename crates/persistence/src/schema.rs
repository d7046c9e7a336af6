//! What the migrated schema says about itself, for the tests that check the
//! code covers every table it should (the registry of family records).

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};

/// Every table that holds a family's id: `families` itself, every table
/// with a `family_id` column, and every table whose foreign key points at
/// one of those, however far (a review's objectives, through the review and
/// the placement). Both engines; on SQLite the audit log's tables count
/// when their migrations ran on the same database.
pub async fn tables_holding_a_family(db: &impl ConnectionTrait) -> Result<BTreeSet<String>, DbErr> {
    let tables = describe(db).await?;
    let mut holding: BTreeSet<String> = tables
        .iter()
        .filter(|(name, table)| *name == "families" || table.columns.contains("family_id"))
        .map(|(name, _)| name.clone())
        .collect();
    loop {
        let more: Vec<String> = tables
            .iter()
            .filter(|(name, table)| {
                !holding.contains(*name) && table.references.iter().any(|to| holding.contains(to))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            return Ok(holding);
        }
        holding.extend(more);
    }
}

/// A table's columns and the tables its foreign keys point at.
#[derive(Default)]
struct Table {
    columns: BTreeSet<String>,
    references: BTreeSet<String>,
}

async fn describe(db: &impl ConnectionTrait) -> Result<BTreeMap<String, Table>, DbErr> {
    let backend = db.get_database_backend();
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    match backend {
        DatabaseBackend::Sqlite => {
            let names = strings(
                db,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                "name",
            )
            .await?;
            for name in names {
                let quoted = name.replace('"', "\"\"");
                let table = Table {
                    columns: strings(db, &format!("PRAGMA table_info(\"{quoted}\")"), "name")
                        .await?
                        .into_iter()
                        .collect(),
                    references: strings(
                        db,
                        &format!("PRAGMA foreign_key_list(\"{quoted}\")"),
                        "table",
                    )
                    .await?
                    .into_iter()
                    .collect(),
                };
                tables.insert(name, table);
            }
        }
        _ => {
            for row in db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT table_name::text AS name, column_name::text AS other \
                     FROM information_schema.columns WHERE table_schema = current_schema()",
                ))
                .await?
            {
                let name: String = row.try_get("", "name")?;
                let column: String = row.try_get("", "other")?;
                tables.entry(name).or_default().columns.insert(column);
            }
            for row in db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT tc.table_name::text AS name, ccu.table_name::text AS other \
                     FROM information_schema.table_constraints tc \
                     JOIN information_schema.constraint_column_usage ccu \
                       ON ccu.constraint_name = tc.constraint_name \
                      AND ccu.constraint_schema = tc.constraint_schema \
                     WHERE tc.constraint_type = 'FOREIGN KEY' \
                       AND tc.table_schema = current_schema()",
                ))
                .await?
            {
                let name: String = row.try_get("", "name")?;
                let referenced: String = row.try_get("", "other")?;
                tables
                    .entry(name)
                    .or_default()
                    .references
                    .insert(referenced);
            }
        }
    }
    Ok(tables)
}

/// The `column` of every row `sql` answers.
async fn strings(db: &impl ConnectionTrait, sql: &str, column: &str) -> Result<Vec<String>, DbErr> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .iter()
        .map(|row| row.try_get("", column))
        .collect()
}
