//! The demo's crèche: ten places (the default settings), a training day
//! closed next month, and the children of the families in care booked on
//! weekly slots from three weeks ago to three weeks ahead, their attendance
//! recorded by the early childhood educator for the days gone by. Through
//! the same use cases as the team's requests: a booking the rules refuse
//! (a child too young, a family admitted since) is left out.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use nido_cases::creche::{self, BookingRequest};
use nido_cases::{Caller, Cases};
use nido_domain::creche::{AttendanceInput, BookingPurpose, Closure};

/// Slots and purposes the families come back to each week.
const SLOTS: [(&str, &str, BookingPurpose); 6] = [
    ("09:00", "12:00", BookingPurpose::JobInterview),
    ("08:30", "17:30", BookingPurpose::Training),
    ("13:30", "16:30", BookingPurpose::Appointment),
    ("09:30", "11:30", BookingPurpose::Workshop),
    ("14:00", "17:00", BookingPurpose::Respite),
    ("08:45", "12:15", BookingPurpose::Employment),
];

/// What the demo's crèche holds.
pub struct Figures {
    pub bookings: usize,
    pub attended: usize,
}

pub async fn create(
    cases: &Cases,
    coordinator: Caller,
    educator: Caller,
    today: NaiveDate,
) -> anyhow::Result<Figures> {
    let closed_on = weekday_on_or_after(today + Days::new(24), Weekday::Wed);
    let closure = Closure {
        on: closed_on,
        reason: "Journée pédagogique de l'équipe de la crèche".to_owned(),
    };
    let first_site = Some(nido_domain::site::FIRST_SITE);
    creche::close_day(cases, &Caller::system(), first_site, closure)
        .await
        .map_err(|err| anyhow::anyhow!("demo closure: {err}"))?;

    let start = today - Days::new(21);
    let until = today + Days::new(21);
    let mut figures = Figures {
        bookings: 0,
        attended: 0,
    };
    let in_care = super::every_family(&cases.db, 200).await?;
    let mut index = 0;
    for family in in_care.iter().filter(|f| f.current_placement_id.is_some()) {
        for child in family
            .children
            .iter()
            .filter(|c| c.birth.born_on().is_some())
        {
            let (from, to, purpose) = SLOTS[index % SLOTS.len()];
            let weekday = [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ][index % 5];
            index += 1;
            let request = BookingRequest {
                child_id: child.id,
                on: weekday_on_or_after(start, weekday),
                starts_at: from.to_owned(),
                ends_at: to.to_owned(),
                purpose,
                notes: None,
                weekly_until: Some(until),
            };
            let caller = coordinator;
            let Ok(booked) = creche::book(cases, &caller, family.id, request).await else {
                continue;
            };
            for (nth, booking) in booked.items.iter().enumerate() {
                figures.bookings += 1;
                if booking.on >= today {
                    continue;
                }
                // One day in five the child stays home; otherwise she comes a
                // few minutes after the slot opens and leaves before it ends.
                let attendance = if (nth + index) % 5 == 0 {
                    AttendanceInput {
                        absent: Some(true),
                        ..AttendanceInput::default()
                    }
                } else {
                    figures.attended += 1;
                    let slot = booking.slot;
                    AttendanceInput {
                        arrived_at: Some(
                            slot.starts_at.plus(5).unwrap_or(slot.starts_at).to_string(),
                        ),
                        left_at: Some(slot.ends_at.plus(-10).unwrap_or(slot.ends_at).to_string()),
                        absent: None,
                    }
                };
                creche::record_attendance(cases, &educator, booking.id, attendance, None)
                    .await
                    .map_err(|err| anyhow::anyhow!("demo attendance: {err}"))?;
            }
        }
    }
    Ok(figures)
}

fn weekday_on_or_after(day: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - day.weekday().num_days_from_monday()) % 7;
    day + Days::new(u64::from(ahead))
}
