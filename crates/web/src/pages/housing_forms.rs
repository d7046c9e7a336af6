//! The forms of `/logements`: a landlord, a unit, a lease, a move. Each is
//! read as text, turned into the use case's input and handed to the use
//! case the API calls too, which checks it; a refusal comes back next to its
//! field with what was typed, with the API's status (422, 409).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use nido_cases::CaseError;
use nido_cases::housing::{self, add_landlord, add_lease, add_unit, move_family};
use nido_domain::housing::{LandlordInput, LandlordKind, LeaseInput, Typology, UnitInput};
use uuid::Uuid;

use axum::extract::State;

use crate::Web;
use crate::error::WebError;
use crate::pages::admin_form::{Typed, case_refusal, cents, decimal, same_field};
use crate::pages::housing::{Forms, render};
use crate::session::{SignedForm, SignedIn};

/// An admin's form, as typed.
fn admin_form(
    posted: SignedForm,
    prefix: &'static str,
    names: &[&str],
) -> Result<(SignedIn, Typed), WebError> {
    let SignedForm { signed_in, form } = posted;
    signed_in.case_caller().require(housing::EDITORS)?;
    let typed = Typed::of(prefix, &form, names);
    Ok((signed_in, typed))
}

/// Back to the page, with a confirmation.
fn done(what: &str) -> Response {
    Redirect::to(&format!("/logements?ok={what}")).into_response()
}

/// The page again, the refused form as typed.
async fn again(
    web: &Web,
    signed_in: &SignedIn,
    forms: Forms,
    status: StatusCode,
) -> Result<Response, WebError> {
    render(web, signed_in, None, forms, status).await
}

fn date(typed: &mut Typed, name: &str, message: &str) -> Option<NaiveDate> {
    let parsed = typed.value(name).parse::<NaiveDate>().ok();
    if parsed.is_none() {
        typed.errors.add(name, message);
    }
    parsed
}

fn id(typed: &mut Typed, name: &str, message: &str) -> Option<Uuid> {
    let parsed = typed.value(name).parse::<Uuid>().ok();
    if parsed.is_none() {
        typed.errors.add(name, message);
    }
    parsed
}

fn amount(typed: &mut Typed, name: &str) -> Option<i64> {
    let parsed = cents(typed.value(name));
    if parsed.is_none() {
        typed
            .errors
            .add(name, "Indiquez un montant en euros, par exemple 680,00.");
    }
    parsed
}

/// `POST /logements/bailleurs`.
pub async fn add_landlord_form(
    State(web): State<Web>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let (signed_in, mut typed) = admin_form(
        posted,
        "bailleur",
        &["name", "kind", "contact_name", "phone", "email", "address"],
    )?;
    let kind = typed.value("kind").parse::<LandlordKind>().ok();
    if kind.is_none() {
        typed
            .errors
            .add("kind", "Choisissez : particulier ou bailleur social.");
    }
    // A kind the page could not read is missing: the use case refuses the
    // landlord with the other fields' refusals, the page's own shown first.
    let input = LandlordInput {
        name: Some(typed.value("name").to_owned()),
        kind,
        contact_name: Some(typed.value("contact_name").to_owned()),
        phone: Some(typed.value("phone").to_owned()),
        email: Some(typed.value("email").to_owned()),
        address: Some(typed.value("address").to_owned()),
    };
    let status = match add_landlord(&web.cases, &signed_in.case_caller(), input).await {
        Ok(_) => return Ok(done("bailleur")),
        Err(refused) => {
            let (errors, status) = case_refusal(refused, same_field)?;
            merge(&mut typed, errors);
            status
        }
    };
    let forms = Forms {
        landlord: typed,
        ..Forms::default()
    };
    again(&web, &signed_in, forms, status).await
}

/// Adds `errors` to those the page found itself, keeping the first of each
/// field.
fn merge(typed: &mut Typed, errors: crate::form::FieldErrors) {
    let mut all = std::mem::take(&mut typed.errors);
    for (field, message) in errors.summary(&[]) {
        all.add(field, message);
    }
    if all.whole_form.is_none() {
        all.whole_form = errors.whole_form;
    }
    typed.errors = all;
}

