//! The exit to housing (SPEC "Exit to housing (the pathway)"): the steps
//! a social worker takes with the mother towards a home of her own, each
//! kind with its own facts, the moves a step's status may make, the due
//! dates the steps and the exit owe, and the follow-ups after the exit.
//! Months are calendar months clamped to the month's last day, as
//! everywhere ([`add_months_clamped`]).

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Refusal;
use crate::calendar::add_months_clamped;
use crate::due_dates::DueKind;

/// The longest external reference (SI-SIAO id, numéro unique…).
pub const REFERENCE_MAX: u64 = 100;
/// The longest notes on a step or a follow-up, and a refusal's reason.
pub const NOTES_MAX: u64 = 5000;
/// The longest landlord, commune or FSL line.
pub const NAME_MAX: u64 = 200;
/// The longest typology ("T2", "T3 bis").
pub const TYPOLOGY_MAX: u64 = 20;
/// The most lines of an FSL request.
pub const FSL_ITEMS_MAX: u64 = 20;
/// The largest amount in cents (a rent, an FSL line): 100,000 €.
pub const AMOUNT_MAX_CENTS: i64 = 10_000_000;

string_enum! {
    /// What a step is.
    StepKind {
        /// The SIAO's application for a place (SI-SIAO).
        SiaoApplication => "siao_application",
        /// The demande de logement social (numéro unique), renewed yearly.
        SocialHousingApplication => "social_housing_application",
        /// A DALO recourse to the commission de médiation.
        DaloRecourse => "dalo_recourse",
        /// The Fonds de solidarité logement: deposit, first rent, furniture.
        FslRequest => "fsl_request",
        /// Action Logement's rent guarantee, obtained before the lease.
        Visale => "visale",
        /// A home offered by a landlord.
        HousingOffer => "housing_offer",
        /// A sublease that slides to the mother once the landlord agrees.
        BailGlissant => "bail_glissant",
    }
}

string_enum! {
    /// Where a step stands.
    StepStatus {
        Preparing => "preparing",
        Filed => "filed",
        Decided => "decided",
        Offer => "offer",
        Accepted => "accepted",
        Refused => "refused",
        Withdrawn => "withdrawn",
    }
}

impl StepStatus {
    /// The order of the way forward; the three ends share the last rank.
    fn rank(self) -> u8 {
        match self {
            StepStatus::Preparing => 0,
            StepStatus::Filed => 1,
            StepStatus::Decided => 2,
            StepStatus::Offer => 3,
            StepStatus::Accepted | StepStatus::Refused | StepStatus::Withdrawn => 4,
        }
    }

    /// Accepted, refused and withdrawn end a step: nothing moves it again
    /// (a new step is added instead).
    pub fn is_final(self) -> bool {
        self.rank() == 4
    }

    /// Whether a step may go from `self` to `to`: forward only (a step
    /// filed is not in preparation again, an offer not merely decided),
    /// any stage may end, a final status never moves, and staying where
    /// it is changes nothing but the step's other facts.
    pub fn may_move_to(self, to: StepStatus) -> bool {
        self == to || (!self.is_final() && to.rank() > self.rank())
    }
}

string_enum! {
    /// What the SIAO is asked for.
    SiaoDemand {
        Insertion => "insertion",
        Urgence => "urgence",
    }
}

string_enum! {
    /// What a DALO recourse asks for: a home (the commission decides within
    /// three months) or a place in a shelter (six weeks).
    Recourse {
        Logement => "logement",
        Hebergement => "hebergement",
    }
}

string_enum! {
    /// Where the mother stands when a follow-up after the exit is made.
    FollowUpOutcome {
        HousedStable => "housed_stable",
        HousedPrecarious => "housed_precarious",
        RentArrears => "rent_arrears",
        ReturnedToShelter => "returned_to_shelter",
        LostContact => "lost_contact",
    }
}

impl FollowUpOutcome {
    /// Whether the family has a home of her own then: stable or not, with
    /// arrears or not; not back in a shelter, not out of sight.
    pub fn is_housed(self) -> bool {
        matches!(
            self,
            FollowUpOutcome::HousedStable
                | FollowUpOutcome::HousedPrecarious
                | FollowUpOutcome::RentArrears
        )
    }
}

