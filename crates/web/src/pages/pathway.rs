//! "Parcours logement" on the family's page: the placement's steps towards
//! a home with what each owes next, a form to add one, a form on each open
//! step to move it, and after the exit the follow-ups to record. Each form
//! runs the API's use case (`nido_cases::pathway`), so the same rules
//! hold: the kind's own fields, the status moving forward only, the
//! Visale's date, the need-to-know. Plain forms, no script: on a phone
//! each opens under its `<details>`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use nido_cases::labels;
use nido_cases::pathway::{
    FollowUpInput, StepChanges, StepInput, add_step, record_follow_up, update_step,
};
use nido_domain::pathway::{
    FollowUp, FollowUpOutcome, FslItem, HousingStep, Recourse, SiaoDemand, StepDetails, StepFields,
    StepFieldsPatch, StepKind, StepStatus, step_due,
};
use nido_domain::placement::{Placement, PlacementStatus};
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::form::{FieldErrors, FormData, settle};
use crate::french;
use crate::pages::admin_form::{cents, euros};
use crate::pages::family::{Forms, InterventionForm, render, value_choices};
use crate::pages::{Choice, parse_id};
use crate::session::SignedForm;

/// Which of the pathway's forms was sent back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathwayForm {
    Add,
    Update(Uuid),
    FollowUp(u32),
}

/// A pathway form sent back with what was typed and its errors.
pub struct PathwayAttempt {
    pub which: PathwayForm,
    pub fields: FormData,
    pub errors: FieldErrors,
}

/// The FSL lines the add form offers.
const FSL_ROWS: usize = 2;

/// A field of a form: its id on the page, its posted name, its label, its
/// input type, its value as typed.
pub struct FieldView {
    pub id: String,
    pub name: String,
    pub label: String,
    pub kind: &'static str,
    pub value: String,
}

/// A step as the section lists it.
pub struct StepView {
    pub anchor: String,
    pub title: String,
    pub status: String,
    pub ended: bool,
    pub facts: Vec<String>,
    /// What it owes next: "Renouvellement … : le 3 mars 2027".
    pub due: Option<String>,
    pub late: bool,
    pub update: Option<UpdateView>,
}

/// The form that moves a step on.
pub struct UpdateView {
    pub action: String,
    pub version: i32,
    pub status_id: String,
    pub statuses: Vec<Choice>,
    pub decided_on: FieldView,
    pub extra: Vec<FieldView>,
    pub errors: FieldErrors,
    pub open: bool,
}

/// A kind's own fields in the add form, under its legend.
pub struct KindFieldset {
    pub legend: &'static str,
    pub fields: Vec<FieldView>,
    pub choices: Vec<(FieldView, Vec<Choice>)>,
}

/// The form that adds a step.
pub struct AddView {
    pub action: String,
    pub kinds: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub common: Vec<FieldView>,
    pub notes: String,
    pub fieldsets: Vec<KindFieldset>,
    pub errors: FieldErrors,
    pub open: bool,
}

/// A follow-up after the exit, made or to record.
pub struct FollowUpView {
    pub title: String,
    pub due: String,
    pub late: bool,
    /// What it found, once made.
    pub made: Option<String>,
    pub form: Option<FollowUpFormView>,
}

pub struct FollowUpFormView {
    pub action: String,
    pub placement_id: Uuid,
    pub after_months: u32,
    pub done_on: FieldView,
    pub outcome_id: String,
    pub outcomes: Vec<Choice>,
    pub notes_id: String,
    pub notes: String,
    pub errors: FieldErrors,
    pub open: bool,
}

/// The section.
pub struct PathwayView {
    /// "Fin de prise en charge le … sans démarche acceptée".
    pub warning: Option<String>,
    pub steps: Vec<StepView>,
    pub add: Option<AddView>,
    pub follow_ups: Vec<FollowUpView>,
    pub ended: bool,
}

fn field(id: &str, name: &str, label: &str, kind: &'static str, value: String) -> FieldView {
    FieldView {
        id: id.to_owned(),
        name: name.to_owned(),
        label: label.to_owned(),
        kind,
        value,
    }
}

fn date_text(day: Option<NaiveDate>) -> String {
    day.map(|day| day.to_string()).unwrap_or_default()
}

