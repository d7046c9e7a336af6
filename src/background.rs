//! The server's own chores, in the background: moving audit entries that
//! waited in the outbox into the audit log, and the daily retention run.

use std::time::Duration;

use nido_http::AppState;
use tokio::task::JoinHandle;

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

/// Runs the retention job at start, then every `every` (a day).
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
                &state.cases.audit_db,
                policy,
                state.now(),
                false,
            )
            .await;
            if let Err(err) = ran {
                tracing::error!(error = %err, "the retention run failed; it runs again tomorrow");
            }
        }
    })
}
