//! `POST /familles/{id}/interventions`: the "nouvelle intervention" form,
//! read as text, turned into the use case's input and logged by the use
//! case the API calls too (`log_intervention`), which checks it. On an error
//! the page comes back with what was typed and a French message next to
//! each field.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use nido_cases::interventions::log_intervention;
use nido_domain::intervention::{
    ActionInput, Confidentiality, InterventionInput, InterventionKind,
};
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::form::{FieldErrors, FormData};
use crate::pages::family::{ACTION_ROWS, ActionInputRow, Forms, InterventionForm, render};
use crate::pages::parse_id;
use crate::session::SignedForm;

/// The form as typed.
fn typed(form: &FormData) -> InterventionForm {
    InterventionForm {
        kind: form.get("kind").to_owned(),
        occurred_on: form.get("occurred_on").trim().to_owned(),
        occurred_time: form.get("occurred_time").trim().to_owned(),
        duration_minutes: form.get("duration_minutes").trim().to_owned(),
        staff_ids: form
            .all("staff_ids")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        summary: form.get("summary").to_owned(),
        confidentiality: form.get("confidentiality").to_owned(),
        actions: (0..ACTION_ROWS)
            .map(|index| ActionInputRow {
                description: form.get(&format!("action_description_{index}")).to_owned(),
                due_on: form
                    .get(&format!("action_due_on_{index}"))
                    .trim()
                    .to_owned(),
                assignee: form.get(&format!("action_assignee_{index}")).to_owned(),
            })
            .collect(),
        errors: FieldErrors::default(),
    }
}

/// The use case's input, and the form's rows that
/// became its actions (so that an error on `actions[i]` finds its row).
/// `None` when a value does not even parse; `errors` then says which.
fn input_of(
    typed: &InterventionForm,
    zone: chrono_tz::Tz,
    errors: &mut FieldErrors,
) -> Option<(InterventionInput, Vec<usize>)> {
    let kind = typed.kind.parse::<InterventionKind>().ok();
    if kind.is_none() {
        errors.add("kind", "Choisissez le type d'intervention.");
    }
    let occurred_at = occurred_at(typed, zone, errors);
    let duration = typed.duration_minutes.parse::<i32>().ok();
    if duration.is_none() {
        errors.add(
            "duration_minutes",
            "Indiquez la durée en minutes, par un nombre entier.",
        );
    }
    let mut staff_ids = Vec::new();
    for raw in &typed.staff_ids {
        match raw.parse::<Uuid>() {
            Ok(id) => staff_ids.push(id),
            Err(_) => errors.add("staff_ids", "Cette personne est inconnue."),
        }
    }
    let confidentiality = typed.confidentiality.parse::<Confidentiality>().ok();
    if confidentiality.is_none() {
        errors.add("confidentiality", "Choisissez qui pourra lire cette note.");
    }
    let mut actions = Vec::new();
    let mut rows = Vec::new();
    for (index, row) in typed.actions.iter().enumerate() {
        if row.description.trim().is_empty() && row.due_on.is_empty() {
            continue;
        }
        let due_on = row.due_on.parse::<NaiveDate>().ok();
        if due_on.is_none() {
            errors.add(
                format!("action_due_on_{index}"),
                "Indiquez la date d'échéance de l'action.",
            );
        }
        let assignee = row.assignee.parse::<Uuid>().ok();
        if assignee.is_none() {
            errors.add(
                format!("action_assignee_{index}"),
                "Choisissez à qui confier l'action.",
            );
        }
        if let (Some(due_on), Some(assignee_id)) = (due_on, assignee) {
            actions.push(ActionInput {
                description: row.description.clone(),
                due_on,
                assignee_id,
            });
            rows.push(index);
        }
    }
    Some((
        InterventionInput {
            kind: kind?,
            occurred_at: occurred_at?,
            duration_minutes: duration?,
            staff_ids,
            summary: typed.summary.clone(),
            confidentiality: confidentiality?,
            actions,
        },
        rows,
    ))
    .filter(|_| errors.is_empty())
}