/// What a step's kind says of it, in French.
fn facts(step: &HousingStep) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(reference) = &step.reference {
        facts.push(format!("Référence : {reference}"));
    }
    if let Some(filed) = step.filed_on {
        facts.push(format!("Déposée le {}", french::date(filed)));
    }
    if let Some(decided) = step.decided_on {
        facts.push(format!("Décision le {}", french::date(decided)));
    }
    match &step.details {
        StepDetails::SiaoApplication {
            demand,
            evaluated_on,
        } => {
            facts.push(format!("Demande {}", labels::siao_demand(*demand)));
            if let Some(on) = evaluated_on {
                facts.push(format!("Évaluée le {}", french::date(*on)));
            }
        }
        StepDetails::SocialHousingApplication { renewed_on } => {
            if let Some(on) = renewed_on {
                facts.push(format!("Renouvelée le {}", french::date(*on)));
            }
        }
        StepDetails::DaloRecourse { recourse } => {
            facts.push(format!("Recours {}", labels::recourse(*recourse)));
        }
        StepDetails::FslRequest { items } => {
            for item in items {
                facts.push(format!("{} : {}", item.label, euros(item.amount_cents)));
            }
        }
        StepDetails::Visale { valid_until } => {
            facts.push(format!(
                "Visa valable jusqu'au {}",
                french::date(*valid_until)
            ));
        }
        StepDetails::HousingOffer {
            landlord,
            commune,
            typology,
            rent_cents,
            refusal_reason,
        } => {
            facts.push(format!(
                "{typology} à {commune}, {landlord}, loyer {}",
                euros(*rent_cents)
            ));
            if let Some(reason) = refusal_reason {
                facts.push(format!("Motif du refus : {reason}"));
            }
        }
        StepDetails::BailGlissant {
            landlord,
            sublease_starts_on,
            slides_on,
            reviewed_on,
        } => {
            facts.push(format!(
                "{landlord}, sous-location depuis le {}",
                french::date(*sublease_starts_on)
            ));
            if let Some(on) = reviewed_on {
                facts.push(format!("Dernier point le {}", french::date(*on)));
            }
            if let Some(on) = slides_on {
                facts.push(format!("Bail glissé le {}", french::date(*on)));
            }
        }
    }
    if let Some(notes) = &step.notes {
        facts.push(notes.clone());
    }
    facts
}

/// The fields a step's update form offers besides its status and decision.
fn update_fields(
    step: &HousingStep,
    prefix: &str,
    typed: &dyn Fn(&str, String) -> String,
) -> Vec<FieldView> {
    let mut extra = Vec::new();
    let mut date = |name: &str, label: &str, value: Option<NaiveDate>| {
        extra.push(field(
            &format!("{prefix}{name}"),
            name,
            label,
            "date",
            typed(name, date_text(value)),
        ));
    };
    match &step.details {
        StepDetails::SocialHousingApplication { renewed_on } => {
            date("renewed_on", "Renouvelée le", *renewed_on);
        }
        StepDetails::BailGlissant {
            slides_on,
            reviewed_on,
            ..
        } => {
            date(
                "reviewed_on",
                "Point avec le bailleur fait le",
                *reviewed_on,
            );
            date("slides_on", "Bail glissé au nom de la mère le", *slides_on);
        }
        StepDetails::HousingOffer { refusal_reason, .. } => {
            let name = "refusal_reason";
            extra.push(field(
                &format!("{prefix}{name}"),
                name,
                "Motif du refus (si refusée)",
                "text",
                typed(name, refusal_reason.clone().unwrap_or_default()),
            ));
        }
        _ => {}
    }
    extra
}

fn step_view(
    web: &Web,
    family_id: Uuid,
    step: &HousingStep,
    active: bool,
    attempt: Option<&PathwayAttempt>,
) -> StepView {
    let today = web.today();
    let prefix = format!("s{}_", step.id.simple());
    let sent = attempt.filter(|a| a.which == PathwayForm::Update(step.id));
    let typed = |name: &str, blank: String| sent.map_or(blank, |a| a.fields.get(name).to_owned());
    let due = step_due(&step.facts());
    let update = (active && !step.status.is_final()).then(|| {
        let chosen = typed("status", step.status.as_str().to_owned());
        let allowed: Vec<StepStatus> = StepStatus::ALL
            .iter()
            .copied()
            .filter(|to| step.status.may_move_to(*to))
            .collect();
        UpdateView {
            action: format!("/familles/{family_id}/demarches/{}", step.id),
            version: step.version,
            status_id: format!("{prefix}status"),
            statuses: value_choices(&allowed, StepStatus::as_str, labels::step_status, &chosen),
            decided_on: field(
                &format!("{prefix}decided_on"),
                "decided_on",
                "Date de la décision (ou de la signature du bail)",
                "date",
                typed("decided_on", date_text(step.decided_on)),
            ),
            extra: update_fields(step, &prefix, &typed),
            errors: sent.map(|a| a.errors.clone()).unwrap_or_default(),
            open: sent.is_some(),
        }
    });
    StepView {
        anchor: format!("demarche-{}", step.id.simple()),
        title: labels::step_kind(step.kind()).to_owned(),
        status: labels::step_status(step.status).to_owned(),
        ended: step.status.is_final(),
        facts: facts(step),
        due: due
            .filter(|_| active)
            .map(|(kind, on)| format!("{} : le {}", labels::due_kind(kind), french::date(on))),
        late: active && due.is_some_and(|(_, on)| on < today),
        update,
    }
}

