//! What a placement owes, and by when: the renewal report and the period's
//! end, and the duties of loi 2002-2 (CASF D311): the contract of stay
//! delivered within 15 days of admission and signed within a month, the
//! projet personnalisé set within six months and reviewed every twelve.
//! Months are calendar months clamped to the month's last day
//! ([`add_months_clamped`]).

use chrono::{Days, NaiveDate};

use crate::calendar::add_months_clamped;
use crate::placement::{Period, deadline, is_renewable};

string_enum! {
    /// A kind of obligation on the due-dates screen.
    DueKind {
        /// The renewal report to the département (`report_due_on`).
        RenewalReport => "renewal_report",
        /// The current period's last day.
        PeriodEnd => "period_end",
        /// The contract of stay (or DIPC) handed to the mother.
        ContractDelivery => "contract_delivery",
        ContractSignature => "contract_signature",
        /// The first projet personnalisé.
        ProjectInitial => "project_initial",
        /// The yearly review of the projet personnalisé.
        ProjectReview => "project_review",
        /// An incident reported to the authorities.
        IncidentReport => "incident_report",
        /// A social-housing application's yearly renewal
        /// (`nido_domain::pathway`).
        SocialHousingRenewal => "social_housing_renewal",
        /// The commission's decision on a DALO recourse.
        DaloDecision => "dalo_decision",
        /// The six-monthly review of a bail glissant with its landlord.
        BailGlissantReview => "bail_glissant_review",
        /// The cap is near and no step towards a home is accepted.
        NoHousingSolution => "no_housing_solution",
        /// A follow-up after the exit, by the referent.
        PostExitFollowUp => "post_exit_follow_up",
    }
}

/// The contract must be delivered within 15 days of admission.
pub fn contract_delivery_due(admitted_on: NaiveDate) -> NaiveDate {
    admitted_on
        .checked_add_days(Days::new(15))
        .unwrap_or(NaiveDate::MAX)
}

/// …and signed within one month of admission (clamped: admitted on
/// 31 January, due on 28 or 29 February).
pub fn contract_signature_due(admitted_on: NaiveDate) -> NaiveDate {
    add_months_clamped(admitted_on, 1)
}

/// The first projet personnalisé is due six months after admission.
pub fn project_initial_due(admitted_on: NaiveDate) -> NaiveDate {
    add_months_clamped(admitted_on, 6)
}

/// Each review is due twelve months after the previous one (a review on
/// 29 February is next due on 28 February).
pub fn project_review_due(previous_review: NaiveDate) -> NaiveDate {
    add_months_clamped(previous_review, 12)
}

/// What nido knows of an active placement, to tell what it still owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementDuties {
    pub admitted_on: NaiveDate,
    pub current: Period,
    /// The day before the youngest child's third birthday.
    pub latest_end_on: Option<NaiveDate>,
    pub contract_delivered_on: Option<NaiveDate>,
    pub contract_signed_on: Option<NaiveDate>,
    /// The latest review of the projet personnalisé, if any.
    pub last_review_on: Option<NaiveDate>,
}

