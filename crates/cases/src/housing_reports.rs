//! The admins' views of the housing stock: vacancies, leases ending, and
//! the occupancy and cost report (admins and coordinators).

use nido_domain::Refusal;
use std::collections::HashMap;

use chrono::NaiveDate;
use nido_domain::housing::{LandlordKind, Occupancy, days_inclusive, lease_figures};
use nido_persistence::{housing, occupancies};
use uuid::Uuid;

use crate::REPORT_READERS;
use crate::housing::READERS;
use crate::spreadsheet::{Cell, Column, CsvFile, CsvRow};
use crate::{Caller, CaseError, CaseResult, Cases};

/// The longest range a report or a look-ahead may cover, in days.
pub const MAX_RANGE_DAYS: i64 = 3660;

/// A unit leased and empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Vacancy {
    pub unit_id: Uuid,
    pub label: String,
    /// The day after the last occupancy ended, or the lease start.
    pub vacant_since: NaiveDate,
    pub days_vacant: i64,
    /// Rent plus charges paid each month for the empty unit, in cents.
    pub monthly_cost_cents: i64,
}

/// Units leased on `as_of` that nobody occupies that day, longest empty first.
pub async fn vacancies(
    cases: &Cases,
    caller: &Caller,
    as_of: NaiveDate,
) -> CaseResult<Vec<Vacancy>> {
    caller.require(READERS)?;
    let reader = crate::families::site_reader(&cases.db, caller).await?;
    let units = housing::all_units(&cases.db, reader).await?;
    let leases = housing::all_leases(&cases.db, reader).await?;
    let occupancies = occupancies::all_with_detached(&cases.db).await?;
    let mut items = Vec::new();
    for unit in units {
        let Some(lease) = leases
            .iter()
            .find(|lease| lease.unit_id == unit.id && lease.span.contains(as_of))
        else {
            continue;
        };
        let of_unit: Vec<&Occupancy> = occupancies
            .iter()
            .filter(|o| o.unit_id == unit.id)
            .collect();
        if of_unit
            .iter()
            .any(|occupancy| occupancy.span.contains(as_of))
        {
            continue;
        }
        let last_end = of_unit
            .iter()
            .filter_map(|occupancy| occupancy.span.end)
            .filter(|end| *end < as_of)
            .max();
        let vacant_since = last_end
            .and_then(|end| end.succ_opt())
            .map_or(lease.span.start, |after| after.max(lease.span.start));
        items.push(Vacancy {
            unit_id: unit.id,
            label: unit.label,
            vacant_since,
            days_vacant: (as_of - vacant_since).num_days(),
            monthly_cost_cents: lease.monthly_rent_cents + lease.monthly_charges_cents,
        });
    }
    items.sort_by_key(|item| (item.vacant_since, item.unit_id));
    Ok(items)
}

/// A lease that ends soon.
#[derive(Debug, Clone, PartialEq)]
pub struct EndingLease {
    pub lease_id: Uuid,
    pub unit_id: Uuid,
    pub label: String,
    pub ends_on: NaiveDate,
    pub days_remaining: i64,
    /// True when a family still lives there on the lease's last day.
    pub occupied: bool,
}

/// Leases whose end falls within `within_days` of `as_of`, flagging those
/// whose unit is still occupied on their last day.
pub async fn leases_ending(
    cases: &Cases,
    caller: &Caller,
    as_of: NaiveDate,
    within_days: u32,
) -> CaseResult<Vec<EndingLease>> {
    caller.require(READERS)?;
    if i64::from(within_days) > MAX_RANGE_DAYS {
        return Err(CaseError::invalid(
            "within_days",
            Refusal::Between { min: 0, max: 3660 },
        ));
    }
    let until = as_of + chrono::Days::new(within_days.into());
    let reader = crate::families::site_reader(&cases.db, caller).await?;
    let leases = housing::leases_ending(&cases.db, reader, as_of, until).await?;
    let units: HashMap<Uuid, String> = housing::all_units(&cases.db, reader)
        .await?
        .into_iter()
        .map(|unit| (unit.id, unit.label))
        .collect();
    let occupancies = occupancies::all_with_detached(&cases.db).await?;
    Ok(leases
        .into_iter()
        .filter_map(|lease| {
            let ends_on = lease.span.end?;
            Some(EndingLease {
                lease_id: lease.id,
                unit_id: lease.unit_id,
                label: units.get(&lease.unit_id).cloned().unwrap_or_default(),
                ends_on,
                days_remaining: (ends_on - as_of).num_days(),
                occupied: occupancies
                    .iter()
                    .any(|o| o.unit_id == lease.unit_id && o.span.contains(ends_on)),
            })
        })
        .collect())
}

