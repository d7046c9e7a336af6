//! The mother's identity and contact details on her family's page: the
//! form, blank or sent back, and `POST /familles/{id}/mere`, which changes
//! them by the API's use case (`families::update_mother`: staff for their
//! families, coordinators), against the family's version shown (412 when
//! it changed meanwhile, and when the form carries none). Her name at
//! birth and her birth place are what the duplicate check compares
//! besides her name (SPEC "Identity and duplicates").

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use nido_cases::CaseError;
use nido_cases::families::{MotherUpdate, update_mother};
use nido_domain::family::Family;

use crate::Web;
use crate::error::WebError;
use crate::form::{FieldErrors, FormData, settle};
use crate::pages::family::{Forms, InterventionForm, render_with_mother};
use crate::pages::parse_id;
use crate::session::SignedForm;

/// The form's fields: the posted names, which are also the ids on the
/// page and, without `mother_`, the API's fields under `mother.`.
const FIELDS: [&str; 7] = [
    "mother_first_name",
    "mother_last_name",
    "mother_birth_last_name",
    "mother_birth_date",
    "mother_birth_place",
    "mother_phone",
    "mother_email",
];

/// The form sent back with what was typed and its errors.
pub struct MotherAttempt {
    pub fields: FormData,
    pub errors: FieldErrors,
}

/// The form as the family page shows it.
pub struct MotherFormView {
    pub action: String,
    pub version: i32,
    pub first_name: String,
    pub last_name: String,
    pub birth_last_name: String,
    pub birth_date: String,
    pub birth_place: String,
    pub phone: String,
    pub email: String,
    pub errors: FieldErrors,
    pub open: bool,
}

/// The form for `family`, blank (her details as recorded) or as sent
/// back in `attempt`.
pub fn view(family: &Family, attempt: Option<MotherAttempt>) -> MotherFormView {
    let mother = &family.mother;
    let recorded = [
        mother.first_name.clone(),
        mother.last_name.clone(),
        mother.birth_last_name.clone().unwrap_or_default(),
        mother.birth_date.to_string(),
        mother.birth_place.clone().unwrap_or_default(),
        mother.phone.clone().unwrap_or_default(),
        mother.email.clone().unwrap_or_default(),
    ];
    let open = attempt.is_some();
    let (values, errors) = match attempt {
        Some(attempt) => (
            FIELDS.map(|name| attempt.fields.get(name).to_owned()),
            attempt.errors,
        ),
        None => (recorded, FieldErrors::default()),
    };
    let [
        first_name,
        last_name,
        birth_last_name,
        birth_date,
        birth_place,
        phone,
        email,
    ] = values;
    MotherFormView {
        action: format!("/familles/{}/mere", family.id),
        version: family.version,
        first_name,
        last_name,
        birth_last_name,
        birth_date,
        birth_place,
        phone,
        email,
        errors,
        open,
    }
}

/// `POST /familles/{id}/mere`.
pub async fn submit(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let family_id = parse_id(&raw_id)?;
    let SignedForm { signed_in, form } = posted;
    let text = |name: &str| form.get(name).trim().to_owned();
    let mut errors = FieldErrors::default();
    let birth_date = text("mother_birth_date").parse::<NaiveDate>().ok();
    if birth_date.is_none() {
        errors.add(
            "mother_birth_date",
            "Indiquez la date de naissance de la mère.",
        );
    }
    let version = form.get("version").parse::<i32>().ok();
    let status = match (birth_date, version) {
        (None, _) => StatusCode::UNPROCESSABLE_ENTITY,
        (Some(birth_date), version) => {
            let update = MotherUpdate {
                first_name: Some(text("mother_first_name")),
                last_name: Some(text("mother_last_name")),
                birth_last_name: Some(text("mother_birth_last_name")),
                birth_date: Some(birth_date),
                birth_place: Some(text("mother_birth_place")),
                phone: Some(text("mother_phone")),
                email: Some(text("mother_email")),
            };
            let answer = match version {
                // The version is never skipped: a form without it is stale.
                None => Err(CaseError::StaleVersion),
                Some(version) => {
                    let caller = signed_in.case_caller();
                    update_mother(&web.cases, &caller, family_id, Some(version), update).await
                }
            };
            let place = |api: &str| {
                let member = api.strip_prefix("mother.")?;
                let field = format!("mother_{member}");
                FIELDS.contains(&field.as_str()).then_some(field)
            };
            match settle(answer, place, |_| format!("/familles/{family_id}?ok=mere"))? {
                Ok(done) => return Ok(done),
                Err((status, found)) => {
                    errors = found;
                    status
                }
            }
        }
    };
    let forms = Forms {
        intervention: InterventionForm::blank(&web, signed_in.user()),
        birth: None,
        coordination: None,
        document: None,
        pathway: None,
    };
    let attempt = MotherAttempt {
        fields: form,
        errors,
    };
    render_with_mother(&web, &signed_in, family_id, forms, Some(attempt), status).await
}
