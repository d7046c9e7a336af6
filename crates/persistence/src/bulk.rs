//! Bulk loading: many rows in few multi-row `INSERT`s, for
//! `nido demo-data --scale` (a centre of 10,000 families to measure nido on).
//!
//! This bypasses the use cases on purpose. They check each operation
//! against what is stored, one family at a time, in a transaction of its
//! own: loading a million interventions through them would take hours. The
//! caller hands over rows it generated consistent with the rules (periods
//! and the cap, one occupancy of a unit at a time, leases covering them);
//! the database still refuses what its constraints forbid (foreign keys,
//! unique indexes, PostgreSQL's exclusion constraints, SQLite's overlap
//! triggers), so a mistake fails the load instead of storing nonsense.
//! Nothing here writes an audit entry: nobody read or changed a real file.

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::family::{Mother, NewChild, ReferralDetails, ReferralStatus};
use nido_domain::housing::{DateSpan, Landlord, Lease, Unit};
use nido_domain::placement::ChildBirth;
use nido_domain::placement::{PeriodRecord, PlacementStatus};
use nido_domain::project::Contract;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, Iterable};
use uuid::Uuid;

use crate::entities::{
    actions, children, contracts, families, family_team, intervention_staff, interventions,
    landlords, leases, occupancies, periods, placements, project_objectives,
    project_review_participants, project_reviews, referrals, units, user_sites, users,
};
use crate::projects::NewReview;
use nido_domain::intervention::{InterventionFields, NewAction};
use nido_domain::user::NewUser;

/// The bound on one statement's variables: SQLite's default (32,766 since
/// 3.32; PostgreSQL allows 65,535).
const MAX_VARIABLES: usize = 32_766;
/// Rows per statement at most: enough that a statement's round trip costs
/// little next to writing its rows.
const MAX_ROWS: usize = 1_000;

/// Everything one load writes. [`insert`] writes the tables in the order
/// their foreign keys need, so rows may refer to rows of the same load.
#[derive(Default)]
pub struct Rows {
    pub users: Vec<User>,
    pub landlords: Vec<Landlord>,
    pub units: Vec<Unit>,
    pub leases: Vec<Lease>,
    pub families: Vec<Family>,
    pub referrals: Vec<Referral>,
    pub placements: Vec<Placement>,
    pub occupancies: Vec<Occupancy>,
    pub contracts: Vec<Contract>,
    pub reviews: Vec<Review>,
    pub interventions: Vec<Intervention>,
    pub actions: Vec<Action>,
}

pub struct User {
    pub id: Uuid,
    pub new: NewUser,
}

/// A family with its children, its referent and the rest of its team.
pub struct Family {
    pub id: Uuid,
    pub mother: Mother,
    pub children: Vec<NewChild>,
    pub referent_id: Option<Uuid>,
    pub team_ids: Vec<Uuid>,
}

pub struct Referral {
    pub id: Uuid,
    pub family_id: Uuid,
    pub details: ReferralDetails,
    pub status: ReferralStatus,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
}

/// An active placement and its periods, in order, each renewed one with
/// the decision that renewed it.
pub struct Placement {
    pub id: Uuid,
    pub family_id: Uuid,
    pub referral_id: Uuid,
    pub admitted_on: NaiveDate,
    pub periods: Vec<PeriodRecord>,
    /// Who recorded the admission and the renewals.
    pub recorded_by: Uuid,
}

pub struct Occupancy {
    pub id: Uuid,
    pub placement_id: Uuid,
    pub unit_id: Uuid,
    pub span: DateSpan,
}

pub struct Review {
    pub id: Uuid,
    pub new: NewReview,
}

pub struct Intervention {
    pub id: Uuid,
    pub family_id: Uuid,
    pub author_id: Uuid,
    pub fields: InterventionFields,
}

pub struct Action {
    pub family_id: Uuid,
    pub intervention_id: Option<Uuid>,
    pub new: NewAction,
    pub done_on: Option<NaiveDate>,
    pub created_by: Uuid,
}

