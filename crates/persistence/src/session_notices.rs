//! Revoked sessions, told to every process that may hold them in memory.
//!
//! A process keeps the sessions it has checked in memory; a revocation
//! (logout, a session ended, a password changed or set, a disabling, a role
//! changed, a factor reset) and any change to an account must reach them
//! all at once. On PostgreSQL the revoking transaction sends a `NOTIFY` on
//! [`CHANNEL`] (delivered only if it commits), which every process hears on
//! a [`Listener`]. On SQLite one process owns the data directory: there is
//! nobody else to tell.

use std::str::FromStr;

use sea_orm::sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};
use uuid::Uuid;

/// The PostgreSQL channel the notices go on.
pub const CHANNEL: &str = "nido_sessions";

/// The `application_name` of the listening connection, followed by the
/// process id, so that an operator (or a test) finds it in
/// `pg_stat_activity`: `nido-session-notices 4242`.
pub const LISTENER_APPLICATION_NAME: &str = "nido-session-notices";

/// What a process must drop from the sessions it keeps in memory: the
/// session of one token, or every session of one account (revoked, or
/// whose account changed: the session carries the account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revoked {
    /// The session whose token has this SHA-256.
    Token(String),
    /// Every session of this account.
    User(Uuid),
    /// Every session (a notice this release cannot read).
    All,
}

impl Revoked {
    fn payload(&self) -> String {
        match self {
            Revoked::Token(hash) => format!("token:{hash}"),
            Revoked::User(id) => format!("user:{id}"),
            Revoked::All => "all".to_owned(),
        }
    }

    /// A notice's payload; anything unknown means every session.
    pub fn parse(payload: &str) -> Self {
        if let Some(hash) = payload.strip_prefix("token:") {
            return Revoked::Token(hash.to_owned());
        }
        payload
            .strip_prefix("user:")
            .and_then(|id| Uuid::parse_str(id).ok())
            .map_or(Revoked::All, Revoked::User)
    }
}

/// A revocation told to every process: what it revokes, and the notice's
/// own id, by which the process that sent it knows its notice came back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "the revoked sessions must be dropped from memory too"]
pub struct Announced {
    pub revoked: Revoked,
    pub notice: Uuid,
}

impl Announced {
    fn payload(&self) -> String {
        format!("{} {}", self.notice, self.revoked.payload())
    }

    /// A notice's payload; anything unknown means every session.
    pub fn parse(payload: &str) -> Self {
        let (notice, revoked) = payload.split_once(' ').unwrap_or(("", payload));
        Self {
            revoked: Revoked::parse(revoked),
            notice: Uuid::parse_str(notice).unwrap_or_default(),
        }
    }
}

/// What a listening connection hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// A revocation, by this process or another.
    Revoked(Announced),
    /// A listening process dropped what the notice of this id names.
    Acknowledged(Uuid),
}

impl Heard {
    fn parse(payload: &str) -> Self {
        match payload.strip_prefix("ack ") {
            Some(notice) => Heard::Acknowledged(Uuid::parse_str(notice).unwrap_or_default()),
            None => Heard::Revoked(Announced::parse(payload)),
        }
    }
}

/// How many processes listen for notices on this database (PostgreSQL;
/// none on SQLite): the acknowledgements a revocation waits for.
pub async fn listeners(db: &impl ConnectionTrait) -> Result<usize, DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(0);
    }
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT count(*) AS listeners FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name LIKE $1",
            [format!("{LISTENER_APPLICATION_NAME} %").into()],
        ))
        .await?;
    let count: i64 = match row {
        Some(row) => row.try_get("", "listeners")?,
        None => 0,
    };
    Ok(usize::try_from(count).unwrap_or_default())
}

/// Tells every process of `revoked` when the transaction `db` belongs to
/// commits (PostgreSQL's `NOTIFY`); nothing on SQLite. Call it inside the
/// revoking transaction, so the notice goes only if the revocation holds.
pub async fn announce(db: &impl ConnectionTrait, revoked: Revoked) -> Result<Announced, DbErr> {
    let announced = Announced {
        revoked,
        notice: Uuid::now_v7(),
    };
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), announced.payload().into()],
        ))
        .await?;
    }
    Ok(announced)
}

/// One connection of its own, `LISTEN`ing on [`CHANNEL`].
pub struct Listener {
    listener: PgListener,
}

impl Listener {
    /// Connects to the PostgreSQL database at `url` and listens: notices
    /// sent from the moment this answers are heard.
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        let options = PgConnectOptions::from_str(url)
            .map_err(sqlx_error)?
            .application_name(&format!(
                "{LISTENER_APPLICATION_NAME} {}",
                std::process::id()
            ));
        // A pool of one, never replaced behind our back: a lost connection
        // is answered by connecting anew (see `next`).
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_lazy_with(options);
        let mut listener = PgListener::connect_with(&pool).await.map_err(sqlx_error)?;
        listener.eager_reconnect(false);
        listener.listen(CHANNEL).await.map_err(sqlx_error)?;
        Ok(Self { listener })
    }

    /// Tells every process that this one dropped what notice `notice`
    /// names.
    pub async fn acknowledge(&mut self, notice: Uuid) -> Result<(), DbErr> {
        sea_orm::sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(format!("ack {notice}"))
            .execute(&mut self.listener)
            .await
            .map_err(sqlx_error)?;
        Ok(())
    }

    /// The next notice; an error when the connection is lost (notices sent
    /// meanwhile are lost too: connect anew and forget what was kept).
    pub async fn next(&mut self) -> Result<Heard, DbErr> {
        match self.listener.try_recv().await.map_err(sqlx_error)? {
            Some(notice) => Ok(Heard::parse(notice.payload())),
            None => Err(DbErr::Custom(
                "the connection listening for session notices was lost".to_owned(),
            )),
        }
    }
}

fn sqlx_error(err: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Conn(sea_orm::RuntimeErr::SqlxError(err.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_reads_back_what_was_sent_and_anything_else_means_every_session() {
        let user = Uuid::now_v7();
        for revoked in [
            Revoked::Token("ab12".to_owned()),
            Revoked::User(user),
            Revoked::All,
        ] {
            assert_eq!(Revoked::parse(&revoked.payload()), revoked);
        }
        assert_eq!(Revoked::parse("user:not-a-uuid"), Revoked::All);
        assert_eq!(Revoked::parse("something new"), Revoked::All);
        let announced = Announced {
            revoked: Revoked::User(user),
            notice: Uuid::now_v7(),
        };
        assert_eq!(Announced::parse(&announced.payload()), announced);
        assert_eq!(Announced::parse("all").revoked, Revoked::All);
        let notice = Uuid::now_v7();
        assert_eq!(
            Heard::parse(&format!("ack {notice}")),
            Heard::Acknowledged(notice)
        );
        assert_eq!(
            Heard::parse(&announced.payload()),
            Heard::Revoked(announced)
        );
    }
}