/// Occupancy and cost over a range, for one scope.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OccupancyFigures {
    /// Days each unit was under lease, added up.
    pub leased_unit_days: i64,
    /// Days each leased unit was lived in, added up.
    pub occupied_unit_days: i64,
    /// Rent plus charges prorated by day, in cents.
    pub rent_cost_cents: i64,
}

impl OccupancyFigures {
    /// Occupied ÷ leased unit-days with four decimals, 0 when nothing was
    /// leased.
    pub fn occupancy_rate(&self) -> f64 {
        if self.leased_unit_days == 0 {
            return 0.0;
        }
        (self.occupied_unit_days as f64 / self.leased_unit_days as f64 * 10_000.0).round()
            / 10_000.0
    }
}

/// The report over `from..=to`: every unit, and each kind of landlord.
#[derive(Debug, Clone, PartialEq)]
pub struct OccupancyReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: OccupancyFigures,
    /// One entry per kind, in `LandlordKind::ALL`'s order.
    pub by_landlord_kind: Vec<(LandlordKind, OccupancyFigures)>,
}

/// Leased and occupied unit-days and the rent cost over `from..=to` (at
/// most 3660 days), in total and by landlord kind.
pub async fn occupancy_report(
    cases: &Cases,
    caller: &Caller,
    from: NaiveDate,
    to: NaiveDate,
) -> CaseResult<OccupancyReport> {
    caller.require(REPORT_READERS)?;
    if to < from {
        return Err(CaseError::invalid("to", Refusal::RangeEndsBeforeStart));
    }
    if days_inclusive(from, to) > MAX_RANGE_DAYS {
        return Err(CaseError::invalid(
            "to",
            Refusal::RangeTooLong { max_days: 3660 },
        ));
    }
    let kinds: HashMap<Uuid, LandlordKind> = housing::all_landlords(&cases.db)
        .await?
        .into_iter()
        .map(|landlord| (landlord.id, landlord.kind))
        .collect();
    let reader = crate::families::site_reader(&cases.db, caller).await?;
    let unit_kinds: HashMap<Uuid, LandlordKind> = housing::all_units(&cases.db, reader)
        .await?
        .into_iter()
        .filter_map(|unit| kinds.get(&unit.landlord_id).map(|kind| (unit.id, *kind)))
        .collect();
    let leases = housing::all_leases(&cases.db, reader).await?;
    let occupancies = occupancies::all_with_detached(&cases.db).await?;
    let mut total = OccupancyFigures::default();
    let mut by_kind: Vec<(LandlordKind, OccupancyFigures)> = LandlordKind::ALL
        .iter()
        .map(|kind| (*kind, OccupancyFigures::default()))
        .collect();
    for lease in &leases {
        let Some(kind) = unit_kinds.get(&lease.unit_id) else {
            continue;
        };
        let (leased, occupied, cost) = lease_figures(lease, &occupancies, from, to);
        let Some((_, of_kind)) = by_kind.iter_mut().find(|(k, _)| k == kind) else {
            continue;
        };
        for scope in [&mut total, of_kind] {
            scope.leased_unit_days += leased;
            scope.occupied_unit_days += occupied;
            scope.rent_cost_cents += cost;
        }
    }
    Ok(OccupancyReport {
        from,
        to,
        total,
        by_landlord_kind: by_kind,
    })
}

