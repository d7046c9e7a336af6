//! `/mot-de-passe`: replacing one's password, and first of all a password
//! someone else set (until then no other page opens). The API's
//! `PUT /me/password`, with the same rules, throttle and audit.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nido_cases::CaseError;
use nido_cases::auth::change_own_password;

use crate::Web;
use crate::error::WebError;
use crate::form::FieldErrors;
use crate::layout::{Frame, page};
use crate::session::{Address, SignedForm, SignedIn};

#[derive(Template)]
#[template(path = "mot_de_passe.html")]
struct PasswordPage {
    frame: Frame,
    csrf: String,
    /// The password was set by someone else: nothing else opens until done.
    forced: bool,
    errors: FieldErrors,
}

fn password_page(signed_in: &SignedIn, errors: FieldErrors) -> PasswordPage {
    PasswordPage {
        frame: Frame::signed_in("Mot de passe", signed_in, ""),
        csrf: signed_in.csrf.clone(),
        forced: signed_in.user().must_change_password,
        errors,
    }
}

pub async fn form(signed_in: SignedIn) -> Result<Response, WebError> {
    page(
        StatusCode::OK,
        &password_page(&signed_in, FieldErrors::default()),
    )
}

/// Passwords are never written back into the form: on an error, they are
/// typed again.
pub async fn submit(
    State(web): State<Web>,
    Address(address): Address,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    let (current, new) = (form.get("current_password"), form.get("new_password"));
    let mut errors = FieldErrors::default();
    if new != form.get("new_password_again") {
        errors.add(
            "new_password_again",
            "Les deux saisies du nouveau mot de passe diffèrent.",
        );
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &password_page(&signed_in, errors),
        );
    }
    match change_own_password(&web.cases, &signed_in.caller, &address, current, new).await {
        Ok(()) => Ok(Redirect::to("/?ok=mot-de-passe").into_response()),
        Err(CaseError::Invalid(fields)) => {
            for field in fields {
                errors.add(field.field, field.refusal.french());
            }
            page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &password_page(&signed_in, errors),
            )
        }
        Err(CaseError::TooManyAttempts { retry_after_secs }) => {
            errors.whole_form = Some(
                "Trop de mots de passe erronés. Par sécurité, patientez quelques minutes avant de réessayer."
                    .to_owned(),
            );
            let mut response = page(
                StatusCode::TOO_MANY_REQUESTS,
                &password_page(&signed_in, errors),
            )?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}