/// One line of an FSL request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FslItem {
    pub label: String,
    pub amount_cents: i64,
}

/// The facts of a step's own kind: each kind its fields, no other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepDetails {
    SiaoApplication {
        demand: SiaoDemand,
        evaluated_on: Option<NaiveDate>,
    },
    /// Its `filed_on` (on the step) is required.
    SocialHousingApplication {
        /// The latest yearly renewal.
        renewed_on: Option<NaiveDate>,
    },
    /// Its `filed_on` (on the step) is required.
    DaloRecourse {
        recourse: Recourse,
    },
    FslRequest {
        items: Vec<FslItem>,
    },
    Visale {
        /// The visa's last day: the lease must be signed by then.
        valid_until: NaiveDate,
    },
    HousingOffer {
        landlord: String,
        commune: String,
        /// T1, T2…
        typology: String,
        rent_cents: i64,
        /// Why it was refused (with the status `refused`).
        refusal_reason: Option<String>,
    },
    BailGlissant {
        landlord: String,
        sublease_starts_on: NaiveDate,
        /// The day the lease slid to the mother's name.
        slides_on: Option<NaiveDate>,
        /// The latest six-monthly review with the landlord.
        reviewed_on: Option<NaiveDate>,
    },
}

impl StepDetails {
    pub fn kind(&self) -> StepKind {
        match self {
            StepDetails::SiaoApplication { .. } => StepKind::SiaoApplication,
            StepDetails::SocialHousingApplication { .. } => StepKind::SocialHousingApplication,
            StepDetails::DaloRecourse { .. } => StepKind::DaloRecourse,
            StepDetails::FslRequest { .. } => StepKind::FslRequest,
            StepDetails::Visale { .. } => StepKind::Visale,
            StepDetails::HousingOffer { .. } => StepKind::HousingOffer,
            StepDetails::BailGlissant { .. } => StepKind::BailGlissant,
        }
    }
}

