//! Families (*dossiers*): a mother and her children, and the referrals
//! (*orientations*) and placements (*prises en charge*) that concern them.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::Email;
use crate::placement::ChildBirth;
use crate::refusal::Refusal;
// Placements have their own module; these paths stay for the callers
// written before it.

string_enum! {
    /// Who referred the family: *Aide sociale à l'enfance* or *Mission hébergement logement*.
    ReferralSource { Ase => "ase", Mhl => "mhl" }
}

string_enum! {
    /// Why the family was referred.
    ReferralReason {
        Distress => "distress",
        EducationalDifficulties => "educational_difficulties",
        Other => "other",
    }
}

string_enum! {
    /// Pending referrals are the waiting list.
    ReferralStatus {
        Pending => "pending",
        Admitted => "admitted",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
}

/// The longest first or last name of a mother or a child, in characters.
pub const NAME_MAX: u64 = 100;
/// The longest phone number of a mother, in characters.
pub const PHONE_MAX: u64 = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mother {
    pub first_name: String,
    /// The name she uses.
    pub last_name: String,
    /// Her name at birth, when she uses another (SPEC "Identity and
    /// duplicates").
    pub birth_last_name: Option<String>,
    pub birth_date: NaiveDate,
    /// Where she was born: a commune, or a country.
    pub birth_place: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Mother {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// A mother from her details as typed: names trimmed, 1 to
    /// [`NAME_MAX`] characters; a birth date not after `today`; a phone of
    /// at most [`PHONE_MAX`] characters and an email address, each optional
    /// (blank is none). Every refusal is returned, named by its field.
    pub fn parse(draft: &MotherDraft, today: NaiveDate) -> Result<Mother, Vec<FieldInvalid>> {
        let mut refused = Vec::new();
        let first_name = text(&mut refused, "first_name", &draft.first_name, 1, NAME_MAX);
        let last_name = text(&mut refused, "last_name", &draft.last_name, 1, NAME_MAX);
        let birth_last_name = optional_text(
            &mut refused,
            "birth_last_name",
            draft.birth_last_name.as_deref(),
            NAME_MAX,
        );
        if draft.birth_date > today {
            refused.push(FieldInvalid::new("birth_date", Refusal::AfterToday));
        }
        let birth_place = optional_text(
            &mut refused,
            "birth_place",
            draft.birth_place.as_deref(),
            NAME_MAX,
        );
        let phone = optional_text(&mut refused, "phone", draft.phone.as_deref(), PHONE_MAX);
        let email = match draft
            .email
            .as_deref()
            .map(str::trim)
            .filter(|raw| !raw.is_empty())
        {
            None => None,
            Some(raw) => match Email::parse(raw) {
                Ok(email) => Some(email.as_str().to_owned()),
                Err(err) => {
                    refused.push(FieldInvalid::new("email", err.0));
                    None
                }
            },
        };
        if !refused.is_empty() {
            return Err(refused);
        }
        Ok(Mother {
            first_name,
            last_name,
            birth_last_name,
            birth_date: draft.birth_date,
            birth_place,
            phone,
            email,
        })
    }
}

/// A mother's details as typed, before they are checked.
#[derive(Debug, Clone)]
pub struct MotherDraft {
    pub first_name: String,
    pub last_name: String,
    pub birth_last_name: Option<String>,
    pub birth_date: NaiveDate,
    pub birth_place: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// What may change about a mother, checked and trimmed: `None` leaves a
/// detail as it is, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct MotherChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub birth_last_name: Option<Option<String>>,
    pub birth_date: Option<NaiveDate>,
    pub birth_place: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
}

/// The most children a referral names (more are added on the family's
/// file).
pub const REFERRAL_CHILDREN_MAX: u64 = 12;

/// A new family as typed: the mother and her children, before they are
/// checked.
#[derive(Debug, Clone)]
pub struct FamilyDraft {
    pub mother: MotherDraft,
    pub children: Vec<ChildDraft>,
}

/// A child to add to a family: born, or expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChild {
    pub first_name: String,
    pub last_name: Option<String>,
    pub birth: ChildBirth,
}

/// A child's details as typed, before they are checked.
#[derive(Debug, Clone)]
pub struct ChildDraft {
    pub first_name: String,
    pub last_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub expected_birth_date: Option<NaiveDate>,
}

impl NewChild {
    /// A child from her details as typed: a first name trimmed, 1 to
    /// [`NAME_MAX`] characters; a last name of at most [`NAME_MAX`],
    /// optional; exactly one of a birth date (not after `today`) and an
    /// expected birth date.
    pub fn parse(draft: &ChildDraft, today: NaiveDate) -> Result<NewChild, Vec<FieldInvalid>> {
        let mut refused = Vec::new();
        let first_name = text(&mut refused, "first_name", &draft.first_name, 1, NAME_MAX);
        let last_name = optional_text(
            &mut refused,
            "last_name",
            draft.last_name.as_deref(),
            NAME_MAX,
        );
        let birth = match (draft.birth_date, draft.expected_birth_date) {
            (Some(born), None) if born > today => {
                refused.push(FieldInvalid::new("birth_date", Refusal::AfterToday));
                None
            }
            (Some(born), None) => Some(ChildBirth::Born(born)),
            (None, Some(expected)) => Some(ChildBirth::Expected(expected)),
            _ => {
                refused.push(FieldInvalid::new("birth_date", Refusal::BirthOrExpected));
                None
            }
        };
        match birth {
            Some(birth) if refused.is_empty() => Ok(NewChild {
                first_name,
                last_name,
                birth,
            }),
            _ => Err(refused),
        }
    }
}

/// What a referral says, checked: the département's words about a family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralDetails {
    pub source: ReferralSource,
    /// The *Espace départemental des solidarités*, by its commune.
    pub eds: String,
    pub referred_on: NaiveDate,
    pub referrer_name: String,
    pub referrer_contact: String,
    pub reason: ReferralReason,
    pub reason_details: Option<String>,
}

