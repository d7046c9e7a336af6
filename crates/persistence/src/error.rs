use nido_domain::Conflict;
use sea_orm::{DbErr, RuntimeErr};

/// What a repository call can answer besides success. A `Conflict` is decided
/// by the database (a unique or exclusion constraint, or on SQLite a
/// trigger), never by a prior read alone.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("not found")]
    NotFound,
    /// A rule of the data refused the write.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// The row changed since the caller read it (optimistic locking).
    #[error("stale version")]
    StaleVersion,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A database rule and the conflict it means: the rule's names as the
/// engines report them (PostgreSQL's constraint or index name; SQLite's
/// `table.column` list for a unique index, or the name a trigger aborts
/// with).
pub type Rule = (&'static [&'static str], Conflict);

impl RepoError {
    /// Maps the violation of one of `rules` to its conflict; any other error
    /// stays a database error.
    pub fn on_constraint(err: DbErr, rules: &[Rule]) -> Self {
        let Some(violated) = violated_rule(&err) else {
            return RepoError::Db(err);
        };
        rules
            .iter()
            .find(|(names, _)| names.contains(&violated.as_str()))
            .map(|(_, conflict)| RepoError::Conflict(*conflict))
            .unwrap_or(RepoError::Db(err))
    }
}

/// The driver's error behind a sea-orm error.
fn sqlx_error(err: &DbErr) -> Option<&sea_orm::sqlx::Error> {
    let (DbErr::Query(RuntimeErr::SqlxError(sqlx))
    | DbErr::Exec(RuntimeErr::SqlxError(sqlx))
    | DbErr::Conn(RuntimeErr::SqlxError(sqlx))) = err
    else {
        return None;
    };
    Some(sqlx.as_ref())
}

/// The database's own error behind a sea-orm error.
fn database_error(err: &DbErr) -> Option<&dyn sea_orm::sqlx::error::DatabaseError> {
    match sqlx_error(err)? {
        sea_orm::sqlx::Error::Database(db) => Some(db.as_ref()),
        _ => None,
    }
}

/// The name of the rule a write broke, by the engine's error code:
/// PostgreSQL's unique (23505) and exclusion (23P01) violations name their
/// constraint; SQLite's unique violations (extended codes 2067 and 1555)
/// name their columns, in the fixed form `UNIQUE constraint failed: t.c`,
/// and a trigger's `RAISE(ABORT, name)` (1811) carries the name alone.
fn violated_rule(err: &DbErr) -> Option<String> {
    let db = database_error(err)?;
    match db.code().as_deref()? {
        "23505" | "23P01" => db.constraint().map(str::to_owned),
        "2067" | "1555" => db
            .message()
            .strip_prefix("UNIQUE constraint failed: ")
            .map(str::to_owned),
        "1811" => Some(db.message().to_owned()),
        _ => None,
    }
}

/// Whether two writers collided and one may simply try again: PostgreSQL's
/// serialization failure (40001) or deadlock (40P01), SQLite's busy
/// database (5, 517, 261).
pub fn is_contention(err: &DbErr) -> bool {
    database_error(err)
        .and_then(|db| db.code())
        .is_some_and(|code| matches!(code.as_ref(), "40001" | "40P01" | "5" | "517" | "261"))
}

/// Whether the database refused a value it cannot hold (PostgreSQL's
/// SQLSTATE 22008 for dates and instants out of range, 22003 for numbers,
/// 22021 and 22P05 for characters such as NUL that text cannot store): bad
/// input, not a failure of nido.
pub fn is_out_of_range(err: &DbErr) -> bool {
    database_error(err)
        .and_then(|db| db.code())
        .is_some_and(|code| matches!(code.as_ref(), "22008" | "22003" | "22021" | "22P05"))
}

/// Whether a failed statement may have ended the transaction it ran in,
/// not only itself: SQLite may roll the whole transaction back on a busy,
/// full, corrupt or unreadable database, out of memory or interrupted
/// (primary codes 5, 7, 9, 10, 11, 13, 26; PostgreSQL's codes have five
/// characters, SQLite's fewer); and a connection that broke (I/O,
/// protocol) takes its transaction with it on either engine.
pub(crate) fn loses_transaction(err: &DbErr) -> bool {
    if let Some(db) = database_error(err) {
        return db
            .code()
            .filter(|code| code.len() < 5)
            .and_then(|code| code.parse::<u32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 7 | 9 | 10 | 11 | 13 | 26));
    }
    matches!(
        sqlx_error(err),
        Some(
            sea_orm::sqlx::Error::Io(_)
                | sea_orm::sqlx::Error::Protocol(_)
                | sea_orm::sqlx::Error::WorkerCrashed
        )
    )
}
