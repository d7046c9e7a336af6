//! The crèche (*multi-accueil*): settings and closures, bookings, their
//! cancellation and attendance, the day's planning, the free places, and
//! the month's report. The rules live in `nido_cases::creche`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use nido_cases::creche::{
    self as cases, Booked, BookingRequest, ChildMonth, FreeSlot, MonthReport, PlannedChild,
};
use nido_domain::calendar::Month;
use nido_domain::creche::{
    AttendanceInput, Booking, BookingPurpose, BookingStatus, Closure, CrecheSettings,
    CrecheSettingsInput,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::csv_export::{Cell, Column, CsvRow, Format, csv_response};
use crate::error::{ApiError, Result};
use crate::extract::{ApiPath, JsonBody, ValidQuery};
use crate::gate::{Admins, Allowed, CrecheProfessionals, Management, ReportReaders, Team};
use crate::state::AppState;
use crate::versioning::{IfMatch, versioned};

#[derive(Debug, Serialize, ToSchema)]
pub struct CrecheSettingsResponse {
    /// Places (the agrément).
    pub capacity: i32,
    #[schema(example = "08:30")]
    pub opens_at: String,
    #[schema(example = "18:00")]
    pub closes_at: String,
    /// ISO weekdays, 1 (Monday) to 7 (Sunday).
    pub open_weekdays: Vec<u8>,
    /// The youngest age taken, in whole months (included).
    pub min_age_months: i32,
    /// The age from which a child is no longer taken, in whole months.
    pub max_age_months: i32,
    pub version: i32,
}

impl From<CrecheSettings> for CrecheSettingsResponse {
    fn from(settings: CrecheSettings) -> Self {
        Self {
            capacity: settings.capacity,
            opens_at: settings.opens_at.to_string(),
            closes_at: settings.closes_at.to_string(),
            open_weekdays: settings.open_weekdays,
            min_age_months: settings.min_age_months,
            max_age_months: settings.max_age_months,
            version: settings.version,
        }
    }
}

/// Which site's crèche: one the caller belongs to (another is not
/// found); absent, hers when she belongs to one (else 422 on `site_id`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SiteParams {
    pub site_id: Option<Uuid>,
}

/// A site's crèche settings (admin, coordinator).
#[utoipa::path(get, path = "/creche/settings", tag = "creche", params(SiteParams),
    responses((status = 200, description = "The settings", body = CrecheSettingsResponse, headers(("ETag" = String)))))]
pub(crate) async fn get_settings(
    State(state): State<AppState>,
    caller: Allowed<Management>,
    ValidQuery(site): ValidQuery<SiteParams>,
) -> Result<impl IntoResponse> {
    let settings = cases::settings(&state.cases, &caller.case_caller(), site.site_id).await?;
    Ok(versioned(
        settings.version,
        CrecheSettingsResponse::from(settings),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CrecheSettingsRequest {
    #[schema(minimum = 1, maximum = 200, example = 10)]
    pub capacity: i32,
    #[schema(
        pattern = r"^(([01][0-9]|2[0-3]):(00|15|30|45)|24:00)$",
        example = "08:30"
    )]
    pub opens_at: String,
    #[schema(
        pattern = r"^(([01][0-9]|2[0-3]):(00|15|30|45)|24:00)$",
        example = "18:00"
    )]
    pub closes_at: String,
    /// ISO weekdays, 1 (Monday) to 7 (Sunday), each once.
    #[schema(schema_with = crate::schema::iso_weekdays)]
    pub open_weekdays: Vec<i64>,
    #[schema(minimum = 0, maximum = 72)]
    pub min_age_months: i32,
    #[schema(minimum = 1, maximum = 72)]
    pub max_age_months: i32,
}

