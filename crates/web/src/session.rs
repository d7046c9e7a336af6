//! The web session: a cookie holding a token of the API's sessions table,
//! with the same idle and absolute timeouts, resolved by the same
//! `nido_cases::auth::resolve_session`. And the extractors every page
//! starts with.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, Method, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use nido_cases::audit_log::CallerSlot;
use nido_cases::auth::{self, NewSession, Session};
use nido_domain::User;
use nido_domain::site::Site;
use uuid::Uuid;

use crate::Web;
use crate::csrf;
use crate::error::WebError;
use crate::form::FormData;

/// The session cookie: the session's token, as the API's bearer token.
/// Base names: outside development each is `__Host-` prefixed
/// (`nido_cases::auth::CookiePolicy`).
pub const SESSION_COOKIE: &str = "nido_session";
/// The sign-in form's own nonce (see [`csrf`]).
pub const SIGN_IN_COOKIE: &str = "nido_connexion";
/// The site a user of several sites chose to work in on the pages (the
/// switcher in the header): a site's id, absent for all of hers. It only
/// narrows what the pages show; what she may read is the server's to say.
pub const SITE_COOKIE: &str = "nido_etablissement";

/// The pages a user whose password was set by someone else may still open.
const OPEN_BEFORE_PASSWORD_CHANGE: [&str; 2] = ["/mot-de-passe", "/deconnexion"];
/// The pages an account whose role requires a second factor may open
/// before it has one.
const OPEN_BEFORE_ENROLMENT: [&str; 5] = [
    "/securite",
    "/securite/activation",
    "/securite/confirmation",
    "/mot-de-passe",
    "/deconnexion",
];

/// The value of nido's cookie `base` in the request, under the name the
/// cookie policy gives it.
pub fn cookie(headers: &HeaderMap, web: &Web, base: &str) -> Option<String> {
    let cookie_headers = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok());
    web.cookies.read(cookie_headers, base)
}

/// On to `suite` with the new session's cookie and the device cookie: the
/// end of a sign-in, with the password alone or with its code.
pub fn signed_in(web: &Web, session: &NewSession, suite: &str) -> Response {
    let mut response = Redirect::to(suite).into_response();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(web, SESSION_COOKIE, Some(&session.token)),
    );
    headers.append(header::SET_COOKIE, device_cookie(web, session));
    response
}

/// A `Set-Cookie` value for one of nido's cookies: `HttpOnly`,
/// `SameSite=Strict`, `Path=/`, `__Host-` and `Secure` as the cookie policy
/// says. `None` clears it. Without `Max-Age` the cookie lasts until the
/// browser closes; the session itself ends sooner on the server.
pub fn set_cookie(web: &Web, base: &str, value: Option<&str>) -> HeaderValue {
    header_value(&web.cookies.set(base, value, None))
}

/// The `Set-Cookie` of a session's device cookie (kept a year).
pub fn device_cookie(web: &Web, session: &NewSession) -> HeaderValue {
    header_value(&web.cookies.device_cookie(session))
}

/// A cookie policy's `Set-Cookie` text as a header (always visible ASCII).
fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The signed-in user of a page. Without a live session the visitor is
/// sent to `/connexion` (and back here after); a user who must replace a
/// password someone else set is sent to `/mot-de-passe`, whatever she asked.
pub struct SignedIn {
    /// Her session: who she is, and the token it goes by.
    pub caller: Session,
    /// The token her forms carry.
    pub csrf: String,
    /// The sites she reads, by name (every site for the head office).
    pub sites: Vec<Site>,
    /// The site she chose in the switcher, one of `sites` (`None`: all of
    /// them).
    pub chosen_site: Option<Uuid>,
    session_token: String,
}

impl SignedIn {
    pub fn user(&self) -> &User {
        &self.caller.user
    }

    pub fn case_caller(&self) -> nido_cases::Caller {
        self.caller.caller()
    }

    /// Whether she reads several sites (then the pages offer the switcher
    /// and her forms ask for the site).
    pub fn has_several_sites(&self) -> bool {
        self.sites.len() > 1
    }

    /// The site the pages work in: the one she chose, or her only one;
    /// `None` when she reads several and chose all of them.
    pub fn site(&self) -> Option<Uuid> {
        match self.sites.as_slice() {
            [only] => Some(only.id),
            _ => self.chosen_site,
        }
    }