/// The occupancy report as a spreadsheet, a line per scope (the whole
/// stock, then each kind of landlord): the file the API's
/// `?format=csv` and the pages' download both serve.
pub fn occupancy_csv(report: &OccupancyReport) -> CaseResult<CsvFile> {
    let mut lines = vec![OccupancyLine::new("total", &report.total)];
    lines.extend(
        report
            .by_landlord_kind
            .iter()
            .map(|(kind, figures)| OccupancyLine::new(kind.as_str(), figures)),
    );
    CsvFile::of(
        &lines,
        format!("occupation-{}-{}.csv", report.from, report.to),
    )
    .map_err(|err| CaseError::Internal(err.into()))
}

/// One scope's line of the occupancy spreadsheet.
struct OccupancyLine {
    /// `total`, or a landlord kind.
    scope: &'static str,
    figures: OccupancyFigures,
}

impl OccupancyLine {
    fn new(scope: &'static str, figures: &OccupancyFigures) -> Self {
        Self {
            scope,
            figures: figures.clone(),
        }
    }
}

impl CsvRow for OccupancyLine {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::new("Périmètre", |line| {
            Cell::text(scope_in_french(line.scope))
        }),
        Column::new("Jours-logements sous bail", |line| {
            Cell::Integer(line.figures.leased_unit_days)
        }),
        Column::new("Jours-logements occupés", |line| {
            Cell::Integer(line.figures.occupied_unit_days)
        }),
        Column::new("Taux d'occupation", |line| {
            Cell::Rate(line.figures.occupancy_rate())
        }),
        Column::new("Coût des loyers (€)", |line| {
            Cell::Cents(line.figures.rent_cost_cents)
        }),
    ];
}

/// The report's scopes as the spreadsheet names them.
fn scope_in_french(scope: &str) -> &str {
    match scope {
        "total" => "Ensemble du parc",
        "private" => "Bailleurs privés",
        "social" => "Bailleurs sociaux",
        other => other,
    }
}

/// A family in the centre and where it lives.
#[derive(Debug, Clone, PartialEq)]
pub struct Residence {
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub mother_name: String,
    /// The unit it lives in on the day asked, and since when; `None` when
    /// it has no unit that day.
    pub unit: Option<(Uuid, String, NaiveDate)>,
}

/// Who lives where on `on`: every active placement, its mother's name and
/// its unit (admins, coordinators), by mother's name. Audited as family
/// data (`occupancy.list`, one entry naming every family shown), as a unit's
/// occupancies are.
pub async fn residences(
    cases: &Cases,
    caller: &Caller,
    on: NaiveDate,
) -> CaseResult<Vec<Residence>> {
    caller.require(READERS)?;
    let reader = crate::families::site_reader(&cases.db, caller).await?;
    let placements = nido_persistence::placements::active_of(&cases.db, reader).await?;
    let families = nido_persistence::families::find_many(
        &cases.db,
        placements
            .iter()
            .map(|placement| placement.family_id)
            .collect(),
    )
    .await?;
    let units: HashMap<Uuid, String> = housing::all_units(&cases.db, reader)
        .await?
        .into_iter()
        .map(|unit| (unit.id, unit.label))
        .collect();
    let occupancies = occupancies::all(&cases.db).await?;
    let mut items: Vec<Residence> = placements
        .into_iter()
        .filter_map(|placement| {
            let family = families.get(&placement.family_id)?;
            let unit = occupancies
                .iter()
                .find(|o| o.placement_id == placement.id && o.span.contains(on))
                .map(|o| {
                    let label = units.get(&o.unit_id).cloned().unwrap_or_default();
                    (o.unit_id, label, o.span.start)
                });
            Some(Residence {
                placement_id: placement.id,
                family_id: family.id,
                mother_name: family.mother.full_name(),
                unit,
            })
        })
        .collect();
    items.sort_by(|a, b| a.mother_name.cmp(&b.mother_name));
    cases
        .audit_read(
            caller,
            "occupancy.list",
            items.iter().map(|item| item.family_id),
            "/logements",
        )
        .await?;
    Ok(items)
}
