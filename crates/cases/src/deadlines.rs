//! The coordinators' screen of renewal deadlines, so that no family's care
//! lapses: the active placements whose current period ends soon, or has
//! ended without a renewal. Paged by the database (`screens`): a page reads
//! the placements it shows, and its counts are one query over the window.

use chrono::{Days, NaiveDate};
use nido_domain::Refusal;

use nido_domain::placement::{Deadline, Period, deadline, latest_end_on};
use nido_persistence::families;
use nido_persistence::screens::{self, DeadlinePosition};
use uuid::Uuid;

use crate::due_dates::MAX_WITHIN_DAYS;
use crate::pagination::{RowsPage, decode_cursor};
use crate::{Caller, CaseError, CaseResult, Cases};

/// How far ahead the screen looks when not told, in days.
pub const DEFAULT_WITHIN_DAYS: u32 = 60;

/// The renewal deadline of one active placement.
#[derive(Debug, Clone)]
pub struct RenewalDeadline {
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub mother_name: String,
    pub mother_last_name: String,
    pub referent_id: Option<Uuid>,
    pub current_period: Period,
    pub deadline: Deadline,
}

/// The deadlines of the whole window, by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeadlineCounts {
    pub overdue: u64,
    pub report_due: u64,
    pub upcoming: u64,
}

/// One page of the screen, and the counts of its whole window.
#[derive(Debug, Clone)]
pub struct DeadlinesPage {
    pub items: Vec<RenewalDeadline>,
    /// Absent on the last page.
    pub next_cursor: Option<String>,
    pub counts: DeadlineCounts,
}

/// The window to look at and the page of it to show.
#[derive(Debug, Clone, Default)]
pub struct DeadlinesQuery {
    /// Default today.
    pub as_of: Option<NaiveDate>,
    /// Default [`DEFAULT_WITHIN_DAYS`], at most [`MAX_WITHIN_DAYS`].
    pub within_days: Option<u32>,
    /// How many items a page holds (the adapter bounds it).
    pub limit: u64,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// The last day a window looks at: `as_of` + `days`, saturating.
pub(crate) fn window_end(as_of: NaiveDate, days: u32) -> NaiveDate {
    as_of
        .checked_add_days(Days::new(days.into()))
        .unwrap_or(NaiveDate::MAX)
}

/// The position a cursor stands for; a cursor nido did not give is
/// refused (`cursor`), never read.
pub(crate) fn position<P: serde::de::DeserializeOwned>(
    cursor: Option<&str>,
) -> CaseResult<Option<P>> {
    cursor
        .map(|cursor| decode_cursor(cursor).ok_or(CaseError::invalid("cursor", Refusal::Cursor)))
        .transpose()
}

/// `within_days`, or the default; refused beyond [`MAX_WITHIN_DAYS`].
pub(crate) fn within(within_days: Option<u32>) -> CaseResult<u32> {
    let within_days = within_days.unwrap_or(DEFAULT_WITHIN_DAYS);
    if within_days > MAX_WITHIN_DAYS {
        return Err(CaseError::invalid(
            "within_days",
            Refusal::Between { min: 0, max: 3660 },
        ));
    }
    Ok(within_days)
}

/// Active placements whose current period ends within `within_days`
/// (default 60) of `as_of` (default today), or has already ended; by the
/// period's end, then the mother's last name, then the placement
/// (coordinators every family, staff their own): one page, and the counts
/// by status of the whole window. Audited as `deadlines.read`, naming the
/// families of the page.
pub async fn renewals_due(
    cases: &Cases,
    caller: &Caller,
    query: DeadlinesQuery,
) -> CaseResult<DeadlinesPage> {
    let reader = crate::families::list_reader(&cases.db, caller).await?;
    let within_days = within(query.within_days)?;
    let after: Option<DeadlinePosition> = position(query.cursor.as_deref())?;
    let as_of = query.as_of.unwrap_or_else(|| cases.today());
    let until = window_end(as_of, within_days);
    let rows = screens::deadlines_page(&cases.db, reader, until, after, query.limit + 1).await?;
    let page = RowsPage::from_rows(rows, query.limit, |row| row.position());
    // The report is due by `as_of` for periods ending up to
    // `as_of` + lead − 1 days (none with no lead).
    let report_due_until = match cases.report_lead_days.checked_sub(1) {
        Some(days) => window_end(as_of, days),
        None => as_of.pred_opt().unwrap_or(NaiveDate::MIN),
    };
    let counted =
        screens::deadline_counts(&cases.db, reader, until, as_of, report_due_until).await?;
    let mut families = families::find_many(
        &cases.db,
        page.rows.iter().map(|row| row.family_id).collect(),
    )
    .await?;
    let mut items = Vec::new();
    for row in page.rows {
        let Some(family) = families.remove(&row.family_id) else {
            continue;
        };
        let current = row.period();
        items.push(RenewalDeadline {
            placement_id: row.placement_id,
            family_id: family.id,
            mother_name: family.mother.full_name(),
            referent_id: family.referent_id,
            current_period: current,
            deadline: deadline(
                &current,
                latest_end_on(&family.births()),
                as_of,
                cases.report_lead_days,
            ),
            mother_last_name: family.mother.last_name,
        });
    }
    let listed = items.iter().map(|item| item.family_id);
    cases
        .audit_many(caller, "deadlines.read", listed, "/deadlines")
        .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(DeadlinesPage {
        items,
        next_cursor: page.next_cursor,
        counts: DeadlineCounts {
            overdue: count(counted.overdue),
            report_due: count(counted.report_due),
            upcoming: count(counted.total - counted.overdue - counted.report_due),
        },
    })
}
