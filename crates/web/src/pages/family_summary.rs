//! `/familles/{id}` as the head office reads it: the mother and the
//! children, the family's site and its placement with its periods and
//! deadline, read only. The journal, the documents, the incidents and
//! every form stay with the site's team (need-to-know, docs/sites.md).

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use nido_domain::placement::latest_end_on;
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::layout::{Frame, page};
use crate::pages::families::child_summary;
use crate::pages::family::{PlacementView, mother_details, placement_view};
use crate::session::SignedIn;

#[derive(Template)]
#[template(path = "famille_siege.html")]
struct FamilySummaryPage {
    frame: Frame,
    mother_name: String,
    /// The family's site, as the head office tells the sites apart.
    site: String,
    mother_details: Vec<String>,
    children: Vec<String>,
    placement: Option<PlacementView>,
}

/// The page, each read audited as the use cases audit it (`family.read`,
/// `placement.read`).
pub async fn show(web: &Web, signed_in: &SignedIn, family_id: Uuid) -> Result<Response, WebError> {
    let caller = signed_in.case_caller();
    let (family, _) = nido_cases::families::read(&web.cases, &caller, family_id).await?;
    let site = nido_cases::sites::site(&web.cases, &caller, family.site_id).await?;
    let placement = match family.current_placement_id {
        Some(id) => Some(
            nido_cases::placements::read(&web.cases, &caller, id)
                .await?
                .placement,
        ),
        None => None,
    };
    let today = web.today();
    let cap = latest_end_on(&family.births());
    let mut summary = placement
        .as_ref()
        .map(|placement| placement_view(web, placement, cap, today));
    // Its papers are the team's to print.
    if let Some(view) = summary.as_mut() {
        view.papers.clear();
    }
    page(
        StatusCode::OK,
        &FamilySummaryPage {
            frame: Frame::signed_in(family.mother.full_name(), signed_in, "/familles"),
            mother_name: family.mother.full_name(),
            site: site.name,
            mother_details: mother_details(&family, today),
            children: family
                .children
                .iter()
                .map(|child| child_summary(&child.first_name, child.birth, today))
                .collect(),
            placement: summary,
        },
    )
}
