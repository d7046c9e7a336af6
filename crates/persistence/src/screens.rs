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

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use nido_domain::due_dates::DueKind;
use nido_domain::placement::Period;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DbErr, FromQueryResult, QueryResult, Statement, Value,
};
use uuid::Uuid;

use crate::need_to_know::assigned_sql;

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

/// The active placements' current (last) periods ending on or before
/// `until`, as `c`, with their placement `p` and family `f`; only the
/// families `staff` accompanies when given. The placement keeps its
/// current period's end (`current_ends_on`, indexed), so only the
/// placements of the window are read; their last period is one seek of the
/// `(placement_id, number)` index.
fn current_periods(binds: &mut Binds, staff: Option<Uuid>, until: NaiveDate) -> String {
    let mut sql = format!(
        "FROM placements p \
         JOIN periods c ON c.placement_id = p.id \
              AND c.number = (SELECT MAX(l.number) FROM periods l WHERE l.placement_id = p.id) \
         JOIN families f ON f.id = p.family_id \
         WHERE p.status = 'active' AND p.current_ends_on <= {}",
        binds.bind(until)
    );
    if let Some(user_id) = staff {
        let user = binds.bind(user_id);
        sql.push_str(&format!(" AND {}", assigned_sql("p.family_id", &user)));
    }
    sql
}

/// Which placements [`keep_due_dates`] rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptOn {
    /// The placement a change moved.
    Placement(Uuid),
    /// Those that keep none yet: a bulk load's.
    NotYetKept,
}

