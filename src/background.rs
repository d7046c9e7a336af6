//! The server's own chores, in the background: moving audit entries that
//! waited in the outbox into the audit log, the daily retention run and
//! (SQLite) the query planner's statistics, and (PostgreSQL) hearing the
//! other processes' revocations.

use std::time::Duration;

use nido_cases::auth::SessionCache;
use nido_http::AppState;
use nido_persistence::session_notices::{Heard, Listener};
use nido_persistence::{DatabaseBackend, DbErr, Writer};
use tokio::task::JoinHandle;

/// A background task that stops when this is dropped.
pub struct Stopped(JoinHandle<()>);

impl Drop for Stopped {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The first wait before listening again after the connection was lost or
/// refused; it doubles up to [`LISTEN_RETRY_MAX`].
const LISTEN_RETRY_FIRST: Duration = Duration::from_secs(1);
const LISTEN_RETRY_MAX: Duration = Duration::from_secs(30);

/// On PostgreSQL, hears the revocations every process announces, drops
/// them from `sessions` and acknowledges each (the revoking process waits
/// for every listener's), and counts the acknowledgements of this
/// process's own. `sessions` is used only while the listening
/// connection is up: until it first is, while it is lost and until it is
/// back, every session is read from the database, and what was kept is
/// forgotten each time (notices may have been missed).
pub fn follow_session_notices(database_url: String, sessions: SessionCache) -> Stopped {
    Stopped(tokio::spawn(async move {
        let mut retry = LISTEN_RETRY_FIRST;
        loop {
            match Listener::connect(&database_url).await {
                Ok(mut listener) => {
                    sessions.listening(true);
                    tracing::info!("listening for session notices: sessions are kept in memory");
                    retry = LISTEN_RETRY_FIRST;
                    let lost = loop {
                        match listener.next().await {
                            Ok(Heard::Revoked(announced)) => {
                                let notice = announced.notice;
                                sessions.forget(announced.revoked);
                                if let Err(err) = listener.acknowledge(notice).await {
                                    break err;
                                }
                            }
                            Ok(Heard::Acknowledged(notice)) => sessions.acknowledged(notice),
                            Err(err) => break err,
                        }
                    };
                    sessions.listening(false);
                    tracing::warn!(
                        error = %lost,
                        "session notices lost: every session is read from the database until they are heard again"
                    );
                }
                Err(err) => tracing::warn!(
                    error = %err,
                    "cannot listen for session notices: every session is read from the database"
                ),
            }
            tokio::time::sleep(retry).await;
            retry = (retry * 2).min(LISTEN_RETRY_MAX);
        }
    }))
}

/// Entries moved per transaction.
const DRAIN_BATCH: u64 = 500;

/// Every `every`, moves what waits in the audit outbox into the log, until
/// the outbox is empty or the log still refuses.
pub fn drain_audit_outbox(state: AppState, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            loop {
                match nido_persistence::audit::drain_outbox(state.cases.audit_target(), DRAIN_BATCH)
                    .await
                {
                    Ok(0) => break,
                    Ok(moved) => {
                        tracing::warn!(moved, "audit entries moved from the outbox to the log")
                    }
                    Err(err) => {
                        tracing::error!(error = %err, "the audit log still refuses the outbox's entries");
                        break;
                    }
                }
            }
        }
    })
}

/// SQLite's planner statistics refreshed in the writer's lane, so that
/// they follow the centre as it grows (PostgreSQL's autovacuum keeps its
/// own).
async fn refresh_sqlite_statistics(writer: &Writer) -> Result<(), DbErr> {
    if writer.connection().get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    nido_persistence::refresh_statistics(writer).await
}

/// Runs the retention job at start, then every `every` (a day), and
/// refreshes SQLite's planner statistics after it.
pub fn retention_daily(
    state: AppState,
    policy: nido_cases::retention::RetentionPolicy,
    every: Duration,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let ran = nido_cases::retention::run(
                &state.cases.writer,
                state.cases.documents.store.as_ref(),
                &state.cases.audit_db,
                policy,
                state.now(),
                false,
            )
            .await;
            if let Err(err) = ran {
                tracing::error!(error = %err, "the retention run failed; it runs again tomorrow");
            }
            if let Err(err) = refresh_sqlite_statistics(&state.cases.writer).await {
                tracing::warn!(error = %err, "cannot refresh the query planner's statistics");
            }
        }
    })
}
