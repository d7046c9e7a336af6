//! The crèche: its settings and closures (admins), bookings by the
//! coordinators and the family's staff, attendance by the coordinators and
//! the crèche's professionals, the day's planning, the free places, and the
//! month's report. Capacity and overlaps are decided after the day's lock
//! (`persistence::creche::lock_day`), so parallel bookings of the last place
//! let exactly one win.

use nido_domain::Refusal;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Days, NaiveDate};
use nido_domain::calendar::Month;
use nido_domain::creche::{
    self, Attendance, AttendanceInput, Booking, BookingPurpose, BookingStatus, Closure,
    CrecheSettings, CrecheSettingsInput, Slot, TimeOfDay,
};
use nido_domain::family::Family;
use nido_domain::{Conflict, Profession, Role};
use nido_persistence::creche::{self as store, NewBooking};
use nido_persistence::{begin_write, families, placements, users};
use uuid::Uuid;

use crate::families::visible_family;
use crate::sites;
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds, optional_text};

/// Professions that work in the crèche: they record attendance and see
/// every child on the day's planning.
pub const CRECHE_PROFESSIONS: [Profession; 2] = [
    Profession::EarlyChildhoodEducator,
    Profession::ChildcareAssistant,
];

/// The longest range the free places are given for, in days.
pub const MAX_AVAILABILITY_DAYS: i64 = 62;
/// The longest range a family's bookings are listed for, in days.
pub const MAX_LIST_DAYS: i64 = 366;

/// The settings (admins and coordinators read them).
pub async fn settings(
    cases: &Cases,
    caller: &Caller,
    site_id: Option<Uuid>,
) -> CaseResult<CrecheSettings> {
    caller.require(&[Role::Admin, Role::Coordinator])?;
    let site_id = sites::one_of_callers(cases, caller, site_id).await?;
    Ok(store::settings(&cases.db, site_id).await?)
}

/// Replaces the settings (admins). Existing bookings stay as they are.
pub async fn change_settings(
    cases: &Cases,
    caller: &Caller,
    site_id: Option<Uuid>,
    input: CrecheSettingsInput,
    expected_version: Option<i32>,
) -> CaseResult<CrecheSettings> {
    caller.require(&[Role::Admin])?;
    let site_id = sites::one_of_callers(cases, caller, site_id).await?;
    let mut found = Invalid::default();
    let opens_at = found.check("opens_at", TimeOfDay::parse(&input.opens_at));
    let closes_at = found.check("closes_at", TimeOfDay::parse(&input.closes_at));
    let new = CrecheSettings {
        capacity: input.capacity,
        opens_at: opens_at.unwrap_or(TimeOfDay::MIDNIGHT),
        closes_at: closes_at.unwrap_or(TimeOfDay::END_OF_DAY),
        open_weekdays: input
            .open_weekdays
            .iter()
            .map(|day| u8::try_from(*day).unwrap_or(0))
            .collect(),
        min_age_months: input.min_age_months,
        max_age_months: input.max_age_months,
        version: 0,
    };
    if let Err(refused) = new.check() {
        found.add_all(refused);
    }
    found.finish()?;
    let saved =
        store::save_settings(&cases.writer, site_id, &new, expected_version, cases.now()).await?;
    let resource = format!("/creche/settings?site_id={site_id}");
    cases
        .audit(caller, "creche.settings.update", None, &resource)
        .await?;
    Ok(saved)
}

