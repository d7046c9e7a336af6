//! Why a value of an input is refused: one variant per rule, with its
//! English (what the API answers, in a problem's `errors`) and its French
//! (what the pages show next to the field), each written once, here. The
//! pages never read the English: a refusal is a value, not a sentence.
//!
//! A rule that reads the same in English in two places but means two
//! things is two variants: "must not be before the admission" refuses an
//! exit date, a move and a project's date, and the pages say which.

use chrono::NaiveDate;

use crate::time_of_day::TimeOfDay;

/// The rule one field of an input breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    // Presence and bounds.
    /// A required field is missing.
    Required,
    /// A text holds only spaces.
    Blank,
    /// A text of `min` to `max` characters (at most `max` when `min` is 0).
    Length { min: u64, max: u64 },
    /// A whole number from `min` to `max`, in `unit`.
    Range { min: i64, max: i64, unit: Unit },
    /// A number between `min` and `max` (a setting, a limit, a horizon).
    Between { min: i64, max: i64 },
    /// A surface in square metres: more than 0, at most `max`.
    Surface { max: i64 },
    /// A year from `min` to `max`.
    Year { min: i32, max: i32 },
    /// A list of `min` to `max` items (at most `max` when `min` is 0).
    Count { min: u64, max: u64, of: Counted },
    /// The crèche's opening days: 1 to 7 different ISO weekdays.
    OpeningDays,
    /// One of a vocabulary's names.
    OneOf { names: Vec<&'static str> },
    /// An email address.
    Email,
    /// A text with a control character in it.
    ControlCharacter,
    /// A pagination cursor nido did not give.
    Cursor,
    /// A value the database cannot hold (a date in year -5000).
    OutOfRange,

    // Dates and times.
    /// A day after today.
    AfterToday,
    /// An instant after now.
    InFuture,
    /// An admission before its referral.
    AdmissionBeforeReferral,
    /// An exit before the admission.
    ExitBeforeAdmission,
    /// A move before the admission.
    MoveBeforeAdmission,
    /// A contract's or a review's day before the admission.
    ProjectBeforeAdmission,
    /// A move on or before the day the family moved into its current unit.
    MoveBeforeCurrentUnit,
    /// A lease that ends before it starts.
    LeaseEndsBeforeStart,
    /// A range of days whose end is before its start.
    RangeEndsBeforeStart,
    /// A range of more than `max_days` days.
    RangeTooLong { max_days: i64 },
    /// A repeated booking that ends before its first day.
    RepeatEndsBeforeDay,
    /// A repeated booking that goes on past `weeks` weeks.
    RepeatTooLong { weeks: i64 },
    /// The authority notified before the incident happened.
    NotifiedBeforeIncident,
    /// A contract signed before it was handed over.
    SignedBeforeDelivered,
    /// A signed contract without the day it was handed over.
    DeliveredRequiredWhenSigned,
    /// A review before the latest one, held on `last`.
    BeforeLatestReview { last: NaiveDate },
    /// An objective's target before the review that sets it.
    TargetBeforeReview,
    /// A time that is not on a quarter hour (a booking's, a workshop's).
    QuarterHour,
    /// An opening time that is not on a quarter hour (the settings').
    SettingQuarterHour,
    /// A booking outside the crèche's opening hours.
    OutsideOpeningHours { opens: TimeOfDay, closes: TimeOfDay },
    /// An end at or before the start.
    EndsBeforeStart,
    /// A departure at or before the arrival.
    LeavesBeforeArrival,
    /// A closing time at or before the opening time.
    ClosesBeforeOpening,
    /// A maximum age not above the minimum.
    MaxAgeNotAboveMin,
    /// A time of a slot, written HH:MM from 00:00 to 24:00.
    TimeWritten,
    /// A time past 24:00.
    TimeOutOfDay,
    /// A time of day, written HH:MM from 00:00 to 23:59.
    TimeOfDayWritten,
    /// A month, written YYYY-MM.
    MonthWritten,
    /// An id that is not a UUID.
    IdWritten,

    // The family and its people.
    /// Both a birth date and an expected one.
    BirthAndExpected,
    /// Neither or both of a birth date and an expected one.
    BirthOrExpected,
    /// An expected birth for a child already born.
    AlreadyBorn,
    /// Neither or both of a new family and an existing one.
    FamilyOrFamilyId,
    /// A family nido does not hold.
    NoSuchFamily,
    /// A pair of files that is not two different files.
    TwoFiles,
    /// A search with neither a name nor a birth date.
    NameOrBirthDate,
    /// A confirmation of a new file for a family nido knows.
    ConfirmNewForKnown,
    /// A child of another family.
    NotAChildOfTheFamily,
    /// A field of another kind of housing step.
    NotOfThisKind { kind: &'static str },
    /// A housing step decided before it was filed.
    DecidedBeforeFiled,
    /// A social-housing application renewed before it was filed.
    RenewedBeforeFiled,
    /// A bail glissant slid, or was reviewed, before its sublease began.
    BeforeSublease,
    /// A refusal's reason on an offer that was not refused.
    ReasonWithoutRefusal,
    /// The step an exit names is not an accepted step of the placement.
    NotAnAcceptedStep,
    /// A follow-up month the exit does not owe.
    NotAFollowUpMonth { months: Vec<u32> },
    /// A follow-up made before the exit.
    FollowUpBeforeExit,
    /// A placement that is not one of the family's.
    NotAPlacementOfTheFamily,
    /// A child not born yet, where a born one is needed.
    NotBornYet,
    /// A workshop's child must be of the family and born by its day.
    NotAWorkshopChild,
    /// A family that does not take part in the workshop.
    NotAParticipant,

    // The team.
    /// Someone who is not an active staff member or coordinator.
    NotActiveStaff,
    /// Someone off the family's team.
    NotOnTheTeam,
    /// Actions given with a change of their intervention: each is changed
    /// on its own.
    ActionsChangedApart,
    /// A restricted intervention's action given to someone neither its
    /// author nor present.
    NotAuthorOrPresent,

    // Housing.
    /// A landlord nido does not hold.
    NoSuchLandlord,
    /// A housing unit nido does not hold.
    NoSuchUnit,

    // Sites.
    /// A site the installation does not have.
    NoSuchSite,
    /// A site the caller (an admin) does not belong to, given or taken
    /// away.
    NotYourSite,
    /// Left out by a caller who belongs to several sites.
    RequiredWithSeveralSites,
    /// A site other than the family's, for a family nido knows.
    NotTheFamilysSite,
    /// Someone who does not belong to the family's site.
    NotOfTheFamilysSite,
    /// Another site for a housing unit, which stays in its own.
    UnitStaysInItsSite,

    // The crèche and the workshops.
    /// A booking on a day the crèche is closed.
    CrecheClosed,
    /// A booking on a day the family's placement does not cover.
    NoActivePlacement { day: NaiveDate },
    /// A child too young or too old for the crèche on `day`.
    CrecheAge {
        age_months: i32,
        day: NaiveDate,
        min_months: i32,
        max_months: i32,
    },
    /// A presence noted before the booked day.
    DayNotCome,
    /// An absence with times, or a presence without.
    AbsentOrTimes,
    /// `absent` given as false.
    AbsentMustBeTrue,
    /// Neither times nor an absence.
    TimesOrAbsent,
    /// Times and an absence together.
    TimesOrAbsentAlone,
    /// One of arrival and departure without the other.
    RequiredWith { other: &'static str },

    // Accounts.
    /// A password outside `min` to `max` characters.
    PasswordLength { min: u64, max: u64 },
    /// A password too easy to guess.
    PasswordTooEasy,
    /// Not the caller's current password.
    NotYourPassword,
    /// A new password equal to the current one.
    SamePassword,
    /// A forgotten password's link that expired, was used, or was never
    /// given.
    ResetLinkInvalid,
    /// An authenticator code that is not the current one.
    WrongCode,
    /// A code that is neither an authenticator's nor a recovery code.
    InvalidCode,
}

/// What a [`Refusal::Range`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A bare number.
    None,
    /// A duration in minutes.
    Minutes,
    /// An amount in euro cents (said in euros in French).
    Cents,
    /// A housing unit's occupants (a bare number in English).
    Occupants,
    /// A workshop's families.
    Families,
}

/// What a [`Refusal::Count`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    People,
    Children,
    Actions,
    Objectives,
    /// The lines of an FSL request.
    Lines,
    Sites,
}

