//! The papers nido prints, as PDF/A-2b downloads: the contract of stay (or
//! DIPC), the avenant of a renewal, the attestation d'hébergement.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use nido_cases::papers::{self, Printed};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::ApiPath;
use crate::extract::ValidQuery;
use crate::gate::{Allowed, ReportReaders, Team};
use crate::state::AppState;

/// A printed paper as a download that no cache keeps.
fn download(printed: Printed) -> Response {
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", printed.file_name))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        printed.pdf,
    )
        .into_response()
}

/// The contrat de séjour, or the DIPC by the contract's kind (coordinators;
/// staff for their families): the centre, the mother and children, the
/// admission, the current period and the cap, the unit, the objectives of
/// the latest projet personnalisé, the rules' references, the signature
/// blocks. PDF/A-2b; audited with its SHA-256 and the template's version.
#[utoipa::path(get, path = "/placements/{id}/contract.pdf", tag = "papers",
    params(("id" = Uuid, Path, description = "The placement")),
    responses((status = 200, description = "The contract, as a PDF/A-2b download",
        content((Vec<u8> = "application/pdf")))))]
pub(crate) async fn contract_pdf(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    Ok(download(
        papers::contract(&state.cases, &caller.case_caller(), id).await?,
    ))
}

/// The avenant of the renewal that began period `number` (2 or more).
#[utoipa::path(get, path = "/placements/{id}/periods/{number}/amendment.pdf", tag = "papers",
    params(("id" = Uuid, Path, description = "The placement"),
        ("number" = i32, Path, description = "The period the renewal began", minimum = 2)),
    responses((status = 200, description = "The avenant, as a PDF/A-2b download",
        content((Vec<u8> = "application/pdf")))))]
pub(crate) async fn amendment_pdf(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath((id, number)): ApiPath<(Uuid, i32)>,
) -> Result<Response> {
    Ok(download(
        papers::amendment(&state.cases, &caller.case_caller(), id, number).await?,
    ))
}

/// The attestation d'hébergement of a family housed today (who lives at
/// which address, since when), for the mother's own procedures (CAF,
/// préfecture). 409 `not_housed` for a family the centre does not house.
#[utoipa::path(get, path = "/families/{id}/attestation.pdf", tag = "papers",
    params(("id" = Uuid, Path, description = "The family")),
    responses((status = 200, description = "The attestation, as a PDF/A-2b download",
        content((Vec<u8> = "application/pdf")))))]
pub(crate) async fn attestation_pdf(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    Ok(download(
        papers::attestation(&state.cases, &caller.case_caller(), id).await?,
    ))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// 2000 to 2100.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// The site whose report it is (one the caller reads); absent, hers
    /// when she belongs to one.
    pub site_id: Option<Uuid>,
}

/// The year's activity report as a PDF/A-2b for the département (admin,
/// coordinator): its figures, and the monthly occupancy as a bar chart and
/// a table.
#[utoipa::path(get, path = "/reports/activity.pdf", tag = "reports", params(YearParams),
    responses((status = 200, description = "The report, as a PDF/A-2b download",
        content((Vec<u8> = "application/pdf")))))]
pub(crate) async fn activity_pdf(
    State(state): State<AppState>,
    caller: Allowed<ReportReaders>,
    ValidQuery(params): ValidQuery<YearParams>,
) -> Result<Response> {
    Ok(download(
        papers::activity_report(
            &state.cases,
            &caller.case_caller(),
            params.year,
            params.site_id,
        )
        .await?,
    ))
}