/// The closures between two days (admins and coordinators).
pub async fn closures(
    cases: &Cases,
    caller: &Caller,
    site_id: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> CaseResult<Vec<Closure>> {
    caller.require(&[Role::Admin, Role::Coordinator])?;
    if to < from {
        return Err(CaseError::invalid("to", Refusal::RangeEndsBeforeStart));
    }
    let site_id = sites::one_of_callers(cases, caller, site_id).await?;
    Ok(store::closures(&cases.db, site_id, from, to).await?)
}

/// Closes the crèche on a day (admins). The day's bookings still booked are
/// cancelled with it: the families must not count on a closed crèche.
/// Answers how many were cancelled.
pub async fn close_day(
    cases: &Cases,
    caller: &Caller,
    site_id: Option<Uuid>,
    closure: Closure,
) -> CaseResult<u64> {
    caller.require(&[Role::Admin])?;
    let site_id = sites::one_of_callers(cases, caller, site_id).await?;
    let mut invalid = Invalid::default();
    bounds::text(
        &mut invalid,
        "reason",
        &closure.reason,
        1,
        creche::CLOSURE_REASON_MAX,
    );
    invalid.finish()?;
    let Some(reason) = optional_text(Some(&closure.reason)) else {
        return Err(CaseError::invalid("reason", Refusal::Blank));
    };
    let closure = Closure {
        on: closure.on,
        reason,
    };
    let txn = begin_write(&cases.writer).await?;
    store::lock_day(&txn, site_id, closure.on).await?;
    store::add_closure(&txn, site_id, &closure, caller.id, cases.now()).await?;
    let cancelled = store::cancel_bookings_on(&txn, site_id, closure.on, cases.now()).await?;
    txn.commit().await?;
    let resource = format!("/creche/closures/{}?site_id={site_id}", closure.on);
    cases
        .audit(caller, "creche.closure.create", None, &resource)
        .await?;
    Ok(cancelled)
}

/// Opens a closed day again (admins).
pub async fn reopen_day(
    cases: &Cases,
    caller: &Caller,
    site_id: Option<Uuid>,
    on: NaiveDate,
) -> CaseResult<()> {
    caller.require(&[Role::Admin])?;
    let site_id = sites::one_of_callers(cases, caller, site_id).await?;
    store::remove_closure(&cases.writer, site_id, on).await?;
    let resource = format!("/creche/closures/{on}?site_id={site_id}");
    cases
        .audit(caller, "creche.closure.delete", None, &resource)
        .await
}

/// A booking asked for, as typed: its times are text ("09:00"), read by
/// [`book`].
#[derive(Debug, Clone)]
pub struct BookingRequest {
    pub child_id: Uuid,
    pub on: NaiveDate,
    pub starts_at: String,
    pub ends_at: String,
    pub purpose: BookingPurpose,
    pub notes: Option<String>,
    /// The same slot every 7 days up to this day (at most 26 weeks).
    pub weekly_until: Option<NaiveDate>,
}

/// What a booking request made: the bookings, and the days of the series
/// skipped because the crèche is closed.
#[derive(Debug, Clone)]
pub struct Booked {
    pub items: Vec<Booking>,
    pub skipped: Vec<NaiveDate>,
}

/// Books a child of the family (coordinators; staff for their families):
/// one day, or a weekly series all or nothing.
pub async fn book(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    request: BookingRequest,
) -> CaseResult<Booked> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let mut invalid = Invalid::default();
    bounds::optional_text(
        &mut invalid,
        "notes",
        request.notes.as_deref(),
        creche::BOOKING_NOTES_MAX,
    );
    let starts_at = invalid.check("starts_at", TimeOfDay::parse(&request.starts_at));
    let ends_at = invalid.check("ends_at", TimeOfDay::parse(&request.ends_at));
    let slot = Slot {
        starts_at: starts_at.unwrap_or(TimeOfDay::MIDNIGHT),
        ends_at: ends_at.unwrap_or(TimeOfDay::END_OF_DAY),
    };
    let family = visible_family(&cases.db, caller, family_id).await?;
    // The family's site's crèche.
    let site_id = family.site_id;
    let settings = store::settings(&cases.db, site_id).await?;
    if let Err(refused) = settings.check_slot(slot) {
        invalid.add_all(refused);
    }
    let birth = match family.children.iter().find(|c| c.id == request.child_id) {
        None => {
            invalid.add("child_id", Refusal::NotAChildOfTheFamily);
            None
        }
        Some(child) => match child.birth.born_on() {
            None => {
                invalid.add("child_id", Refusal::NotBornYet);
                None
            }
            born => born,
        },
    };
    let dates = match request.weekly_until {
        None => vec![request.on],
        Some(until) => match creche::weekly_dates(request.on, until) {
            Ok(dates) => dates,
            Err(refused) => {
                invalid.add("weekly_until", refused.0);
                vec![request.on]
            }
        },
    };
    let last = dates.last().copied().unwrap_or(request.on);
    let closed = store::closed_days(&cases.db, site_id, request.on, last).await?;
    let placements = placements::for_family(&cases.db, family_id).await?;
    let placed_on = |day: NaiveDate| {
        placements.iter().any(|placement| {
            placement.admitted_on <= day
                && placement
                    .exit
                    .as_ref()
                    .is_none_or(|exit| exit.exited_on >= day)
        })
    };
    let (mut open, mut skipped) = (Vec::new(), Vec::new());
    for day in dates {
        let is_open = settings.opens_on_weekday(day) && !closed.contains(&day);
        match (is_open, day == request.on) {
            (true, _) => open.push(day),
            (false, true) => invalid.add("on", Refusal::CrecheClosed),
            (false, false) => skipped.push(day),
        }
    }
    for day in &open {
        // The first day names its own fields; a later day of the series
        // names `weekly_until`, which brought it in.
        let first = *day == request.on;
        if let Some(birth) = birth {
            let age = creche::age_in_months(birth, *day);
            if !settings.takes_age(age) {
                invalid.add(
                    if first { "child_id" } else { "weekly_until" },
                    Refusal::CrecheAge {
                        age_months: age,
                        day: *day,
                        min_months: settings.min_age_months,
                        max_months: settings.max_age_months,
                    },
                );
            }
        }
        if !placed_on(*day) {
            invalid.add(
                if first { "on" } else { "weekly_until" },
                Refusal::NoActivePlacement { day: *day },
            );
        }
    }
    invalid.finish()?;

    let notes = optional_text(request.notes.as_deref());
    let txn = begin_write(&cases.writer).await?;
    // Days in order, so two series lock their common days in one order.
    for day in &open {
        store::lock_day(&txn, site_id, *day).await?;
    }
    // A closure takes the day's lock too: a day closed since the check
    // above is seen now, and treated as the check would have.
    let closed_since = store::closed_days(&txn, site_id, request.on, last).await?;
    if closed_since.contains(&request.on) {
        return Err(CaseError::invalid("on", Refusal::CrecheClosed));
    }
    let (open, closed_in_series): (Vec<NaiveDate>, Vec<NaiveDate>) = open
        .into_iter()
        .partition(|day| !closed_since.contains(day));
    skipped.extend(closed_in_series);
    skipped.sort_unstable();
    let series_id = (open.len() > 1).then(Uuid::now_v7);
    let (mut full, mut overlapping) = (Vec::new(), Vec::new());
    for day in &open {
        let holding: Vec<Booking> = store::bookings_between(&txn, Some(site_id), *day, *day)
            .await?
            .into_iter()
            .filter(|booking| booking.status.holds_a_place() && booking.slot.overlaps(slot))
            .collect();
        if holding
            .iter()
            .any(|booking| booking.child_id == request.child_id)
        {
            overlapping.push(*day);
            continue;
        }
        let within = holding.iter().map(|booking| clip(booking.slot, slot));
        if creche::most_at_once(within) + 1 > usize::try_from(settings.capacity).unwrap_or(0) {
            full.push(*day);
        }
    }
    if !overlapping.is_empty() {
        return Err(CaseError::ConflictOn(Conflict::BookingOverlap, overlapping));
    }
    if !full.is_empty() {
        return Err(CaseError::ConflictOn(Conflict::CrecheFull, full));
    }
    let mut items = Vec::with_capacity(open.len());
    for day in open {
        let new = NewBooking {
            family_id,
            child_id: request.child_id,
            on: day,
            slot,
            purpose: request.purpose,
            notes: notes.clone(),
            series_id,
            created_by: caller.id,
        };
        items.push(store::insert_booking(&txn, &new, cases.now()).await?);
    }
    txn.commit().await?;
    let resource = format!("/families/{family_id}/creche-bookings");
    cases
        .audit(caller, "creche.booking.create", Some(family_id), &resource)
        .await?;
    Ok(Booked { items, skipped })
}

