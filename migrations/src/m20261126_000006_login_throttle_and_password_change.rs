//! Login throttling by counters that one statement bumps and reads (so that
//! parallel guesses are counted one by one), in place of the list of
//! failures; and the flag of a password an admin set, which its owner must
//! change before doing anything else.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Key,
    WindowStartMs,
    Failures,
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    MustChangePassword,
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(LoginThrottle::Table)
                .col(string_len(LoginThrottle::Key, 400).primary_key())
                .col(big_integer(LoginThrottle::WindowStartMs))
                .col(integer(LoginThrottle::Failures))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_login_throttle_window")
                .table(LoginThrottle::Table)
                .col(LoginThrottle::WindowStartMs)
                .to_owned(),
        )
        .await?;
    manager
        .drop_table(Table::drop().table(LoginFailures::Table).to_owned())
        .await?;
    manager
        .alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(boolean(Users::MustChangePassword).default(false))
                .to_owned(),
        )
        .await?;
    Ok(())
});
