//! The right of access (RGPD article 15): a mother may ask for her whole
//! file. `GET /families/{id}/export` gives it to the coordinator as JSON or
//! as a printable page in French. Restricted interventions are the
//! professionals' personal notes and are left out; the consultations of the
//! file are listed by date and the reader's profession, never her name.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases::export::{self, FamilyFile};
use nido_domain::creche::{BookingPurpose, BookingStatus};
use nido_domain::document::{Document, DocumentKind};
use nido_domain::project::ContractKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{ApiPath, ValidQuery};
use crate::families::FamilyResponse;
use crate::gate::{Allowed, Coordinators};
use crate::placements::PlacementResponse;
use crate::referrals::ReferralResponse;
use crate::schema::ExportFormat;
use crate::state::AppState;

mod html;

/// A stay in one of the centre's apartments.
#[derive(Debug, Serialize, ToSchema)]
pub struct HousingStay {
    pub label: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// An intervention as the mother sees it: the professions of those
/// present, not their names.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedIntervention {
    pub occurred_at: DateTime<Utc>,
    pub kind: String,
    pub duration_minutes: i32,
    pub professions_present: Vec<String>,
    pub summary: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedAction {
    pub description: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

/// Someone read or changed the file: when, and her profession.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consultation {
    pub at: DateTime<Utc>,
    /// The reader's profession (`system` for nido's own jobs).
    pub profession: String,
    /// What was done, e.g. `family.read`, `intervention.create`.
    pub action: String,
}

/// The contract of stay of a placement.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedContract {
    pub placement_id: Uuid,
    #[schema(schema_with = crate::schema::contract_kind)]
    pub kind: ContractKind,
    pub delivered_on: Option<NaiveDate>,
    pub signed_on: Option<NaiveDate>,
}

/// A version of the projet personnalisé, without the names of those who
/// took part.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedReview {
    pub placement_id: Uuid,
    pub reviewed_on: NaiveDate,
    pub mother_present: bool,
    pub objectives: Vec<crate::projects::ObjectiveBody>,
}

/// A child's day at the crèche.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedBooking {
    pub child_id: Uuid,
    pub on: NaiveDate,
    pub starts_at: String,
    pub ends_at: String,
    #[schema(schema_with = crate::schema::booking_purpose)]
    pub purpose: BookingPurpose,
    pub notes: Option<String>,
    #[schema(schema_with = crate::schema::booking_status)]
    pub status: BookingStatus,
    pub arrived_at: Option<String>,
    pub left_at: Option<String>,
}

/// A workshop she took part in.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedWorkshop {
    pub title: String,
    pub on: NaiveDate,
    pub starts_at: String,
    pub ends_at: String,
    pub partner: Option<String>,
    /// `registered`, `attended` or `absent`.
    pub status: String,
}

/// A team document of her paper file: its description; its content is
/// in the archive form of the export (`?format=zip`), under `name`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedDocument {
    pub id: Uuid,
    #[schema(schema_with = crate::schema::document_kind)]
    pub kind: DocumentKind,
    pub title: String,
    #[schema(schema_with = crate::schema::media_type)]
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub added_at: DateTime<Utc>,
    /// The profession of who added it.
    pub added_by: String,
    /// When it was removed: its content is gone.
    pub removed_at: Option<DateTime<Utc>>,
    /// Its file's name in the archive; null once removed.
    pub file_name: Option<String>,
}

/// The exit to housing: the steps, oldest first, and the follow-ups.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedPathway {
    pub steps: Vec<crate::pathway::HousingStepResponse>,
    pub follow_ups: Vec<crate::pathway::FollowUpResponse>,
}

/// Another file of hers, and when and why it was found to be hers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedLink {
    pub family_id: Uuid,
    pub decided_at: DateTime<Utc>,
    pub note: String,
}

/// The whole file a mother may ask for.
#[derive(Debug, Serialize, ToSchema)]
pub struct FamilyExport {
    pub generated_at: DateTime<Utc>,
    pub family: FamilyResponse,
    pub referrals: Vec<ReferralResponse>,
    pub placements: Vec<PlacementResponse>,
    pub housing: Vec<HousingStay>,
    /// The `team` interventions, oldest first.
    pub interventions: Vec<ExportedIntervention>,
    pub actions: Vec<ExportedAction>,
    /// Every read and write of the file, oldest first.
    pub consultations: Vec<Consultation>,
    pub contracts: Vec<ExportedContract>,
    /// Every version of the projet personnalisé, oldest first.
    pub project_reviews: Vec<ExportedReview>,
    pub creche_bookings: Vec<ExportedBooking>,
    pub workshops: Vec<ExportedWorkshop>,
    /// The team documents of her paper file, oldest first.
    pub documents: Vec<ExportedDocument>,
    /// Her steps towards a home, and the follow-ups after her exits.
    pub housing_pathway: ExportedPathway,
    /// Her other files, found to be hers by a coordinator (linked, never
    /// merged).
    pub linked_files: Vec<ExportedLink>,
    /// What the file holds that this export does not show, and why.
    pub left_out: Vec<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `json` (default), `html`, a printable page in French, or `zip`:
    /// both, with the files of the paper file's documents.
    #[param(schema_with = crate::schema::html_format)]
    pub format: Option<ExportFormat>,
}

