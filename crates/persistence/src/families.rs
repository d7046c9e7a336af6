//! Families: the mother, her children, and who accompanies them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::family::{Child, Family, Mother, MotherChanges};
use nido_domain::placement::ChildBirth;
use nido_domain::placement::PlacementStatus;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    JoinType, QueryFilter, QueryOrder, QuerySelect, RelationDef,
};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::{children, families, family_team, placements};
use crate::need_to_know::{self, Reader};
use crate::versioned::Versioned;

pub use nido_domain::family::NewChild;

/// A new family of `site_id`, with her children (run it in a
/// transaction).
pub async fn insert(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    mother: &Mother,
    new_children: &[NewChild],
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    families::Entity::insert(families::ActiveModel {
        id: Set(id),
        mother_first_name: Set(mother.first_name.clone()),
        mother_last_name: Set(mother.last_name.clone()),
        mother_birth_last_name: Set(mother.birth_last_name.clone()),
        mother_birth_date: Set(mother.birth_date),
        mother_birth_place: Set(mother.birth_place.clone()),
        mother_phone: Set(mother.phone.clone()),
        mother_email: Set(mother.email.clone()),
        referent_id: Set(None),
        anonymised_at: Set(None),
        site_id: Set(Some(site_id)),
        identity_version: Set(0),
        identity_text: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    crate::identity::store_keys(db, id).await?;
    for child in new_children {
        insert_child(db, id, child, now).await?;
    }
    Ok(id)
}

/// Adds a child to the family, and moves the due dates its placement keeps
/// (`screens::keep_due_dates`: the renewal's cap): run it in a transaction.
pub async fn insert_child(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    child: &NewChild,
    now: DateTime<Utc>,
) -> Result<Child, DbErr> {
    let (birth_date, expected_birth_date) = split_birth(child.birth);
    let row = children::Entity::insert(children::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(family_id),
        first_name: Set(child.first_name.clone()),
        last_name: Set(child.last_name.clone()),
        birth_date: Set(birth_date),
        expected_birth_date: Set(expected_birth_date),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(db)
    .await?;
    crate::screens::keep_due_dates(db, crate::screens::KeptOn::Family(family_id)).await?;
    child_to_domain(row)
}

fn split_birth(birth: ChildBirth) -> (Option<NaiveDate>, Option<NaiveDate>) {
    match birth {
        ChildBirth::Born(date) => (Some(date), None),
        ChildBirth::Expected(date) => (None, Some(date)),
    }
}

fn child_to_domain(row: children::Model) -> Result<Child, DbErr> {
    child(
        row.id,
        row.first_name,
        row.last_name,
        (row.birth_date, row.expected_birth_date),
        row.version,
    )
}

/// A child from its columns; exactly one of the born and expected dates.
fn child(
    id: Uuid,
    first_name: String,
    last_name: Option<String>,
    (born, expected): (Option<NaiveDate>, Option<NaiveDate>),
    version: i32,
) -> Result<Child, DbErr> {
    let birth = match (born, expected) {
        (Some(born), None) => ChildBirth::Born(born),
        (None, Some(expected)) => ChildBirth::Expected(expected),
        _ => return Err(DbErr::Custom(format!("children row {id}: birth dates"))),
    };
    Ok(Child {
        id,
        first_name,
        last_name,
        birth,
        version,
    })
}

/// Loads families with their children, team and active placement.
pub(crate) async fn assemble(
    db: &impl ConnectionTrait,
    rows: Vec<families::Model>,
) -> Result<Vec<Family>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut kids: HashMap<Uuid, Vec<Child>> = HashMap::new();
    for row in children::Entity::find()
        .filter(children::Column::FamilyId.is_in(ids.clone()))
        .order_by_asc(children::Column::Id)
        .all(db)
        .await?
    {
        kids.entry(row.family_id)
            .or_default()
            .push(child_to_domain(row)?);
    }
    let mut teams: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for row in family_team::Entity::find()
        .filter(family_team::Column::FamilyId.is_in(ids.clone()))
        .order_by_asc(family_team::Column::UserId)
        .all(db)
        .await?
    {
        teams.entry(row.family_id).or_default().push(row.user_id);
    }
    let active: HashMap<Uuid, Uuid> = placements::Entity::find()
        .filter(placements::Column::FamilyId.is_in(ids))
        .filter(placements::Column::Status.eq("active"))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.family_id, row.id))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            family_of(
                row,
                kids.remove(&id).unwrap_or_default(),
                teams.remove(&id).unwrap_or_default(),
                active.get(&id).copied(),
            )
        })
        .collect())
}