/// Declares the fields of every kind side by side, as an input carries
/// them (each given or not), and as a change carries them (each left
/// alone, set, or cleared).
macro_rules! step_fields {
    ($($(#[$meta:meta])* $field:ident: $ty:ty),+ $(,)?) => {
        /// The fields of a step's kind as an input gives them: each kind
        /// takes its own ([`StepDetails::from_fields`]) and refuses the
        /// others'.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct StepFields {
            $($(#[$meta])* pub $field: Option<$ty>,)+
        }

        /// A change of some of them: `Some(None)` clears one.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct StepFieldsPatch {
            $(pub $field: Option<Option<$ty>>,)+
        }

        impl StepFields {
            /// The names of the fields given.
            pub fn given(&self) -> Vec<&'static str> {
                let mut given = Vec::new();
                $(if self.$field.is_some() {
                    given.push(stringify!($field));
                })+
                given
            }

            /// These fields with `patch`'s changes made.
            pub fn overlay(mut self, patch: StepFieldsPatch) -> StepFields {
                $(if let Some(value) = patch.$field {
                    self.$field = value;
                })+
                self
            }
        }
    };
}

step_fields! {
    demand: SiaoDemand,
    evaluated_on: NaiveDate,
    renewed_on: NaiveDate,
    recourse: Recourse,
    items: Vec<FslItem>,
    valid_until: NaiveDate,
    landlord: String,
    commune: String,
    typology: String,
    rent_cents: i64,
    refusal_reason: String,
    sublease_starts_on: NaiveDate,
    slides_on: NaiveDate,
    reviewed_on: NaiveDate,
}

impl StepDetails {
    /// The details of a step of `kind` from the fields given: each field
    /// the kind requires must be there (`Required`), and none of another
    /// kind may be (`NotOfThisKind`).
    pub fn from_fields(
        kind: StepKind,
        mut fields: StepFields,
    ) -> Result<StepDetails, Vec<(&'static str, Refusal)>> {
        let mut refused = Vec::new();
        let mut required = |name: &'static str, present: bool| {
            if !present {
                refused.push((name, Refusal::Required));
            }
        };
        macro_rules! need {
            ($field:ident) => {{
                let value = fields.$field.take();
                required(stringify!($field), value.is_some());
                value
            }};
        }
        let details = match kind {
            StepKind::SiaoApplication => need!(demand).map(|demand| StepDetails::SiaoApplication {
                demand,
                evaluated_on: fields.evaluated_on.take(),
            }),
            StepKind::SocialHousingApplication => Some(StepDetails::SocialHousingApplication {
                renewed_on: fields.renewed_on.take(),
            }),
            StepKind::DaloRecourse => {
                need!(recourse).map(|recourse| StepDetails::DaloRecourse { recourse })
            }
            StepKind::FslRequest => need!(items).map(|items| StepDetails::FslRequest { items }),
            StepKind::Visale => {
                need!(valid_until).map(|valid_until| StepDetails::Visale { valid_until })
            }
            StepKind::HousingOffer => {
                let (landlord, commune, typology, rent_cents) = (
                    need!(landlord),
                    need!(commune),
                    need!(typology),
                    need!(rent_cents),
                );
                let refusal_reason = fields.refusal_reason.take();
                match (landlord, commune, typology, rent_cents) {
                    (Some(landlord), Some(commune), Some(typology), Some(rent_cents)) => {
                        Some(StepDetails::HousingOffer {
                            landlord,
                            commune,
                            typology,
                            rent_cents,
                            refusal_reason,
                        })
                    }
                    _ => None,
                }
            }
            StepKind::BailGlissant => {
                let (landlord, starts) = (need!(landlord), need!(sublease_starts_on));
                let (slides_on, reviewed_on) = (fields.slides_on.take(), fields.reviewed_on.take());
                match (landlord, starts) {
                    (Some(landlord), Some(sublease_starts_on)) => Some(StepDetails::BailGlissant {
                        landlord,
                        sublease_starts_on,
                        slides_on,
                        reviewed_on,
                    }),
                    _ => None,
                }
            }
        };
        for other in fields.given() {
            refused.push((
                other,
                Refusal::NotOfThisKind {
                    kind: kind.as_str(),
                },
            ));
        }
        match details {
            Some(details) if refused.is_empty() => Ok(details),
            _ => Err(refused),
        }
    }

    /// Its fields, as an input would give them.
    pub fn fields(&self) -> StepFields {
        let mut fields = StepFields::default();
        match self.clone() {
            StepDetails::SiaoApplication {
                demand,
                evaluated_on,
            } => {
                fields.demand = Some(demand);
                fields.evaluated_on = evaluated_on;
            }
            StepDetails::SocialHousingApplication { renewed_on } => fields.renewed_on = renewed_on,
            StepDetails::DaloRecourse { recourse } => fields.recourse = Some(recourse),
            StepDetails::FslRequest { items } => fields.items = Some(items),
            StepDetails::Visale { valid_until } => fields.valid_until = Some(valid_until),
            StepDetails::HousingOffer {
                landlord,
                commune,
                typology,
                rent_cents,
                refusal_reason,
            } => {
                fields.landlord = Some(landlord);
                fields.commune = Some(commune);
                fields.typology = Some(typology);
                fields.rent_cents = Some(rent_cents);
                fields.refusal_reason = refusal_reason;
            }
            StepDetails::BailGlissant {
                landlord,
                sublease_starts_on,
                slides_on,
                reviewed_on,
            } => {
                fields.landlord = Some(landlord);
                fields.sublease_starts_on = Some(sublease_starts_on);
                fields.slides_on = slides_on;
                fields.reviewed_on = reviewed_on;
            }
        }
        fields
    }
}

/// A step's facts that its due date reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFacts<'a> {
    pub status: StepStatus,
    pub filed_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub details: &'a StepDetails,
}

/// A housing step, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HousingStep {
    pub id: Uuid,
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub status: StepStatus,
    pub reference: Option<String>,
    pub filed_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub notes: Option<String>,
    pub details: StepDetails,
    pub version: i32,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl HousingStep {
    pub fn kind(&self) -> StepKind {
        self.details.kind()
    }

    pub fn facts(&self) -> StepFacts<'_> {
        StepFacts {
            status: self.status,
            filed_on: self.filed_on,
            decided_on: self.decided_on,
            details: &self.details,
        }
    }
}

