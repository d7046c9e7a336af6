//! `/echeances`: the due-dates screen — renewal reports, period ends, the
//! contract of stay, the personalised project, incidents to report —
//! overdue first, by the API's use case (`due_dates::screen`): coordinators
//! see the whole centre, staff their own families only. A page shows 50,
//! with the counts of the whole window and a link to the next page.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases::CaseError;
use nido_cases::due_dates::{self, DueItem, DueQuery};
use nido_domain::Role;

use crate::Web;
use crate::error::WebError;
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::Choice;
use crate::pages::query_value;
use crate::session::SignedIn;

/// The look-aheads offered, in days; the first is the default.
const WINDOWS: [u32; 4] = [60, 30, 90, 365];

/// How many due dates a page shows.
const PAGE_SIZE: u64 = 50;

/// A due date as a list shows it (`echeance.html`): here and at home.
pub(crate) struct DueRow {
    pub(crate) label: &'static str,
    pub(crate) due_on: String,
    pub(crate) when: String,
    pub(crate) overdue: bool,
    pub(crate) family_href: Option<String>,
    pub(crate) mother_name: String,
    /// Her referent's name, where the list shows it.
    pub(crate) referent: Option<String>,
}

impl DueRow {
    /// The row of `item` as seen `today` (at `now`), naming `referent`.
    pub(crate) fn new(
        item: DueItem,
        today: NaiveDate,
        now: DateTime<Utc>,
        referent: Option<String>,
    ) -> Self {
        DueRow {
            label: french::due_kind(item.kind),
            due_on: french::date(item.due_on),
            when: french::days_from_now((item.due_on - today).num_days()),
            overdue: item.is_overdue(today, today, now),
            family_href: item.family_id.map(|id| format!("/familles/{id}")),
            mother_name: item.mother_name.unwrap_or_default(),
            referent,
        }
    }
}

/// Whose due dates a list shows: a coordinator's, the whole centre's; the
/// head office's, every site's.
pub(crate) fn scope(role: Role) -> &'static str {
    match role {
        Role::Coordinator => "du centre",
        Role::HeadOffice => "de tous les établissements",
        Role::Staff | Role::Admin => "de vos familles",
    }
}

#[derive(Template)]
#[template(path = "echeances.html")]
struct DueDatesPage {
    frame: Frame,
    scope: &'static str,
    windows: Vec<Choice>,
    sections: Vec<Section>,
    /// The next page's address, when more follow.
    next: Option<String>,
    /// Whether this is a page after the first.
    later_page: bool,
    /// The look-ahead shown, in days.
    within: u32,
}

/// Overdue, then to come.
struct Section {
    id: &'static str,
    heading: &'static str,
    /// How many the whole window holds ("24 en retard"), not only the page.
    total: u64,
    empty: &'static str,
    rows: Vec<DueRow>,
}

pub async fn show(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let within = query_value(query.as_deref(), "jours")
        .and_then(|raw| raw.parse::<u32>().ok())
        .filter(|days| WINDOWS.contains(days))
        .unwrap_or(WINDOWS[0]);
    let cursor = query_value(query.as_deref(), "suite").filter(|cursor| !cursor.is_empty());
    let caller = signed_in.case_caller();
    let today = web.today();
    let asked = DueQuery {
        as_of: Some(today),
        within_days: Some(within),
        kind: None,
        limit: PAGE_SIZE,
        cursor: cursor.clone(),
    };
    let found = match due_dates::screen(&web.cases, &caller, asked).await {
        // A page address nido did not give (or edited by hand).
        Err(CaseError::Invalid(_)) => return Err(WebError::BadRequest),
        other => other?,
    };
    let referents: Vec<_> = found
        .items
        .iter()
        .filter_map(|item| item.referent_id)
        .collect();
    let names = nido_cases::team::names(&web.cases, &caller, referents).await?;
    let (mut overdue, mut coming) = (Vec::new(), Vec::new());
    for item in found.items {
        let referent = item
            .referent_id
            .and_then(|id| names.get(&id))
            .map(|user| user.display_name.as_str().to_owned());
        let row = DueRow::new(item, today, web.now(), referent);
        if row.overdue {
            overdue.push(row);
        } else {
            coming.push(row);
        }
    }
    let screen = DueDatesPage {
        frame: Frame::signed_in("Échéances", &signed_in, "/echeances"),
        scope: scope(signed_in.user().role),
        windows: WINDOWS
            .iter()
            .map(|days| Choice {
                value: days.to_string(),
                label: format!("{days} jours"),
                selected: *days == within,
            })
            .collect(),
        sections: vec![
            Section {
                id: "retard",
                heading: "En retard",
                total: found.counts.overdue,
                empty: "Rien n'est en retard.",
                rows: overdue,
            },
            Section {
                id: "a-venir",
                heading: "À venir",
                total: found.counts.upcoming,
                empty: "Rien n'arrive à échéance dans cette période.",
                rows: coming,
            },
        ],
        next: found
            .next_cursor
            .map(|next| format!("/echeances?jours={within}&suite={next}")),
        later_page: cursor.is_some(),
        within,
    };
    page(StatusCode::OK, &screen)
}