impl Counted {
    fn english(self) -> &'static str {
        match self {
            Counted::People => "people",
            Counted::Children => "children",
            Counted::Actions => "actions",
            Counted::Objectives => "objectives",
            Counted::Lines => "lines",
            Counted::Sites => "sites",
        }
    }

    fn french(self) -> &'static str {
        match self {
            Counted::People => "personnes",
            Counted::Children => "enfants",
            Counted::Actions => "actions de suivi",
            Counted::Objectives => "objectifs",
            Counted::Lines => "lignes",
            Counted::Sites => "établissements",
        }
    }
}

impl Refusal {
    /// The API's words, as in a problem's `errors[].message`.
    pub fn english(&self) -> String {
        use Refusal::*;
        let fixed = match self {
            Required => "is required",
            Blank => "must not be blank",
            Length { min: 0, max } => return format!("must be at most {max} characters"),
            Length { min, max } => return format!("must be {min} to {max} characters"),
            Range { min, max, unit } => {
                let unit = match unit {
                    Unit::None | Unit::Occupants => "",
                    Unit::Minutes => " minutes",
                    Unit::Cents => " cents",
                    Unit::Families => " families",
                };
                return format!("must be {min} to {max}{unit}");
            }
            Between { min, max } => return format!("must be between {min} and {max}"),
            Surface { max } => return format!("must be more than 0 and at most {max}"),
            Year { min, max } => return format!("must be a year from {min} to {max}"),
            Count { min: 0, max, of } => {
                return format!("must list at most {max} {}", of.english());
            }
            Count { min, max, of } => {
                return format!("must list {min} to {max} {}", of.english());
            }
            OpeningDays => "must list 1 to 7 different ISO weekdays (1 Monday to 7 Sunday)",
            OneOf { names } => return format!("must be one of {}", names.join(", ")),
            Email => "must be an email address",
            ControlCharacter => "must not contain control characters",
            Cursor => "is not a cursor this API gave",
            OutOfRange => "a date, time, number or character is out of the supported range",
            AfterToday => "must not be after today",
            InFuture => "must not be in the future",
            AdmissionBeforeReferral => "must not be before the referral",
            ExitBeforeAdmission | MoveBeforeAdmission | ProjectBeforeAdmission => {
                "must not be before the admission"
            }
            MoveBeforeCurrentUnit => "must be after the day the family moved into its current unit",
            LeaseEndsBeforeStart => "must not be before starts_on",
            RangeEndsBeforeStart => "must not be before from",
            RangeTooLong { max_days } => {
                return format!("the range may cover at most {max_days} days");
            }
            RepeatEndsBeforeDay => "must not be before on",
            RepeatTooLong { weeks } => return format!("must be at most {weeks} weeks after on"),
            NotifiedBeforeIncident => "must not be before occurred_at",
            SignedBeforeDelivered => "must not be before delivered_on",
            DeliveredRequiredWhenSigned => "is required once the contract is signed",
            BeforeLatestReview { last } => {
                return format!("must not be before the latest review, on {last}");
            }
            TargetBeforeReview => "must not be before reviewed_on",
            QuarterHour => "must be on a quarter hour (:00, :15, :30, :45)",
            SettingQuarterHour => "must be on a quarter hour",
            OutsideOpeningHours { opens, closes } => {
                return format!("must be within opening hours, {opens} to {closes}");
            }
            EndsBeforeStart => "must be after starts_at",
            LeavesBeforeArrival => "must be after arrived_at",
            ClosesBeforeOpening => "must be after opens_at",
            MaxAgeNotAboveMin => "must be more than min_age_months",
            TimeWritten => "must be a time written HH:MM, from 00:00 to 24:00",
            TimeOutOfDay => "must be a time from 00:00 to 24:00",
            TimeOfDayWritten => "must be a time of day written HH:MM, 00:00 to 23:59",
            MonthWritten => "must be a month written YYYY-MM",
            IdWritten => "must be an id (a UUID)",
            BirthAndExpected => "give at most one of birth_date and expected_birth_date",
            BirthOrExpected => "give exactly one of birth_date and expected_birth_date",
            AlreadyBorn => "the child is already born",
            FamilyOrFamilyId => "give exactly one of family and family_id",
            NoSuchFamily => "no such family",
            TwoFiles => "must name two different files",
            NameOrBirthDate => "give a name or a birth_date",
            ConfirmNewForKnown => "is given only with a new family",
            NotAChildOfTheFamily => "is not a child of this family",
            NotOfThisKind { kind } => return format!("is not a field of a {kind} step"),
            DecidedBeforeFiled => "must not be before filed_on",
            RenewedBeforeFiled => "must not be before filed_on",
            BeforeSublease => "must not be before sublease_starts_on",
            ReasonWithoutRefusal => "is given only with the status refused",
            NotAnAcceptedStep => "must be an accepted housing step of this placement",
            NotAFollowUpMonth { months } => {
                let months: Vec<String> = months.iter().map(u32::to_string).collect();
                return format!(
                    "must be one of the months owed after the exit: {}",
                    months.join(", ")
                );
            }
            FollowUpBeforeExit => "must not be before the exit",
            NotAPlacementOfTheFamily => "is not a placement of this family",
            NotBornYet => "is not born yet",
            NotAWorkshopChild => "must be a child of this family, born by the workshop's day",
            NotAParticipant => "does not take part in this workshop",
            NotActiveStaff => "must be an active staff member or coordinator",
            NotOnTheTeam => {
                "must be on the family's team (its referent or a member) or a coordinator"
            }
            NotAuthorOrPresent => "must be the author or present: the intervention is restricted",
            ActionsChangedApart => "actions are changed through /actions/{id}",
            NoSuchLandlord => "no such landlord",
            NoSuchUnit => "no such housing unit",
            NoSuchSite => "no such site",
            NotYourSite => "must be a site you belong to",
            RequiredWithSeveralSites => "is required when you belong to several sites",
            NotTheFamilysSite => "must be the family's site",
            NotOfTheFamilysSite => "must belong to the family's site",
            UnitStaysInItsSite => "cannot change: a unit stays in its site",
            CrecheClosed => "the crèche is closed that day",
            NoActivePlacement { day } => {
                return format!("the family has no placement active on {day}");
            }
            CrecheAge {
                age_months,
                day,
                min_months,
                max_months,
            } => {
                return format!(
                    "the child is {age_months} months old on {day}; the crèche takes children from {min_months} months up to {max_months} months"
                );
            }
            DayNotCome => "the booked day has not come yet",
            AbsentOrTimes => "give either absent or arrived_at and left_at",
            AbsentMustBeTrue => "must be true; a presence gives arrived_at and left_at",
            TimesOrAbsent => "give arrived_at and left_at, or absent: true",
            TimesOrAbsentAlone => "give either arrived_at and left_at, or absent: true alone",
            RequiredWith { other } => return format!("is required with {other}"),
            PasswordLength { min, max } => return format!("must be {min} to {max} characters"),
            PasswordTooEasy => "is too easy to guess; use a longer phrase of unrelated words",
            NotYourPassword => "is not your password",
            SamePassword => "must differ from the current password",
            ResetLinkInvalid => {
                "is not a valid link: it expired, was used already, or was never sent; ask for a new one"
            }
            WrongCode => "is not the code the app shows now",
            InvalidCode => "is not a valid code",
        };
        fixed.to_owned()
    }

