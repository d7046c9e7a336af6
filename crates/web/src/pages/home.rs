//! `/`, Accueil: my open follow-up actions (overdue first), my families,
//! and the due dates that concern me (a coordinator's: the whole centre's).

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use nido_cases::home::{ActionToDo, case_work};
use nido_domain::Role;

use crate::Web;
use crate::error::WebError;
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::due_dates::{self, DueRow};
use crate::pages::families::{FamilyRow, family_rows};
use crate::pages::query_value;
use crate::session::SignedIn;

/// How far ahead the home page looks for due dates.
const DUE_WITHIN_DAYS: u32 = 30;
/// At most this many due dates on the home page.
const DUE_SHOWN: u64 = 12;

struct ActionRow {
    description: String,
    due_on: String,
    when: String,
    overdue: bool,
    family_href: String,
    mother_name: String,
}

#[derive(Template)]
#[template(path = "accueil.html")]
struct HomePage {
    frame: Frame,
    first_name: String,
    notice: Option<&'static str>,
    /// Her account was locked from everywhere before this session: told once.
    lock_notice: Option<String>,
    /// Staff and coordinators; admins see no case data.
    case_work: bool,
    actions: Vec<ActionRow>,
    families: Vec<FamilyRow>,
    due: Vec<DueRow>,
    due_more: usize,
    due_scope: &'static str,
}

pub async fn show(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let notice = query_value(query.as_deref(), "ok")
        .filter(|done| done == "mot-de-passe")
        .map(|_| "Votre mot de passe a été changé.");
    let lock_notice = nido_cases::auth::take_lock_notice(&web.cases, &signed_in.caller)
        .await?
        .map(|at| lock_notice(at, web.cases.time_zone));
    let user = signed_in.user();
    let first_name = user
        .display_name
        .as_str()
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut home = HomePage {
        frame: Frame::signed_in("Accueil", &signed_in, "/"),
        first_name,
        notice,
        lock_notice,
        case_work: matches!(user.role, Role::Coordinator | Role::Staff),
        actions: Vec::new(),
        families: Vec::new(),
        due: Vec::new(),
        due_more: 0,
        due_scope: due_dates::scope(user.role),
    };
    if home.case_work {
        fill_case_work(&web, &signed_in, &mut home).await?;
    }
    page(StatusCode::OK, &home)
}

/// What the owner of an account locked from everywhere reads at home.
fn lock_notice(at: chrono::DateTime<chrono::Utc>, zone: chrono_tz::Tz) -> String {
    format!(
        "Votre compte a été bloqué le {} après de nombreuses tentatives de connexion \
         infructueuses. Si ce n'étaient pas les vôtres, prévenez un administrateur.",
        french::date_time(at, zone)
    )
}

async fn fill_case_work(
    web: &Web,
    signed_in: &SignedIn,
    home: &mut HomePage,
) -> Result<(), WebError> {
    let today = web.today();
    let work = case_work(
        &web.cases,
        &signed_in.case_caller(),
        DUE_WITHIN_DAYS,
        DUE_SHOWN,
    )
    .await?;
    home.actions = work
        .actions
        .into_iter()
        .map(
            |ActionToDo {
                 action,
                 mother_name,
             }| ActionRow {
                overdue: action.is_overdue(today),
                when: french::days_from_now((action.due_on - today).num_days()),
                due_on: french::date(action.due_on),
                family_href: format!("/familles/{}", action.family_id),
                mother_name,
                description: action.description,
            },
        )
        .collect();
    home.families = family_rows(work.families, today, signed_in);
    let counts = work.due.counts;
    home.due = work
        .due
        .items
        .into_iter()
        .map(|item| DueRow::new(item, today, web.now(), None))
        .collect();
    home.due_more = usize::try_from(counts.overdue + counts.upcoming)
        .unwrap_or(usize::MAX)
        .saturating_sub(home.due.len());
    Ok(())
}
