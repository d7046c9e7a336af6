//! `/liste-attente` (coordinators): the pending referrals, oldest first,
//! each with its admission and its decline or withdrawal; and the
//! "nouvelle orientation" form. The referral is checked, recorded,
//! admitted or closed by the API's use cases (`nido_cases::referrals`).
//!
//! A new mother who probably has a file already (the use case's 409
//! `possible_duplicate`) gets the form back as typed with the files that
//! look like hers, and two ways on, both buttons of the same form (what
//! is on the screen is what is sent): "C'est elle" sends the referral for
//! that file, "Ce n'est aucune d'elles" a new file with the reason
//! (`confirm_new`). The form's first button stays "Enregistrer
//! l'orientation", so that Enter in a field never picks a file.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use nido_cases::CaseError;
use nido_cases::referrals::{Admission, ReferralInput, Waiting, admit, close, refer, waiting_list};
use nido_domain::family::{
    ChildDraft, FamilyDraft, MotherDraft, ReferralDraft, ReferralReason, ReferralSource,
    ReferralStatus,
};
use nido_domain::{Conflict, Role};
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::form::{FieldErrors, FormData, settle};
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::duplicates::MotherView;
use crate::pages::families::child_summary;
use crate::pages::{Choice, parse_id};
use crate::pages::{people, query_value};
use crate::session::{SignedForm, SignedIn};

/// How many children the form offers (a referral names few; more are
/// added on the family's page).
const CHILD_ROWS: usize = 2;

#[derive(Debug, Default, Clone)]
struct ChildRow {
    first_name: String,
    last_name: String,
    birth_date: String,
    expected_birth_date: String,
}

impl ChildRow {
    fn is_blank(&self) -> bool {
        [
            &self.first_name,
            &self.last_name,
            &self.birth_date,
            &self.expected_birth_date,
        ]
        .iter()
        .all(|value| value.trim().is_empty())
    }
}

/// The "nouvelle orientation" form as typed.
#[derive(Debug, Default)]
struct ReferralForm {
    mother_first_name: String,
    mother_last_name: String,
    mother_birth_last_name: String,
    mother_birth_date: String,
    mother_birth_place: String,
    mother_phone: String,
    mother_email: String,
    children: Vec<ChildRow>,
    source: String,
    eds: String,
    referred_on: String,
    referrer_name: String,
    referrer_contact: String,
    reason: String,
    reason_details: String,
    /// The site she is referred to (a coordinator of several sites says).
    site_id: String,
    /// Why she is none of the files that look like her, as typed.
    confirm_new: String,
    /// The files that probably are hers (the use case's 409), shown with
    /// the form; none before that.
    candidates: Vec<MotherView>,
    errors: FieldErrors,
}

/// What the button pressed asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    /// "Enregistrer l'orientation": a new family, checked against the files.
    Referral,
    /// "C'est elle : orienter ce dossier": the referral is for this file.
    KnownFile(Uuid),
    /// "Ce n'est aucune d'elles : créer un nouveau dossier", with why.
    NewFile,
}

impl Asked {
    /// The button's name and value; a file that is not an id is not a
    /// button of this form.
    fn of(form: &FormData) -> Result<Self, WebError> {
        let known = form.get("famille_connue").trim();
        if !known.is_empty() {
            return Ok(Asked::KnownFile(
                known.parse().map_err(|_| WebError::BadRequest)?,
            ));
        }
        Ok(if form.get("nouveau_dossier").is_empty() {
            Asked::Referral
        } else {
            Asked::NewFile
        })
    }
}

/// An admission or a closing as typed, for one referral.
#[derive(Debug, Default)]
struct ReferralAction {
    referral_id: Uuid,
    fields: FormData,
    errors: FieldErrors,
}

/// The form sent back with its errors, if any.
enum Attempt {
    Referral(Box<ReferralForm>),
    Admission(ReferralAction),
    Close(ReferralAction),
}

struct ChildRowView {
    number: usize,
    first_name_id: String,
    last_name_id: String,
    birth_date_id: String,
    expected_id: String,
    row: ChildRow,
}

struct ReferralFormView {
    form: ReferralForm,
    children: Vec<ChildRowView>,
    sources: Vec<Choice>,
    reasons: Vec<Choice>,
    /// The coordinator's sites, when she has several.
    sites: Vec<Choice>,
}