/// A referral's details as typed, before they are checked.
#[derive(Debug, Clone)]
pub struct ReferralDraft {
    pub source: ReferralSource,
    pub eds: String,
    pub referred_on: NaiveDate,
    pub referrer_name: String,
    pub referrer_contact: String,
    pub reason: ReferralReason,
    pub reason_details: Option<String>,
}

/// The longest name of an EDS (its commune), in characters.
pub const EDS_MAX: u64 = 100;
/// The longest referrer's name, or contact, in characters.
pub const REFERRER_MAX: u64 = 200;
/// The longest details of a referral's reason, in characters.
pub const REASON_DETAILS_MAX: u64 = 5000;

impl ReferralDetails {
    /// Texts trimmed: the EDS 1 to [`EDS_MAX`] characters, the referrer's
    /// name and contact 1 to [`REFERRER_MAX`], the details at most
    /// [`REASON_DETAILS_MAX`] (blank is none); the referral not dated after
    /// `today`.
    pub fn parse(
        draft: &ReferralDraft,
        today: NaiveDate,
    ) -> Result<ReferralDetails, Vec<FieldInvalid>> {
        let mut refused = Vec::new();
        let eds = text(&mut refused, "eds", &draft.eds, 1, EDS_MAX);
        if draft.referred_on > today {
            refused.push(FieldInvalid::new("referred_on", Refusal::AfterToday));
        }
        let referrer_name = text(
            &mut refused,
            "referrer_name",
            &draft.referrer_name,
            1,
            REFERRER_MAX,
        );
        let referrer_contact = text(
            &mut refused,
            "referrer_contact",
            &draft.referrer_contact,
            1,
            REFERRER_MAX,
        );
        let reason_details = optional_text(
            &mut refused,
            "reason_details",
            draft.reason_details.as_deref(),
            REASON_DETAILS_MAX,
        );
        if !refused.is_empty() {
            return Err(refused);
        }
        Ok(ReferralDetails {
            source: draft.source,
            eds,
            referred_on: draft.referred_on,
            referrer_name,
            referrer_contact,
            reason: draft.reason,
            reason_details,
        })
    }
}

/// The longest reason given for declining or withdrawing a referral, in
/// characters.
pub const CLOSING_REASON_MAX: u64 = 2000;

pub use crate::refusal::FieldInvalid;

/// A required text, trimmed, of `min` to `max` characters.
pub(crate) fn text(
    refused: &mut Vec<FieldInvalid>,
    field: &'static str,
    raw: &str,
    min: u64,
    max: u64,
) -> String {
    let trimmed = raw.trim();
    let length = chars(trimmed);
    if length < min || length > max {
        refused.push(FieldInvalid::new(field, Refusal::Length { min, max }));
    }
    trimmed.to_owned()
}

/// An optional text, trimmed, of at most `max` characters; blank is none.
pub(crate) fn optional_text(
    refused: &mut Vec<FieldInvalid>,
    field: &'static str,
    raw: Option<&str>,
    max: u64,
) -> Option<String> {
    let trimmed = raw.map(str::trim).filter(|text| !text.is_empty())?;
    if chars(trimmed) > max {
        refused.push(FieldInvalid::new(field, Refusal::Length { min: 0, max }));
    }
    Some(trimmed.to_owned())
}

