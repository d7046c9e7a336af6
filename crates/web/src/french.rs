//! What the pages say, in French: dates, ages, the vocabularies' labels
//! (written once in `nido_cases::labels`, which the export shares), and
//! the API's field messages and conflicts turned into sentences a social
//! worker reads. Each English message the use cases answer is translated
//! here once; one nobody translated yet reads as a generic refusal rather
//! than in English (and is logged, so it gets its translation).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use nido_domain::Conflict;

/// The labels of the vocabularies, which the right-of-access export shares.
pub use nido_cases::labels::{
    booking_purpose, booking_status, confidentiality, due_kind, exit_destination,
    intervention_kind, participation_status, profession, referral_reason, referral_source,
    referral_status, role,
};

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "3 février 2026" ("1er" for the first of the month).
pub fn date(day: NaiveDate) -> String {
    let month = MONTHS[day.month0() as usize];
    match day.day() {
        1 => format!("1er {month} {}", day.year()),
        n => format!("{n} {month} {}", day.year()),
    }
}

/// "03/02/2026", where space is short (tables on a phone).
pub fn short_date(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// "3 février 2026 à 9 h 30", in the centre's time zone.
pub fn date_time(at: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{} à {}",
        date(local.date_naive()),
        local.format("%-H h %M")
    )
}

/// A child's or a mother's age on `on`: "5 mois", "1 an et 2 mois",
/// "24 ans"; under a month, "moins d'un mois".
pub fn age(birth: NaiveDate, on: NaiveDate) -> String {
    let months = nido_domain::creche::age_in_months(birth, on).max(0);
    let (years, rest) = (months / 12, months % 12);
    let years_text = match years {
        1 => "1 an".to_owned(),
        n => format!("{n} ans"),
    };
    match (years, rest) {
        (0, 0) => "moins d'un mois".to_owned(),
        (0, m) => format!("{m} mois"),
        // Months matter for the little ones only.
        (y, m) if m == 0 || y >= 6 => years_text,
        (_, m) => format!("{years_text} et {m} mois"),
    }
}

/// "dans 3 jours", "aujourd'hui", "demain", "en retard de 2 jours".
pub fn days_from_now(days: i64) -> String {
    match days {
        0 => "aujourd'hui".to_owned(),
        1 => "demain".to_owned(),
        -1 => "en retard d'un jour".to_owned(),
        n if n < 0 => format!("en retard de {} jours", -n),
        n => format!("dans {n} jours"),
    }
}

/// "12 minutes", rounded up, for the throttle's message.
pub fn wait_text(seconds: u64) -> String {
    match seconds.div_ceil(60) {
        0 | 1 => "1 minute".to_owned(),
        minutes => format!("{minutes} minutes"),
    }
}

