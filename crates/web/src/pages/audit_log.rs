//! `/admin/journal` (admins): the audit log, newest first, filtered by
//! family, user and dates, a page at a time with the API's cursor (read as
//! `GET /audit` reads it, by the same use case). It names who did what to which file, never what
//! the file holds.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use nido_cases::audit_log::AuditFilter;
use nido_cases::pagination::{RowsPage, decode_cursor};
use nido_cases::users;
use nido_domain::Role;
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::layout::{Frame, page};
use crate::pages::admin_form::{Choice, Typed};
use crate::pages::query_value;
use crate::session::SignedIn;

const SECTION: &str = "/admin/journal";
const PAGE_SIZE: u64 = 50;

pub struct EntryRow {
    pub at: String,
    pub user: String,
    pub action: String,
    pub family: Option<(String, String)>,
    /// How many families a list's entry names (0 or 1 otherwise).
    pub listed: usize,
    pub resource: String,
}

#[derive(Template)]
#[template(path = "journal.html")]
struct AuditPage {
    frame: Frame,
    filters: Typed,
    users: Vec<Choice>,
    entries: Vec<EntryRow>,
    next: Option<String>,
    filtered: bool,
}

/// The instant a day typed in the filter starts (or, with `end`, ends) in
/// the centre's time zone.
fn instant(
    filters: &mut Typed,
    name: &str,
    zone: chrono_tz::Tz,
    end: bool,
) -> Option<DateTime<Utc>> {
    let raw = filters.value(name);
    if raw.is_empty() {
        return None;
    }
    let Ok(day) = raw.parse::<NaiveDate>() else {
        filters
            .errors
            .add(name, "Indiquez une date, par exemple 2026-03-31.");
        return None;
    };
    let local = if end {
        day.and_time(NaiveTime::from_hms_milli_opt(23, 59, 59, 999).unwrap_or(NaiveTime::MIN))
    } else {
        day.and_time(NaiveTime::MIN)
    };
    let at = if end {
        zone.from_local_datetime(&local).latest()
    } else {
        zone.from_local_datetime(&local).earliest()
    };
    at.map(|at| at.with_timezone(&Utc))
}

fn uuid_filter(filters: &mut Typed, name: &str, message: &str) -> Option<Uuid> {
    let raw = filters.value(name);
    if raw.is_empty() {
        return None;
    }
    let parsed = raw.parse::<Uuid>().ok();
    if parsed.is_none() {
        filters.errors.add(name, message);
    }
    parsed
}

/// The query of this page with `cursor` for the next one.
fn next_href(filters: &Typed, cursor: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for name in ["famille", "utilisateur", "du", "au"] {
        if !filters.value(name).is_empty() {
            query.append_pair(name, filters.value(name));
        }
    }
    query.append_pair("suite", cursor);
    format!("{SECTION}?{}", query.finish())
}

pub async fn show(
    State(web): State<Web>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let caller = signed_in.case_caller();
    caller.require(&[Role::Admin])?;
    let query = query.as_deref();
    let mut filters = Typed::blank("filtre");
    for name in ["famille", "utilisateur", "du", "au"] {
        filters.set(name, query_value(query, name).unwrap_or_default().trim());
    }
    let zone = web.cases.time_zone;
    let family_id = uuid_filter(
        &mut filters,
        "famille",
        "Indiquez l'identifiant d'un dossier, tel qu'il figure dans le journal.",
    );
    let user_id = uuid_filter(&mut filters, "utilisateur", "Choisissez un utilisateur.");
    let from = instant(&mut filters, "du", zone, false);
    let to = instant(&mut filters, "au", zone, true);
    let cursor = query_value(query, "suite").filter(|cursor| !cursor.is_empty());
    let before = cursor.and_then(|cursor| {
        let before = decode_cursor::<Uuid>(&cursor);
        if before.is_none() {
            filters.errors.whole_form =
                Some("Cette page du journal n'existe pas : repartez de la première.".to_owned());
        }
        before
    });
    let everyone = users::list(&web.cases, &caller, None, 1000).await?;
    let names: HashMap<Uuid, String> = everyone
        .iter()
        .map(|user| (user.id, user.display_name.as_str().to_owned()))
        .collect();
    let (entries, next, status) = if filters.refused() {
        (Vec::new(), None, StatusCode::UNPROCESSABLE_ENTITY)
    } else {
        let filter = AuditFilter {
            family_id,
            user_id,
            from,
            to,
            before,
        };
        let rows = nido_cases::audit_log::read(&web.cases, &caller, filter, PAGE_SIZE + 1).await?;
        let found = RowsPage::from_rows(rows, PAGE_SIZE, |e| e.id);
        let entries = found
            .rows
            .into_iter()
            .map(|entry| EntryRow {
                at: entry
                    .at
                    .with_timezone(&zone)
                    .format("%d/%m/%Y %H:%M:%S")
                    .to_string(),
                user: names.get(&entry.user_id).cloned().unwrap_or_else(|| {
                    if entry.user_id.is_nil() {
                        "nido".to_owned()
                    } else {
                        "compte inconnu".to_owned()
                    }
                }),
                action: entry.action,
                family: entry.family_id.map(|id| {
                    // The end of the id: its beginning is a time stamp, the same
                    // for every family created that minute.
                    let short = id.to_string()[28..].to_owned();
                    (format!("{SECTION}?famille={id}"), short)
                }),
                listed: entry.family_ids.len(),
                resource: entry.resource,
            })
            .collect();
        let next = found.next_cursor.map(|cursor| next_href(&filters, &cursor));
        (entries, next, StatusCode::OK)
    };
    let audit_page = AuditPage {
        frame: Frame::signed_in("Journal d'audit", &signed_in, SECTION),
        filtered: ["famille", "utilisateur", "du", "au"]
            .iter()
            .any(|name| !filters.value(name).is_empty()),
        filters,
        users: everyone
            .into_iter()
            .map(|user| Choice::new(user.id.to_string(), user.display_name.as_str()))
            .collect(),
        entries,
        next,
    };
    page(status, &audit_page)
}