/// A family from its row and what the other tables hold of it.
fn family_of(
    row: families::Model,
    children: Vec<Child>,
    team_ids: Vec<Uuid>,
    current_placement_id: Option<Uuid>,
) -> Family {
    Family {
        id: row.id,
        mother: Mother {
            first_name: row.mother_first_name,
            last_name: row.mother_last_name,
            birth_last_name: row.mother_birth_last_name,
            birth_date: row.mother_birth_date,
            birth_place: row.mother_birth_place,
            phone: row.mother_phone,
            email: row.mother_email,
        },
        children,
        referent_id: row.referent_id,
        team_ids,
        current_placement_id,
        // Every row has one since the upgrade to sites.
        site_id: row.site_id.unwrap_or(crate::sites::NEW_ROWS_SITE),
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// One family, with its children, team and active placement.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Family, RepoError> {
    Ok(find_with_count(db, id, None).await?.0)
}

/// One row of [`find_with_count`]'s query: the family, joined to one of its
/// children, one member of its team and its active placement (each absent
/// when there is none), and the count asked for.
#[derive(Debug, FromQueryResult)]
struct FamilyJoinRow {
    #[sea_orm(nested)]
    family: families::Model,
    child_id: Option<Uuid>,
    child_first_name: Option<String>,
    child_last_name: Option<String>,
    child_birth_date: Option<NaiveDate>,
    child_expected_birth_date: Option<NaiveDate>,
    child_version: Option<i32>,
    team_user_id: Option<Uuid>,
    active_placement_id: Option<Uuid>,
    counted: Option<i64>,
}

/// The rows of a family in another table, by their `family_id`, to join.
fn rows_of_family<E: EntityTrait>(family_id: E::Column) -> RelationDef {
    E::belongs_to(families::Entity)
        .from(family_id)
        .to(families::Column::Id)
        .into()
}

/// One family with its children, team and active placement and, for a
/// `viewer`, how many of its interventions she may see (0 without one) —
/// all in one query, since a family is read by nearly every request and
/// each query is a round trip. The joins multiply rows (children × team
/// members), a handful for any family.
pub async fn find_with_count(
    db: &impl ConnectionTrait,
    id: Uuid,
    viewer: Option<Uuid>,
) -> Result<(Family, u64), RepoError> {
    let mut query = families::Entity::find_by_id(id)
        .join_rev(
            JoinType::LeftJoin,
            rows_of_family::<children::Entity>(children::Column::FamilyId),
        )
        .join_rev(
            JoinType::LeftJoin,
            rows_of_family::<family_team::Entity>(family_team::Column::FamilyId),
        )
        .join_rev(
            JoinType::LeftJoin,
            rows_of_family::<placements::Entity>(placements::Column::FamilyId).on_condition(
                |_, _| {
                    Condition::all().add(
                        Expr::col((placements::Entity, placements::Column::Status))
                            .eq(PlacementStatus::Active.as_str()),
                    )
                },
            ),
        )
        .column_as(children::Column::Id, "child_id")
        .column_as(children::Column::FirstName, "child_first_name")
        .column_as(children::Column::LastName, "child_last_name")
        .column_as(children::Column::BirthDate, "child_birth_date")
        .column_as(
            children::Column::ExpectedBirthDate,
            "child_expected_birth_date",
        )
        .column_as(children::Column::Version, "child_version")
        .column_as(family_team::Column::UserId, "team_user_id")
        .column_as(placements::Column::Id, "active_placement_id");
    query = match viewer {
        Some(viewer) => query.column_as(
            Expr::from(need_to_know::interventions_counted_for(viewer)),
            "counted",
        ),
        None => query.column_as(Expr::value(Option::<i64>::None), "counted"),
    };
    let rows = query.into_model::<FamilyJoinRow>().all(db).await?;
    let first = rows.first().ok_or(RepoError::NotFound)?;
    let counted = u64::try_from(first.counted.unwrap_or(0)).unwrap_or(0);
    let active = first.active_placement_id;
    let mut children_found: Vec<Child> = Vec::new();
    let mut team: Vec<Uuid> = Vec::new();
    for row in &rows {
        if let (Some(child_id), Some(first_name), Some(version)) = (
            row.child_id,
            row.child_first_name.as_ref(),
            row.child_version,
        ) && !children_found.iter().any(|child| child.id == child_id)
        {
            children_found.push(child(
                child_id,
                first_name.clone(),
                row.child_last_name.clone(),
                (row.child_birth_date, row.child_expected_birth_date),
                version,
            )?);
        }
        if let Some(user_id) = row.team_user_id
            && !team.contains(&user_id)
        {
            team.push(user_id);
        }
    }
    // The order the other reads give: children and team by id.
    children_found.sort_by_key(|child| child.id);
    team.sort();
    let row = rows.into_iter().next().ok_or(RepoError::NotFound)?;
    let family = family_of(row.family, children_found, team, active);
    Ok((family, counted))
}

/// Several families by id.
pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, Family>, DbErr> {
    let rows = families::Entity::find()
        .filter(families::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(assemble(db, rows)
        .await?
        .into_iter()
        .map(|family| (family.id, family))
        .collect())
}

/// Whether `user_id` accompanies this family.
pub async fn is_assigned(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    user_id: Uuid,
) -> Result<bool, DbErr> {
    Ok(families::Entity::find()
        .select_only()
        .column(families::Column::Id)
        .filter(families::Column::Id.eq(family_id))
        .filter(need_to_know::assigned_to(user_id))
        .into_tuple::<Uuid>()
        .one(db)
        .await?
        .is_some())
}

/// The families `reader` sees, in creation order after `after`.
pub async fn list(
    db: &impl ConnectionTrait,
    reader: Reader,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Family>, DbErr> {
    let mut query = families::Entity::find()
        .filter(reader.families())
        .order_by_asc(families::Column::Id);
    if let Some(after) = after {
        query = query.filter(families::Column::Id.gt(after));
    }
    let rows = query.limit(limit).all(db).await?;
    assemble(db, rows).await
}

/// Bumps the family's version, refusing a stale `expected_version`.
async fn bump_version(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    now: DateTime<Utc>,
    changes: families::ActiveModel,
) -> Result<(), RepoError> {
    let current = crate::row_by_id::<families::Entity>(db, id).await?;
    Versioned::<families::Entity>::new(id, current.version, expected_version, now)
        .apply(db, changes, Condition::all(), RepoError::from)
        .await
}

/// Changes the mother's details, and her identity keys with them: run it
/// in a transaction.
pub async fn update_mother(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    changes: MotherChanges,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let mut row = families::ActiveModel::default();
    if let Some(value) = changes.first_name {
        row.mother_first_name = Set(value);
    }
    if let Some(value) = changes.last_name {
        row.mother_last_name = Set(value);
    }
    if let Some(value) = changes.birth_last_name {
        row.mother_birth_last_name = Set(value);
    }
    if let Some(value) = changes.birth_date {
        row.mother_birth_date = Set(value);
    }
    if let Some(value) = changes.birth_place {
        row.mother_birth_place = Set(value);
    }
    if let Some(value) = changes.phone {
        row.mother_phone = Set(value);
    }
    if let Some(value) = changes.email {
        row.mother_email = Set(value);
    }
    bump_version(db, id, expected_version, now, row).await?;
    // Her names or birth date may have changed: what she is found by too.
    Ok(crate::identity::store_keys(db, id).await?)
}

/// Replaces the referent and the team.
pub async fn set_assignment(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    referent_id: Option<Uuid>,
    team_ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let row = families::ActiveModel {
        referent_id: Set(referent_id),
        ..Default::default()
    };
    bump_version(db, id, expected_version, now, row).await?;
    family_team::Entity::delete_many()
        .filter(family_team::Column::FamilyId.eq(id))
        .exec(db)
        .await?;
    for user_id in team_ids {
        family_team::Entity::insert(family_team::ActiveModel {
            family_id: Set(id),
            user_id: Set(*user_id),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// What a `PATCH` of a child may change; `None` leaves a field alone.
#[derive(Debug, Default)]
pub struct ChildChanges {
    pub first_name: Option<String>,
    pub last_name: Option<Option<String>>,
    pub birth: Option<ChildBirth>,
}

/// Changes a child; recording a birth sets `birth_date` and clears
/// `expected_birth_date`. Moves the due dates the family's placement keeps
/// (`screens::keep_due_dates`): run it in a transaction.
pub async fn update_child(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    child_id: Uuid,
    expected_version: Option<i32>,
    changes: ChildChanges,
    now: DateTime<Utc>,
) -> Result<Child, RepoError> {
    let current = children::Entity::find_by_id(child_id)
        .filter(children::Column::FamilyId.eq(family_id))
        .one(db)
        .await?
        .ok_or(RepoError::NotFound)?;
    let mut row = children::ActiveModel::default();
    if let Some(value) = changes.first_name {
        row.first_name = Set(value);
    }
    if let Some(value) = changes.last_name {
        row.last_name = Set(value);
    }
    if let Some(birth) = changes.birth {
        let (born, expected) = split_birth(birth);
        row.birth_date = Set(born);
        row.expected_birth_date = Set(expected);
    }
    Versioned::<children::Entity>::new(child_id, current.version, expected_version, now)
        .apply(db, row, Condition::all(), RepoError::from)
        .await?;
    crate::screens::keep_due_dates(db, crate::screens::KeptOn::Family(family_id)).await?;
    let row = crate::row_by_id::<children::Entity>(db, child_id).await?;
    Ok(child_to_domain(row)?)
}