/// The part of `slot` within `window`.
fn clip(slot: Slot, window: Slot) -> Slot {
    Slot {
        starts_at: slot.starts_at.max(window.starts_at),
        ends_at: slot.ends_at.min(window.ends_at),
    }
}

/// The family's bookings between two days (coordinators; staff for their
/// families).
pub async fn bookings_of_family(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> CaseResult<Vec<Booking>> {
    visible_family(&cases.db, caller, family_id).await?;
    check_range(from, to, MAX_LIST_DAYS)?;
    let bookings = store::bookings_of_family(&cases.db, family_id, from, to).await?;
    let resource = format!("/families/{family_id}/creche-bookings");
    cases
        .audit(caller, "creche.booking.list", Some(family_id), &resource)
        .await?;
    Ok(bookings)
}

fn check_range(from: NaiveDate, to: NaiveDate, max_days: i64) -> CaseResult<()> {
    if to < from {
        return Err(CaseError::invalid("to", Refusal::RangeEndsBeforeStart));
    }
    if (to - from).num_days() + 1 > max_days {
        return Err(CaseError::invalid("to", Refusal::RangeTooLong { max_days }));
    }
    Ok(())
}

/// The booking and its family, if the caller may see the family.
async fn visible_booking(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<Booking> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let booking = store::find_booking(&cases.db, id).await?;
    visible_family(&cases.db, caller, booking.family_id).await?;
    Ok(booking)
}

/// Cancels a booking still booked (coordinators; staff for their families).
pub async fn cancel(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
) -> CaseResult<Booking> {
    let booking = visible_booking(cases, caller, id).await?;
    if booking.status != BookingStatus::Booked {
        return Err(CaseError::Conflict(Conflict::BookingClosed));
    }
    let version = expected_version.or(Some(booking.version));
    let cancelled = store::set_booking_status(
        &cases.writer,
        id,
        version,
        BookingStatus::Cancelled,
        None,
        cases.now(),
    )
    .await?;
    let resource = format!("/creche-bookings/{id}/cancel");
    cases
        .audit(
            caller,
            "creche.booking.cancel",
            Some(booking.family_id),
            &resource,
        )
        .await?;
    Ok(cancelled)
}

/// The families in care at `site_id` whose children the caller may book
/// a place for at its crèche, of the first `limit` she reads: every
/// family for coordinators, staff their own (in no particular order: the
/// page sorts them by name). Audited as the families' list is
/// (`family.list`, one entry naming them all).
pub async fn families_to_book(
    cases: &Cases,
    caller: &Caller,
    site_id: Uuid,
    limit: u64,
) -> CaseResult<Vec<Family>> {
    let reader = crate::families::reader(&cases.db, caller).await?;
    let mut in_care = families::list(&cases.db, reader, None, limit).await?;
    in_care.retain(|family| family.current_placement_id.is_some() && family.site_id == site_id);
    cases
        .audit_read(
            caller,
            "family.list",
            in_care.iter().map(|family| family.id),
            "/creche",
        )
        .await?;
    Ok(in_care)
}

/// Whether the caller works in the crèche (or coordinates): she records
/// attendance and sees every child on the day's planning.
pub async fn is_creche_professional(cases: &Cases, caller: &Caller) -> CaseResult<bool> {
    Ok(match caller.role {
        Role::Coordinator => true,
        Role::Admin | Role::HeadOffice => false,
        Role::Staff => {
            let user = users::find(&cases.db, caller.id).await?;
            CRECHE_PROFESSIONS.contains(&user.profession)
        }
    })
}

/// What an attendance as typed says: the child came at these times, or was
/// absent; anything else is refused.
fn attendance_of(input: &AttendanceInput) -> CaseResult<Attendance> {
    let mut invalid = Invalid::default();
    let attendance = match (input.absent, &input.arrived_at, &input.left_at) {
        (Some(true), None, None) => Some(Attendance::Absent),
        (None | Some(false), Some(arrived), Some(left)) => {
            let arrived_at = invalid.check("arrived_at", TimeOfDay::parse(arrived));
            let left_at = invalid.check("left_at", TimeOfDay::parse(left));
            arrived_at
                .zip(left_at)
                .map(|(arrived_at, left_at)| Attendance::Came {
                    arrived_at,
                    left_at,
                })
        }
        _ => {
            invalid.add("absent", Refusal::TimesOrAbsentAlone);
            None
        }
    };
    invalid.finish()?;
    // Both times read make an attendance: the refusals above cover the rest.
    attendance.ok_or_else(|| CaseError::Internal(anyhow::anyhow!("attendance missing")))
}

/// Records that the child came (arrival and departure) or did not
/// (coordinators and the crèche's professionals). A recorded attendance may
/// be corrected; a cancelled booking has none. Answers the booking as the
/// day's planning shows it: a crèche professional need not accompany the
/// family, so the booking's notes and the rest of the file stay out.
pub async fn record_attendance(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
    input: AttendanceInput,
    expected_version: Option<i32>,
) -> CaseResult<PlannedChild> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    if !is_creche_professional(cases, caller).await? {
        return Err(CaseError::Forbidden);
    }
    let attendance = attendance_of(&input)?;
    let booking = store::find_booking(&cases.db, id).await?;
    if booking.status == BookingStatus::Cancelled {
        return Err(CaseError::Conflict(Conflict::BookingClosed));
    }
    let mut invalid = Invalid::default();
    if booking.on > cases.today() {
        invalid.add("on", Refusal::DayNotCome);
    }
    let (status, times) = match attendance {
        Attendance::Absent => (BookingStatus::Absent, None),
        Attendance::Came {
            arrived_at,
            left_at,
        } => {
            if left_at <= arrived_at {
                invalid.add("left_at", Refusal::LeavesBeforeArrival);
            }
            (BookingStatus::Attended, Some((arrived_at, left_at)))
        }
    };
    invalid.finish()?;
    let version = expected_version.or(Some(booking.version));
    let recorded =
        store::set_booking_status(&cases.writer, id, version, status, times, cases.now()).await?;
    let resource = format!("/creche-bookings/{id}/attendance");
    cases
        .audit(
            caller,
            "creche.attendance",
            Some(booking.family_id),
            &resource,
        )
        .await?;
    let family = families::find(&cases.db, recorded.family_id).await?;
    let on = recorded.on;
    planned_child(&family, recorded, on).ok_or(CaseError::NotFound)
}

