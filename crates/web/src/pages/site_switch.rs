//! The site switcher (`POST /etablissement`): a user of several sites
//! chooses the one the pages work in, or all of hers. The choice is a
//! cookie; it narrows what the pages show and is the site her forms
//! offer first. What she may read stays the server's to say: a site she
//! does not read is refused, and a cookie naming one is ignored.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::layout::{Frame, page};
use crate::pages::{Choice, local_path, site_choices};
use crate::session::{SITE_COOKIE, SignedForm, SignedIn, set_cookie};

/// `POST /etablissement` (`site_id`: a site's id, blank for all; `retour`:
/// the page to go back to).
pub async fn switch(State(web): State<Web>, posted: SignedForm) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    let chosen = match form.get("site_id") {
        "" => None,
        // A site she does not read is no choice of hers: refused (and the
        // refusal audited), as any other page of it would be.
        raw => Some(
            raw.parse::<Uuid>()
                .ok()
                .filter(|id| signed_in.sites.iter().any(|site| site.id == *id))
                .ok_or(WebError::Forbidden)?,
        ),
    };
    let value = chosen.map(|id| id.to_string());
    let mut response = Redirect::to(&local_path(form.get("retour"))).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&web, SITE_COOKIE, value.as_deref()),
    );
    Ok(response)
}

#[derive(Template)]
#[template(path = "choisir_etablissement.html")]
struct ChooseSitePage {
    frame: Frame,
    csrf: String,
    heading: &'static str,
    back: &'static str,
    sites: Vec<Choice>,
}

/// The page of a site's own things (its crèche) for a user of several
/// sites who chose all of them: a button per site, each choosing it and
/// coming back to `back`; with `status`, that of a form refused meanwhile
/// (she chose all of them in another tab).
pub fn choose(
    signed_in: &SignedIn,
    heading: &'static str,
    back: &'static str,
    status: StatusCode,
) -> Result<Response, WebError> {
    page(
        status,
        &ChooseSitePage {
            frame: Frame::signed_in(heading, signed_in, back),
            csrf: signed_in.csrf.clone(),
            heading,
            back,
            sites: site_choices(signed_in, None),
        },
    )
}
