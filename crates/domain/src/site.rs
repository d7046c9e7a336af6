//! A site (SPEC "Several centres in one installation"): one établissement
//! of the association, with its own name and address (as its papers say),
//! its director, the places the département authorised it and its prix de
//! journée. An installation has one site at least: the first is made from
//! the settings `centre.*` and `billing.daily_rate_cents` when nido first
//! starts, or upgrades an installation from before sites.

use uuid::Uuid;

/// The first site's id: the same on every installation, so that two
/// instances starting at once make it once.
pub const FIRST_SITE: Uuid = Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0001);

pub const NAME_MAX: u64 = 100;
pub const ADDRESS_MAX: u64 = 300;
pub const DIRECTOR_MAX: u64 = 100;
/// The most places one site may be authorised.
pub const PLACES_MAX: i64 = 10_000;
/// The highest prix de journée, in cents (10,000 €).
pub const DAILY_RATE_MAX: i64 = 1_000_000;

/// A site as nido keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub director: String,
    /// The places the département authorised (at least 1).
    pub authorized_places: u32,
    /// The prix de journée in cents; 0 while not set.
    pub daily_rate_cents: i64,
    pub version: i32,
}

/// A site's fields as given, each optional (a change gives some).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteInput {
    pub name: Option<String>,
    pub address: Option<String>,
    pub director: Option<String>,
    pub authorized_places: Option<i64>,
    pub daily_rate_cents: Option<i64>,
}
