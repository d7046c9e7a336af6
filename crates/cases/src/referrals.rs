//! Referrals (*orientations*) and admissions: how a family comes in.

use chrono::NaiveDate;
use nido_domain::Refusal;
use nido_domain::family::{
    CLOSING_REASON_MAX, Family, FamilyDraft, FieldInvalid, Mother, NewChild, REFERRAL_CHILDREN_MAX,
    Referral, ReferralDetails, ReferralDraft, ReferralStatus,
};
use nido_domain::housing::Unit;
use nido_domain::identity::{DuplicateVerdict, Identity};
use nido_domain::placement::{first_period, is_eligible, latest_end_on};
use nido_domain::refusal::Counted;
use nido_domain::{Conflict, Role, User};
use nido_persistence::referrals::NewReferral;
use nido_persistence::{
    RepoError, begin_write, families, housing, identity, placements, referrals,
};
use uuid::Uuid;

use crate::accepted::Accepted;
use crate::identity::{Candidate, NOTE_MAX};
use crate::placements::PlacementRecord;
use crate::users::is_team_member;
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds, team};

/// The most referrals the waiting list shows.
const MAX_WAITING: u64 = 200;

/// Up to `limit + 1` referrals after `after`, oldest first, of one status
/// or all (coordinators): the extra one tells the page that more follow.
/// Audited as `referral.list`, naming the families of the `limit` shown.
pub async fn page(
    cases: &Cases,
    caller: &Caller,
    status: Option<ReferralStatus>,
    after: Option<(NaiveDate, Uuid)>,
    limit: u64,
) -> CaseResult<Vec<Referral>> {
    caller.require(&[Role::Coordinator])?;
    let reader = crate::families::reader(&cases.db, caller).await?;
    let rows = referrals::list(&cases.db, reader, status, after, limit + 1).await?;
    let shown = usize::try_from(limit).unwrap_or(usize::MAX);
    let families = rows.iter().take(shown).map(|referral| referral.family_id);
    cases
        .audit_many(caller, "referral.list", families, "/referrals")
        .await?;
    Ok(rows)
}

/// The referral, if the caller may see its family
/// (`crate::families::visible_family`; coordinators only).
async fn visible_referral(
    cases: &Cases,
    caller: &Caller,
    referral_id: Uuid,
) -> CaseResult<(Referral, Family)> {
    caller.require(&[Role::Coordinator])?;
    let referral = referrals::find(&cases.db, referral_id).await?;
    let family = crate::families::visible_family(&cases.db, caller, referral.family_id).await?;
    Ok((referral, family))
}

/// One referral (coordinators), audited as `referral.read`.
pub async fn read(cases: &Cases, caller: &Caller, referral_id: Uuid) -> CaseResult<Referral> {
    let (referral, _) = visible_referral(cases, caller, referral_id).await?;
    cases
        .audit(
            caller,
            "referral.read",
            Some(referral.family_id),
            &format!("/referrals/{referral_id}"),
        )
        .await?;
    Ok(referral)
}

/// A pending referral and its family.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub referral: Referral,
    pub family: Family,
}

/// The waiting list and what its admission forms offer.
#[derive(Debug, Clone)]
pub struct WaitingList {
    /// Oldest first.
    pub pending: Vec<Waiting>,
    /// Who may become a family's referent: the active staff and
    /// coordinators.
    pub members: Vec<User>,
    /// The apartments a family may move into.
    pub units: Vec<Unit>,
}

/// The pending referrals, oldest first, with their families (coordinators),
/// audited as `referral.list`.
pub async fn waiting_list(cases: &Cases, caller: &Caller) -> CaseResult<WaitingList> {
    let reader = crate::families::reader(&cases.db, caller).await?;
    caller.require(&[Role::Coordinator])?;
    let pending = referrals::list(
        &cases.db,
        reader,
        Some(ReferralStatus::Pending),
        None,
        MAX_WAITING,
    )
    .await?;
    let ids: Vec<Uuid> = pending.iter().map(|referral| referral.family_id).collect();
    let mut found = families::find_many(&cases.db, ids.clone()).await?;
    cases
        .audit_read(caller, "referral.list", ids, "/liste-attente")
        .await?;
    let members = team::members(cases, caller).await?;
    let units = housing::all_units(&cases.db, reader).await?;
    let pending = pending
        .into_iter()
        .filter_map(|referral| {
            let family = found.remove(&referral.family_id)?;
            Some(Waiting { referral, family })
        })
        .collect();
    Ok(WaitingList {
        pending,
        members,
        units,
    })
}