/// A child on the day's planning: who, how old, and the booking.
#[derive(Debug, Clone)]
pub struct PlannedChild {
    pub booking: Booking,
    pub first_name: String,
    pub last_name: Option<String>,
    pub age_months: Option<i32>,
}

/// The booking as the planning shows it on `on`: the child's names and
/// age, no case data. `None` when the child is not the family's.
fn planned_child(family: &Family, booking: Booking, on: NaiveDate) -> Option<PlannedChild> {
    let child = family.children.iter().find(|c| c.id == booking.child_id)?;
    Some(PlannedChild {
        first_name: child.first_name.clone(),
        last_name: child
            .last_name
            .clone()
            .or_else(|| Some(family.mother.last_name.clone())),
        age_months: child
            .birth
            .born_on()
            .map(|birth| creche::age_in_months(birth, on)),
        booking,
    })
}

/// The day's planning: the bookings not cancelled, by time (coordinators
/// and the crèche's professionals see every child; other staff their own
/// families' children only; no case data).
pub async fn day(
    cases: &Cases,
    caller: &Caller,
    site_id: Option<Uuid>,
    on: NaiveDate,
) -> CaseResult<(CrecheSettings, Vec<PlannedChild>)> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let site_id = sites::one_of_callers(cases, caller, site_id).await?;
    let sees_all = is_creche_professional(cases, caller).await?;
    let my_sites = nido_persistence::sites::of_user(&cases.db, caller.id).await?;
    let settings = store::settings(&cases.db, site_id).await?;
    let mut families: HashMap<Uuid, Option<Family>> = HashMap::new();
    let mut items = Vec::new();
    for booking in store::bookings_between(&cases.db, Some(site_id), on, on).await? {
        if booking.status == BookingStatus::Cancelled {
            continue;
        }
        if let Entry::Vacant(entry) = families.entry(booking.family_id) {
            let family = families::find(&cases.db, booking.family_id).await?;
            let visible =
                my_sites.contains(&family.site_id) && (sees_all || family.is_assigned(caller.id));
            entry.insert(visible.then_some(family));
        }
        let Some(Some(family)) = families.get(&booking.family_id) else {
            continue;
        };
        items.extend(planned_child(family, booking, on));
    }
    let shown: HashSet<Uuid> = items.iter().map(|item| item.booking.family_id).collect();
    cases
        .audit_read(
            caller,
            "creche.day.read",
            shown,
            &format!("/creche/day?on={on}"),
        )
        .await?;
    Ok((settings, items))
}

