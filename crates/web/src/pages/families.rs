//! `/familles`: the families the user may see (coordinators all, staff
//! those they accompany), searched by name.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use nido_domain::family::Family;
use nido_domain::placement::ChildBirth;
use nido_http::access;
use nido_persistence::{RepoError, families, users};
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::query_value;
use crate::session::SignedIn;

/// The most families a list reads: a centre has a few dozen at a time (and
/// closed files are anonymised after two years).
const MAX_FAMILIES: u64 = 2000;

/// A family in a list.
pub struct FamilyRow {
    pub href: String,
    pub mother_name: String,
    pub children: Vec<String>,
    pub situation: &'static str,
    pub referent: Option<String>,
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

/// The display names of these users (colleagues on a family's team).
pub async fn user_names(
    web: &Web,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, nido_domain::User>, WebError> {
    let mut found = HashMap::new();
    for id in ids {
        if found.contains_key(&id) {
            continue;
        }
        match users::find(&web.app.db, id).await {
            Ok(user) => {
                found.insert(id, user);
            }
            Err(RepoError::NotFound) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(found)
}

/// The rows of a list of families.
pub async fn family_rows(
    web: &Web,
    list: Vec<Family>,
    today: NaiveDate,
) -> Result<Vec<FamilyRow>, WebError> {
    let ids: Vec<Uuid> = list.iter().filter_map(|f| f.referent_id).collect();
    let referents = user_names(web, ids).await?;
    Ok(list
        .into_iter()
        .map(|family| FamilyRow {
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
            referent: family
                .referent_id
                .and_then(|id| referents.get(&id))
                .map(|user| user.display_name.as_str().to_owned()),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "familles.html")]
struct FamiliesPage {
    frame: Frame,
    query: String,
    families: Vec<FamilyRow>,
    /// How many families the user may see in all.
    total: usize,
    coordinator: bool,
}

/// Whether the family's mother or a child answers to `key` (a search key).
fn answers_to(family: &Family, key: &str) -> bool {
    let mut names = vec![
        family.mother.full_name(),
        format!("{} {}", family.mother.last_name, family.mother.first_name),
    ];
    names.extend(family.children.iter().map(|child| {
        format!(
            "{} {}",
            child.first_name,
            child.last_name.as_deref().unwrap_or_default()
        )
    }));
    names
        .iter()
        .any(|name| french::search_key(name).contains(key))
}

pub async fn list(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let assigned = access::assigned_filter(&signed_in.caller)?;
    let query: String = query_value(raw.as_deref(), "q")
        .unwrap_or_default()
        .trim()
        .chars()
        .take(100)
        .collect();
    let key = french::search_key(&query);
    let mut visible = families::list(&web.app.db, assigned, None, MAX_FAMILIES).await?;
    let total = visible.len();
    visible.retain(|family| key.is_empty() || answers_to(family, &key));
    visible.sort_by_key(|family| {
        (
            family.current_placement_id.is_none(),
            french::search_key(&family.mother.last_name),
            french::search_key(&family.mother.first_name),
        )
    });
    let caller = signed_in.case_caller();
    let shown: Vec<Uuid> = visible.iter().map(|f| f.id).collect();
    web.app
        .cases
        .audit_read(&caller, "family.list", shown, "/familles")
        .await?;
    let today = web.app.today();
    let rows = family_rows(&web, visible, today).await?;
    page(
        StatusCode::OK,
        &FamiliesPage {
            frame: Frame::signed_in("Familles", &signed_in, "/familles"),
            query,
            families: rows,
            total,
            coordinator: signed_in.user().role == nido_domain::Role::Coordinator,
        },
    )
}
