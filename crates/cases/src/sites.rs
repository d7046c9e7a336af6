//! The sites of the installation (SPEC "Several centres in one
//! installation"): read by every user, made and changed by the admins of
//! the sites they belong to; which sites a caller belongs to, and the one
//! site a new record or a site's own things (its crèche, its report) are
//! about.

use nido_domain::refusal::{Counted, Unit};
use nido_domain::site::{
    ADDRESS_MAX, DAILY_RATE_MAX, DIRECTOR_MAX, FIRST_SITE, NAME_MAX, PLACES_MAX, Site, SiteInput,
};
use nido_domain::{Refusal, Role};
use nido_persistence::sites::{self, SiteFields};
use uuid::Uuid;

use crate::{Caller, CaseResult, Cases, Invalid, bounds};

const ANYONE: &[Role] = &[
    Role::Admin,
    Role::Coordinator,
    Role::Staff,
    Role::HeadOffice,
];

/// Makes the first site from `seed` (the settings) unless it exists; the
/// server calls this at start. Answers whether it was made now.
pub async fn ensure_first(cases: &Cases, seed: &Site) -> CaseResult<bool> {
    Ok(sites::ensure_first(&cases.writer, seed, cases.now()).await?)
}

/// The site whose figures and name the reports, the billing statement
/// and the papers use.
pub async fn current(cases: &Cases) -> CaseResult<Site> {
    Ok(sites::find(&cases.db, FIRST_SITE).await?)
}

/// Every site, by name (any user: the names tell the sites apart).
pub async fn list(cases: &Cases, caller: &Caller) -> CaseResult<Vec<Site>> {
    caller.require(ANYONE)?;
    Ok(sites::list(&cases.db).await?)
}