/// Writes every row, recorded at `now`, in statements of up to a thousand
/// rows. Run it inside one transaction (`begin_write`): a failure then
/// leaves nothing behind.
pub async fn insert(
    db: &impl ConnectionTrait,
    rows: Rows,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Rows {
        users,
        landlords,
        units,
        leases,
        families,
        referrals,
        placements,
        occupancies,
        contracts,
        reviews,
        interventions,
        actions,
    } = rows;
    let memberships: Vec<user_sites::Model> = users
        .iter()
        .flat_map(|user| {
            user.new.site_ids.iter().map(|&site_id| user_sites::Model {
                user_id: user.id,
                site_id,
            })
        })
        .collect();
    insert_all(db, users.into_iter().map(|user| user.model(now))).await?;
    insert_all(db, memberships).await?;
    insert_all(db, landlords.into_iter().map(|row| landlord(row, now))).await?;
    insert_all(db, units.into_iter().map(|row| unit(row, now))).await?;
    insert_all(db, leases.into_iter().map(|row| lease(row, now))).await?;
    insert_families(db, families, now).await?;
    insert_all(db, referrals.into_iter().map(|row| row.model(now))).await?;
    insert_placements(db, placements, now).await?;
    insert_all(db, occupancies.into_iter().map(|row| row.model(now))).await?;
    insert_all(db, contracts.into_iter().map(|row| contract(row, now))).await?;
    insert_reviews(db, reviews, now).await?;
    insert_interventions(db, interventions, now).await?;
    insert_all(db, actions.into_iter().map(|row| row.model(now))).await?;
    crate::screens::keep_due_dates(db, crate::screens::KeptOn::NotYetKept).await?;
    Ok(())
}

