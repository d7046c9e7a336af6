//! nido's web front: server-rendered pages in French for the team, at `/`
//! beside the API. The pages call the same use cases as the API handlers
//! (`nido_cases`, with the same `Caller`), and the same authentication
//! (`nido_cases::auth`: login throttling, the sessions table and its
//! timeouts, the forced password change); they hold no business rule of
//! their own. See `docs/web.md`.

mod assets;
mod csrf;
mod error;
mod error_page;
mod form;
mod french;
mod layout;
mod pages;
mod session;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases::Cases;
use nido_cases::auth::{CookiePolicy, ForwardedFor};
use serde::Deserialize;
use tower_http::set_header::SetResponseHeaderLayer;

/// `[web]` in the configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct WebSettings {
    /// nido is reached through HTTPS only: cookies are `Secure` (as they
    /// are anyway outside development) and every answer carries
    /// `Strict-Transport-Security`. Turn it on wherever nido is reached
    /// through HTTPS, which is everywhere but a developer's machine. Read at
    /// start into the cookie policy.
    pub secure_cookies: bool,
}

/// What every page handler reaches: the use cases (over the databases and
/// the clock, with authentication), how cookies go out, which client
/// address the login throttle counts, and the web's own settings. Built by
/// the binary beside the API's state, over the same use cases. Cheap to
/// clone.
#[derive(Clone)]
pub struct Web {
    pub cases: Cases,
    /// How cookies are named and flagged.
    pub cookies: CookiePolicy,
    /// Whether the client's address is read from `X-Forwarded-For`.
    pub forwarded_for: ForwardedFor,
    pub settings: WebSettings,
}

impl Web {
    /// Now, by the application's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.cases.now()
    }

    /// Today in the centre's time zone.
    pub fn today(&self) -> NaiveDate {
        self.cases.today()
    }
}

/// Pages only ever load what nido serves itself: no inline script, no
/// other origin, no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The pages, with their own state, fallback and headers: the binary
/// serves them behind the API's fallback, inside its layers.
pub fn pages(web: Web) -> Router {
    Router::new()
        .route("/", get(pages::home::show))
        .route(
            "/connexion",
            get(pages::sign_in::form).post(pages::sign_in::submit),
        )
        .route("/connexion/code", post(pages::second_factor::submit_code))
        .route("/securite", get(pages::second_factor::show))
        .route("/securite/activation", post(pages::second_factor::start))
        .route(
            "/securite/courriels",
            post(pages::second_factor::notifications),
        )
        .route(
            "/securite/confirmation",
            post(pages::second_factor::confirm),
        )
        .route(
            "/admin/utilisateurs/{id}/double-authentification",
            post(pages::second_factor::reset),
        )
        .route("/etablissement", post(pages::site_switch::switch))
        .route(
            "/deconnexion",
            post(pages::sign_in::sign_out).get(pages::sign_in::to_home),
        )
        .route(
            "/mot-de-passe",
            get(pages::password::form).post(pages::password::submit),
        )
        .route(
            "/mot-de-passe/oubli",
            get(pages::forgotten::ask_form).post(pages::forgotten::ask),
        )
        .route(
            "/mot-de-passe/nouveau",
            get(pages::forgotten::choose_form).post(pages::forgotten::choose),
        )
        .route("/familles", get(pages::families::list))
        .route("/familles/{id}", get(pages::family::show))
        .route(
            "/familles/{id}/interventions",
            post(pages::intervention::submit),
        )
        .route(
            "/familles/{id}/enfants/{child_id}/naissance",
            post(pages::birth::submit),
        )
        .route("/familles/{id}/documents", post(pages::documents::submit))
        .route("/documents/{id}", get(pages::documents::download))
        .route("/rapports", get(pages::reports::show))
        .route("/rapports/activite.pdf", get(pages::reports::activity))
        .route(
            "/familles/{id}/attestation.pdf",
            get(pages::documents::attestation),
        )
        .route(
            "/prises-en-charge/{id}/contrat.pdf",
            get(pages::documents::contract),
        )
        .route(
            "/prises-en-charge/{id}/periodes/{number}/avenant.pdf",
            get(pages::documents::amendment),
        )
        .route("/echeances", get(pages::due_dates::show))
        .route("/creche", get(pages::creche::show))
        .route("/creche/reservations", post(pages::creche::submit_booking))
        .route(
            "/creche/reservations/{id}/presence",
            post(pages::creche::submit_attendance),
        )
        .route(
            "/liste-attente",
            get(pages::waiting_list::show).post(pages::waiting_list::submit_referral),
        )
        .route(
            "/liste-attente/{id}/admission",
            post(pages::waiting_list::submit_admission),
        )
        .route(
            "/liste-attente/{id}/cloture",
            post(pages::waiting_list::submit_close),
        )
        .route("/doublons", get(pages::duplicates::show))
        .route(
            "/doublons/decisions",
            post(pages::duplicates::submit_decision),
        )
        .route("/familles/{id}/mere", post(pages::mother::submit))
        .route(
            "/familles/{id}/renouvellement",
            post(pages::placement::submit_renewal),
        )
        .route("/familles/{id}/sortie", post(pages::placement::submit_exit))
        .route(
            "/familles/{id}/demarches",
            post(pages::pathway::submit_new_step),
        )
        .route(
            "/familles/{id}/demarches/{step}",
            post(pages::pathway::submit_step_change),
        )
        .route(
            "/familles/{id}/suivis",
            post(pages::pathway::submit_follow_up),
        )
        .route(
            "/familles/{id}/equipe",
            post(pages::placement::submit_assignment),
        )
        .route("/logements", get(pages::housing::show))
        .route(
            "/logements/occupation.csv",
            get(pages::housing::occupancy_csv),
        )
        .route(
            "/logements/bailleurs",
            post(pages::housing_forms::add_landlord_form),
        )
        .route(
            "/logements/appartements",
            post(pages::housing_forms::add_unit_form),
        )
        .route(
            "/logements/baux",
            post(pages::housing_forms::add_lease_form),
        )
        .route(
            "/logements/demenagements",
            post(pages::housing_forms::move_form),
        )
        .route(
            "/admin/utilisateurs",
            get(pages::users::list).post(pages::users::create),
        )
        .route(
            "/admin/utilisateurs/{id}",
            get(pages::users::edit).post(pages::users::update),
        )
        .route("/admin/journal", get(pages::audit_log::show))
        .route(assets::STYLE_PATH, get(assets::style))
        .route(assets::SCRIPT_PATH, get(assets::script))
        .fallback(error_page::not_found)
        .method_not_allowed_fallback(error_page::method_not_allowed)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ))
        .with_state(web)
}