fn add_view(family_id: Uuid, attempt: Option<&PathwayAttempt>) -> AddView {
    let sent = attempt.filter(|a| a.which == PathwayForm::Add);
    let typed = |name: &str| sent.map_or_else(String::new, |a| a.fields.get(name).to_owned());
    let text =
        |name: &str, label: &str| field(&format!("new_{name}"), name, label, "text", typed(name));
    let date =
        |name: &str, label: &str| field(&format!("new_{name}"), name, label, "date", typed(name));
    let select = |name: &str, label: &str, choices: Vec<Choice>| {
        (
            field(&format!("new_{name}"), name, label, "select", String::new()),
            choices,
        )
    };
    let status = sent.map_or_else(
        || StepStatus::Filed.as_str().to_owned(),
        |a| a.fields.get("status").to_owned(),
    );
    let mut fsl = Vec::new();
    for row in 1..=FSL_ROWS {
        fsl.push(text(
            &format!("item_{row}_label"),
            &format!("Ligne {row} : objet"),
        ));
        fsl.push(text(
            &format!("item_{row}_amount"),
            &format!("Ligne {row} : montant (€)"),
        ));
    }
    AddView {
        action: format!("/familles/{family_id}/demarches"),
        kinds: value_choices(
            StepKind::ALL,
            StepKind::as_str,
            labels::step_kind,
            &typed("kind"),
        ),
        statuses: value_choices(
            StepStatus::ALL,
            StepStatus::as_str,
            labels::step_status,
            &status,
        ),
        common: vec![
            text(
                "reference",
                "Référence (n° unique, SI-SIAO, dossier DALO, visa…)",
            ),
            date("filed_on", "Déposée le"),
            date("decided_on", "Décision (ou signature du bail) le"),
        ],
        notes: typed("notes"),
        fieldsets: vec![
            KindFieldset {
                legend: "Demande SIAO",
                fields: vec![date("evaluated_on", "Évaluée le")],
                choices: vec![select(
                    "demand",
                    "Demande",
                    value_choices(
                        SiaoDemand::ALL,
                        SiaoDemand::as_str,
                        labels::siao_demand,
                        &typed("demand"),
                    ),
                )],
            },
            KindFieldset {
                legend: "Demande de logement social",
                fields: vec![date("renewed_on", "Dernier renouvellement le")],
                choices: Vec::new(),
            },
            KindFieldset {
                legend: "Recours DALO",
                fields: Vec::new(),
                choices: vec![select(
                    "recourse",
                    "Recours",
                    value_choices(
                        Recourse::ALL,
                        Recourse::as_str,
                        labels::recourse,
                        &typed("recourse"),
                    ),
                )],
            },
            KindFieldset {
                legend: "Demande FSL",
                fields: fsl,
                choices: Vec::new(),
            },
            KindFieldset {
                legend: "Garantie Visale",
                fields: vec![date("valid_until", "Visa valable jusqu'au")],
                choices: Vec::new(),
            },
            KindFieldset {
                legend: "Proposition de logement ou bail glissant",
                fields: vec![
                    text("landlord", "Bailleur"),
                    text("commune", "Commune (proposition)"),
                    text("typology", "Typologie (proposition : T1, T2…)"),
                    text("rent", "Loyer mensuel (proposition, €)"),
                    text("refusal_reason", "Motif du refus (proposition refusée)"),
                    date(
                        "sublease_starts_on",
                        "Début de la sous-location (bail glissant)",
                    ),
                ],
                choices: Vec::new(),
            },
        ],
        errors: sent.map(|a| a.errors.clone()).unwrap_or_default(),
        open: sent.is_some(),
    }
}