/// A follow-up after an exit: owed from the exit, made later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: Uuid,
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub after_months: u32,
    pub due_on: NaiveDate,
    /// Absent while it is owed.
    pub made: Option<FollowUpMade>,
}

/// What a follow-up found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpMade {
    pub done_on: NaiveDate,
    pub outcome: FollowUpOutcome,
    pub notes: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// Whether a step, accepted, is a home: an offer or a bail glissant (an
/// FSL, a Visale or an SIAO application accepted are means, not a home).
pub fn is_a_home(kind: StepKind, status: StepStatus) -> bool {
    status == StepStatus::Accepted
        && matches!(kind, StepKind::HousingOffer | StepKind::BailGlissant)
}

/// A social-housing application lapses unless renewed every year: its
/// renewal is due one month before the anniversary of the later of its
/// filing and its latest renewal (each month clamped to its last day: filed
/// on 29 February 2028, the anniversary is 28 February 2029 and the renewal
/// due on 28 January).
pub fn social_housing_renewal_due(filed_on: NaiveDate, renewed_on: Option<NaiveDate>) -> NaiveDate {
    let latest = renewed_on.map_or(filed_on, |renewed| renewed.max(filed_on));
    months_before(add_months_clamped(latest, 12), 1)
}

/// The commission de médiation decides a DALO recourse for a home within
/// three months, for a shelter within six weeks.
pub fn dalo_decision_due(filed_on: NaiveDate, recourse: Recourse) -> NaiveDate {
    match recourse {
        Recourse::Logement => add_months_clamped(filed_on, 3),
        Recourse::Hebergement => filed_on
            .checked_add_days(Days::new(42))
            .unwrap_or(NaiveDate::MAX),
    }
}

/// A bail glissant is reviewed with the landlord every six months from the
/// sublease's start (each counted from the start, so 31 August gives
/// 28 February then 31 August): the first review after the latest one
/// recorded, or the first of all.
pub fn bail_glissant_review_due(
    sublease_starts_on: NaiveDate,
    reviewed_on: Option<NaiveDate>,
) -> NaiveDate {
    let mut n = 1;
    loop {
        let review = add_months_clamped(sublease_starts_on, 6 * n);
        if review == NaiveDate::MAX || reviewed_on.is_none_or(|last| review > last) {
            return review;
        }
        n += 1;
    }
}

/// A placement whose cap (the last day its care may last) comes within
/// `warn_months` of `as_of` with no step accepted owes a housing solution
/// by the cap: the due date is the cap, from `warn_months` before it.
pub fn no_housing_solution_due(
    cap: NaiveDate,
    as_of: NaiveDate,
    warn_months: u32,
) -> Option<NaiveDate> {
    (cap <= add_months_clamped(as_of, warn_months)).then_some(cap)
}

/// A follow-up `months` after the exit.
pub fn post_exit_follow_up_due(exited_on: NaiveDate, months: u32) -> NaiveDate {
    add_months_clamped(exited_on, months)
}

/// `day` minus `months`, clamped to the month's last day.
fn months_before(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_sub_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// What a step owes, while it owes it: a social-housing application its
/// renewal while it is alive (not accepted, refused or withdrawn); a DALO
/// recourse its decision until `decided_on` (or its withdrawal); a bail
/// glissant its next review until it slides (or it ends refused or
/// withdrawn). The other kinds owe none.
pub fn step_due(step: &StepFacts<'_>) -> Option<(DueKind, NaiveDate)> {
    let alive = !step.status.is_final();
    match step.details {
        StepDetails::SocialHousingApplication { renewed_on } if alive => step
            .filed_on
            .map(|filed| social_housing_renewal_due(filed, *renewed_on))
            .map(|due| (DueKind::SocialHousingRenewal, due)),
        StepDetails::DaloRecourse { recourse }
            if step.decided_on.is_none() && step.status != StepStatus::Withdrawn =>
        {
            step.filed_on
                .map(|filed| (DueKind::DaloDecision, dalo_decision_due(filed, *recourse)))
        }
        StepDetails::BailGlissant {
            sublease_starts_on,
            slides_on: None,
            reviewed_on,
            ..
        } if !matches!(step.status, StepStatus::Refused | StepStatus::Withdrawn) => Some((
            DueKind::BailGlissantReview,
            bail_glissant_review_due(*sublease_starts_on, *reviewed_on),
        )),
        _ => None,
    }
}

/// The months after an exit at which the family is followed up, as the
/// setting gives them: each once, in order, none zero.
pub fn follow_up_months(setting: &[u32]) -> Vec<u32> {
    let mut months: Vec<u32> = setting.iter().copied().filter(|m| *m > 0).collect();
    months.sort_unstable();
    months.dedup();
    months
}

/// A step as the activity report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedStep {
    pub kind: StepKind,
    pub status: StepStatus,
    pub filed_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
}

