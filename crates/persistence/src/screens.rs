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

use chrono::{DateTime, NaiveDate, Utc};
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

/// The active placements' current (last) periods, as `c`, with their
/// placement `p` and family `f`; only the families `staff` accompanies
/// when given. The last period's number is one seek of the `(placement_id,
/// number)` index, and its row one more: cheaper than testing every period
/// for a later one.
fn current_periods(binds: &mut Binds, staff: Option<Uuid>) -> String {
    let mut sql = String::from(
        "FROM placements p \
         JOIN periods c ON c.placement_id = p.id \
              AND c.number = (SELECT MAX(l.number) FROM periods l WHERE l.placement_id = p.id) \
         JOIN families f ON f.id = p.family_id \
         WHERE p.status = 'active'",
    );
    if let Some(user_id) = staff {
        let user = binds.bind(user_id);
        sql.push_str(&format!(" AND {}", assigned_sql("p.family_id", &user)));
    }
    sql
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
    let from = current_periods(&mut binds, staff);
    let mut sql = format!(
        "SELECT p.id AS placement_id, p.family_id, f.mother_last_name, \
                c.number, c.starts_on, c.ends_on \
         {from} AND c.ends_on <= {}",
        binds.bind(until)
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
    let from = current_periods(&mut binds, staff);
    let as_of = binds.bind(as_of);
    let sql = format!(
        "SELECT COUNT(*) AS total, \
                COALESCE(SUM(CASE WHEN c.ends_on < {as_of} THEN 1 ELSE 0 END), 0) AS overdue, \
                COALESCE(SUM(CASE WHEN c.ends_on >= {as_of} AND c.ends_on <= {} \
                             THEN 1 ELSE 0 END), 0) AS report_due \
         {from} AND c.ends_on <= {}",
        binds.bind(report_due_until),
        binds.bind(until)
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

/// `WITH cur AS (…), due AS (…)`: every open obligation of the scope, one
/// row each (`kind`, `due_on`, `subject_id`, `placement_id`, `family_id`,
/// `incident_id`, `occurred_at`), by the rules of
/// `nido_domain::due_dates::open_duties` and of incidents. The current
/// periods are computed once (`MATERIALIZED`), not once for each kind.
fn open_obligations(binds: &mut Binds, dialect: Dialect, scope: DueScope, lead: u32) -> String {
    let staff = match scope {
        DueScope::Centre => None,
        DueScope::Staff(user_id) => Some(user_id),
    };
    let current = current_periods(binds, staff);
    let d = dialect;
    // The renewal report: ends_on + 1 day − lead, only while the period
    // ends before the cap (the youngest child's third birthday − 1 day): some
    // child's third birthday is after the day after it ends, or no child.
    let report_due_on = d.add_days("cur.ends_on", 1 - i64::from(lead));
    let third_birthday = d.add_months("COALESCE(ch.birth_date, ch.expected_birth_date)", 36);
    let day_after_end = d.add_days("cur.ends_on", 1);
    let delivery = d.add_days("cur.admitted_on", 15);
    let signature = d.add_months("cur.admitted_on", 1);
    let initial = d.add_months("cur.admitted_on", 6);
    let review = d.add_months(
        "(SELECT MAX(r.reviewed_on) FROM project_reviews r WHERE r.placement_id = cur.placement_id)",
        12,
    );
    let incidents_seen = match staff {
        None => String::new(),
        Some(user_id) => {
            let user = binds.bind(user_id);
            format!(
                " AND i.declared_by = {user} AND (i.family_id IS NULL OR {})",
                assigned_sql("i.family_id", &user)
            )
        }
    };
    let of_placement = "cur.placement_id AS subject_id, cur.placement_id, cur.family_id, \
                        CAST(NULL AS uuid) AS incident_id, \
                        CAST(NULL AS timestamptz) AS occurred_at FROM cur";
    format!(
        "WITH cur AS MATERIALIZED (SELECT p.id AS placement_id, p.family_id, p.admitted_on, c.ends_on {current}), \
         due AS ( \
           SELECT 'renewal_report' AS kind, {report_due_on} AS due_on, {of_placement} \
             WHERE EXISTS (SELECT 1 FROM children ch WHERE ch.family_id = cur.family_id \
                           AND {third_birthday} > {day_after_end}) \
                OR NOT EXISTS (SELECT 1 FROM children ch WHERE ch.family_id = cur.family_id) \
           UNION ALL SELECT 'period_end', cur.ends_on, {of_placement} \
           UNION ALL SELECT 'contract_delivery', {delivery}, {of_placement} \
             WHERE NOT EXISTS (SELECT 1 FROM contracts k WHERE k.placement_id = cur.placement_id \
                               AND k.delivered_on IS NOT NULL) \
           UNION ALL SELECT 'contract_signature', {signature}, {of_placement} \
             WHERE NOT EXISTS (SELECT 1 FROM contracts k WHERE k.placement_id = cur.placement_id \
                               AND k.signed_on IS NOT NULL) \
           UNION ALL SELECT 'project_initial', {initial}, {of_placement} \
             WHERE NOT EXISTS (SELECT 1 FROM project_reviews r WHERE r.placement_id = cur.placement_id) \
           UNION ALL SELECT 'project_review', {review}, {of_placement} \
             WHERE EXISTS (SELECT 1 FROM project_reviews r WHERE r.placement_id = cur.placement_id) \
           UNION ALL SELECT 'incident_report', i.report_due_on, i.id, ap.id, i.family_id, i.id, \
                            i.occurred_at \
             FROM incidents i \
             LEFT JOIN placements ap ON ap.family_id = i.family_id AND ap.status = 'active' \
             WHERE i.authority_notified_at IS NULL{incidents_seen} \
         ) "
    )
}

/// The window's conditions on `due`.
fn in_window(binds: &mut Binds, window: &DueWindow) -> String {
    let mut sql = format!("due.due_on <= {}", binds.bind(window.until));
    if let Some(from) = window.from {
        sql.push_str(&format!(" AND due.due_on >= {}", binds.bind(from)));
    }
    if let Some(kind) = window.kind {
        sql.push_str(&format!(" AND due.kind = {}", binds.bind(kind.as_str())));
    }
    sql
}

/// The open obligations of `scope` in `window`, after `after`, in the
/// screen's order: up to `limit` of them, or all with `None`.
pub async fn due_page(
    db: &impl ConnectionTrait,
    scope: DueScope,
    window: &DueWindow,
    after: Option<DuePosition>,
    limit: Option<u64>,
) -> Result<Vec<DueRow>, DbErr> {
    let mut binds = Binds::default();
    let with = open_obligations(&mut binds, Dialect::of(db), scope, window.report_lead_days);
    let mut sql = format!(
        "{with} SELECT due.kind, due.due_on, due.subject_id, due.placement_id, due.family_id, \
                due.incident_id, due.occurred_at, f.mother_first_name, f.mother_last_name, \
                f.referent_id \
         FROM due LEFT JOIN families f ON f.id = due.family_id \
         WHERE {}",
        in_window(&mut binds, window)
    );
    if let Some((due_on, kind, subject_id)) = after {
        sql.push_str(&format!(
            " AND (due.due_on, due.kind, due.subject_id) > ({}, {}, {})",
            binds.bind(due_on),
            binds.bind(kind.as_str()),
            binds.bind(subject_id)
        ));
    }
    sql.push_str(" ORDER BY due.due_on, due.kind, due.subject_id");
    if let Some(limit) = limit {
        sql.push_str(&format!(
            " LIMIT {}",
            binds.bind(limit.min(i64::MAX as u64) as i64)
        ));
    }
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
    let with = open_obligations(&mut binds, Dialect::of(db), scope, window.report_lead_days);
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
         FROM due WHERE {}",
        in_window(&mut binds, window)
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