/// A referral as typed (the API's body, the pages' form): a new family or
/// one nido knows (exactly one of the two), and the département's words.
/// [`refer`] checks it.
#[derive(Debug, Clone)]
pub struct ReferralInput {
    pub family: Option<FamilyDraft>,
    pub family_id: Option<Uuid>,
    pub details: ReferralDraft,
    /// Why a new family that looks like a file nido holds is someone else
    /// (SPEC "Identity and duplicates": `confirm_new: {reason}`).
    pub confirm_new: Option<String>,
    /// The site whose team takes her in: one of the coordinator's;
    /// absent, hers when she belongs to one. A family nido knows stays in
    /// her site.
    pub site_id: Option<Uuid>,
}

/// The family a referral is about, checked: a new one, or one nido knows.
enum ReferredFamily {
    New {
        mother: Mother,
        children: Vec<NewChild>,
    },
    Known(Uuid),
}

/// The referral's family and details, checked by the domain's
/// constructors, every refusal at once, named by the API's fields: a new
/// family names at most [`REFERRAL_CHILDREN_MAX`] children.
fn checked(
    input: &ReferralInput,
    today: NaiveDate,
    mut invalid: Invalid,
) -> CaseResult<(ReferredFamily, ReferralDetails)> {
    let details = ReferralDetails::parse(&input.details, today)
        .map_err(|refused| invalid.add_all(refused))
        .ok();
    if let Some(reason) = &input.confirm_new {
        if input.family.is_some() {
            bounds::text(&mut invalid, "confirm_new.reason", reason, 1, NOTE_MAX);
        } else {
            invalid.add("confirm_new", Refusal::ConfirmNewForKnown);
        }
    }
    let new_family = match (&input.family, input.family_id) {
        (Some(family), None) => {
            bounds::count(
                &mut invalid,
                "family.children",
                family.children.len(),
                0,
                REFERRAL_CHILDREN_MAX,
                Counted::Children,
            );
            let mother = Mother::parse(&family.mother, today)
                .map_err(|refused| add_under(&mut invalid, "family.mother", refused))
                .ok();
            let children: Vec<NewChild> = family
                .children
                .iter()
                .enumerate()
                .filter_map(|(index, child)| {
                    NewChild::parse(child, today)
                        .map_err(|refused| {
                            let prefix = format!("family.children[{index}]");
                            add_under(&mut invalid, &prefix, refused);
                        })
                        .ok()
                })
                .collect();
            mother.map(|mother| (mother, children))
        }
        (None, Some(_)) => None,
        _ => {
            invalid.add("family", Refusal::FamilyOrFamilyId);
            None
        }
    };
    invalid.finish()?;
    let family = match (new_family, input.family_id) {
        (Some((mother, children)), _) => ReferredFamily::New { mother, children },
        (None, Some(family_id)) => ReferredFamily::Known(family_id),
        (None, None) => return Err(CaseError::invalid("family", Refusal::Required)),
    };
    let details = details.ok_or_else(|| anyhow::anyhow!("checked details missing"))?;
    Ok((family, details))
}

/// Adds the refusals of a part of the input, under its path.
fn add_under(invalid: &mut Invalid, prefix: &str, refused: Vec<FieldInvalid>) {
    for refusal in refused {
        invalid.add(format!("{prefix}.{}", refusal.field), refusal.refusal);
    }
}

/// A warning of a referral accepted: a file that looks like the new
/// family's, from the possible threshold and below the probable one (the
/// probable ones confirmed as someone else's are decided, not warned of).
pub type PossibleDuplicate = Candidate;

