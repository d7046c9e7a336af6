//! The deadlines and due-dates screens, paged by the database: each page
//! is a keyset query with `LIMIT`, and its counts one `COUNT`/`SUM` over the
//! whole window, so that a page costs what it shows, not the size of the
//! centre. Due dates are computed in SQL from the rows they come from
//! (periods, contracts, reviews, children, incidents) with the domain's
//! rules (`nido_domain::due_dates`): days added, and calendar months added
//! and clamped to the month's last day. The two engines write that
//! arithmetic differently ([`Dialect`]); the statement is otherwise one.
//! An incident's day in the centre's time zone is stored
//! (`incidents.report_due_on`): SQLite knows no time zone.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use nido_domain::due_dates::DueKind;
use nido_domain::placement::Period;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DbErr, FromQueryResult, QueryResult, Statement, Value,
};
use uuid::Uuid;

use crate::need_to_know::Reader;

/// How an engine writes date arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    fn of(db: &impl ConnectionTrait) -> Self {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => Dialect::Postgres,
            _ => Dialect::Sqlite,
        }
    }

    /// `day` + `days` (negative: before).
    fn add_days(self, day: &str, days: i64) -> String {
        match self {
            Dialect::Sqlite => format!("date({day}, '{days:+} days')"),
            Dialect::Postgres => format!("({day} + ({days}))"),
        }
    }

    /// `day` + `months` calendar months, clamped to the month's last day
    /// (2027-01-31 + 1 month = 2027-02-28). PostgreSQL's interval
    /// arithmetic clamps; SQLite's overflows into the next month, so the
    /// earlier of its answer and the target month's last day is taken.
    fn add_months(self, day: &str, months: u32) -> String {
        match self {
            Dialect::Sqlite => format!(
                "min(date({day}, '+{months} months'), \
                 date({day}, 'start of month', '+{} months', '-1 days'))",
                months + 1
            ),
            Dialect::Postgres => format!("CAST({day} + INTERVAL '{months} months' AS date)"),
        }
    }
}

/// The values of a statement, each written `$n` (both engines read it).
#[derive(Default)]
struct Binds(Vec<Value>);

impl Binds {
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }
}

async fn query<R: FromQueryResult>(
    db: &impl ConnectionTrait,
    sql: String,
    binds: Binds,
) -> Result<Vec<R>, DbErr> {
    let statement = Statement::from_sql_and_values(db.get_database_backend(), sql, binds.0);
    db.query_all_raw(statement)
        .await?
        .iter()
        .map(|row: &QueryResult| R::from_query_result(row, ""))
        .collect()
}

/// The SQL of the ids (`family_id`) of the families `reader` sees, her id
/// bound in `binds`; `None` for everyone's (nothing bound).
fn families_of(reader: Reader, binds: &mut Binds) -> Option<String> {
    let user = binds.bind(reader.user_id()?);
    reader.families_sql(&user)
}

/// The placements (`alias`) a screen reads: the centre's, or those of the
/// families a reader sees (`mine`, [`families_of`]), read from her
/// families (a staff member's caseload of tens) by the placements' family
/// index rather than picked out of the centre's by date. SQLite keeps a
/// `CROSS JOIN`'s order; [`placements_ending_by`] (or
/// [`of_her_families`]) joins the two.
fn placements_from(alias: &str, mine: Option<&str>) -> String {
    match mine {
        None => format!("placements {alias}"),
        Some(families) => format!("({families}) mine_{alias} CROSS JOIN placements {alias}"),
    }
}

/// ` AND` the placement (`alias`) is one of her families' when
/// [`placements_from`] read them from hers.
fn of_her_families(alias: &str, mine: Option<&str>) -> String {
    match mine {
        None => String::new(),
        Some(_) => format!(" AND {alias}.family_id = mine_{alias}.family_id"),
    }
}

