//! A user's calendar feed: a secret address that calendar applications
//! poll without a session, listing her due dates and her open follow-up
//! actions as all-day events. Calendars sync to third-party clouds, so an
//! event says what is due and names the mother by her initials, nothing
//! more (an action's own description may name people: it stays out).

use chrono::{Days, NaiveDate};
use nido_domain::due_dates::DueKind;
use nido_persistence::{calendar_feeds, families, interventions, users};
use uuid::Uuid;

use crate::due_dates::{families_shown, initials, open_between};
use crate::interventions::action_viewer;
use crate::{Caller, CaseError, CaseResult, Cases};

/// Due dates this many days past are still in the feed…
pub const LOOK_BACK_DAYS: u64 = 30;
/// …and those up to this many days ahead.
pub const LOOK_AHEAD_DAYS: u64 = 180;

/// Where audit entries of the feed point: never its secret address.
const FEED_RESOURCE: &str = "/calendar";

/// One all-day event of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// The same for the same obligation from one fetch to the next, so a
    /// calendar updates the event instead of adding another.
    pub uid: String,
    pub on: NaiveDate,
    pub summary: String,
}

/// Gives the caller a feed whose secret has this hash (the HTTP layer
/// makes the secret and shows it once; it is never stored); the feed she
/// had stops working.
pub async fn create_feed(cases: &Cases, caller: &Caller, secret_hash: String) -> CaseResult<()> {
    calendar_feeds::replace(&cases.writer, caller.id, secret_hash, cases.now()).await?;
    cases
        .audit(caller, "calendar.create", None, "/me/calendar")
        .await
}

/// Revokes the caller's feed; `NotFound` when she has none.
pub async fn revoke_feed(cases: &Cases, caller: &Caller) -> CaseResult<()> {
    if !calendar_feeds::revoke(&cases.writer, caller.id).await? {
        return Err(CaseError::NotFound);
    }
    cases
        .audit(caller, "calendar.revoke", None, "/me/calendar")
        .await
}

/// The events of the feed whose secret has this hash, seen with its
/// owner's rights as they are now: coordinators every family's due dates,
/// staff their own families', and everyone her own open actions (admins
/// have neither). `NotFound` for an unknown or revoked secret, and for an
/// account that is disabled or must first change a password someone else
/// set, and for an address made more than `calendar_valid_days` ago.
/// Audited in the owner's name, one entry naming every family shown (one
/// without a family when none is).
pub async fn read_feed(cases: &Cases, secret_hash: &str) -> CaseResult<Vec<CalendarEvent>> {
    let made_since = cases
        .now()
        .checked_sub_signed(chrono::TimeDelta::days(cases.calendar_valid_days.into()))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    let user_id = calendar_feeds::owner(&cases.db, secret_hash, made_since)
        .await?
        .ok_or(CaseError::NotFound)?;
    let user = users::find(&cases.db, user_id).await?;
    if !user.active || user.must_change_password {
        return Err(CaseError::NotFound);
    }
    let caller = Caller::of(&user);
    let today = cases.today();
    let from = today
        .checked_sub_days(Days::new(LOOK_BACK_DAYS))
        .unwrap_or(NaiveDate::MIN);
    let until = today
        .checked_add_days(Days::new(LOOK_AHEAD_DAYS))
        .unwrap_or(NaiveDate::MAX);
    let Obligations {
        events,
        shown,
        for_incidents,
    } = obligations(cases, &caller, from, until, None).await?;
    cases
        .audit_read(&caller, "calendar.read", shown, FEED_RESOURCE)
        .await?;
    cases
        .audit_many(
            &caller,
            "incident.calendar.read",
            for_incidents,
            FEED_RESOURCE,
        )
        .await?;
    Ok(events)
}

/// What a user has to do, as her calendar and her digest show it.
pub(crate) struct Obligations {
    /// By day, then uid.
    pub events: Vec<CalendarEvent>,
    /// The families shown for their own due dates or actions…
    pub shown: Vec<Uuid>,
    /// …and those shown for an incident naming them (audited apart).
    pub for_incidents: Vec<Uuid>,
}