/// `POST /logements/appartements`.
pub async fn add_unit_form(
    State(web): State<Web>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let (signed_in, mut typed) = admin_form(
        posted,
        "logement",
        &[
            "landlord_id",
            "label",
            "street",
            "postal_code",
            "city",
            "typology",
            "surface_m2",
            "capacity",
            "site_id",
        ],
    )?;
    let landlord_id = id(&mut typed, "landlord_id", "Choisissez le bailleur.");
    let kind = typed.value("typology").parse::<Typology>().ok();
    if kind.is_none() {
        typed.errors.add("typology", "Choisissez la typologie.");
    }
    let surface = decimal(typed.value("surface_m2"));
    if surface.is_none() {
        typed
            .errors
            .add("surface_m2", "Indiquez la surface en m², par exemple 42,5.");
    }
    let capacity = typed.value("capacity").parse::<i32>().ok();
    if capacity.is_none() {
        typed.errors.add(
            "capacity",
            "Indiquez le nombre de personnes, par un nombre entier.",
        );
    }
    // What the page could not read is missing: the use case refuses the
    // unit with the other fields' refusals, the page's own shown first.
    let input = UnitInput {
        landlord_id,
        label: Some(typed.value("label").to_owned()),
        street: Some(typed.value("street").to_owned()),
        postal_code: Some(typed.value("postal_code").to_owned()),
        city: Some(typed.value("city").to_owned()),
        typology: kind,
        surface_m2: surface,
        capacity,
        // Absent: the admin's one site (the form asks one of several).
        site_id: typed.value("site_id").parse().ok(),
    };
    let status = match add_unit(&web.cases, &signed_in.case_caller(), input).await {
        Ok(_) => return Ok(done("logement")),
        Err(refused) => {
            let (errors, status) = case_refusal(refused, same_field)?;
            merge(&mut typed, errors);
            status
        }
    };
    let forms = Forms {
        unit: typed,
        ..Forms::default()
    };
    again(&web, &signed_in, forms, status).await
}

/// `POST /logements/baux`: a lease of the unit chosen; an overlap is the
/// API's 409 `lease_overlap`, in French.
pub async fn add_lease_form(
    State(web): State<Web>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let (signed_in, mut typed) = admin_form(
        posted,
        "bail",
        &[
            "unit_id",
            "starts_on",
            "ends_on",
            "monthly_rent",
            "monthly_charges",
            "deposit",
        ],
    )?;
    let unit_id = id(&mut typed, "unit_id", "Choisissez le logement.");
    let starts_on = date(
        &mut typed,
        "starts_on",
        "Indiquez la date de début du bail.",
    );
    let ends_on = if typed.value("ends_on").is_empty() {
        Some(None)
    } else {
        date(
            &mut typed,
            "ends_on",
            "Indiquez une date de fin, ou laissez vide.",
        )
        .map(Some)
    };
    let rent = amount(&mut typed, "monthly_rent");
    let charges = amount(&mut typed, "monthly_charges");
    let deposit = amount(&mut typed, "deposit");
    if let Some(unit_id) = unit_id {
        match housing::unit(&web.cases, &signed_in.case_caller(), unit_id).await {
            Ok(_) => {}
            Err(CaseError::NotFound) => typed.errors.add("unit_id", "Ce logement est inconnu."),
            Err(other) => return Err(other.into()),
        }
    }
    let parsed = (unit_id, starts_on, ends_on, rent, charges, deposit);
    let status = match parsed {
        (
            Some(unit_id),
            Some(starts_on),
            Some(ends_on),
            Some(rent),
            Some(charges),
            Some(deposit),
        ) if !typed.refused() => {
            let input = LeaseInput {
                starts_on,
                ends_on,
                monthly_rent_cents: rent,
                monthly_charges_cents: charges,
                deposit_cents: deposit,
            };
            let place = |field: &str| {
                Some(
                    match field {
                        "monthly_rent_cents" => "monthly_rent",
                        "monthly_charges_cents" => "monthly_charges",
                        "deposit_cents" => "deposit",
                        other => other,
                    }
                    .to_owned(),
                )
            };
            match add_lease(&web.cases, &signed_in.case_caller(), unit_id, input).await {
                Ok(_) => return Ok(done("bail")),
                Err(refused) => {
                    let (errors, status) = case_refusal(refused, place)?;
                    typed.errors = errors;
                    status
                }
            }
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let forms = Forms {
        lease: typed,
        ..Forms::default()
    };
    again(&web, &signed_in, forms, status).await
}

/// `POST /logements/demenagements`: the API's move (`move_family`); its
/// refusals (`unit_occupied`, `no_active_lease`, `over_capacity`…) in
/// French above the form.
pub async fn move_form(State(web): State<Web>, posted: SignedForm) -> Result<Response, WebError> {
    let (signed_in, mut typed) =
        admin_form(posted, "demenagement", &["placement_id", "unit_id", "on"])?;
    let placement_id = id(&mut typed, "placement_id", "Choisissez la famille.");
    let unit_id = id(&mut typed, "unit_id", "Choisissez le logement.");
    let on = date(&mut typed, "on", "Indiquez le jour de l'emménagement.");
    let status = match (placement_id, unit_id, on) {
        (Some(placement_id), Some(unit_id), Some(on)) => {
            let caller = signed_in.case_caller();
            match move_family(&web.cases, &caller, placement_id, unit_id, on).await {
                Ok(_) => return Ok(done("demenagement")),
                Err(CaseError::NotFound) => {
                    typed.errors.add(
                        "placement_id",
                        "Cette famille n'a pas de prise en charge en cours.",
                    );
                    StatusCode::NOT_FOUND
                }
                Err(refused) => {
                    let (errors, status) = case_refusal(refused, same_field)?;
                    typed.errors = errors;
                    status
                }
            }
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let forms = Forms {
        moving: typed,
        ..Forms::default()
    };
    again(&web, &signed_in, forms, status).await
}
