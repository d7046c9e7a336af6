//! `/creche`: the day's planning as the API's `GET /creche/day` shows it to
//! the caller (`creche::day`: coordinators and the crèche's professionals
//! see every child, other staff their own families' children), the free
//! places (`creche::availability`), the booking form (`creche::book`) and
//! the attendance (`creche::record_attendance`). The rules and the checks
//! of what was typed are the use cases'.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use nido_cases::creche::{self as cases, BookingRequest, PlannedChild};
use nido_domain::Role;
use nido_domain::creche::{AttendanceInput, BookingPurpose, Slot, TimeOfDay};
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::form::{FieldErrors, FormData, settle};
use crate::french;
use crate::layout::{Frame, page};
use crate::pages::query_value;
use crate::pages::{Choice, parse_id};
use crate::session::{SignedForm, SignedIn};

/// The most families the booking form offers.
const MAX_FAMILIES: u64 = 2000;

/// The booking form as typed.
#[derive(Debug, Default)]
struct BookingForm {
    child: String,
    on: String,
    starts_at: String,
    ends_at: String,
    purpose: String,
    notes: String,
    errors: FieldErrors,
}

/// An attendance form sent back with its errors.
struct AttendanceAttempt {
    booking_id: Uuid,
    fields: FormData,
    errors: FieldErrors,
}

struct AttendanceView {
    action: String,
    open: bool,
    arrived_id: String,
    arrived_at: String,
    left_id: String,
    left_at: String,
    errors: FieldErrors,
}

struct PlannedRow {
    child: String,
    age: String,
    times: String,
    purpose: &'static str,
    status: &'static str,
    came: Option<String>,
    attendance: Option<AttendanceView>,
}

struct FreeRow {
    hours: String,
    free: String,
    full: bool,
}

struct BookingView {
    form: BookingForm,
    children: Vec<Choice>,
    purposes: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "creche.html")]
struct CrechePage {
    frame: Frame,
    csrf: String,
    notice: Option<&'static str>,
    day: String,
    day_value: String,
    previous: String,
    next: String,
    capacity: i32,
    planned: Vec<PlannedRow>,
    /// `None` when the crèche is closed that day.
    free: Option<Vec<FreeRow>>,
    booking: BookingView,
}

pub async fn show(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let on = query_value(query.as_deref(), "jour")
        .and_then(|raw| raw.parse::<NaiveDate>().ok())
        .unwrap_or_else(|| web.today());
    let notice = match query_value(query.as_deref(), "ok").as_deref() {
        Some("reservation") => Some("Réservation enregistrée."),
        Some("presence") => Some("Présence enregistrée."),
        _ => None,
    };
    let blank = BookingForm {
        on: on.to_string(),
        ..BookingForm::default()
    };
    render(&web, &signed_in, on, blank, None, StatusCode::OK, notice).await
}

