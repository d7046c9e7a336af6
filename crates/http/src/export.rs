//! The right of access (RGPD article 15): a mother may ask for her whole
//! file. `GET /families/{id}/export` gives it to the coordinator as JSON or
//! as a printable page in French. Restricted interventions are the
//! professionals' personal notes and are left out; the consultations of the
//! file are listed by date and the reader's profession, never her name.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::Role;
use nido_persistence::audit::{self, AuditFilter};
use nido_persistence::{
    RepoError, housing, interventions, occupancies, placements, referrals, users,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::access;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::extract::{ApiPath, ValidQuery};
use crate::families::FamilyResponse;
use crate::placements::PlacementResponse;
use crate::referrals::ReferralResponse;
use crate::state::AppState;

mod html;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export_family))
}

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
    /// What the file holds that this export does not show, and why.
    pub left_out: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    #[default]
    Json,
    Html,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `json` (default) or `html`, a printable page in French.
    #[param(value_type = Option<String>, example = "html")]
    pub format: Option<ExportFormat>,
}

/// The whole file of a family, for the mother's right of access
/// (coordinator). Audited.
#[utoipa::path(get, path = "/families/{id}/export", tag = "families",
    params(("id" = Uuid, Path), ExportParams),
    responses((status = 200, description = "The whole file",
        content((FamilyExport = "application/json"), (String = "text/html")))))]
#[tracing::instrument(skip_all, fields(family_id = %id))]
async fn export_family(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ValidQuery(params): ValidQuery<ExportParams>,
) -> Result<Response> {
    caller.require(&[Role::Coordinator])?;
    let family = access::family(&state.db, &caller, id).await?;
    let births = family.births();
    let referrals = referrals::for_family(&state.db, id).await?;
    let placements = placements::for_family(&state.db, id).await?;
    let mut housing = Vec::new();
    for placement in &placements {
        for stay in occupancies::of_placement(&state.db, placement.id).await? {
            let unit = housing::find_unit(&state.db, stay.unit_id).await?;
            housing.push(HousingStay {
                label: unit.label,
                street: unit.street,
                postal_code: unit.postal_code,
                city: unit.city,
                starts_on: stay.span.start,
                ends_on: stay.span.end,
            });
        }
    }
    let interventions = interventions::team_of_family(&state.db, id).await?;
    let actions = interventions::team_actions_of_family(&state.db, id).await?;
    let entries = all_entries_of(&state, id).await?;

    let mut professions = Professions::default();
    let mut exported_interventions = Vec::with_capacity(interventions.len());
    for intervention in interventions {
        let mut present = Vec::new();
        for user_id in &intervention.staff_ids {
            present.push(professions.of(&state, *user_id).await?);
        }
        exported_interventions.push(ExportedIntervention {
            occurred_at: intervention.occurred_at,
            kind: intervention.kind.as_str().to_owned(),
            duration_minutes: intervention.duration_minutes,
            professions_present: present,
            summary: intervention.summary,
        });
    }
    let mut consultations = Vec::with_capacity(entries.len());
    for entry in entries {
        consultations.push(Consultation {
            at: entry.at,
            profession: professions.of(&state, entry.user_id).await?,
            action: entry.action,
        });
    }
    let export = FamilyExport {
        generated_at: state.now(),
        family: FamilyResponse::from(family),
        referrals: referrals.into_iter().map(ReferralResponse::from).collect(),
        placements: placements
            .into_iter()
            .map(|placement| PlacementResponse::new(placement, &births))
            .collect(),
        housing,
        interventions: exported_interventions,
        actions: actions
            .into_iter()
            .map(|action| ExportedAction {
                description: action.description,
                due_on: action.due_on,
                done_on: action.done_on,
            })
            .collect(),
        consultations,
        left_out: vec![
            "Restricted interventions: the personal notes of the professionals present, which are not part of the file.".to_owned(),
            "The follow-up actions those notes led to.".to_owned(),
            "The names of those who read the file: their profession is given instead.".to_owned(),
        ],
    };
    state
        .audit(
            &caller,
            "family.export",
            Some(id),
            &format!("/families/{id}/export"),
        )
        .await?;
    Ok(match params.format.unwrap_or_default() {
        ExportFormat::Json => Json(export).into_response(),
        ExportFormat::Html => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html::render(&export, &state.cases.time_zone),
        )
            .into_response(),
    })
}

/// Every audit entry of the family, oldest first.
async fn all_entries_of(state: &AppState, family_id: Uuid) -> Result<Vec<audit::AuditEntry>> {
    const PAGE: u64 = 1000;
    let mut entries = Vec::new();
    let mut before = None;
    loop {
        let filter = AuditFilter {
            family_id: Some(family_id),
            before,
            ..AuditFilter::default()
        };
        let page = audit::list(&state.audit_db, filter, PAGE).await?;
        let full = page.len() as u64 == PAGE;
        before = page.last().map(|entry| entry.id);
        entries.extend(page);
        if !full {
            break;
        }
    }
    entries.reverse();
    Ok(entries)
}

/// Users' professions, each looked up once.
#[derive(Default)]
struct Professions(HashMap<Uuid, String>);

impl Professions {
    async fn of(&mut self, state: &AppState, user_id: Uuid) -> Result<String> {
        if let Some(known) = self.0.get(&user_id) {
            return Ok(known.clone());
        }
        let profession = match users::find(&state.db, user_id).await {
            Ok(user) => user.profession.as_str().to_owned(),
            Err(RepoError::NotFound) => "system".to_owned(),
            Err(err) => return Err(err.into()),
        };
        self.0.insert(user_id, profession.clone());
        Ok(profession)
    }
}