/// A 409's code, as one French sentence.
pub fn conflict(conflict: Conflict) -> &'static str {
    match conflict {
        Conflict::EmailTaken => "Un autre compte utilise déjà cette adresse électronique.",
        Conflict::SelfLockout => {
            "Vous ne pouvez pas désactiver votre propre compte ni renoncer à votre rôle d'administration."
        }
        Conflict::UseMePassword => {
            "Vous ne pouvez pas changer ici votre propre mot de passe ni votre adresse électronique : changez votre mot de passe à la page « Changer de mot de passe » (/mot-de-passe), qui demande l'actuel ; un autre administrateur peut changer votre adresse."
        }
        Conflict::AlreadyPlaced => "Cette famille a déjà une prise en charge en cours.",
        Conflict::ReferralPending => "Cette famille a déjà une orientation en attente.",
        Conflict::ReferralNotPending => {
            "Seule une orientation en attente peut mener à une admission."
        }
        Conflict::CapReached => {
            "La période en cours finit déjà la veille des trois ans du plus jeune enfant : elle ne peut pas être renouvelée."
        }
        Conflict::StalePeriod => {
            "Cette période n'est plus la période en cours : elle a déjà été renouvelée."
        }
        Conflict::PlacementEnded => "Cette prise en charge est terminée.",
        Conflict::UnitOccupied => "Une autre famille occupe ce logement ce jour-là ou après.",
        Conflict::NoActiveLease => "Aucun bail de ce logement ne couvre ce jour-là.",
        Conflict::OverCapacity => {
            "La mère et ses enfants sont plus nombreux que le logement ne peut accueillir."
        }
        Conflict::AlreadyHoused => "Cette famille est déjà logée ce jour-là.",
        Conflict::LeaseOverlap => "Ce bail chevaucherait un autre bail du même logement.",
        Conflict::FileOpen => "Le dossier de cette famille a été rouvert.",
        Conflict::CrecheFull => "La crèche n'a plus de place à un moment de ce créneau.",
        Conflict::BookingOverlap => "Cet enfant est déjà inscrit à la crèche à cette heure-là.",
        Conflict::AlreadyClosed => "La crèche est déjà fermée ce jour-là.",
        Conflict::BookingClosed => {
            "Cette réservation a déjà été annulée ou sa présence enregistrée."
        }
        Conflict::AlreadyParticipating => "Cette famille participe déjà à cet atelier.",
        Conflict::WorkshopFull => "Cet atelier est complet.",
        Conflict::MfaAlreadyEnrolled => "La double authentification de ce compte est déjà activée.",
        Conflict::MfaNotStarted => {
            "Aucune activation de double authentification n'est en cours : recommencez-la."
        }
    }
}

/// A 412: what was shown changed since.
pub const STALE: &str = "Ces informations ont été modifiées entre-temps : rechargez la page, vérifiez-les, puis recommencez.";

/// The refusal shown when a message has no translation yet.
pub const REFUSED: &str = "Cette valeur n'est pas acceptée.";

/// A field message of the API (`validator`'s, the domain's, the use
/// cases'), in French.
pub fn field_message(message: &str) -> String {
    if let Some(known) = exact_message(message) {
        return known.to_owned();
    }
    if let Some(known) = admin_message(message) {
        return known.to_owned();
    }
    if let Some((min, max)) = two_numbers(message, "must be ", " to ", " characters") {
        return format!("Doit compter de {min} à {max} caractères.");
    }
    if let Some(max) = message
        .strip_prefix("must be at most ")
        .and_then(|rest| rest.strip_suffix(" characters"))
    {
        return format!("{max} caractères au plus.");
    }
    if let Some((min, max)) = two_numbers(message, "must be ", " to ", " minutes") {
        return format!("Entre {min} et {max} minutes.");
    }
    if let Some((min, max)) = two_numbers(message, "must list ", " to ", " people") {
        return format!("Cochez de {min} à {max} personnes.");
    }
    if let Some(hours) = message.strip_prefix("must be within opening hours, ") {
        return format!(
            "En dehors des heures d'ouverture ({}).",
            hours.replace(" to ", " à ")
        );
    }
    if message.starts_with("the family has no placement active on ") {
        return "La famille n'a pas de prise en charge en cours ce jour-là.".to_owned();
    }
    if let Some(rest) = message.strip_prefix("the child is ")
        && let Some((age, range)) = rest.split_once(" months old on ")
        && let Some((_, limits)) = range.split_once("; the crèche takes children from ")
        && let Some((min, max)) = limits
            .strip_suffix(" months")
            .and_then(|l| l.split_once(" months up to "))
    {
        return format!(
            "L'enfant aura {age} mois ce jour-là ; la crèche accueille les enfants de {min} mois jusqu'à {max} mois."
        );
    }
    tracing::warn!(message, "a field message has no French translation");
    REFUSED.to_owned()
}

