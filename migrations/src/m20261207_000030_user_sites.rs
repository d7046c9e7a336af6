//! Several centres, step 2: users belong to sites (one or more). Every
//! account an installation holds belongs to the first site
//! (`nido_domain::site::FIRST_SITE`, written here as its value). No
//! foreign key to `sites`: the first site is made at start, after the
//! migrations, and sites are never deleted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{References, Users, index};

/// `nido_domain::site::FIRST_SITE`.
const FIRST_SITE: uuid::Uuid = uuid::Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0001);

#[derive(Clone, Copy, DeriveIden)]
enum UserSites {
    Table,
    UserId,
    SiteId,
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(UserSites::Table)
                .col(uuid(UserSites::UserId))
                .col(uuid(UserSites::SiteId))
                .primary_key(
                    Index::create()
                        .col(UserSites::UserId)
                        .col(UserSites::SiteId),
                )
                .references(UserSites::UserId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_user_sites_site",
        UserSites::Table,
        [UserSites::SiteId],
    )
    .await?;
    manager
        .exec_stmt(
            Query::insert()
                .into_table(UserSites::Table)
                .columns([UserSites::UserId, UserSites::SiteId])
                .select_from(
                    Query::select()
                        .column(Users::Id)
                        .expr(Expr::val(FIRST_SITE))
                        .from(Users::Table)
                        .to_owned(),
                )
                .map_err(|err| DbErr::Custom(err.to_string()))?
                .to_owned(),
        )
        .await?;
    Ok(())
});