/// Of the placements [`placements_from`] reads (`alias`), the active ones
/// whose kept current period's end (`current_ends_on`, indexed with the
/// status) is on or before `until`.
fn placements_ending_by(alias: &str, until: &str, mine: Option<&str>) -> String {
    format!(
        "{alias}.status = 'active' AND {alias}.current_ends_on <= {until}{}",
        of_her_families(alias, mine)
    )
}

/// Which placements [`keep_due_dates`] rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptOn {
    /// The placement a change moved.
    Placement(Uuid),
    /// The placements of a family whose children changed.
    Family(Uuid),
    /// The active ones that keep none yet (a bulk load's, an earlier
    /// release's), found by the index of the kept ends.
    NotYetKept,
}

/// Rewrites the due dates a placement keeps on its row (migration 23): its
/// current period's end, the contract's delivery and signature while they
/// are owed, the projet personnalisé's first review until it is recorded
/// and then the next one, and the day before the
/// youngest child's third birthday (a period ending before it is
/// renewable). Run it in the transaction of the change that moves one of
/// them (a period appended, the contract written, a review recorded, a
/// child added or her birth changed).
pub async fn keep_due_dates(db: &impl ConnectionTrait, which: KeptOn) -> Result<(), DbErr> {
    let d = Dialect::of(db);
    let mut binds = Binds::default();
    let only = match which {
        KeptOn::Placement(id) => format!(" WHERE id = {}", binds.bind(id)),
        KeptOn::Family(id) => format!(" WHERE family_id = {}", binds.bind(id)),
        KeptOn::NotYetKept => " WHERE status = 'active' AND current_ends_on IS NULL".to_owned(),
    };
    let last_review = d.add_months(
        "(SELECT MAX(r.reviewed_on) FROM project_reviews r WHERE r.placement_id = placements.id)",
        12,
    );
    let sql = format!(
        "UPDATE placements SET \
           current_ends_on = (SELECT c.ends_on FROM periods c WHERE c.placement_id = placements.id \
                              ORDER BY c.number DESC LIMIT 1), \
           contract_delivery_due_on = CASE WHEN EXISTS (SELECT 1 FROM contracts k \
               WHERE k.placement_id = placements.id AND k.delivered_on IS NOT NULL) \
               THEN NULL ELSE {} END, \
           contract_signature_due_on = CASE WHEN EXISTS (SELECT 1 FROM contracts k \
               WHERE k.placement_id = placements.id AND k.signed_on IS NOT NULL) \
               THEN NULL ELSE {} END, \
           project_initial_due_on = CASE WHEN EXISTS (SELECT 1 FROM project_reviews r \
               WHERE r.placement_id = placements.id) THEN NULL ELSE {} END, \
           project_review_due_on = {last_review}, \
           renewable_before = {}{only}",
        d.add_days("placements.admitted_on", 15),
        d.add_months("placements.admitted_on", 1),
        d.add_months("placements.admitted_on", 6),
        d.add_days(
            &format!(
                "(SELECT MAX({}) FROM children ch WHERE ch.family_id = placements.family_id)",
                d.add_months("COALESCE(ch.birth_date, ch.expected_birth_date)", 36)
            ),
            -1
        ),
    );
    let statement = Statement::from_sql_and_values(db.get_database_backend(), sql, binds.0);
    db.execute_raw(statement).await?;
    Ok(())
}

/// Where the deadlines screen stands: by the period's end, then the
/// mother's last name, then the placement.
pub type DeadlinePosition = (NaiveDate, String, Uuid);