/// `caller`'s due dates from `from` to `until`, with her rights as they are
/// now (coordinators every family's, staff their own families', admins
/// none), and her open actions (those due by `actions_until` when given),
/// each naming the mother by her initials. Not audited: the caller audits
/// what it shows.
pub(crate) async fn obligations(
    cases: &Cases,
    caller: &Caller,
    from: NaiveDate,
    until: NaiveDate,
    actions_until: Option<NaiveDate>,
) -> CaseResult<Obligations> {
    let mut events = Vec::new();
    let mut shown: Vec<Uuid> = Vec::new();

    // Only the window's, chosen by the database: a staff member's feed
    // reads her families', never the centre's.
    let due = match open_between(cases, caller, from, until).await {
        Ok(items) => items,
        // Admins have no families, hence no due dates.
        Err(CaseError::Forbidden) => Vec::new(),
        Err(err) => return Err(err),
    };
    let (own, for_incidents) = families_shown(&due);
    shown.extend(own);
    for item in due {
        // A placement may have several steps of one kind, and follow-ups:
        // theirs are named by the step or the follow-up.
        let subject = match item.kind {
            DueKind::SocialHousingRenewal
            | DueKind::DaloDecision
            | DueKind::BailGlissantReview
            | DueKind::PostExitFollowUp => Some(item.subject_id),
            _ => item.placement_id.or(item.incident_id),
        };
        let Some(subject) = subject else {
            continue;
        };
        events.push(CalendarEvent {
            uid: format!("{}-{subject}-{}@nido", item.kind.as_str(), item.due_on),
            on: item.due_on,
            summary: summary(due_label(item.kind), item.mother_initials.as_deref()),
        });
    }

    if let Some(viewer) = action_viewer(cases, caller).await? {
        let mut actions = interventions::actions_assigned(&cases.db, viewer, true).await?;
        if let Some(last) = actions_until {
            actions.retain(|action| action.due_on <= last);
        }
        let mothers =
            families::find_many(&cases.db, actions.iter().map(|a| a.family_id).collect()).await?;
        for action in actions {
            let mother = mothers
                .get(&action.family_id)
                .map(|family| initials(&family.mother.first_name, &family.mother.last_name));
            shown.push(action.family_id);
            events.push(CalendarEvent {
                uid: format!("action-{}@nido", action.id),
                on: action.due_on,
                summary: summary("Action de suivi", mother.as_deref()),
            });
        }
    }

    events.sort_by(|a, b| (a.on, &a.uid).cmp(&(b.on, &b.uid)));
    shown.sort_unstable();
    shown.dedup();
    Ok(Obligations {
        events,
        shown,
        for_incidents,
    })
}

/// What is due, in the words of the team.
fn due_label(kind: DueKind) -> &'static str {
    match kind {
        DueKind::RenewalReport => "Rapport de renouvellement au département",
        DueKind::PeriodEnd => "Fin de la période de prise en charge",
        DueKind::ContractDelivery => "Remise du contrat de séjour",
        DueKind::ContractSignature => "Signature du contrat de séjour",
        DueKind::ProjectInitial => "Premier projet personnalisé",
        DueKind::ProjectReview => "Révision du projet personnalisé",
        DueKind::IncidentReport => "Rapport d'incident aux autorités",
        DueKind::SocialHousingRenewal => "Renouvellement de la demande de logement social",
        DueKind::DaloDecision => "Décision de la commission DALO",
        DueKind::BailGlissantReview => "Point semestriel du bail glissant",
        DueKind::NoHousingSolution => "Fin de prise en charge sans solution de logement",
        DueKind::PostExitFollowUp => "Suivi après la sortie",
    }
}

/// "Signature du contrat de séjour — A. D.": the label, and the mother's
/// initials when the obligation is a family's.
fn summary(label: &str, initials: Option<&str>) -> String {
    match initials {
        Some(initials) if !initials.is_empty() => format!("{label} — {initials}"),
        _ => label.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_names_the_mother_by_initials_only() {
        assert_eq!(
            summary(due_label(DueKind::ContractSignature), Some("A. D.")),
            "Signature du contrat de séjour — A. D."
        );
        assert_eq!(
            summary(due_label(DueKind::IncidentReport), None),
            "Rapport d'incident aux autorités"
        );
        assert_eq!(summary("Action de suivi", Some("")), "Action de suivi");
    }
}