fn follow_up_view(
    web: &Web,
    family_id: Uuid,
    follow_up: &FollowUp,
    attempt: Option<&PathwayAttempt>,
) -> FollowUpView {
    let months = follow_up.after_months;
    let sent = attempt.filter(|a| a.which == PathwayForm::FollowUp(months));
    let typed = |name: &str, blank: String| sent.map_or(blank, |a| a.fields.get(name).to_owned());
    let prefix = format!("f{months}_");
    FollowUpView {
        title: format!("Suivi à {months} mois"),
        due: french::date(follow_up.due_on),
        late: follow_up.made.is_none() && follow_up.due_on < web.today(),
        made: follow_up.made.as_ref().map(|made| {
            format!(
                "Fait le {} : {}",
                french::date(made.done_on),
                labels::follow_up_outcome(made.outcome)
            )
        }),
        // Sent back, the form shows its refusal even when another made the
        // follow-up in the meantime.
        form: (follow_up.made.is_none() || sent.is_some()).then(|| FollowUpFormView {
            action: format!("/familles/{family_id}/suivis"),
            placement_id: follow_up.placement_id,
            after_months: months,
            done_on: field(
                &format!("{prefix}done_on"),
                "done_on",
                "Fait le",
                "date",
                typed("done_on", web.today().to_string()),
            ),
            outcome_id: format!("{prefix}outcome"),
            outcomes: value_choices(
                FollowUpOutcome::ALL,
                FollowUpOutcome::as_str,
                labels::follow_up_outcome,
                &typed("outcome", String::new()),
            ),
            notes_id: format!("{prefix}notes"),
            notes: typed("notes", String::new()),
            errors: sent.map(|a| a.errors.clone()).unwrap_or_default(),
            open: sent.is_some(),
        }),
    }
}

/// The section for the placement shown (none before an admission).
pub fn view(
    web: &Web,
    family_id: Uuid,
    placement: Option<&Placement>,
    cap: Option<NaiveDate>,
    steps: &[HousingStep],
    follow_ups: &[FollowUp],
    attempt: Option<&PathwayAttempt>,
) -> Option<PathwayView> {
    let placement = placement?;
    let active = placement.status == PlacementStatus::Active;
    let solved = steps
        .iter()
        .any(|step| nido_domain::pathway::is_a_home(step.kind(), step.status));
    let warning = cap
        .filter(|_| active && !solved)
        .and_then(|cap| {
            nido_domain::pathway::no_housing_solution_due(
                cap,
                web.today(),
                web.cases.exit.warn_months,
            )
        })
        .map(|cap| {
            format!(
                "La prise en charge finit au plus tard le {} et aucune proposition de logement ni aucun bail glissant n'est encore accepté.",
                french::date(cap)
            )
        });
    Some(PathwayView {
        warning,
        steps: steps
            .iter()
            .map(|step| step_view(web, family_id, step, active, attempt))
            .collect(),
        add: active.then(|| add_view(family_id, attempt)),
        follow_ups: follow_ups
            .iter()
            .map(|follow_up| follow_up_view(web, family_id, follow_up, attempt))
            .collect(),
        ended: !active,
    })
}

/// A date as typed: `None` when empty, an error when unreadable.
fn typed_date(
    form: &FormData,
    name: &str,
    id: &str,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    let raw = form.get(name).trim();
    if raw.is_empty() {
        return None;
    }
    let parsed = raw.parse::<NaiveDate>().ok();
    if parsed.is_none() {
        errors.add(id, "Indiquez une date.");
    }
    parsed
}

fn typed_text(form: &FormData, name: &str) -> Option<String> {
    let raw = form.get(name).trim();
    (!raw.is_empty()).then(|| raw.to_owned())
}

/// A vocabulary as chosen: `None` when left blank, an error when unknown.
fn chosen<T: std::str::FromStr>(
    form: &FormData,
    name: &str,
    id: &str,
    errors: &mut FieldErrors,
) -> Option<T> {
    let raw = form.get(name).trim();
    if raw.is_empty() {
        return None;
    }
    let parsed = raw.parse::<T>().ok();
    if parsed.is_none() {
        errors.add(id, "Choisissez une valeur de la liste.");
    }
    parsed
}

