//! "Mot de passe oublié" (SPEC "Mail"): `/mot-de-passe/oubli` asks for a
//! link by mail, `/mot-de-passe/nouveau?jeton=…` chooses the new password
//! with it. The API's `POST /auth/password-reset` and `/complete`, with
//! the same throttle, audit and rules. Both forms are a signed-out
//! visitor's, under the sign-in's CSRF nonce. With mail off, the sign-in
//! page offers no link and these pages say mail is not configured (409).

use askama::Template;
use axum::extract::{FromRequestParts, RawQuery, Request, State};
use axum::http::{StatusCode, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use nido_cases::CaseError;
use nido_cases::mail::{RESET_PARAMETER, request_password_reset, reset_password};

use super::query_value;
use super::sign_in::{checked_signed_out_form, signed_out_csrf, with_nonce};
use crate::Web;
use crate::error::WebError;
use crate::form::{FieldErrors, FormData};
use crate::layout::{Frame, page};
use crate::session::Address;

#[derive(Template)]
#[template(path = "mot_de_passe_oubli.html")]
struct AskPage {
    frame: Frame,
    csrf: String,
    email: String,
    /// The request was taken: say what happens next, whatever the email.
    sent: bool,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "mot_de_passe_nouveau.html")]
struct ChoosePage {
    frame: Frame,
    csrf: String,
    token: String,
    errors: FieldErrors,
}

/// The form asking for a link.
pub async fn ask_form(State(web): State<Web>, parts: Parts) -> Result<Response, WebError> {
    web.cases.mail.policy()?;
    let (csrf, set) = signed_out_csrf(&parts, &web)?;
    let ask = AskPage {
        frame: Frame::signed_out("Mot de passe oublié"),
        csrf,
        email: String::new(),
        sent: false,
        errors: FieldErrors::default(),
    };
    Ok(with_nonce(page(StatusCode::OK, &ask)?, set))
}

/// Asks for a link: the same answer whatever the email.
pub async fn ask(State(web): State<Web>, request: Request) -> Result<Response, WebError> {
    let (mut parts, body) = request.into_parts();
    let Address(address) = Address::from_request_parts(&mut parts, &web).await?;
    let form = FormData::from_body(&parts, body, &web).await?;
    let csrf = checked_signed_out_form(&parts, &web, &form)?;
    let email = form.get("email").to_owned();
    let (status, sent, errors) = match request_password_reset(&web.cases, &address, &email).await {
        Ok(()) => (StatusCode::OK, true, FieldErrors::default()),
        Err(refused @ CaseError::Invalid(_)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
            FieldErrors::from_case(refused, |field| Some(field.to_owned()))?,
        ),
        Err(other) => return Err(other.into()),
    };
    let ask = AskPage {
        frame: Frame::signed_out("Mot de passe oublié"),
        csrf,
        email,
        sent,
        errors,
    };
    page(status, &ask)
}

/// The form choosing the new password, reached by the mailed link. The
/// link is checked when the form is sent, not here: opening it spends
/// nothing.
pub async fn choose_form(
    State(web): State<Web>,
    RawQuery(query): RawQuery,
    parts: Parts,
) -> Result<Response, WebError> {
    let token = query_value(query.as_deref(), RESET_PARAMETER).unwrap_or_default();
    let (csrf, set) = signed_out_csrf(&parts, &web)?;
    let choose = ChoosePage {
        frame: Frame::signed_out("Nouveau mot de passe"),
        csrf,
        token,
        errors: FieldErrors::default(),
    };
    Ok(with_nonce(page(StatusCode::OK, &choose)?, set))
}

/// Chooses the new password; on success, on to the sign-in page (the
/// second factor, if any, is asked there as always).
pub async fn choose(State(web): State<Web>, request: Request) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let form = FormData::from_body(&parts, body, &web).await?;
    let csrf = checked_signed_out_form(&parts, &web, &form)?;
    let token = form.get("token").to_owned();
    let new = form.get("new_password");
    let mut errors = FieldErrors::default();
    let status = if new != form.get("new_password_again") {
        errors.add(
            "new_password_again",
            "Les deux saisies du nouveau mot de passe diffèrent.",
        );
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        match reset_password(&web.cases, &token, new).await {
            Ok(()) => return Ok(Redirect::to("/connexion?nouveau=1").into_response()),
            Err(refused @ CaseError::Invalid(_)) => {
                // The link's refusal is the whole form's: it has no field.
                errors = FieldErrors::from_case(refused, |field| {
                    (field != "token").then(|| field.to_owned())
                })?;
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Err(other) => return Err(other.into()),
        }
    };
    let choose = ChoosePage {
        frame: Frame::signed_out("Nouveau mot de passe"),
        csrf,
        token,
        errors,
    };
    page(status, &choose)
}
