//! `/doublons` (coordinators): the pairs of files that look like one
//! mother's and that nobody decided on yet (`identity::possible_pairs`),
//! the most alike first, a page at a time with the API's cursor; and each
//! pair's decision (`identity::decide`): the same person (the two files
//! are linked, never merged) or two women (the pair leaves the list).
//! Also how the identity pages show a file beside another
//! ([`MotherView`]), which the waiting list's candidates share.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use nido_cases::identity::{Candidate, DecisionInput, PossiblePair, decide, possible_pairs};
use nido_cases::pagination::{RowsPage, decode_cursor};
use nido_domain::identity::{DuplicateVerdict, FileStatus, ordered_pair};
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::form::{FieldErrors, settle};
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::waiting_list::coordinators_only;
use crate::pages::{Choice, query_value};
use crate::session::{SignedForm, SignedIn};

const SECTION: &str = "/doublons";

/// How many pairs a page shows (each with its form).
const PAGE_SIZE: u64 = 20;

/// A mother's file as the identity pages show it beside another.
#[derive(Debug)]
pub(crate) struct MotherView {
    pub(crate) id: String,
    pub(crate) href: String,
    pub(crate) name: String,
    pub(crate) birth_name: Option<String>,
    /// "Née le 17 mai 2001", and where when known.
    pub(crate) born: String,
    pub(crate) status: &'static str,
    pub(crate) children: String,
    /// How alike she is to the other: "83 %".
    pub(crate) likeness: String,
    /// Why a new referral may not name her file (a waiting one has its
    /// referral, an accompanied one her placement); `None` when closed.
    pub(crate) not_referable: Option<&'static str>,
}

impl MotherView {
    pub(crate) fn of(candidate: &Candidate) -> Self {
        let family = &candidate.family;
        let mother = &family.mother;
        let mut born = format!("Née le {}", french::date(mother.birth_date));
        if let Some(place) = &mother.birth_place {
            born.push_str(&format!(" à {place}"));
        }
        MotherView {
            id: family.id.to_string(),
            href: format!("/familles/{}", family.id),
            name: mother.full_name(),
            birth_name: mother.birth_last_name.clone(),
            born,
            status: french::file_status(candidate.status),
            children: match family.children.len() {
                0 => "aucun enfant enregistré".to_owned(),
                1 => "1 enfant".to_owned(),
                n => format!("{n} enfants"),
            },
            likeness: french::percent(candidate.score),
            not_referable: match candidate.status {
                FileStatus::Closed => None,
                FileStatus::Waiting => {
                    Some("Elle est déjà sur la liste d'attente : son orientation y attend.")
                }
                FileStatus::Active => Some(
                    "Elle est accompagnée aujourd'hui : elle ne peut pas être orientée de nouveau.",
                ),
            },
        }
    }
}

/// A decision as typed, sent back with its errors.
struct DecisionAttempt {
    pair: (Uuid, Uuid),
    decision: String,
    note: String,
    errors: FieldErrors,
}

impl DecisionAttempt {
    fn is_about(&self, first: Uuid, second: Uuid) -> bool {
        self.pair == (first, second) || self.pair == (second, first)
    }
}

struct PairView {
    title: String,
    likeness: String,
    mothers: Vec<MotherView>,
    family_ids: Vec<String>,
    decision_id: String,
    decisions: Vec<Choice>,
    note_id: String,
    note: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "doublons.html")]
struct DuplicatesPage {
    frame: Frame,
    csrf: String,
    notice: Option<&'static str>,
    /// A refusal about a pair this page does not list (decided meanwhile).
    unplaced: Option<String>,
    pairs: Vec<PairView>,
    /// This page's cursor, for its forms to come back to it.
    suite: String,
    next: Option<String>,
}

/// The ids of the fields of a pair's form: unique on the page, whatever
/// the order the two files are named in.
fn pair_key(first: Uuid, second: Uuid) -> String {
    let (low, high) = ordered_pair(first, second);
    format!("{}-{}", low.simple(), high.simple())
}

pub async fn show(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    coordinators_only(&signed_in)?;
    let query = query.as_deref();
    let notice = match query_value(query, "ok").as_deref() {
        Some("lies") => Some(
            "Décision enregistrée : les deux dossiers sont liés, chacun montre l'autre. Rien n'est fusionné ni supprimé.",
        ),
        Some("differents") => Some(
            "Décision enregistrée : ce sont deux personnes différentes, la paire ne sera plus proposée.",
        ),
        _ => None,
    };
    let suite = query_value(query, "suite").unwrap_or_default();
    render(&web, &signed_in, &suite, None, StatusCode::OK, notice).await
}