/// The page again with the form sent back, or the redirection.
async fn answer(
    web: &Web,
    signed_in: &crate::session::SignedIn,
    family_id: Uuid,
    outcome: Result<Response, (StatusCode, FieldErrors)>,
    which: PathwayForm,
    fields: FormData,
) -> Result<Response, WebError> {
    let (status, errors) = match outcome {
        Ok(done) => return Ok(done),
        Err(refused) => refused,
    };
    let forms = Forms {
        intervention: InterventionForm::blank(web, signed_in.user()),
        birth: None,
        coordination: None,
        document: None,
        pathway: Some(PathwayAttempt {
            which,
            fields,
            errors,
        }),
    };
    render(web, signed_in, family_id, forms, status, None).await
}

/// The family's shown placement, if the user may see the family.
async fn placement_of(
    web: &Web,
    signed_in: &crate::session::SignedIn,
    family_id: Uuid,
) -> Result<Option<Uuid>, WebError> {
    let family =
        nido_cases::families::find_visible(&web.cases, &signed_in.case_caller(), family_id).await?;
    Ok(family.current_placement_id)
}

const NO_PLACEMENT: &str =
    "Cette prise en charge n'est plus en cours : rechargez la page pour voir où elle en est.";

/// `POST /familles/{id}/demarches`: a new step for the current placement.
pub async fn submit_new_step(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    let family_id = parse_id(&raw_id)?;
    let placement_id = placement_of(&web, &signed_in, family_id).await?;
    let mut errors = FieldErrors::default();
    let kind = chosen::<StepKind>(&form, "kind", "new_kind", &mut errors);
    if kind.is_none() && !errors.has("new_kind") {
        errors.add("new_kind", "Choisissez la démarche.");
    }
    let status = chosen::<StepStatus>(&form, "status", "new_status", &mut errors);
    let mut items = Vec::new();
    for row in 1..=FSL_ROWS {
        let label = form.get(&format!("item_{row}_label")).trim().to_owned();
        let amount = form.get(&format!("item_{row}_amount")).trim();
        if label.is_empty() && amount.is_empty() {
            continue;
        }
        match cents(amount) {
            Some(amount_cents) => items.push(FslItem {
                label,
                amount_cents,
            }),
            None => errors.add(
                format!("new_item_{row}_amount"),
                "Indiquez un montant en euros, par exemple 480 ou 480,50.",
            ),
        }
    }
    let rent = form.get("rent").trim();
    let rent_cents = if rent.is_empty() {
        None
    } else {
        let parsed = cents(rent);
        if parsed.is_none() {
            errors.add(
                "new_rent",
                "Indiquez un montant en euros, par exemple 480 ou 480,50.",
            );
        }
        parsed
    };
    let fields = StepFields {
        demand: chosen(&form, "demand", "new_demand", &mut errors),
        evaluated_on: typed_date(&form, "evaluated_on", "new_evaluated_on", &mut errors),
        renewed_on: typed_date(&form, "renewed_on", "new_renewed_on", &mut errors),
        recourse: chosen(&form, "recourse", "new_recourse", &mut errors),
        items: (!items.is_empty()).then_some(items),
        valid_until: typed_date(&form, "valid_until", "new_valid_until", &mut errors),
        landlord: typed_text(&form, "landlord"),
        commune: typed_text(&form, "commune"),
        typology: typed_text(&form, "typology"),
        rent_cents,
        refusal_reason: typed_text(&form, "refusal_reason"),
        sublease_starts_on: typed_date(
            &form,
            "sublease_starts_on",
            "new_sublease_starts_on",
            &mut errors,
        ),
        slides_on: None,
        reviewed_on: None,
    };
    let filed_on = typed_date(&form, "filed_on", "new_filed_on", &mut errors);
    let decided_on = typed_date(&form, "decided_on", "new_decided_on", &mut errors);
    let outcome = match (placement_id, kind, status) {
        (None, ..) => {
            errors.whole_form = Some(NO_PLACEMENT.to_owned());
            Err((StatusCode::CONFLICT, errors))
        }
        (Some(placement_id), Some(kind), Some(status)) if errors.is_empty() => {
            let input = StepInput {
                kind,
                status,
                reference: typed_text(&form, "reference"),
                filed_on,
                decided_on,
                notes: typed_text(&form, "notes"),
                fields,
            };
            let done = add_step(&web.cases, &signed_in.case_caller(), placement_id, input).await;
            let place = |field: &str| {
                let name = match field {
                    "rent_cents" => "rent",
                    "items" => "item_1_label",
                    other if other.starts_with("items[") => "item_1_label",
                    other => other,
                };
                Some(format!("new_{name}"))
            };
            settle(done, place, |_| {
                format!("/familles/{family_id}?ok=demarche#parcours")
            })?
        }
        _ => Err((StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    answer(&web, &signed_in, family_id, outcome, PathwayForm::Add, form).await
}

/// `POST /familles/{id}/demarches/{step}`: a step moved on.
pub async fn submit_step_change(
    State(web): State<Web>,
    Path((raw_id, raw_step)): Path<(String, String)>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    let family_id = parse_id(&raw_id)?;
    let step_id = parse_id(&raw_step)?;
    placement_of(&web, &signed_in, family_id).await?;
    let prefix = format!("s{}_", step_id.simple());
    let mut errors = FieldErrors::default();
    let status = chosen::<StepStatus>(&form, "status", &format!("{prefix}status"), &mut errors);
    let mut date = |name: &str| {
        let present = !form.all(name).is_empty();
        let value = typed_date(&form, name, &format!("{prefix}{name}"), &mut errors);
        present.then_some(value)
    };
    let decided_on = date("decided_on");
    let renewed_on = date("renewed_on");
    let reviewed_on = date("reviewed_on");
    let slides_on = date("slides_on");
    let refusal_reason =
        (!form.all("refusal_reason").is_empty()).then(|| typed_text(&form, "refusal_reason"));
    let outcome = if errors.is_empty() {
        let changes = StepChanges {
            status,
            decided_on,
            fields: StepFieldsPatch {
                renewed_on,
                reviewed_on,
                slides_on,
                refusal_reason,
                ..StepFieldsPatch::default()
            },
            ..StepChanges::default()
        };
        let version = form.get("version").parse::<i32>().ok();
        let done = update_step(
            &web.cases,
            &signed_in.case_caller(),
            step_id,
            version,
            changes,
        )
        .await;
        let place = |field: &str| Some(format!("{prefix}{field}"));
        settle(done, place, |_| {
            format!("/familles/{family_id}?ok=demarche-suivie#parcours")
        })?
    } else {
        Err((StatusCode::UNPROCESSABLE_ENTITY, errors))
    };
    answer(
        &web,
        &signed_in,
        family_id,
        outcome,
        PathwayForm::Update(step_id),
        form,
    )
    .await
}

/// `POST /familles/{id}/suivis`: a follow-up after the exit.
pub async fn submit_follow_up(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    let family_id = parse_id(&raw_id)?;
    let caller = signed_in.case_caller();
    nido_cases::families::find_visible(&web.cases, &caller, family_id).await?;
    let months = form.get("after_months").parse::<u32>().unwrap_or_default();
    let prefix = format!("f{months}_");
    let mut errors = FieldErrors::default();
    let done_on = typed_date(&form, "done_on", &format!("{prefix}done_on"), &mut errors);
    if done_on.is_none() && !errors.has(&format!("{prefix}done_on")) {
        errors.add(format!("{prefix}done_on"), "Indiquez une date.");
    }
    let outcome_id = format!("{prefix}outcome");
    let outcome = chosen::<FollowUpOutcome>(&form, "outcome", &outcome_id, &mut errors);
    if outcome.is_none() && !errors.has(&outcome_id) {
        errors.add(outcome_id, "Choisissez où en est la famille.");
    }
    // The placement the form was shown for (the use case checks that the
    // caller may see its family).
    let placement = form.get("placement_id").parse::<Uuid>().ok();
    let answered = match (placement, done_on, outcome) {
        (Some(placement_id), Some(done_on), Some(outcome)) if errors.is_empty() => {
            let input = FollowUpInput {
                after_months: months,
                done_on,
                outcome,
                notes: typed_text(&form, "notes"),
            };
            let done = record_follow_up(&web.cases, &caller, placement_id, input).await;
            let place = |field: &str| Some(format!("{prefix}{field}"));
            settle(done, place, |_| {
                format!("/familles/{family_id}?ok=suivi#parcours")
            })?
        }
        (None, ..) => {
            errors.whole_form = Some(NO_PLACEMENT.to_owned());
            Err((StatusCode::CONFLICT, errors))
        }
        _ => Err((StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    answer(
        &web,
        &signed_in,
        family_id,
        answered,
        PathwayForm::FollowUp(months),
        form,
    )
    .await
}
