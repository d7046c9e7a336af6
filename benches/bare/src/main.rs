//! The bare stack nido is measured against (`benches/run.sh`): axum and
//! sqlx with none of nido's layers, reading the same database.
//!
//! - `nido-bare serve --dir D | --url U --bind A` answers
//!   `GET /families/{id}` with one primary-key read of the `families` row, as
//!   JSON, from its own pool of read connections (WAL on SQLite).
//! - `nido-bare commit-rate --dir D | --url U --seconds S` prints the raw
//!   durable-commit rate of the disk: single-row INSERTs committed one by one
//!   from one thread, in a scratch SQLite file in `D` (WAL,
//!   `synchronous=FULL`) or a scratch table in PostgreSQL (its defaults).

use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};
use sea_orm::sqlx::postgres::{PgPool, PgPoolOptions};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::sqlx::{self, ConnectOptions, Connection, Row};
use serde::Serialize;
use uuid::Uuid;

/// nido's SQLite file in its data directory (`Settings::database_url`).
const NIDO_SQLITE_FILE: &str = "nido.db";
const SCRATCH_SQLITE_FILE: &str = "nido-bare-commit-rate.db";

#[derive(Parser)]
#[command(about = "The bare axum + sqlx reference of nido's benchmark")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve `GET /families/{id}` from nido's database.
    Serve {
        #[command(flatten)]
        database: Database,
        #[arg(long, default_value = "127.0.0.1:8081")]
        bind: String,
        /// Read connections in the pool.
        #[arg(long, default_value_t = 8)]
        connections: u32,
    },
    /// Print the durable single-row commits per second of one thread.
    CommitRate {
        #[command(flatten)]
        database: Database,
        #[arg(long, default_value_t = 5)]
        seconds: u64,
    },
}

