//! `/rapports` (coordinators, admins): the reports the centre sends the
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
    /// (year, the activity report's address).
    years: Vec<(i32, String)>,
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
    let this_year = web.today().year();
    let years = (0..YEARS)
        .map(|back| {
            let year = this_year - back;
            (year, format!("/rapports/activite.pdf?annee={year}"))
        })
        .collect();
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
    Ok(paper(
        nido_cases::papers::activity_report(&web.cases, &signed_in.case_caller(), year).await?,
    ))
}