/// A current period on the deadlines screen.
#[derive(Debug, Clone, FromQueryResult)]
pub struct DeadlineRow {
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub mother_last_name: String,
    pub number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl DeadlineRow {
    pub fn period(&self) -> Period {
        Period {
            number: self.number,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
        }
    }

    pub fn position(&self) -> DeadlinePosition {
        (
            self.ends_on,
            self.mother_last_name.clone(),
            self.placement_id,
        )
    }
}

/// Up to `limit` current periods of active placements ending on or before
/// `until`, after `after`, in the screen's order (only the families
/// `reader` sees).
pub async fn deadlines_page(
    db: &impl ConnectionTrait,
    reader: Reader,
    until: NaiveDate,
    after: Option<DeadlinePosition>,
    limit: u64,
) -> Result<Vec<DeadlineRow>, DbErr> {
    let last_day = page_last_day(db, reader, until, after.as_ref().map(|a| a.0), limit).await?;
    let rows = deadlines_until(db, reader, last_day, after.clone(), limit).await?;
    // A placement that ended between the two statements leaves the page
    // short of its last day: then it is read again up to the window's end,
    // so that a short page still means the last one.
    if (rows.len() as u64) < limit && last_day < until {
        return deadlines_until(db, reader, until, after, limit).await;
    }
    Ok(rows)
}

#[derive(FromQueryResult)]
struct LastDay {
    last_day: NaiveDate,
}

/// The page's last day: that of the `limit`-th placement ending after the
/// cursor's day, in the index's order (the window's end when fewer do). A
/// page never goes past it, so that only the placements of that stretch
/// (and the cursor's day) are joined to their names and sorted, not the
/// whole window. It is read by a statement of its own and bound as a value
/// in the page's: PostgreSQL plans a bound that a subquery computes as a
/// third of the table (a hash join of every period: 10 ms at 10,000
/// families, 0.5 ms on the value), and it is the one upper bound of the
/// index's range (with two, SQLite would read the range up to the
/// window's end).
async fn page_last_day(
    db: &impl ConnectionTrait,
    reader: Reader,
    until: NaiveDate,
    after_day: Option<NaiveDate>,
    limit: u64,
) -> Result<NaiveDate, DbErr> {
    let mut binds = Binds::default();
    let window_end = binds.bind(until);
    let mine = families_of(reader, &mut binds);
    let later = after_day
        .map(|day| format!(" AND q.current_ends_on > {}", binds.bind(day)))
        .unwrap_or_default();
    let offset = binds.bind(limit.saturating_sub(1).min(i64::MAX as u64) as i64);
    let sql = format!(
        "SELECT q.current_ends_on AS last_day FROM {} WHERE {}{later} \
         ORDER BY q.current_ends_on LIMIT 1 OFFSET {offset}",
        placements_from("q", mine.as_deref()),
        placements_ending_by("q", &window_end, mine.as_deref()),
    );
    Ok(query::<LastDay>(db, sql, binds)
        .await?
        .pop()
        .map_or(until, |row| row.last_day))
}

/// Up to `limit` current periods ending on or before `last_day`, after
/// `after`, in the screen's order.
async fn deadlines_until(
    db: &impl ConnectionTrait,
    reader: Reader,
    last_day: NaiveDate,
    after: Option<DeadlinePosition>,
    limit: u64,
) -> Result<Vec<DeadlineRow>, DbErr> {
    let mut binds = Binds::default();
    let last_day = binds.bind(last_day);
    let mine = families_of(reader, &mut binds);
    let mut cursor = String::new();
    if let Some((ends_on, last_name, placement_id)) = after {
        let day = binds.bind(ends_on);
        cursor = format!(
            " AND p.current_ends_on >= {day} AND (c.ends_on, f.mother_last_name, p.id) > ({day}, {}, {})",
            binds.bind(last_name),
            binds.bind(placement_id)
        );
    }
    let limit = binds.bind(limit.min(i64::MAX as u64) as i64);
    let sql = format!(
        "SELECT p.id AS placement_id, p.family_id, f.mother_last_name, \
                c.number, c.starts_on, c.ends_on \
         FROM {} \
         JOIN periods c ON c.placement_id = p.id \
              AND c.number = (SELECT MAX(l.number) FROM periods l WHERE l.placement_id = p.id) \
         JOIN families f ON f.id = p.family_id \
         WHERE {}{cursor} \
         ORDER BY c.ends_on, f.mother_last_name, p.id LIMIT {limit}",
        placements_from("p", mine.as_deref()),
        placements_ending_by("p", &last_day, mine.as_deref()),
    );
    query(db, sql, binds).await
}

/// The deadlines of a whole window, counted by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromQueryResult)]
pub struct DeadlineCounts {
    pub overdue: i64,
    pub report_due: i64,
    pub total: i64,
}

/// Counts the current periods ending on or before `until`: `overdue`
/// those ended before `as_of`, `report_due` those ending from `as_of` to
/// `report_due_until` (their report due by `as_of`). The placements' kept
/// ends are enough: for a coordinator, the count reads the index alone.
pub async fn deadline_counts(
    db: &impl ConnectionTrait,
    reader: Reader,
    until: NaiveDate,
    as_of: NaiveDate,
    report_due_until: NaiveDate,
) -> Result<DeadlineCounts, DbErr> {
    let mut binds = Binds::default();
    let until = binds.bind(until);
    let mine = families_of(reader, &mut binds);
    let as_of = binds.bind(as_of);
    let sql = format!(
        "SELECT COUNT(*) AS total, \
                COALESCE(SUM(CASE WHEN p.current_ends_on < {as_of} THEN 1 ELSE 0 END), 0) AS overdue, \
                COALESCE(SUM(CASE WHEN p.current_ends_on >= {as_of} AND p.current_ends_on <= {} \
                             THEN 1 ELSE 0 END), 0) AS report_due \
         FROM {} WHERE {}",
        binds.bind(report_due_until),
        placements_from("p", mine.as_deref()),
        placements_ending_by("p", &until, mine.as_deref()),
    );
    Ok(query(db, sql, binds).await?.pop().unwrap_or_default())
}

/// Which due dates: those due from `from` (if given) to `until`, of one
/// kind (if given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueWindow {
    pub from: Option<NaiveDate>,
    pub until: NaiveDate,
    pub kind: Option<DueKind>,
    /// The renewal report is due this many days before the day after the
    /// period ends (config `report_lead_days`).
    pub report_lead_days: u32,
    /// A placement whose cap falls on or before this day, with no housing
    /// step accepted, owes a housing solution by its cap (`exit.warn_months`
    /// after the day the window is seen from): so that the warning shows
    /// from then, whatever the window's length.
    pub housing_warn_until: NaiveDate,
}