async fn render(
    web: &Web,
    signed_in: &SignedIn,
    suite: &str,
    attempt: Option<DecisionAttempt>,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, WebError> {
    let after = match suite {
        "" => None,
        // A page address nido did not give (or edited by hand).
        cursor => Some(decode_cursor::<(u32, Uuid, Uuid)>(cursor).ok_or(WebError::BadRequest)?),
    };
    let rows = possible_pairs(&web.cases, &signed_in.case_caller(), after, PAGE_SIZE).await?;
    let found = RowsPage::from_rows(rows, PAGE_SIZE, PossiblePair::position);
    let mut attempt = attempt;
    let pairs = found
        .rows
        .iter()
        .map(|pair| {
            let (first, second) = (pair.first.family.id, pair.second.family.id);
            let typed = attempt.take_if(|attempt| attempt.is_about(first, second));
            pair_view(pair, typed)
        })
        .collect();
    let unplaced = attempt.map(|attempt| {
        let errors = attempt.errors;
        errors
            .whole_form
            .clone()
            .or_else(|| {
                errors
                    .listed()
                    .into_iter()
                    .next()
                    .map(|(_, message)| message)
            })
            .unwrap_or_else(|| french::REFUSED.to_owned())
    });
    let duplicates = DuplicatesPage {
        frame: Frame::signed_in("Doublons possibles", signed_in, SECTION),
        csrf: signed_in.csrf.clone(),
        notice,
        unplaced,
        pairs,
        suite: suite.to_owned(),
        next: found
            .next_cursor
            .map(|cursor| format!("{SECTION}?suite={cursor}")),
    };
    page(status, &duplicates)
}

fn pair_view(pair: &PossiblePair, typed: Option<DecisionAttempt>) -> PairView {
    let (first, second) = (&pair.first, &pair.second);
    let key = pair_key(first.family.id, second.family.id);
    let typed = typed.unwrap_or(DecisionAttempt {
        pair: (first.family.id, second.family.id),
        decision: String::new(),
        note: String::new(),
        errors: FieldErrors::default(),
    });
    PairView {
        title: format!(
            "{} et {}",
            first.family.mother.full_name(),
            second.family.mother.full_name()
        ),
        likeness: french::percent(pair.score),
        mothers: vec![MotherView::of(first), MotherView::of(second)],
        family_ids: vec![first.family.id.to_string(), second.family.id.to_string()],
        decision_id: format!("decision-{key}"),
        decisions: [
            (
                DuplicateVerdict::SamePerson,
                "Même personne : lier les dossiers",
            ),
            (DuplicateVerdict::Different, "Deux personnes différentes"),
        ]
        .into_iter()
        .map(|(verdict, label)| Choice {
            value: verdict.as_str().to_owned(),
            label: label.to_owned(),
            selected: typed.decision == verdict.as_str(),
        })
        .collect(),
        note_id: format!("note-{key}"),
        note: typed.note,
        errors: typed.errors,
    }
}

/// `POST /doublons/decisions`: one pair decided.
pub async fn submit_decision(
    State(web): State<Web>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    coordinators_only(&signed_in)?;
    // The pair is the page's hidden fields: anything else is not its form.
    let ids = form
        .all("family_ids")
        .into_iter()
        .map(str::parse::<Uuid>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| WebError::BadRequest)?;
    let &[first, second] = ids.as_slice() else {
        return Err(WebError::BadRequest);
    };
    let key = pair_key(first, second);
    let decision = form.get("decision").to_owned();
    let note = form.get("note").to_owned();
    let mut errors = FieldErrors::default();
    let verdict = decision.parse::<DuplicateVerdict>().ok();
    let status = match verdict {
        None => {
            errors.add(
                format!("decision-{key}"),
                "Choisissez : même personne ou deux personnes différentes.",
            );
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(verdict) => {
            let input = DecisionInput {
                family_ids: vec![first, second],
                verdict,
                note: note.clone(),
            };
            let answer = decide(&web.cases, &signed_in.case_caller(), input).await;
            let place = |api: &str| (api == "note").then(|| format!("note-{key}"));
            let done = |decided: nido_domain::identity::DuplicateDecision| match decided.verdict {
                DuplicateVerdict::SamePerson => format!("{SECTION}?ok=lies"),
                DuplicateVerdict::Different => format!("{SECTION}?ok=differents"),
            };
            match settle(answer, place, done)? {
                Ok(done) => return Ok(done),
                Err((status, found)) => {
                    errors = found;
                    status
                }
            }
        }
    };
    let attempt = DecisionAttempt {
        pair: (first, second),
        decision,
        note,
        errors,
    };
    let suite = form.get("suite").to_owned();
    render(&web, &signed_in, &suite, Some(attempt), status, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_has_the_same_fields_whichever_file_comes_first() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(pair_key(a, b), pair_key(b, a));
        assert_ne!(pair_key(a, b), pair_key(a, Uuid::from_u128(3)));
    }
}