    /// The pages' words: one French sentence a social worker reads next to
    /// the field.
    pub fn french(&self) -> String {
        use Refusal::*;
        let fixed = match self {
            Required => "Ce champ est obligatoire.",
            Blank => "Ce champ ne peut pas être vide.",
            Length { min: 0, max } => return format!("{} caractères au plus.", number(*max)),
            Length { min, max } => {
                return format!("Doit compter de {min} à {} caractères.", number(*max));
            }
            Range { min, max, unit } => {
                return match unit {
                    Unit::None => format!("De {} à {}.", signed(*min), signed(*max)),
                    Unit::Minutes => format!("Entre {min} et {max} minutes."),
                    Unit::Cents => format!("De {} à {}.", euros(*min), euros(*max)),
                    Unit::Occupants => format!("De {min} à {max} personnes."),
                    Unit::Families => format!("De {min} à {max} familles."),
                };
            }
            Between { min, max } => return format!("Entre {} et {}.", signed(*min), signed(*max)),
            Surface { max } => return format!("Plus de 0 et au plus {} m².", signed(*max)),
            Year { min, max } => return format!("Indiquez une année de {min} à {max}."),
            Count { min: 0, max, of } => return format!("{max} {} au plus.", of.french()),
            Count {
                min,
                max,
                of: Counted::People,
            } => return format!("Cochez de {min} à {max} personnes."),
            Count { min, max, of } => return format!("De {min} à {max} {}.", of.french()),
            OpeningDays => "Choisissez de 1 à 7 jours d'ouverture.",
            OneOf { .. } => "Choisissez une des valeurs proposées.",
            Email => "Indiquez une adresse électronique valide.",
            ControlCharacter => "Ce texte contient des caractères invalides.",
            Cursor => "Ce lien de page n'est plus valable : repartez de la première page.",
            OutOfRange => {
                "Une date, une heure, un nombre ou un caractère sort des limites prises en charge."
            }
            AfterToday => "La date ne peut pas être postérieure à aujourd'hui.",
            InFuture => "Ce moment ne peut pas être dans le futur.",
            AdmissionBeforeReferral => "La date d'admission ne peut pas précéder l'orientation.",
            ExitBeforeAdmission => "La date de sortie ne peut pas précéder l'admission.",
            MoveBeforeAdmission => "Le déménagement ne peut pas précéder l'admission.",
            ProjectBeforeAdmission => "Cette date ne peut pas précéder l'admission.",
            MoveBeforeCurrentUnit => {
                "Le déménagement doit suivre l'entrée dans le logement actuel."
            }
            LeaseEndsBeforeStart => "La fin du bail ne peut pas précéder son début.",
            RangeEndsBeforeStart => "La fin ne peut pas précéder le début.",
            RangeTooLong { max_days } => {
                return format!("La période couvre au plus {} jours.", signed(*max_days));
            }
            RepeatEndsBeforeDay => "Cette date ne peut pas précéder le jour réservé.",
            RepeatTooLong { weeks } => {
                return format!("{weeks} semaines au plus après le jour réservé.");
            }
            NotifiedBeforeIncident => "L'autorité ne peut pas avoir été avisée avant l'événement.",
            SignedBeforeDelivered => "Le contrat ne peut pas être signé avant d'avoir été remis.",
            DeliveredRequiredWhenSigned => "Indiquez le jour de la remise : le contrat est signé.",
            BeforeLatestReview { last } => {
                return format!(
                    "Ce bilan ne peut pas précéder le dernier, du {}.",
                    last.format("%d/%m/%Y")
                );
            }
            TargetBeforeReview => "L'échéance d'un objectif ne peut pas précéder le bilan.",
            QuarterHour => "Choisissez une heure au quart d'heure (:00, :15, :30, :45).",
            SettingQuarterHour => "Choisissez une heure au quart d'heure.",
            OutsideOpeningHours { opens, closes } => {
                return format!("En dehors des heures d'ouverture ({opens} à {closes}).");
            }
            EndsBeforeStart => "L'heure de fin doit suivre l'heure de début.",
            LeavesBeforeArrival => "L'heure de départ doit suivre l'heure d'arrivée.",
            ClosesBeforeOpening => "La fermeture doit suivre l'ouverture.",
            MaxAgeNotAboveMin => "L'âge maximal doit dépasser l'âge minimal.",
            TimeWritten | TimeOfDayWritten => "Indiquez une heure, par exemple 09:30.",
            TimeOutOfDay => "Indiquez une heure de 00:00 à 24:00.",
            MonthWritten => "Indiquez un mois, par exemple 2026-03.",
            IdWritten => "Choisissez une valeur de la liste.",
            BirthAndExpected | BirthOrExpected => {
                "Indiquez soit la date de naissance, soit la date prévue."
            }
            AlreadyBorn => "L'enfant est déjà né.",
            FamilyOrFamilyId => "Indiquez la famille.",
            NoSuchFamily => "Cette famille est inconnue.",
            TwoFiles => "Choisissez deux dossiers différents.",
            NameOrBirthDate => "Indiquez un nom ou une date de naissance.",
            ConfirmNewForKnown => "Ne confirmez un nouveau dossier que pour une nouvelle famille.",
            NotAChildOfTheFamily => "Cet enfant n'est pas de cette famille.",
            NotOfThisKind { .. } => "Ce champ ne concerne pas ce type de démarche.",
            DecidedBeforeFiled => "La décision ne peut pas précéder le dépôt.",
            RenewedBeforeFiled => "Le renouvellement ne peut pas précéder le dépôt.",
            BeforeSublease => "Cette date ne peut pas précéder le début de la sous-location.",
            ReasonWithoutRefusal => "Le motif ne s'indique que pour une proposition refusée.",
            NotAnAcceptedStep => "Choisissez une démarche acceptée de cette prise en charge.",
            NotAFollowUpMonth { months } => {
                let months: Vec<String> = months.iter().map(u32::to_string).collect();
                return format!(
                    "Choisissez un suivi prévu après la sortie : {} mois.",
                    months.join(" ou ")
                );
            }
            FollowUpBeforeExit => "Le suivi ne peut pas précéder la sortie.",
            NotAPlacementOfTheFamily => "Cette prise en charge n'est pas celle de cette famille.",
            NotBornYet => "Cet enfant n'est pas encore né.",
            NotAWorkshopChild => {
                "Choisissez un enfant de cette famille, né au plus tard le jour de l'atelier."
            }
            NotActiveStaff => "Doit être un membre actif de l'équipe ou de la coordination.",
            NotOnTheTeam => {
                "Doit faire partie de l'équipe de la famille (référent ou membre) ou de la coordination."
            }
            NotAuthorOrPresent => {
                "L'intervention est restreinte : confiez l'action à son auteur ou à une personne présente."
            }
            NotAParticipant => "Cette famille ne participe pas à cet atelier.",
            ActionsChangedApart => "Les actions de suivi se modifient une à une.",
            NoSuchLandlord => "Ce bailleur est inconnu.",
            NoSuchUnit => "Ce logement est inconnu.",
            NoSuchSite => "Ce site est inconnu.",
            NotYourSite => "Doit être un établissement auquel vous appartenez.",
            RequiredWithSeveralSites => "À préciser : vous appartenez à plusieurs établissements.",
            NotTheFamilysSite => "Doit être le site de la famille.",
            NotOfTheFamilysSite => "Doit appartenir au site de la famille.",
            UnitStaysInItsSite => "Ne peut pas changer : un logement reste dans son site.",
            CrecheClosed => "La crèche est fermée ce jour-là.",
            NoActivePlacement { .. } => {
                "La famille n'a pas de prise en charge en cours ce jour-là."
            }
            CrecheAge {
                age_months,
                min_months,
                max_months,
                ..
            } => {
                return format!(
                    "L'enfant aura {age_months} mois ce jour-là ; la crèche accueille les enfants de {min_months} mois jusqu'à {max_months} mois."
                );
            }
            DayNotCome => {
                "Ce jour n'est pas encore arrivé : la présence se note le jour même ou après."
            }
            AbsentOrTimes | AbsentMustBeTrue | TimesOrAbsent | TimesOrAbsentAlone => {
                "Indiquez l'heure d'arrivée et l'heure de départ, ou l'absence."
            }
            RequiredWith { .. } => "Indiquez l'heure d'arrivée et l'heure de départ ensemble.",
            PasswordLength { min, max } => {
                return format!("Le mot de passe doit compter de {min} à {max} caractères.");
            }
            PasswordTooEasy => {
                "Ce mot de passe est trop facile à deviner : préférez une suite de mots sans rapport entre eux."
            }
            NotYourPassword => "Ce n'est pas votre mot de passe actuel.",
            SamePassword => "Le nouveau mot de passe doit être différent de l'actuel.",
            ResetLinkInvalid => {
                "Ce lien n'est plus valable : il a expiré, a déjà servi ou n'a jamais été envoyé. Demandez-en un nouveau."
            }
            WrongCode => "Ce n'est pas le code que l'application affiche en ce moment.",
            InvalidCode => "Ce code n'est pas valide.",
        };
        fixed.to_owned()
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
    }
}