/// nido's data directory (SQLite) or a PostgreSQL URL.
#[derive(Args)]
#[group(required = true, multiple = false)]
struct Database {
    #[arg(long)]
    dir: Option<PathBuf>,
    #[arg(long)]
    url: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve {
            database,
            bind,
            connections,
        } => serve(database, &bind, connections).await,
        Command::CommitRate { database, seconds } => {
            let duration = Duration::from_secs(seconds);
            let (commits, elapsed) = match (database.dir, database.url) {
                (Some(dir), _) => sqlite_commit_rate(&dir, duration).await?,
                (None, Some(url)) => postgres_commit_rate(&url, duration).await?,
                (None, None) => anyhow::bail!("--dir or --url is required"),
            };
            let rate = commits as f64 / elapsed.as_secs_f64();
            println!(
                "commits={commits} seconds={:.3} commits_per_s={rate:.1}",
                elapsed.as_secs_f64()
            );
            Ok(())
        }
    }
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The `families` row as nido stores it.
#[derive(Debug, Serialize)]
struct Family {
    id: Uuid,
    mother_first_name: String,
    mother_last_name: String,
    mother_birth_date: NaiveDate,
    mother_phone: Option<String>,
    mother_email: Option<String>,
    referent_id: Option<Uuid>,
    anonymised_at: Option<DateTime<Utc>>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const SELECT_FAMILY: &str = "SELECT id, mother_first_name, mother_last_name, mother_birth_date, \
     mother_phone, mother_email, referent_id, anonymised_at, version, created_at, updated_at \
     FROM families WHERE id = $1";

/// The one primary-key read on either engine's pool, decoded by hand
/// (sqlx's `FromRow` derive is not among the features nido builds sqlx with).
macro_rules! fetch_family {
    ($pool:expr, $id:expr) => {
        match sqlx::query(SELECT_FAMILY)
            .bind($id)
            .fetch_optional($pool)
            .await?
        {
            None => Ok(None),
            Some(row) => Ok(Some(Family {
                id: row.try_get("id")?,
                mother_first_name: row.try_get("mother_first_name")?,
                mother_last_name: row.try_get("mother_last_name")?,
                mother_birth_date: row.try_get("mother_birth_date")?,
                mother_phone: row.try_get("mother_phone")?,
                mother_email: row.try_get("mother_email")?,
                referent_id: row.try_get("referent_id")?,
                anonymised_at: row.try_get("anonymised_at")?,
                version: row.try_get("version")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })),
        }
    };
}

async fn serve(database: Database, bind: &str, connections: u32) -> anyhow::Result<()> {
    let pool = match (database.dir, database.url) {
        (Some(dir), _) => {
            let options = SqliteConnectOptions::new()
                .filename(dir.join(NIDO_SQLITE_FILE))
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10));
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(connections)
                    .min_connections(connections)
                    .connect_with(options)
                    .await
                    .context("open nido's SQLite file")?,
            )
        }
        (None, Some(url)) => Pool::Postgres(
            PgPoolOptions::new()
                .max_connections(connections)
                .min_connections(connections)
                .connect(&url)
                .await
                .context("connect to PostgreSQL")?,
        ),
        (None, None) => anyhow::bail!("--dir or --url is required"),
    };
    let app = axum::Router::new()
        .route("/families/{id}", get(family))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(bind).await?;
    eprintln!("nido-bare listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn family(State(pool): State<Pool>, Path(id): Path<String>) -> Response {
    let Ok(id) = Uuid::from_str(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match read_family(&pool, id).await {
        Ok(Some(family)) => Json(family).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            eprintln!("read failed: {err}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn read_family(pool: &Pool, id: Uuid) -> Result<Option<Family>, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => fetch_family!(pool, id),
        Pool::Postgres(pool) => fetch_family!(pool, id),
    }
}

/// Runs `commit` back to back for `duration`: how many, in how long.
async fn commits_for(
    duration: Duration,
    mut commit: impl AsyncFnMut() -> Result<(), sqlx::Error>,
) -> Result<(u64, Duration), sqlx::Error> {
    let started = Instant::now();
    let mut commits = 0u64;
    while started.elapsed() < duration {
        commit().await?;
        commits += 1;
    }
    Ok((commits, started.elapsed()))
}

/// Commits one row at a time for `duration` in a scratch file beside nido's.
async fn sqlite_commit_rate(
    dir: &std::path::Path,
    duration: Duration,
) -> anyhow::Result<(u64, Duration)> {
    let path = dir.join(SCRATCH_SQLITE_FILE);
    remove_sqlite_files(&path);
    let mut connection = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await
        .context("create the scratch SQLite file")?;
    // A WAL in use is written over in place; a new one grows, and growing a
    // file costs a journal commit of the file system on every fsync. So the
    // WAL is first grown past the 1,000 pages of an automatic checkpoint,
    // then restarted, as nido's is after its first minutes.
    for statement in [
        "CREATE TABLE commits (id INTEGER PRIMARY KEY, at TEXT NOT NULL)",
        "CREATE TABLE ballast AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n \
         WHERE i < 1100) SELECT i, randomblob(4000) AS bytes FROM n",
        "PRAGMA wal_checkpoint(RESTART)",
    ] {
        sqlx::query(statement).execute(&mut connection).await?;
    }
    let counted = commits_for(duration, async || {
        sqlx::query("INSERT INTO commits (at) VALUES (?)")
            .bind(Utc::now().to_rfc3339())
            .execute(&mut connection)
            .await
            .map(drop)
    })
    .await?;
    connection.close().await?;
    remove_sqlite_files(&path);
    Ok(counted)
}

fn remove_sqlite_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        // Absent is fine: this only clears what an earlier run left.
        let _ = std::fs::remove_file(name);
    }
}

/// Commits one row at a time for `duration` in a scratch table (`nido_bare_commit_rate`).
async fn postgres_commit_rate(url: &str, duration: Duration) -> anyhow::Result<(u64, Duration)> {
    let mut connection = sqlx::PgConnection::connect(url)
        .await
        .context("connect to PostgreSQL")?;
    for statement in [
        "DROP TABLE IF EXISTS nido_bare_commit_rate",
        "CREATE TABLE nido_bare_commit_rate (id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL)",
    ] {
        sqlx::query(statement).execute(&mut connection).await?;
    }
    let counted = commits_for(duration, async || {
        sqlx::query("INSERT INTO nido_bare_commit_rate (at) VALUES ($1)")
            .bind(Utc::now())
            .execute(&mut connection)
            .await
            .map(drop)
    })
    .await?;
    sqlx::query("DROP TABLE nido_bare_commit_rate")
        .execute(&mut connection)
        .await?;
    connection.close().await?;
    Ok(counted)
}
