//! `/familles/{id}`: the family's file — mother and children, her other
//! files (linked by a coordinator's decision), placement (periods, cap,
//! next deadline), housing, team, the timeline — with the "nouvelle
//! intervention" form, "enregistrer une naissance" and the mother's
//! details. A family the user may not see answers exactly as one that
//! does not exist (404).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use nido_cases::families::find_visible;
use nido_cases::family_file::{self, CurrentHome, FamilyFile};
use nido_cases::identity::linked_files;
use nido_cases::timeline::Event;
use nido_cases::{CaseError, labels};
use nido_domain::document::{Document, DocumentKind};
use nido_domain::family::Family;
use nido_domain::intervention::{Confidentiality, InterventionKind};
use nido_domain::placement::{ChildBirth, Deadline, DeadlineStatus, deadline, latest_end_on};
use nido_domain::placement::{Placement, PlacementStatus};
use nido_domain::{Role, User};
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::form::FieldErrors;
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::coordination::{self, CoordinationAttempt, CoordinationView};
use crate::pages::documents::DocumentAttempt;
use crate::pages::families::child_summary;
use crate::pages::mother::{self, MotherAttempt, MotherFormView};
use crate::pages::pathway::{self, PathwayAttempt, PathwayView};
use crate::pages::{Choice, parse_id, query_value};
use crate::session::SignedIn;

/// The journal shows this many of the newest events; the API's timeline
/// pages through them all.
const JOURNAL_LENGTH: usize = 200;

/// How many follow-up actions the form offers at once (the script shows
/// the second and third on demand).
pub const ACTION_ROWS: usize = 3;

/// One follow-up action of the form, as typed.
#[derive(Debug, Default, Clone)]
pub struct ActionInputRow {
    pub description: String,
    pub due_on: String,
    pub assignee: String,
}

/// The "nouvelle intervention" form as typed (blank, or sent back with its
/// errors), every value as text.
#[derive(Debug, Default, Clone)]
pub struct InterventionForm {
    pub kind: String,
    pub occurred_on: String,
    pub occurred_time: String,
    pub duration_minutes: String,
    pub staff_ids: Vec<String>,
    pub summary: String,
    pub confidentiality: String,
    pub actions: Vec<ActionInputRow>,
    pub errors: FieldErrors,
}

impl InterventionForm {
    /// A new form: today, now, with the user among the staff present.
    pub fn blank(web: &Web, user: &User) -> Self {
        let now = web.now().with_timezone(&web.cases.time_zone);
        InterventionForm {
            occurred_on: now.date_naive().to_string(),
            occurred_time: now.format("%H:%M").to_string(),
            staff_ids: vec![user.id.to_string()],
            confidentiality: Confidentiality::Team.as_str().to_owned(),
            actions: vec![
                ActionInputRow {
                    assignee: user.id.to_string(),
                    ..ActionInputRow::default()
                };
                ACTION_ROWS
            ],
            ..InterventionForm::default()
        }
    }
}

/// A birth being recorded, sent back with its error.
pub struct BirthAttempt {
    pub child_id: Uuid,
    pub birth_date: String,
    pub errors: FieldErrors,
}

/// The forms of the page, blank or as sent back.
pub struct Forms {
    pub intervention: InterventionForm,
    pub birth: Option<BirthAttempt>,
    pub coordination: Option<CoordinationAttempt>,
    /// The document form, sent back with its errors.
    pub document: Option<DocumentAttempt>,
    /// A form of the "Parcours logement", sent back with its errors.
    pub pathway: Option<PathwayAttempt>,
}

struct ChildView {
    name: String,
    summary: String,
    birth_form: Option<BirthFormView>,
}

struct BirthFormView {
    action: String,
    field_id: String,
    version: i32,
    value: String,
    error: Option<String>,
    open: bool,
}

pub(crate) struct PeriodView {
    pub(crate) number: i32,
    pub(crate) starts_on: String,
    pub(crate) ends_on: String,
    pub(crate) decision: Option<String>,
}

pub(crate) struct DeadlineView {
    pub(crate) ends_on: String,
    pub(crate) when: String,
    pub(crate) status: String,
    pub(crate) late: bool,
}

