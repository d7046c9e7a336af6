//! `POST /familles/{id}/enfants/{child_id}/naissance`: recording a birth,
//! by the API's use case (`update_child` with a birth date), which sets the
//! birth date, clears the expected one and checks the version shown.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use nido_cases::families::{ChildUpdate, update_child};

use crate::Web;
use crate::error::WebError;
use crate::form::FieldErrors;
use crate::pages::family::{BirthAttempt, Forms, InterventionForm, render};
use crate::pages::parse_id;
use crate::session::SignedForm;

pub async fn submit(
    State(web): State<Web>,
    Path((raw_family, raw_child)): Path<(String, String)>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let family_id = parse_id(&raw_family)?;
    let child_id = parse_id(&raw_child)?;
    let SignedForm { signed_in, form } = posted;
    let field = format!("birth_date_{child_id}");
    let typed = form.get("birth_date").trim().to_owned();
    let version = form.get("version").parse::<i32>().ok();
    let mut errors = FieldErrors::default();
    let outcome = match typed.parse::<NaiveDate>() {
        Err(_) => {
            errors.add(&field, "Indiquez la date de naissance.");
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Ok(born) => {
            let update = ChildUpdate {
                birth_date: Some(born),
                ..ChildUpdate::default()
            };
            let caller = signed_in.case_caller();
            match update_child(&web.cases, &caller, family_id, child_id, version, update).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/familles/{family_id}?ok=naissance"))
                        .into_response());
                }
                Err(refused) => {
                    let status = FieldErrors::status_for(&refused);
                    errors = FieldErrors::from_case(refused, |api_field| {
                        (api_field == "birth_date" || api_field == "expected_birth_date")
                            .then(|| field.clone())
                    })?;
                    status
                }
            }
        }
    };
    let forms = Forms {
        intervention: InterventionForm::blank(&web, signed_in.user()),
        birth: Some(BirthAttempt {
            child_id,
            birth_date: typed,
            errors,
        }),
        coordination: None,
        document: None,
        pathway: None,
    };
    render(&web, &signed_in, family_id, forms, outcome, None).await
}
