use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// What a repository call can answer besides success. A `Conflict` is decided
/// by the database (a unique or exclusion constraint), never by a prior read.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("not found")]
    NotFound,
    /// A constraint refused the write; the code is the stable problem code.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The row changed since the caller read it (optimistic locking).
    #[error("stale version")]
    StaleVersion,
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl RepoError {
    /// Maps the violation of a named constraint (unique or, on PostgreSQL,
    /// exclusion: SQLSTATE 23P01) to `Conflict(code)`.
    pub fn on_constraint(err: DbErr, constraints: &[(&str, &'static str)]) -> Self {
        let text = err.to_string();
        constraints
            .iter()
            .find(|(name, _)| text.contains(name))
            .map(|(_, code)| RepoError::Conflict(code))
            .unwrap_or(RepoError::Db(err))
    }

    /// Maps a unique-constraint violation to `Conflict(code)`; any other error
    /// stays a database error.
    pub fn on_unique(err: DbErr, code: &'static str) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => RepoError::Conflict(code),
            _ => RepoError::Db(err),
        }
    }
}

/// Whether the database refused a value it cannot hold (PostgreSQL's
/// SQLSTATE 22008 for dates and instants out of range, 22003 for numbers,
/// 22021 and 22P05 for characters such as NUL that text cannot store): bad
/// input, not a failure of nido.
pub fn is_out_of_range(err: &DbErr) -> bool {
    let (DbErr::Query(RuntimeErr::SqlxError(sqlx)) | DbErr::Exec(RuntimeErr::SqlxError(sqlx))) =
        err
    else {
        return false;
    };
    match sqlx.as_ref() {
        sea_orm::sqlx::Error::Database(db) => {
            matches!(
                db.code().as_deref(),
                Some("22008" | "22003" | "22021" | "22P05")
            )
        }
        _ => false,
    }
}
