//! The coordinators' forms on a family's page: renewal of the current
//! period, exit, and the referent and team. Each calls the API's use case
//! (`placements::renew`, `placements::exit`, `families::assign`), which
//! checks the input as it does the API's. A form shown before someone else changed the file
//! answers as the API does: a renewal of a period already renewed is
//! `stale_period` (409), an exit or an assignment carrying an old version
//! is stale (412); each says so in French. The forms as the family page
//! shows them are in [`super::coordination`].

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use nido_cases::families::{assign, find_visible};
use nido_cases::placements::{Departure, Renewal, exit, renew};
use nido_domain::placement::ExitDestination;
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::form::{FieldErrors, FormData, settle};
use crate::pages::coordination::{CoordinationAttempt, Which};
use crate::pages::family::{Forms, InterventionForm, render};
use crate::pages::parse_id;
use crate::session::{SignedForm, SignedIn};

/// The page again with the form sent back, or the redirection on success.
async fn answer(
    web: &Web,
    signed_in: &SignedIn,
    family_id: Uuid,
    outcome: Result<Response, (StatusCode, FieldErrors)>,
    which: Which,
    fields: FormData,
) -> Result<Response, WebError> {
    let (status, errors) = match outcome {
        Ok(done) => return Ok(done),
        Err(refused) => refused,
    };
    let forms = Forms {
        intervention: InterventionForm::blank(web, signed_in.user()),
        birth: None,
        coordination: Some(CoordinationAttempt {
            which,
            fields,
            errors,
        }),
        document: None,
        pathway: None,
    };
    render(web, signed_in, family_id, forms, status, None).await
}

/// The family, if the user may see it, and its current placement's id.
async fn family_and_placement(
    web: &Web,
    signed_in: &SignedIn,
    raw_id: &str,
) -> Result<(Uuid, Option<Uuid>), WebError> {
    let family_id = parse_id(raw_id)?;
    let family = find_visible(&web.cases, &signed_in.case_caller(), family_id).await?;
    Ok((family_id, family.current_placement_id))
}

/// A date the page reads itself; `None` (and the error) when unreadable.
fn date(form: &FormData, field: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let parsed = form.get(field).trim().parse::<NaiveDate>().ok();
    if parsed.is_none() {
        errors.add(field, "Indiquez une date.");
    }
    parsed
}

const STALE_PLACEMENT: &str =
    "Cette prise en charge n'est plus en cours : rechargez la page pour voir où elle en est.";

/// `POST /familles/{id}/renouvellement`.
pub async fn submit_renewal(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    let (family_id, placement_id) = family_and_placement(&web, &signed_in, &raw_id).await?;
    let mut errors = FieldErrors::default();
    let decided_on = date(&form, "decided_on", &mut errors);
    let period_number = form.get("period_number").parse::<i32>().ok();
    let optional = form.get("decision_ref").trim();
    let outcome = match (placement_id, decided_on, period_number) {
        (None, ..) | (_, _, None) => {
            errors.whole_form = Some(STALE_PLACEMENT.to_owned());
            Err((StatusCode::CONFLICT, errors))
        }
        (Some(placement_id), Some(decided_on), Some(period_number)) => {
            let renewal = Renewal {
                placement_id,
                period_number,
                decided_on,
                decided_by: form.get("decided_by").to_owned(),
                decision_ref: (!optional.is_empty()).then(|| optional.to_owned()),
            };
            let done = renew(&web.cases, &signed_in.case_caller(), renewal).await;
            let place = |field: &str| Some(field.to_owned());
            settle(done, place, |_| {
                format!("/familles/{family_id}?ok=renouvellement")
            })?
        }
        (Some(_), None, Some(_)) => Err((StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    answer(&web, &signed_in, family_id, outcome, Which::Renewal, form).await
}

/// `POST /familles/{id}/sortie`.
pub async fn submit_exit(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    let (family_id, placement_id) = family_and_placement(&web, &signed_in, &raw_id).await?;
    let mut errors = FieldErrors::default();
    let exited_on = date(&form, "exited_on", &mut errors);
    let destination = form.get("destination").parse::<ExitDestination>().ok();
    if destination.is_none() {
        errors.add("destination", "Choisissez où va la famille.");
    }
    let version = form.get("version").parse::<i32>().ok();
    let notes = form.get("notes").trim();
    let step = form.get("housing_step_id").trim();
    let housing_step_id = if step.is_empty() {
        None
    } else {
        let parsed = step.parse::<Uuid>().ok();
        if parsed.is_none() {
            errors.add("housing_step_id", "Choisissez une démarche de la liste.");
        }
        parsed
    };
    let outcome = match (placement_id, exited_on, destination) {
        (None, ..) => {
            errors.whole_form = Some(STALE_PLACEMENT.to_owned());
            Err((StatusCode::CONFLICT, errors))
        }
        (Some(placement_id), Some(exited_on), Some(destination)) if errors.is_empty() => {
            let departure = Departure {
                placement_id,
                expected_version: version,
                exited_on,
                destination,
                notes: (!notes.is_empty()).then(|| notes.to_owned()),
                housing_step_id,
            };
            let done = exit(&web.cases, &signed_in.case_caller(), departure).await;
            let place = |field: &str| Some(field.to_owned());
            settle(done, place, |_| format!("/familles/{family_id}?ok=sortie"))?
        }
        _ => Err((StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    answer(&web, &signed_in, family_id, outcome, Which::Exit, form).await
}

/// `POST /familles/{id}/equipe`.
pub async fn submit_assignment(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    let (family_id, _) = family_and_placement(&web, &signed_in, &raw_id).await?;
    let mut errors = FieldErrors::default();
    let referent = form.get("referent_id").trim();
    let referent_id = if referent.is_empty() {
        None
    } else {
        let parsed = referent.parse::<Uuid>().ok();
        if parsed.is_none() {
            errors.add("referent_id", "Cette personne est inconnue.");
        }
        parsed
    };
    let mut team_ids = Vec::new();
    for raw in form.all("team_ids") {
        match raw.parse::<Uuid>() {
            Ok(id) => team_ids.push(id),
            Err(_) => errors.add("team_ids", "Cette personne est inconnue."),
        }
    }
    let outcome = if errors.is_empty() {
        let version = form.get("version").parse::<i32>().ok();
        let caller = signed_in.case_caller();
        let done = assign(
            &web.cases,
            &caller,
            family_id,
            version,
            referent_id,
            team_ids,
        )
        .await;
        let place = |field: &str| {
            Some(if field.starts_with("team_ids") {
                "team_ids".to_owned()
            } else {
                field.to_owned()
            })
        };
        settle(done, place, |_| format!("/familles/{family_id}?ok=equipe"))?
    } else {
        Err((StatusCode::UNPROCESSABLE_ENTITY, errors))
    };
    answer(
        &web,
        &signed_in,
        family_id,
        outcome,
        Which::Assignment,
        form,
    )
    .await
}
