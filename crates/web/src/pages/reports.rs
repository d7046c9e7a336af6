//! `/rapports` (coordinators, admins, the head office): the reports each site sends the
//! département, as papers to print: the activity report of the year and
//! of the four before, each a PDF/A-2b written by the API's use case
//! (`/rapports/activite.pdf?annee=`).

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use nido_domain::Role;

use crate::Web;
use crate::error::WebError;
use crate::layout::{Frame, page};
use crate::pages::documents::paper;
use crate::pages::query_value;
use crate::session::SignedIn;

const SECTION: &str = "/rapports";
/// How many years the page offers, this one first.
const YEARS: i32 = 5;

#[derive(Template)]
#[template(path = "rapports.html")]
struct ReportsPage {
    frame: Frame,
    /// (what it is, the activity report's address): a year's, of each
    /// site the reader reads.
    years: Vec<(String, String)>,
}

/// Who may print the reports: the coordinators, the admins and the head
/// office.
fn require_management(signed_in: &SignedIn) -> Result<(), WebError> {
    match signed_in.user().role {
        Role::Coordinator | Role::Admin | Role::HeadOffice => Ok(()),
        Role::Staff => Err(WebError::Forbidden),
    }
}

pub async fn show(State(web): State<Web>, signed_in: SignedIn) -> Result<Response, WebError> {
    require_management(&signed_in)?;
    // Her sites (already read with her session), or the one she works in.
    let sites: Vec<_> = signed_in
        .sites
        .iter()
        .filter(|site| signed_in.shows_site(site.id))
        .collect();
    let this_year = web.today().year();
    let mut years = Vec::new();
    for back in 0..YEARS {
        let year = this_year - back;
        match sites.as_slice() {
            [_] if !signed_in.has_several_sites() => years.push((
                format!("Rapport d'activité {year} (PDF)"),
                format!("/rapports/activite.pdf?annee={year}"),
            )),
            several => years.extend(several.iter().map(|site| {
                (
                    format!("Rapport d'activité {year}, {} (PDF)", site.name),
                    format!("/rapports/activite.pdf?annee={year}&site={}", site.id),
                )
            })),
        }
    }
    page(
        StatusCode::OK,
        &ReportsPage {
            frame: Frame::signed_in("Rapports", &signed_in, SECTION),
            years,
        },
    )
}

/// `/rapports/activite.pdf?annee=2026`: the activity report as a PDF.
pub async fn activity(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    require_management(&signed_in)?;
    let year: i32 = query_value(query.as_deref(), "annee")
        .and_then(|raw| raw.parse().ok())
        .ok_or(WebError::NotFound)?;
    if !(2000..=2100).contains(&year) {
        return Err(WebError::NotFound);
    }
    // `site`: which site's report, for those who read several.
    let site = query_value(query.as_deref(), "site").and_then(|raw| raw.parse().ok());
    Ok(paper(
        nido_cases::papers::activity_report(&web.cases, &signed_in.case_caller(), year, site)
            .await?,
    ))
}