/// Where the due-dates screen stands: by due date, then kind, then the
/// placement (or the incident, for an incident's report).
pub type DuePosition = (NaiveDate, DueKind, Uuid);

/// One open obligation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRow {
    pub kind: DueKind,
    pub due_on: NaiveDate,
    /// The placement, or the incident for an incident's report.
    pub subject_id: Uuid,
    pub placement_id: Option<Uuid>,
    pub family_id: Option<Uuid>,
    pub incident_id: Option<Uuid>,
    /// When the incident happened (its report falls due 48 hours later).
    pub occurred_at: Option<DateTime<Utc>>,
    pub mother_first_name: Option<String>,
    pub mother_last_name: Option<String>,
    pub referent_id: Option<Uuid>,
}

impl DueRow {
    pub fn position(&self) -> DuePosition {
        (self.due_on, self.kind, self.subject_id)
    }
}

#[derive(FromQueryResult)]
struct RawDueRow {
    kind: String,
    due_on: NaiveDate,
    subject_id: Uuid,
    placement_id: Option<Uuid>,
    family_id: Option<Uuid>,
    incident_id: Option<Uuid>,
    occurred_at: Option<DateTime<Utc>>,
    mother_first_name: Option<String>,
    mother_last_name: Option<String>,
    referent_id: Option<Uuid>,
}

impl TryFrom<RawDueRow> for DueRow {
    type Error = DbErr;

    fn try_from(row: RawDueRow) -> Result<Self, DbErr> {
        Ok(DueRow {
            kind: row
                .kind
                .parse()
                .map_err(|_| DbErr::Custom(format!("unknown due kind {}", row.kind)))?,
            due_on: row.due_on,
            subject_id: row.subject_id,
            placement_id: row.placement_id,
            family_id: row.family_id,
            incident_id: row.incident_id,
            occurred_at: row.occurred_at,
            mother_first_name: row.mother_first_name,
            mother_last_name: row.mother_last_name,
            referent_id: row.referent_id,
        })
    }
}