fn exact_message(message: &str) -> Option<&'static str> {
    Some(match message {
        "is required" => "Ce champ est obligatoire.",
        "must not be blank" => "Ce champ ne peut pas être vide.",
        "must not be after today" => "La date ne peut pas être postérieure à aujourd'hui.",
        "must list at most 20 actions" => "20 actions de suivi au plus.",
        "must be an email address" => "Indiquez une adresse électronique valide.",
        "must be an active staff member or coordinator" => {
            "Doit être un membre actif de l'équipe ou de la coordination."
        }
        "must be on the family's team (its referent or a member) or a coordinator" => {
            "Doit faire partie de l'équipe de la famille (référent ou membre) ou de la coordination."
        }
        "must be the author or present: the intervention is restricted" => {
            "L'intervention est restreinte : confiez l'action à son auteur ou à une personne présente."
        }
        "give at most one of birth_date and expected_birth_date"
        | "give exactly one of birth_date and expected_birth_date" => {
            "Indiquez soit la date de naissance, soit la date prévue."
        }
        "the child is already born" => "L'enfant est déjà né.",
        "give exactly one of family and family_id" => "Indiquez la famille.",
        "must list at most 12 children" => "12 enfants au plus.",
        "must not be before the referral" => {
            "La date d'admission ne peut pas précéder l'orientation."
        }
        "must not be before the admission" => "La date de sortie ne peut pas précéder l'admission.",
        "must be on a quarter hour (:00, :15, :30, :45)" => {
            "Choisissez une heure au quart d'heure (:00, :15, :30, :45)."
        }
        "must be after starts_at" => "L'heure de fin doit suivre l'heure de début.",
        "must be after arrived_at" => "L'heure de départ doit suivre l'heure d'arrivée.",
        "is not a child of this family" => "Cet enfant n'est pas de cette famille.",
        "is not born yet" => "Cet enfant n'est pas encore né.",
        "must be a time written HH:MM, from 00:00 to 24:00" => {
            "Indiquez une heure, par exemple 09:30."
        }
        "the crèche is closed that day" => "La crèche est fermée ce jour-là.",
        "the booked day has not come yet" => {
            "Ce jour n'est pas encore arrivé : la présence se note le jour même ou après."
        }
        "must not be before on" => "Cette date ne peut pas précéder le jour réservé.",
        "must be at most 26 weeks after on" => "26 semaines au plus après le jour réservé.",
        "is not your password" => "Ce n'est pas votre mot de passe actuel.",
        "must differ from the current password" => {
            "Le nouveau mot de passe doit être différent de l'actuel."
        }
        "must be 12 to 128 characters" => "Le mot de passe doit compter de 12 à 128 caractères.",
        "is too easy to guess; use a longer phrase of unrelated words" => {
            "Ce mot de passe est trop facile à deviner : préférez une suite de mots sans rapport entre eux."
        }
        _ => return None,
    })
}

/// The API's messages about housing and accounts, in French.
fn admin_message(message: &str) -> Option<&'static str> {
    Some(match message {
        "no such landlord" => "Ce bailleur est inconnu.",
        "no such housing unit" => "Ce logement est inconnu.",
        "must be more than 0 and at most 1000" => "Plus de 0 et au plus 1 000 m².",
        "must be 1 to 20" => "De 1 à 20 personnes.",
        "must be 0 to 10000000 cents" => "De 0 à 100 000 €.",
        "must not be before starts_on" => "La fin du bail ne peut pas précéder son début.",
        "must be after the day the family moved into its current unit" => {
            "Le déménagement doit suivre l'entrée dans le logement actuel."
        }
        "must not be before the admission" => "Le déménagement ne peut pas précéder l'admission.",
        "must not be before from" => "La fin ne peut pas précéder le début.",
        "the range may cover at most 3660 days" => "La période couvre au plus 3 660 jours.",
        "must not contain control characters" => "Ce texte contient des caractères invalides.",
        _ => return None,
    })
}

/// `prefix` A `middle` B `suffix`, with A and B numbers.
fn two_numbers(message: &str, prefix: &str, middle: &str, suffix: &str) -> Option<(u64, u64)> {
    let rest = message.strip_prefix(prefix)?.strip_suffix(suffix)?;
    let (min, max) = rest.split_once(middle)?;
    Some((min.parse().ok()?, max.parse().ok()?))
}