/// A whole number as French writes it: groups of three digits apart
/// ("3 660", "10 000").
fn number(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    grouped
}

fn signed(value: i64) -> String {
    if value < 0 {
        format!("-{}", number(value.unsigned_abs()))
    } else {
        number(value.unsigned_abs())
    }
}

/// An amount of cents in euros: "100 000 €", "12,50 €".
fn euros(cents: i64) -> String {
    let whole = signed(cents / 100);
    match (cents % 100).unsigned_abs() {
        0 => format!("{whole} €"),
        rest => format!("{whole},{rest:02} €"),
    }
}

/// A field refused while building a value, named within that value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInvalid {
    pub field: &'static str,
    pub refusal: Refusal,
}

impl FieldInvalid {
    pub fn new(field: &'static str, refusal: Refusal) -> Self {
        Self { field, refusal }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().expect("date")
    }

    fn every() -> Vec<Refusal> {
        use Refusal::*;
        let time = |raw: &str| raw.parse::<TimeOfDay>().expect("time");
        vec![
            Required,
            Blank,
            Length { min: 0, max: 254 },
            Length { min: 1, max: 200 },
            Range {
                min: 1,
                max: 1440,
                unit: Unit::Minutes,
            },
            Range {
                min: 0,
                max: 10_000_000,
                unit: Unit::Cents,
            },
            Range {
                min: 1,
                max: 20,
                unit: Unit::Occupants,
            },
            Range {
                min: 1,
                max: 30,
                unit: Unit::Families,
            },
            Range {
                min: 1,
                max: 9,
                unit: Unit::None,
            },
            Between { min: 0, max: 3660 },
            Surface { max: 1000 },
            Year {
                min: 2000,
                max: 2100,
            },
            Count {
                min: 1,
                max: 20,
                of: Counted::People,
            },
            Count {
                min: 0,
                max: 12,
                of: Counted::Children,
            },
            Count {
                min: 0,
                max: 20,
                of: Counted::Actions,
            },
            Count {
                min: 1,
                max: 30,
                of: Counted::Objectives,
            },
            OpeningDays,
            OneOf {
                names: vec!["ase", "mhl"],
            },
            Email,
            ControlCharacter,
            Cursor,
            OutOfRange,
            AfterToday,
            InFuture,
            AdmissionBeforeReferral,
            ExitBeforeAdmission,
            MoveBeforeAdmission,
            ProjectBeforeAdmission,
            MoveBeforeCurrentUnit,
            LeaseEndsBeforeStart,
            RangeEndsBeforeStart,
            RangeTooLong { max_days: 3660 },
            RepeatEndsBeforeDay,
            RepeatTooLong { weeks: 26 },
            NotifiedBeforeIncident,
            SignedBeforeDelivered,
            DeliveredRequiredWhenSigned,
            BeforeLatestReview {
                last: day("2026-03-02"),
            },
            TargetBeforeReview,
            QuarterHour,
            SettingQuarterHour,
            OutsideOpeningHours {
                opens: time("08:30"),
                closes: time("18:00"),
            },
            EndsBeforeStart,
            LeavesBeforeArrival,
            ClosesBeforeOpening,
            MaxAgeNotAboveMin,
            TimeWritten,
            TimeOutOfDay,
            TimeOfDayWritten,
            MonthWritten,
            IdWritten,
            BirthAndExpected,
            BirthOrExpected,
            AlreadyBorn,
            FamilyOrFamilyId,
            NoSuchFamily,
            TwoFiles,
            NameOrBirthDate,
            ConfirmNewForKnown,
            NotAChildOfTheFamily,
            NotOfThisKind { kind: "visale" },
            DecidedBeforeFiled,
            RenewedBeforeFiled,
            BeforeSublease,
            ReasonWithoutRefusal,
            NotAnAcceptedStep,
            NotAFollowUpMonth { months: vec![3, 6] },
            FollowUpBeforeExit,
            NotAPlacementOfTheFamily,
            NotBornYet,
            NotAWorkshopChild,
            NotAParticipant,
            NotActiveStaff,
            NotOnTheTeam,
            ActionsChangedApart,
            NotAuthorOrPresent,
            NoSuchLandlord,
            NoSuchUnit,
            NoSuchSite,
            NotYourSite,
            RequiredWithSeveralSites,
            NotTheFamilysSite,
            NotOfTheFamilysSite,
            UnitStaysInItsSite,
            CrecheClosed,
            NoActivePlacement {
                day: day("2026-03-02"),
            },
            CrecheAge {
                age_months: 1,
                day: day("2026-03-02"),
                min_months: 2,
                max_months: 36,
            },
            DayNotCome,
            AbsentOrTimes,
            AbsentMustBeTrue,
            TimesOrAbsent,
            TimesOrAbsentAlone,
            RequiredWith { other: "left_at" },
            PasswordLength { min: 12, max: 128 },
            PasswordTooEasy,
            NotYourPassword,
            SamePassword,
            ResetLinkInvalid,
            WrongCode,
            InvalidCode,
        ]
    }

