//! A family's file: who may see it, the mother's details, the children and
//! births, the team that accompanies it.

use chrono::NaiveDate;
use nido_domain::Refusal;
use nido_domain::family::{
    Child, ChildDraft, Family, FieldInvalid, MotherChanges, NAME_MAX, NewChild, PHONE_MAX, TEAM_MAX,
};
use nido_domain::placement::ChildBirth;
use nido_domain::refusal::Counted;
use nido_domain::{Email, Role};
use nido_persistence::families::ChildChanges;
use nido_persistence::need_to_know::Reader;
use nido_persistence::{ConnectionTrait, begin_write, families};
use uuid::Uuid;

use crate::users::is_team_member;
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds, optional_text};

/// Whose families `caller` reads (SPEC "Several centres"): a coordinator
/// every family of the sites she belongs to, a staff member those she
/// accompanies now (referent or team) in her sites; no condition on the
/// sites for a user who belongs to every site. Anyone else is refused.
pub async fn reader(db: &impl ConnectionTrait, caller: &Caller) -> CaseResult<Reader> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let everywhere = nido_persistence::sites::belongs_everywhere(db, caller.id).await?;
    Ok(match caller.role {
        Role::Coordinator if everywhere => Reader::Everyone,
        Role::Coordinator => Reader::SitesOf(caller.id),
        _ => Reader::Accompanying {
            user_id: caller.id,
            sites_only: !everywhere,
        },
    })
}

/// Whose families `caller` lists, searches and follows the due dates and
/// deadlines of: the head office every site's (it reads them, and writes
/// nothing); anyone else as [`reader`] says.
pub async fn list_reader(db: &impl ConnectionTrait, caller: &Caller) -> CaseResult<Reader> {
    if caller.role == Role::HeadOffice {
        return Ok(Reader::Everyone);
    }
    reader(db, caller).await
}

/// Whose site-bound records (incidents, housing) `caller` reads whatever
/// her role: those of the sites she belongs to (every site's for nido
/// itself, the head office and a user who belongs to every site).
pub async fn site_reader(db: &impl ConnectionTrait, caller: &Caller) -> CaseResult<Reader> {
    if caller.reads_every_site()
        || nido_persistence::sites::belongs_everywhere(db, caller.id).await?
    {
        return Ok(Reader::Everyone);
    }
    Ok(Reader::SitesOf(caller.id))
}

/// Refuses (as hidden) a family of a site the caller does not belong to,
/// whatever her role: an admin's housing work is her sites' too.
pub async fn in_callers_sites(
    db: &impl ConnectionTrait,
    caller: &Caller,
    family: &Family,
) -> CaseResult<()> {
    if crate::sites::caller_in(db, caller, family.site_id).await? {
        return Ok(());
    }
    Err(CaseError::Hidden {
        family_id: Some(family.id),
    })
}

/// The family, if the caller may see it: coordinators see every family of
/// their sites, staff those they accompany now (referent or team) in
/// their sites. Another family is hidden: answered as not found, and the
/// refusal audited.
pub async fn visible_family(
    db: &impl ConnectionTrait,
    caller: &Caller,
    family_id: Uuid,
) -> CaseResult<Family> {
    Ok(visible(db, caller, family_id, None, TEAM_ONLY).await?.0)
}

/// The family, if the caller may read it: as [`visible_family`], and the
/// head office too (for reads only: a placement, the family's summary).
pub async fn readable_family(
    db: &impl ConnectionTrait,
    caller: &Caller,
    family_id: Uuid,
) -> CaseResult<Family> {
    Ok(visible(db, caller, family_id, None, HEAD_OFFICE_READS)
        .await?
        .0)
}

/// Who may see a family through [`visible`]: the team (coordinators and
/// staff, for anything), or the head office too (for a read).
const TEAM_ONLY: &[Role] = &[Role::Coordinator, Role::Staff];
const HEAD_OFFICE_READS: &[Role] = crate::FAMILY_READERS;

/// The family, if the caller may see it, not audited: for a form that
/// checks it before it writes (the write is audited).
pub async fn find_visible(cases: &Cases, caller: &Caller, family_id: Uuid) -> CaseResult<Family> {
    visible_family(&cases.db, caller, family_id).await
}

/// One family, if the caller may see it (the head office too: it reads
/// every site's families), with how many of its interventions she may
/// see (one query); audited as `family.read`.
pub async fn read(cases: &Cases, caller: &Caller, family_id: Uuid) -> CaseResult<(Family, u64)> {
    let found = visible(
        &cases.db,
        caller,
        family_id,
        Some(caller.id),
        HEAD_OFFICE_READS,
    )
    .await?;
    cases
        .audit(
            caller,
            "family.read",
            Some(family_id),
            &format!("/families/{family_id}"),
        )
        .await?;
    Ok(found)
}