/// Lower-cased, without accents: what a search by name compares, so that
/// "helene" finds Hélène.
pub use nido_cases::family_list::search_key;

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().expect("date")
    }

    #[test]
    fn dates_read_as_in_french() {
        assert_eq!(date(day("2026-02-03")), "3 février 2026");
        assert_eq!(date(day("2026-08-01")), "1er août 2026");
        assert_eq!(short_date(day("2026-02-03")), "03/02/2026");
        let at: DateTime<Utc> = "2026-07-14T07:05:00Z".parse().expect("instant");
        assert_eq!(
            date_time(at, chrono_tz::Europe::Paris),
            "14 juillet 2026 à 9 h 05"
        );
    }

    #[test]
    fn ages_count_whole_months_then_years() {
        let today = day("2026-11-24");
        assert_eq!(age(day("2026-11-10"), today), "moins d'un mois");
        assert_eq!(age(day("2026-06-24"), today), "5 mois");
        assert_eq!(age(day("2025-11-24"), today), "1 an");
        assert_eq!(age(day("2024-09-01"), today), "2 ans et 2 mois");
        assert_eq!(age(day("2001-05-17"), today), "25 ans");
    }

    #[test]
    fn days_from_now_says_late_or_ahead() {
        assert_eq!(days_from_now(0), "aujourd'hui");
        assert_eq!(days_from_now(1), "demain");
        assert_eq!(days_from_now(12), "dans 12 jours");
        assert_eq!(days_from_now(-1), "en retard d'un jour");
        assert_eq!(days_from_now(-4), "en retard de 4 jours");
    }

    #[test]
    fn the_wait_is_told_in_whole_minutes_rounded_up() {
        assert_eq!(wait_text(1), "1 minute");
        assert_eq!(wait_text(60), "1 minute");
        assert_eq!(wait_text(61), "2 minutes");
        assert_eq!(wait_text(900), "15 minutes");
    }

    #[test]
    fn the_messages_of_the_forms_are_translated() {
        for message in [
            "is required",
            "must not be blank",
            "must be 1 to 10000 characters",
            "must be 1 to 2000 characters",
            "must be 1 to 1440 minutes",
            "must list 1 to 20 people",
            "must list at most 20 actions",
            "must be an active staff member or coordinator",
            "must be on the family's team (its referent or a member) or a coordinator",
            "must be the author or present: the intervention is restricted",
            "must not be after today",
            "give at most one of birth_date and expected_birth_date",
            "the child is already born",
            "is not your password",
            "must differ from the current password",
            "must be 12 to 128 characters",
            "is too easy to guess; use a longer phrase of unrelated words",
            "must be at most 254 characters",
            "must not be before the referral",
            "must not be before the admission",
            "must be on a quarter hour (:00, :15, :30, :45)",
            "must be within opening hours, 08:30 to 18:00",
            "must be after starts_at",
            "is not born yet",
            "the crèche is closed that day",
            "the family has no placement active on 2026-03-02",
            "the child is 1 months old on 2026-03-02; the crèche takes children from 2 months up to 36 months",
        ] {
            let french = field_message(message);
            assert_ne!(french, REFUSED, "{message}");
            assert!(!french.contains("must"), "{message} → {french}");
        }
        assert_eq!(field_message("something new"), REFUSED);
        assert_eq!(
            field_message("must be 1 to 1440 minutes"),
            "Entre 1 et 1440 minutes."
        );
    }

    #[test]
    fn the_messages_of_the_admin_forms_are_translated() {
        for each in [
            "no such landlord",
            "must be 1 to 20",
            "must be 0 to 10000000 cents",
            "must not be before starts_on",
            "must not be before the admission",
        ] {
            assert!(admin_message(each).is_some(), "{each}");
        }
    }

    #[test]
    fn every_conflict_has_a_french_sentence() {
        for each in Conflict::ALL {
            assert!(conflict(*each).ends_with('.'), "{each}");
        }
    }

    #[test]
    fn a_search_ignores_case_and_accents() {
        assert_eq!(search_key("Hélène ROUX"), "helene roux");
        assert!(search_key("Inès Morel").contains(&search_key("ines")));
    }
}