    #[test]
    fn every_refusal_has_its_french_sentence_and_no_english_in_it() {
        for refusal in every() {
            let french = refusal.french();
            assert!(french.ends_with('.'), "{refusal:?}: {french}");
            for english in ["must", "give ", " is ", "the ", "_"] {
                assert!(!french.contains(english), "{refusal:?}: {french}");
            }
            assert!(!refusal.english().is_empty());
        }
    }

    #[test]
    fn the_english_is_the_apis_words() {
        use Refusal::*;
        let cases = [
            (
                Length { min: 0, max: 254 },
                "must be at most 254 characters",
            ),
            (Length { min: 1, max: 200 }, "must be 1 to 200 characters"),
            (
                Range {
                    min: 1,
                    max: 1440,
                    unit: Unit::Minutes,
                },
                "must be 1 to 1440 minutes",
            ),
            (
                Range {
                    min: 1,
                    max: 20,
                    unit: Unit::Occupants,
                },
                "must be 1 to 20",
            ),
            (
                Range {
                    min: 0,
                    max: 10_000_000,
                    unit: Unit::Cents,
                },
                "must be 0 to 10000000 cents",
            ),
            (
                Count {
                    min: 0,
                    max: 50,
                    of: Counted::People,
                },
                "must list at most 50 people",
            ),
            (
                Count {
                    min: 1,
                    max: 12,
                    of: Counted::Children,
                },
                "must list 1 to 12 children",
            ),
            (
                NoActivePlacement {
                    day: day("2026-03-02"),
                },
                "the family has no placement active on 2026-03-02",
            ),
            (
                PasswordLength { min: 12, max: 128 },
                "must be 12 to 128 characters",
            ),
        ];
        for (refusal, english) in cases {
            assert_eq!(refusal.english(), english);
            assert_eq!(refusal.to_string(), english);
        }
    }

    #[test]
    fn one_english_sentence_can_say_three_things_in_french() {
        let exit = Refusal::ExitBeforeAdmission;
        let moving = Refusal::MoveBeforeAdmission;
        assert_eq!(exit.english(), moving.english());
        assert!(exit.french().contains("sortie"));
        assert!(moving.french().contains("déménagement"));
        assert_ne!(Refusal::ProjectBeforeAdmission.french(), exit.french());
    }

    #[test]
    fn numbers_and_amounts_read_as_in_french() {
        assert_eq!(number(3660), "3 660");
        assert_eq!(number(100), "100");
        assert_eq!(number(1_000_000), "1 000 000");
        assert_eq!(euros(10_000_000), "100 000 €");
        assert_eq!(euros(1250), "12,50 €");
        assert_eq!(signed(-1200), "-1 200");
        assert_eq!(
            Refusal::Range {
                min: 0,
                max: 10_000_000,
                unit: Unit::Cents
            }
            .french(),
            "De 0 € à 100 000 €."
        );
    }
}