/// A placement's wait for a home (SPEC: "median wait from the
/// social-housing filing to an accepted offer"): from its first
/// social-housing application's filing to the day its first accepted offer
/// was accepted (`decided_on`), in days; the day of the acceptance comes
/// with it, the report's year being that day's. None without both, or
/// when the offer was accepted before the filing.
pub fn housing_wait(steps: &[CountedStep]) -> Option<(NaiveDate, i64)> {
    let filed = steps
        .iter()
        .filter(|step| step.kind == StepKind::SocialHousingApplication)
        .filter_map(|step| step.filed_on)
        .min()?;
    let accepted = steps
        .iter()
        .filter(|step| step.kind == StepKind::HousingOffer && step.status == StepStatus::Accepted)
        .filter_map(|step| step.decided_on)
        .min()?;
    (accepted >= filed).then(|| (accepted, (accepted - filed).num_days()))
}

/// The median of some waits in days (the mean of the two middle ones,
/// rounded down, for an even count); none without a wait.
pub fn median_days(mut waits: Vec<i64>) -> Option<i64> {
    waits.sort_unstable();
    let n = waits.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(waits[n / 2]),
        _ => Some((waits[n / 2 - 1] + waits[n / 2]).div_euclid(2)),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;
    use proptest::prelude::*;

    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().expect("a date")
    }

    /// Plain calendar arithmetic, written apart from chrono's: the same day
    /// `months` later (or earlier, when negative), or the month's last day
    /// when it is shorter.
    fn months_later(day: NaiveDate, months: i32) -> NaiveDate {
        let total = day.year() * 12 + day.month0() as i32 + months;
        let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        let last = [31, 30, 29, 28]
            .into_iter()
            .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())
            .expect("a month ends");
        NaiveDate::from_ymd_opt(year, month, day.day().min(last)).expect("clamped")
    }

    /// Six weeks as days counted one by one.
    fn six_weeks_later(day: NaiveDate) -> NaiveDate {
        (0..42).fold(day, |d, _| d.succ_opt().expect("a next day"))
    }

    #[test]
    fn due_dates_at_month_ends_and_29_february() {
        // Filed on 29 February: the anniversary is 28 February, the
        // renewal one month before it.
        assert_eq!(
            social_housing_renewal_due(date("2028-02-29"), None),
            date("2029-01-28")
        );
        // The later of the filing and the renewal counts.
        assert_eq!(
            social_housing_renewal_due(date("2026-03-31"), Some(date("2027-03-30"))),
            date("2028-02-29")
        );
        assert_eq!(
            social_housing_renewal_due(date("2027-03-31"), None),
            date("2028-02-29")
        );
        assert_eq!(
            dalo_decision_due(date("2027-11-30"), Recourse::Logement),
            date("2028-02-29")
        );
        // Six weeks across a month end, and across 29 February.
        assert_eq!(
            dalo_decision_due(date("2027-01-25"), Recourse::Hebergement),
            date("2027-03-08")
        );
        assert_eq!(
            dalo_decision_due(date("2028-01-25"), Recourse::Hebergement),
            date("2028-03-07")
        );
        assert_eq!(
            bail_glissant_review_due(date("2026-08-31"), None),
            date("2027-02-28")
        );
        assert_eq!(
            bail_glissant_review_due(date("2026-08-31"), Some(date("2027-02-28"))),
            date("2027-08-31")
        );
        // A late review recorded moves to the first one after it.
        assert_eq!(
            bail_glissant_review_due(date("2026-01-15"), Some(date("2027-03-01"))),
            date("2027-07-15")
        );
        // Seen on 29 February, a cap on 29 August is within six months, on
        // 31 August not yet; seen on 28 February, neither.
        assert_eq!(
            no_housing_solution_due(date("2028-08-29"), date("2028-02-29"), 6),
            Some(date("2028-08-29"))
        );
        assert_eq!(
            no_housing_solution_due(date("2028-08-31"), date("2028-02-29"), 6),
            None
        );
        assert_eq!(
            no_housing_solution_due(date("2028-08-29"), date("2028-02-28"), 6),
            None
        );
        assert_eq!(
            post_exit_follow_up_due(date("2027-11-30"), 3),
            date("2028-02-29")
        );
    }

    proptest! {
        #[test]
        fn due_dates_agree_with_plain_calendar_arithmetic(
            offset in 0u64..(366 * 8),
            gap in 0u64..800,
            reviews in 0i32..6,
            months in 1u32..13,
        ) {
            let day = date("2024-01-01") + Days::new(offset);
            let later = day + Days::new(gap);
            prop_assert_eq!(
                social_housing_renewal_due(day, Some(later)),
                months_later(months_later(later, 12), -1)
            );
            prop_assert_eq!(
                social_housing_renewal_due(later, Some(day)),
                months_later(months_later(later, 12), -1)
            );
            prop_assert_eq!(
                dalo_decision_due(day, Recourse::Logement),
                months_later(day, 3)
            );
            prop_assert_eq!(
                dalo_decision_due(day, Recourse::Hebergement),
                six_weeks_later(day)
            );
            // The first review strictly after the latest, counted from the
            // start: the start + 6 (reviews + 1) months when the latest was
            // the review of that rank.
            let reviewed = (reviews > 0).then(|| months_later(day, 6 * reviews));
            prop_assert_eq!(
                bail_glissant_review_due(day, reviewed),
                months_later(day, 6 * (reviews + 1))
            );
            // The cap `gap` days after `day`: within `months` when it is no
            // later than the same day `months` later (clamped).
            prop_assert_eq!(
                no_housing_solution_due(later, day, months),
                (later <= months_later(day, months as i32)).then_some(later)
            );
            prop_assert_eq!(
                post_exit_follow_up_due(day, months),
                months_later(day, months as i32)
            );
        }
    }

    #[test]
    fn a_step_moves_forward_and_its_end_is_final() {
        use StepStatus::*;
        assert!(Preparing.may_move_to(Filed));
        assert!(Filed.may_move_to(Offer));
        assert!(Preparing.may_move_to(Withdrawn));
        assert!(Offer.may_move_to(Accepted));
        assert!(Decided.may_move_to(Decided));
        assert!(!Filed.may_move_to(Preparing));
        assert!(!Offer.may_move_to(Decided));
        for end in [Accepted, Refused, Withdrawn] {
            assert!(end.may_move_to(end));
            for other in StepStatus::ALL.iter().filter(|s| **s != end) {
                assert!(!end.may_move_to(*other), "{end} → {other}");
            }
        }
    }

    #[test]
    fn each_kind_owes_its_own_due_date_while_it_is_open() {
        let filed = Some(date("2027-01-10"));
        let facts = |status, decided_on, details: &StepDetails| {
            step_due(&StepFacts {
                status,
                filed_on: filed,
                decided_on,
                details,
            })
        };
        let social = StepDetails::SocialHousingApplication { renewed_on: None };
        assert_eq!(
            facts(StepStatus::Filed, None, &social),
            Some((DueKind::SocialHousingRenewal, date("2027-12-10")))
        );
        assert_eq!(facts(StepStatus::Accepted, None, &social), None);
        let dalo = StepDetails::DaloRecourse {
            recourse: Recourse::Logement,
        };
        assert_eq!(
            facts(StepStatus::Filed, None, &dalo),
            Some((DueKind::DaloDecision, date("2027-04-10")))
        );
        assert_eq!(
            facts(StepStatus::Decided, Some(date("2027-03-01")), &dalo),
            None
        );
        assert_eq!(facts(StepStatus::Withdrawn, None, &dalo), None);
        let mut bail = StepDetails::BailGlissant {
            landlord: "Habitat 94".to_owned(),
            sublease_starts_on: date("2027-02-01"),
            slides_on: None,
            reviewed_on: None,
        };
        assert_eq!(
            facts(StepStatus::Accepted, None, &bail),
            Some((DueKind::BailGlissantReview, date("2027-08-01")))
        );
        if let StepDetails::BailGlissant { slides_on, .. } = &mut bail {
            *slides_on = Some(date("2028-02-01"));
        }
        assert_eq!(facts(StepStatus::Accepted, None, &bail), None);
        let offer = StepDetails::Visale {
            valid_until: date("2027-06-30"),
        };
        assert_eq!(facts(StepStatus::Decided, None, &offer), None);
    }

    #[test]
    fn a_kind_takes_its_own_fields_and_refuses_the_others() {
        let fields = StepFields {
            landlord: Some("Habitat 94".to_owned()),
            sublease_starts_on: Some(date("2027-02-01")),
            rent_cents: Some(45_000),
            ..StepFields::default()
        };
        assert_eq!(
            StepDetails::from_fields(StepKind::BailGlissant, fields.clone()),
            Err(vec![(
                "rent_cents",
                Refusal::NotOfThisKind {
                    kind: "bail_glissant"
                }
            )])
        );
        assert_eq!(
            StepDetails::from_fields(StepKind::HousingOffer, fields),
            Err(vec![
                ("commune", Refusal::Required),
                ("typology", Refusal::Required),
                (
                    "sublease_starts_on",
                    Refusal::NotOfThisKind {
                        kind: "housing_offer"
                    }
                ),
            ])
        );
        let bail = StepDetails::BailGlissant {
            landlord: "Habitat 94".to_owned(),
            sublease_starts_on: date("2027-02-01"),
            slides_on: None,
            reviewed_on: Some(date("2027-08-01")),
        };
        let changed = bail.fields().overlay(StepFieldsPatch {
            reviewed_on: Some(None),
            slides_on: Some(Some(date("2028-02-01"))),
            ..StepFieldsPatch::default()
        });
        assert_eq!(
            StepDetails::from_fields(StepKind::BailGlissant, changed),
            Ok(StepDetails::BailGlissant {
                landlord: "Habitat 94".to_owned(),
                sublease_starts_on: date("2027-02-01"),
                slides_on: Some(date("2028-02-01")),
                reviewed_on: None,
            })
        );
        for kind in StepKind::ALL {
            assert!(
                StepDetails::from_fields(*kind, StepFields::default()).is_err()
                    || *kind == StepKind::SocialHousingApplication
            );
        }
    }

    #[test]
    fn a_wait_runs_from_the_first_filing_to_the_first_accepted_offer() {
        let step = |kind, status, filed: Option<&str>, decided: Option<&str>| CountedStep {
            kind,
            status,
            filed_on: filed.map(date),
            decided_on: decided.map(date),
        };
        let mut steps = vec![
            step(
                StepKind::SocialHousingApplication,
                StepStatus::Filed,
                Some("2026-03-01"),
                None,
            ),
            step(
                StepKind::SocialHousingApplication,
                StepStatus::Withdrawn,
                Some("2026-01-31"),
                None,
            ),
            step(
                StepKind::HousingOffer,
                StepStatus::Refused,
                None,
                Some("2026-05-01"),
            ),
        ];
        assert_eq!(housing_wait(&steps), None);
        steps.push(step(
            StepKind::HousingOffer,
            StepStatus::Accepted,
            None,
            Some("2026-07-15"),
        ));
        assert_eq!(housing_wait(&steps), Some((date("2026-07-15"), 165)));
    }

    #[test]
    fn the_median_wait_and_the_follow_up_months() {
        assert_eq!(median_days(vec![]), None);
        assert_eq!(median_days(vec![300, 10, 40]), Some(40));
        assert_eq!(median_days(vec![10, 41, 40, 300]), Some(40));
        assert_eq!(follow_up_months(&[6, 3, 0, 3]), [3, 6]);
        assert!(FollowUpOutcome::RentArrears.is_housed());
        assert!(!FollowUpOutcome::ReturnedToShelter.is_housed());
        assert!(!FollowUpOutcome::LostContact.is_housed());
    }
}