/// The day and time typed, in the centre's time zone.
fn occurred_at(
    typed: &InterventionForm,
    zone: chrono_tz::Tz,
    errors: &mut FieldErrors,
) -> Option<DateTime<Utc>> {
    let day = typed.occurred_on.parse::<NaiveDate>().ok();
    if day.is_none() {
        errors.add("occurred_on", "Indiquez la date de l'intervention.");
    }
    let time = NaiveTime::parse_from_str(&typed.occurred_time, "%H:%M").ok();
    if time.is_none() {
        errors.add("occurred_time", "Indiquez l'heure, par exemple 09:30.");
    }
    let local = day?.and_time(time?);
    let at = zone.from_local_datetime(&local).earliest();
    if at.is_none() {
        errors.add(
            "occurred_time",
            "Cette heure n'existe pas ce jour-là (changement d'heure).",
        );
    }
    Some(at?.with_timezone(&Utc))
}

/// Where a refusal of the use case's input shows on the form.
fn place(field: &str, rows: &[usize]) -> Option<String> {
    let simple = match field {
        "kind" | "duration_minutes" | "summary" | "confidentiality" | "actions" => {
            Some(field.to_owned())
        }
        "occurred_at" => Some("occurred_on".to_owned()),
        _ if field == "staff_ids" || field.starts_with("staff_ids[") => {
            Some("staff_ids".to_owned())
        }
        _ => None,
    };
    if simple.is_some() {
        return simple;
    }
    let rest = field.strip_prefix("actions[")?;
    let (index, member) = rest.split_once("].")?;
    let row = rows.get(index.parse::<usize>().ok()?)?;
    let name = match member {
        "description" => "description",
        "due_on" => "due_on",
        "assignee_id" => "assignee",
        _ => return None,
    };
    Some(format!("action_{name}_{row}"))
}

pub async fn submit(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let family_id = parse_id(&raw_id)?;
    let SignedForm { signed_in, form } = posted;
    let mut typed = typed(&form);
    let mut errors = FieldErrors::default();
    let Some((input, rows)) = input_of(&typed, web.cases.time_zone, &mut errors) else {
        typed.errors = errors;
        let forms = Forms {
            intervention: typed,
            birth: None,
            coordination: None,
            document: None,
            pathway: None,
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&web, &signed_in, family_id, forms, status, None).await;
    };
    let logged = log_intervention(&web.cases, &signed_in.case_caller(), family_id, input).await;
    match logged {
        Ok(_) => Ok(
            Redirect::to(&format!("/familles/{family_id}?ok=intervention#journal")).into_response(),
        ),
        Err(refused) => {
            let status = FieldErrors::status_for(&refused);
            typed.errors = FieldErrors::from_case(refused, |field| place(field, &rows))?;
            let forms = Forms {
                intervention: typed,
                birth: None,
                coordination: None,
                document: None,
                pathway: None,
            };
            render(&web, &signed_in, family_id, forms, status, None).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_fields_land_on_their_form_fields() {
        let rows = [0, 2];
        assert_eq!(place("summary", &rows).as_deref(), Some("summary"));
        assert_eq!(place("occurred_at", &rows).as_deref(), Some("occurred_on"));
        assert_eq!(place("staff_ids[1]", &rows).as_deref(), Some("staff_ids"));
        assert_eq!(
            place("actions[1].assignee_id", &rows).as_deref(),
            Some("action_assignee_2"),
            "the second action came from the third row"
        );
        assert_eq!(
            place("actions[0].description", &rows).as_deref(),
            Some("action_description_0")
        );
        assert_eq!(place("actions[5].description", &rows), None);
        assert_eq!(place("request", &rows), None);
    }

    #[test]
    fn a_time_that_does_not_exist_is_refused() {
        let mut typed = InterventionForm {
            occurred_on: "2026-03-29".into(),
            occurred_time: "02:30".into(),
            ..InterventionForm::default()
        };
        let mut errors = FieldErrors::default();
        assert!(occurred_at(&typed, chrono_tz::Europe::Paris, &mut errors).is_none());
        assert!(errors.has("occurred_time"));
        typed.occurred_time = "09:30".into();
        let mut errors = FieldErrors::default();
        let at = occurred_at(&typed, chrono_tz::Europe::Paris, &mut errors).expect("valid");
        assert_eq!(at.to_rfc3339(), "2026-03-29T07:30:00+00:00");
    }
}
