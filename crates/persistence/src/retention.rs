//! Retention's statements: finding the closed files whose time is up, the
//! statements that erase each kind of record of a file, and deleting old
//! audit entries (the only deletion the audit log allows). The use case
//! (`nido_cases::retention`) runs them, one transaction per file, in the
//! order the registry of family records gives.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::pathway::{CountedStep, housing_wait};
use nido_domain::retention::{
    CountedFile, CountedReferral, CountedStay, ERASED, KeptFigure, kept_figures, year_only,
};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::{
    actions, audit_log, audit_log_families, children, concern_children, concerns, contracts,
    creche_bookings, detached_occupancies, duplicate_decisions, exit_follow_ups, families,
    family_team, housing_steps, identity_keys, incidents, intervention_staff, interventions,
    occupancies, periods, placements, project_objectives, project_review_participants,
    project_reviews, referrals, report_figures, workshop_participant_children,
    workshop_participants,
};
use crate::{RepoError, row_by_id};

/// A family not yet anonymised whose file is closed: no active placement,
/// no pending referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedFile {
    pub family_id: Uuid,
    /// The mother's initials, to recognise the file in a listing.
    pub initials: String,
    /// Exits, declined or withdrawn referrals, interventions: the dates
    /// that count as contact, days in the centre's time zone.
    pub contacts: Vec<NaiveDate>,
}