/// Records a pending referral, with its new family if it has none yet
/// (coordinators). A known family must have no active placement and no
/// pending referral (the database decides the latter).
///
/// A new family is compared with every file first (read by the keys of
/// her birth date): a file from the probable threshold refuses the
/// referral with the candidates ([`CaseError::PossibleDuplicate`]) unless
/// `confirm_new` says why she is someone else — then each probable file
/// is recorded as another woman's, the reason as the note, and audited as
/// `duplicate.confirm_new`; files from the possible threshold come back
/// as warnings.
pub async fn refer(
    cases: &Cases,
    caller: &Caller,
    input: ReferralInput,
) -> CaseResult<Accepted<Referral, PossibleDuplicate>> {
    caller.require(&[Role::Coordinator])?;
    let mut invalid = Invalid::default();
    // A new family's site: named, or the coordinator's one site. A known
    // family keeps hers (a site named must be it: checked below).
    let new_site = match input.family_id {
        None => {
            crate::sites::for_new_record(cases, caller, &mut invalid, "site_id", input.site_id)
                .await?
        }
        Some(_) => None,
    };
    let (family, details) = checked(&input, cases.today(), invalid)?;
    // Read before the transaction: a read through the pool while it holds
    // a connection could wait for one that parallel referrals all hold.
    let my_sites = crate::sites::of_caller(cases, caller).await?;
    let now = cases.now();
    let txn = begin_write(&cases.writer).await?;
    // The check reads what the transaction sees, one check at a time: two
    // referrals of one new mother at once cannot both find no file.
    let mut probable = Vec::new();
    let mut warnings = Vec::new();
    if let ReferredFamily::New { mother, children } = &family {
        identity::serialize_checks(&txn).await?;
        let births = children.iter().map(|child| child.birth.date()).collect();
        let alike =
            crate::identity::alike(cases, &txn, &Identity::of(mother, births), &my_sites).await?;
        (probable, warnings) = alike
            .into_iter()
            .partition(|candidate| candidate.score >= cases.identity.probable);
        if !probable.is_empty() && input.confirm_new.is_none() {
            drop(txn);
            probable.extend(warnings);
            crate::identity::audit_check(cases, caller, &probable).await?;
            return Err(CaseError::PossibleDuplicate(probable));
        }
    }
    let family_id = match family {
        ReferredFamily::New { mother, children } => {
            let site_id = new_site.ok_or_else(|| anyhow::anyhow!("checked site missing"))?;
            let family_id = families::insert(&txn, site_id, &mother, &children, now).await?;
            let reason = input.confirm_new.as_deref().unwrap_or_default().trim();
            for candidate in &probable {
                identity::decide(
                    &txn,
                    (family_id, candidate.family.id),
                    DuplicateVerdict::Different,
                    reason,
                    caller.id,
                    now,
                )
                .await?;
            }
            family_id
        }
        ReferredFamily::Known(family_id) => {
            let no_such = || CaseError::invalid("family_id", Refusal::NoSuchFamily);
            let family = families::find(&txn, family_id)
                .await
                .map_err(|err| match err {
                    RepoError::NotFound => no_such(),
                    other => other.into(),
                })?;
            // Another site's family is not the coordinator's to know of.
            if !my_sites.contains(&family.site_id) {
                return Err(no_such());
            }
            if input.site_id.is_some_and(|named| named != family.site_id) {
                return Err(CaseError::invalid("site_id", Refusal::NotTheFamilysSite));
            }
            if family.current_placement_id.is_some() {
                return Err(CaseError::Conflict(Conflict::AlreadyPlaced));
            }
            family_id
        }
    };
    let referral = referrals::insert(
        &txn,
        NewReferral {
            family_id,
            details,
            created_by: caller.id,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    let resource = format!("/referrals/{}", referral.id);
    cases
        .audit(caller, "referral.create", Some(family_id), &resource)
        .await?;
    crate::identity::audit_check(cases, caller, &warnings).await?;
    if !probable.is_empty() {
        let named = std::iter::once(family_id).chain(probable.iter().map(|c| c.family.id));
        cases
            .audit_many(caller, "duplicate.confirm_new", named, &resource)
            .await?;
    }
    Ok(Accepted::with_warnings(referral, warnings))
}

/// Declines or withdraws a pending referral, with the reason: 1 to
/// [`CLOSING_REASON_MAX`] characters, not blank (coordinators).
pub async fn close(
    cases: &Cases,
    caller: &Caller,
    referral_id: Uuid,
    status: ReferralStatus,
    reason: &str,
) -> CaseResult<Referral> {
    caller.require(&[Role::Coordinator])?;
    let mut invalid = Invalid::default();
    bounds::text(&mut invalid, "reason", reason, 1, CLOSING_REASON_MAX);
    invalid.finish()?;
    visible_referral(cases, caller, referral_id).await?;
    let referral = referrals::close(
        &cases.writer,
        referral_id,
        status,
        Some(reason.trim().to_owned()),
        cases.now(),
    )
    .await?;
    let action = format!("referral.{status}");
    let resource = format!("/referrals/{referral_id}");
    cases
        .audit(caller, &action, Some(referral.family_id), &resource)
        .await?;
    Ok(referral)
}

/// An admission (*admission*) of a pending referral's family.
#[derive(Debug, Clone)]
pub struct Admission {
    pub referral_id: Uuid,
    /// Not in the future, not before the referral.
    pub admitted_on: NaiveDate,
    /// The family's *référent* from now on.
    pub referent_id: Option<Uuid>,
    /// The apartment the family moves into that day.
    pub unit_id: Option<Uuid>,
}

/// Admits the family (coordinators): the placement starts with its first
/// six-month period, capped at the youngest child's third birthday; the
/// referral is admitted; the family moves in and gets its referent, all in
/// one transaction.
pub async fn admit(
    cases: &Cases,
    caller: &Caller,
    admission: Admission,
) -> CaseResult<PlacementRecord> {
    let (_, referred) = visible_referral(cases, caller, admission.referral_id).await?;
    let mut invalid = Invalid::default();
    if admission.admitted_on > cases.today() {
        invalid.add("admitted_on", Refusal::AfterToday);
    }
    if let Some(referent_id) = admission.referent_id {
        if !is_team_member(cases, referent_id).await? {
            invalid.add("referent_id", Refusal::NotActiveStaff);
        } else if !nido_persistence::sites::of_user(&cases.db, referent_id)
            .await?
            .contains(&referred.site_id)
        {
            invalid.add("referent_id", Refusal::NotOfTheFamilysSite);
        }
    }
    invalid.finish()?;

    let now = cases.now();
    let txn = begin_write(&cases.writer).await?;
    let referral = referrals::find(&txn, admission.referral_id).await?;
    if referral.status != ReferralStatus::Pending {
        return Err(CaseError::Conflict(Conflict::ReferralNotPending));
    }
    if admission.admitted_on < referral.referred_on {
        return Err(CaseError::invalid(
            "admitted_on",
            Refusal::AdmissionBeforeReferral,
        ));
    }
    let family = families::find(&txn, referral.family_id).await?;
    let births = family.births();
    if !is_eligible(&births, admission.admitted_on) {
        return Err(CaseError::Unprocessable {
            code: "not_eligible",
            detail: "The family has neither a child under three on that day nor an expected child.",
        });
    }
    let placement_id =
        placements::insert(&txn, family.id, referral.id, admission.admitted_on, now).await?;
    let period = first_period(admission.admitted_on, latest_end_on(&births));
    placements::insert_period(&txn, placement_id, period, caller.id, now).await?;
    referrals::close(&txn, referral.id, ReferralStatus::Admitted, None, now).await?;
    if let Some(unit_id) = admission.unit_id {
        crate::housing::move_into(
            &txn,
            placement_id,
            &family,
            unit_id,
            admission.admitted_on,
            now,
        )
        .await?;
    }
    if let Some(referent_id) = admission.referent_id {
        let team: Vec<Uuid> = family
            .team_ids
            .iter()
            .copied()
            .filter(|member| *member != referent_id)
            .collect();
        families::set_assignment(&txn, family.id, None, Some(referent_id), &team, now).await?;
    }
    txn.commit().await?;
    let resource = format!("/placements/{placement_id}");
    cases
        .audit(caller, "placement.admit", Some(family.id), &resource)
        .await?;
    Ok(PlacementRecord {
        placement: placements::find(&cases.db, placement_id).await?,
        births,
    })
}