/// Inserts `models` in statements of as many rows as fit.
async fn insert_all<M, A>(
    db: &impl ConnectionTrait,
    models: impl IntoIterator<Item = M>,
) -> Result<(), DbErr>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait + Send,
{
    let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
    let per_statement = (MAX_VARIABLES / columns).min(MAX_ROWS);
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let batch: Vec<A> = models
            .by_ref()
            .take(per_statement)
            .map(IntoActiveModel::into_active_model)
            .collect();
        A::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

async fn insert_families(
    db: &impl ConnectionTrait,
    rows: Vec<Family>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut kids = Vec::new();
    let mut team = Vec::new();
    let mut keys = Vec::new();
    let mut models = Vec::with_capacity(rows.len());
    for family in rows {
        for child in family.children {
            let (birth_date, expected_birth_date) = match child.birth {
                ChildBirth::Born(day) => (Some(day), None),
                ChildBirth::Expected(day) => (None, Some(day)),
            };
            kids.push(children::Model {
                id: Uuid::now_v7(),
                family_id: family.id,
                first_name: child.first_name,
                last_name: child.last_name,
                birth_date,
                expected_birth_date,
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        team.extend(family.team_ids.iter().map(|user_id| family_team::Model {
            family_id: family.id,
            user_id: *user_id,
        }));
        let mother = family.mother;
        let mut model = families::Model {
            id: family.id,
            mother_first_name: mother.first_name,
            mother_last_name: mother.last_name,
            mother_birth_last_name: mother.birth_last_name,
            mother_birth_date: mother.birth_date,
            mother_birth_place: mother.birth_place,
            mother_phone: mother.phone,
            mother_email: mother.email,
            referent_id: family.referent_id,
            anonymised_at: None,
            site_id: Some(crate::sites::NEW_ROWS_SITE),
            identity_version: nido_domain::identity::KEYS_VERSION,
            identity_text: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let (family_keys, text) = crate::identity::keyed(&model);
        model.identity_text = text;
        keys.extend(family_keys);
        models.push(model);
    }
    insert_all(db, models).await?;
    insert_all(db, keys).await?;
    insert_all(db, kids).await?;
    insert_all(db, team).await
}

async fn insert_placements(
    db: &impl ConnectionTrait,
    rows: Vec<Placement>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut records = Vec::new();
    let mut models = Vec::with_capacity(rows.len());
    for placement in rows {
        records.extend(placement.periods.into_iter().map(|record| periods::Model {
            id: Uuid::now_v7(),
            placement_id: placement.id,
            number: record.period.number,
            starts_on: record.period.starts_on,
            ends_on: record.period.ends_on,
            decided_on: record.decided_on,
            decided_by: record.decided_by,
            decision_ref: record.decision_ref,
            recorded_by: Some(placement.recorded_by),
            created_at: now,
        }));
        models.push(placements::Model {
            id: placement.id,
            family_id: placement.family_id,
            referral_id: placement.referral_id,
            admitted_on: placement.admitted_on,
            status: PlacementStatus::Active.as_str().to_owned(),
            exited_on: None,
            exit_destination: None,
            exit_notes: None,
            exit_step_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    insert_all(db, models).await?;
    insert_all(db, records).await
}

async fn insert_reviews(
    db: &impl ConnectionTrait,
    rows: Vec<Review>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut participants = Vec::new();
    let mut objectives = Vec::new();
    let mut models = Vec::with_capacity(rows.len());
    for Review { id, new } in rows {
        participants.extend(new.participant_ids.iter().map(|user_id| {
            project_review_participants::Model {
                review_id: id,
                user_id: *user_id,
            }
        }));
        objectives.extend(
            new.objectives
                .into_iter()
                .zip(0..)
                .map(|(objective, position)| project_objectives::Model {
                    id: Uuid::now_v7(),
                    review_id: id,
                    position,
                    domain: objective.domain.as_str().to_owned(),
                    description: objective.description,
                    status: objective.status.as_str().to_owned(),
                    target_on: objective.target_on,
                }),
        );
        models.push(project_reviews::Model {
            id,
            placement_id: new.placement_id,
            reviewed_on: new.reviewed_on,
            mother_present: new.mother_present,
            created_by: new.created_by,
            created_at: now,
        });
    }
    insert_all(db, models).await?;
    insert_all(db, participants).await?;
    insert_all(db, objectives).await
}

async fn insert_interventions(
    db: &impl ConnectionTrait,
    rows: Vec<Intervention>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut present = Vec::new();
    let mut models = Vec::with_capacity(rows.len());
    for Intervention {
        id,
        family_id,
        author_id,
        fields,
    } in rows
    {
        let mut staff = fields.staff_ids;
        staff.sort();
        staff.dedup();
        present.extend(staff.into_iter().map(|user_id| intervention_staff::Model {
            intervention_id: id,
            user_id,
        }));
        models.push(interventions::Model {
            id,
            family_id,
            author_id,
            kind: fields.kind.as_str().to_owned(),
            occurred_at: fields.occurred_at,
            duration_minutes: fields.duration_minutes,
            summary: fields.summary,
            confidentiality: fields.confidentiality.as_str().to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    insert_all(db, models).await?;
    insert_all(db, present).await
}

impl User {
    fn model(self, now: DateTime<Utc>) -> users::Model {
        let new = self.new;
        users::Model {
            id: self.id,
            email: new.email.as_str().to_owned(),
            display_name: new.display_name.as_str().to_owned(),
            role: new.role.as_str().to_owned(),
            profession: new.profession.as_str().to_owned(),
            password_hash: new.password_hash,
            active: true,
            must_change_password: new.must_change_password,
            mfa_enrolled_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
}

fn landlord(row: Landlord, now: DateTime<Utc>) -> landlords::Model {
    landlords::Model {
        id: row.id,
        name: row.name,
        kind: row.kind.as_str().to_owned(),
        contact_name: row.contact_name,
        phone: row.phone,
        email: row.email,
        address: row.address,
        version: row.version,
        created_at: now,
        updated_at: now,
    }
}

fn unit(row: Unit, now: DateTime<Utc>) -> units::Model {
    units::Model {
        id: row.id,
        landlord_id: row.landlord_id,
        label: row.label,
        street: row.street,
        postal_code: row.postal_code,
        city: row.city,
        typology: row.typology.as_str().to_owned(),
        surface_m2: row.surface_m2,
        capacity: row.capacity,
        site_id: Some(row.site_id),
        version: row.version,
        created_at: now,
        updated_at: now,
    }
}

fn lease(row: Lease, now: DateTime<Utc>) -> leases::Model {
    leases::Model {
        id: row.id,
        unit_id: row.unit_id,
        starts_on: row.span.start,
        ends_on: row.span.end,
        monthly_rent_cents: row.monthly_rent_cents,
        monthly_charges_cents: row.monthly_charges_cents,
        deposit_cents: row.deposit_cents,
        version: row.version,
        created_at: now,
        updated_at: now,
    }
}

fn contract(row: Contract, now: DateTime<Utc>) -> contracts::Model {
    contracts::Model {
        placement_id: row.placement_id,
        kind: row.kind.as_str().to_owned(),
        delivered_on: row.delivered_on,
        signed_on: row.signed_on,
        version: row.version,
        updated_at: now,
    }
}

impl Referral {
    fn model(self, now: DateTime<Utc>) -> referrals::Model {
        let details = self.details;
        referrals::Model {
            id: self.id,
            family_id: self.family_id,
            source: details.source.as_str().to_owned(),
            eds: details.eds,
            referred_on: details.referred_on,
            referrer_name: details.referrer_name,
            referrer_contact: details.referrer_contact,
            reason: details.reason.as_str().to_owned(),
            reason_details: details.reason_details,
            status: self.status.as_str().to_owned(),
            closed_reason: None,
            closed_at: self.closed_at,
            created_by: self.created_by,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
}

impl Occupancy {
    fn model(self, now: DateTime<Utc>) -> occupancies::Model {
        occupancies::Model {
            id: self.id,
            placement_id: self.placement_id,
            unit_id: self.unit_id,
            starts_on: self.span.start,
            ends_on: self.span.end,
            created_at: now,
        }
    }
}

impl Action {
    fn model(self, now: DateTime<Utc>) -> actions::Model {
        actions::Model {
            id: Uuid::now_v7(),
            family_id: self.family_id,
            intervention_id: self.intervention_id,
            description: self.new.description,
            due_on: self.new.due_on,
            assignee_id: self.new.assignee_id,
            done_on: self.done_on,
            created_by: self.created_by,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
}