/// What the coordinators' deadline means for this family, in one sentence.
fn deadline_sentence(due: &Deadline) -> String {
    match (due.renewable, due.status) {
        (false, _) => "Dernière période possible : elle finit à la limite d'âge.".to_owned(),
        (true, DeadlineStatus::Overdue) => {
            "Période échue : aucun renouvellement n'est enregistré.".to_owned()
        }
        (true, DeadlineStatus::ReportDue) => format!(
            "Rapport de renouvellement à remettre : il est dû depuis le {}.",
            french::date(due.report_due_on)
        ),
        (true, DeadlineStatus::Upcoming) => format!(
            "Rapport de renouvellement à remettre le {}.",
            french::date(due.report_due_on)
        ),
    }
}

/// The placement as the page shows it (the head office's page too).
pub(crate) struct PlacementView {
    pub(crate) active: bool,
    /// The papers to print: the contract, then each renewal's avenant
    /// (label, address).
    pub(crate) papers: Vec<(String, String)>,
    pub(crate) admitted_on: String,
    pub(crate) periods: Vec<PeriodView>,
    pub(crate) cap: Option<String>,
    pub(crate) next: Option<DeadlineView>,
    pub(crate) exit: Option<String>,
}

struct HousingView {
    /// The attestation d'hébergement's address.
    attestation: String,
    label: String,
    address: String,
    since: String,
}

struct TeamMember {
    name: String,
    trade: &'static str,
    referent: bool,
}

struct EventView {
    date: String,
    title: String,
    details: Vec<String>,
    summary: Option<String>,
    restricted: bool,
    actions: Vec<String>,
    intervention: bool,
}

struct ActionRowView {
    number: usize,
    description_id: String,
    description: String,
    description_error: Option<String>,
    due_id: String,
    due_on: String,
    due_error: Option<String>,
    assignee_id: String,
    assignee_error: Option<String>,
    assignees: Vec<Choice>,
}

struct InterventionFormView {
    action: String,
    kinds: Vec<Choice>,
    occurred_on: String,
    occurred_time: String,
    duration_minutes: String,
    staff: Vec<Choice>,
    summary: String,
    confidentialities: Vec<Choice>,
    rows: Vec<ActionRowView>,
    errors: FieldErrors,
    summary_list: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "famille.html")]
struct FamilyPage {
    frame: Frame,
    notice: Option<&'static str>,
    csrf: String,
    mother_name: String,
    mother_details: Vec<String>,
    mother_form: MotherFormView,
    linked: Vec<LinkedView>,
    children: Vec<ChildView>,
    placement: Option<PlacementView>,
    housing: Option<HousingView>,
    team: Vec<TeamMember>,
    events: Vec<EventView>,
    /// The family's history goes further back than the page shows.
    journal_cut: bool,
    journal_length: usize,
    form: InterventionFormView,
    coordination: Option<CoordinationView>,
    documents: Vec<DocumentView>,
    document_form: DocumentFormView,
    pathway: Option<PathwayView>,
}

/// Another file of the same mother, linked by a coordinator's decision.
struct LinkedView {
    /// The other file's address, for whom may open it.
    href: Option<String>,
    /// "lié le 3 février 2026".
    decided: String,
    /// What the coordinator checked (coordinators only).
    note: Option<String>,
}

/// A document of the paper file, as the page lists it.
struct DocumentView {
    title: String,
    /// Its kind, when and by whom it was added, its size.
    details: String,
    restricted: bool,
    /// The download's address; none once removed.
    href: Option<String>,
    /// "Retiré le …, motif : …".
    removal: Option<String>,
}

/// The form that adds a document.
struct DocumentFormView {
    action: String,
    kinds: Vec<Choice>,
    title: String,
    confidentialities: Vec<Choice>,
    errors: FieldErrors,
    max_megabytes: u64,
    /// Open when sent back with errors.
    open: bool,
}