/// The obligations still open, by kind and due date. A duty done
/// disappears: a delivered contract has no delivery due, a signed one no
/// signature; once a project exists the first is done and the next review
/// is due a year after the latest. The renewal report is owed only while
/// the period can be renewed (a period ending at the cap ends the care).
pub fn open_duties(duties: &PlacementDuties, report_lead_days: u32) -> Vec<(DueKind, NaiveDate)> {
    let mut open = Vec::new();
    if is_renewable(&duties.current, duties.latest_end_on) {
        let report = deadline(
            &duties.current,
            duties.latest_end_on,
            duties.current.starts_on,
            report_lead_days,
        );
        open.push((DueKind::RenewalReport, report.report_due_on));
    }
    open.push((DueKind::PeriodEnd, duties.current.ends_on));
    if duties.contract_delivered_on.is_none() {
        open.push((
            DueKind::ContractDelivery,
            contract_delivery_due(duties.admitted_on),
        ));
    }
    if duties.contract_signed_on.is_none() {
        open.push((
            DueKind::ContractSignature,
            contract_signature_due(duties.admitted_on),
        ));
    }
    match duties.last_review_on {
        None => open.push((
            DueKind::ProjectInitial,
            project_initial_due(duties.admitted_on),
        )),
        Some(last) => open.push((DueKind::ProjectReview, project_review_due(last))),
    }
    open
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;
    use proptest::prelude::*;

    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().expect("a date")
    }

    /// Plain calendar arithmetic: the same day `months` later, or the
    /// month's last day when it is shorter.
    fn months_later(day: NaiveDate, months: u32) -> NaiveDate {
        let total = day.year() * 12 + day.month0() as i32 + months as i32;
        let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        let last = [31, 30, 29, 28]
            .into_iter()
            .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())
            .expect("a month ends");
        NaiveDate::from_ymd_opt(year, month, day.day().min(last)).expect("clamped")
    }

    #[test]
    fn due_dates_at_month_ends_and_29_february() {
        assert_eq!(
            contract_delivery_due(date("2026-12-20")),
            date("2027-01-04")
        );
        assert_eq!(
            contract_signature_due(date("2027-01-31")),
            date("2027-02-28")
        );
        assert_eq!(
            contract_signature_due(date("2028-01-31")),
            date("2028-02-29")
        );
        assert_eq!(
            contract_signature_due(date("2027-03-31")),
            date("2027-04-30")
        );
        assert_eq!(project_initial_due(date("2027-08-31")), date("2028-02-29"));
        assert_eq!(project_initial_due(date("2026-08-31")), date("2027-02-28"));
        assert_eq!(project_review_due(date("2028-02-29")), date("2029-02-28"));
        assert_eq!(project_review_due(date("2027-06-15")), date("2028-06-15"));
    }

    proptest! {
        #[test]
        fn due_dates_agree_with_plain_calendar_arithmetic(offset in 0u64..(366 * 8)) {
            let day = date("2024-01-01") + Days::new(offset);
            prop_assert_eq!(contract_delivery_due(day), day + Days::new(15));
            prop_assert_eq!(contract_signature_due(day), months_later(day, 1));
            prop_assert_eq!(project_initial_due(day), months_later(day, 6));
            prop_assert_eq!(project_review_due(day), months_later(day, 12));
        }
    }

    fn duties(admitted_on: NaiveDate) -> PlacementDuties {
        PlacementDuties {
            admitted_on,
            current: Period {
                number: 1,
                starts_on: admitted_on,
                ends_on: date("2027-06-30"),
            },
            latest_end_on: Some(date("2028-12-31")),
            contract_delivered_on: None,
            contract_signed_on: None,
            last_review_on: None,
        }
    }

    fn kinds(open: &[(DueKind, NaiveDate)]) -> Vec<DueKind> {
        open.iter().map(|(kind, _)| *kind).collect()
    }

    #[test]
    fn a_duty_done_disappears_and_the_next_review_follows_the_last() {
        let mut owed = duties(date("2027-01-01"));
        let open = open_duties(&owed, 30);
        assert_eq!(
            open,
            [
                (DueKind::RenewalReport, date("2027-06-01")),
                (DueKind::PeriodEnd, date("2027-06-30")),
                (DueKind::ContractDelivery, date("2027-01-16")),
                (DueKind::ContractSignature, date("2027-02-01")),
                (DueKind::ProjectInitial, date("2027-07-01")),
            ]
        );
        owed.contract_delivered_on = Some(date("2027-01-10"));
        assert!(!kinds(&open_duties(&owed, 30)).contains(&DueKind::ContractDelivery));
        owed.contract_signed_on = Some(date("2027-01-20"));
        owed.last_review_on = Some(date("2027-05-02"));
        assert_eq!(
            open_duties(&owed, 30)[2..],
            [(DueKind::ProjectReview, date("2028-05-02"))]
        );
        // At the cap, no renewal report is owed: the care ends.
        owed.latest_end_on = Some(date("2027-06-30"));
        assert_eq!(
            kinds(&open_duties(&owed, 30)),
            [DueKind::PeriodEnd, DueKind::ProjectReview]
        );
    }
}
