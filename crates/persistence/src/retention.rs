//! Retention: finding the closed files whose time is up, anonymising them
//! for good, and deleting old audit entries (the only deletion the audit
//! log allows).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::Conflict;
use nido_domain::retention::{ERASED, year_only};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::{
    actions, audit_log, audit_log_families, children, concerns, creche_bookings, families,
    incidents, interventions, periods, placements, project_objectives, project_reviews, referrals,
};
use crate::{RepoError, begin_write};

/// A family not yet anonymised whose file is closed: no active placement,
/// no pending referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedFile {
    pub family_id: Uuid,
    /// The mother's initials, to recognise the file in a listing.
    pub initials: String,
    /// Exits, declined or withdrawn referrals, interventions: the dates
    /// that count as contact.
    pub contacts: Vec<NaiveDate>,
}

/// Every closed file not yet anonymised, with its contact dates.
pub async fn closed_files(db: &impl ConnectionTrait) -> Result<Vec<ClosedFile>, DbErr> {
    let open: HashSet<Uuid> = placements::Entity::find()
        .select_only()
        .column(placements::Column::FamilyId)
        .filter(placements::Column::Status.eq("active"))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .chain(
            referrals::Entity::find()
                .select_only()
                .column(referrals::Column::FamilyId)
                .filter(referrals::Column::Status.eq("pending"))
                .into_tuple::<Uuid>()
                .all(db)
                .await?,
        )
        .collect();
    let mut contacts: HashMap<Uuid, Vec<NaiveDate>> = HashMap::new();
    let exits: Vec<(Uuid, NaiveDate)> = placements::Entity::find()
        .select_only()
        .column(placements::Column::FamilyId)
        .column(placements::Column::ExitedOn)
        .filter(placements::Column::ExitedOn.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let closed: Vec<(Uuid, DateTime<Utc>)> = referrals::Entity::find()
        .select_only()
        .column(referrals::Column::FamilyId)
        .column(referrals::Column::ClosedAt)
        .filter(referrals::Column::Status.is_in(["declined", "withdrawn"]))
        .filter(referrals::Column::ClosedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let last_interventions: Vec<(Uuid, Option<DateTime<Utc>>)> = interventions::Entity::find()
        .select_only()
        .column(interventions::Column::FamilyId)
        .column_as(interventions::Column::OccurredAt.max(), "last")
        .group_by(interventions::Column::FamilyId)
        .into_tuple()
        .all(db)
        .await?;
    for (family_id, day) in exits {
        contacts.entry(family_id).or_default().push(day);
    }
    for (family_id, at) in closed {
        contacts.entry(family_id).or_default().push(at.date_naive());
    }
    for (family_id, at) in last_interventions {
        if let Some(at) = at {
            contacts.entry(family_id).or_default().push(at.date_naive());
        }
    }
    let rows: Vec<(Uuid, String, String)> = families::Entity::find()
        .select_only()
        .column(families::Column::Id)
        .column(families::Column::MotherFirstName)
        .column(families::Column::MotherLastName)
        .filter(families::Column::AnonymisedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(id, _, _)| !open.contains(id))
        .map(|(id, first, last)| ClosedFile {
            family_id: id,
            initials: initials(&first, &last),
            contacts: contacts.remove(&id).unwrap_or_default(),
        })
        .collect())
}

fn initials(first: &str, last: &str) -> String {
    [first, last]
        .iter()
        .filter_map(|name| name.trim().chars().next())
        .map(|letter| format!("{}.", letter.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Anonymises one family for good, in one transaction: the mother's and the
/// children's names, phone and email, birth days (the year stays), and
/// every free text of the file (referral details and referrer, decision
/// references, exit notes, intervention summaries, action descriptions).
/// Dates, kinds, durations, destinations and amounts stay. Refused
/// (`Conflict::FileOpen`) if the file was reopened meanwhile.
pub async fn anonymise(
    db: &DatabaseConnection,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let txn = begin_write(db).await?;
    let family = families::Entity::find_by_id(family_id)
        .one(&txn)
        .await?
        .ok_or(RepoError::NotFound)?;
    let reopened = placements::Entity::find()
        .filter(placements::Column::FamilyId.eq(family_id))
        .filter(placements::Column::Status.eq("active"))
        .one(&txn)
        .await?
        .is_some()
        || referrals::Entity::find()
            .filter(referrals::Column::FamilyId.eq(family_id))
            .filter(referrals::Column::Status.eq("pending"))
            .one(&txn)
            .await?
            .is_some();
    if reopened || family.anonymised_at.is_some() {
        return Err(RepoError::Conflict(Conflict::FileOpen));
    }
    families::Entity::update(families::ActiveModel {
        id: Set(family_id),
        mother_first_name: Set(ERASED.to_owned()),
        mother_last_name: Set(ERASED.to_owned()),
        mother_birth_date: Set(year_only(family.mother_birth_date)),
        mother_phone: Set(None),
        mother_email: Set(None),
        anonymised_at: Set(Some(now)),
        version: Set(family.version + 1),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let first_admission: Option<NaiveDate> = placements::Entity::find()
        .select_only()
        .column(placements::Column::AdmittedOn)
        .filter(placements::Column::FamilyId.eq(family_id))
        .into_tuple::<NaiveDate>()
        .all(&txn)
        .await?
        .into_iter()
        .min();
    for child in children::Entity::find()
        .filter(children::Column::FamilyId.eq(family_id))
        .all(&txn)
        .await?
    {
        children::Entity::update(children::ActiveModel {
            id: Set(child.id),
            first_name: Set(ERASED.to_owned()),
            last_name: Set(None),
            birth_date: Set(child
                .birth_date
                .map(|birth| child_birth_kept(birth, first_admission))),
            expected_birth_date: Set(child.expected_birth_date.map(year_only)),
            version: Set(child.version + 1),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
    }
    referrals::Entity::update_many()
        .col_expr(referrals::Column::ReferrerName, Expr::value(ERASED))
        .col_expr(referrals::Column::ReferrerContact, Expr::value(ERASED))
        .col_expr(
            referrals::Column::ReasonDetails,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            referrals::Column::ClosedReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(referrals::Column::UpdatedAt, Expr::value(now))
        .filter(referrals::Column::FamilyId.eq(family_id))
        .exec(&txn)
        .await?;
    placements::Entity::update_many()
        .col_expr(
            placements::Column::ExitNotes,
            Expr::value(Option::<String>::None),
        )
        .col_expr(placements::Column::UpdatedAt, Expr::value(now))
        .filter(placements::Column::FamilyId.eq(family_id))
        .exec(&txn)
        .await?;
    let placement_ids = placements::Entity::find()
        .select_only()
        .column(placements::Column::Id)
        .filter(placements::Column::FamilyId.eq(family_id))
        .into_tuple::<Uuid>()
        .all(&txn)
        .await?;
    periods::Entity::update_many()
        .col_expr(
            periods::Column::DecisionRef,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            periods::Column::DecidedBy,
            Expr::case(periods::Column::DecidedBy.is_null(), Option::<String>::None)
                .finally(ERASED)
                .into(),
        )
        .filter(periods::Column::PlacementId.is_in(placement_ids.clone()))
        .exec(&txn)
        .await?;
    interventions::Entity::update_many()
        .col_expr(interventions::Column::Summary, Expr::value(ERASED))
        .col_expr(interventions::Column::UpdatedAt, Expr::value(now))
        .filter(interventions::Column::FamilyId.eq(family_id))
        .exec(&txn)
        .await?;
    actions::Entity::update_many()
        .col_expr(actions::Column::Description, Expr::value(ERASED))
        .col_expr(actions::Column::UpdatedAt, Expr::value(now))
        .filter(actions::Column::FamilyId.eq(family_id))
        .exec(&txn)
        .await?;
    erase_later_texts(&txn, family_id, &placement_ids, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The free texts of what came after the first capabilities: crèche
/// booking notes, the objectives of the projet personnalisé, the
/// informations préoccupantes and the incidents that name the family.
async fn erase_later_texts(
    txn: &impl ConnectionTrait,
    family_id: Uuid,
    placement_ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    creche_bookings::Entity::update_many()
        .col_expr(
            creche_bookings::Column::Notes,
            Expr::case(
                creche_bookings::Column::Notes.is_null(),
                Option::<String>::None,
            )
            .finally(ERASED)
            .into(),
        )
        .col_expr(creche_bookings::Column::UpdatedAt, Expr::value(now))
        .filter(creche_bookings::Column::FamilyId.eq(family_id))
        .exec(txn)
        .await?;
    let reviews: Vec<Uuid> = project_reviews::Entity::find()
        .select_only()
        .column(project_reviews::Column::Id)
        .filter(project_reviews::Column::PlacementId.is_in(placement_ids.iter().copied()))
        .into_tuple()
        .all(txn)
        .await?;
    project_objectives::Entity::update_many()
        .col_expr(project_objectives::Column::Description, Expr::value(ERASED))
        .filter(project_objectives::Column::ReviewId.is_in(reviews))
        .exec(txn)
        .await?;
    concerns::Entity::update_many()
        .col_expr(concerns::Column::Summary, Expr::value(ERASED))
        .col_expr(concerns::Column::TransmittedTo, Expr::value(ERASED))
        .filter(concerns::Column::FamilyId.eq(family_id))
        .exec(txn)
        .await?;
    incidents::Entity::update_many()
        .col_expr(incidents::Column::Description, Expr::value(ERASED))
        .col_expr(incidents::Column::MeasuresTaken, Expr::value(ERASED))
        .col_expr(incidents::Column::UpdatedAt, Expr::value(now))
        .filter(incidents::Column::FamilyId.eq(family_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// A child's birth day after anonymisation: its year only, unless the child
/// was born during a stay. Then the day stays, since reports count a child
/// from the later of admission and birth (its first day in the centre's
/// care): without a name it no longer identifies anyone, and the child-days
/// still add up.
fn child_birth_kept(birth: NaiveDate, first_admission: Option<NaiveDate>) -> NaiveDate {
    match first_admission {
        Some(admitted) if birth > admitted => birth,
        _ => year_only(birth),
    }
}

/// How many audit entries were written before `cutoff`.
pub async fn audit_entries_before(
    audit_db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    audit_log::Entity::find()
        .filter(audit_log::Column::At.lt(cutoff))
        .count(audit_db)
        .await
}

/// Deletes the audit entries written before `cutoff`: the one deletion the
/// log's guard lets through, while a purge mark exists in this transaction.
pub async fn purge_audit_before(
    audit_db: &DatabaseConnection,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let txn = audit_db.begin().await?;
    let mark = |sql: &str| {
        sea_orm::Statement::from_sql_and_values(
            audit_db.get_database_backend(),
            sql,
            [cutoff.into()],
        )
    };
    let placeholder = match audit_db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "$1",
        _ => "?",
    };
    txn.execute_raw(mark(&format!(
        "INSERT INTO audit_purge (purge_before) VALUES ({placeholder})"
    )))
    .await?;
    // The families an old entry names go first, while it is still there to
    // show that it is old enough (their guard looks at it).
    let old_entries = sea_orm::sea_query::Query::select()
        .column(audit_log::Column::Id)
        .from(audit_log::Entity)
        .and_where(audit_log::Column::At.lt(cutoff))
        .to_owned();
    audit_log_families::Entity::delete_many()
        .filter(audit_log_families::Column::EntryId.in_subquery(old_entries))
        .exec(&txn)
        .await?;
    let deleted = audit_log::Entity::delete_many()
        .filter(audit_log::Column::At.lt(cutoff))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.execute_unprepared("DELETE FROM audit_purge").await?;
    txn.commit().await?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().expect("date")
    }

    #[test]
    fn a_child_keeps_her_birth_year_or_the_day_she_was_born_in_care() {
        let admitted = Some(date("2025-03-10"));
        assert_eq!(
            child_birth_kept(date("2024-08-02"), admitted),
            date("2024-01-01")
        );
        assert_eq!(
            child_birth_kept(date("2025-03-10"), admitted),
            date("2025-01-01")
        );
        assert_eq!(
            child_birth_kept(date("2025-06-30"), admitted),
            date("2025-06-30")
        );
        assert_eq!(
            child_birth_kept(date("2025-06-30"), None),
            date("2025-01-01")
        );
    }

    #[test]
    fn initials_of_a_name() {
        assert_eq!(initials("Aminata", "Koné"), "A. K.");
        assert_eq!(initials("élodie", ""), "É.");
    }
}
