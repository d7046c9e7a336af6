//! A user's calendar feed: `POST`/`DELETE /me/calendar` make and revoke
//! it, and `GET /calendar/{secret}.ics` serves it to calendar applications
//! without a session (the secret is the credential). Only the secret's
//! SHA-256 is stored, and the request logs never carry the secret
//! ([`crate::loggable_path`]).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, Property};
use nido_cases::calendar::{self as cases, CalendarEvent};
use nido_domain::calendar::day_after;
use serde::{Deserialize, Serialize};
use utoipa::openapi::{ComponentsBuilder, OpenApiBuilder};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{CurrentUser, hash_token, new_token};
use crate::error::{ApiError, Result};
use crate::extract::ApiPath;
use crate::state::AppState;

/// Where feeds are served, below `/api/v1`. Every path under it carries a
/// secret, so the request logs write this prefix and nothing after it.
pub const FEED_PREFIX: &str = "/calendar/";

/// axum's router takes no parameter followed by a suffix in one segment
/// (`{secret}.ics`): it routes the whole file name, and the handler takes
/// the `.ics` off. The document says `/calendar/{secret}.ics`.
const FEED_ROUTE: &str = "/calendar/{file}";

pub fn router() -> OpenApiRouter<AppState> {
    let (schemas, paths, feed_route) = routes!(calendar_feed);
    let document = OpenApiBuilder::new()
        .paths(paths)
        .components(Some(
            ComponentsBuilder::new().schemas_from_iter(schemas).build(),
        ))
        .build();
    OpenApiRouter::with_openapi(document)
        .route(FEED_ROUTE, feed_route)
        .routes(routes!(create_calendar_feed, revoke_calendar_feed))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    /// The feed's address, absolute from the server's root: the only time
    /// the secret is shown. Give it to a calendar application as a
    /// subscription; whoever holds it reads the feed.
    #[schema(example = "/api/v1/calendar/3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics")]
    pub url: String,
}

/// Make the caller's calendar feed.
///
/// Any user. The answer is the only time the secret address is shown; a
/// new feed replaces (and so revokes) the one she had. An admin's feed is
/// empty: admins have neither families nor actions.
#[utoipa::path(post, path = "/me/calendar", tag = "calendar",
    responses((status = 201, description = "The feed's secret address", body = CalendarFeed)))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
async fn create_calendar_feed(
    State(state): State<AppState>,
    caller: CurrentUser,
) -> Result<(StatusCode, Json<CalendarFeed>)> {
    let secret = new_token()?;
    cases::create_feed(&state.cases, &caller.case_caller(), hash_token(&secret)).await?;
    Ok((
        StatusCode::CREATED,
        Json(CalendarFeed {
            url: format!("/api/v1{FEED_PREFIX}{secret}.ics"),
        }),
    ))
}

/// Revoke the caller's calendar feed.
///
/// Its address answers 404 from now on.
#[utoipa::path(delete, path = "/me/calendar", tag = "calendar",
    responses((status = 204, description = "The feed is revoked"),
        (status = 404, description = "You have no feed", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
async fn revoke_calendar_feed(
    State(state): State<AppState>,
    caller: CurrentUser,
) -> Result<StatusCode> {
    cases::revoke_feed(&state.cases, &caller.case_caller()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Documents the path; the handler reads the file name.
pub struct FeedPath {
    /// The secret of `POST /me/calendar`'s address: 256 random bits,
    /// base64url.
    #[param(min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub secret: String,
}

/// A calendar feed (RFC 5545), for calendar applications.
///
/// No token: the secret is the credential. An all-day event for each due
/// date of the owner's families from 30 days ago to 180 days ahead, and for
/// each of her open follow-up actions; mothers by initials only. Audited in
/// the owner's name. 404 for an unknown or revoked secret, or an account
/// that is disabled or must change its password.
#[utoipa::path(get, path = "/calendar/{secret}.ics", tag = "calendar", security(()),
    params(FeedPath),
    responses(
        (status = 200, description = "The feed", body = String, content_type = "text/calendar"),
        (status = 404, description = "No such feed", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn calendar_feed(
    State(state): State<AppState>,
    ApiPath(file): ApiPath<String>,
) -> Result<impl IntoResponse> {
    let secret = file.strip_suffix(".ics").ok_or(ApiError::NotFound)?;
    let events = cases::read_feed(&state.cases, &hash_token(secret)).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        render(&events, state.now()),
    ))
}

/// The feed as iCalendar text: all-day events, `DTEND` the day after
/// (RFC 5545 ends are exclusive).
fn render(events: &[CalendarEvent], now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//nido//calendar//FR"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .name("nido");
    for event in events {
        calendar.push(
            Event::new()
                .uid(&event.uid)
                .timestamp(now)
                .starts(event.on)
                .ends(day_after(event.on))
                .summary(&event.summary)
                .done(),
        );
    }
    calendar.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_lasts_the_whole_day() {
        let on = "2026-12-31".parse().expect("date");
        let now = "2026-11-27T08:00:00Z".parse().expect("instant");
        let text = render(
            &[CalendarEvent {
                uid: "action-1@nido".into(),
                on,
                summary: "Action de suivi — A. D.".into(),
            }],
            now,
        );
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        for line in [
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "BEGIN:VEVENT",
            "UID:action-1@nido",
            "DTSTAMP:20261127T080000Z",
            "DTSTART;VALUE=DATE:20261231",
            "DTEND;VALUE=DATE:20270101",
            "SUMMARY:Action de suivi — A. D.",
            "END:VEVENT",
            "END:VCALENDAR",
        ] {
            assert!(text.contains(&format!("{line}\r\n")), "{line} in {text}");
        }
    }
}
