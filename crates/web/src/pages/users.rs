//! `/admin/utilisateurs` (admins): the accounts, a new account with a
//! one-time password (its owner must replace it at her first sign-in), and
//! `/admin/utilisateurs/{id}` to change or deactivate one, its version
//! checked (a stale page is the API's 412, said in French). The checks and
//! the writes are the API's use cases (`users::create`, `users::change`).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nido_cases::users;
use nido_domain::user::{UserEdit, UserInput};
use nido_domain::{Profession, Role, User};
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::admin_form::{Choice, Typed, case_refusal, same_field};
use crate::pages::query_value;
use crate::session::{SignedForm, SignedIn};

const SECTION: &str = "/admin/utilisateurs";
/// A centre has a few dozen accounts.
const MAX_USERS: u64 = 1000;
const FIELDS: [&str; 6] = [
    "email",
    "display_name",
    "role",
    "profession",
    "password",
    "active",
];

pub struct UserRow {
    pub href: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub profession: &'static str,
    pub state: &'static str,
    pub active: bool,
    /// The names of her sites, for an admin of several.
    pub sites: Option<String>,
}

/// The admin's sites as the account form's boxes (none for an admin of
/// one site: the account is of hers), `checked` ticked.
fn site_boxes(signed_in: &SignedIn, checked: &[Uuid]) -> Vec<crate::pages::Choice> {
    crate::pages::site_options(signed_in, |id| checked.contains(&id))
}

/// The sites ticked on the form, when it showed the boxes (`None`
/// otherwise: the use case keeps them, or gives a new account the admin's
/// one site).
fn ticked_sites(form: &crate::form::FormData) -> Option<Vec<Uuid>> {
    (form.get("site_ids_shown") == "1").then(|| {
        form.all("site_ids")
            .into_iter()
            .filter_map(|raw| raw.parse().ok())
            .collect()
    })
}

/// Where an API field stands on the account form: every refusal of the
/// sites next to their boxes.
fn place_account(field: &str) -> Option<String> {
    Some(if field.starts_with("site_ids") {
        "site_ids".to_owned()
    } else {
        field.to_owned()
    })
}

fn roles() -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|role| Choice::new(role.as_str(), french::role(*role)))
        .collect()
}

fn professions() -> Vec<Choice> {
    Profession::ALL
        .iter()
        .map(|p| Choice::new(p.as_str(), french::profession(*p)))
        .collect()
}

#[derive(Template)]
#[template(path = "utilisateurs.html")]
struct UsersPage {
    frame: Frame,
    csrf: String,
    notice: Option<&'static str>,
    users: Vec<UserRow>,
    form: Typed,
    roles: Vec<Choice>,
    professions: Vec<Choice>,
    sites: Vec<crate::pages::Choice>,
}

#[derive(Template)]
#[template(path = "utilisateur.html")]
struct UserPage {
    frame: Frame,
    csrf: String,
    action: String,
    name: String,
    version: i32,
    form: Typed,
    roles: Vec<Choice>,
    professions: Vec<Choice>,
    sites: Vec<crate::pages::Choice>,
    states: Vec<Choice>,
    /// The account has a second factor, which an admin may reset.
    mfa_enrolled: bool,
    /// The admin's own account: her factor is hers to remove, on
    /// « Sécurité ».
    own: bool,
}

fn admin(signed_in: &SignedIn) -> Result<(), WebError> {
    Ok(signed_in.case_caller().require(&[Role::Admin])?)
}

pub async fn list(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let notice = match query_value(query.as_deref(), "ok").as_deref() {
        Some("cree") => Some(
            "Le compte a été créé. Transmettez le mot de passe à son titulaire : il devra le changer à sa première connexion.",
        ),
        Some("modifie") => Some("Le compte a été modifié."),
        Some("double-authentification") => Some(
            "La double authentification du compte a été réinitialisée : ses sessions sont fermées, et il devra l'activer de nouveau.",
        ),
        _ => None,
    };
    // A new account is offered the site she works in first.
    let first: Vec<Uuid> = signed_in.chosen_site.into_iter().collect();
    render_list(
        &web,
        &signed_in,
        Typed::blank("compte"),
        &first,
        notice,
        StatusCode::OK,
    )
    .await
}

async fn render_list(
    web: &Web,
    signed_in: &SignedIn,
    form: Typed,
    ticked: &[Uuid],
    notice: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    admin(signed_in)?;
    let site_name = |id: &Uuid| crate::pages::site_name(signed_in, *id);
    let accounts = users::list(&web.cases, &signed_in.case_caller(), None, MAX_USERS).await?;
    let ids: Vec<Uuid> = accounts.iter().map(|user| user.id).collect();
    let mut sites_of = users::site_ids(&web.cases, &signed_in.case_caller(), &ids).await?;
    let rows = accounts
        .into_iter()
        .map(|user| UserRow {
            href: format!("{SECTION}/{}", user.id),
            name: user.display_name.as_str().to_owned(),
            email: user.email.as_str().to_owned(),
            role: french::role(user.role),
            profession: french::profession(user.profession),
            state: match (user.active, user.must_change_password) {
                (false, _) => "désactivé",
                (true, true) => "mot de passe à changer",
                (true, false) => "actif",
            },
            active: user.active,
            sites: signed_in.has_several_sites().then(|| {
                let mine = sites_of.remove(&user.id).unwrap_or_default();
                let names: Vec<String> = mine.iter().filter_map(site_name).collect();
                names.join(", ")
            }),
        })
        .collect();
    let users_page = UsersPage {
        frame: Frame::signed_in("Utilisateurs", signed_in, SECTION),
        csrf: signed_in.csrf.clone(),
        notice,
        users: rows,
        form,
        roles: roles(),
        professions: professions(),
        sites: site_boxes(signed_in, ticked),
    };
    page(status, &users_page)
}

