//! What a page answers when it cannot show what was asked: a French page
//! with the status the API would answer (403, 404, 500), or a redirection
//! to sign in. A refused access is marked for the audit layer as the API's
//! refusals are (`access_denied`, `family.access_denied`).

use askama::Template;
use axum::extract::{FromRequestParts, Request};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use nido_cases::audit_log::Denied;

use crate::Web;
use crate::error::WebError;
use crate::layout::Frame;
use crate::session::SignedIn;

#[derive(Template)]
#[template(path = "erreur.html")]
struct ErrorPage {
    frame: Frame,
    heading: &'static str,
    message: &'static str,
}

/// The page of an error status; plain text if even the template fails.
fn error_page(status: StatusCode, heading: &'static str, message: &'static str) -> Response {
    let page = ErrorPage {
        frame: Frame::signed_out(heading),
        heading,
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, heading).into_response(),
    }
}

const NOT_FOUND: (&str, &str) = (
    "Page introuvable",
    "Cette page n'existe pas, ou vous n'y avez pas accès. Vérifiez l'adresse, ou repartez de l'accueil.",
);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::SignInRequired { back, clear } => {
                let target = match back {
                    Some(back) => format!(
                        "/connexion?suite={}",
                        form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
                    ),
                    None => "/connexion".to_owned(),
                };
                let mut response = Redirect::to(&target).into_response();
                if let Some(clear) = clear {
                    response.headers_mut().append(header::SET_COOKIE, clear);
                }
                response
            }
            WebError::PasswordChangeRequired => Redirect::to("/mot-de-passe").into_response(),
            WebError::MfaEnrolmentRequired => Redirect::to("/securite").into_response(),
            WebError::Forbidden => {
                let mut response = error_page(
                    StatusCode::FORBIDDEN,
                    "Accès refusé",
                    "Votre rôle ne donne pas accès à cette page. Si vous en avez besoin, adressez-vous à la direction.",
                );
                response.extensions_mut().insert(Denied { family_id: None });
                response
            }
            WebError::NotFound => error_page(StatusCode::NOT_FOUND, NOT_FOUND.0, NOT_FOUND.1),
            WebError::Hidden { family_id } => {
                // Exactly the page of a family that does not exist.
                let mut response = error_page(StatusCode::NOT_FOUND, NOT_FOUND.0, NOT_FOUND.1);
                response.extensions_mut().insert(Denied { family_id });
                response
            }
            WebError::CsrfRejected => error_page(
                StatusCode::FORBIDDEN,
                "Formulaire refusé",
                "Ce formulaire a expiré ou ne vient pas de nido : rien n'a été enregistré. Revenez à la page, rechargez-la, puis recommencez.",
            ),
            WebError::Conflict(conflict) => error_page(
                StatusCode::CONFLICT,
                "Impossible pour l'instant",
                crate::french::conflict(conflict),
            ),
            WebError::BadRequest => error_page(
                StatusCode::BAD_REQUEST,
                "Demande illisible",
                "Cette demande n'a pas pu être lue : rien n'a été enregistré. Revenez à la page et recommencez.",
            ),
            WebError::Internal(err) => {
                // In full for the operators; the page says nothing of it.
                tracing::error!(error = ?err, "page failed");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Erreur inattendue",
                    "Une erreur inattendue est survenue. Réessayez dans un instant ; si elle revient, prévenez la direction.",
                )
            }
        }
    }
}

/// The pages' fallback: a French 404, or sign in first (so that a
/// signed-out visitor learns nothing of which addresses exist).
pub async fn not_found(web: axum::extract::State<Web>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    match SignedIn::from_request_parts(&mut parts, &web).await {
        Ok(_) => WebError::NotFound.into_response(),
        Err(refused) => refused.into_response(),
    }
}

pub async fn method_not_allowed() -> Response {
    error_page(
        StatusCode::METHOD_NOT_ALLOWED,
        "Action impossible",
        "Cette adresse ne s'utilise pas ainsi. Repartez de l'accueil.",
    )
}
