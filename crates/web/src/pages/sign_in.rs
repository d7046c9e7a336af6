//! `/connexion` and `/deconnexion`: the API's login and logout, with a
//! cookie instead of a bearer token.

use askama::Template;
use axum::extract::{FromRequestParts, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use nido_cases::CaseError;
use nido_cases::auth::{DEVICE_COOKIE, LoginOutcome, Origin, log_in, log_out, new_token};

use crate::Web;
use crate::csrf;
use crate::error::WebError;
use crate::form::{FieldErrors, FormData};
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::{local_path, query_value};
use crate::session::{
    Address, SESSION_COOKIE, SIGN_IN_COOKIE, SITE_COOKIE, SignedForm, SignedIn, cookie, set_cookie,
    signed_in,
};

#[derive(Template)]
#[template(path = "connexion.html")]
struct SignInPage {
    frame: Frame,
    csrf: String,
    email: String,
    suite: String,
    errors: FieldErrors,
    notice: Option<&'static str>,
    /// Mail is on: "Mot de passe oublié ?" leads to a link by mail.
    forgotten: bool,
}

impl SignInPage {
    /// The form sent back after a refused attempt, with the email typed.
    fn again(web: &Web, csrf: &str, email: String, suite: String, errors: FieldErrors) -> Self {
        SignInPage {
            forgotten: web.cases.mail.is_on(),
            frame: Frame::signed_out("Connexion"),
            csrf: csrf.to_owned(),
            email,
            suite,
            errors,
            notice: None,
        }
    }
}

/// What a wrong email or password reads, alike for an unknown email.
pub const WRONG_CREDENTIALS: &str =
    "Adresse électronique ou mot de passe incorrect. Vérifiez-les, puis réessayez.";

/// The sign-in nonce of this visitor: her cookie's, or a new one to set.
fn sign_in_nonce(parts: &Parts, web: &Web) -> Result<(String, bool), WebError> {
    match cookie(&parts.headers, web, SIGN_IN_COOKIE) {
        Some(nonce) if nonce.len() == 43 => Ok((nonce, false)),
        _ => Ok((new_token()?, true)),
    }
}

/// The CSRF token of a form shown to a visitor who is not signed in (the
/// sign-in's, the forgotten password's), and the cookie to leave when
/// her nonce is new.
pub(crate) fn signed_out_csrf(
    parts: &Parts,
    web: &Web,
) -> Result<(String, Option<HeaderValue>), WebError> {
    let (nonce, new) = sign_in_nonce(parts, web)?;
    let token = csrf::for_sign_in(&web.cases.auth.server_key, &nonce);
    Ok((
        token,
        new.then(|| set_cookie(web, SIGN_IN_COOKIE, Some(&nonce))),
    ))
}

/// `response` with the sign-in nonce's cookie, when there is one to leave.
pub(crate) fn with_nonce(mut response: Response, set: Option<HeaderValue>) -> Response {
    if let Some(set) = set {
        response.headers_mut().append(header::SET_COOKIE, set);
    }
    response
}

/// Checks the CSRF token a signed-out visitor's form sent back; answers
/// the token of the form shown again.
pub(crate) fn checked_signed_out_form(
    parts: &Parts,
    web: &Web,
    form: &FormData,
) -> Result<String, WebError> {
    let nonce = cookie(&parts.headers, web, SIGN_IN_COOKIE).unwrap_or_default();
    let key = &web.cases.auth.server_key;
    if !csrf::is_of_sign_in(key, &nonce, form.get(csrf::FIELD)) {
        return Err(WebError::CsrfRejected);
    }
    Ok(csrf::for_sign_in(key, &nonce))
}

/// The sign-in page; a signed-in user goes on to where she was going.
pub async fn form(
    State(web): State<Web>,
    RawQuery(query): RawQuery,
    parts: Parts,
) -> Result<Response, WebError> {
    let suite = local_path(&query_value(query.as_deref(), "suite").unwrap_or_default());
    if SignedIn::of(&parts, &web).await?.is_some() {
        return Ok(Redirect::to(&suite).into_response());
    }
    let notice = if query_value(query.as_deref(), "expiree").is_some() {
        Some("Le délai pour saisir le code est dépassé. Connectez-vous de nouveau.")
    } else if query_value(query.as_deref(), "nouveau").is_some() {
        Some("Votre nouveau mot de passe est enregistré : connectez-vous avec lui.")
    } else {
        query_value(query.as_deref(), "fin").map(|_| "Vous êtes déconnecté. À bientôt !")
    };
    let (csrf, set) = signed_out_csrf(&parts, &web)?;
    let page_html = SignInPage {
        frame: Frame::signed_out("Connexion"),
        csrf,
        email: String::new(),
        suite,
        errors: FieldErrors::default(),
        notice,
        forgotten: web.cases.mail.is_on(),
    };
    Ok(with_nonce(page(StatusCode::OK, &page_html)?, set))
}

/// Signs in with the API's login: same throttle, same audit, same session.
pub async fn submit(State(web): State<Web>, request: Request) -> Result<Response, WebError> {
    let (mut parts, body) = request.into_parts();
    let Address(address) = Address::from_request_parts(&mut parts, &web).await?;
    let form = FormData::from_body(&parts, body, &web).await?;
    let token = checked_signed_out_form(&parts, &web, &form)?;
    let device = cookie(&parts.headers, &web, DEVICE_COOKIE);
    let email = form.get("email").to_owned();
    let suite = local_path(form.get("suite"));
    let mut errors = FieldErrors::default();
    let origin = Origin {
        address: &address,
        device: device.as_deref(),
    };
    let status = match log_in(&web.cases, origin, &email, form.get("password")).await {
        Ok(LoginOutcome::SecondFactor { challenge, .. }) => {
            let code_page = crate::pages::second_factor::CodePage {
                frame: Frame::signed_out("Code de vérification"),
                csrf: token,
                challenge,
                suite,
                errors,
            };
            return page(StatusCode::OK, &code_page);
        }
        Ok(LoginOutcome::Session(session)) => return Ok(signed_in(&web, &session, &suite)),
        Err(CaseError::InvalidCredentials) => {
            errors.whole_form = Some(WRONG_CREDENTIALS.to_owned());
            StatusCode::UNAUTHORIZED
        }
        Err(CaseError::TooManyAttempts { retry_after_secs }) => {
            errors.whole_form = Some(format!(
                "Trop de tentatives de connexion infructueuses. Par sécurité, patientez {} avant de réessayer.",
                french::wait_text(retry_after_secs)
            ));
            let page_html = SignInPage::again(&web, &token, email, suite, errors);
            let mut response = page(StatusCode::TOO_MANY_REQUESTS, &page_html)?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            return Ok(response);
        }
        Err(refused @ CaseError::Invalid(_)) => {
            errors = FieldErrors::from_case(refused, |field| Some(field.to_owned()))?;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(other) => return Err(other.into()),
    };
    page(
        status,
        &SignInPage::again(&web, &token, email, suite, errors),
    )
}

/// Ends the session (the API's logout, audited) and forgets the cookie.
pub async fn sign_out(State(web): State<Web>, posted: SignedForm) -> Result<Response, WebError> {
    log_out(&web.cases, &posted.signed_in.caller).await?;
    let mut response = Redirect::to("/connexion?fin=1").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&web, SESSION_COOKIE, None));
    // The next person at this browser starts with all of her sites.
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&web, SITE_COOKIE, None));
    Ok(response)
}

/// A sign-out is a form's POST; a link to it leads home.
pub async fn to_home() -> Redirect {
    Redirect::to("/")
}
