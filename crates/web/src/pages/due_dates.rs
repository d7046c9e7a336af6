//! `/echeances`: the due-dates screen — renewal reports, period ends, the
//! contract of stay, the personalised project, incidents to report —
//! overdue first, by the API's use case (`due_dates::screen`): coordinators
//! see the whole centre, staff their own families only.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use nido_cases::due_dates;
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

struct DueRow {
    label: &'static str,
    due_on: String,
    when: String,
    overdue: bool,
    family_href: Option<String>,
    mother_name: String,
    referent: Option<String>,
}

#[derive(Template)]
#[template(path = "echeances.html")]
struct DueDatesPage {
    frame: Frame,
    scope: &'static str,
    windows: Vec<Choice>,
    sections: Vec<Section>,
}

/// Overdue, then to come.
struct Section {
    id: &'static str,
    heading: &'static str,
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
    let caller = signed_in.case_caller();
    let today = web.today();
    let items = due_dates::screen(&web.cases, &caller, today, within, None).await?;
    let referents: Vec<_> = items.iter().filter_map(|item| item.referent_id).collect();
    let names = nido_cases::team::names(&web.cases, &caller, referents).await?;
    let (mut overdue, mut coming) = (Vec::new(), Vec::new());
    for item in items {
        let days = (item.due_on - today).num_days();
        let row = DueRow {
            label: french::due_kind(item.kind),
            due_on: french::date(item.due_on),
            when: french::days_from_now(days),
            overdue: item.is_overdue(today, today, web.now()),
            family_href: item.family_id.map(|id| format!("/familles/{id}")),
            mother_name: item.mother_name.unwrap_or_default(),
            referent: item
                .referent_id
                .and_then(|id| names.get(&id))
                .map(|user| user.display_name.as_str().to_owned()),
        };
        if row.overdue {
            overdue.push(row);
        } else {
            coming.push(row);
        }
    }
    let screen = DueDatesPage {
        frame: Frame::signed_in("Échéances", &signed_in, "/echeances"),
        scope: if signed_in.user().role == Role::Coordinator {
            "du centre"
        } else {
            "de vos familles"
        },
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
                empty: "Rien n'est en retard.",
                rows: overdue,
            },
            Section {
                id: "a-venir",
                heading: "À venir",
                empty: "Rien n'arrive à échéance dans cette période.",
                rows: coming,
            },
        ],
    };
    page(StatusCode::OK, &screen)
}
