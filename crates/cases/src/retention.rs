//! Retention (SPEC "Privacy"): the closed files whose time is up are
//! anonymised for good, one transaction each, and the audit entries older
//! than their keeping time are deleted. `nido retention run [--dry-run]`
//! and the server's daily task call [`run`]; the server's start calls
//! [`finish_earlier_anonymisations`]. What anonymisation does with each kind
//! of record is the registry's ([`FamilyRecord::retention`]); this walks it.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use nido_domain::Conflict;
use nido_domain::retention::{audit_cutoff, is_due, last_contact};
use nido_persistence::audit::AuditWriter;
use nido_persistence::retention::{self as statements, ClosedFile, FileRows};

use crate::storage::{ContentKey, ContentStore};
use nido_persistence::{DatabaseConnection, RepoError, Write, Writer, begin_write};
use uuid::Uuid;

use crate::records::FamilyRecord;
use crate::{CaseError, CaseResult};

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

/// Runs the job once at `now` (`db` must be able to write). Every
/// anonymisation and the purge are in the audit log, in the name of nobody
/// (the nil UUID: the system).
pub async fn run(
    db: &Writer,
    contents: &dyn ContentStore,
    audit_db: &DatabaseConnection,
    policy: RetentionPolicy,
    now: DateTime<Utc>,
    dry_run: bool,
) -> CaseResult<RetentionReport> {
    let today = now.with_timezone(&policy.time_zone).date_naive();
    let due = due_files(
        statements::closed_files(db, &policy.time_zone).await?,
        today,
        policy.active_years,
    );
    let cutoff = audit_cutoff(now, policy.audit_months);
    if dry_run {
        let audit_entries = statements::audit_entries_before(audit_db, cutoff).await?;
        return Ok(RetentionReport {
            due,
            anonymised: 0,
            audit_cutoff: cutoff,
            audit_entries,
        });
    }
    let audit_log = AuditWriter::spawn(audit_db.clone(), db.connection().clone());
    let audit_entries = statements::purge_audit_before(audit_db, cutoff).await?;
    // What the outbox keeps of the mails it sent goes with the audit log.
    let mails = nido_persistence::mail::prune_outbox(db, cutoff).await?;
    if mails > 0 {
        tracing::info!(mails, "sent mails forgotten");
    }
    if audit_entries > 0 {
        let resource = format!("/audit before {}", cutoff.to_rfc3339());
        audit_log
            .record(now, Uuid::nil(), "audit.purge", None, &resource)
            .await?;
    }
    let mut anonymised = 0;
    for file in &due {
        match anonymise(db, contents, file.family_id, now, &policy.time_zone).await {
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
            Err(CaseError::Conflict(_)) => {}
            Err(err) => return Err(err),
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

/// Anonymises one family for good, in one transaction (SPEC "Privacy":
/// irreversible, not pseudonymisation): see [`erase_file`]. `zone` is the
/// centre's time zone (the report counts an intervention on its local
/// day). Refused (`Conflict::FileOpen`) if the file was reopened meanwhile
/// or is anonymised already.
/// Her documents' contents are erased from `contents` once the rows are
/// gone (a crash between leaves contents no row keeps, which the sweep at
/// start erases).
pub async fn anonymise(
    db: &Writer,
    contents: &dyn ContentStore,
    family_id: Uuid,
    now: DateTime<Utc>,
    zone: &chrono_tz::Tz,
) -> CaseResult<()> {
    let txn = begin_write(db).await?;
    let file = FileRows::read(&txn, family_id).await?;
    if statements::is_open(&txn, family_id).await? || file.anonymised_at().is_some() {
        return Err(RepoError::Conflict(Conflict::FileOpen).into());
    }
    let documents = nido_persistence::documents::ids_of_family(&txn, family_id).await?;
    // The month only: the day she was anonymised would tell her last
    // contact to the day.
    erase_file(&txn, &file, month_start(now), now, zone).await?;
    txn.commit().await?;
    for id in documents {
        contents
            .delete(ContentKey(id))
            .await
            .map_err(|err| CaseError::Internal(anyhow::anyhow!("{err}")))?;
    }
    Ok(())
}

/// Finishes the anonymisations of a release before anonymisation deleted a
/// file's rows (migration 20): such a family is anonymised but still has
/// her referrals, placements, interventions, team and exact dates, which
/// can single her out. Her file is erased now as [`anonymise`] erases one,
/// her figures kept, in the month she was anonymised. Run at every start,
/// after the migrations (a family anonymised since has no referral left,
/// so it finds nothing twice); answers how many families it finished.
/// Nothing new is audited: her `family.anonymise` entry stands.
pub async fn finish_earlier_anonymisations(
    db: &Writer,
    now: DateTime<Utc>,
    zone: &chrono_tz::Tz,
) -> CaseResult<usize> {
    let mut finished = 0;
    for family_id in statements::earlier_anonymisations(db).await? {
        let txn = begin_write(db).await?;
        // Open again since (a new referral): left as it is.
        if statements::is_open(&txn, family_id).await? {
            continue;
        }
        let file = FileRows::read(&txn, family_id).await?;
        let month = month_start(file.anonymised_at().unwrap_or(now));
        erase_file(&txn, &file, month, now, zone).await?;
        txn.commit().await?;
        finished += 1;
    }
    Ok(finished)
}

/// Keeps the figures `file` added to the activity report, then does to
/// each kind of record what the registry says, in its order (a record
/// before those it points at): her occupancies become occupied days naming
/// nobody, the rows of her file go, an incident naming her stays naming
/// nobody, and her row and her children's stay without a name, a contact, a
/// referent or any date but a year or `month`.
async fn erase_file(
    txn: &Write,
    file: &FileRows,
    month: DateTime<Utc>,
    now: DateTime<Utc>,
    zone: &chrono_tz::Tz,
) -> CaseResult<()> {
    statements::keep_figures(txn, file, zone).await?;
    for record in FamilyRecord::ALL {
        match record {
            FamilyRecord::Documents => statements::delete_documents(txn, file).await?,
            FamilyRecord::Concerns => statements::delete_concerns(txn, file).await?,
            FamilyRecord::Workshops => statements::delete_workshop_places(txn, file).await?,
            FamilyRecord::CrecheBookings => statements::delete_creche_bookings(txn, file).await?,
            FamilyRecord::ProjectReviews => statements::delete_project_reviews(txn, file).await?,
            FamilyRecord::HousingPathway => statements::delete_housing_pathway(txn, file).await?,
            FamilyRecord::Contracts => statements::delete_contracts(txn, file).await?,
            FamilyRecord::Occupancies => statements::detach_occupancies(txn, file).await?,
            FamilyRecord::Periods => statements::delete_periods(txn, file).await?,
            FamilyRecord::Actions => statements::delete_actions(txn, file).await?,
            FamilyRecord::Interventions => statements::delete_interventions(txn, file).await?,
            FamilyRecord::Placements => statements::delete_placements(txn, file).await?,
            FamilyRecord::Referrals => statements::delete_referrals(txn, file).await?,
            FamilyRecord::Team => statements::delete_team(txn, file).await?,
            FamilyRecord::Identity => statements::delete_identity(txn, file).await?,
            FamilyRecord::Incidents => statements::unname_incidents(txn, file, now).await?,
            FamilyRecord::Children => statements::erase_children(txn, file, month).await?,
            FamilyRecord::Family => statements::erase_family(txn, file, month).await?,
            // Kept until their months are up (the law asks for the trace),
            // then deleted by the purge in `run`, with every other entry.
            FamilyRecord::AuditEntries => {}
        }
    }
    Ok(())
}

/// The first instant of `now`'s month (UTC).
fn month_start(now: DateTime<Utc>) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(now.year(), now.month(), 1)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or(now, |start| start.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_of_an_anonymisation_is_its_first_instant() {
        let now: DateTime<Utc> = "2026-12-31T23:59:59Z".parse().expect("instant");
        let month: DateTime<Utc> = "2026-12-01T00:00:00Z".parse().expect("instant");
        assert_eq!(month_start(now), month);
    }
}
