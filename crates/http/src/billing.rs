//! The billing statement to the département (admins): each placement's days
//! present in a month at the prix de journée, as JSON or CSV.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use nido_cases::billing::{self, BillingLine, BillingStatement};
use nido_domain::calendar::Month;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::csv_export::{Cell, Column, CsvRow, Format, csv_response};
use crate::error::{ApiError, Result};
use crate::extract::ValidQuery;
use crate::gate::{Allowed, BillingReaders};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BillingParams {
    /// The month, `YYYY-MM`.
    #[param(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-11")]
    pub month: String,
    #[param(schema_with = crate::schema::csv_format)]
    pub format: Option<Format>,
    /// One site's statement (one the admin belongs to); absent, every site
    /// she belongs to, summed with a line per site.
    pub site_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BillingLineResponse {
    pub placement_id: Uuid,
    pub family_id: Uuid,
    /// The family's site, whose prix de journée the line is billed at.
    pub site_id: Uuid,
    #[schema(minimum = 0)]
    pub daily_rate_cents: i64,
    pub mother_name: String,
    pub admitted_on: NaiveDate,
    /// `null` while the placement is active.
    pub exited_on: Option<NaiveDate>,
    /// Days present in the month, admission and exit days included; an
    /// active placement counts up to today.
    #[schema(minimum = 1)]
    pub days: i64,
    /// `days` × `daily_rate_cents`.
    #[schema(minimum = 0)]
    pub amount_cents: i64,
}

impl From<&BillingLine> for BillingLineResponse {
    fn from(line: &BillingLine) -> Self {
        Self {
            placement_id: line.placement_id,
            family_id: line.family_id,
            site_id: line.site_id,
            daily_rate_cents: line.daily_rate_cents,
            mother_name: line.mother_name(),
            admitted_on: line.admitted_on,
            exited_on: line.exited_on,
            days: line.days,
            amount_cents: line.amount_cents,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BillingStatementResponse {
    /// `YYYY-MM`.
    pub month: String,
    /// The prix de journée in cents (0 while not set): the site's, or the
    /// sites' when they share it; null for sites of different rates (each
    /// line and each site says its own).
    #[schema(minimum = 0)]
    pub daily_rate_cents: Option<i64>,
    /// One per placement present in the month, by the mother's name.
    pub lines: Vec<BillingLineResponse>,
    /// A line per site, by name.
    pub sites: Vec<SiteBillingResponse>,
    #[schema(minimum = 0)]
    pub total_days: i64,
    #[schema(minimum = 0)]
    pub total_cents: i64,
}

/// One site's part of a statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteBillingResponse {
    pub site_id: Uuid,
    pub name: String,
    #[schema(minimum = 0)]
    pub daily_rate_cents: i64,
    #[schema(minimum = 0)]
    pub total_days: i64,
    #[schema(minimum = 0)]
    pub total_cents: i64,
}

/// The billing statement of a month (admin): each placement present, its
/// days and their amount at the prix de journée, and the totals.
/// `?format=csv` for a spreadsheet, with a last line of totals.
#[utoipa::path(get, path = "/reports/billing", tag = "reports", params(BillingParams),
    responses((status = 200, description = "The statement",
        content((BillingStatementResponse = "application/json"), (String = "text/csv")))))]
pub(crate) async fn statement(
    State(state): State<AppState>,
    caller: Allowed<BillingReaders>,
    ValidQuery(params): ValidQuery<BillingParams>,
) -> Result<Response> {
    let month =
        Month::parse(&params.month).map_err(|err| ApiError::invalid("month", err.into()))?;
    let statement =
        billing::statement(&state.cases, &caller.case_caller(), month, params.site_id).await?;
    match params.format.unwrap_or_default() {
        Format::Csv => csv_response(
            &StatementRow::all(&statement),
            &format!("facturation-{month}.csv"),
        ),
        Format::Json => Ok(Json(BillingStatementResponse {
            month: month.to_string(),
            daily_rate_cents: statement.daily_rate_cents,
            lines: statement.lines.iter().map(Into::into).collect(),
            sites: statement
                .sites
                .iter()
                .map(|site| SiteBillingResponse {
                    site_id: site.site_id,
                    name: site.name.clone(),
                    daily_rate_cents: site.daily_rate_cents,
                    total_days: site.total_days,
                    total_cents: site.total_cents,
                })
                .collect(),
            total_days: statement.total_days,
            total_cents: statement.total_cents,
        })
        .into_response()),
    }
}

/// A line of the statement's spreadsheet: a placement, or the totals last.
struct StatementRow {
    placement_id: Option<Uuid>,
    family_id: Option<Uuid>,
    mother_name: String,
    admitted_on: Option<NaiveDate>,
    exited_on: Option<NaiveDate>,
    days: i64,
    daily_rate_cents: Option<i64>,
    amount_cents: i64,
}

impl StatementRow {
    fn all(statement: &BillingStatement) -> Vec<StatementRow> {
        let lines = statement.lines.iter().map(|line| StatementRow {
            placement_id: Some(line.placement_id),
            family_id: Some(line.family_id),
            mother_name: line.mother_name(),
            admitted_on: Some(line.admitted_on),
            exited_on: line.exited_on,
            days: line.days,
            daily_rate_cents: Some(line.daily_rate_cents),
            amount_cents: line.amount_cents,
        });
        // Several sites: a total of each before the statement's.
        let per_site = statement
            .sites
            .iter()
            .filter(|_| statement.sites.len() > 1)
            .map(|site| StatementRow {
                placement_id: None,
                family_id: None,
                mother_name: format!("Total {}", site.name),
                admitted_on: None,
                exited_on: None,
                days: site.total_days,
                daily_rate_cents: Some(site.daily_rate_cents),
                amount_cents: site.total_cents,
            });
        let total = StatementRow {
            placement_id: None,
            family_id: None,
            mother_name: "Total".to_owned(),
            admitted_on: None,
            exited_on: None,
            days: statement.total_days,
            daily_rate_cents: statement.daily_rate_cents,
            amount_cents: statement.total_cents,
        };
        lines.chain(per_site).chain([total]).collect()
    }
}

fn optional_id(id: Option<Uuid>) -> Cell {
    id.map_or_else(|| Cell::text(""), Cell::id)
}

impl CsvRow for StatementRow {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::new("Identifiant de la prise en charge", |row| {
            optional_id(row.placement_id)
        }),
        Column::new("Identifiant de la famille", |row| {
            optional_id(row.family_id)
        }),
        Column::new("Mère", |row| Cell::text(&row.mother_name)),
        Column::new("Admise le", |row| Cell::Date(row.admitted_on)),
        Column::new("Sortie le", |row| Cell::Date(row.exited_on)),
        Column::new("Jours de présence", |row| Cell::Integer(row.days)),
        Column::new("Prix de journée (€)", |row| {
            row.daily_rate_cents
                .map_or_else(|| Cell::text(""), Cell::Cents)
        }),
        Column::new("Montant (€)", |row| Cell::Cents(row.amount_cents)),
    ];
}
