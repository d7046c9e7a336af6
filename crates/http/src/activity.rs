//! The yearly activity report to the département, as JSON or as a CSV of
//! `Rubrique;Élément;Valeur` lines for French Excel.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use nido_cases::activity::{self, ActivityReport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::csv_export::{Cell, Column, CsvRow, Format, csv_response};
use crate::error::Result;
use crate::extract::ValidQuery;
use crate::gate::{Allowed, ReportReaders};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityParams {
    #[param(minimum = 2000, maximum = 2100, example = 2026)]
    pub year: i32,
    #[param(schema_with = crate::schema::csv_format)]
    pub format: Option<Format>,
    /// One site's report (one the caller reads); absent, every site she
    /// reads, summed, with a line per site.
    pub site_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Outcomes {
    pub admitted: i64,
    pub declined: i64,
    pub withdrawn: i64,
    pub pending: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralFigures {
    pub total: i64,
    /// Count per source, every source listed.
    pub by_source: BTreeMap<String, i64>,
    /// Count per EDS that referred a family.
    pub by_eds: BTreeMap<String, i64>,
    /// Count per reason, every reason listed.
    pub by_reason: BTreeMap<String, i64>,
    /// Where the year's referrals stand now.
    pub outcomes: Outcomes,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExitFigures {
    pub total: i64,
    pub by_destination: BTreeMap<String, i64>,
    /// The exits that named the accepted housing step the family left by,
    /// by the step's kind.
    pub by_housing_step: BTreeMap<String, i64>,
}

/// The follow-ups made `after_months` after an exit, in the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpActivity {
    pub after_months: u32,
    pub made: i64,
    /// Housed then: stable, precarious or with rent arrears.
    pub housed: i64,
    /// `housed` ÷ `made`; null without a follow-up.
    pub housed_share: Option<f64>,
}

/// The way to a home.
#[derive(Debug, Serialize, ToSchema)]
pub struct HousingFigures {
    /// Offers accepted in the year after a social-housing application.
    pub waits: i64,
    /// Their median wait, from the first social-housing filing to the
    /// acceptance; null without one.
    pub median_wait_days: Option<i64>,
    pub follow_ups: Vec<FollowUpActivity>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthActivity {
    /// `YYYY-MM`.
    pub month: String,
    pub family_days: i64,
    pub child_days: i64,
    pub occupancy_rate: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Presence {
    /// 31 December, or today while the year runs.
    pub on: NaiveDate,
    pub families: i64,
    pub children: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityResponse {
    pub year: i32,
    pub referrals: ReferralFigures,
    pub admissions: i64,
    pub exits: ExitFigures,
    /// Of the placements that ended in the year (days, inclusive).
    pub average_stay_days: Option<f64>,
    /// Of the year's admissions, from the referral.
    pub average_wait_days: Option<f64>,
    pub months: Vec<MonthActivity>,
    pub family_days: i64,
    pub child_days: i64,
    /// Family-days ÷ (authorised places × days of the year).
    pub occupancy_rate: f64,
    pub present_on_dec_31: Presence,
    pub interventions_by_kind: BTreeMap<String, i64>,
    /// Informations préoccupantes transmitted: a count, never their content.
    pub concerns: i64,
    pub creche_minutes_by_purpose: BTreeMap<String, i64>,
    pub housing: HousingFigures,
    /// A line per site the report counts (one when it is one site's).
    pub sites: Vec<SiteActivity>,
}

/// One site in the year: its places, its families' days, its occupancy.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteActivity {
    pub site_id: Uuid,
    pub name: String,
    pub authorized_places: i64,
    pub family_days: i64,
    /// Family-days ÷ (its authorised places × days of the year).
    pub occupancy_rate: f64,
}

fn named<K: Copy>(pairs: &[(K, i64)], name: fn(K) -> &'static str) -> BTreeMap<String, i64> {
    pairs
        .iter()
        .map(|(key, count)| (name(*key).to_owned(), *count))
        .collect()
}

impl From<ActivityReport> for ActivityResponse {
    fn from(report: ActivityReport) -> Self {
        let outcome = |status: nido_domain::family::ReferralStatus| {
            report
                .outcomes
                .iter()
                .find(|(s, _)| *s == status)
                .map_or(0, |(_, count)| *count)
        };
        use nido_domain::family::ReferralStatus as S;
        Self {
            year: report.year,
            referrals: ReferralFigures {
                total: report.referrals,
                by_source: named(&report.by_source, |k| k.as_str()),
                by_eds: report.by_eds.iter().cloned().collect(),
                by_reason: named(&report.by_reason, |k| k.as_str()),
                outcomes: Outcomes {
                    admitted: outcome(S::Admitted),
                    declined: outcome(S::Declined),
                    withdrawn: outcome(S::Withdrawn),
                    pending: outcome(S::Pending),
                },
            },
            admissions: report.admissions,
            exits: ExitFigures {
                total: report.exits,
                by_destination: named(&report.exits_by_destination, |k| k.as_str()),
                by_housing_step: named(&report.exits_by_step_kind, |k| k.as_str()),
            },
            average_stay_days: report.average_stay_days,
            average_wait_days: report.average_wait_days,
            months: report
                .months
                .iter()
                .map(|month| MonthActivity {
                    month: month.month.first_day().format("%Y-%m").to_string(),
                    family_days: month.family_days,
                    child_days: month.child_days,
                    occupancy_rate: month.occupancy_rate,
                })
                .collect(),
            family_days: report.family_days,
            child_days: report.child_days,
            occupancy_rate: report.occupancy_rate,
            present_on_dec_31: Presence {
                on: report.present_on,
                families: report.families_present,
                children: report.children_present,
            },
            interventions_by_kind: named(&report.interventions_by_kind, |k| k.as_str()),
            concerns: report.concerns,
            creche_minutes_by_purpose: named(&report.creche_minutes_by_purpose, |k| k.as_str()),
            housing: HousingFigures {
                waits: report.housing_waits,
                median_wait_days: report.median_housing_wait_days,
                follow_ups: report
                    .follow_ups
                    .iter()
                    .map(|figures| FollowUpActivity {
                        after_months: figures.after_months,
                        made: figures.made,
                        housed: figures.housed,
                        housed_share: figures.housed_share,
                    })
                    .collect(),
            },
            sites: report
                .sites
                .into_iter()
                .map(|site| SiteActivity {
                    site_id: site.site_id,
                    name: site.name,
                    authorized_places: site.authorized_places,
                    family_days: site.family_days,
                    occupancy_rate: site.occupancy_rate,
                })
                .collect(),
        }
    }
}

/// One line of the CSV: a section, an item, a figure.
struct Line {
    section: &'static str,
    item: String,
    value: Cell,
}

impl CsvRow for Line {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::new("Rubrique", |line| Cell::text(line.section)),
        Column::new("Élément", |line| Cell::text(&line.item)),
        Column::new("Valeur", |line| line.value.clone()),
    ];
}

fn lines(report: &ActivityResponse) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut push = |section: &'static str, item: &str, value: Cell| {
        lines.push(Line {
            section,
            item: item.to_owned(),
            value,
        });
    };
    push(
        "Orientations",
        "Total",
        Cell::Integer(report.referrals.total),
    );
    for (source, count) in &report.referrals.by_source {
        push("Orientations par origine", source, Cell::Integer(*count));
    }
    for (eds, count) in &report.referrals.by_eds {
        push("Orientations par EDS", eds, Cell::Integer(*count));
    }
    for (reason, count) in &report.referrals.by_reason {
        push("Orientations par motif", reason, Cell::Integer(*count));
    }
    let outcomes = &report.referrals.outcomes;
    for (item, count) in [
        ("Admises", outcomes.admitted),
        ("Refusées", outcomes.declined),
        ("Retirées", outcomes.withdrawn),
        ("En attente", outcomes.pending),
    ] {
        push("Suites des orientations", item, Cell::Integer(count));
    }
    push("Admissions", "Total", Cell::Integer(report.admissions));
    push("Sorties", "Total", Cell::Integer(report.exits.total));
    for (destination, count) in &report.exits.by_destination {
        push(
            "Sorties par destination",
            destination,
            Cell::Integer(*count),
        );
    }
    for (kind, count) in &report.exits.by_housing_step {
        push(
            "Sorties par démarche de logement",
            kind,
            Cell::Integer(*count),
        );
    }
    let housing = &report.housing;
    push(
        "Accès au logement",
        "Offres acceptées après une demande de logement social",
        Cell::Integer(housing.waits),
    );
    push(
        "Accès au logement",
        "Attente médiane depuis la demande (jours)",
        housing
            .median_wait_days
            .map_or(Cell::text(""), Cell::Integer),
    );
    for follow_up in &housing.follow_ups {
        let months = follow_up.after_months;
        push(
            "Suivis après la sortie",
            &format!("{months} mois : faits"),
            Cell::Integer(follow_up.made),
        );
        push(
            "Suivis après la sortie",
            &format!("{months} mois : logées"),
            Cell::Integer(follow_up.housed),
        );
        push(
            "Suivis après la sortie",
            &format!("{months} mois : part logée"),
            follow_up.housed_share.map_or(Cell::text(""), Cell::Rate),
        );
    }
    let average = |value: Option<f64>| value.map_or(Cell::text(""), Cell::Rate);
    push(
        "Durées",
        "Séjour moyen (jours)",
        average(report.average_stay_days),
    );
    push(
        "Durées",
        "Attente moyenne (jours)",
        average(report.average_wait_days),
    );
    // A month's or the year's days and occupancy.
    let mut days = |item: &str, family_days: i64, child_days: i64, occupancy_rate: f64| {
        push("Journées familles", item, Cell::Integer(family_days));
        push("Journées enfants", item, Cell::Integer(child_days));
        push("Taux d'occupation", item, Cell::Rate(occupancy_rate));
    };
    for month in &report.months {
        days(
            &month.month,
            month.family_days,
            month.child_days,
            month.occupancy_rate,
        );
    }
    days(
        "Année",
        report.family_days,
        report.child_days,
        report.occupancy_rate,
    );
    let present = &report.present_on_dec_31;
    push(
        "Présentes au 31 décembre",
        "Familles",
        Cell::Integer(present.families),
    );
    push(
        "Présentes au 31 décembre",
        "Enfants",
        Cell::Integer(present.children),
    );
    for (kind, count) in &report.interventions_by_kind {
        push("Interventions par type", kind, Cell::Integer(*count));
    }
    push(
        "Informations préoccupantes",
        "Transmises",
        Cell::Integer(report.concerns),
    );
    for (purpose, minutes) in &report.creche_minutes_by_purpose {
        push(
            "Crèche : minutes par motif",
            purpose,
            Cell::Integer(*minutes),
        );
    }
    lines
}

/// The year's activity report (admin, coordinator): referrals by source,
/// EDS and reason and their outcomes, admissions, exits by destination,
/// average stay and wait, family-days and child-days by month, occupancy,
/// who was present on 31 December, interventions by kind, informations
/// préoccupantes, crèche minutes by purpose. Counts only.
#[utoipa::path(get, path = "/reports/activity", tag = "reports", params(ActivityParams),
    responses((status = 200, description = "The report",
        content((ActivityResponse = "application/json"), (String = "text/csv")))))]
pub(crate) async fn activity_report(
    State(state): State<AppState>,
    caller: Allowed<ReportReaders>,
    ValidQuery(params): ValidQuery<ActivityParams>,
) -> Result<Response> {
    let report = activity::activity_report(
        &state.cases,
        &caller.case_caller(),
        params.year,
        params.site_id,
    )
    .await?;
    let response = ActivityResponse::from(report);
    match params.format.unwrap_or_default() {
        Format::Csv => csv_response(&lines(&response), &format!("activite-{}.csv", params.year)),
        Format::Json => Ok(Json(response).into_response()),
    }
}