async fn visible(
    db: &impl ConnectionTrait,
    caller: &Caller,
    family_id: Uuid,
    counted_for: Option<Uuid>,
    roles: &[Role],
) -> CaseResult<(Family, u64)> {
    caller.require(roles)?;
    let (family, count) = families::find_with_count(db, family_id, counted_for).await?;
    if caller.role == Role::Staff && !family.is_assigned(caller.id) {
        return Err(CaseError::Hidden {
            family_id: Some(family_id),
        });
    }
    in_callers_sites(db, caller, &family).await?;
    Ok((family, count))
}

/// What may change about the mother, as typed: `None` leaves a detail as
/// it is; an empty phone or email clears it.
#[derive(Debug, Clone, Default)]
pub struct MotherUpdate {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// An empty one clears it.
    pub birth_last_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// An empty one clears it.
    pub birth_place: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The mother's changes, checked (named as the API's `mother` object's
/// fields): names 1 to [`NAME_MAX`] characters and not blank, a phone of at
/// most [`PHONE_MAX`], a birth date not after `today`, an email address.
fn mother_changes(update: MotherUpdate, today: NaiveDate) -> CaseResult<MotherChanges> {
    let mut invalid = Invalid::default();
    for (field, name) in [
        ("mother.first_name", &update.first_name),
        ("mother.last_name", &update.last_name),
    ] {
        if let Some(name) = name {
            bounds::text(&mut invalid, field, name, 1, NAME_MAX);
        }
    }
    bounds::optional_text(
        &mut invalid,
        "mother.birth_last_name",
        update.birth_last_name.as_deref(),
        NAME_MAX,
    );
    bounds::optional_text(
        &mut invalid,
        "mother.birth_place",
        update.birth_place.as_deref(),
        NAME_MAX,
    );
    bounds::optional_text(
        &mut invalid,
        "mother.phone",
        update.phone.as_deref(),
        PHONE_MAX,
    );
    if update.birth_date.is_some_and(|born| born > today) {
        invalid.add("mother.birth_date", Refusal::AfterToday);
    }
    let email = match update.email.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(raw) => invalid
            .check("mother.email", Email::parse(raw))
            .map(|email| Some(email.as_str().to_owned())),
    };
    invalid.finish()?;
    Ok(MotherChanges {
        first_name: update.first_name.map(|name| name.trim().to_owned()),
        last_name: update.last_name.map(|name| name.trim().to_owned()),
        birth_last_name: update
            .birth_last_name
            .map(|name| optional_text(Some(&name))),
        birth_date: update.birth_date,
        birth_place: update.birth_place.map(|place| optional_text(Some(&place))),
        phone: update.phone.map(|phone| optional_text(Some(&phone))),
        email,
    })
}

/// Changes the mother's details (coordinators; staff for their families).
pub async fn update_mother(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    expected_version: Option<i32>,
    update: MotherUpdate,
) -> CaseResult<Family> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let changes = mother_changes(update, cases.today())?;
    visible_family(&cases.db, caller, family_id).await?;
    // Her identity keys change with her: both in one transaction.
    let txn = begin_write(&cases.writer).await?;
    families::update_mother(&txn, family_id, expected_version, changes, cases.now()).await?;
    txn.commit().await?;
    let resource = format!("/families/{family_id}");
    cases
        .audit(caller, "family.update", Some(family_id), &resource)
        .await?;
    Ok(families::find(&cases.db, family_id).await?)
}

/// Adds a child, born or expected, as [`NewChild::parse`] checks her
/// (coordinators; staff for their families).
pub async fn add_child(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    child: ChildDraft,
) -> CaseResult<Child> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let child = NewChild::parse(&child, cases.today()).map_err(refusal)?;
    visible_family(&cases.db, caller, family_id).await?;
    // The child moves the due dates her family's placement keeps: both in
    // one transaction.
    let txn = begin_write(&cases.writer).await?;
    let child = families::insert_child(&txn, family_id, &child, cases.now()).await?;
    txn.commit().await?;
    let resource = format!("/families/{family_id}/children/{}", child.id);
    cases
        .audit(caller, "child.create", Some(family_id), &resource)
        .await?;
    Ok(child)
}

