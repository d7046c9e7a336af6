//! The one screen of what must be done: every open obligation of every
//! active placement (renewal report, period end, contract, projet
//! personnalisé), for the families the caller may see, and the incidents
//! not yet reported to the authority. Paged by the database
//! (`nido_persistence::screens`, which computes each due date in SQL with
//! the rules of `nido_domain::due_dates`): a page reads what it shows,
//! and its counts are one query over the window.

use chrono::{DateTime, NaiveDate, Utc};

use nido_domain::calendar::add_months_clamped;
use nido_domain::due_dates::DueKind;
use nido_domain::incident::{REPORT_WITHIN, report_due_at};
use nido_persistence::need_to_know::Reader;
use nido_persistence::screens::{self, DuePosition, DueRow, DueWindow, OverdueRule};
use uuid::Uuid;

use crate::deadlines::{position, window_end, within};
use crate::pagination::RowsPage;
use crate::{Caller, CaseResult, Cases};

/// One obligation on the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    pub kind: DueKind,
    pub due_on: NaiveDate,
    /// What owes it: the placement, the incident, the housing step or the
    /// follow-up.
    pub subject_id: Uuid,
    pub family_id: Option<Uuid>,
    pub placement_id: Option<Uuid>,
    pub mother_name: Option<String>,
    /// The mother's initials, for calendars that leave the centre.
    pub mother_initials: Option<String>,
    pub referent_id: Option<Uuid>,
    pub incident_id: Option<Uuid>,
    /// The instant an incident's report falls due (48 hours after it):
    /// overdue from then on, not from the next midnight.
    pub due_at: Option<DateTime<Utc>>,
}

impl DueItem {
    /// Whether it is overdue as of `as_of`: an obligation of a day from
    /// the day after `due_on`; an incident's report, when `as_of` is
    /// `today`, from the instant it fell due (`now` ≥ `due_at`), and for
    /// another day from the day after `due_on`.
    pub fn is_overdue(&self, as_of: NaiveDate, today: NaiveDate, now: DateTime<Utc>) -> bool {
        match self.due_at {
            Some(due_at) if as_of == today => now >= due_at,
            _ => self.due_on < as_of,
        }
    }
}

/// The longest look ahead, in days.
pub const MAX_WITHIN_DAYS: u32 = 3660;

/// The due dates of the whole window, overdue or to come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DueCounts {
    pub overdue: u64,
    pub upcoming: u64,
}

/// One page of the screen, and the counts of its whole window.
#[derive(Debug, Clone)]
pub struct DuePage {
    pub items: Vec<DueItem>,
    /// Absent on the last page.
    pub next_cursor: Option<String>,
    pub counts: DueCounts,
}

