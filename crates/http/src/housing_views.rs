//! The admins' views of the housing stock: vacancies, leases ending, and
//! the occupancy and cost report. Vacancies and the report also come as CSV.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use nido_cases::housing_reports;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::csv_export::{Cell, Column, CsvRow, Format, csv_file_response, csv_response};
use crate::error::Result;
use crate::extract::ValidQuery;
use crate::gate::{Allowed, HousingReaders, ReportReaders};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VacancyParams {
    /// Default today.
    pub as_of: Option<NaiveDate>,
    /// `csv` for a spreadsheet.
    #[param(schema_with = crate::schema::csv_format)]
    pub format: Option<Format>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Vacancy {
    pub unit_id: Uuid,
    pub label: String,
    /// The day after the last occupancy ended, or the lease start.
    pub vacant_since: NaiveDate,
    pub days_vacant: i64,
    /// Rent plus charges paid each month for the empty unit, in cents.
    pub monthly_cost_cents: i64,
}

impl CsvRow for Vacancy {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::new("Identifiant du logement", |vacancy| {
            Cell::id(vacancy.unit_id)
        }),
        Column::new("Logement", |vacancy| Cell::text(&vacancy.label)),
        Column::new("Vacant depuis le", |vacancy| {
            Cell::date(vacancy.vacant_since)
        }),
        Column::new("Jours de vacance", |vacancy| {
            Cell::Integer(vacancy.days_vacant)
        }),
        Column::new("Coût mensuel (€)", |vacancy| {
            Cell::Cents(vacancy.monthly_cost_cents)
        }),
    ];
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Vacancies {
    pub items: Vec<Vacancy>,
}

/// Units leased on `as_of` that nobody occupies that day (admin, coordinator).
/// `?format=csv` for a spreadsheet.
#[utoipa::path(get, path = "/housing/vacancies", tag = "housing", params(VacancyParams),
    responses((status = 200, description = "The vacant units",
        content((Vacancies = "application/json"), (String = "text/csv")))))]
pub(crate) async fn vacancies(
    State(state): State<AppState>,
    caller: Allowed<HousingReaders>,
    ValidQuery(params): ValidQuery<VacancyParams>,
) -> Result<Response> {
    let as_of = params.as_of.unwrap_or_else(|| state.today());
    let items: Vec<Vacancy> =
        housing_reports::vacancies(&state.cases, &caller.case_caller(), as_of)
            .await?
            .into_iter()
            .map(|vacancy| Vacancy {
                unit_id: vacancy.unit_id,
                label: vacancy.label,
                vacant_since: vacancy.vacant_since,
                days_vacant: vacancy.days_vacant,
                monthly_cost_cents: vacancy.monthly_cost_cents,
            })
            .collect();
    match params.format.unwrap_or_default() {
        Format::Csv => csv_response(&items, &format!("logements-vacants-{as_of}.csv")),
        Format::Json => Ok(Json(Vacancies { items }).into_response()),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeasesEndingParams {
    /// Default today.
    pub as_of: Option<NaiveDate>,
    /// Default 90.
    #[param(minimum = 0, maximum = 3660)]
    pub within_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndingLease {
    pub lease_id: Uuid,
    pub unit_id: Uuid,
    pub label: String,
    pub ends_on: NaiveDate,
    pub days_remaining: i64,
    /// True when a family still lives there on the lease's last day.
    pub occupied: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndingLeases {
    pub items: Vec<EndingLease>,
}

/// Leases whose end falls within `within_days` of `as_of`, flagging those
/// whose unit is still occupied (admin, coordinator).
#[utoipa::path(get, path = "/housing/leases-ending", tag = "housing", params(LeasesEndingParams),
    responses((status = 200, description = "The leases ending", body = EndingLeases)))]
pub(crate) async fn leases_ending(
    State(state): State<AppState>,
    caller: Allowed<HousingReaders>,
    ValidQuery(params): ValidQuery<LeasesEndingParams>,
) -> Result<Json<EndingLeases>> {
    let as_of = params.as_of.unwrap_or_else(|| state.today());
    let items = housing_reports::leases_ending(
        &state.cases,
        &caller.case_caller(),
        as_of,
        params.within_days.unwrap_or(90),
    )
    .await?
    .into_iter()
    .map(|lease| EndingLease {
        lease_id: lease.lease_id,
        unit_id: lease.unit_id,
        label: lease.label,
        ends_on: lease.ends_on,
        days_remaining: lease.days_remaining,
        occupied: lease.occupied,
    })
    .collect();
    Ok(Json(EndingLeases { items }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    pub from: NaiveDate,
    /// Inclusive; at most 3660 days after `from`.
    pub to: NaiveDate,
    #[param(schema_with = crate::schema::csv_format)]
    pub format: Option<Format>,
}

/// Occupancy and cost over the range, for one scope (all units, or one kind
/// of landlord).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OccupancyFigures {
    /// `total`, `private` or `social`.
    pub scope: String,
    /// Days each unit was under lease, added up.
    pub leased_unit_days: i64,
    /// Days each leased unit was lived in, added up.
    pub occupied_unit_days: i64,
    /// Occupied ÷ leased unit-days, 0 when nothing was leased.
    pub occupancy_rate: f64,
    /// Rent plus charges prorated by day, in cents.
    pub rent_cost_cents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OccupancyReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: OccupancyFigures,
    pub by_landlord_kind: Vec<OccupancyFigures>,
}

/// Leased and occupied unit-days, the occupancy rate, and the rent cost over
/// a date range, in total and by landlord kind (admin, coordinator).
/// `?format=csv` for a spreadsheet.
#[utoipa::path(get, path = "/reports/occupancy", tag = "housing", params(ReportParams),
    responses((status = 200, description = "The report",
        content((OccupancyReport = "application/json"), (String = "text/csv")))))]
pub(crate) async fn occupancy_report(
    State(state): State<AppState>,
    caller: Allowed<ReportReaders>,
    ValidQuery(params): ValidQuery<ReportParams>,
) -> Result<Response> {
    let report = housing_reports::occupancy_report(
        &state.cases,
        &caller.case_caller(),
        params.from,
        params.to,
    )
    .await?;
    match params.format.unwrap_or_default() {
        Format::Csv => occupancy_csv(&report),
        Format::Json => {
            let (total, by_kind) = scopes(&report);
            Ok(Json(OccupancyReport {
                from: report.from,
                to: report.to,
                total,
                by_landlord_kind: by_kind,
            })
            .into_response())
        }
    }
}

/// The report's figures: the whole stock, then each kind of landlord.
fn scopes(report: &housing_reports::OccupancyReport) -> (OccupancyFigures, Vec<OccupancyFigures>) {
    let total = OccupancyFigures::new("total", &report.total);
    let by_kind = report
        .by_landlord_kind
        .iter()
        .map(|(kind, figures)| OccupancyFigures::new(kind.as_str(), figures))
        .collect();
    (total, by_kind)
}

/// The occupancy report as the spreadsheet `?format=csv` answers (the
/// web's page serves the very same file, written by the use cases).
fn occupancy_csv(report: &housing_reports::OccupancyReport) -> Result<Response> {
    Ok(csv_file_response(housing_reports::occupancy_csv(report)?))
}

impl OccupancyFigures {
    fn new(scope: &str, figures: &housing_reports::OccupancyFigures) -> Self {
        Self {
            scope: scope.to_owned(),
            leased_unit_days: figures.leased_unit_days,
            occupied_unit_days: figures.occupied_unit_days,
            occupancy_rate: figures.occupancy_rate(),
            rent_cost_cents: figures.rent_cost_cents,
        }
    }
}
