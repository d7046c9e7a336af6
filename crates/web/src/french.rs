//! What the pages say, in French: dates, ages, the vocabularies' labels
//! (written once in `nido_cases::labels`, which the export shares) and the
//! conflicts' sentences. A refused field says itself in French
//! (`nido_domain::Refusal::french`): nothing here reads an English message.

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::Conflict;
use nido_domain::identity::FileStatus;

/// The labels of the vocabularies, which the right-of-access export shares.
pub use nido_cases::labels::{
    booking_purpose, booking_status, confidentiality, due_kind, exit_destination,
    intervention_kind, participation_status, profession, referral_reason, referral_source,
    referral_status, role,
};

/// "3 février 2026" ("1er" for the first of the month), as the printed
/// papers write it.
pub use nido_cases::labels::date;

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

/// Where a mother's file stands, as the identity pages say it.
pub fn file_status(status: FileStatus) -> &'static str {
    match status {
        FileStatus::Waiting => "sur liste d'attente",
        FileStatus::Active => "accompagnée",
        FileStatus::Closed => "dossier clos",
    }
}

/// A likeness from 0 to 1 as a whole percentage, "83\u{a0}%": read to
/// the thousandth (as the API gives it), then never rounded up, so that
/// 0.899 does not read as the 90 % of the probable band.
pub fn percent(share: f64) -> String {
    let thousandths = (share.clamp(0.0, 1.0) * 1000.0).round();
    format!("{:.0}\u{a0}%", (thousandths / 10.0).floor())
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
        Conflict::UseMeMfa => {
            "Vous ne pouvez pas réinitialiser ici votre propre double authentification : retirez-la à la page « Sécurité » (/securite), qui demande votre mot de passe et un code ; un autre administrateur peut la réinitialiser."
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
        Conflict::NotHoused => {
            "Cette famille n'est pas hébergée par le centre aujourd'hui : il n'y a rien à attester."
        }
        Conflict::StepStatusMove => {
            "Une démarche ne fait qu'avancer (en préparation, déposée, décision, proposition) ; acceptée, refusée ou abandonnée, elle ne bouge plus : ajoutez une nouvelle démarche."
        }
        Conflict::FollowUpRecorded => "Le suivi de ce mois après la sortie est déjà enregistré.",
        Conflict::PlacementActive => {
            "Cette prise en charge n'est pas terminée : les suivis viennent après la sortie."
        }
        Conflict::VisaleExpired => {
            "Aucun visa Visale de cette prise en charge ne couvre ce jour-là : le bail doit être signé après l'obtention du visa et avant son expiration."
        }
        Conflict::PossibleDuplicate => {
            "Cette mère a probablement déjà un dossier : choisissez-le, ou confirmez un nouveau dossier en disant pourquoi."
        }
        Conflict::PairDecided => "Ces deux dossiers ont déjà fait l'objet d'une décision.",
        Conflict::SiteNameTaken => "Un autre établissement porte déjà ce nom.",
        Conflict::MailNotConfigured => {
            "L'envoi de courriels n'est pas configuré sur cette installation : demandez à la direction."
        }
        Conflict::DocumentIntegrity => {
            "Le contenu conservé de ce document a été altéré : il n'est pas affiché. Signalez-le à un administrateur, qui le restaurera depuis une sauvegarde."
        }
    }
}

/// A 412: what was shown changed since.
pub const STALE: &str = "Ces informations ont été modifiées entre-temps : rechargez la page, vérifiez-les, puis recommencez.";

/// The refusal shown for a business rule's code that has no sentence of
/// its own yet (logged, so that it gets one).
pub const REFUSED: &str = "Cette valeur n'est pas acceptée.";

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
    fn every_conflict_has_a_french_sentence() {
        for each in Conflict::ALL {
            assert!(conflict(*each).ends_with('.'), "{each}");
        }
    }

    #[test]
    fn a_likeness_reads_as_a_whole_percentage() {
        assert_eq!(percent(0.8333), "83\u{a0}%");
        assert_eq!(
            percent(0.899),
            "89\u{a0}%",
            "never rounded up to the next band"
        );
        assert_eq!(percent(0.899_999_9), "90\u{a0}%");
        assert_eq!(percent(1.0), "100\u{a0}%");
    }

    #[test]
    fn a_search_ignores_case_and_accents() {
        assert_eq!(search_key("Hélène ROUX"), "helene roux");
        assert!(search_key("Inès Morel").contains(&search_key("ines")));
    }
}