/// `POST /admin/utilisateurs`: a new account.
pub async fn create(State(web): State<Web>, posted: SignedForm) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    admin(&signed_in)?;
    let mut typed = Typed::of("compte", &form, &FIELDS);
    // A password is never sent back to the page.
    let ticked = ticked_sites(&form);
    let password = form.get("password").to_owned();
    typed.set("password", "");
    let role = typed.value("role").parse::<Role>().ok();
    let profession = typed.value("profession").parse::<Profession>().ok();
    if role.is_none() {
        typed.errors.add("role", "Choisissez le rôle.");
    }
    if profession.is_none() {
        typed.errors.add("profession", "Choisissez le métier.");
    }
    let status = match (role, profession) {
        (Some(role), Some(profession)) => {
            let input = UserInput {
                email: typed.value("email").to_owned(),
                display_name: typed.value("display_name").to_owned(),
                role,
                profession,
                password,
                site_ids: ticked.clone(),
            };
            let caller = signed_in.case_caller();
            match users::create(&web.cases, &caller, input).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("{SECTION}?ok=cree")).into_response());
                }
                Err(refused) => {
                    let (errors, status) = case_refusal(refused, place_account)?;
                    typed.errors = errors;
                    status
                }
            }
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let shown = ticked.unwrap_or_default();
    render_list(&web, &signed_in, typed, &shown, None, status).await
}

fn parse_id(raw: &str) -> Result<Uuid, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// The user's values, as the edit form shows them first.
fn as_typed(user: &User) -> Typed {
    let mut typed = Typed::blank("compte");
    typed.set("email", user.email.as_str());
    typed.set("display_name", user.display_name.as_str());
    typed.set("role", user.role.as_str());
    typed.set("profession", user.profession.as_str());
    typed.set("active", if user.active { "oui" } else { "non" });
    typed
}

async fn render_edit(
    signed_in: &SignedIn,
    user: &User,
    form: Typed,
    ticked: &[Uuid],
    version: i32,
    status: StatusCode,
) -> Result<Response, WebError> {
    let name = user.display_name.as_str().to_owned();
    let user_page = UserPage {
        frame: Frame::signed_in(format!("Compte de {name}"), signed_in, SECTION),
        csrf: signed_in.csrf.clone(),
        action: format!("{SECTION}/{}", user.id),
        name,
        version,
        form,
        mfa_enrolled: user.mfa_enrolled,
        own: user.id == signed_in.case_caller().id,
        roles: roles(),
        professions: professions(),
        sites: site_boxes(signed_in, ticked),
        states: vec![
            Choice::new("oui", "Actif"),
            Choice::new("non", "Désactivé (ses sessions sont fermées)"),
        ],
    };
    page(status, &user_page)
}

/// `GET /admin/utilisateurs/{id}`.
pub async fn edit(
    State(web): State<Web>,
    signed_in: SignedIn,
    Path(raw_id): Path<String>,
) -> Result<Response, WebError> {
    admin(&signed_in)?;
    let user = users::user(&web.cases, &signed_in.case_caller(), parse_id(&raw_id)?).await?;
    let site_ids = users::sites_of(&web.cases, &signed_in.case_caller(), user.id).await?;
    render_edit(
        &signed_in,
        &user,
        as_typed(&user),
        &site_ids,
        user.version,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/utilisateurs/{id}`: the changes, against the version shown.
pub async fn update(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    admin(&signed_in)?;
    let current = users::user(&web.cases, &signed_in.case_caller(), parse_id(&raw_id)?).await?;
    let current_sites = users::sites_of(&web.cases, &signed_in.case_caller(), current.id).await?;
    let mut typed = Typed::of("compte", &form, &FIELDS);
    // The sites ticked, and those of hers the admin does not manage (another
    // admin's stay as they are).
    let ticked = ticked_sites(&form).map(|mut ticked| {
        ticked.extend(
            current_sites
                .iter()
                .filter(|id| !signed_in.sites.iter().any(|site| site.id == **id)),
        );
        ticked
    });
    let password = form.get("password").to_owned();
    typed.set("password", "");
    let version = form.get("version").parse::<i32>().ok();
    let role = typed.value("role").parse::<Role>().ok();
    let profession = typed.value("profession").parse::<Profession>().ok();
    let edit = UserEdit {
        email: Some(typed.value("email").to_owned()),
        display_name: Some(typed.value("display_name").to_owned()),
        role,
        profession,
        // A state not sent changes nothing: only an explicit choice
        // enables or disables.
        active: match typed.value("active") {
            "oui" => Some(true),
            "non" => Some(false),
            _ => None,
        },
        password: (!password.is_empty()).then_some(password),
        site_ids: ticked.clone(),
    };
    let caller = signed_in.case_caller();
    let outcome = match version {
        // Without the version shown, the change could overwrite another
        // admin's: the optimistic check is never skipped.
        None => Err(case_refusal(
            nido_cases::CaseError::StaleVersion,
            same_field,
        )?),
        Some(version) => {
            match users::change(&web.cases, &caller, current.id, Some(version), edit).await {
                Ok(_) => Ok(()),
                Err(refused) => Err(case_refusal(refused, place_account)?),
            }
        }
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("{SECTION}?ok=modifie")).into_response()),
        Err((errors, status)) => {
            typed.errors = errors;
            let shown = version.unwrap_or(current.version);
            let ticked = ticked.unwrap_or_else(|| current_sites.clone());
            render_edit(&signed_in, &current, typed, &ticked, shown, status).await
        }
    }
}