/// A day moved by `days`, kept within the calendar's range.
fn shifted(day: NaiveDate, days: i64) -> NaiveDate {
    day.checked_add_signed(TimeDelta::days(days))
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// One kind of open obligation as SQL, over the rows of its index that
/// the window selects.
struct Branch {
    kind: DueKind,
    /// Its due date.
    due_on: String,
    /// The subject: the placement, or the incident.
    subject: String,
    /// The columns of a `due` row after `kind`, `due_on` and `subject_id`.
    columns: &'static str,
    /// `FROM … WHERE …`: its rows in the scope and the window.
    rows: String,
    /// The indexed column its due date follows (the same order).
    indexed: &'static str,
    /// Whether a row is overdue, as [`OverdueRule`] says (`None`: never asked).
    overdue: String,
}

/// Every kind of open obligation of `scope` due in `window` (and on or
/// after `from_day`, a page's first day), by the rules of
/// `nido_domain::due_dates::open_duties` and of incidents. Each kind reads
/// a range of an index of the dates its placements keep
/// ([`keep_due_dates`]): an obligation outside the window costs nothing.
fn branches(
    binds: &mut Binds,
    dialect: Dialect,
    scope: Reader,
    window: &DueWindow,
    from_day: Option<NaiveDate>,
    overdue: Option<OverdueRule>,
) -> Vec<Branch> {
    let from = match (window.from, from_day) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let wanted = |kind: DueKind| window.kind.is_none_or(|wanted| wanted == kind);
    let user = scope.user_id().map(|user_id| binds.bind(user_id));
    let mine = user.as_deref().and_then(|user| scope.families_sql(user));
    // A staff member: the follow-ups of the families she is the referent
    // of, the incidents she declared.
    let staff = match scope {
        Reader::Accompanying { .. } => user.clone(),
        _ => None,
    };
    let placements = placements_from("p", mine.as_deref());
    let assigned = of_her_families("p", mine.as_deref());
    // Bound only when its arm is read: PostgreSQL cannot type a value
    // that no statement uses.
    // No housing solution reads the caps from the warning on, whatever the
    // window's length: up to the later of the window's end and the
    // warning's (bound only when its arm is read: PostgreSQL cannot type a
    // value that no statement uses).
    let no_housing = wanted(DueKind::NoHousingSolution).then(|| {
        let upper = binds.bind(window.housing_warn_until.max(window.until));
        let lower = from
            .map(|from| format!(" AND p.renewable_before >= {}", binds.bind(from)))
            .unwrap_or_default();
        let late = match overdue {
            Some(rule) => format!("p.renewable_before < {}", binds.bind(rule.as_of)),
            None => "1 = 0".to_owned(),
        };
        (format!("p.renewable_before <= {upper}{lower}"), late)
    });
    let d = dialect;
    // The window on `column`, for a due date `shift` days after it: each
    // bound moved back by `shift`, so that the index is read, not computed;
    // and whether the row is overdue, on the column likewise.
    let mut range = |column: &str, shift: i64| {
        let mut sql = format!("{column} <= {}", binds.bind(shifted(window.until, -shift)));
        if let Some(from) = from {
            sql.push_str(&format!(
                " AND {column} >= {}",
                binds.bind(shifted(from, -shift))
            ));
        }
        let late = match overdue {
            Some(rule) => format!("{column} < {}", binds.bind(shifted(rule.as_of, -shift))),
            None => "1 = 0".to_owned(),
        };
        (sql, late)
    };
    const OF_PLACEMENT: &str = "p.id AS placement_id, p.family_id AS family_id, \
         CAST(NULL AS uuid) AS incident_id, CAST(NULL AS timestamptz) AS occurred_at";
    let mut branches = Vec::new();
    // The renewal report: the day after the period ends − the lead, only
    // while the period ends before the cap (the youngest child's third
    // birthday − 1 day; no cap without a child), which the placement keeps.
    if wanted(DueKind::RenewalReport) {
        let shift = 1 - i64::from(window.report_lead_days);
        let (range, overdue) = range("p.current_ends_on", shift);
        branches.push(Branch {
            kind: DueKind::RenewalReport,
            due_on: d.add_days("p.current_ends_on", shift),
            subject: "p.id".to_owned(),
            columns: OF_PLACEMENT,
            rows: format!(
                "FROM {placements} WHERE p.status = 'active' AND {range}{assigned} \
                 AND (p.renewable_before IS NULL OR p.current_ends_on < p.renewable_before)"
            ),
            indexed: "p.current_ends_on",
            overdue,
        });
    }
    // The projet personnalisé: its first review until one is recorded,
    // then the next (the placement keeps each in its own column).
    for (kind, column) in [
        (DueKind::PeriodEnd, "p.current_ends_on"),
        (DueKind::ContractDelivery, "p.contract_delivery_due_on"),
        (DueKind::ContractSignature, "p.contract_signature_due_on"),
        (DueKind::ProjectInitial, "p.project_initial_due_on"),
        (DueKind::ProjectReview, "p.project_review_due_on"),
    ] {
        if wanted(kind) {
            let (range, overdue) = range(column, 0);
            branches.push(Branch {
                kind,
                due_on: column.to_owned(),
                subject: "p.id".to_owned(),
                columns: OF_PLACEMENT,
                rows: format!("FROM {placements} WHERE p.status = 'active' AND {range}{assigned}"),
                indexed: column,
                overdue,
            });
        }
    }
    // The housing steps' own due dates, kept on their rows, while the
    // placement is active.
    for kind in [
        DueKind::SocialHousingRenewal,
        DueKind::DaloDecision,
        DueKind::BailGlissantReview,
    ] {
        if wanted(kind) {
            let (range, overdue) = range("h.due_on", 0);
            let steps = match &mine {
                None => "housing_steps h JOIN placements p ON p.id = h.placement_id".to_owned(),
                Some(_) => format!("{placements} JOIN housing_steps h ON h.placement_id = p.id"),
            };
            branches.push(Branch {
                kind,
                due_on: "h.due_on".to_owned(),
                subject: "h.id".to_owned(),
                columns: OF_PLACEMENT,
                rows: format!(
                    "FROM {steps} WHERE h.due_kind = '{}' AND {range} \
                     AND p.status = 'active'{assigned}",
                    kind.as_str()
                ),
                indexed: "h.due_on",
                overdue,
            });
        }
    }
    // No housing solution: due on the cap (the day before the youngest
    // child's third birthday, which the placement keeps), for the caps
    // within the warning, while no offer or bail glissant of the
    // placement is accepted (`pathway::is_a_home`).
    if let Some((caps, overdue)) = no_housing {
        branches.push(Branch {
            kind: DueKind::NoHousingSolution,
            due_on: "p.renewable_before".to_owned(),
            subject: "p.id".to_owned(),
            columns: OF_PLACEMENT,
            rows: format!(
                "FROM {placements} WHERE p.status = 'active' AND {caps}{assigned} \
                 AND NOT EXISTS (SELECT 1 FROM housing_steps a \
                                 WHERE a.placement_id = p.id AND a.status = 'accepted' \
                                 AND a.kind IN ('housing_offer', 'bail_glissant'))"
            ),
            indexed: "p.renewable_before",
            overdue,
        });
    }
    // The follow-ups after an exit not yet made, kept with their day since
    // the exit; a staff member's only when she is the family's referent.
    if wanted(DueKind::PostExitFollowUp) {
        let (range, overdue) = range("u.due_on", 0);
        let referent = match (&staff, &mine) {
            (Some(user), Some(families)) => format!(
                " AND EXISTS (SELECT 1 FROM families rf \
                              WHERE rf.id = u.family_id AND rf.referent_id = {user}) \
                 AND u.family_id IN ({families})"
            ),
            (None, Some(families)) => format!(" AND u.family_id IN ({families})"),
            _ => String::new(),
        };
        branches.push(Branch {
            kind: DueKind::PostExitFollowUp,
            due_on: "u.due_on".to_owned(),
            subject: "u.id".to_owned(),
            columns: "u.placement_id AS placement_id, u.family_id AS family_id, \
                      CAST(NULL AS uuid) AS incident_id, CAST(NULL AS timestamptz) AS occurred_at",
            rows: format!("FROM exit_follow_ups u WHERE u.outcome IS NULL AND {range}{referent}"),
            indexed: "u.due_on",
            overdue,
        });
    }
    if wanted(DueKind::IncidentReport) {
        let mut seen = match (&staff, &mine) {
            (Some(user), Some(families)) => format!(
                " AND i.declared_by = {user} AND (i.family_id IS NULL OR i.family_id IN ({families}))"
            ),
            _ => String::new(),
        };
        if let Some(user) = &user {
            seen.push_str(&scope.sites_sql("i.site_id", user));
        }
        let (range, day_late) = range("i.report_due_on", 0);
        // Seen from today, an incident's report is late from the instant
        // 48 hours after it.
        let overdue = match overdue.and_then(|rule| rule.incidents_before) {
            Some(instant) => format!("i.occurred_at <= {}", binds.bind(instant)),
            None => day_late,
        };
        branches.push(Branch {
            kind: DueKind::IncidentReport,
            due_on: "i.report_due_on".to_owned(),
            subject: "i.id".to_owned(),
            columns: "ap.id AS placement_id, i.family_id AS family_id, i.id AS incident_id, \
                      i.occurred_at AS occurred_at",
            rows: format!(
                "FROM incidents i \
                 LEFT JOIN placements ap ON ap.family_id = i.family_id AND ap.status = 'active' \
                 WHERE i.authority_notified_at IS NULL AND {range}{seen}"
            ),
            indexed: "i.report_due_on",
            overdue,
        });
    }
    branches
}

/// The open obligations of `scope` in `window`, after `after`, in the
/// screen's order: up to `limit` of them, or all with `None`. Each kind
/// gives its first `limit` after the cursor, in the order of its index;
/// the page is the first `limit` of those, and only its rows are joined
/// to the families.
pub async fn due_page(
    db: &impl ConnectionTrait,
    scope: Reader,
    window: &DueWindow,
    after: Option<DuePosition>,
    limit: Option<u64>,
) -> Result<Vec<DueRow>, DbErr> {
    let mut binds = Binds::default();
    let branches = branches(
        &mut binds,
        Dialect::of(db),
        scope,
        window,
        after.map(|(day, _, _)| day),
        None,
    );
    let after = after.map(|(day, kind, subject)| (binds.bind(day), kind, binds.bind(subject)));
    let limit = limit.map(|limit| binds.bind(limit.min(i64::MAX as u64) as i64));
    let arms: Vec<String> = branches
        .iter()
        .enumerate()
        .map(|(n, branch)| {
            let Branch { due_on, subject, .. } = branch;
            // After the cursor: a later day; on its day, a later kind, or
            // the same kind and a later subject.
            let cursor = match &after {
                None => String::new(),
                Some((day, kind, subject_after)) => match branch.kind.as_str().cmp(kind.as_str()) {
                    Ordering::Greater => format!(" AND {due_on} >= {day}"),
                    Ordering::Equal => format!(" AND ({due_on}, {subject}) > ({day}, {subject_after})"),
                    Ordering::Less => format!(" AND {due_on} > {day}"),
                },
            };
            let first = match &limit {
                None => String::new(),
                Some(limit) => format!(" ORDER BY {}, {subject} LIMIT {limit}", branch.indexed),
            };
            format!(
                "SELECT * FROM (SELECT '{}' AS kind, {due_on} AS due_on, {subject} AS subject_id, {} \
                 {}{cursor}{first}) arm_{n}",
                branch.kind.as_str(),
                branch.columns,
                branch.rows,
            )
        })
        .collect();
    let page_limit = limit
        .map(|limit| format!(" LIMIT {limit}"))
        .unwrap_or_default();
    let sql = format!(
        "SELECT d.kind, d.due_on, d.subject_id, d.placement_id, d.family_id, \
                d.incident_id, d.occurred_at, f.mother_first_name, f.mother_last_name, \
                f.referent_id \
         FROM (SELECT * FROM ({}) due ORDER BY due.due_on, due.kind, due.subject_id{page_limit}) d \
         LEFT JOIN families f ON f.id = d.family_id \
         ORDER BY d.due_on, d.kind, d.subject_id",
        arms.join(" UNION ALL ")
    );
    query::<RawDueRow>(db, sql, binds)
        .await?
        .into_iter()
        .map(DueRow::try_from)
        .collect()
}

/// The due dates of a whole window, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromQueryResult)]
pub struct DueCounts {
    pub overdue: i64,
    pub total: i64,
}

/// When an obligation is overdue: due before `as_of`; an incident's
/// report, with `reported_late_if_before`, once it happened at or before
/// that instant (48 hours before now, when looking from today).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverdueRule {
    pub as_of: NaiveDate,
    pub incidents_before: Option<DateTime<Utc>>,
}