/// The window to look at and the page of it to show.
#[derive(Debug, Clone, Default)]
pub struct DueQuery {
    /// Default today.
    pub as_of: Option<NaiveDate>,
    /// Default 60, at most [`MAX_WITHIN_DAYS`].
    pub within_days: Option<u32>,
    /// Only this kind.
    pub kind: Option<DueKind>,
    /// How many items a page holds (the adapter bounds it).
    pub limit: u64,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// Whose obligations the caller follows: coordinators every family's and
/// every incident's of their sites; staff their families' and the
/// incidents they declared and may still read. Admins none.
async fn scope_of(cases: &Cases, caller: &Caller) -> CaseResult<Reader> {
    crate::families::list_reader(&cases.db, caller).await
}

/// A row of the query as the screen shows it.
fn item(row: DueRow) -> DueItem {
    let names = row.mother_first_name.zip(row.mother_last_name);
    DueItem {
        kind: row.kind,
        due_on: row.due_on,
        subject_id: row.subject_id,
        family_id: row.family_id,
        placement_id: row.placement_id,
        mother_name: names
            .as_ref()
            .map(|(first, last)| format!("{first} {last}")),
        mother_initials: names.as_ref().map(|(first, last)| initials(first, last)),
        referent_id: row.referent_id,
        incident_id: row.incident_id,
        due_at: row.occurred_at.map(report_due_at),
    }
}

/// Every obligation due from `from` to `until`, of the families the caller
/// may see (coordinators every family, staff the families they
/// accompany), by due date, then the kind, then the placement or incident:
/// for the calendar feed, whose window is bounded.
pub async fn open_between(
    cases: &Cases,
    caller: &Caller,
    from: NaiveDate,
    until: NaiveDate,
) -> CaseResult<Vec<DueItem>> {
    let scope = scope_of(cases, caller).await?;
    let window = DueWindow {
        from: Some(from),
        until,
        kind: None,
        report_lead_days: cases.report_lead_days,
        housing_warn_until: add_months_clamped(cases.today(), cases.exit.warn_months),
    };
    let rows = screens::due_page(&cases.db, scope, &window, None, None).await?;
    Ok(rows.into_iter().map(item).collect())
}

/// The due-dates screen: what falls due within `within_days` of `as_of`,
/// or is overdue, by due date, then the kind, then the placement or
/// incident: one page, and the counts of the whole window. Audited: one
/// entry naming the families of the page.
pub async fn screen(cases: &Cases, caller: &Caller, query: DueQuery) -> CaseResult<DuePage> {
    let scope = scope_of(cases, caller).await?;
    let within_days = within(query.within_days)?;
    let after: Option<DuePosition> = position(query.cursor.as_deref())?;
    let as_of = query.as_of.unwrap_or_else(|| cases.today());
    let window = DueWindow {
        from: None,
        until: window_end(as_of, within_days),
        kind: query.kind,
        report_lead_days: cases.report_lead_days,
        housing_warn_until: add_months_clamped(as_of, cases.exit.warn_months),
    };
    let rows = screens::due_page(&cases.db, scope, &window, after, Some(query.limit + 1)).await?;
    let page = RowsPage::from_rows(rows, query.limit, |row| row.position());
    // Seen from today, an incident's report is overdue from the instant
    // 48 hours after it (DueItem::is_overdue).
    let overdue = OverdueRule {
        as_of,
        incidents_before: (as_of == cases.today())
            .then(|| cases.now().checked_sub_signed(REPORT_WITHIN))
            .flatten(),
    };
    let counted = screens::due_counts(&cases.db, scope, &window, overdue).await?;
    let items: Vec<DueItem> = page.rows.into_iter().map(item).collect();
    let (own, for_incidents) = families_shown(&items);
    cases
        .audit_many(caller, "due_dates.read", own, "/due-dates")
        .await?;
    cases
        .audit_many(
            caller,
            "incident.due_dates.read",
            for_incidents,
            "/due-dates",
        )
        .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(DuePage {
        items,
        next_cursor: page.next_cursor,
        counts: DueCounts {
            overdue: count(counted.overdue),
            upcoming: count(counted.total - counted.overdue),
        },
    })
}

/// The families a list of due dates shows: those shown for a due date of
/// their own, and those shown for an incident naming them. The second are
/// audited apart, under an `incident.` action, which the mother's export
/// withholds: otherwise the reading of a list would tell her that an
/// incident names her (SPEC "Privacy").
pub fn families_shown(items: &[DueItem]) -> (Vec<Uuid>, Vec<Uuid>) {
    let (mut own, mut for_incidents) = (Vec::new(), Vec::new());
    for item in items {
        if let Some(family_id) = item.family_id {
            if item.kind == DueKind::IncidentReport {
                for_incidents.push(family_id);
            } else {
                own.push(family_id);
            }
        }
    }
    for list in [&mut own, &mut for_incidents] {
        list.sort_unstable();
        list.dedup();
    }
    (own, for_incidents)
}

/// "Awa Diallo" → "A. D.": enough for a calendar that syncs to a
/// third-party cloud, no more.
pub fn initials(first_name: &str, last_name: &str) -> String {
    [first_name, last_name]
        .iter()
        .filter_map(|name| name.trim().chars().next())
        .map(|letter| format!("{}.", letter.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_name_no_one() {
        assert_eq!(initials("Awa", "Diallo"), "A. D.");
        assert_eq!(initials("élodie", " Ngoma"), "É. N.");
        assert_eq!(initials("", "Diallo"), "D.");
    }
}
