//! Keys the server MACs with, shared by every instance on one database.
//! The first instance to start inserts its candidate; every instance then
//! reads what the table holds, so all of them end with the same key. No
//! entity: nothing here may derive `Debug` and print a key.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr, DeriveIden};

#[derive(DeriveIden)]
enum ServerKeys {
    Table,
    Name,
    Secret,
}

/// The key named `name`: `candidate` if there was none yet (inserted in the
/// same statement that checks), else the one stored before. Hex, as stored.
pub async fn get_or_insert(
    db: &impl ConnectionTrait,
    name: &str,
    candidate: String,
) -> Result<String, DbErr> {
    let insert = Query::insert()
        .into_table(ServerKeys::Table)
        .columns([ServerKeys::Name, ServerKeys::Secret])
        .values_panic([name.into(), candidate.into()])
        .on_conflict(OnConflict::column(ServerKeys::Name).do_nothing().to_owned())
        .to_owned();
    db.execute(&insert).await?;
    let read = Query::select()
        .column(ServerKeys::Secret)
        .from(ServerKeys::Table)
        .and_where(Expr::col(ServerKeys::Name).eq(name))
        .to_owned();
    let row = db
        .query_one(&read)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("server key {name}")))?;
    row.try_get("", "secret")
}