/// Counts the open obligations of `scope` in `window`, and those overdue:
/// one count per kind over its index's range.
pub async fn due_counts(
    db: &impl ConnectionTrait,
    scope: Reader,
    window: &DueWindow,
    overdue: OverdueRule,
) -> Result<DueCounts, DbErr> {
    let mut binds = Binds::default();
    let arms: Vec<String> = branches(
        &mut binds,
        Dialect::of(db),
        scope,
        window,
        None,
        Some(overdue),
    )
    .into_iter()
    .map(|branch| {
        format!(
            "SELECT COUNT(*) AS total, \
                        COALESCE(SUM(CASE WHEN {} THEN 1 ELSE 0 END), 0) AS overdue {}",
            branch.overdue, branch.rows
        )
    })
    .collect();
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(total), 0) AS bigint) AS total, \
                CAST(COALESCE(SUM(overdue), 0) AS bigint) AS overdue \
         FROM ({}) counted",
        arms.join(" UNION ALL ")
    );
    Ok(query(db, sql, binds).await?.pop().unwrap_or_default())
}

/// The screens' date arithmetic applied to `days`, as the database
/// computes it: what a test holds to the domain's rules
/// (`nido_domain::due_dates`) on each engine.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct SqlDates {
    pub day: NaiveDate,
    pub plus_15_days: NaiveDate,
    pub plus_1_month: NaiveDate,
    pub plus_6_months: NaiveDate,
    pub plus_12_months: NaiveDate,
    pub plus_36_months: NaiveDate,
}

pub async fn sql_dates(
    db: &impl ConnectionTrait,
    days: &[NaiveDate],
) -> Result<Vec<SqlDates>, DbErr> {
    let d = Dialect::of(db);
    let mut answers = Vec::new();
    for chunk in days.chunks(500) {
        let mut binds = Binds::default();
        let values: Vec<String> = chunk
            .iter()
            .map(|day| format!("({})", binds.bind(*day)))
            .collect();
        let sql = format!(
            "WITH d(day) AS (VALUES {}) \
             SELECT day, {} AS plus_15_days, {} AS plus_1_month, {} AS plus_6_months, \
                    {} AS plus_12_months, {} AS plus_36_months FROM d ORDER BY day",
            values.join(", "),
            d.add_days("day", 15),
            d.add_months("day", 1),
            d.add_months("day", 6),
            d.add_months("day", 12),
            d.add_months("day", 36),
        );
        answers.extend(query::<SqlDates>(db, sql, binds).await?);
    }
    Ok(answers)
}