/// One site (any user).
pub async fn site(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<Site> {
    caller.require(ANYONE)?;
    Ok(sites::find(&cases.db, id).await?)
}

/// Changes a site (admins): every invalid field at once, then the version
/// (`If-Match`), then a name another site has (`site_name_taken`).
/// Audited `site.update`.
pub async fn update(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
    input: SiteInput,
) -> CaseResult<Site> {
    caller.require(&[Role::Admin])?;
    // An admin manages the sites she belongs to; another is not found.
    if !of_caller(cases, caller).await?.contains(&id) {
        return Err(crate::CaseError::NotFound);
    }
    let mut invalid = Invalid::default();
    let fields = site_fields(&mut invalid, input);
    invalid.finish()?;
    let site = sites::update(&cases.writer, id, expected_version, fields, cases.now()).await?;
    cases
        .audit(caller, "site.update", None, &format!("/sites/{id}"))
        .await?;
    Ok(site)
}

/// Makes a site (admins): its name, address and director, its
/// authorised places, and its prix de journée (0 when not given); every
/// invalid or missing field at once, then a name another site has
/// (`site_name_taken`). The admin who makes it belongs to it (she manages
/// the sites she belongs to); nobody else does until an admin gives it to
/// them. Audited `site.create`.
pub async fn create(cases: &Cases, caller: &Caller, input: SiteInput) -> CaseResult<Site> {
    caller.require(&[Role::Admin])?;
    let mut missing = Invalid::default();
    for (field, given) in [
        ("name", input.name.is_some()),
        ("address", input.address.is_some()),
        ("director", input.director.is_some()),
        ("authorized_places", input.authorized_places.is_some()),
    ] {
        if !given {
            missing.add(field, Refusal::Required);
        }
    }
    let fields = site_fields(&mut missing, input);
    missing.finish()?;
    let (Some(name), Some(address), Some(director), Some(authorized_places)) = (
        fields.name,
        fields.address,
        fields.director,
        fields.authorized_places,
    ) else {
        return Err(crate::CaseError::invalid("name", Refusal::Required));
    };
    let site = Site {
        id: Uuid::now_v7(),
        name,
        address,
        director,
        authorized_places,
        daily_rate_cents: fields.daily_rate_cents.unwrap_or(0),
        version: 1,
    };
    let made = sites::create(&cases.writer, &site, caller.id, cases.now()).await?;
    cases
        .audit(caller, "site.create", None, &format!("/sites/{}", made.id))
        .await?;
    // She now belongs to it: an account event of its own, as an admin's
    // change of someone's sites is.
    cases
        .audit(
            caller,
            "user.sites_change",
            None,
            &format!("/users/{}", caller.id),
        )
        .await?;
    Ok(made)
}

/// The fields given, each checked into `invalid`.
fn site_fields(invalid: &mut Invalid, input: SiteInput) -> SiteFields {
    let trimmed = |text: &Option<String>| text.as_deref().map(str::trim).map(str::to_owned);
    let (name, address, director) = (
        trimmed(&input.name),
        trimmed(&input.address),
        trimmed(&input.director),
    );
    if let Some(name) = &name {
        bounds::text(invalid, "name", name, 1, NAME_MAX);
    }
    if let Some(address) = &address {
        bounds::text(invalid, "address", address, 1, ADDRESS_MAX);
    }
    if let Some(director) = &director {
        bounds::text(invalid, "director", director, 1, DIRECTOR_MAX);
    }
    if let Some(places) = input.authorized_places {
        bounds::number(
            invalid,
            "authorized_places",
            places,
            1,
            PLACES_MAX,
            Unit::None,
        );
    }
    if let Some(rate) = input.daily_rate_cents {
        bounds::number(
            invalid,
            "daily_rate_cents",
            rate,
            0,
            DAILY_RATE_MAX,
            Unit::Cents,
        );
    }
    SiteFields {
        name,
        address,
        director,
        authorized_places: input
            .authorized_places
            .and_then(|places| u32::try_from(places).ok()),
        daily_rate_cents: input.daily_rate_cents,
    }
}

/// The most sites one account belongs to.
pub const USER_SITES_MAX: u64 = 50;

/// The sites `caller` belongs to; nido itself (the command line, the
/// demo) belongs to every site.
pub async fn of_caller(cases: &Cases, caller: &Caller) -> CaseResult<Vec<Uuid>> {
    if caller.reads_every_site() {
        return Ok(sites::list(&cases.db)
            .await?
            .into_iter()
            .map(|site| site.id)
            .collect());
    }
    Ok(sites::of_user(&cases.db, caller.id).await?)
}

/// Whether `caller` belongs to `site_id` (nido itself and the head office
/// read every site): what makes another site's record hidden from her.
pub async fn caller_in(
    db: &impl nido_persistence::ConnectionTrait,
    caller: &Caller,
    site_id: Uuid,
) -> CaseResult<bool> {
    Ok(caller.reads_every_site() || sites::of_user(db, caller.id).await?.contains(&site_id))
}

/// The sites an admin gives an account (the field `site_ids`), checked
/// into `invalid`: one at least, each a site of the installation, and each
/// given or taken away one the admin belongs to (she manages her sites
/// only; another admin's stay as they are). Absent, they stay `current`
/// for an account that has some (`None`), and a new account (`current`
/// absent) belongs to the admin's site when she has one.
pub(crate) async fn checked_for_account(
    cases: &Cases,
    caller: &Caller,
    invalid: &mut Invalid,
    given: Option<Vec<Uuid>>,
    current: Option<&[Uuid]>,
) -> CaseResult<Option<Vec<Uuid>>> {
    let mine = of_caller(cases, caller).await?;
    let Some(given) = given else {
        if current.is_some() {
            return Ok(None);
        }
        if let [only] = mine.as_slice() {
            return Ok(Some(vec![*only]));
        }
        invalid.add("site_ids", Refusal::RequiredWithSeveralSites);
        return Ok(None);
    };
    let mut ids: Vec<Uuid> = Vec::with_capacity(given.len());
    for id in given {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let count = u64::try_from(ids.len()).unwrap_or(u64::MAX);
    if !(1..=USER_SITES_MAX).contains(&count) {
        invalid.add(
            "site_ids",
            Refusal::Count {
                min: 1,
                max: USER_SITES_MAX,
                of: Counted::Sites,
            },
        );
        return Ok(None);
    }
    let existing = sites::existing(&cases.db, &ids).await?;
    let current = current.unwrap_or_default();
    let before = invalid.errors().len();
    for (index, id) in ids.iter().enumerate() {
        if !existing.contains(id) {
            invalid.add(format!("site_ids[{index}]"), Refusal::NoSuchSite);
        } else if !mine.contains(id) && !current.contains(id) {
            invalid.add(format!("site_ids[{index}]"), Refusal::NotYourSite);
        }
    }
    if current
        .iter()
        .any(|kept| !ids.contains(kept) && !mine.contains(kept))
    {
        invalid.add("site_ids", Refusal::NotYourSite);
    }
    Ok((invalid.errors().len() == before).then_some(ids))
}

/// The site a new record is made in, named in `field` (or not): one of
/// the sites the caller belongs to; absent, hers when she belongs to one.
/// A refusal goes into `invalid` (then `None`).
pub(crate) async fn for_new_record(
    cases: &Cases,
    caller: &Caller,
    invalid: &mut Invalid,
    field: &str,
    named: Option<Uuid>,
) -> CaseResult<Option<Uuid>> {
    let mine = of_caller(cases, caller).await?;
    match named {
        Some(id) if mine.contains(&id) => Ok(Some(id)),
        Some(id) => {
            let refusal = if sites::existing(&cases.db, &[id]).await?.is_empty() {
                Refusal::NoSuchSite
            } else {
                Refusal::NotYourSite
            };
            invalid.add(field, refusal);
            Ok(None)
        }
        None => match mine.as_slice() {
            [only] => Ok(Some(*only)),
            _ => {
                invalid.add(field, Refusal::RequiredWithSeveralSites);
                Ok(None)
            }
        },
    }
}

/// The one site a read or a change of a site's own things (its crèche) is
/// about: `site_id`, one the caller reads (another is not found); absent,
/// hers when she belongs to one, else 422 on `site_id`.
pub async fn one_of_callers(
    cases: &Cases,
    caller: &Caller,
    site_id: Option<Uuid>,
) -> CaseResult<Uuid> {
    let mine = of_caller(cases, caller).await?;
    match site_id {
        Some(id) if mine.contains(&id) => Ok(id),
        Some(_) => Err(crate::CaseError::NotFound),
        None => match mine.as_slice() {
            [only] => Ok(*only),
            _ => Err(crate::CaseError::invalid(
                "site_id",
                Refusal::RequiredWithSeveralSites,
            )),
        },
    }
}

/// The sites a report reads: `site_id`, one of the caller's (another is
/// not found); absent, every site she belongs to, by name.
pub async fn read_by(
    cases: &Cases,
    caller: &Caller,
    site_id: Option<Uuid>,
) -> CaseResult<Vec<Site>> {
    let mine = of_caller(cases, caller).await?;
    let sites: Vec<Site> = sites::list(&cases.db)
        .await?
        .into_iter()
        .filter(|site| mine.contains(&site.id) && site_id.is_none_or(|wanted| wanted == site.id))
        .collect();
    if site_id.is_some() && sites.is_empty() {
        return Err(crate::CaseError::NotFound);
    }
    Ok(sites)
}
