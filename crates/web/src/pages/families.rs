//! `/familles`: the families the user may see (coordinators all, staff
//! those they accompany), searched by name.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use nido_cases::family_list::{self, ListedFamily};
use nido_domain::placement::ChildBirth;

use crate::Web;
use crate::error::WebError;
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::query_value;
use crate::session::SignedIn;

/// A family in a list.
pub struct FamilyRow {
    pub href: String,
    pub mother_name: String,
    pub children: Vec<String>,
    pub situation: &'static str,
    pub referent: Option<String>,
    /// Her site's name, for a user of several sites who reads them all.
    pub site: Option<String>,
}

/// "Inaya, 8 mois", or "Enfant à naître, prévu le 3 mars 2027".
pub fn child_summary(first_name: &str, birth: ChildBirth, today: NaiveDate) -> String {
    match birth {
        ChildBirth::Born(born) => format!("{first_name}, {}", french::age(born, today)),
        ChildBirth::Expected(expected) => {
            format!(
                "{first_name} (naissance prévue le {})",
                french::date(expected)
            )
        }
    }
}

/// The rows of a list of families, each naming its site when the reader
/// reads several and chose all of them.
pub fn family_rows(
    list: Vec<ListedFamily>,
    today: NaiveDate,
    signed_in: &SignedIn,
) -> Vec<FamilyRow> {
    list.into_iter()
        .map(|ListedFamily { family, referent }| FamilyRow {
            href: format!("/familles/{}", family.id),
            mother_name: family.mother.full_name(),
            children: family
                .children
                .iter()
                .map(|child| child_summary(&child.first_name, child.birth, today))
                .collect(),
            situation: if family.current_placement_id.is_some() {
                "Prise en charge en cours"
            } else {
                "Pas de prise en charge en cours"
            },
            referent: referent.map(|user| user.display_name.as_str().to_owned()),
            site: crate::pages::listed_site_name(signed_in, family.site_id),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "familles.html")]
struct FamiliesPage {
    frame: Frame,
    query: String,
    families: Vec<FamilyRow>,
    /// How many families the user may see in all.
    total: usize,
    /// Whose families these are, in a sentence.
    lead: &'static str,
}

fn lead(signed_in: &SignedIn) -> &'static str {
    use nido_domain::Role;
    match signed_in.user().role {
        Role::HeadOffice => "Les familles de tous les établissements, en lecture seule.",
        Role::Coordinator if signed_in.has_several_sites() => {
            "Toutes les familles de vos établissements."
        }
        Role::Coordinator => "Toutes les familles du centre.",
        _ => "Les familles que vous accompagnez.",
    }
}

pub async fn list(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let query: String = query_value(raw.as_deref(), "q")
        .unwrap_or_default()
        .trim()
        .chars()
        .take(100)
        .collect();
    let found = family_list::search(
        &web.cases,
        &signed_in.case_caller(),
        &query,
        signed_in.chosen_site,
    )
    .await?;
    let today = web.today();
    page(
        StatusCode::OK,
        &FamiliesPage {
            frame: Frame::signed_in("Familles", &signed_in, "/familles"),
            query,
            families: family_rows(found.families, today, &signed_in),
            total: found.total,
            lead: lead(&signed_in),
        },
    )
}