    /// Whether a record of `site_id` is shown under her choice.
    pub fn shows_site(&self, site_id: Uuid) -> bool {
        self.chosen_site.is_none_or(|chosen| chosen == site_id)
    }

    /// Reads the session of the request, if there is a live one.
    pub async fn of(parts: &Parts, web: &Web) -> Result<Option<Self>, WebError> {
        let Some(token) = cookie(&parts.headers, web, SESSION_COOKIE) else {
            return Ok(None);
        };
        let Some(caller) = auth::resolve_session(&web.cases, &token).await? else {
            return Ok(None);
        };
        // For the audit of refusals around the page.
        if let Some(slot) = parts.extensions.get::<CallerSlot>() {
            slot.fill(caller.user.id);
        }
        let sites = nido_cases::sites::read_by(&web.cases, &caller.caller(), None).await?;
        let chosen_site = cookie(&parts.headers, web, SITE_COOKIE)
            .and_then(|raw| raw.parse::<Uuid>().ok())
            .filter(|id| sites.len() > 1 && sites.iter().any(|site| site.id == *id));
        Ok(Some(SignedIn {
            caller,
            csrf: csrf::for_session(&token),
            sites,
            chosen_site,
            session_token: token,
        }))
    }

    fn accepts(&self, form: &FormData) -> bool {
        self.accepts_token(form.get(csrf::FIELD))
    }

    /// Whether `token` is this session's CSRF token (a form read by its
    /// handler, as the multipart upload is).
    pub fn accepts_token(&self, token: &str) -> bool {
        csrf::is_of_session(&self.session_token, token)
    }
}

impl FromRequestParts<Web> for SignedIn {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, WebError> {
        let Some(signed_in) = SignedIn::of(parts, web).await? else {
            // Back to the page asked for, once signed in (a GET only: a
            // form's answer cannot be replayed).
            let back = (parts.method == Method::GET)
                .then(|| parts.uri.path_and_query().map(|pq| pq.as_str().to_owned()))
                .flatten()
                .filter(|path| path != "/");
            let stale = cookie(&parts.headers, web, SESSION_COOKIE).is_some();
            return Err(WebError::SignInRequired {
                back,
                clear: stale.then(|| set_cookie(web, SESSION_COOKIE, None)),
            });
        };
        if signed_in.caller.user.must_change_password
            && !OPEN_BEFORE_PASSWORD_CHANGE.contains(&parts.uri.path())
        {
            return Err(WebError::PasswordChangeRequired);
        }
        if auth::enrolment_required(&web.cases, signed_in.user())
            && !OPEN_BEFORE_ENROLMENT.contains(&parts.uri.path())
        {
            return Err(WebError::MfaEnrolmentRequired);
        }
        Ok(signed_in)
    }
}

/// A form posted by the signed-in user, its CSRF token checked: a handler
/// that takes this cannot forget the check. A wrong or missing token
/// answers 403 before the form is looked at.
pub struct SignedForm {
    pub signed_in: SignedIn,
    pub form: FormData,
}

impl FromRequest<Web> for SignedForm {
    type Rejection = WebError;

    async fn from_request(request: Request, web: &Web) -> Result<Self, WebError> {
        let (mut parts, body) = request.into_parts();
        let signed_in = SignedIn::from_request_parts(&mut parts, web).await?;
        let form = FormData::from_body(&parts, body, web).await?;
        if !signed_in.accepts(&form) {
            return Err(WebError::CsrfRejected);
        }
        Ok(SignedForm { signed_in, form })
    }
}

/// The client's address, as the login throttle counts it: the peer, or
/// behind trusted proxies what `X-Forwarded-For` says
/// (`nido_cases::auth::ForwardedFor`).
pub struct Address(pub String);

impl FromRequestParts<Web> for Address {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, WebError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok());
        Ok(Address(web.forwarded_for.client_address(peer, forwarded)))
    }
}

impl FormData {
    /// The body of a form post (`application/x-www-form-urlencoded`).
    pub async fn from_body(
        parts: &Parts,
        body: axum::body::Body,
        web: &Web,
    ) -> Result<Self, WebError> {
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(WebError::BadRequest);
        }
        let request = Request::from_parts(parts.clone(), body);
        let bytes = Bytes::from_request(request, web)
            .await
            .map_err(|_| WebError::BadRequest)?;
        Ok(FormData::parse(&bytes))
    }
}