/// The page, blank.
pub async fn show(
    State(web): State<Web>,
    signed_in: SignedIn,
    Path(raw_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let family_id = parse_id(&raw_id)?;
    if signed_in.user().role == Role::HeadOffice {
        return crate::pages::family_summary::show(&web, &signed_in, family_id).await;
    }
    let notice = match query_value(query.as_deref(), "ok").as_deref() {
        Some("intervention") => Some("Intervention enregistrée."),
        Some("naissance") => Some("Naissance enregistrée."),
        Some("admission") => Some("Admission enregistrée : la prise en charge commence."),
        Some("renouvellement") => {
            Some("Renouvellement enregistré : la période suivante est ajoutée.")
        }
        Some("sortie") => Some("Sortie enregistrée : la prise en charge est terminée."),
        Some("equipe") => Some("Référent·e et équipe enregistrés."),
        Some("document") => Some("Document ajouté au dossier."),
        Some("demarche") => Some("Démarche de logement enregistrée."),
        Some("demarche-suivie") => Some("Démarche de logement mise à jour."),
        Some("suivi") => Some("Suivi après la sortie enregistré."),
        Some("mere") => Some("Informations de la mère enregistrées."),
        _ => None,
    };
    let forms = Forms {
        intervention: InterventionForm::blank(&web, signed_in.user()),
        birth: None,
        coordination: None,
        document: None,
        pathway: None,
    };
    render(&web, &signed_in, family_id, forms, StatusCode::OK, notice).await
}

/// The page with `forms` as they are (blank, or sent back with errors).
pub async fn render(
    web: &Web,
    signed_in: &SignedIn,
    family_id: Uuid,
    forms: Forms,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, WebError> {
    render_page(web, signed_in, family_id, forms, None, status, notice).await
}

/// The page with the mother's form sent back with its errors.
pub async fn render_with_mother(
    web: &Web,
    signed_in: &SignedIn,
    family_id: Uuid,
    forms: Forms,
    mother: Option<MotherAttempt>,
    status: StatusCode,
) -> Result<Response, WebError> {
    render_page(web, signed_in, family_id, forms, mother, status, None).await
}

async fn render_page(
    web: &Web,
    signed_in: &SignedIn,
    family_id: Uuid,
    forms: Forms,
    mother_attempt: Option<MotherAttempt>,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, WebError> {
    let FamilyFile {
        family,
        events,
        placement,
        home,
        people: names,
        unit_labels: units,
        members,
        documents,
        housing_steps,
        follow_ups,
    } = family_file::page(
        &web.cases,
        &signed_in.case_caller(),
        family_id,
        JOURNAL_LENGTH + 1,
    )
    .await?;
    // After the page's own read, which checked that she may see it.
    let linked = linked_views(web, signed_in, family_id).await?;
    let today = web.today();
    let journal_cut = events.len() > JOURNAL_LENGTH;
    let events: Vec<Event> = events.into_iter().take(JOURNAL_LENGTH).collect();
    let cap = latest_end_on(&family.births());
    let children: HashMap<Uuid, String> = family
        .children
        .iter()
        .map(|child| (child.id, child.first_name.clone()))
        .collect();

    let page_html = FamilyPage {
        frame: Frame::signed_in(family.mother.full_name(), signed_in, "/familles"),
        notice,
        csrf: signed_in.csrf.clone(),
        mother_name: family.mother.full_name(),
        mother_details: mother_details(&family, today)
            .into_iter()
            .chain(
                crate::pages::site_name(signed_in, family.site_id)
                    .map(|site| format!("Établissement : {site}")),
            )
            .collect(),
        mother_form: mother::view(&family, mother_attempt),
        linked,
        children: children_views(&family, today, forms.birth.as_ref()),
        placement: placement
            .as_ref()
            .map(|placement| placement_view(web, placement, cap, today)),
        housing: home.map(|home| housing_view(family.id, home)),
        team: team_views(&family, &names),
        journal_cut,
        journal_length: JOURNAL_LENGTH,
        events: events
            .into_iter()
            .map(|event| event_view(web, event, &names, &units, &children))
            .collect(),
        form: intervention_form_view(signed_in, &family, &names, &members, forms.intervention),
        documents: documents
            .into_iter()
            .map(|document| document_view(web, document, &names))
            .collect(),
        document_form: document_form_view(web, family_id, forms.document),
        pathway: pathway::view(
            web,
            family_id,
            placement.as_ref(),
            cap,
            &housing_steps,
            &follow_ups,
            forms.pathway.as_ref(),
        ),
        coordination: coordination::view(
            web,
            signed_in,
            &family,
            placement.as_ref(),
            &housing_steps,
            &members,
            forms.coordination,
        ),
    };
    page(status, &page_html)
}

fn document_view(web: &Web, document: Document, names: &HashMap<Uuid, User>) -> DocumentView {
    let zone = &web.cases.time_zone;
    let author = names.get(&document.author_id).map_or_else(
        || "un membre de l'équipe".to_owned(),
        |user| user.display_name.as_str().to_owned(),
    );
    let added = document.created_at.with_timezone(zone).date_naive();
    let size = if document.size_bytes >= 1024 * 1024 {
        format!("{:.1} Mo", document.size_bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} Ko", (document.size_bytes + 1023) / 1024)
    };
    DocumentView {
        details: format!(
            "{} · ajouté le {} par {author} · {} {size}",
            labels::document_kind(document.kind),
            french::date(added),
            document.media_type.extension().to_uppercase(),
        ),
        restricted: document.confidentiality == Confidentiality::Restricted,
        href: document
            .removal
            .is_none()
            .then(|| format!("/documents/{}", document.id)),
        removal: document.removal.map(|removal| {
            format!(
                "Retiré le {}, motif : {}",
                french::date(removal.at.with_timezone(zone).date_naive()),
                removal.reason
            )
        }),
        title: document.title,
    }
}

fn document_form_view(
    web: &Web,
    family_id: Uuid,
    attempt: Option<DocumentAttempt>,
) -> DocumentFormView {
    let open = attempt.is_some();
    let attempt = attempt.unwrap_or_default();
    let confidentiality = if attempt.confidentiality.is_empty() {
        Confidentiality::Team.as_str()
    } else {
        attempt.confidentiality.as_str()
    };
    DocumentFormView {
        action: format!("/familles/{family_id}/documents"),
        kinds: DocumentKind::ALL
            .iter()
            .map(|kind| Choice {
                value: kind.as_str().to_owned(),
                label: labels::document_kind(*kind).to_owned(),
                selected: attempt.kind == kind.as_str(),
            })
            .collect(),
        confidentialities: [
            (Confidentiality::Team, "Toute l'équipe de la famille"),
            (
                Confidentiality::Restricted,
                "Moi seulement (document restreint)",
            ),
        ]
        .into_iter()
        .map(|(level, label)| Choice {
            value: level.as_str().to_owned(),
            label: label.to_owned(),
            selected: level.as_str() == confidentiality,
        })
        .collect(),
        title: attempt.title,
        errors: attempt.errors,
        max_megabytes: web.cases.documents.max_bytes / (1024 * 1024),
        open,
    }
}

/// The files found to be the same mother's that the user may open: a
/// coordinator each, a staff member those of families she accompanies too
/// (`linked_files` names no other to her).
async fn linked_views(
    web: &Web,
    signed_in: &SignedIn,
    family_id: Uuid,
) -> Result<Vec<LinkedView>, WebError> {
    let caller = signed_in.case_caller();
    let coordinator = caller.role == Role::Coordinator;
    let mut views = Vec::new();
    for (other_id, decision) in linked_files(&web.cases, &caller, family_id).await? {
        // Whether she may open it: a check, not a read shown (not audited).
        let href = match find_visible(&web.cases, &caller, other_id).await {
            Ok(_) => Some(format!("/familles/{other_id}")),
            Err(CaseError::Hidden { .. }) => None,
            // Gone meanwhile (its retention ended): nothing to show.
            Err(CaseError::NotFound) => continue,
            Err(other) => return Err(other.into()),
        };
        let decided_on = decision
            .decided_at
            .with_timezone(&web.cases.time_zone)
            .date_naive();
        views.push(LinkedView {
            href,
            decided: format!("lié le {}", french::date(decided_on)),
            note: coordinator.then_some(decision.note),
        });
    }
    Ok(views)
}

pub(crate) fn mother_details(family: &Family, today: NaiveDate) -> Vec<String> {
    let mother = &family.mother;
    let mut details = Vec::new();
    if let Some(birth_name) = &mother.birth_last_name {
        details.push(format!("Nom de naissance : {birth_name}"));
    }
    let place = mother
        .birth_place
        .as_ref()
        .map(|place| format!(" à {place}"))
        .unwrap_or_default();
    details.push(format!(
        "Née le {}{place} ({})",
        french::date(mother.birth_date),
        french::age(mother.birth_date, today)
    ));
    if let Some(phone) = &mother.phone {
        details.push(format!("Téléphone : {phone}"));
    }
    if let Some(email) = &mother.email {
        details.push(format!("Courriel : {email}"));
    }
    details
}

fn children_views(
    family: &Family,
    today: NaiveDate,
    attempt: Option<&BirthAttempt>,
) -> Vec<ChildView> {
    family
        .children
        .iter()
        .map(|child| {
            let name = match &child.last_name {
                Some(last) => format!("{} {last}", child.first_name),
                None => child.first_name.clone(),
            };
            let birth_form = match child.birth {
                ChildBirth::Born(_) => None,
                ChildBirth::Expected(_) => {
                    let attempt = attempt.filter(|attempt| attempt.child_id == child.id);
                    let field_id = format!("birth_date_{}", child.id);
                    Some(BirthFormView {
                        action: format!("/familles/{}/enfants/{}/naissance", family.id, child.id),
                        value: attempt
                            .map(|attempt| attempt.birth_date.clone())
                            .unwrap_or_else(|| today.to_string()),
                        error: attempt.and_then(|attempt| {
                            attempt
                                .errors
                                .get(&field_id)
                                .map(str::to_owned)
                                .or_else(|| attempt.errors.whole_form.clone())
                        }),
                        open: attempt.is_some(),
                        field_id,
                        version: child.version,
                    })
                }
            };
            ChildView {
                summary: child_summary(&child.first_name, child.birth, today),
                name,
                birth_form,
            }
        })
        .collect()
}

pub(crate) fn placement_view(
    web: &Web,
    placement: &Placement,
    cap: Option<NaiveDate>,
    today: NaiveDate,
) -> PlacementView {
    let active = placement.status == PlacementStatus::Active;
    let next = placement
        .current_period()
        .filter(|_| active)
        .map(|current| {
            let due = deadline(current, cap, today, web.cases.report_lead_days);
            DeadlineView {
                ends_on: french::date(current.ends_on),
                when: french::days_from_now(due.days_remaining),
                status: deadline_sentence(&due),
                late: due.status != DeadlineStatus::Upcoming,
            }
        });
    let mut papers = vec![(
        "Contrat de séjour (PDF)".to_owned(),
        format!("/prises-en-charge/{}/contrat.pdf", placement.id),
    )];
    papers.extend(placement.periods.iter().skip(1).map(|record| {
        let number = record.period.number;
        (
            format!("Avenant n° {} (PDF)", number - 1),
            format!(
                "/prises-en-charge/{}/periodes/{number}/avenant.pdf",
                placement.id
            ),
        )
    }));
    PlacementView {
        active,
        papers,
        admitted_on: french::date(placement.admitted_on),
        periods: placement
            .periods
            .iter()
            .map(|record| PeriodView {
                number: record.period.number,
                starts_on: french::short_date(record.period.starts_on),
                ends_on: french::short_date(record.period.ends_on),
                decision: record.decided_on.map(|on| {
                    format!(
                        "Renouvelée le {}{}",
                        french::short_date(on),
                        record
                            .decided_by
                            .as_deref()
                            .map(|by| format!(" par {by}"))
                            .unwrap_or_default()
                    )
                }),
            })
            .collect(),
        cap: cap.map(french::date),
        next,
        exit: placement.exit.as_ref().map(|exit| {
            format!(
                "Sortie le {} ({})",
                french::date(exit.exited_on),
                french::exit_destination(exit.destination)
            )
        }),
    }
}

fn housing_view(family_id: Uuid, home: CurrentHome) -> HousingView {
    let unit = home.unit;
    HousingView {
        attestation: format!("/familles/{family_id}/attestation.pdf"),
        label: unit.label,
        address: format!("{}, {} {}", unit.street, unit.postal_code, unit.city),
        since: french::date(home.since),
    }
}

fn team_views(family: &Family, names: &HashMap<Uuid, User>) -> Vec<TeamMember> {
    let referent = family.referent_id.into_iter().map(|id| (id, true));
    let members = family.team_ids.iter().map(|id| (*id, false));
    referent
        .chain(members)
        .filter_map(|(id, referent)| {
            let user = names.get(&id)?;
            Some(TeamMember {
                name: user.display_name.as_str().to_owned(),
                trade: french::profession(user.profession),
                referent,
            })
        })
        .collect()
}

fn name_of(names: &HashMap<Uuid, User>, id: Uuid) -> String {
    names.get(&id).map_or_else(
        || "un ancien membre de l'équipe".to_owned(),
        |user| user.display_name.as_str().to_owned(),
    )
}

fn event_view(
    web: &Web,
    event: Event,
    names: &HashMap<Uuid, User>,
    units: &HashMap<Uuid, String>,
    children: &HashMap<Uuid, String>,
) -> EventView {
    let zone = web.cases.time_zone;
    let mut view = EventView {
        date: french::date(event.date()),
        title: String::new(),
        details: Vec::new(),
        summary: None,
        restricted: false,
        actions: Vec::new(),
        intervention: false,
    };
    let span = |starts: Option<NaiveDate>, ends: Option<NaiveDate>| match (starts, ends) {
        (Some(starts), Some(ends)) => format!(
            "du {} au {}",
            french::short_date(starts),
            french::short_date(ends)
        ),
        (Some(starts), None) => format!("depuis le {}", french::short_date(starts)),
        _ => String::new(),
    };
    match event {
        Event::Referral { status, .. } => {
            view.title = "Orientation reçue".to_owned();
            view.details
                .push(format!("Orientation {}", french::referral_status(status)));
        }
        Event::Admission { .. } => view.title = "Admission".to_owned(),
        Event::Period { period, .. } => {
            view.title = format!("Période {}", period.number);
            view.details
                .push(span(Some(period.starts_on), Some(period.ends_on)));
        }
        Event::Renewal { period_number, .. } => {
            view.title = format!("Renouvellement de la période {period_number} décidé");
        }
        Event::Move {
            unit_id,
            span: stay,
            ..
        } => {
            let unit = units.get(&unit_id).cloned().unwrap_or_default();
            view.title = format!("Emménagement : {unit}");
            view.details.push(span(Some(stay.start), stay.end));
        }
        Event::Intervention {
            intervention,
            actions,
            ..
        } => {
            view.intervention = true;
            view.title = french::intervention_kind(intervention.kind).to_owned();
            view.date = french::date_time(intervention.occurred_at, zone);
            let present: Vec<String> = intervention
                .staff_ids
                .iter()
                .map(|id| name_of(names, *id))
                .collect();
            view.details.push(format!(
                "{} min · écrite par {} · avec {}",
                intervention.duration_minutes,
                name_of(names, intervention.author_id),
                present.join(", ")
            ));
            view.restricted = intervention.confidentiality == Confidentiality::Restricted;
            view.summary = Some(intervention.summary);
            let today = web.today();
            view.actions = actions
                .into_iter()
                .map(|action| {
                    let state = match action.done_on {
                        Some(done) => format!("faite le {}", french::short_date(done)),
                        None if action.is_overdue(today) => "en retard".to_owned(),
                        None => "à faire".to_owned(),
                    };
                    format!(
                        "{} — pour le {}, confiée à {} ({state})",
                        action.description,
                        french::short_date(action.due_on),
                        name_of(names, action.assignee_id)
                    )
                })
                .collect();
        }
        Event::Exit { destination, .. } => {
            view.title = "Sortie".to_owned();
            view.details
                .push(french::exit_destination(destination).to_owned());
        }
        Event::CrecheBooking(booking) => {
            view.title = match children.get(&booking.child_id) {
                Some(child) => format!("Accueil de {child} à la crèche"),
                None => "Accueil à la crèche".to_owned(),
            };
            view.details.push(format!(
                "de {} à {} · {} · {}",
                booking.slot.starts_at,
                booking.slot.ends_at,
                french::booking_purpose(booking.purpose),
                french::booking_status(booking.status)
            ));
        }
        Event::Workshop { title, status, .. } => {
            view.title = format!("Atelier : {title}");
            view.details
                .push(french::participation_status(status).to_owned());
        }
        Event::ProjectReview { .. } => view.title = "Projet personnalisé revu".to_owned(),
        Event::Concern { .. } => view.title = "Information préoccupante transmise".to_owned(),
        Event::HousingStep { kind, status, .. } => {
            view.title = labels::step_kind(kind).to_owned();
            view.details.push(labels::step_status(status).to_owned());
        }
        Event::FollowUp {
            after_months,
            outcome,
            ..
        } => {
            view.title = format!("Suivi {after_months} mois après la sortie");
            view.details
                .push(labels::follow_up_outcome(outcome).to_owned());
        }
        Event::LinkedFile { .. } => {
            view.title = "Dossier lié : la même mère".to_owned();
            view.details.push(
                "Un autre dossier a été reconnu comme le sien (voir « Dossiers liés »)".to_owned(),
            );
        }
    }
    view.details.retain(|line| !line.is_empty());
    view
}

/// Colleagues as a form offers them: id and label.
type Colleagues = Vec<(Uuid, String)>;

/// Who may be present at an intervention or be given an action: the
/// family's team, the user herself, and for actions the coordinators.
/// The use case decides; this only offers the likely names.
/// The choices of the values `all` of an enumeration, named in French by
/// `label`, the one whose value is `chosen` selected.
pub(crate) fn value_choices<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    chosen: &str,
) -> Vec<Choice> {
    all.iter()
        .map(|item| Choice {
            value: value(*item).to_owned(),
            label: label(*item).to_owned(),
            selected: chosen == value(*item),
        })
        .collect()
}

fn people_choices(
    signed_in: &SignedIn,
    family: &Family,
    names: &HashMap<Uuid, User>,
    members: &[User],
) -> (Colleagues, Colleagues) {
    let label = |user: &User| {
        format!(
            "{} ({})",
            user.display_name.as_str(),
            french::profession(user.profession)
        )
    };
    let mut team: Vec<(Uuid, String)> = Vec::new();
    let me = signed_in.user();
    team.push((me.id, label(me)));
    for id in family.referent_id.iter().chain(family.team_ids.iter()) {
        if let Some(user) = names.get(id)
            && user.active
            && !team.iter().any(|(known, _)| known == id)
        {
            team.push((*id, label(user)));
        }
    }
    let mut assignees = team.clone();
    for user in members {
        if user.active
            && user.role == Role::Coordinator
            && !assignees.iter().any(|(known, _)| *known == user.id)
        {
            assignees.push((user.id, label(user)));
        }
    }
    (team, assignees)
}

fn intervention_form_view(
    signed_in: &SignedIn,
    family: &Family,
    names: &HashMap<Uuid, User>,
    members: &[User],
    form: InterventionForm,
) -> InterventionFormView {
    let (team, assignees) = people_choices(signed_in, family, names, members);
    let choice = |value: String, label: String, selected: bool| Choice {
        value,
        label,
        selected,
    };
    let rows = (0..ACTION_ROWS)
        .map(|index| {
            let row = form.actions.get(index).cloned().unwrap_or_default();
            let id = |field: &str| format!("action_{field}_{index}");
            ActionRowView {
                number: index + 1,
                description_error: form.errors.get(&id("description")).map(str::to_owned),
                due_error: form.errors.get(&id("due_on")).map(str::to_owned),
                assignee_error: form.errors.get(&id("assignee")).map(str::to_owned),
                description_id: id("description"),
                due_id: id("due_on"),
                assignee_id: id("assignee"),
                assignees: assignees
                    .iter()
                    .map(|(user_id, label)| {
                        choice(
                            user_id.to_string(),
                            label.clone(),
                            row.assignee == user_id.to_string(),
                        )
                    })
                    .collect(),
                description: row.description,
                due_on: row.due_on,
            }
        })
        .collect();
    let mut order: Vec<String> = [
        "kind",
        "occurred_on",
        "occurred_time",
        "duration_minutes",
        "staff_ids",
        "summary",
        "confidentiality",
        "actions",
    ]
    .iter()
    .map(|field| (*field).to_owned())
    .collect();
    for index in 0..ACTION_ROWS {
        for field in ["description", "due_on", "assignee"] {
            order.push(format!("action_{field}_{index}"));
        }
    }
    InterventionFormView {
        action: format!("/familles/{}/interventions", family.id),
        kinds: value_choices(
            InterventionKind::ALL,
            InterventionKind::as_str,
            french::intervention_kind,
            &form.kind,
        ),
        staff: team
            .iter()
            .map(|(id, label)| {
                choice(
                    id.to_string(),
                    label.clone(),
                    form.staff_ids.contains(&id.to_string()),
                )
            })
            .collect(),
        confidentialities: value_choices(
            Confidentiality::ALL,
            Confidentiality::as_str,
            french::confidentiality,
            &form.confidentiality,
        ),
        summary_list: form.errors.summary(&order),
        occurred_on: form.occurred_on,
        occurred_time: form.occurred_time,
        duration_minutes: form.duration_minutes,
        summary: form.summary,
        rows,
        errors: form.errors,
    }
}