/// The whole file of a family, for the mother's right of access
/// (coordinator). Audited.
#[utoipa::path(get, path = "/families/{id}/export", tag = "families",
    params(("id" = Uuid, Path), ExportParams),
    responses((status = 200, description = "The whole file",
        content((FamilyExport = "application/json"), (String = "text/html"), (Vec<u8> = "application/zip")))))]
#[tracing::instrument(skip_all, fields(family_id = %id))]
pub(crate) async fn export_family(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    ApiPath(id): ApiPath<Uuid>,
    ValidQuery(params): ValidQuery<ExportParams>,
) -> Result<Response> {
    let caller = caller.case_caller();
    let file = export::family_file(&state.cases, &caller, id).await?;
    Ok(match params.format.unwrap_or_default() {
        ExportFormat::Zip => {
            let documents: Vec<Document> = file
                .documents
                .iter()
                .map(|shared| shared.document.clone())
                .collect();
            let contents =
                nido_cases::documents::contents_for_export(&state.cases, &caller, &documents)
                    .await?;
            let html = html::render(&file, &state.cases.time_zone).map_err(anyhow::Error::from)?;
            let json = serde_json::to_vec_pretty(&FamilyExport::from(file))
                .map_err(anyhow::Error::from)?;
            let archive = tokio::task::spawn_blocking(move || archive(json, html, contents))
                .await
                .map_err(anyhow::Error::from)??;
            (
                [
                    (header::CONTENT_TYPE, "application/zip".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"dossier-{id}.zip\""),
                    ),
                ],
                archive,
            )
                .into_response()
        }
        ExportFormat::Json => Json(FamilyExport::from(file)).into_response(),
        // A download, never framed, loading nothing but its own style.
        ExportFormat::Html => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"dossier-{id}.html\""),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    html::content_security_policy(),
                ),
            ],
            html::render(&file, &state.cases.time_zone).map_err(anyhow::Error::from)?,
        )
            .into_response(),
    })
}

