//! The commands behind `nido serve`, `nido migrate` and `nido user create`.

use std::io::BufRead;

use anyhow::Context;
use nido_cases::Caller;
use nido_domain::user::NewUser;
use nido_domain::{DisplayName, Email, NewPassword, Profession, Role};

use crate::settings::Settings;
use crate::startup::{Application, open_audit_database, open_database, open_databases, use_cases};

pub async fn serve(settings: &Settings) -> anyhow::Result<()> {
    Application::build(settings)
        .await?
        .run_until_stopped()
        .await
}

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let (db, _ownership) = open_database(settings).await?;
    open_audit_database(settings, &db).await?;
    tracing::info!("the database is up to date");
    Ok(())
}

/// The account `nido user create` makes.
pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub profession: Profession,
}

/// Creates a user; the password is the first line of `password_input`.
pub async fn create_user(
    settings: &Settings,
    account: NewAccount,
    password_input: impl BufRead,
) -> anyhow::Result<()> {
    let email = Email::parse(&account.email).map_err(|err| anyhow::anyhow!("email {err}"))?;
    let display_name =
        DisplayName::parse(&account.name).map_err(|err| anyhow::anyhow!("name {err}"))?;
    let line = password_input
        .lines()
        .next()
        .context("no password on standard input")??;
    let password = NewPassword::parse(&line, &[email.as_str(), display_name.as_str()])
        .map_err(|err| anyhow::anyhow!("password {err}"))?;
    let databases = open_databases(settings).await?;
    let cases = use_cases(settings, &databases).await?;
    let password_hash = cases.auth.passwords.hash(&password).await?;
    let new = NewUser {
        email,
        display_name,
        role: account.role,
        profession: account.profession,
        password_hash,
        // Typed by whoever runs the command: its owner replaces it.
        must_change_password: true,
        site_ids: vec![nido_domain::site::FIRST_SITE],
    };
    let user = nido_cases::users::create_user(&cases, &Caller::system(), new)
        .await
        .map_err(|err| anyhow::anyhow!("cannot create the user: {err}"))?;
    println!("{}", user.id);
    Ok(())
}

/// `nido user reset-mfa --email E`: the user's second factor is removed,
/// her sessions end and her calendar address is revoked, as an admin's
/// reset does; audited in the name of the system (the nil UUID), since
/// whoever runs the command holds the server itself.
pub async fn reset_second_factor(settings: &Settings, email: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|err| anyhow::anyhow!("email {err}"))?;
    let databases = open_databases(settings).await?;
    let cases = use_cases(settings, &databases).await?;
    let (user, _) = nido_persistence::users::find_credentials(&cases.db, &email)
        .await?
        .context("no user has this email")?;
    nido_cases::auth::reset_factor_from_the_command_line(&cases, user.id)
        .await
        .map_err(|err| anyhow::anyhow!("cannot reset the second factor: {err}"))?;
    println!("{}", user.id);
    Ok(())
}

/// `nido retention run [--dry-run]`: prints what is (or would be) done.
pub async fn retention(settings: &Settings, dry_run: bool) -> anyhow::Result<()> {
    let databases = crate::startup::open_databases(settings).await?;
    let cases = crate::startup::use_cases(settings, &databases).await?;
    let report = nido_cases::retention::run(
        &cases.writer,
        cases.documents.store.as_ref(),
        &cases.audit_db,
        settings.retention_policy(),
        settings.clock().now(),
        dry_run,
    )
    .await?;
    let verb = if dry_run {
        "Would anonymise"
    } else {
        "Anonymised"
    };
    let count = if dry_run {
        report.due.len()
    } else {
        report.anonymised
    };
    println!(
        "{verb} {count} closed file(s) whose last contact is more than {} year(s) old:",
        settings.retention.active_years
    );
    for file in &report.due {
        println!(
            "  {}  {:<8}  last contact {}",
            file.family_id, file.initials, file.last_contact
        );
    }
    let verb = if dry_run { "Would delete" } else { "Deleted" };
    println!(
        "{verb} {} audit entr(ies) written before {}.",
        report.audit_entries,
        report.audit_cutoff.to_rfc3339()
    );
    Ok(())
}
