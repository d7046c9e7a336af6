//! The sites of the installation (SPEC "Several centres in one
//! installation"). This step: the sites are read by every user and
//! changed by admins, and the reports, the billing statement and the
//! printed papers take their figures and their name from the site (the
//! one site, [`FIRST_SITE`], until records belong to sites).

use nido_domain::Role;
use nido_domain::refusal::Unit;
use nido_domain::site::{
    ADDRESS_MAX, DAILY_RATE_MAX, DIRECTOR_MAX, FIRST_SITE, NAME_MAX, PLACES_MAX, Site, SiteInput,
};
use nido_persistence::sites::{self, SiteFields};
use uuid::Uuid;

use crate::{Caller, CaseResult, Cases, Invalid, bounds};

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
    caller.require(&[Role::Admin, Role::Coordinator, Role::Staff])?;
    Ok(sites::list(&cases.db).await?)
}

/// One site (any user).
pub async fn site(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<Site> {
    caller.require(&[Role::Admin, Role::Coordinator, Role::Staff])?;
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
    let fields = site_fields(input)?;
    let site = sites::update(&cases.writer, id, expected_version, fields, cases.now()).await?;
    cases
        .audit(caller, "site.update", None, &format!("/sites/{id}"))
        .await?;
    Ok(site)
}

fn site_fields(input: SiteInput) -> CaseResult<SiteFields> {
    let mut invalid = Invalid::default();
    let trimmed = |text: &Option<String>| text.as_deref().map(str::trim).map(str::to_owned);
    let (name, address, director) = (
        trimmed(&input.name),
        trimmed(&input.address),
        trimmed(&input.director),
    );
    if let Some(name) = &name {
        bounds::text(&mut invalid, "name", name, 1, NAME_MAX);
    }
    if let Some(address) = &address {
        bounds::text(&mut invalid, "address", address, 1, ADDRESS_MAX);
    }
    if let Some(director) = &director {
        bounds::text(&mut invalid, "director", director, 1, DIRECTOR_MAX);
    }
    if let Some(places) = input.authorized_places {
        bounds::number(
            &mut invalid,
            "authorized_places",
            places,
            1,
            PLACES_MAX,
            Unit::None,
        );
    }
    if let Some(rate) = input.daily_rate_cents {
        bounds::number(
            &mut invalid,
            "daily_rate_cents",
            rate,
            0,
            DAILY_RATE_MAX,
            Unit::Cents,
        );
    }
    invalid.finish()?;
    Ok(SiteFields {
        name,
        address,
        director,
        authorized_places: input
            .authorized_places
            .and_then(|places| u32::try_from(places).ok()),
        daily_rate_cents: input.daily_rate_cents,
    })
}
