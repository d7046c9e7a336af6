//! nido's HTTP API: the axum router, extractors, authentication, the mapping
//! of errors to problem responses, and the OpenAPI document.

pub mod activity;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod calendar;
pub mod creche;
pub mod csv_export;
pub mod deadlines;
mod denials;
pub mod documents;
pub mod error;
pub mod export;
pub mod extract;
pub mod families;
pub mod family_input;
pub mod gate;
pub mod health;
pub mod housing;
pub mod housing_views;
pub mod identity;
pub mod incidents;
pub mod interventions;
pub mod mail;
pub mod occupancy;
pub mod openapi;
pub mod pagination;
pub mod papers;
pub mod pathway;
pub mod placements;
pub mod projects;
pub mod referrals;
mod schema;
pub mod sites;
pub mod state;
pub mod timeline;
pub mod users;
pub mod versioning;

mod schema_bounds;
pub mod workshops;

use std::any::Any;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Response, header};
use axum::response::IntoResponse;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

pub use error::{ApiError, Problem};
pub use state::{AppState, Security};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route, and the OpenAPI document that describes them: the API's
/// operations in one table, each handler beside its request and answer
/// types in its module.
fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let api = OpenApiRouter::new()
        .routes(routes!(auth::routes::login))
        .routes(routes!(auth::routes::logout))
        .routes(routes!(auth::mfa::start_enrolment))
        .routes(routes!(auth::mfa::confirm_enrolment))
        .routes(routes!(auth::mfa::remove_own_factor))
        .routes(routes!(auth::mfa::login_second_step))
        .routes(routes!(auth::mfa::reset_factor))
        .routes(routes!(auth::account::my_sessions))
        .routes(routes!(auth::account::end_session))
        .routes(routes!(auth::account::change_password))
        .routes(routes!(mail::request_password_reset))
        .routes(routes!(mail::complete_password_reset))
        .routes(routes!(mail::get_notifications, mail::put_notifications))
        .routes(routes!(sites::list_sites, sites::create_site))
        .routes(routes!(sites::get_site, sites::update_site))
        .routes(routes!(users::create_user, users::list_users))
        .routes(routes!(users::get_user, users::update_user))
        .routes(routes!(users::me))
        .routes(routes!(families::list_families))
        .routes(routes!(identity::search_families))
        .routes(routes!(identity::list_duplicates))
        .routes(routes!(identity::decide))
        .routes(routes!(families::get_family, families::update_family))
        .routes(routes!(families::add_child))
        .routes(routes!(families::update_child))
        .routes(routes!(families::assign))
        .routes(routes!(
            referrals::create_referral,
            referrals::list_referrals
        ))
        .routes(routes!(referrals::get_referral))
        .routes(routes!(referrals::decline))
        .routes(routes!(referrals::withdraw))
        .routes(routes!(referrals::admit))
        .routes(routes!(placements::get_placement))
        .routes(routes!(placements::renew))
        .routes(routes!(placements::exit))
        .routes(routes!(deadlines::list_deadlines))
        .routes(routes!(creche::get_settings, creche::put_settings))
        .routes(routes!(creche::add_closure, creche::list_closures))
        .routes(routes!(creche::remove_closure))
        .routes(routes!(creche::book, creche::family_bookings))
        .routes(routes!(creche::cancel))
        .routes(routes!(creche::attendance))
        .routes(routes!(creche::day))
        .routes(routes!(creche::availability))
        .routes(routes!(creche::report))
        .routes(routes!(projects::get_contract, projects::put_contract))
        .routes(routes!(projects::add_review))
        .routes(routes!(projects::get_project))
        .routes(routes!(projects::list_due_dates))
        .routes(routes!(pathway::add_step, pathway::list_steps))
        .routes(routes!(pathway::get_step, pathway::update_step))
        .routes(routes!(pathway::record_follow_up, pathway::list_follow_ups))
        .routes(routes!(incidents::declare, incidents::list_incidents))
        .routes(routes!(incidents::get_incident, incidents::update_incident))
        .routes(routes!(incidents::add_concern, incidents::list_concerns))
        .routes(routes!(activity::activity_report))
        .routes(routes!(audit::list_audit))
        .routes(routes!(
            housing::landlords::create_landlord,
            housing::landlords::list_landlords
        ))
        .routes(routes!(
            housing::landlords::get_landlord,
            housing::landlords::update_landlord
        ))
        .routes(routes!(
            housing::units::create_unit,
            housing::units::list_units
        ))
        .routes(routes!(
            housing::units::get_unit,
            housing::units::update_unit
        ))
        .routes(routes!(
            housing::leases::create_lease,
            housing::leases::list_leases
        ))
        .routes(routes!(housing::leases::update_lease))
        .routes(routes!(occupancy::move_family))
        .routes(routes!(occupancy::unit_occupancies))
        .routes(routes!(housing_views::vacancies))
        .routes(routes!(housing_views::leases_ending))
        .routes(routes!(housing_views::occupancy_report))
        .routes(routes!(billing::statement))
        .routes(routes!(
            interventions::create_intervention,
            interventions::list_interventions
        ))
        .routes(routes!(
            interventions::get_intervention,
            interventions::update_intervention
        ))
        .routes(routes!(interventions::create_action))
        .routes(routes!(interventions::my_actions))
        .routes(routes!(interventions::update_action))
        .routes(routes!(documents::add_document, documents::list_documents))
        .routes(routes!(documents::document_content))
        .routes(routes!(documents::remove_document))
        .routes(routes!(papers::contract_pdf))
        .routes(routes!(papers::amendment_pdf))
        .routes(routes!(papers::attestation_pdf))
        .routes(routes!(papers::activity_pdf))
        .routes(routes!(timeline::timeline))
        .routes(routes!(export::export_family))
        .routes(routes!(
            workshops::create_workshop,
            workshops::list_workshops
        ))
        .routes(routes!(workshops::get_workshop))
        .routes(routes!(workshops::add_participant))
        .routes(routes!(workshops::record_attendance))
        .merge(calendar::router());
    let (router, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api/v1", api)
        .merge(health::router())
        .split_for_parts();
    openapi::Conventions.modify(&mut document);
    (router, document)
}