/// The refusals of a domain type's parsing, as the use case answers them.
fn refusal(refused: Vec<FieldInvalid>) -> CaseError {
    let mut invalid = Invalid::default();
    invalid.add_all(refused);
    match invalid.finish() {
        Err(error) => error,
        Ok(()) => CaseError::Invalid(Vec::new()),
    }
}

/// What may change about a child, as typed. Giving `birth_date` records
/// the birth.
#[derive(Debug, Clone, Default)]
pub struct ChildUpdate {
    /// 1 to [`NAME_MAX`] characters, not blank.
    pub first_name: Option<String>,
    /// At most [`NAME_MAX`] characters; `Some("")` clears it.
    pub last_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub expected_birth_date: Option<NaiveDate>,
}

/// Changes a child; recording the birth sets `birth_date` and clears the
/// expected date (coordinators; staff for their families).
pub async fn update_child(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    child_id: Uuid,
    expected_version: Option<i32>,
    update: ChildUpdate,
) -> CaseResult<Child> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let mut bounded = Invalid::default();
    if let Some(first_name) = &update.first_name {
        bounds::text(&mut bounded, "first_name", first_name, 1, NAME_MAX);
    }
    bounds::optional_text(
        &mut bounded,
        "last_name",
        update.last_name.as_deref(),
        NAME_MAX,
    );
    bounded.finish()?;
    let family = visible_family(&cases.db, caller, family_id).await?;
    let current = family
        .children
        .iter()
        .find(|child| child.id == child_id)
        .ok_or(CaseError::NotFound)?;
    let mut invalid = Invalid::default();
    let birth = match (update.birth_date, update.expected_birth_date) {
        (Some(_), Some(_)) => {
            invalid.add("birth_date", Refusal::BirthAndExpected);
            None
        }
        (Some(born), None) => {
            if born > cases.today() {
                invalid.add("birth_date", Refusal::AfterToday);
            }
            Some(ChildBirth::Born(born))
        }
        (None, Some(expected)) => {
            if matches!(current.birth, ChildBirth::Born(_)) {
                invalid.add("expected_birth_date", Refusal::AlreadyBorn);
            }
            Some(ChildBirth::Expected(expected))
        }
        (None, None) => None,
    };
    invalid.finish()?;
    let changes = ChildChanges {
        first_name: update.first_name.map(|name| name.trim().to_owned()),
        last_name: update.last_name.map(|name| optional_text(Some(&name))),
        birth,
    };
    let txn = begin_write(&cases.writer).await?;
    let child = families::update_child(
        &txn,
        family_id,
        child_id,
        expected_version,
        changes,
        cases.now(),
    )
    .await?;
    txn.commit().await?;
    let resource = format!("/families/{family_id}/children/{child_id}");
    cases
        .audit(caller, "child.update", Some(family_id), &resource)
        .await?;
    Ok(child)
}

/// Assigns the referent and the team of at most [`TEAM_MAX`] people
/// (coordinators): each an active staff member or coordinator.
pub async fn assign(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    expected_version: Option<i32>,
    referent_id: Option<Uuid>,
    team_ids: Vec<Uuid>,
) -> CaseResult<Family> {
    caller.require(&[Role::Coordinator])?;
    let mut bounded = Invalid::default();
    bounds::count(
        &mut bounded,
        "team_ids",
        team_ids.len(),
        0,
        TEAM_MAX,
        Counted::People,
    );
    bounded.finish()?;
    let family = visible_family(&cases.db, caller, family_id).await?;
    let mut invalid = Invalid::default();
    let members = team_ids
        .iter()
        .enumerate()
        .map(|(index, id)| (format!("team_ids[{index}]"), *id))
        .chain(referent_id.map(|id| ("referent_id".to_owned(), id)));
    for (field, id) in members {
        if !is_team_member(cases, id).await? {
            invalid.add(field, Refusal::NotActiveStaff);
        } else if !nido_persistence::sites::of_user(&cases.db, id)
            .await?
            .contains(&family.site_id)
        {
            invalid.add(field, Refusal::NotOfTheFamilysSite);
        }
    }
    invalid.finish()?;
    let mut team: Vec<Uuid> = team_ids
        .into_iter()
        .filter(|member| Some(*member) != referent_id)
        .collect();
    team.sort();
    team.dedup();
    let txn = begin_write(&cases.writer).await?;
    families::set_assignment(
        &txn,
        family_id,
        expected_version,
        referent_id,
        &team,
        cases.now(),
    )
    .await?;
    txn.commit().await?;
    let resource = format!("/families/{family_id}/assignment");
    cases
        .audit(caller, "family.assign", Some(family_id), &resource)
        .await?;
    Ok(families::find(&cases.db, family_id).await?)
}
