//! `/logements` (admins): who lives where and the moves, vacancies, leases
//! ending, the occupancy report and its CSV, landlords, units and their
//! leases. Every figure comes from the use cases the API calls too
//! (`housing`, `housing_reports`); the forms are in
//! [`super::housing_forms`].

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use nido_cases::housing::{self, HousingStock};
use nido_cases::housing_reports;
use nido_cases::spreadsheet::{self, CsvFile};
use nido_domain::housing::{LandlordKind, Typology};

use crate::Web;
use crate::error::WebError;
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::admin_form::{Choice, Typed, case_refusal, euros};
use crate::pages::query_value;
use crate::session::SignedIn;

pub const SECTION: &str = "/logements";

/// The forms of the page, as typed (blank unless one was refused).
pub struct Forms {
    pub moving: Typed,
    pub landlord: Typed,
    pub unit: Typed,
    pub lease: Typed,
}

impl Default for Forms {
    fn default() -> Self {
        Forms {
            moving: Typed::blank("demenagement"),
            landlord: Typed::blank("bailleur"),
            unit: Typed::blank("logement"),
            lease: Typed::blank("bail"),
        }
    }
}

pub struct ResidenceRow {
    pub mother_name: String,
    pub unit: String,
    pub since: String,
}

pub struct VacancyRow {
    pub label: String,
    pub since: String,
    pub days: i64,
    pub cost: String,
}

pub struct EndingRow {
    pub label: String,
    pub ends_on: String,
    pub when: String,
    pub occupied: bool,
}

pub struct FiguresRow {
    pub scope: &'static str,
    pub leased: i64,
    pub occupied: i64,
    pub rate: String,
    pub cost: String,
}

pub struct LandlordRow {
    pub name: String,
    pub kind: &'static str,
    pub contact: String,
}

pub struct UnitRow {
    pub label: String,
    pub landlord: String,
    pub address: String,
    pub description: String,
    pub leases: Vec<String>,
}

#[derive(Template)]
#[template(path = "logements.html")]
pub struct HousingPage {
    frame: Frame,
    csrf: String,
    notice: Option<&'static str>,
    residences: Vec<ResidenceRow>,
    placements: Vec<Choice>,
    unit_choices: Vec<Choice>,
    landlord_choices: Vec<Choice>,
    kinds: Vec<Choice>,
    typologies: Vec<Choice>,
    /// The admin's sites for a new unit, when she has several.
    site_choices: Vec<crate::pages::Choice>,
    forms: Forms,
    vacancy_query: Typed,
    vacancies_on: String,
    vacancies: Vec<VacancyRow>,
    ending: Vec<EndingRow>,
    report_query: Typed,
    report: Vec<FiguresRow>,
    report_period: String,
    csv_href: Option<String>,
    landlords: Vec<LandlordRow>,
    units: Vec<UnitRow>,
}

pub fn landlord_kind(kind: LandlordKind) -> &'static str {
    match kind {
        LandlordKind::Private => "particulier",
        LandlordKind::Social => "bailleur social",
    }
}

pub fn typology(typology: Typology) -> &'static str {
    match typology {
        Typology::Studio => "studio",
        Typology::T1 => "T1",
        Typology::T2 => "T2",
        Typology::T3 => "T3",
        Typology::T4Plus => "T4 ou plus",
    }
}

fn scope(kind: Option<LandlordKind>) -> &'static str {
    match kind {
        None => "Ensemble du parc",
        Some(LandlordKind::Private) => "Particuliers",
        Some(LandlordKind::Social) => "Bailleurs sociaux",
    }
}

/// 0.8753 → "87,5 %".
fn rate(rate: f64) -> String {
    format!("{:.1}\u{a0}%", rate * 100.0).replace('.', ",")
}

fn notice(query: Option<&str>) -> Option<&'static str> {
    Some(match query_value(query, "ok")?.as_str() {
        "bailleur" => "Le bailleur a été ajouté.",
        "logement" => "Le logement a été ajouté.",
        "bail" => "Le bail a été enregistré.",
        "demenagement" => "Le déménagement a été enregistré.",
        _ => return None,
    })
}