/// Change a site's crèche settings (admin). Accepts `If-Match`. Bookings
/// already made stay.
#[utoipa::path(put, path = "/creche/settings", tag = "creche", request_body = CrecheSettingsRequest,
    params(SiteParams, ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The settings", body = CrecheSettingsResponse, headers(("ETag" = String)))))]
pub(crate) async fn put_settings(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    ValidQuery(site): ValidQuery<SiteParams>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<CrecheSettingsRequest>,
) -> Result<impl IntoResponse> {
    let input = CrecheSettingsInput {
        capacity: body.capacity,
        opens_at: body.opens_at,
        closes_at: body.closes_at,
        open_weekdays: body.open_weekdays,
        min_age_months: body.min_age_months,
        max_age_months: body.max_age_months,
    };
    let saved = cases::change_settings(
        &state.cases,
        &caller.case_caller(),
        site.site_id,
        input,
        expected,
    )
    .await?;
    Ok(versioned(
        saved.version,
        CrecheSettingsResponse::from(saved),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureRequest {
    pub on: NaiveDate,
    #[schema(
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 200,
        example = "Pont de l'Ascension"
    )]
    pub reason: String,
    /// Which site's crèche closes: one the admin belongs to; absent, hers
    /// when she belongs to one.
    pub site_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosureResponse {
    pub on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosureCreated {
    pub on: NaiveDate,
    pub reason: String,
    /// The day's bookings that were still booked, now cancelled.
    pub cancelled_bookings: u64,
}

/// Close the crèche on a day (admin). The day's bookings still booked are
/// cancelled.
#[utoipa::path(post, path = "/creche/closures", tag = "creche", request_body = ClosureRequest,
    responses((status = 201, description = "The closure", body = ClosureCreated)))]
pub(crate) async fn add_closure(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    JsonBody(body): JsonBody<ClosureRequest>,
) -> Result<impl IntoResponse> {
    let closure = Closure {
        on: body.on,
        reason: body.reason,
    };
    let cancelled = cases::close_day(
        &state.cases,
        &caller.case_caller(),
        body.site_id,
        closure.clone(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(ClosureCreated {
            on: closure.on,
            reason: closure.reason.trim().to_owned(),
            cancelled_bookings: cancelled,
        }),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// Default today.
    pub from: Option<NaiveDate>,
    /// Default a year after `from`.
    pub to: Option<NaiveDate>,
    /// Which site's crèche (absent: the caller's, when she has one).
    pub site_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Closures {
    pub items: Vec<ClosureResponse>,
}

/// The closures between two days (admin, coordinator).
#[utoipa::path(get, path = "/creche/closures", tag = "creche", params(RangeParams),
    responses((status = 200, description = "The closures", body = Closures)))]
pub(crate) async fn list_closures(
    State(state): State<AppState>,
    caller: Allowed<Management>,
    ValidQuery(params): ValidQuery<RangeParams>,
) -> Result<Json<Closures>> {
    let from = params.from.unwrap_or_else(|| state.today());
    let to = params.to.unwrap_or_else(|| {
        from.checked_add_days(chrono::Days::new(365))
            .unwrap_or(from)
    });
    let closures = cases::closures(
        &state.cases,
        &caller.case_caller(),
        params.site_id,
        from,
        to,
    )
    .await?;
    Ok(Json(Closures {
        items: closures
            .into_iter()
            .map(|closure| ClosureResponse {
                on: closure.on,
                reason: closure.reason,
            })
            .collect(),
    }))
}

/// Open a closed day again (admin).
#[utoipa::path(delete, path = "/creche/closures/{on}", tag = "creche", params(("on" = NaiveDate, Path), SiteParams),
    responses((status = 204, description = "Open again")))]
pub(crate) async fn remove_closure(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    ApiPath(on): ApiPath<NaiveDate>,
    ValidQuery(site): ValidQuery<SiteParams>,
) -> Result<StatusCode> {
    cases::reopen_day(&state.cases, &caller.case_caller(), site.site_id, on).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookingResponse {
    pub id: Uuid,
    pub family_id: Uuid,
    pub child_id: Uuid,
    pub on: NaiveDate,
    #[schema(example = "09:00")]
    pub starts_at: String,
    #[schema(example = "12:00")]
    pub ends_at: String,
    #[schema(schema_with = crate::schema::booking_purpose)]
    pub purpose: BookingPurpose,
    pub notes: Option<String>,
    #[schema(schema_with = crate::schema::booking_status)]
    pub status: BookingStatus,
    pub arrived_at: Option<String>,
    pub left_at: Option<String>,
    /// The weekly series it was booked in.
    pub series_id: Option<Uuid>,
    pub version: i32,
}

impl From<Booking> for BookingResponse {
    fn from(booking: Booking) -> Self {
        Self {
            id: booking.id,
            family_id: booking.family_id,
            child_id: booking.child_id,
            on: booking.on,
            starts_at: booking.slot.starts_at.to_string(),
            ends_at: booking.slot.ends_at.to_string(),
            purpose: booking.purpose,
            notes: booking.notes,
            status: booking.status,
            arrived_at: booking.arrived_at.map(|time| time.to_string()),
            left_at: booking.left_at.map(|time| time.to_string()),
            series_id: booking.series_id,
            version: booking.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingInput {
    pub child_id: Uuid,
    pub on: NaiveDate,
    /// On a quarter hour, within opening hours.
    #[schema(
        pattern = r"^(([01][0-9]|2[0-3]):(00|15|30|45)|24:00)$",
        example = "09:00"
    )]
    pub starts_at: String,
    /// On a quarter hour, after `starts_at`, within opening hours.
    #[schema(
        pattern = r"^(([01][0-9]|2[0-3]):(00|15|30|45)|24:00)$",
        example = "12:00"
    )]
    pub ends_at: String,
    #[schema(schema_with = crate::schema::booking_purpose)]
    pub purpose: BookingPurpose,
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
    /// Book the same slot every 7 days up to this day (at most 26 weeks
    /// after `on`); all or nothing.
    pub weekly_until: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookingsCreated {
    pub items: Vec<BookingResponse>,
    /// Days of the series skipped because the crèche is closed.
    pub skipped: Vec<NaiveDate>,
}

/// Book a child of the family at the crèche (coordinator; staff for their
/// families): one day, or with `weekly_until` every week, all or nothing.
/// A 409 `creche_full` or `booking_overlap` lists the refused days in
/// `conflicts`.
#[utoipa::path(post, path = "/families/{id}/creche-bookings", tag = "creche", request_body = BookingInput,
    params(("id" = Uuid, Path)),
    responses((status = 201, description = "The bookings", body = BookingsCreated)))]
