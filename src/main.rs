use clap::{Parser, Subcommand};
use nido::commands::{self, NewAccount};
use nido::{Settings, telemetry};
use nido_domain::{Profession, Role};

/// nido: case management for a centre maternel.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Create or update the database schema, then exit.
    Migrate,
    /// Fill an empty centre with fictional families, for a demonstration.
    DemoData {
        /// Then add this many families with an active placement and a
        /// history each, loaded in bulk (to measure nido at scale).
        #[arg(long, value_name = "N")]
        scale: Option<usize>,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Keep files and audit entries only as long as allowed.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Anonymise the closed files whose time is up and delete old audit
    /// entries (the server also does it daily).
    Run {
        /// Only list what would be done.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = |s: &str| s.parse::<Role>().map_err(|e| e.to_string()))]
        role: Role,
        #[arg(long, value_parser = |s: &str| s.parse::<Profession>().map_err(|e| e.to_string()))]
        profession: Profession,
    },
    /// Reset a user's second factor (a lost phone and no recovery code left,
    /// with no other admin to do it): her sessions end, she enrols again.
    ResetMfa {
        #[arg(long)]
        email: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load()?;
    telemetry::init(&settings.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => commands::serve(&settings).await,
        Command::Migrate => commands::migrate(&settings).await,
        Command::DemoData { scale } => nido::demo::load(&settings, scale).await,
        Command::Retention {
            command: RetentionCommand::Run { dry_run },
        } => commands::retention(&settings, dry_run).await,
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    name,
                    role,
                    profession,
                },
        } => {
            let account = NewAccount {
                email,
                name,
                role,
                profession,
            };
            commands::create_user(&settings, account, std::io::stdin().lock()).await
        }
        Command::User {
            command: UserCommand::ResetMfa { email },
        } => commands::reset_second_factor(&settings, &email).await,
    }
}
