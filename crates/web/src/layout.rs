//! What every page has around its content: the title, the style sheet and
//! script, and for a signed-in user the navigation of her role, her name and
//! the sign-out button.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use nido_domain::Role;

use crate::assets;
use crate::error::WebError;
use crate::french;
use crate::session::SignedIn;

/// One entry of the navigation.
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The signed-in part of the frame.
pub struct Chrome {
    pub user_name: String,
    pub role: &'static str,
    pub nav: Vec<NavLink>,
    /// The sign-out form's CSRF token.
    pub csrf: String,
    /// The switcher's sites, the chosen one selected (empty for a user of
    /// one site: no switcher).
    pub sites: Vec<crate::pages::Choice>,
    /// The page the switcher comes back to.
    pub back: String,
}

/// The pages of each role, in the navigation's order. A page is added here
/// when it exists (see docs/web.md).
fn pages_of(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Staff => &[
            ("/", "Accueil"),
            ("/familles", "Familles"),
            ("/echeances", "Échéances"),
            ("/creche", "Crèche"),
        ],
        Role::Coordinator => &[
            ("/", "Accueil"),
            ("/familles", "Familles"),
            ("/liste-attente", "Liste d'attente"),
            ("/doublons", "Doublons possibles"),
            ("/echeances", "Échéances"),
            ("/creche", "Crèche"),
            ("/rapports", "Rapports"),
        ],
        Role::Admin => &[
            ("/", "Accueil"),
            ("/logements", "Logements"),
            ("/rapports", "Rapports"),
            ("/admin/utilisateurs", "Utilisateurs"),
            ("/admin/journal", "Journal d'audit"),
        ],
        Role::HeadOffice => &[
            ("/", "Accueil"),
            ("/familles", "Familles"),
            ("/echeances", "Échéances"),
            ("/rapports", "Rapports"),
        ],
    }
}

/// The frame of a page: what the base template needs.
pub struct Frame {
    pub title: String,
    pub chrome: Option<Chrome>,
    pub style_url: &'static str,
    pub script_url: &'static str,
}

impl Frame {
    /// For a signed-in user, on the page at `section` (the navigation's
    /// entry to mark as current).
    pub fn signed_in(title: impl Into<String>, user: &SignedIn, section: &str) -> Self {
        let nav = pages_of(user.user().role)
            .iter()
            .map(|(href, label)| NavLink {
                href,
                label,
                current: *href == section,
            })
            .collect();
        Frame {
            title: title.into(),
            chrome: Some(Chrome {
                user_name: user.user().display_name.as_str().to_owned(),
                role: french::role(user.user().role),
                nav,
                csrf: user.csrf.clone(),
                sites: crate::pages::site_options(user, |id| user.chosen_site == Some(id)),
                back: crate::pages::local_path(section),
            }),
            style_url: assets::style_url(),
            script_url: assets::script_url(),
        }
    }

    /// For a visitor who is not signed in.
    pub fn signed_out(title: impl Into<String>) -> Self {
        Frame {
            title: title.into(),
            chrome: None,
            style_url: assets::style_url(),
            script_url: assets::script_url(),
        }
    }
}

/// Renders a page with `status`.
pub fn page(status: StatusCode, template: &impl Template) -> Result<Response, WebError> {
    let html = template
        .render()
        .map_err(|err| WebError::Internal(anyhow::anyhow!("template: {err}")))?;
    Ok((status, Html(html)).into_response())
}