struct AdmissionView {
    action: String,
    open: bool,
    errors: FieldErrors,
    admitted_on_id: String,
    admitted_on: String,
    referent_id: String,
    referents: Vec<Choice>,
    unit_id: String,
    units: Vec<Choice>,
}

struct CloseView {
    action: String,
    open: bool,
    errors: FieldErrors,
    outcome_id: String,
    outcomes: Vec<Choice>,
    reason_id: String,
    reason: String,
}

struct ReferralView {
    mother_name: String,
    family_href: String,
    children: Vec<String>,
    origin: String,
    referred: String,
    referrer: String,
    reason: String,
    details: Option<String>,
    admission: AdmissionView,
    close: CloseView,
}

#[derive(Template)]
#[template(path = "liste_attente.html")]
struct WaitingListPage {
    frame: Frame,
    csrf: String,
    notice: Option<&'static str>,
    /// The notice asks to look at the possible duplicates.
    duplicates_link: bool,
    referrals: Vec<ReferralView>,
    new_referral: ReferralFormView,
}

/// The confirmation of a referral whose new file looks a little like
/// others (the use case's warnings): the page links to "Doublons
/// possibles", which lists each such pair until someone decides.
const WARNED: &str = "Orientation enregistrée : la famille est sur la liste d'attente. D'autres dossiers lui ressemblent un peu : comparez-les parmi les doublons possibles.";

/// Refuses anyone but a coordinator (the waiting list's and the
/// duplicates' pages).
pub(crate) fn coordinators_only(signed_in: &SignedIn) -> Result<(), WebError> {
    Ok(signed_in.case_caller().require(&[Role::Coordinator])?)
}

pub async fn show(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    coordinators_only(&signed_in)?;
    let notice = match query_value(query.as_deref(), "ok").as_deref() {
        Some("orientation") => {
            Some("Orientation enregistrée : la famille est sur la liste d'attente.")
        }
        Some("orientation-doublons") => Some(WARNED),
        Some("refus") => Some("Orientation refusée : elle a quitté la liste d'attente."),
        Some("retrait") => Some("Orientation retirée : elle a quitté la liste d'attente."),
        _ => None,
    };
    let blank = ReferralForm {
        referred_on: web.today().to_string(),
        ..ReferralForm::default()
    };
    render(
        &web,
        &signed_in,
        Attempt::Referral(Box::new(blank)),
        StatusCode::OK,
        notice,
    )
    .await
}