/// Every closed file not yet anonymised, with its contact dates: an
/// instant (a referral's decision, an intervention) counts on its day in
/// `zone`, the centre's, as "today" does.
pub async fn closed_files<Tz: chrono::TimeZone>(
    db: &impl ConnectionTrait,
    zone: &Tz,
) -> Result<Vec<ClosedFile>, DbErr> {
    let day = |at: DateTime<Utc>| at.with_timezone(zone).date_naive();
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
    // A follow-up after the exit is a contact with the family too.
    let follow_ups: Vec<(Uuid, Option<NaiveDate>)> = exit_follow_ups::Entity::find()
        .select_only()
        .column(exit_follow_ups::Column::FamilyId)
        .column_as(exit_follow_ups::Column::DoneOn.max(), "last")
        .filter(exit_follow_ups::Column::DoneOn.is_not_null())
        .group_by(exit_follow_ups::Column::FamilyId)
        .into_tuple()
        .all(db)
        .await?;
    for (family_id, day) in exits.into_iter().chain(
        follow_ups
            .into_iter()
            .filter_map(|(id, day)| Some((id, day?))),
    ) {
        contacts.entry(family_id).or_default().push(day);
    }
    for (family_id, at) in closed {
        contacts.entry(family_id).or_default().push(day(at));
    }
    for (family_id, at) in last_interventions {
        if let Some(at) = at {
            contacts.entry(family_id).or_default().push(day(at));
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

/// Anonymised families that still have a referral: files a release before
/// migration 20 anonymised without deleting their rows. One query, read by
/// the referrals' family index (idx_referrals_family), at each start.
pub async fn earlier_anonymisations(db: &impl ConnectionTrait) -> Result<Vec<Uuid>, DbErr> {
    families::Entity::find()
        .select_only()
        .column(families::Column::Id)
        .filter(families::Column::AnonymisedAt.is_not_null())
        .filter(
            families::Column::Id.in_subquery(
                Query::select()
                    .column(referrals::Column::FamilyId)
                    .from(referrals::Entity)
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await
}

/// Whether the family has an active placement or a pending referral.
pub async fn is_open(txn: &impl ConnectionTrait, family_id: Uuid) -> Result<bool, DbErr> {
    Ok(placements::Entity::find()
        .filter(placements::Column::FamilyId.eq(family_id))
        .filter(placements::Column::Status.eq("active"))
        .one(txn)
        .await?
        .is_some()
        || referrals::Entity::find()
            .filter(referrals::Column::FamilyId.eq(family_id))
            .filter(referrals::Column::Status.eq("pending"))
            .one(txn)
            .await?
            .is_some())
}

/// The rows of a family's file that anonymisation reads before it erases
/// them: what the reports count, and the ids the statements below need.
pub struct FileRows {
    family: families::Model,
    children: Vec<children::Model>,
    referrals: Vec<referrals::Model>,
    placements: Vec<placements::Model>,
    placement_ids: Vec<Uuid>,
    interventions: Vec<interventions::Model>,
    concerns: Vec<concerns::Model>,
    bookings: Vec<creche_bookings::Model>,
    steps: Vec<housing_steps::Model>,
    follow_ups: Vec<exit_follow_ups::Model>,
}

impl FileRows {
    /// The file of `family_id`, read in `txn`.
    pub async fn read(txn: &impl ConnectionTrait, family_id: Uuid) -> Result<Self, RepoError> {
        let family = row_by_id::<families::Entity>(txn, family_id).await?;
        let placements = placements::Entity::find()
            .filter(placements::Column::FamilyId.eq(family_id))
            .all(txn)
            .await?;
        Ok(Self {
            family,
            children: children::Entity::find()
                .filter(children::Column::FamilyId.eq(family_id))
                .all(txn)
                .await?,
            referrals: referrals::Entity::find()
                .filter(referrals::Column::FamilyId.eq(family_id))
                .all(txn)
                .await?,
            placement_ids: placements.iter().map(|placement| placement.id).collect(),
            placements,
            interventions: interventions::Entity::find()
                .filter(interventions::Column::FamilyId.eq(family_id))
                .all(txn)
                .await?,
            concerns: concerns::Entity::find()
                .filter(concerns::Column::FamilyId.eq(family_id))
                .all(txn)
                .await?,
            bookings: creche_bookings::Entity::find()
                .filter(creche_bookings::Column::FamilyId.eq(family_id))
                .all(txn)
                .await?,
            steps: housing_steps::Entity::find()
                .filter(housing_steps::Column::FamilyId.eq(family_id))
                .all(txn)
                .await?,
            follow_ups: exit_follow_ups::Entity::find()
                .filter(exit_follow_ups::Column::FamilyId.eq(family_id))
                .all(txn)
                .await?,
        })
    }

    /// When the family was anonymised, if she was.
    pub fn anonymised_at(&self) -> Option<DateTime<Utc>> {
        self.family.anonymised_at
    }

    fn family_id(&self) -> Uuid {
        self.family.id
    }

    /// What the activity report counts of it.
    fn counted<Tz: chrono::TimeZone>(&self, zone: &Tz) -> CountedFile {
        let referred: HashMap<Uuid, NaiveDate> = self
            .referrals
            .iter()
            .map(|referral| (referral.id, referral.referred_on))
            .collect();
        CountedFile {
            referrals: self
                .referrals
                .iter()
                .map(|referral| CountedReferral {
                    referred_on: referral.referred_on,
                    source: referral.source.clone(),
                    eds: referral.eds.clone(),
                    reason: referral.reason.clone(),
                    status: referral.status.clone(),
                })
                .collect(),
            stays: self
                .placements
                .iter()
                .filter_map(|placement| {
                    Some(CountedStay {
                        admitted_on: placement.admitted_on,
                        exited_on: placement.exited_on?,
                        destination: placement.exit_destination.clone().unwrap_or_default(),
                        referred_on: referred.get(&placement.referral_id).copied(),
                    })
                })
                .collect(),
            births: self.children.iter().map(|child| child.birth_date).collect(),
            interventions: self
                .interventions
                .iter()
                .map(|intervention| {
                    (
                        intervention.occurred_at.with_timezone(zone).date_naive(),
                        intervention.kind.clone(),
                    )
                })
                .collect(),
            concerns: self
                .concerns
                .iter()
                .map(|concern| concern.transmitted_on)
                .collect(),
            creche: self
                .bookings
                .iter()
                .filter(|booking| booking.status != "cancelled")
                .map(|booking| {
                    (
                        booking.on,
                        booking.purpose.clone(),
                        i64::from(booking.ends_at - booking.starts_at),
                    )
                })
                .collect(),
            exit_steps: self
                .placements
                .iter()
                .filter_map(|placement| {
                    let step = self
                        .steps
                        .iter()
                        .find(|step| Some(step.id) == placement.exit_step_id)?;
                    Some((placement.exited_on?, step.kind.clone()))
                })
                .collect(),
            housing_waits: self
                .placement_ids
                .iter()
                .filter_map(|placement_id| {
                    let steps: Vec<CountedStep> = self
                        .steps
                        .iter()
                        .filter(|step| step.placement_id == *placement_id)
                        .filter_map(|step| {
                            Some(CountedStep {
                                kind: step.kind.parse().ok()?,
                                status: step.status.parse().ok()?,
                                filed_on: step.filed_on,
                                decided_on: step.decided_on,
                            })
                        })
                        .collect();
                    housing_wait(&steps)
                })
                .collect(),
            follow_ups: self
                .follow_ups
                .iter()
                .filter_map(|follow_up| {
                    Some((
                        follow_up.done_on?,
                        u32::try_from(follow_up.after_months).ok()?,
                        follow_up.outcome.clone()?,
                    ))
                })
                .collect(),
        }
    }
}

/// Adds what `file` added to the activity report into the kept totals
/// (`report_figures`), counted by the report's own rules; `zone` is the
/// centre's time zone (an intervention counts on its local day).
pub async fn keep_figures<Tz: chrono::TimeZone>(
    txn: &impl ConnectionTrait,
    file: &FileRows,
    zone: &Tz,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::OnConflict;
    for kept in kept_figures(&file.counted(zone)) {
        report_figures::Entity::insert(report_figures::ActiveModel {
            site_id: Set(file.family.site_id.unwrap_or(crate::sites::NEW_ROWS_SITE)),
            year: Set(kept.year),
            month: Set(i32::try_from(kept.month).unwrap_or_default()),
            figure: Set(kept.figure),
            item: Set(kept.item.chars().take(200).collect()),
            value: Set(kept.value),
        })
        .on_conflict(
            OnConflict::columns([
                report_figures::Column::SiteId,
                report_figures::Column::Year,
                report_figures::Column::Month,
                report_figures::Column::Figure,
                report_figures::Column::Item,
            ])
            .value(
                report_figures::Column::Value,
                Expr::cust("site_report_figures.value + excluded.value"),
            )
            .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// The kept figures of `year`, of the scope's sites.
pub async fn kept_figures_of(
    db: &impl ConnectionTrait,
    scope: &crate::sites::Scope,
    year: i32,
) -> Result<Vec<KeptFigure>, DbErr> {
    Ok(report_figures::Entity::find()
        .filter(report_figures::Column::Year.eq(year))
        .filter(scope.sites(report_figures::Column::SiteId))
        .all(db)
        .await?
        .into_iter()
        .map(|row| KeptFigure {
            year: row.year,
            month: u32::try_from(row.month).unwrap_or_default(),
            figure: row.figure,
            item: row.item,
            value: row.value,
        })
        .collect())
}

/// Informations préoccupantes and the children they named: deleted.
pub async fn delete_concerns(txn: &impl ConnectionTrait, file: &FileRows) -> Result<(), DbErr> {
    let concerns: Vec<Uuid> = file.concerns.iter().map(|row| row.id).collect();
    concern_children::Entity::delete_many()
        .filter(concern_children::Column::ConcernId.is_in(concerns))
        .exec(txn)
        .await?;
    concerns::Entity::delete_many()
        .filter(concerns::Column::FamilyId.eq(file.family_id()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her places in workshops, and the children she brought: deleted.
pub async fn delete_workshop_places(
    txn: &impl ConnectionTrait,
    file: &FileRows,
) -> Result<(), DbErr> {
    let places: Vec<Uuid> = workshop_participants::Entity::find()
        .select_only()
        .column(workshop_participants::Column::Id)
        .filter(workshop_participants::Column::FamilyId.eq(file.family_id()))
        .into_tuple()
        .all(txn)
        .await?;
    workshop_participant_children::Entity::delete_many()
        .filter(workshop_participant_children::Column::ParticipantId.is_in(places.clone()))
        .exec(txn)
        .await?;
    workshop_participants::Entity::delete_many()
        .filter(workshop_participants::Column::Id.is_in(places))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her children's crèche bookings: deleted.
pub async fn delete_creche_bookings(
    txn: &impl ConnectionTrait,
    file: &FileRows,
) -> Result<(), DbErr> {
    creche_bookings::Entity::delete_many()
        .filter(creche_bookings::Column::FamilyId.eq(file.family_id()))
        .exec(txn)
        .await?;
    Ok(())
}

/// The versions of her projet personnalisé, their objectives and who took
/// part: deleted.
pub async fn delete_project_reviews(
    txn: &impl ConnectionTrait,
    file: &FileRows,
) -> Result<(), DbErr> {
    let reviews: Vec<Uuid> = project_reviews::Entity::find()
        .select_only()
        .column(project_reviews::Column::Id)
        .filter(project_reviews::Column::PlacementId.is_in(file.placement_ids.clone()))
        .into_tuple()
        .all(txn)
        .await?;
    project_objectives::Entity::delete_many()
        .filter(project_objectives::Column::ReviewId.is_in(reviews.clone()))
        .exec(txn)
        .await?;
    project_review_participants::Entity::delete_many()
        .filter(project_review_participants::Column::ReviewId.is_in(reviews.clone()))
        .exec(txn)
        .await?;
    project_reviews::Entity::delete_many()
        .filter(project_reviews::Column::Id.is_in(reviews))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her placements' contracts of stay: deleted.
/// Her documents' rows; their contents are erased from the store once
/// this commits.
pub async fn delete_documents(txn: &impl ConnectionTrait, file: &FileRows) -> Result<(), DbErr> {
    crate::documents::delete_of_family(txn, file.family.id).await
}

/// Her steps towards a home and the follow-ups after her exits.
pub async fn delete_housing_pathway(
    txn: &impl ConnectionTrait,
    file: &FileRows,
) -> Result<(), DbErr> {
    exit_follow_ups::Entity::delete_many()
        .filter(exit_follow_ups::Column::FamilyId.eq(file.family.id))
        .exec(txn)
        .await?;
    housing_steps::Entity::delete_many()
        .filter(housing_steps::Column::FamilyId.eq(file.family.id))
        .exec(txn)
        .await?;
    Ok(())
}

pub async fn delete_contracts(txn: &impl ConnectionTrait, file: &FileRows) -> Result<(), DbErr> {
    contracts::Entity::delete_many()
        .filter(contracts::Column::PlacementId.is_in(file.placement_ids.clone()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her occupancies become occupied days of their units that name nobody
/// (`detached_occupancies`), then are deleted.
pub async fn detach_occupancies(txn: &impl ConnectionTrait, file: &FileRows) -> Result<(), DbErr> {
    let stays = occupancies::Entity::find()
        .filter(occupancies::Column::PlacementId.is_in(file.placement_ids.clone()))
        .all(txn)
        .await?;
    for stay in stays {
        // A closed file's occupancies have all ended.
        let Some(ends_on) = stay.ends_on else {
            continue;
        };
        detached_occupancies::Entity::insert(detached_occupancies::ActiveModel {
            id: Set(Uuid::now_v7()),
            unit_id: Set(stay.unit_id),
            starts_on: Set(stay.starts_on),
            ends_on: Set(ends_on),
        })
        .exec_without_returning(txn)
        .await?;
    }
    occupancies::Entity::delete_many()
        .filter(occupancies::Column::PlacementId.is_in(file.placement_ids.clone()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her placements' periods and their renewal decisions: deleted.
pub async fn delete_periods(txn: &impl ConnectionTrait, file: &FileRows) -> Result<(), DbErr> {
    periods::Entity::delete_many()
        .filter(periods::Column::PlacementId.is_in(file.placement_ids.clone()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her follow-up actions: deleted.
pub async fn delete_actions(txn: &impl ConnectionTrait, file: &FileRows) -> Result<(), DbErr> {
    actions::Entity::delete_many()
        .filter(actions::Column::FamilyId.eq(file.family_id()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her interventions and who was present: deleted.
pub async fn delete_interventions(
    txn: &impl ConnectionTrait,
    file: &FileRows,
) -> Result<(), DbErr> {
    let interventions: Vec<Uuid> = file.interventions.iter().map(|row| row.id).collect();
    intervention_staff::Entity::delete_many()
        .filter(intervention_staff::Column::InterventionId.is_in(interventions))
        .exec(txn)
        .await?;
    interventions::Entity::delete_many()
        .filter(interventions::Column::FamilyId.eq(file.family_id()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her placements: deleted.
pub async fn delete_placements(txn: &impl ConnectionTrait, file: &FileRows) -> Result<(), DbErr> {
    placements::Entity::delete_many()
        .filter(placements::Column::Id.is_in(file.placement_ids.clone()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her referrals: deleted.
pub async fn delete_referrals(txn: &impl ConnectionTrait, file: &FileRows) -> Result<(), DbErr> {
    referrals::Entity::delete_many()
        .filter(referrals::Column::FamilyId.eq(file.family_id()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her team: deleted.
pub async fn delete_team(txn: &impl ConnectionTrait, file: &FileRows) -> Result<(), DbErr> {
    family_team::Entity::delete_many()
        .filter(family_team::Column::FamilyId.eq(file.family_id()))
        .exec(txn)
        .await?;
    Ok(())
}

/// What she was found by, and the decisions on her file and another:
/// deleted (nobody finds an anonymised file again; a link to it would
/// link to nobody).
pub async fn delete_identity(txn: &impl ConnectionTrait, file: &FileRows) -> Result<(), DbErr> {
    identity_keys::Entity::delete_many()
        .filter(identity_keys::Column::FamilyId.eq(file.family_id()))
        .exec(txn)
        .await?;
    duplicate_decisions::Entity::delete_many()
        .filter(
            Condition::any()
                .add(duplicate_decisions::Column::FamilyId.eq(file.family_id()))
                .add(duplicate_decisions::Column::OtherFamilyId.eq(file.family_id())),
        )
        .exec(txn)
        .await?;
    Ok(())
}

/// An incident naming her is the centre's record (reported to the
/// authority): it stays, naming nobody, its texts erased.
pub async fn unname_incidents(
    txn: &impl ConnectionTrait,
    file: &FileRows,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    incidents::Entity::update_many()
        .col_expr(incidents::Column::Description, Expr::value(ERASED))
        .col_expr(incidents::Column::MeasuresTaken, Expr::value(ERASED))
        .col_expr(
            incidents::Column::FamilyId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(incidents::Column::UpdatedAt, Expr::value(now))
        .filter(incidents::Column::FamilyId.eq(file.family_id()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her children's rows stay without a name, birth years only, dated
/// `month`.
pub async fn erase_children(
    txn: &impl ConnectionTrait,
    file: &FileRows,
    month: DateTime<Utc>,
) -> Result<(), DbErr> {
    for child in &file.children {
        children::Entity::update(children::ActiveModel {
            id: Set(child.id),
            first_name: Set(ERASED.to_owned()),
            last_name: Set(None),
            birth_date: Set(child.birth_date.map(year_only)),
            expected_birth_date: Set(child.expected_birth_date.map(year_only)),
            version: Set(child.version + 1),
            created_at: Set(month),
            updated_at: Set(month),
            ..Default::default()
        })
        .exec(txn)
        .await?;
    }
    Ok(())
}

/// Her row stays, so the job never takes her again: no name, phone, email
/// or referent, her birth year only, anonymised, created and updated in
/// `month`.
pub async fn erase_family(
    txn: &impl ConnectionTrait,
    file: &FileRows,
    month: DateTime<Utc>,
) -> Result<(), DbErr> {
    let family = &file.family;
    families::Entity::update(families::ActiveModel {
        id: Set(family.id),
        mother_first_name: Set(ERASED.to_owned()),
        mother_last_name: Set(ERASED.to_owned()),
        mother_birth_last_name: Set(None),
        mother_birth_date: Set(year_only(family.mother_birth_date)),
        mother_birth_place: Set(None),
        mother_phone: Set(None),
        mother_email: Set(None),
        referent_id: Set(None),
        anonymised_at: Set(Some(month)),
        // The file stays its site's.
        site_id: sea_orm::ActiveValue::NotSet,
        identity_version: Set(nido_domain::identity::KEYS_VERSION),
        identity_text: Set(None),
        version: Set(family.version + 1),
        created_at: Set(month),
        updated_at: Set(month),
    })
    .exec(txn)
    .await?;
    Ok(())
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

    #[test]
    fn initials_of_a_name() {
        assert_eq!(initials("Aminata", "Koné"), "A. K.");
        assert_eq!(initials("élodie", ""), "É.");
    }
}
