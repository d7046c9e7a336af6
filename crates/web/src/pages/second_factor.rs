//! The second factor in the pages: the code asked after the password at
//! `/connexion` (`POST /connexion/code`), and `/securite`, where a user
//! enrols an authenticator app (a QR code of its `otpauth://` URL, drawn
//! here as SVG, and the secret to type) and receives her recovery codes.
//! An account whose role requires a factor reaches no other page until
//! then. The use cases do the work, as for the API: same throttle, same
//! audit.

use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nido_cases::CaseError;
use nido_cases::auth::{
    DEVICE_COOKIE, Origin, TotpEnrolment, begin_enrolment, complete_login, enrolment_required,
    finish_enrolment, pending_enrolment, recovery_codes_left, reset_user_factor,
};
use qrcode::QrCode;
use qrcode::render::svg;
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::form::{FieldErrors, FormData};
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::local_path;
use crate::session::{Address, SIGN_IN_COOKIE, SignedForm, SignedIn, signed_in};

/// The page that asks for the code, after a right password.
#[derive(Template)]
#[template(path = "connexion_code.html")]
pub struct CodePage {
    pub frame: Frame,
    pub csrf: String,
    pub challenge: String,
    pub suite: String,
    pub errors: FieldErrors,
}

/// `POST /connexion/code`: the second step of the sign-in.
pub async fn submit_code(
    State(web): State<Web>,
    request: axum::extract::Request,
) -> Result<Response, WebError> {
    let (mut parts, body) = request.into_parts();
    let Address(address) = Address::from_request_parts(&mut parts, &web).await?;
    let form = FormData::from_body(&parts, body, &web).await?;
    let nonce = crate::session::cookie(&parts.headers, &web, SIGN_IN_COOKIE).unwrap_or_default();
    let key = &web.cases.auth.server_key;
    if !crate::csrf::is_of_sign_in(key, &nonce, form.get(crate::csrf::FIELD)) {
        return Err(WebError::CsrfRejected);
    }
    let expected = crate::csrf::for_sign_in(key, &nonce);
    let device = crate::session::cookie(&parts.headers, &web, DEVICE_COOKIE);
    let challenge = form.get("challenge").to_owned();
    let suite = local_path(form.get("suite"));
    let again = |errors: FieldErrors| CodePage {
        frame: Frame::signed_out("Code de vérification"),
        csrf: expected.clone(),
        challenge: challenge.clone(),
        suite: suite.clone(),
        errors,
    };
    let mut errors = FieldErrors::default();
    let origin = Origin {
        address: &address,
        device: device.as_deref(),
    };
    match complete_login(&web.cases, origin, &challenge, form.get("code")).await {
        Ok(session) => Ok(signed_in(&web, &session, &suite)),
        Err(CaseError::InvalidCode) => {
            errors.add(
                "code",
                "Ce code est incorrect ou a déjà servi. Attendez le suivant, puis réessayez.",
            );
            page(StatusCode::UNAUTHORIZED, &again(errors))
        }
        Err(CaseError::InvalidCredentials) => {
            Ok(Redirect::to("/connexion?expiree=1").into_response())
        }
        Err(refused @ CaseError::Invalid(_)) => {
            // The challenge is no field of hers: the whole form says it.
            let errors = FieldErrors::from_case(refused, |field| {
                (field == "code").then(|| field.to_owned())
            })?;
            page(StatusCode::UNPROCESSABLE_ENTITY, &again(errors))
        }
        Err(CaseError::TooManyAttempts { retry_after_secs }) => {
            errors.whole_form = Some(format!(
                "Trop de codes erronés. Par sécurité, patientez {} avant de réessayer.",
                french::wait_text(retry_after_secs)
            ));
            let mut response = page(StatusCode::TOO_MANY_REQUESTS, &again(errors))?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "securite.html")]
struct SecurityPage {
    frame: Frame,
    csrf: String,
    /// The role requires a factor and there is none yet.
    required: bool,
    enrolled: bool,
    codes_left: u64,
    /// An enrolment waiting for its first code: the QR code and secret.
    pending: Option<Pending>,
    /// Just confirmed: the recovery codes, shown this once.
    recovery_codes: Vec<String>,
    errors: FieldErrors,
    /// The daily digest's choice; `None` while mail is off, or until the
    /// factor the role requires is enrolled.
    digest: Option<bool>,
    /// The choice was just saved.
    digest_saved: Option<&'static str>,
}

struct Pending {
    qr_svg: String,
    secret: String,
}

/// The QR code of an `otpauth://` URL, as an SVG element to put inline.
fn qr_svg(url: &str) -> Result<String, WebError> {
    let code = QrCode::new(url.as_bytes())
        .map_err(|err| WebError::Internal(anyhow::anyhow!("QR code: {err}")))?;
    let drawn = code
        .render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    // Inline in HTML: no XML declaration.
    let element = drawn
        .find("<svg")
        .map_or(drawn.as_str(), |start| &drawn[start..]);
    Ok(element.replacen(
        "<svg",
        "<svg role=\"img\" aria-label=\"QR code à scanner avec l'application d'authentification\"",
        1,
    ))
}

fn spaced(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

impl SecurityPage {
    async fn of(
        web: &Web,
        signed_in: &SignedIn,
        pending: Option<TotpEnrolment>,
        errors: FieldErrors,
    ) -> Result<Self, WebError> {
        let user = signed_in.user();
        let codes_left = if user.mfa_enrolled {
            recovery_codes_left(&web.cases, &signed_in.caller).await?
        } else {
            0
        };
        let pending = match pending {
            Some(enrolment) => Some(Pending {
                qr_svg: qr_svg(&enrolment.otpauth_url)?,
                secret: spaced(&enrolment.secret),
            }),
            None => None,
        };
        let required = enrolment_required(&web.cases, user);
        let digest = if web.cases.mail.is_on() && !required {
            Some(nido_cases::mail::notifications(&web.cases, &signed_in.caller.caller()).await?)
        } else {
            None
        };
        Ok(SecurityPage {
            frame: Frame::signed_in("Sécurité du compte", signed_in, ""),
            csrf: signed_in.csrf.clone(),
            required,
            enrolled: user.mfa_enrolled,
            codes_left,
            pending,
            recovery_codes: Vec::new(),
            errors,
            digest,
            digest_saved: None,
        })
    }
}

/// `GET /securite`: the factor's state, and the way to enrol.
pub async fn show(State(web): State<Web>, signed_in: SignedIn) -> Result<Response, WebError> {
    let pending = pending_enrolment(&web.cases, &signed_in.caller).await?;
    let security = SecurityPage::of(&web, &signed_in, pending, FieldErrors::default()).await?;
    page(StatusCode::OK, &security)
}

/// `POST /securite/courriels`: the daily digest's choice (409 while mail
/// is off).
pub async fn notifications(
    State(web): State<Web>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    let on = !form.get("daily_digest").is_empty();
    nido_cases::mail::set_notifications(&web.cases, &signed_in.caller.caller(), on).await?;
    let mut security = SecurityPage::of(&web, &signed_in, None, FieldErrors::default()).await?;
    security.digest_saved = Some(if on {
        "C'est noté : vous recevrez chaque matin le résumé de vos échéances."
    } else {
        "C'est noté : vous ne recevrez plus le résumé de vos échéances."
    });
    page(StatusCode::OK, &security)
}

/// `POST /securite/activation`: a new secret, shown as a QR code.
pub async fn start(State(web): State<Web>, posted: SignedForm) -> Result<Response, WebError> {
    let signed_in = posted.signed_in;
    match begin_enrolment(&web.cases, &signed_in.caller).await {
        Ok(enrolment) => {
            let security =
                SecurityPage::of(&web, &signed_in, Some(enrolment), FieldErrors::default()).await?;
            page(StatusCode::OK, &security)
        }
        // Enrolled already (another tab): the page says so.
        Err(CaseError::Conflict(_)) => Ok(Redirect::to("/securite").into_response()),
        Err(other) => Err(other.into()),
    }
}

/// `POST /securite/confirmation`: the first code; the recovery codes once.
pub async fn confirm(
    State(web): State<Web>,
    Address(address): Address,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    let mut errors = FieldErrors::default();
    let status = match finish_enrolment(&web.cases, &signed_in.caller, &address, form.get("code"))
        .await
    {
        Ok(codes) => {
            let mut security =
                SecurityPage::of(&web, &signed_in, None, FieldErrors::default()).await?;
            security.enrolled = true;
            security.required = false;
            security.codes_left = u64::try_from(codes.len()).unwrap_or_default();
            security.recovery_codes = codes;
            return page(StatusCode::OK, &security);
        }
        Err(CaseError::Invalid(_)) => {
            errors.add(
                "code",
                "Ce code ne correspond pas. Vérifiez l'heure du téléphone, attendez le code suivant, puis réessayez.",
            );
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(CaseError::TooManyAttempts { retry_after_secs }) => {
            errors.whole_form = Some(format!(
                "Trop de codes erronés. Par sécurité, patientez {} avant de réessayer.",
                french::wait_text(retry_after_secs)
            ));
            StatusCode::TOO_MANY_REQUESTS
        }
        Err(CaseError::Conflict(_)) => return Ok(Redirect::to("/securite").into_response()),
        Err(other) => return Err(other.into()),
    };
    let pending = pending_enrolment(&web.cases, &signed_in.caller).await?;
    let security = SecurityPage::of(&web, &signed_in, pending, errors).await?;
    page(status, &security)
}

/// `POST /admin/utilisateurs/{id}/double-authentification` (admins): the
/// user's factor is reset and her sessions end; she enrols again.
pub async fn reset(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let id = Uuid::parse_str(&raw_id).map_err(|_| WebError::NotFound)?;
    let caller = posted.signed_in.case_caller();
    reset_user_factor(&web.cases, &caller, id).await?;
    Ok(Redirect::to("/admin/utilisateurs?ok=double-authentification").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_inline_svg_element() {
        let svg =
            qr_svg("otpauth://totp/nido:awa%40nido.example?secret=JBSWY3DPEHPK3PXP&issuer=nido")
                .expect("svg");
        assert!(svg.starts_with("<svg role=\"img\""), "{}", &svg[..40]);
        assert!(!svg.contains("<?xml"));
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }

    #[test]
    fn the_secret_is_shown_in_groups_of_four() {
        assert_eq!(spaced("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
    }
}