/// A day of the query, `default` when absent; an unreadable one is noted
/// next to its field.
fn day_of(query: Option<&str>, name: &str, default: NaiveDate, typed: &mut Typed) -> NaiveDate {
    let raw = query_value(query, name).unwrap_or_default();
    let raw = raw.trim();
    if raw.is_empty() {
        typed.set(name, default.to_string());
        return default;
    }
    typed.set(name, raw);
    raw.parse().unwrap_or_else(|_| {
        typed
            .errors
            .add(name, "Indiquez une date, par exemple 2026-03-31.");
        default
    })
}

/// The page's report range from the query: `du`, `au` (default: this month
/// up to today).
pub fn report_range(
    query: Option<&str>,
    today: NaiveDate,
    typed: &mut Typed,
) -> (NaiveDate, NaiveDate) {
    let first = today.with_day(1).unwrap_or(today);
    let from = day_of(query, "du", first, typed);
    let to = day_of(query, "au", today, typed);
    (from, to)
}

pub async fn show(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    render(
        &web,
        &signed_in,
        query.as_deref(),
        Forms::default(),
        StatusCode::OK,
    )
    .await
}

/// The page, with `forms` as typed, answered with `status`.
pub async fn render(
    web: &Web,
    signed_in: &SignedIn,
    query: Option<&str>,
    mut forms: Forms,
    status: StatusCode,
) -> Result<Response, WebError> {
    let caller = signed_in.case_caller();
    caller.require(housing::EDITORS)?;
    // A new unit is offered in the site she works in first.
    if let Some(site) = signed_in
        .chosen_site
        .filter(|_| forms.unit.value("site_id").is_empty())
    {
        forms.unit.set("site_id", site.to_string());
    }
    let cases = &web.cases;
    let today = web.today();

    let residences = housing_reports::residences(cases, &caller, today).await?;
    let placements = residences
        .iter()
        .map(|r| Choice::new(r.placement_id.to_string(), r.mother_name.clone()))
        .collect();
    let residences = residences
        .into_iter()
        .map(|r| {
            let (unit, since) = match r.unit {
                Some((_, label, since)) => (label, french::short_date(since)),
                None => ("Sans logement".to_owned(), "—".to_owned()),
            };
            ResidenceRow {
                mother_name: r.mother_name,
                unit,
                since,
            }
        })
        .collect();

    let mut vacancy_query = Typed::blank("vacance");
    let vacancies_on = day_of(query, "le", today, &mut vacancy_query);
    let vacancies = housing_reports::vacancies(cases, &caller, vacancies_on)
        .await?
        .into_iter()
        .map(|v| VacancyRow {
            label: v.label,
            since: french::short_date(v.vacant_since),
            days: v.days_vacant,
            cost: euros(v.monthly_cost_cents),
        })
        .collect();
    let ending = housing_reports::leases_ending(cases, &caller, today, 90)
        .await?
        .into_iter()
        .map(|lease| EndingRow {
            label: lease.label,
            ends_on: french::short_date(lease.ends_on),
            when: french::days_from_now(lease.days_remaining),
            occupied: lease.occupied,
        })
        .collect();

    let mut report_query = Typed::blank("rapport");
    let (from, to) = report_range(query, today, &mut report_query);
    let (mut report, mut csv_href) = (Vec::new(), None);
    let mut status = status;
    if !report_query.refused() {
        match housing_reports::occupancy_report(cases, &caller, from, to).await {
            Ok(found) => {
                let mut rows = vec![(None, found.total)];
                rows.extend(
                    found
                        .by_landlord_kind
                        .into_iter()
                        .map(|(k, f)| (Some(k), f)),
                );
                report = rows
                    .into_iter()
                    .map(|(kind, figures)| FiguresRow {
                        scope: scope(kind),
                        leased: figures.leased_unit_days,
                        occupied: figures.occupied_unit_days,
                        rate: rate(figures.occupancy_rate()),
                        cost: euros(figures.rent_cost_cents),
                    })
                    .collect();
                csv_href = Some(format!("/logements/occupation.csv?du={from}&au={to}"));
            }
            Err(refused) => {
                let place =
                    |field: &str| Some(if field == "from" { "du" } else { "au" }.to_owned());
                report_query.errors = case_refusal(refused, place)?.0;
            }
        }
    }
    if report_query.refused() || vacancy_query.refused() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }

    let HousingStock {
        landlords: all_landlords,
        units: mut all_units,
        leases,
    } = housing::stock(cases, &caller).await?;
    // The units of the site she works in (the switcher's), or of all hers.
    all_units.retain(|unit| signed_in.shows_site(unit.site_id));
    let names: HashMap<_, _> = all_landlords
        .iter()
        .map(|l| (l.id, l.name.clone()))
        .collect();
    let units = all_units
        .iter()
        .map(|unit| UnitRow {
            label: unit.label.clone(),
            landlord: names.get(&unit.landlord_id).cloned().unwrap_or_default(),
            address: format!("{}, {} {}", unit.street, unit.postal_code, unit.city),
            description: format!(
                "{}, {} m², {} personne{}",
                typology(unit.typology),
                unit.surface_m2.to_string().replace('.', ","),
                unit.capacity,
                if unit.capacity > 1 { "s" } else { "" }
            ),
            leases: leases
                .iter()
                .filter(|lease| lease.unit_id == unit.id)
                .map(|lease| {
                    let span = match lease.span.end {
                        Some(end) => format!(
                            "du {} au {}",
                            french::short_date(lease.span.start),
                            french::short_date(end)
                        ),
                        None => format!("depuis le {}", french::short_date(lease.span.start)),
                    };
                    format!(
                        "Bail {span} : loyer {} + charges {}",
                        euros(lease.monthly_rent_cents),
                        euros(lease.monthly_charges_cents)
                    )
                })
                .collect(),
        })
        .collect();
    let unit_choices = all_units
        .iter()
        .map(|unit| Choice::new(unit.id.to_string(), unit.label.clone()))
        .collect();
    let landlord_choices = all_landlords
        .iter()
        .map(|l| Choice::new(l.id.to_string(), l.name.clone()))
        .collect();
    let landlords = all_landlords
        .into_iter()
        .map(|l| LandlordRow {
            kind: landlord_kind(l.kind),
            contact: [l.contact_name, l.phone, l.email, l.address]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            name: l.name,
        })
        .collect();

    let housing_page = HousingPage {
        frame: Frame::signed_in("Logements", signed_in, SECTION),
        csrf: signed_in.csrf.clone(),
        notice: notice(query),
        residences,
        placements,
        unit_choices,
        landlord_choices,
        kinds: LandlordKind::ALL
            .iter()
            .map(|k| Choice::new(k.as_str(), landlord_kind(*k)))
            .collect(),
        typologies: Typology::ALL
            .iter()
            .map(|t| Choice::new(t.as_str(), typology(*t)))
            .collect(),
        site_choices: crate::pages::site_choices(signed_in, None),
        forms,
        vacancy_query,
        vacancies_on: french::date(vacancies_on),
        vacancies,
        ending,
        report_query,
        report,
        report_period: format!("du {} au {}", french::date(from), french::date(to)),
        csv_href,
        landlords,
        units,
    };
    page(status, &housing_page)
}

/// `GET /logements/occupation.csv?du&au`: the occupancy report as the API's
/// `GET /reports/occupancy?format=csv` answers it, same file and headers,
/// for the session's admin.
pub async fn occupancy_csv(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let caller = signed_in.case_caller();
    caller.require(housing::EDITORS)?;
    let mut typed = Typed::blank("rapport");
    let (from, to) = report_range(query.as_deref(), web.today(), &mut typed);
    if typed.refused() {
        return Err(WebError::NotFound);
    }
    let report = housing_reports::occupancy_report(&web.cases, &caller, from, to).await;
    match report {
        Ok(report) => Ok(download(housing_reports::occupancy_csv(&report)?)),
        Err(nido_cases::CaseError::Invalid(_)) => Err(WebError::NotFound),
        Err(other) => Err(other.into()),
    }
}

/// A spreadsheet as an attachment, with the API's headers.
fn download(file: CsvFile) -> Response {
    (
        [
            (header::CONTENT_TYPE, spreadsheet::CONTENT_TYPE.to_owned()),
            (header::CONTENT_DISPOSITION, file.content_disposition()),
        ],
        file.bytes,
    )
        .into_response()
}