/// An hour (or what is left of it before closing) and its free places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeSlot {
    pub slot: Slot,
    pub free: i32,
}

/// For each open day from `from` to `to` (at most 62 days), hourly slots
/// from opening with the places free: capacity minus the most bookings
/// overlapping at once within the hour (coordinators and staff).
pub async fn availability(
    cases: &Cases,
    caller: &Caller,
    site_id: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> CaseResult<Vec<(NaiveDate, Vec<FreeSlot>)>> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    check_range(from, to, MAX_AVAILABILITY_DAYS)?;
    let site_id = sites::one_of_callers(cases, caller, site_id).await?;
    let settings = store::settings(&cases.db, site_id).await?;
    let closed = store::closed_days(&cases.db, site_id, from, to).await?;
    let mut by_day: BTreeMap<NaiveDate, Vec<Slot>> = BTreeMap::new();
    for booking in store::bookings_between(&cases.db, Some(site_id), from, to).await? {
        if booking.status.holds_a_place() {
            by_day.entry(booking.on).or_default().push(booking.slot);
        }
    }
    let mut days = Vec::new();
    for day in from.iter_days().take_while(|day| *day <= to) {
        if !settings.opens_on_weekday(day) || closed.contains(&day) {
            continue;
        }
        let booked = by_day.get(&day).map(Vec::as_slice).unwrap_or_default();
        let mut slots = Vec::new();
        let mut start = settings.opens_at;
        while start < settings.closes_at {
            let end = start
                .plus(60)
                .map_or(settings.closes_at, |end| end.min(settings.closes_at));
            let hour = Slot {
                starts_at: start,
                ends_at: end,
            };
            let within = booked
                .iter()
                .filter(|slot| slot.overlaps(hour))
                .map(|slot| clip(*slot, hour));
            let most = i32::try_from(creche::most_at_once(within)).unwrap_or(i32::MAX);
            slots.push(FreeSlot {
                slot: hour,
                free: (settings.capacity - most).max(0),
            });
            start = end;
        }
        days.push((day, slots));
    }
    cases
        .audit(
            caller,
            "creche.availability.read",
            None,
            "/creche/availability",
        )
        .await?;
    Ok(days)
}