fn chars(text: &str) -> u64 {
    u64::try_from(text.chars().count()).unwrap_or(u64::MAX)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: Option<String>,
    /// Born, or expected (unborn).
    pub birth: ChildBirth,
    pub version: i32,
}

/// The most people of a family's team besides its referent.
pub const TEAM_MAX: u64 = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    pub id: Uuid,
    pub mother: Mother,
    pub children: Vec<Child>,
    /// The *référent*: the staff member who leads the family's accompaniment.
    pub referent_id: Option<Uuid>,
    /// The other staff members who work with the family.
    pub team_ids: Vec<Uuid>,
    pub current_placement_id: Option<Uuid>,
    /// The site whose team accompanies her.
    pub site_id: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Family {
    /// The people living in the apartment on `on`: the mother and the
    /// children born by then (an expected child takes no room yet).
    pub fn persons_on(&self, on: NaiveDate) -> i32 {
        let born = self
            .children
            .iter()
            .filter(|child| matches!(child.birth, ChildBirth::Born(date) if date <= on))
            .count();
        1 + i32::try_from(born).unwrap_or(i32::MAX - 1)
    }

    pub fn births(&self) -> Vec<ChildBirth> {
        self.children.iter().map(|child| child.birth).collect()
    }

    /// Whether `user_id` is the referent or in the team.
    pub fn is_assigned(&self, user_id: Uuid) -> bool {
        self.referent_id == Some(user_id) || self.team_ids.contains(&user_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: Uuid,
    pub family_id: Uuid,
    pub source: ReferralSource,
    /// The *Espace départemental des solidarités*, named by its commune.
    pub eds: String,
    pub referred_on: NaiveDate,
    pub referrer_name: String,
    pub referrer_contact: String,
    pub reason: ReferralReason,
    pub reason_details: Option<String>,
    pub status: ReferralStatus,
    /// Why it was declined or withdrawn.
    pub closed_reason: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::ExitDestination;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().expect("date")
    }

    #[test]
    fn a_mother_is_trimmed_and_checked_field_by_field() {
        let today = day("2026-11-26");
        let draft = MotherDraft {
            first_name: "  Awa ".into(),
            last_name: "Diallo".into(),
            birth_last_name: Some(" ".into()),
            birth_date: day("2001-05-17"),
            birth_place: Some(" Bamako ".into()),
            phone: Some("  ".into()),
            email: Some(" Awa@Example.org ".into()),
        };
        let mother = Mother::parse(&draft, today).expect("valid");
        assert_eq!(mother.first_name, "Awa");
        assert_eq!(mother.phone, None, "blank is none");
        assert_eq!(mother.birth_last_name, None, "blank is none");
        assert_eq!(mother.birth_place.as_deref(), Some("Bamako"));
        assert_eq!(mother.email.as_deref(), Some("awa@example.org"));
        assert_eq!(mother.full_name(), "Awa Diallo");
        let at_the_bounds = MotherDraft {
            first_name: "A".into(),
            last_name: "x".repeat(100),
            birth_last_name: Some("y".repeat(100)),
            birth_date: today,
            birth_place: None,
            phone: Some("0".repeat(40)),
            email: None,
        };
        assert!(Mother::parse(&at_the_bounds, today).is_ok());
        let refused = Mother::parse(
            &MotherDraft {
                first_name: "   ".into(),
                last_name: "x".repeat(101),
                birth_last_name: Some("y".repeat(101)),
                birth_date: day("2026-11-27"),
                birth_place: Some("z".repeat(101)),
                phone: Some("0".repeat(41)),
                email: Some("not-an-email".into()),
            },
            today,
        )
        .expect_err("refused");
        let fields: Vec<&str> = refused.iter().map(|refusal| refusal.field).collect();
        assert_eq!(
            fields,
            [
                "first_name",
                "last_name",
                "birth_last_name",
                "birth_date",
                "birth_place",
                "phone",
                "email"
            ]
        );
    }

    #[test]
    fn a_referral_is_trimmed_dated_and_bounded() {
        let today = day("2026-11-26");
        let draft = ReferralDraft {
            source: ReferralSource::Ase,
            eds: " Alfortville ".into(),
            referred_on: today,
            referrer_name: "EDS d'Alfortville".into(),
            referrer_contact: "01 00 00 00 00".into(),
            reason: ReferralReason::Distress,
            reason_details: Some(String::new()),
        };
        let details = ReferralDetails::parse(&draft, today).expect("valid");
        assert_eq!(details.eds, "Alfortville");
        assert_eq!(details.reason_details, None);
        let long = "x".repeat(5001);
        let refused = ReferralDetails::parse(
            &ReferralDraft {
                eds: " ".into(),
                referred_on: day("2026-11-27"),
                referrer_name: long[..201].to_owned(),
                referrer_contact: String::new(),
                reason_details: Some(long.clone()),
                ..draft
            },
            today,
        )
        .expect_err("refused");
        let fields: Vec<&str> = refused.iter().map(|refusal| refusal.field).collect();
        assert_eq!(
            fields,
            [
                "eds",
                "referred_on",
                "referrer_name",
                "referrer_contact",
                "reason_details"
            ]
        );
    }

    #[test]
    fn a_child_is_born_or_expected_never_both() {
        let today = day("2026-11-26");
        let draft = |born, expected| ChildDraft {
            first_name: "Inaya".into(),
            last_name: Some(" ".into()),
            birth_date: born,
            expected_birth_date: expected,
        };
        let child = NewChild::parse(&draft(Some(today), None), today).expect("born today");
        assert_eq!(child.birth, ChildBirth::Born(today));
        assert_eq!(child.last_name, None);
        assert!(NewChild::parse(&draft(None, Some(day("2027-03-01"))), today).is_ok());
        for (born, expected) in [
            (Some(day("2026-11-27")), None),
            (Some(today), Some(day("2027-03-01"))),
            (None, None),
        ] {
            let refused = NewChild::parse(&draft(born, expected), today).expect_err("refused");
            assert_eq!(refused[0].field, "birth_date");
        }
        let unnamed = ChildDraft {
            first_name: " ".into(),
            ..draft(Some(today), None)
        };
        let refused = NewChild::parse(&unnamed, today).expect_err("no first name");
        assert_eq!(refused[0].field, "first_name");
    }

    /// Awa Diallo, a child born on 2025-09-01 and one expected on 2026-12-20.
    fn family(referent_id: Option<Uuid>, team_ids: Vec<Uuid>) -> Family {
        let child = |birth| Child {
            id: Uuid::nil(),
            first_name: "Inaya".into(),
            last_name: None,
            birth,
            version: 1,
        };
        Family {
            id: Uuid::nil(),
            mother: Mother {
                first_name: "Awa".into(),
                last_name: "Diallo".into(),
                birth_last_name: None,
                birth_date: day("2001-05-17"),
                birth_place: None,
                phone: None,
                email: None,
            },
            children: vec![
                child(ChildBirth::Born(day("2025-09-01"))),
                child(ChildBirth::Expected(day("2026-12-20"))),
            ],
            referent_id,
            team_ids,
            current_placement_id: None,
            site_id: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
        }
    }

    #[test]
    fn an_apartment_holds_the_mother_and_the_children_born_by_then() {
        let family = family(None, Vec::new());
        assert_eq!(family.persons_on(day("2025-08-31")), 1);
        assert_eq!(family.persons_on(day("2025-09-01")), 2);
        assert_eq!(
            family.persons_on(day("2027-01-01")),
            2,
            "expected: no room yet"
        );
        assert_eq!(
            family.births(),
            [
                ChildBirth::Born(day("2025-09-01")),
                ChildBirth::Expected(day("2026-12-20"))
            ]
        );
    }

    #[test]
    fn the_referent_and_the_team_are_assigned_to_a_family_no_one_else() {
        let [referent, member, stranger] = [1, 2, 3].map(Uuid::from_u128);
        let cases = [
            (family(Some(referent), vec![member]), referent, true),
            (family(Some(referent), vec![member]), member, true),
            (family(Some(referent), vec![member]), stranger, false),
            (family(None, vec![member]), member, true),
            (family(None, vec![member]), stranger, false),
            (family(Some(referent), Vec::new()), referent, true),
            (family(None, Vec::new()), stranger, false),
        ];
        for (family, user, assigned) in cases {
            assert_eq!(
                family.is_assigned(user),
                assigned,
                "{user} in {:?} + {:?}",
                family.referent_id,
                family.team_ids
            );
        }
    }

    #[test]
    fn vocabularies_round_trip_and_refuse_strangers() {
        for source in ReferralSource::ALL {
            assert_eq!(source.as_str().parse::<ReferralSource>(), Ok(*source));
        }
        for destination in ExitDestination::ALL {
            assert_eq!(
                destination.as_str().parse::<ExitDestination>(),
                Ok(*destination)
            );
        }
        let refused = "asE".parse::<ReferralSource>().expect_err("unknown");
        assert_eq!(refused.to_string(), "must be one of ase, mhl");
        assert_eq!(
            serde_json_like(ReferralReason::EducationalDifficulties),
            "educational_difficulties"
        );
    }

    fn serde_json_like(reason: ReferralReason) -> String {
        reason.to_string()
    }
}