pub(crate) async fn book(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(family_id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<BookingInput>,
) -> Result<impl IntoResponse> {
    let request = BookingRequest {
        child_id: body.child_id,
        on: body.on,
        starts_at: body.starts_at,
        ends_at: body.ends_at,
        purpose: body.purpose,
        notes: body.notes,
        weekly_until: body.weekly_until,
    };
    let Booked { items, skipped } =
        cases::book(&state.cases, &caller.case_caller(), family_id, request).await?;
    Ok((
        StatusCode::CREATED,
        Json(BookingsCreated {
            items: items.into_iter().map(BookingResponse::from).collect(),
            skipped,
        }),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookingRangeParams {
    /// Default 31 days ago.
    pub from: Option<NaiveDate>,
    /// Default 91 days after `from`; at most 366 days in all.
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Bookings {
    pub items: Vec<BookingResponse>,
}

/// The family's crèche bookings between two days, every status
/// (coordinator; staff for their families).
#[utoipa::path(get, path = "/families/{id}/creche-bookings", tag = "creche",
    params(("id" = Uuid, Path), BookingRangeParams),
    responses((status = 200, description = "The bookings", body = Bookings)))]
pub(crate) async fn family_bookings(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(family_id): ApiPath<Uuid>,
    ValidQuery(params): ValidQuery<BookingRangeParams>,
) -> Result<Json<Bookings>> {
    let (default_from, default_to) = cases::default_range(state.today());
    let from = params.from.unwrap_or(default_from);
    let to = params.to.unwrap_or(if params.from.is_some() {
        from.checked_add_days(chrono::Days::new(91)).unwrap_or(from)
    } else {
        default_to
    });
    let bookings =
        cases::bookings_of_family(&state.cases, &caller.case_caller(), family_id, from, to).await?;
    Ok(Json(Bookings {
        items: bookings.into_iter().map(BookingResponse::from).collect(),
    }))
}

/// Cancel a booking still booked (coordinator; staff for the family).
/// Accepts `If-Match`.
#[utoipa::path(post, path = "/creche-bookings/{id}/cancel", tag = "creche",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The booking", body = BookingResponse)))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
) -> Result<Json<BookingResponse>> {
    let booking = cases::cancel(&state.cases, &caller.case_caller(), id, expected).await?;
    Ok(Json(BookingResponse::from(booking)))
}

/// `{arrived_at, left_at}` when the child came, `{absent: true}` when not.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CrecheAttendanceRequest {
    #[schema(
        pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$",
        example = "09:05"
    )]
    pub arrived_at: Option<String>,
    #[schema(
        pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$",
        example = "11:50"
    )]
    pub left_at: Option<String>,
    pub absent: Option<bool>,
}

