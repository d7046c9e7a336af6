//! Several centres in one installation (SPEC): the sites. An
//! installation has one site at least: nido makes the first at start
//! (`nido_domain::site::FIRST_SITE`) from the settings `centre.*` and
//! `billing.daily_rate_cents` when there is none, so an installation from
//! before sites upgrades into one site named after `centre.name`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(Clone, Copy, DeriveIden)]
enum Sites {
    Table,
    Id,
    Name,
    Address,
    Director,
    AuthorizedPlaces,
    DailyRateCents,
    Version,
    CreatedAt,
    UpdatedAt,
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(Sites::Table)
                .col(pk_uuid(Sites::Id))
                .col(string_len(Sites::Name, 100))
                .col(string_len(Sites::Address, 300))
                .col(string_len(Sites::Director, 100))
                .col(
                    integer(Sites::AuthorizedPlaces)
                        .check(Expr::col(Sites::AuthorizedPlaces).gte(1)),
                )
                .col(
                    big_integer(Sites::DailyRateCents)
                        .check(Expr::col(Sites::DailyRateCents).gte(0)),
                )
                .col(integer(Sites::Version).default(1))
                .col(timestamp_with_time_zone(Sites::CreatedAt))
                .col(timestamp_with_time_zone(Sites::UpdatedAt))
                .to_owned(),
        )
        .await?;
    // Two sites are not named alike: the switcher and the reports tell
    // them apart by name.
    manager
        .create_index(
            Index::create()
                .name("idx_sites_name")
                .table(Sites::Table)
                .col(Sites::Name)
                .unique()
                .to_owned(),
        )
        .await?;
    Ok(())
});