/// One child's month at the crèche.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildMonth {
    pub family_id: Uuid,
    pub child_id: Uuid,
    pub first_name: String,
    pub last_name: Option<String>,
    /// Minutes of the bookings not cancelled (booked, attended or absent).
    pub booked_minutes: i64,
    /// Minutes between arrival and departure.
    pub attended_minutes: i64,
    /// Bookings not cancelled.
    pub bookings: i64,
    pub absences: i64,
}

/// One site's crèche in a month's report.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteMonth {
    pub site_id: Uuid,
    pub name: String,
    pub capacity: i32,
    pub open_days: i64,
    pub open_minutes: i64,
    pub booked_place_minutes: i64,
    /// Booked place-minutes ÷ (capacity × open minutes).
    pub occupancy_rate: f64,
}

/// The month's report: one site's crèche, or several summed as one crèche
/// of their places together (`capacity` their sum, `open_minutes` their
/// open minutes weighted by their places, `open_days` the most days one
/// was open), with a line per site.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthReport {
    pub first_day: NaiveDate,
    pub capacity: i32,
    pub open_days: i64,
    pub open_minutes: i64,
    pub children: Vec<ChildMonth>,
    /// Booked minutes by purpose, every purpose listed.
    pub minutes_by_purpose: Vec<(BookingPurpose, i64)>,
    pub booked_place_minutes: i64,
    /// Booked place-minutes ÷ (capacity × open minutes), the sites summed.
    pub occupancy_rate: f64,
    pub sites: Vec<SiteMonth>,
}