async fn render(
    web: &Web,
    signed_in: &SignedIn,
    on: NaiveDate,
    booking: BookingForm,
    attendance: Option<AttendanceAttempt>,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, WebError> {
    let caller = signed_in.case_caller();
    caller.require(&[Role::Coordinator, Role::Staff])?;
    // Each site has its crèche: a user of several sites who chose all of
    // them picks one first.
    let Some(site) = signed_in.site() else {
        return crate::pages::site_switch::choose(signed_in, "Crèche", "/creche", status);
    };
    let operations = &web.cases;
    let (settings, items) = cases::day(operations, &caller, Some(site), on).await?;
    let records = cases::is_creche_professional(operations, &caller).await?;
    let free = cases::availability(operations, &caller, Some(site), on, on)
        .await?
        .into_iter()
        .find(|(day, _)| *day == on)
        .map(|(_, slots)| {
            slots
                .into_iter()
                .map(|slot| FreeRow {
                    hours: hours(slot.slot),
                    free: match slot.free {
                        0 => "complet".to_owned(),
                        1 => "1 place libre".to_owned(),
                        free => format!("{free} places libres"),
                    },
                    full: slot.free == 0,
                })
                .collect()
        });
    let today = web.today();
    let planned = items
        .into_iter()
        .map(|item| planned_row(item, records && on <= today, attendance.as_ref()))
        .collect();
    let children = child_choices(web, signed_in, site, &booking.child, today).await?;
    let purposes = BookingPurpose::ALL
        .iter()
        .map(|purpose| Choice {
            value: purpose.as_str().to_owned(),
            label: capitalised(french::booking_purpose(*purpose)),
            selected: booking.purpose == purpose.as_str(),
        })
        .collect();
    let screen = CrechePage {
        frame: Frame::signed_in("Crèche", signed_in, "/creche"),
        csrf: signed_in.csrf.clone(),
        notice,
        day: french::date(on),
        day_value: on.to_string(),
        previous: on.pred_opt().unwrap_or(on).to_string(),
        next: on.succ_opt().unwrap_or(on).to_string(),
        capacity: settings.capacity,
        planned,
        free,
        booking: BookingView {
            form: booking,
            children,
            purposes,
        },
    };
    page(status, &screen)
}

fn hours(slot: Slot) -> String {
    format!("{} – {}", slot.starts_at, slot.ends_at)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn planned_row(
    item: PlannedChild,
    may_record: bool,
    attempt: Option<&AttendanceAttempt>,
) -> PlannedRow {
    let booking = item.booking;
    let key = booking.id.simple().to_string();
    let attempt = attempt.filter(|a| a.booking_id == booking.id);
    let typed = |name: &str, shown: Option<TimeOfDay>, booked: TimeOfDay| {
        attempt.map_or_else(
            || shown.unwrap_or(booked).to_string(),
            |a| a.fields.get(name).to_owned(),
        )
    };
    PlannedRow {
        child: format!("{} {}", item.first_name, item.last_name.unwrap_or_default())
            .trim()
            .to_owned(),
        age: item
            .age_months
            .map(|months| format!("{months} mois"))
            .unwrap_or_default(),
        times: hours(booking.slot),
        purpose: french::booking_purpose(booking.purpose),
        status: french::booking_status(booking.status),
        came: booking
            .arrived_at
            .zip(booking.left_at)
            .map(|(arrived, left)| format!("arrivé·e à {arrived}, parti·e à {left}")),
        attendance: may_record.then(|| AttendanceView {
            action: format!("/creche/reservations/{}/presence", booking.id),
            open: attempt.is_some(),
            arrived_id: format!("arrived_at-{key}"),
            arrived_at: typed("arrived_at", booking.arrived_at, booking.slot.starts_at),
            left_id: format!("left_at-{key}"),
            left_at: typed("left_at", booking.left_at, booking.slot.ends_at),
            errors: attempt.map(|a| a.errors.clone()).unwrap_or_default(),
        }),
    }
}

/// The born children of the site's families the user may see that are in care:
/// those the form offers (`family_id:child_id`). Reading them is audited
/// as the families' list is.
async fn child_choices(
    web: &Web,
    signed_in: &SignedIn,
    site: Uuid,
    selected: &str,
    today: NaiveDate,
) -> Result<Vec<Choice>, WebError> {
    let mut visible =
        cases::families_to_book(&web.cases, &signed_in.case_caller(), site, MAX_FAMILIES).await?;
    visible.sort_by_key(|family| {
        (
            french::search_key(&family.mother.last_name),
            french::search_key(&family.mother.first_name),
        )
    });
    let mut choices = Vec::new();
    for family in &visible {
        for child in &family.children {
            let Some(born) = child.birth.born_on() else {
                continue;
            };
            let value = format!("{}:{}", family.id, child.id);
            choices.push(Choice {
                label: format!(
                    "{} {} ({}) — famille de {}",
                    child.first_name,
                    child
                        .last_name
                        .as_deref()
                        .unwrap_or(&family.mother.last_name),
                    french::age(born, today),
                    family.mother.full_name()
                ),
                selected: value == selected,
                value,
            });
        }
    }
    Ok(choices)
}

/// Where an API field of the booking stands on the form.
fn place_booking(api: &str) -> Option<String> {
    match api {
        "child_id" => Some("child".to_owned()),
        "on" | "starts_at" | "ends_at" | "purpose" | "notes" => Some(api.to_owned()),
        _ => None,
    }
}

/// `POST /creche/reservations`: book a child, as `POST
/// /families/{id}/creche-bookings` does.
pub async fn submit_booking(
    State(web): State<Web>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let SignedForm { signed_in, form } = posted;
    let mut typed = BookingForm {
        child: form.get("child").trim().to_owned(),
        on: form.get("on").trim().to_owned(),
        starts_at: form.get("starts_at").trim().to_owned(),
        ends_at: form.get("ends_at").trim().to_owned(),
        purpose: form.get("purpose").trim().to_owned(),
        notes: form.get("notes").to_owned(),
        errors: FieldErrors::default(),
    };
    let today = web.today();
    let shown_day = typed.on.parse::<NaiveDate>().ok();
    let ids = typed
        .child
        .split_once(':')
        .and_then(|(family, child)| Some((family.parse::<Uuid>().ok()?, child.parse().ok()?)));
    if ids.is_none() {
        typed.errors.add("child", "Choisissez l'enfant à inscrire.");
    }
    if shown_day.is_none() {
        typed.errors.add("on", "Indiquez une date valide.");
    }
    let purpose = typed.purpose.parse::<BookingPurpose>().ok();
    if purpose.is_none() {
        typed.errors.add("purpose", "Choisissez le motif.");
    }
    let status = match (ids, shown_day, purpose) {
        (Some((family_id, child_id)), Some(on), Some(purpose)) => {
            let request = BookingRequest {
                child_id,
                on,
                starts_at: typed.starts_at.clone(),
                ends_at: typed.ends_at.clone(),
                purpose,
                notes: Some(typed.notes.trim().to_owned()).filter(|notes| !notes.is_empty()),
                weekly_until: None,
            };
            let answer =
                cases::book(&web.cases, &signed_in.case_caller(), family_id, request).await;
            match settle(answer, place_booking, |_| {
                format!("/creche?jour={on}&ok=reservation")
            })? {
                Ok(done) => return Ok(done),
                Err((status, found)) => {
                    typed.errors = found;
                    status
                }
            }
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let on = shown_day.unwrap_or(today);
    render(&web, &signed_in, on, typed, None, status, None).await
}

/// `POST /creche/reservations/{id}/presence`: the child came (arrival and
/// departure) or was absent, as `POST /creche-bookings/{id}/attendance`.
pub async fn submit_attendance(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    posted: SignedForm,
) -> Result<Response, WebError> {
    let booking_id = parse_id(&raw_id)?;
    let SignedForm { signed_in, form } = posted;
    let key = booking_id.simple().to_string();
    let place = |api: &str| matches!(api, "arrived_at" | "left_at").then(|| format!("{api}-{key}"));
    let attendance = match form.get("presence") {
        "absent" => AttendanceInput {
            absent: Some(true),
            ..AttendanceInput::default()
        },
        _ => AttendanceInput {
            arrived_at: Some(form.get("arrived_at").to_owned()),
            left_at: Some(form.get("left_at").to_owned()),
            absent: None,
        },
    };
    let day = form
        .get("jour")
        .parse::<NaiveDate>()
        .unwrap_or_else(|_| web.today());
    let answer = cases::record_attendance(
        &web.cases,
        &signed_in.case_caller(),
        booking_id,
        attendance,
        None,
    )
    .await;
    let (status, found) = match settle(answer, place, |planned| {
        format!("/creche?jour={}&ok=presence", planned.booking.on)
    })? {
        Ok(done) => return Ok(done),
        Err(refused) => refused,
    };
    let attempt = AttendanceAttempt {
        booking_id,
        fields: form,
        errors: found,
    };
    let blank = BookingForm {
        on: day.to_string(),
        ..BookingForm::default()
    };
    render(&web, &signed_in, day, blank, Some(attempt), status, None).await
}