/// Rewrites the due dates a placement keeps on its row (migration 23): its
/// current period's end, the contract's delivery and signature while they
/// are owed, the projet personnalisé's next review. Run it in the
/// transaction of the change that moves one of them (a period appended,
/// the contract written, a review recorded).
pub async fn keep_due_dates(db: &impl ConnectionTrait, which: KeptOn) -> Result<(), DbErr> {
    let d = Dialect::of(db);
    let mut binds = Binds::default();
    let only = match which {
        KeptOn::Placement(id) => format!(" WHERE id = {}", binds.bind(id)),
        KeptOn::NotYetKept => " WHERE current_ends_on IS NULL".to_owned(),
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
           project_due_on = COALESCE({last_review}, {}){only}",
        d.add_days("placements.admitted_on", 15),
        d.add_months("placements.admitted_on", 1),
        d.add_months("placements.admitted_on", 6),
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
/// `until`, after `after`, in the screen's order (`staff`: only her
/// families').
pub async fn deadlines_page(
    db: &impl ConnectionTrait,
    staff: Option<Uuid>,
    until: NaiveDate,
    after: Option<DeadlinePosition>,
    limit: u64,
) -> Result<Vec<DeadlineRow>, DbErr> {
    let mut binds = Binds::default();
    let from = current_periods(&mut binds, staff, until);
    let mut sql = format!(
        "SELECT p.id AS placement_id, p.family_id, f.mother_last_name, \
                c.number, c.starts_on, c.ends_on \
         {from}"
    );
    if let Some((ends_on, last_name, placement_id)) = after {
        sql.push_str(&format!(
            " AND (c.ends_on, f.mother_last_name, p.id) > ({}, {}, {})",
            binds.bind(ends_on),
            binds.bind(last_name),
            binds.bind(placement_id)
        ));
    }
    sql.push_str(&format!(
        " ORDER BY c.ends_on, f.mother_last_name, p.id LIMIT {}",
        binds.bind(limit.min(i64::MAX as u64) as i64)
    ));
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
/// `report_due_until` (their report due by `as_of`).
pub async fn deadline_counts(
    db: &impl ConnectionTrait,
    staff: Option<Uuid>,
    until: NaiveDate,
    as_of: NaiveDate,
    report_due_until: NaiveDate,
) -> Result<DeadlineCounts, DbErr> {
    let mut binds = Binds::default();
    let from = current_periods(&mut binds, staff, until);
    let as_of = binds.bind(as_of);
    let sql = format!(
        "SELECT COUNT(*) AS total, \
                COALESCE(SUM(CASE WHEN c.ends_on < {as_of} THEN 1 ELSE 0 END), 0) AS overdue, \
                COALESCE(SUM(CASE WHEN c.ends_on >= {as_of} AND c.ends_on <= {} \
                             THEN 1 ELSE 0 END), 0) AS report_due \
         {from}",
        binds.bind(report_due_until),
    );
    Ok(query(db, sql, binds).await?.pop().unwrap_or_default())
}

/// Whose due dates: every family's (coordinators), or a staff member's
/// families and the incidents she declared and may still read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueScope {
    Centre,
    Staff(Uuid),
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

/// `WITH due AS (…)`: the open obligations of the scope due in the window
/// (and on or after `from_day`, a page's first day), one row each (`kind`,
/// `due_on`, `subject_id`, `placement_id`, `family_id`, `incident_id`,
/// `occurred_at`), by the rules of `nido_domain::due_dates::open_duties`
/// and of incidents. Each kind reads a range of an index of the dates its
/// placements keep ([`keep_due_dates`]), so an obligation outside the
/// window costs nothing.
fn open_obligations(
    binds: &mut Binds,
    dialect: Dialect,
    scope: DueScope,
    window: &DueWindow,
    from_day: Option<NaiveDate>,
) -> String {
    let from = match (window.from, from_day) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let until = window.until;
    let wanted = |kind: DueKind| window.kind.is_none_or(|wanted| wanted == kind);
    let staff = match scope {
        DueScope::Centre => None,
        DueScope::Staff(user_id) => Some(binds.bind(user_id)),
    };
    let assigned = staff
        .as_ref()
        .map(|user| format!(" AND {}", assigned_sql("p.family_id", user)))
        .unwrap_or_default();
    let d = dialect;
    // The window on `column`, for a due date `shift` days after it: each
    // bound moved back by `shift`, so that the index is read, not computed.
    let mut range = |column: &str, shift: i64| {
        let mut sql = format!("{column} <= {}", binds.bind(shifted(until, -shift)));
        if let Some(from) = from {
            sql.push_str(&format!(
                " AND {column} >= {}",
                binds.bind(shifted(from, -shift))
            ));
        }
        sql
    };
    let of_placement = "p.id AS subject_id, p.id AS placement_id, p.family_id, \
                        CAST(NULL AS uuid) AS incident_id, \
                        CAST(NULL AS timestamptz) AS occurred_at \
                        FROM placements p WHERE p.status = 'active'";
    let mut branches = Vec::new();
    // The renewal report: the day after the period ends − the lead, only
    // while the period ends before the cap (the youngest child's third
    // birthday − 1 day): some child's third birthday is after the day after
    // it ends, or no child.
    if wanted(DueKind::RenewalReport) {
        let shift = 1 - i64::from(window.report_lead_days);
        let third_birthday = d.add_months("COALESCE(ch.birth_date, ch.expected_birth_date)", 36);
        branches.push(format!(
            "SELECT 'renewal_report' AS kind, {} AS due_on, {of_placement} AND {}{assigned} \
               AND (EXISTS (SELECT 1 FROM children ch WHERE ch.family_id = p.family_id \
                            AND {third_birthday} > {}) \
                    OR NOT EXISTS (SELECT 1 FROM children ch WHERE ch.family_id = p.family_id))",
            d.add_days("p.current_ends_on", shift),
            range("p.current_ends_on", shift),
            d.add_days("p.current_ends_on", 1),
        ));
    }
    for (kind, column) in [
        (DueKind::PeriodEnd, "p.current_ends_on"),
        (DueKind::ContractDelivery, "p.contract_delivery_due_on"),
        (DueKind::ContractSignature, "p.contract_signature_due_on"),
    ] {
        if wanted(kind) {
            branches.push(format!(
                "SELECT '{}' AS kind, {column} AS due_on, {of_placement} AND {}{assigned}",
                kind.as_str(),
                range(column, 0)
            ));
        }
    }
    // The projet personnalisé: its first review until one is recorded,
    // then the next.
    let reviewed = "EXISTS (SELECT 1 FROM project_reviews r WHERE r.placement_id = p.id)";
    let project = match window.kind {
        None => Some((
            format!("CASE WHEN {reviewed} THEN 'project_review' ELSE 'project_initial' END"),
            String::new(),
        )),
        Some(DueKind::ProjectInitial) => Some((
            "'project_initial'".to_owned(),
            format!(" AND NOT {reviewed}"),
        )),
        Some(DueKind::ProjectReview) => {
            Some(("'project_review'".to_owned(), format!(" AND {reviewed}")))
        }
        Some(_) => None,
    };
    if let Some((kind, condition)) = project {
        branches.push(format!(
            "SELECT {kind} AS kind, p.project_due_on AS due_on, {of_placement} AND {}{condition}{assigned}",
            range("p.project_due_on", 0)
        ));
    }
    if wanted(DueKind::IncidentReport) {
        let seen = match &staff {
            None => String::new(),
            Some(user) => format!(
                " AND i.declared_by = {user} AND (i.family_id IS NULL OR {})",
                assigned_sql("i.family_id", user)
            ),
        };
        branches.push(format!(
            "SELECT 'incident_report' AS kind, i.report_due_on AS due_on, i.id AS subject_id, \
                    ap.id AS placement_id, i.family_id, i.id AS incident_id, i.occurred_at \
             FROM incidents i \
             LEFT JOIN placements ap ON ap.family_id = i.family_id AND ap.status = 'active' \
             WHERE i.authority_notified_at IS NULL AND {}{seen}",
            range("i.report_due_on", 0)
        ));
    }
    if branches.is_empty() {
        // Every kind is one of the above: no window selects none.
        branches.push(format!(
            "SELECT 'period_end' AS kind, p.current_ends_on AS due_on, {of_placement} AND 1 = 0"
        ));
    }
    format!("WITH due AS ({}) ", branches.join(" UNION ALL "))
}

/// The open obligations of `scope` in `window`, after `after`, in the
/// screen's order: up to `limit` of them, or all with `None`. The page is
/// chosen before the families are joined, so only its rows are.
pub async fn due_page(
    db: &impl ConnectionTrait,
    scope: DueScope,
    window: &DueWindow,
    after: Option<DuePosition>,
    limit: Option<u64>,
) -> Result<Vec<DueRow>, DbErr> {
    let mut binds = Binds::default();
    let with = open_obligations(
        &mut binds,
        Dialect::of(db),
        scope,
        window,
        after.map(|(day, _, _)| day),
    );
    let mut page = String::from("SELECT * FROM due");
    if let Some((due_on, kind, subject_id)) = after {
        page.push_str(&format!(
            " WHERE (due.due_on, due.kind, due.subject_id) > ({}, {}, {})",
            binds.bind(due_on),
            binds.bind(kind.as_str()),
            binds.bind(subject_id)
        ));
    }
    page.push_str(" ORDER BY due.due_on, due.kind, due.subject_id");
    if let Some(limit) = limit {
        page.push_str(&format!(
            " LIMIT {}",
            binds.bind(limit.min(i64::MAX as u64) as i64)
        ));
    }
    let sql = format!(
        "{with} SELECT d.kind, d.due_on, d.subject_id, d.placement_id, d.family_id, \
                d.incident_id, d.occurred_at, f.mother_first_name, f.mother_last_name, \
                f.referent_id \
         FROM ({page}) d LEFT JOIN families f ON f.id = d.family_id \
         ORDER BY d.due_on, d.kind, d.subject_id"
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

/// Counts the open obligations of `scope` in `window`, and those overdue.
pub async fn due_counts(
    db: &impl ConnectionTrait,
    scope: DueScope,
    window: &DueWindow,
    overdue: OverdueRule,
) -> Result<DueCounts, DbErr> {
    let mut binds = Binds::default();
    let with = open_obligations(&mut binds, Dialect::of(db), scope, window, None);
    let as_of = binds.bind(overdue.as_of);
    let late = match overdue.incidents_before {
        None => format!("due.due_on < {as_of}"),
        Some(instant) => format!(
            "(due.occurred_at IS NULL AND due.due_on < {as_of}) \
             OR (due.occurred_at IS NOT NULL AND due.occurred_at <= {})",
            binds.bind(instant)
        ),
    };
    let sql = format!(
        "{with} SELECT COUNT(*) AS total, \
                COALESCE(SUM(CASE WHEN {late} THEN 1 ELSE 0 END), 0) AS overdue \
         FROM due"
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