/// The month (admins, coordinators, the head office) of `site_id`'s
/// crèche, or of every site the caller reads summed: each child's booked
/// and attended minutes, bookings and absences, the minutes by purpose,
/// and the occupancy rate.
pub async fn month_report(
    cases: &Cases,
    caller: &Caller,
    month: Month,
    site_id: Option<Uuid>,
) -> CaseResult<MonthReport> {
    caller.require(crate::REPORT_READERS)?;
    let days: Vec<NaiveDate> = month.days().collect();
    let (first_day, last_day) = (month.first_day(), month.last_day());
    let mut by_child: BTreeMap<(Uuid, Uuid), ChildMonth> = BTreeMap::new();
    let mut by_purpose: HashMap<BookingPurpose, i64> = HashMap::new();
    let mut lines = Vec::new();
    let mut family_ids = Vec::new();
    for site in sites::read_by(cases, caller, site_id).await? {
        let settings = store::settings(&cases.db, site.id).await?;
        let closed = store::closed_days(&cases.db, site.id, first_day, last_day).await?;
        let open_days = days
            .iter()
            .filter(|day| settings.opens_on_weekday(**day) && !closed.contains(day))
            .count() as i64;
        let open_minutes = open_days * i64::from(settings.open_minutes_a_day());
        let mut booked_place_minutes = 0;
        for booking in
            store::bookings_between(&cases.db, Some(site.id), first_day, last_day).await?
        {
            if booking.status == BookingStatus::Cancelled {
                continue;
            }
            let minutes = i64::from(booking.slot.minutes());
            booked_place_minutes += minutes;
            *by_purpose.entry(booking.purpose).or_default() += minutes;
            family_ids.push(booking.family_id);
            let entry = by_child
                .entry((booking.family_id, booking.child_id))
                .or_insert_with(|| ChildMonth {
                    family_id: booking.family_id,
                    child_id: booking.child_id,
                    first_name: String::new(),
                    last_name: None,
                    booked_minutes: 0,
                    attended_minutes: 0,
                    bookings: 0,
                    absences: 0,
                });
            entry.booked_minutes += minutes;
            entry.attended_minutes += i64::from(booking.attended_minutes());
            entry.bookings += 1;
            entry.absences += i64::from(booking.status == BookingStatus::Absent);
        }
        lines.push(SiteMonth {
            site_id: site.id,
            name: site.name,
            capacity: settings.capacity,
            open_days,
            open_minutes,
            booked_place_minutes,
            occupancy_rate: creche::occupancy_rate(
                booked_place_minutes,
                settings.capacity,
                open_minutes,
            ),
        });
    }
    family_ids.sort_unstable();
    family_ids.dedup();
    let families_read: HashMap<Uuid, Family> = families::find_many(&cases.db, family_ids).await?;
    let mut children: Vec<ChildMonth> = by_child.into_values().collect();
    for child in &mut children {
        if let Some(found) = families_read
            .get(&child.family_id)
            .and_then(|family| family.children.iter().find(|c| c.id == child.child_id))
        {
            child.first_name = found.first_name.clone();
            child.last_name = found.last_name.clone();
        }
    }
    children.sort_by(|a, b| {
        (&a.last_name, &a.first_name, a.child_id).cmp(&(&b.last_name, &b.first_name, b.child_id))
    });
    let minutes_by_purpose = BookingPurpose::ALL
        .iter()
        .map(|purpose| (*purpose, by_purpose.get(purpose).copied().unwrap_or(0)))
        .collect();
    let mut resource = format!("/reports/creche?month={}", first_day.format("%Y-%m"));
    if let Some(site_id) = site_id {
        resource.push_str(&format!("&site_id={site_id}"));
    }
    cases
        .audit_read(
            caller,
            "creche.report.read",
            families_read.into_keys(),
            &resource,
        )
        .await?;
    let capacity: i32 = lines.iter().map(|line| line.capacity).sum();
    let place_minutes_open: i64 = lines
        .iter()
        .map(|line| i64::from(line.capacity) * line.open_minutes)
        .sum();
    let booked_place_minutes = lines.iter().map(|line| line.booked_place_minutes).sum();
    Ok(MonthReport {
        first_day,
        capacity,
        open_days: lines.iter().map(|line| line.open_days).max().unwrap_or(0),
        open_minutes: if capacity > 0 {
            place_minutes_open / i64::from(capacity)
        } else {
            0
        },
        children,
        minutes_by_purpose,
        booked_place_minutes,
        occupancy_rate: creche::occupancy_rate(booked_place_minutes, 1, place_minutes_open),
        sites: lines,
    })
}

/// The default range of a family's bookings: from 31 days ago for 92 days.
pub fn default_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let from = today.checked_sub_days(Days::new(31)).unwrap_or(today);
    (from, from.checked_add_days(Days::new(91)).unwrap_or(from))
}