/// The export as an archive: `dossier.json`, `dossier.html` and each
/// document's file under the name the JSON gives it. Stored, not
/// compressed: the scans are compressed already.
fn archive(
    json: Vec<u8>,
    html: String,
    documents: Vec<(Document, Vec<u8>)>,
) -> anyhow::Result<Vec<u8>> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .unix_permissions(0o600);
    zip.start_file("dossier.json", options)?;
    zip.write_all(&json)?;
    zip.start_file("dossier.html", options)?;
    zip.write_all(html.as_bytes())?;
    for (document, content) in documents {
        zip.start_file(archive_name(&document), options)?;
        zip.write_all(&content)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// A document's file name in the export's archive: unique (its id) and
/// readable (its kind), with its format's extension.
pub fn archive_name(document: &Document) -> String {
    format!(
        "documents/{}-{}.{}",
        document.kind.as_str(),
        document.id,
        document.media_type.extension()
    )
}

impl From<FamilyFile> for FamilyExport {
    fn from(file: FamilyFile) -> Self {
        let births = file.family.births();
        Self {
            generated_at: file.generated_at,
            family: FamilyResponse::from(file.family),
            referrals: file.referrals.into_iter().map(ReferralResponse::from).collect(),
            placements: file
                .placements
                .into_iter()
                .map(|placement| PlacementResponse::new(placement, &births))
                .collect(),
            housing: file
                .housing
                .into_iter()
                .map(|stay| HousingStay {
                    label: stay.unit.label,
                    street: stay.unit.street,
                    postal_code: stay.unit.postal_code,
                    city: stay.unit.city,
                    starts_on: stay.span.start,
                    ends_on: stay.span.end,
                })
                .collect(),
            interventions: file
                .interventions
                .into_iter()
                .map(|shared| ExportedIntervention {
                    occurred_at: shared.intervention.occurred_at,
                    kind: shared.intervention.kind.as_str().to_owned(),
                    duration_minutes: shared.intervention.duration_minutes,
                    professions_present: shared.professions_present,
                    summary: shared.intervention.summary,
                })
                .collect(),
            actions: file
                .actions
                .into_iter()
                .map(|action| ExportedAction {
                    description: action.description,
                    due_on: action.due_on,
                    done_on: action.done_on,
                })
                .collect(),
            consultations: file
                .consultations
                .into_iter()
                .map(|entry| Consultation {
                    at: entry.at,
                    profession: entry.profession,
                    action: entry.action,
                })
                .collect(),
            contracts: file
                .contracts
                .into_iter()
                .map(|contract| ExportedContract {
                    placement_id: contract.placement_id,
                    kind: contract.kind,
                    delivered_on: contract.delivered_on,
                    signed_on: contract.signed_on,
                })
                .collect(),
            project_reviews: file
                .project_reviews
                .into_iter()
                .map(|review| ExportedReview {
                    placement_id: review.placement_id,
                    reviewed_on: review.reviewed_on,
                    mother_present: review.mother_present,
                    objectives: review
                        .objectives
                        .into_iter()
                        .map(crate::projects::ObjectiveBody::from)
                        .collect(),
                })
                .collect(),
            creche_bookings: file
                .creche_bookings
                .into_iter()
                .map(|booking| ExportedBooking {
                    child_id: booking.child_id,
                    on: booking.on,
                    starts_at: booking.slot.starts_at.to_string(),
                    ends_at: booking.slot.ends_at.to_string(),
                    purpose: booking.purpose,
                    notes: booking.notes,
                    status: booking.status,
                    arrived_at: booking.arrived_at.map(|time| time.to_string()),
                    left_at: booking.left_at.map(|time| time.to_string()),
                })
                .collect(),
            workshops: file
                .workshops
                .into_iter()
                .map(|(participation, workshop)| ExportedWorkshop {
                    title: workshop.title,
                    on: workshop.on,
                    starts_at: workshop.starts_at.to_string(),
                    ends_at: workshop.ends_at.to_string(),
                    partner: workshop.partner,
                    status: participation.status.as_str().to_owned(),
                })
                .collect(),
            documents: file
                .documents
                .into_iter()
                .map(|shared| {
                    let document = shared.document;
                    ExportedDocument {
                        file_name: document
                            .removal
                            .is_none()
                            .then(|| archive_name(&document)),
                        id: document.id,
                        kind: document.kind,
                        title: document.title,
                        media_type: document.media_type.mime().to_owned(),
                        size_bytes: document.size_bytes,
                        sha256: document.sha256,
                        added_at: document.created_at,
                        added_by: shared.author_profession,
                        removed_at: document.removal.map(|removal| removal.at),
                    }
                })
                .collect(),
            housing_pathway: ExportedPathway {
                steps: file
                    .housing_steps
                    .into_iter()
                    .map(crate::pathway::HousingStepResponse::from)
                    .collect(),
                follow_ups: file
                    .follow_ups
                    .into_iter()
                    .map(crate::pathway::FollowUpResponse::from)
                    .collect(),
            },
            linked_files: file
                .linked_files
                .into_iter()
                .map(|(decision, other)| ExportedLink {
                    family_id: other,
                    decided_at: decision.decided_at,
                    note: decision.note,
                })
                .collect(),
            // Always the same list, whether or not the file holds any of
            // these: its wording must not tell whether one exists.
            left_out: vec![
                "Informations préoccupantes: transmitted to the département's CRIP, which answers requests for them.".to_owned(),
                "Incidents (événements indésirables graves): reported to the authority, which answers requests for them.".to_owned(),
                "Restricted interventions: the personal notes of the professionals present, which are not part of the file.".to_owned(),
                "The follow-up actions those notes led to.".to_owned(),
                "Restricted documents: kept by the professional who added them.".to_owned(),
                "The names of those who read the file: their profession is given instead.".to_owned(),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use nido_cases::records::{Export, FamilyRecord};

    use super::*;

    /// The registry says in which section of the document each kind of
    /// record goes: the document has that section.
    #[test]
    fn every_section_the_registry_names_is_in_the_document() {
        let document =
            serde_json::to_value(FamilyExport::from(html::tests::file_of("Awa"))).expect("json");
        for record in FamilyRecord::ALL {
            let section = match record.export() {
                Export::In(section) | Export::InExcept { section, .. } => section,
                Export::Withheld(_) => continue,
            };
            assert!(document.get(section).is_some(), "{record:?} in {section}");
        }
    }
}