async fn render(
    web: &Web,
    signed_in: &SignedIn,
    attempt: Attempt,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, WebError> {
    let today = web.today();
    let list = waiting_list(&web.cases, &signed_in.case_caller()).await?;
    let members = people::by_name(&list.members);
    // Each family is admitted into an apartment of her own site.
    let units: Vec<(Uuid, String, String)> = list
        .units
        .into_iter()
        .map(|unit| {
            (
                unit.site_id,
                unit.id.to_string(),
                format!("{} — {}", unit.label, unit.city),
            )
        })
        .collect();

    let (new_referral, admission, closing) = match attempt {
        Attempt::Referral(form) => (*form, None, None),
        Attempt::Admission(action) => (blank_referral(today), Some(action), None),
        Attempt::Close(action) => (blank_referral(today), None, Some(action)),
    };
    let mut views = Vec::new();
    // The site she works in (the switcher's), or all of hers, each
    // referral naming its family's site then.
    let shown = list
        .pending
        .into_iter()
        .filter(|waiting| signed_in.shows_site(waiting.family.site_id));
    for Waiting { referral, family } in shown {
        let site = crate::pages::listed_site_name(signed_in, family.site_id)
            .map(|name| format!(" · {name}"))
            .unwrap_or_default();
        let key = referral.id.simple().to_string();
        let admitting = admission.as_ref().filter(|a| a.referral_id == referral.id);
        let closing = closing.as_ref().filter(|c| c.referral_id == referral.id);
        let typed = |attempt: Option<&ReferralAction>, name: &str| {
            attempt.map(|a| a.fields.get(name).to_owned())
        };
        let waited = (today - referral.referred_on).num_days();
        views.push(ReferralView {
            mother_name: family.mother.full_name(),
            family_href: format!("/familles/{}", family.id),
            children: family
                .children
                .iter()
                .map(|child| child_summary(&child.first_name, child.birth, today))
                .collect(),
            origin: format!(
                "{}, EDS de {}{site}",
                french::referral_source(referral.source),
                referral.eds
            ),
            referred: format!(
                "Orientée le {} ({})",
                french::date(referral.referred_on),
                french::days_from_now(-waited)
            ),
            referrer: format!("{} · {}", referral.referrer_name, referral.referrer_contact),
            reason: format!("Motif : {}", french::referral_reason(referral.reason)),
            details: referral.reason_details.clone(),
            admission: AdmissionView {
                action: format!("/liste-attente/{}/admission", referral.id),
                open: admitting.is_some(),
                admitted_on_id: format!("admitted_on-{key}"),
                admitted_on: typed(admitting, "admitted_on").unwrap_or_else(|| today.to_string()),
                referent_id: format!("referent_id-{key}"),
                referents: people::choices(
                    &members,
                    &[typed(admitting, "referent_id").unwrap_or_default()],
                ),
                unit_id: format!("unit_id-{key}"),
                units: units
                    .iter()
                    .filter(|(site, _, _)| *site == family.site_id)
                    .map(|(_, id, label)| Choice {
                        value: id.clone(),
                        label: label.clone(),
                        selected: typed(admitting, "unit_id").as_deref() == Some(id.as_str()),
                    })
                    .collect(),
                errors: admitting.map(|a| a.errors.clone()).unwrap_or_default(),
            },
            close: CloseView {
                action: format!("/liste-attente/{}/cloture", referral.id),
                open: closing.is_some(),
                outcome_id: format!("outcome-{key}"),
                outcomes: [
                    (
                        "decline",
                        "Refuser l'orientation (le centre ne peut pas l'accueillir)",
                    ),
                    (
                        "withdraw",
                        "Retirer l'orientation (la demande est abandonnée)",
                    ),
                ]
                .iter()
                .map(|(value, label)| Choice {
                    value: (*value).to_owned(),
                    label: (*label).to_owned(),
                    selected: typed(closing, "outcome").as_deref() == Some(*value),
                })
                .collect(),
                reason_id: format!("reason-{key}"),
                reason: typed(closing, "reason").unwrap_or_default(),
                errors: closing.map(|c| c.errors.clone()).unwrap_or_default(),
            },
        });
    }
    let waiting_list = WaitingListPage {
        frame: Frame::signed_in("Liste d'attente", signed_in, "/liste-attente"),
        csrf: signed_in.csrf.clone(),
        notice,
        duplicates_link: notice == Some(WARNED),
        referrals: views,
        new_referral: referral_form_view(new_referral, signed_in),
    };
    page(status, &waiting_list)
}

fn blank_referral(today: NaiveDate) -> ReferralForm {
    ReferralForm {
        referred_on: today.to_string(),
        ..ReferralForm::default()
    }
}

fn referral_form_view(mut form: ReferralForm, signed_in: &SignedIn) -> ReferralFormView {
    form.children.resize(CHILD_ROWS, ChildRow::default());
    let children = form
        .children
        .iter()
        .enumerate()
        .map(|(index, row)| ChildRowView {
            number: index + 1,
            first_name_id: format!("child_first_name_{index}"),
            last_name_id: format!("child_last_name_{index}"),
            birth_date_id: format!("child_birth_date_{index}"),
            expected_id: format!("child_expected_birth_date_{index}"),
            row: row.clone(),
        })
        .collect();
    ReferralFormView {
        sources: ReferralSource::ALL
            .iter()
            .map(|source| Choice {
                value: source.as_str().to_owned(),
                label: french::referral_source(*source).to_owned(),
                selected: form.source == source.as_str(),
            })
            .collect(),
        reasons: ReferralReason::ALL
            .iter()
            .map(|reason| Choice {
                value: reason.as_str().to_owned(),
                label: french::referral_reason(*reason).to_owned(),
                selected: form.reason == reason.as_str(),
            })
            .collect(),
        sites: crate::pages::site_choices(signed_in, form.site_id.parse().ok()),
        children,
        form,
    }
}

fn typed_referral(form: &FormData) -> ReferralForm {
    let text = |name: &str| form.get(name).trim().to_owned();
    ReferralForm {
        mother_first_name: text("mother_first_name"),
        mother_last_name: text("mother_last_name"),
        mother_birth_last_name: text("mother_birth_last_name"),
        mother_birth_date: text("mother_birth_date"),
        mother_birth_place: text("mother_birth_place"),
        mother_phone: text("mother_phone"),
        mother_email: text("mother_email"),
        children: (0..CHILD_ROWS)
            .map(|index| ChildRow {
                first_name: text(&format!("child_first_name_{index}")),
                last_name: text(&format!("child_last_name_{index}")),
                birth_date: text(&format!("child_birth_date_{index}")),
                expected_birth_date: text(&format!("child_expected_birth_date_{index}")),
            })
            .collect(),
        source: text("source"),
        eds: form.get("eds").to_owned(),
        referred_on: text("referred_on"),
        referrer_name: form.get("referrer_name").to_owned(),
        referrer_contact: form.get("referrer_contact").to_owned(),
        reason: text("reason"),
        reason_details: form.get("reason_details").to_owned(),
        site_id: text("site_id"),
        confirm_new: form.get("confirm_new").to_owned(),
        candidates: Vec::new(),
        errors: FieldErrors::default(),
    }
}

/// A date typed in `field`: `None` when blank; refused when unreadable.
fn optional_date(raw: &str, field: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    if raw.is_empty() {
        return None;
    }
    let parsed = raw.parse::<NaiveDate>().ok();
    if parsed.is_none() {
        errors.add(field, "Indiquez une date valide.");
    }
    parsed
}

/// The referral as typed, for what the button pressed asks, and the
/// form's rows that became its children; `None` when a value does not
/// even parse (`errors` says which). A referral for a known file takes
/// the referral's details only: the file keeps its mother and children.
fn referral_input(
    typed: &ReferralForm,
    asked: Asked,
    errors: &mut FieldErrors,
) -> Option<(ReferralInput, Vec<usize>)> {
    let referred_on = optional_date(&typed.referred_on, "referred_on", errors);
    if typed.referred_on.is_empty() {
        errors.add("referred_on", "Indiquez la date de l'orientation.");
    }
    let source = typed.source.parse::<ReferralSource>().ok();
    if source.is_none() {
        errors.add("source", "Choisissez qui oriente la famille.");
    }
    let reason = typed.reason.parse::<ReferralReason>().ok();
    if reason.is_none() {
        errors.add("reason", "Choisissez le motif de l'orientation.");
    }
    let optional = |text: &str| Some(text.to_owned()).filter(|text| !text.trim().is_empty());
    let (family, family_id, rows) = match asked {
        Asked::KnownFile(family_id) => (None, Some(family_id), Vec::new()),
        Asked::Referral | Asked::NewFile => {
            let (family, rows) = new_family(typed, errors);
            (family, None, rows)
        }
    };
    let details = ReferralDraft {
        source: source?,
        eds: typed.eds.clone(),
        referred_on: referred_on?,
        referrer_name: typed.referrer_name.clone(),
        referrer_contact: typed.referrer_contact.clone(),
        reason: reason?,
        reason_details: optional(&typed.reason_details),
    };
    let input = ReferralInput {
        family,
        family_id,
        details,
        // A blank reason is no confirmation: the check runs, and the
        // files come back with the reason asked for.
        confirm_new: optional(&typed.confirm_new).filter(|_| asked == Asked::NewFile),
        // Absent: the coordinator's one site (the form asks one of several);
        // a file nido knows keeps hers.
        site_id: match asked {
            Asked::KnownFile(_) => None,
            Asked::Referral | Asked::NewFile => typed.site_id.parse().ok(),
        },
    };
    errors.is_empty().then_some((input, rows))
}

/// The new family as typed (`None` when her birth date does not parse:
/// `errors` says so), and the rows that became its children.
fn new_family(typed: &ReferralForm, errors: &mut FieldErrors) -> (Option<FamilyDraft>, Vec<usize>) {
    let mother_birth = optional_date(&typed.mother_birth_date, "mother_birth_date", errors);
    if typed.mother_birth_date.is_empty() {
        errors.add(
            "mother_birth_date",
            "Indiquez la date de naissance de la mère.",
        );
    }
    let mut children = Vec::new();
    let mut rows = Vec::new();
    for (index, row) in typed.children.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        let birth_date = optional_date(
            &row.birth_date,
            &format!("child_birth_date_{index}"),
            errors,
        );
        let expected = optional_date(
            &row.expected_birth_date,
            &format!("child_expected_birth_date_{index}"),
            errors,
        );
        children.push(ChildDraft {
            first_name: row.first_name.clone(),
            last_name: Some(row.last_name.clone()).filter(|name| !name.is_empty()),
            birth_date,
            expected_birth_date: expected,
        });
        rows.push(index);
    }
    let optional = |text: &str| Some(text.to_owned()).filter(|text| !text.trim().is_empty());
    let family = mother_birth.map(|birth_date| FamilyDraft {
        mother: MotherDraft {
            first_name: typed.mother_first_name.clone(),
            last_name: typed.mother_last_name.clone(),
            birth_last_name: optional(&typed.mother_birth_last_name),
            birth_date,
            birth_place: optional(&typed.mother_birth_place),
            phone: optional(&typed.mother_phone),
            email: optional(&typed.mother_email),
        },
        children,
    });
    (family, rows)
}

