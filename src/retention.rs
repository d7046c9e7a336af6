//! The retention job: anonymise the closed files whose time is up, delete
//! the audit entries older than their keeping time. Run by
//! `nido retention run [--dry-run]` and daily by the server.

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::retention::{audit_cutoff, is_due, last_contact};
use nido_persistence::audit::AuditWriter;
use nido_persistence::retention::{self, ClosedFile};
use nido_persistence::{DatabaseConnection, RepoError};
use uuid::Uuid;

/// How long things are kept, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct RetentionPolicy {
    /// A closed file is anonymised this many years after the last contact.
    pub active_years: u32,
    /// Audit entries are deleted this many months after they were written.
    pub audit_months: u32,
    /// "Today" is today here.
    pub time_zone: chrono_tz::Tz,
}

/// A file due for anonymisation.
#[derive(Debug, Clone)]
pub struct DueFile {
    pub family_id: Uuid,
    pub initials: String,
    pub last_contact: NaiveDate,
}

/// What a run did, or with `--dry-run` would do.
#[derive(Debug, Clone)]
pub struct RetentionReport {
    pub due: Vec<DueFile>,
    /// Files anonymised (0 on a dry run).
    pub anonymised: usize,
    pub audit_cutoff: DateTime<Utc>,
    /// Audit entries older than the cutoff: deleted, or on a dry run found.
    pub audit_entries: u64,
}

/// The closed files due on `today`.
pub fn due_files(files: Vec<ClosedFile>, today: NaiveDate, active_years: u32) -> Vec<DueFile> {
    files
        .into_iter()
        .filter_map(|file| {
            let last = last_contact(file.contacts)?;
            is_due(last, today, active_years).then_some(DueFile {
                family_id: file.family_id,
                initials: file.initials,
                last_contact: last,
            })
        })
        .collect()
}

/// Runs the job once at `now`. Every anonymisation and the purge are in the
/// audit log, in the name of nobody (the nil UUID: the system).
pub async fn run(
    db: &DatabaseConnection,
    audit_db: &DatabaseConnection,
    policy: RetentionPolicy,
    now: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<RetentionReport> {
    let today = now.with_timezone(&policy.time_zone).date_naive();
    let due = due_files(
        retention::closed_files(db, &policy.time_zone).await?,
        today,
        policy.active_years,
    );
    let cutoff = audit_cutoff(now, policy.audit_months);
    if dry_run {
        let audit_entries = retention::audit_entries_before(audit_db, cutoff).await?;
        return Ok(RetentionReport {
            due,
            anonymised: 0,
            audit_cutoff: cutoff,
            audit_entries,
        });
    }
    let audit_log = AuditWriter::spawn(audit_db.clone(), db.clone());
    let audit_entries = retention::purge_audit_before(audit_db, cutoff).await?;
    if audit_entries > 0 {
        let resource = format!("/audit before {}", cutoff.to_rfc3339());
        audit_log
            .record(now, Uuid::nil(), "audit.purge", None, &resource)
            .await?;
    }
    let mut anonymised = 0;
    for file in &due {
        match retention::anonymise(db, file.family_id, now, &policy.time_zone).await {
            Ok(()) => {
                anonymised += 1;
                let resource = format!("/families/{}", file.family_id);
                audit_log
                    .record(
                        now,
                        Uuid::nil(),
                        "family.anonymise",
                        Some(file.family_id),
                        &resource,
                    )
                    .await?;
            }
            // Reopened since it was listed: kept, and looked at next time.
            Err(RepoError::Conflict(_)) => {}
            Err(err) => return Err(err.into()),
        }
    }
    tracing::info!(anonymised, audit_entries, "retention run");
    Ok(RetentionReport {
        due,
        anonymised,
        audit_cutoff: cutoff,
        audit_entries,
    })
}