/// The OpenAPI document served at `/api/v1/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    routes().1
}

/// The whole application: routes, docs, and the layers every request passes.
pub fn app(state: AppState) -> Router {
    app_with_pages(state, None)
}

/// The application with `pages` (the web front, with its own state and its
/// own fallback) answering every path the API does not know, except those
/// under the API's prefixes, which answer problems as before. The pages pass
/// the same layers: request ids, tracing, the audit of refusals, the
/// security headers.
pub fn app_with_pages(state: AppState, pages: Option<Router>) -> Router {
    let (router, document) = routes();
    let docs = Router::from(SwaggerUi::new("/docs").url("/api/v1/openapi.json", document)).layer(
        SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DOCS_CONTENT_SECURITY_POLICY),
        ),
    );
    let router = router
        .merge(docs)
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed });
    let router = match pages {
        None => router.fallback(|| async { ApiError::NotFound }),
        Some(pages) => router.fallback(move |request: Request| {
            let pages = pages.clone();
            async move {
                if is_api_path(request.uri().path()) {
                    return ApiError::NotFound.into_response();
                }
                match tower::ServiceExt::oneshot(pages, request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            }
        }),
    };
    let hsts = state.cookies.hsts();
    let router = router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            denials::audit_denials,
        ))
        .with_state(state);
    let router = with_layers(router);
    if hsts {
        // Reached through HTTPS only: the browser never tries plain HTTP
        // again (where a network attacker could answer in nido's name).
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        router
    }
}

/// Swagger UI at `/docs` loads only what nido serves (its scripts, its
/// style sheets, the OpenAPI document; its images are data URIs). The one
/// inline style it writes, the colours of its logo's SVG, is allowed by its
/// hash (checked in Chromium: no other CSP violation). It may not be framed.
const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; \
     img-src 'self' data:; connect-src 'self'; form-action 'none'; \
     frame-ancestors 'none'; base-uri 'none'";

/// The paths of the API, its documentation and the probes: an unknown one
/// answers a problem, never a page.
fn is_api_path(path: &str) -> bool {
    ["/api", "/docs", "/health"].iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Request ids, tracing, panics turned into bare 500s, and the body limit.
pub fn with_layers(router: Router) -> Router {
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http().make_span_with(|request: &Request| {
                    let request_id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default();
                    // The path only: ids, never names, never a feed's
                    // secret; no query, no headers.
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %loggable_path(request.uri().path()),
                        request_id = %request_id,
                    )
                }),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            // Answers carry case data: no cache may keep them (the login's
            // token included), no browser may guess their type or send
            // their address on. Only an answer that says otherwise itself
            // (the web pages' style sheet and script) may be kept.
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ))
            .layer(CatchPanicLayer::custom(answer_panic))
            .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES)),
    )
}

/// The path as logs and audit entries may keep it: up to and including
/// `/calendar/`, a calendar feed's address is cut, since what follows is
/// its secret (`/api/v1/calendar/…`). Other paths hold ids only, and stay.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.find(calendar::FEED_PREFIX) {
        Some(start) => {
            let end = start + calendar::FEED_PREFIX.len();
            format!("{}…", &path[..end]).into()
        }
        None => path.into(),
    }
}

/// A panic is logged without its payload (it may hold case data) and
/// answered with a bare 500.
fn answer_panic(_payload: Box<dyn Any + Send + 'static>) -> Response<axum::body::Body> {
    tracing::error!("a handler panicked");
    ApiError::Internal(anyhow::anyhow!("handler panicked")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt;

    #[test]
    fn a_feeds_secret_stays_out_of_the_logged_path() {
        let secret = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";
        for path in [
            format!("/api/v1/calendar/{secret}.ics"),
            format!("/api/v1/calendar/{secret}.ics/"),
            format!("//api/v1/calendar/{secret}"),
            format!("/calendar/{secret}.ics"),
        ] {
            let logged = loggable_path(&path);
            assert!(!logged.contains(secret), "{logged}");
            assert!(logged.ends_with("/calendar/…"), "{logged}");
        }
        assert_eq!(loggable_path("/api/v1/me/calendar"), "/api/v1/me/calendar");
        assert_eq!(loggable_path("/api/v1/families/1"), "/api/v1/families/1");
    }

    #[tokio::test]
    async fn a_panic_becomes_a_bare_problem() {
        let router = with_layers(Router::new().route(
            "/boom",
            get(|| async {
                panic!("mother Awa Diallo, born 1999-04-02");
                #[allow(unreachable_code)]
                ""
            }),
        ));
        let response = router
            .oneshot(Request::get("/boom").body(Body::empty()).expect("request"))
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        assert!(response.headers().contains_key("x-request-id"));
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("body");
        let body = String::from_utf8(body.to_vec()).expect("utf-8");
        assert!(body.contains("\"code\":\"internal_error\""), "{body}");
        assert!(!body.contains("Diallo"), "{body}");
    }
}
