//! Several centres: each site its crèche. The settings (one row, checked
//! `id = 1`), the closures and the days' lock rows (each keyed by the day)
//! become a site's: new tables keyed by `(site_id, …)`, the existing rows
//! copied into the first site (`nido_domain::site::FIRST_SITE`, written
//! here as its value), the old tables dropped. A booking's site is its
//! family's. A closure's author has no foreign key, as before: nido itself
//! (the nil UUID) closes days too.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `nido_domain::site::FIRST_SITE`.
const FIRST_SITE: uuid::Uuid = uuid::Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0001);

#[derive(Clone, Copy, DeriveIden)]
enum CrecheSettings {
    Table,
    Capacity,
    OpensAt,
    ClosesAt,
    OpenWeekdays,
    MinAgeMonths,
    MaxAgeMonths,
    Version,
    UpdatedAt,
}

#[derive(Clone, Copy, DeriveIden)]
enum CrecheSiteSettings {
    Table,
    SiteId,
}

#[derive(Clone, Copy, DeriveIden)]
enum CrecheClosures {
    Table,
    On,
    Reason,
    CreatedBy,
    CreatedAt,
}

#[derive(Clone, Copy, DeriveIden)]
enum CrecheSiteClosures {
    Table,
    SiteId,
}

#[derive(Clone, Copy, DeriveIden)]
enum CrecheDays {
    Table,
    On,
    Changes,
}

#[derive(Clone, Copy, DeriveIden)]
enum CrecheSiteDays {
    Table,
    SiteId,
}

/// Copies every row of `from` into `into` with the first site's id first.
async fn copy_into_first_site(
    manager: &SchemaManager<'_>,
    into: impl IntoIden + Copy,
    site_column: impl IntoIden + Copy,
    from: impl IntoIden + Copy,
    columns: &[DynIden],
) -> Result<(), DbErr> {
    let mut target: Vec<DynIden> = vec![site_column.into_iden()];
    target.extend(columns.iter().cloned());
    manager
        .exec_stmt(
            Query::insert()
                .into_table(into)
                .columns(target)
                .select_from(
                    Query::select()
                        .expr(Expr::val(FIRST_SITE))
                        .columns(columns.iter().cloned())
                        .from(from)
                        .to_owned(),
                )
                .map_err(|err| DbErr::Custom(err.to_string()))?
                .to_owned(),
        )
        .await
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(CrecheSiteSettings::Table)
                .col(uuid(CrecheSiteSettings::SiteId).primary_key())
                .col(integer(CrecheSettings::Capacity))
                .col(integer(CrecheSettings::OpensAt))
                .col(integer(CrecheSettings::ClosesAt))
                .col(string_len(CrecheSettings::OpenWeekdays, 20))
                .col(integer(CrecheSettings::MinAgeMonths))
                .col(integer(CrecheSettings::MaxAgeMonths))
                .col(integer(CrecheSettings::Version))
                .col(timestamp_with_time_zone(CrecheSettings::UpdatedAt))
                .to_owned(),
        )
        .await?;
    copy_into_first_site(
        manager,
        CrecheSiteSettings::Table,
        CrecheSiteSettings::SiteId,
        CrecheSettings::Table,
        &[
            CrecheSettings::Capacity.into_iden(),
            CrecheSettings::OpensAt.into_iden(),
            CrecheSettings::ClosesAt.into_iden(),
            CrecheSettings::OpenWeekdays.into_iden(),
            CrecheSettings::MinAgeMonths.into_iden(),
            CrecheSettings::MaxAgeMonths.into_iden(),
            CrecheSettings::Version.into_iden(),
            CrecheSettings::UpdatedAt.into_iden(),
        ],
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table(CrecheSiteClosures::Table)
                .col(uuid(CrecheSiteClosures::SiteId))
                .col(date(CrecheClosures::On))
                .col(text(CrecheClosures::Reason))
                .col(uuid(CrecheClosures::CreatedBy))
                .col(timestamp_with_time_zone(CrecheClosures::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(CrecheSiteClosures::SiteId)
                        .col(CrecheClosures::On),
                )
                .to_owned(),
        )
        .await?;
    copy_into_first_site(
        manager,
        CrecheSiteClosures::Table,
        CrecheSiteClosures::SiteId,
        CrecheClosures::Table,
        &[
            CrecheClosures::On.into_iden(),
            CrecheClosures::Reason.into_iden(),
            CrecheClosures::CreatedBy.into_iden(),
            CrecheClosures::CreatedAt.into_iden(),
        ],
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table(CrecheSiteDays::Table)
                .col(uuid(CrecheSiteDays::SiteId))
                .col(date(CrecheDays::On))
                .col(big_integer(CrecheDays::Changes))
                .primary_key(
                    Index::create()
                        .col(CrecheSiteDays::SiteId)
                        .col(CrecheDays::On),
                )
                .to_owned(),
        )
        .await?;
    copy_into_first_site(
        manager,
        CrecheSiteDays::Table,
        CrecheSiteDays::SiteId,
        CrecheDays::Table,
        &[CrecheDays::On.into_iden(), CrecheDays::Changes.into_iden()],
    )
    .await?;
    for old in [
        CrecheSettings::Table.into_iden(),
        CrecheClosures::Table.into_iden(),
        CrecheDays::Table.into_iden(),
    ] {
        manager
            .drop_table(Table::drop().table(old).to_owned())
            .await?;
    }
    Ok(())
});