/// Record that the child came, or did not (coordinator; the crèche's
/// professionals: early childhood educators and childcare assistants).
/// A recorded attendance may be corrected. Accepts `If-Match`. Answers the
/// booking as the day's planning shows it (no notes, no case data), its
/// version in the `ETag`.
#[utoipa::path(post, path = "/creche-bookings/{id}/attendance", tag = "creche", request_body = CrecheAttendanceRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The booking as the day's planning shows it", body = DayItem, headers(("ETag" = String)))))]
pub(crate) async fn attendance(
    State(state): State<AppState>,
    caller: Allowed<CrecheProfessionals>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<CrecheAttendanceRequest>,
) -> Result<impl IntoResponse> {
    let attendance = AttendanceInput {
        arrived_at: body.arrived_at,
        left_at: body.left_at,
        absent: body.absent,
    };
    let planned = cases::record_attendance(
        &state.cases,
        &caller.case_caller(),
        id,
        attendance,
        expected,
    )
    .await?;
    Ok(versioned(planned.booking.version, DayItem::from(planned)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayParams {
    /// Default today.
    pub on: Option<NaiveDate>,
    /// Which site's crèche (absent: the caller's, when she has one).
    pub site_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlannedChildName {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: Option<String>,
    /// Whole months on the day.
    pub age_months: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayItem {
    pub booking_id: Uuid,
    pub family_id: Uuid,
    pub child: PlannedChildName,
    pub starts_at: String,
    pub ends_at: String,
    #[schema(schema_with = crate::schema::booking_purpose)]
    pub purpose: BookingPurpose,
    #[schema(schema_with = crate::schema::booking_status)]
    pub status: BookingStatus,
    pub arrived_at: Option<String>,
    pub left_at: Option<String>,
}

impl From<PlannedChild> for DayItem {
    fn from(planned: PlannedChild) -> Self {
        let booking = planned.booking;
        Self {
            booking_id: booking.id,
            family_id: booking.family_id,
            child: PlannedChildName {
                id: booking.child_id,
                first_name: planned.first_name,
                last_name: planned.last_name,
                age_months: planned.age_months,
            },
            starts_at: booking.slot.starts_at.to_string(),
            ends_at: booking.slot.ends_at.to_string(),
            purpose: booking.purpose,
            status: booking.status,
            arrived_at: booking.arrived_at.map(|time| time.to_string()),
            left_at: booking.left_at.map(|time| time.to_string()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayPlanning {
    pub on: NaiveDate,
    pub capacity: i32,
    pub items: Vec<DayItem>,
}

/// The day's planning, by time: coordinators and the crèche's
/// professionals see every child, other staff their own families'
/// children. No case data.
#[utoipa::path(get, path = "/creche/day", tag = "creche", params(DayParams),
    responses((status = 200, description = "The day's planning", body = DayPlanning)))]
pub(crate) async fn day(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ValidQuery(params): ValidQuery<DayParams>,
) -> Result<Json<DayPlanning>> {
    let on = params.on.unwrap_or_else(|| state.today());
    let (settings, items) =
        cases::day(&state.cases, &caller.case_caller(), params.site_id, on).await?;
    Ok(Json(DayPlanning {
        on,
        capacity: settings.capacity,
        items: items.into_iter().map(DayItem::from).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityParams {
    pub from: NaiveDate,
    /// At most 62 days from `from`, included.
    pub to: NaiveDate,
    /// Which site's crèche (absent: the caller's, when she has one).
    pub site_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FreePlaces {
    pub starts_at: String,
    pub ends_at: String,
    /// Capacity minus the most bookings overlapping at once in the hour.
    pub free: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AvailableDay {
    pub on: NaiveDate,
    pub slots: Vec<FreePlaces>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Availability {
    pub days: Vec<AvailableDay>,
}

/// Free places on each open day, hour by hour from opening (coordinator,
/// staff).
#[utoipa::path(get, path = "/creche/availability", tag = "creche", params(AvailabilityParams),
    responses((status = 200, description = "The free places", body = Availability)))]
pub(crate) async fn availability(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ValidQuery(params): ValidQuery<AvailabilityParams>,
) -> Result<Json<Availability>> {
    let days = cases::availability(
        &state.cases,
        &caller.case_caller(),
        params.site_id,
        params.from,
        params.to,
    )
    .await?;
    Ok(Json(Availability {
        days: days
            .into_iter()
            .map(|(on, slots)| AvailableDay {
                on,
                slots: slots
                    .into_iter()
                    .map(|FreeSlot { slot, free }| FreePlaces {
                        starts_at: slot.starts_at.to_string(),
                        ends_at: slot.ends_at.to_string(),
                        free,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// The month, `YYYY-MM`.
    #[param(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-11")]
    pub month: String,
    #[param(schema_with = crate::schema::csv_format)]
    pub format: Option<Format>,
    /// One site's crèche (one the caller reads); absent, every site she
    /// reads, summed with a line per site.
    pub site_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChildMinutes {
    pub family_id: Uuid,
    pub child_id: Uuid,
    pub first_name: String,
    pub last_name: Option<String>,
    /// Minutes of the bookings not cancelled.
    pub booked_minutes: i64,
    pub attended_minutes: i64,
    /// Bookings not cancelled.
    pub bookings: i64,
    pub absences: i64,
}

impl From<ChildMonth> for ChildMinutes {
    fn from(child: ChildMonth) -> Self {
        Self {
            family_id: child.family_id,
            child_id: child.child_id,
            first_name: child.first_name,
            last_name: child.last_name,
            booked_minutes: child.booked_minutes,
            attended_minutes: child.attended_minutes,
            bookings: child.bookings,
            absences: child.absences,
        }
    }
}

impl CsvRow for ChildMinutes {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::new("Identifiant de la famille", |child| {
            Cell::id(child.family_id)
        }),
        Column::new("Identifiant de l'enfant", |child| Cell::id(child.child_id)),
        Column::new("Prénom", |child| Cell::text(&child.first_name)),
        Column::new("Nom", |child| {
            Cell::text(child.last_name.as_deref().unwrap_or_default())
        }),
        Column::new("Minutes réservées", |child| {
            Cell::Integer(child.booked_minutes)
        }),
        Column::new("Minutes de présence", |child| {
            Cell::Integer(child.attended_minutes)
        }),
        Column::new("Réservations", |child| Cell::Integer(child.bookings)),
        Column::new("Absences", |child| Cell::Integer(child.absences)),
    ];
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PurposeMinutes {
    #[schema(schema_with = crate::schema::booking_purpose)]
    pub purpose: BookingPurpose,
    pub minutes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CrecheReport {
    /// `YYYY-MM`.
    pub month: String,
    pub capacity: i32,
    pub open_days: i64,
    /// Open minutes of the month: open days × opening hours.
    pub open_minutes: i64,
    pub children: Vec<ChildMinutes>,
    pub minutes_by_purpose: Vec<PurposeMinutes>,
    pub booked_place_minutes: i64,
    /// Booked place-minutes ÷ (capacity × open minutes), four decimals.
    pub occupancy_rate: f64,
    /// A line per site's crèche (one when the report is one site's).
    pub sites: Vec<SiteCrecheMonth>,
}

/// One site's crèche in the month.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteCrecheMonth {
    pub site_id: Uuid,
    pub name: String,
    pub capacity: i32,
    pub open_days: i64,
    pub open_minutes: i64,
    pub booked_place_minutes: i64,
    /// Booked place-minutes ÷ (capacity × open minutes), four decimals.
    pub occupancy_rate: f64,
}

/// The month at the crèche (admin, coordinator, head office): per child
/// booked and attended minutes, bookings and absences; minutes by
/// purpose; the occupancy rate. One site's with `site_id`; absent, every
/// site the caller reads summed as one crèche of their places, with a
/// line per site. `?format=csv` gives the children's lines.
#[utoipa::path(get, path = "/reports/creche", tag = "creche", params(ReportParams),
    responses((status = 200, description = "The report",
        content((CrecheReport = "application/json"), (String = "text/csv")))))]
pub(crate) async fn report(
    State(state): State<AppState>,
    caller: Allowed<ReportReaders>,
    ValidQuery(params): ValidQuery<ReportParams>,
) -> Result<Response> {
    let month = Month::parse(&params.month).map_err(|err| ApiError::invalid("month", err.0))?;
    let report: MonthReport =
        cases::month_report(&state.cases, &caller.case_caller(), month, params.site_id).await?;
    let children: Vec<ChildMinutes> = report
        .children
        .into_iter()
        .map(ChildMinutes::from)
        .collect();
    match params.format.unwrap_or_default() {
        Format::Csv => csv_response(&children, &format!("creche-{month}.csv")),
        Format::Json => Ok(Json(CrecheReport {
            month: params.month,
            capacity: report.capacity,
            open_days: report.open_days,
            open_minutes: report.open_minutes,
            children,
            minutes_by_purpose: report
                .minutes_by_purpose
                .into_iter()
                .map(|(purpose, minutes)| PurposeMinutes { purpose, minutes })
                .collect(),
            booked_place_minutes: report.booked_place_minutes,
            occupancy_rate: report.occupancy_rate,
            sites: report
                .sites
                .into_iter()
                .map(|site| SiteCrecheMonth {
                    site_id: site.site_id,
                    name: site.name,
                    capacity: site.capacity,
                    open_days: site.open_days,
                    open_minutes: site.open_minutes,
                    booked_place_minutes: site.booked_place_minutes,
                    occupancy_rate: site.occupancy_rate,
                })
                .collect(),
        })
        .into_response()),
    }
}