/// Where a refusal of the referral (named by the API's fields) shows on the
/// form.
fn place_referral(field: &str, rows: &[usize]) -> Option<String> {
    if let Some(member) = field.strip_prefix("family.mother.") {
        return Some(format!("mother_{member}"));
    }
    if let Some(rest) = field.strip_prefix("family.children[") {
        let (index, member) = rest.split_once("].")?;
        let row = rows.get(index.parse::<usize>().ok()?)?;
        return Some(format!("child_{member}_{row}"));
    }
    match field {
        "family.children" | "family" => Some("child_first_name_0".to_owned()),
        "confirm_new" | "confirm_new.reason" => Some("confirm_new".to_owned()),
        "site_id" | "source" | "eds" | "referred_on" | "referrer_name" | "referrer_contact"
        | "reason" | "reason_details" => Some(field.to_owned()),
        _ => None,
    }
}

/// `POST /liste-attente`: a new referral; or, once the files that look
/// like her are shown, the referral for one of them, or a new file with
/// why she is none of them.
pub async fn submit_referral(
    State(web): State<Web>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    coordinators_only(&signed_in)?;
    let asked = Asked::of(&form)?;
    let mut typed = typed_referral(&form);
    let mut errors = FieldErrors::default();
    let refused = |typed: ReferralForm, status| {
        render(
            &web,
            &signed_in,
            Attempt::Referral(Box::new(typed)),
            status,
            None,
        )
    };
    let Some((input, rows)) = referral_input(&typed, asked, &mut errors) else {
        typed.errors = errors;
        return refused(typed, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let unconfirmed = asked == Asked::NewFile && input.confirm_new.is_none();
    let answer = match refer(&web.cases, &signed_in.case_caller(), input).await {
        Err(CaseError::PossibleDuplicate(candidates)) => {
            typed.candidates = candidates.iter().map(MotherView::of).collect();
            let status = if unconfirmed {
                errors.add(
                    "confirm_new",
                    "Dites pourquoi ce n'est aucune d'elles : sans motif, le nouveau dossier n'est pas créé.",
                );
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                errors.whole_form = Some(french::conflict(Conflict::PossibleDuplicate).to_owned());
                StatusCode::CONFLICT
            };
            typed.errors = errors;
            return refused(typed, status).await;
        }
        other => other,
    };
    let place = |field: &str| place_referral(field, &rows);
    let to = |accepted: nido_cases::accepted::Accepted<_, _>| {
        if accepted.is_clean() {
            "/liste-attente?ok=orientation".to_owned()
        } else {
            "/liste-attente?ok=orientation-doublons".to_owned()
        }
    };
    match settle(answer, place, to)? {
        Ok(done) => Ok(done),
        Err((status, found)) => {
            typed.errors = found;
            refused(typed, status).await
        }
    }
}

/// `POST /liste-attente/{id}/admission`: the family comes in.
pub async fn submit_admission(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let referral_id = parse_id(&raw_id)?;
    let SignedForm { signed_in, form } = posted;
    coordinators_only(&signed_in)?;
    let key = referral_id.simple().to_string();
    let field = |name: &str| format!("{name}-{key}");
    let mut errors = FieldErrors::default();
    let admitted_on = form.get("admitted_on").trim().parse::<NaiveDate>().ok();
    if admitted_on.is_none() {
        errors.add(field("admitted_on"), "Indiquez la date d'admission.");
    }
    let chosen = |name: &str| -> Result<Option<Uuid>, ()> {
        let raw = form.get(name).trim();
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse().map(Some).map_err(|_| ())
    };
    let referent_id = chosen("referent_id").unwrap_or_else(|()| {
        errors.add(field("referent_id"), "Cette personne est inconnue.");
        None
    });
    let unit_id = chosen("unit_id").unwrap_or_else(|()| {
        errors.add(field("unit_id"), "Ce logement est inconnu.");
        None
    });
    let status = match admitted_on.filter(|_| errors.is_empty()) {
        None => StatusCode::UNPROCESSABLE_ENTITY,
        Some(admitted_on) => {
            let admission = Admission {
                referral_id,
                admitted_on,
                referent_id,
                unit_id,
            };
            let answer = admit(&web.cases, &signed_in.case_caller(), admission).await;
            let place = |api: &str| {
                matches!(api, "admitted_on" | "referent_id" | "unit_id").then(|| field(api))
            };
            match settle(answer, place, |admitted| {
                format!("/familles/{}?ok=admission", admitted.placement.family_id)
            })? {
                Ok(done) => return Ok(done),
                Err((status, found)) => {
                    errors = found;
                    status
                }
            }
        }
    };
    let attempt = Attempt::Admission(ReferralAction {
        referral_id,
        fields: form,
        errors,
    });
    render(&web, &signed_in, attempt, status, None).await
}

/// `POST /liste-attente/{id}/cloture`: declined or withdrawn, with why.
pub async fn submit_close(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let referral_id = parse_id(&raw_id)?;
    let SignedForm { signed_in, form } = posted;
    coordinators_only(&signed_in)?;
    let key = referral_id.simple().to_string();
    let mut errors = FieldErrors::default();
    let outcome = match form.get("outcome") {
        "decline" => Some((ReferralStatus::Declined, "refus")),
        "withdraw" => Some((ReferralStatus::Withdrawn, "retrait")),
        _ => {
            errors.add(format!("outcome-{key}"), "Choisissez : refuser ou retirer.");
            None
        }
    };
    let place = |api: &str| (api == "reason").then(|| format!("reason-{key}"));
    let status = match outcome {
        None => StatusCode::UNPROCESSABLE_ENTITY,
        Some((status, done)) => {
            let caller = signed_in.case_caller();
            let answer = close(&web.cases, &caller, referral_id, status, form.get("reason"));
            match settle(answer.await, place, |_| format!("/liste-attente?ok={done}"))? {
                Ok(done) => return Ok(done),
                Err((status, found)) => {
                    errors = found;
                    status
                }
            }
        }
    };
    let attempt = Attempt::Close(ReferralAction {
        referral_id,
        fields: form,
        errors,
    });
    render(&web, &signed_in, attempt, status, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_fields_land_on_the_referral_form() {
        let rows = [1];
        assert_eq!(
            place_referral("family.mother.first_name", &rows).as_deref(),
            Some("mother_first_name")
        );
        assert_eq!(
            place_referral("family.children[0].birth_date", &rows).as_deref(),
            Some("child_birth_date_1"),
            "the first child came from the second row"
        );
        assert_eq!(place_referral("eds", &rows).as_deref(), Some("eds"));
        assert_eq!(
            place_referral("confirm_new.reason", &rows).as_deref(),
            Some("confirm_new")
        );
        assert_eq!(
            place_referral("family.mother.birth_last_name", &rows).as_deref(),
            Some("mother_birth_last_name")
        );
        assert_eq!(place_referral("family_id", &rows), None, "the whole form");
        assert_eq!(place_referral("family.children[3].first_name", &rows), None);
    }
}
