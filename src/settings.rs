//! Typed, layered configuration: the built-in defaults, then
//! `config/default.toml`, then `config/<NIDO_ENV>.toml`, then `NIDO_*`
//! environment variables.

use std::path::{Path, PathBuf};

use chrono::TimeDelta;
use config::{Config, Environment, File, FileFormat};
use nido_cases::auth::AuthPolicy;
use nido_cases::auth::ForwardedFor;
use nido_domain::{Clock, FailureLimit, LoginThrottle, Role};
use nido_persistence::sessions::SessionLifetime;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The defaults, built in so that the binary runs from any directory.
/// The environment when `NIDO_ENV` is not set; it needs no file.
pub const DEFAULT_ENV: &str = "development";

/// `[cases]` in the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CaseSettings {
    /// The renewal report is due this many days before a period's end.
    pub report_lead_days: u32,
    /// "Today" for deadlines and date checks is today in this time zone.
    pub time_zone: chrono_tz::Tz,
}

impl Default for CaseSettings {
    fn default() -> Self {
        Self {
            report_lead_days: 30,
            time_zone: chrono_tz::Europe::Paris,
        }
    }
}

/// `[auth]` in the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    /// A token unused this long stops working.
    pub idle_timeout_minutes: u32,
    /// A token stops working this long after login, used or not.
    pub absolute_timeout_minutes: u32,
    /// Failed logins on one account from one address that lock that account
    /// from that address for a while.
    pub account_max_failures: u32,
    /// Failed logins from one address that lock the address for a while.
    pub address_max_failures: u32,
    /// The window in which those two are counted.
    pub failure_window_minutes: u32,
    /// Failed logins on one account from all addresses that lock the
    /// account everywhere for a while...
    pub account_everywhere_max_failures: u32,
    /// ...counted within this window.
    pub account_everywhere_window_minutes: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy
    /// that sets it; otherwise a client could pick its own address).
    pub trust_forwarded_for: bool,
    /// How many proxies in front of nido append to `X-Forwarded-For`: the
    /// client is the entry that many places from the right (the leftmost
    /// ones are whatever the client sent).
    pub trusted_proxies: u32,
    /// Password hashes computed at once; more wait their turn. By default
    /// half the machine's cores, at least one ([`half_the_cores`]).
    pub max_concurrent_hashes: usize,
    /// The roles that must have a second factor (TOTP): without one, such
    /// an account can only enrol.
    pub mfa_required_roles: Vec<Role>,
}

/// The use cases' defaults, in the configuration's units.
impl Default for AuthSettings {
    fn default() -> Self {
        let policy = AuthPolicy::default();
        let throttle = policy.throttle;
        Self {
            idle_timeout_minutes: minutes(policy.session_lifetime.idle),
            absolute_timeout_minutes: minutes(policy.session_lifetime.absolute),
            account_max_failures: throttle.account_from_address.max_failures,
            address_max_failures: throttle.address.max_failures,
            failure_window_minutes: minutes(throttle.account_from_address.window),
            account_everywhere_max_failures: throttle.account.max_failures,
            account_everywhere_window_minutes: minutes(throttle.account.window),
            trust_forwarded_for: false,
            trusted_proxies: 1,
            max_concurrent_hashes: half_the_cores(),
            mfa_required_roles: policy.mfa_required_roles,
        }
    }
}

/// Half the cores this process may use, at least one: the hashing threads'
/// default. Their nice value keeps them behind nido's own threads, but not
/// behind other processes' (Linux groups a session's threads, and shares
/// the CPU between the groups first): with every core hashing, PostgreSQL's
/// backends, serving the reads, got only what the hashes left them
/// (`docs/performance.md`, "The login storm on PostgreSQL").
fn half_the_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| (cores.get() / 2).max(1))
}

fn minutes(span: TimeDelta) -> u32 {
    u32::try_from(span.num_minutes()).unwrap_or(u32::MAX)
}

impl AuthSettings {
    /// The rules the use cases apply to logins and sessions.
    pub fn policy(&self) -> AuthPolicy {
        let window = TimeDelta::minutes(self.failure_window_minutes.into());
        AuthPolicy {
            session_lifetime: SessionLifetime {
                idle: TimeDelta::minutes(self.idle_timeout_minutes.into()),
                absolute: TimeDelta::minutes(self.absolute_timeout_minutes.into()),
            },
            throttle: LoginThrottle {
                account_from_address: FailureLimit {
                    max_failures: self.account_max_failures,
                    window,
                },
                address: FailureLimit {
                    max_failures: self.address_max_failures,
                    window,
                },
                account: FailureLimit {
                    max_failures: self.account_everywhere_max_failures,
                    window: TimeDelta::minutes(self.account_everywhere_window_minutes.into()),
                },
            },
            mfa_required_roles: self.mfa_required_roles.clone(),
        }
    }

    /// Which client address the API and the pages count failed logins by.
    pub fn forwarded_for(&self) -> ForwardedFor {
        ForwardedFor {
            trusted: self.trust_forwarded_for,
            proxies: self.trusted_proxies,
        }
    }
}

/// Refuses an environment with no `<dir>/<env>.toml`, naming those there are.
pub fn require_env_file(dir: &Path, env: &str) -> anyhow::Result<()> {
    let valid_name = !env.is_empty()
        && env
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid_name && dir.join(format!("{env}.toml")).is_file() {
        return Ok(());
    }
    let mut known: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok())
                .filter_map(|entry| {
                    let name = entry.file_name().into_string().ok()?;
                    let env = name.strip_suffix(".toml")?;
                    (env != "default").then(|| env.to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    known.sort();
    anyhow::bail!(
        "NIDO_ENV={env} names no configuration file {}: known environments are {} (or leave NIDO_ENV unset for {DEFAULT_ENV})",
        dir.join(format!("{env}.toml")).display(),
        if known.is_empty() {
            "none".to_owned()
        } else {
            known.join(", ")
        },
    )
}

/// The environment whose `[testing]` settings are honoured.
pub const TEST_ENV: &str = "test";

const DEFAULTS: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub bind: String,
    pub data_dir: PathBuf,
    /// Secret: a PostgreSQL URL may carry a password.
    pub database_url: Option<SecretString>,
    pub database_max_connections: u32,
    /// Whether writes share commits (`auto`: on SQLite, not on PostgreSQL).
    #[serde(default)]
    pub group_commit: GroupCommitSetting,
    pub log: LogSettings,
    pub auth: AuthSettings,
    pub cases: CaseSettings,
    #[serde(default)]
    pub centre: CentreSettings,
    #[serde(default)]
    pub billing: BillingSettings,
    #[serde(default)]
    pub exit: ExitSettings,
    #[serde(default)]
    pub identity: IdentitySettings,
    #[serde(default)]
    pub audit: AuditSettings,
    #[serde(default)]
    pub retention: RetentionSettings,
    #[serde(default)]
    pub calendar: CalendarSettings,
    #[serde(default)]
    pub documents: DocumentsSettings,
    #[serde(default)]
    pub mail: MailSettings,
    /// `[web]`: the pages' session cookie.
    #[serde(default)]
    pub web: nido_web::WebSettings,
    #[serde(default)]
    pub testing: TestingSettings,
    /// The environment loaded (`NIDO_ENV`, or `development`): outside
    /// development, cookies are `__Host-` prefixed and `Secure`.
    #[serde(skip)]
    pub env: String,
}

/// `group_commit`: `auto`, `on` or `off`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum GroupCommitSetting {
    #[default]
    Auto,
    On,
    Off,
}

impl From<GroupCommitSetting> for nido_persistence::GroupCommit {
    fn from(setting: GroupCommitSetting) -> Self {
        match setting {
            GroupCommitSetting::Auto => Self::Auto,
            GroupCommitSetting::On => Self::On,
            GroupCommitSetting::Off => Self::Off,
        }
    }
}

/// `[centre]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CentreSettings {
    /// The places the département authorised (at least 1).
    pub authorized_places: u32,
    /// The centre's name, address and director, as the printed papers say.
    pub name: String,
    pub address: String,
    pub director: String,
}

impl Default for CentreSettings {
    fn default() -> Self {
        Self {
            authorized_places: 20,
            name: "Centre maternel".to_owned(),
            address: String::new(),
            director: String::new(),
        }
    }
}

/// `[exit]`: the exit to housing.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ExitSettings {
    /// A placement whose cap is this many months away or less, with no
    /// housing step accepted, owes a `no_housing_solution`.
    pub warn_months: u32,
    /// The months after an exit at which the referent follows the family up.
    pub follow_up_months: Vec<u32>,
}

impl Default for ExitSettings {
    fn default() -> Self {
        Self {
            warn_months: 6,
            follow_up_months: vec![3, 6],
        }
    }
}

/// `[identity]`: the duplicate check's thresholds (`docs/identity.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct IdentitySettings {
    /// From this score a new referral is refused as a probable duplicate
    /// unless confirmed.
    pub probable: f64,
    /// From this score a pair of files is a possible duplicate.
    pub possible: f64,
}

impl Default for IdentitySettings {
    fn default() -> Self {
        let policy = nido_cases::identity::IdentityPolicy::default();
        Self {
            probable: policy.probable,
            possible: policy.possible,
        }
    }
}

/// `[mail]` (`docs/mail.md`): off while `smtp_url` is unset.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct MailSettings {
    /// Secret: the URL may carry the server's password.
    /// `smtp://host:587?tls=required` (STARTTLS), `smtps://host:465`, or
    /// `smtp://127.0.0.1:25` (no TLS: a relay on this machine only).
    pub smtp_url: Option<SecretString>,
    /// The sender, `nido <nido@centre.example>`.
    pub from: Option<String>,
    /// Where the team reaches nido: the links of a mail lead there.
    pub base_url: Option<String>,
    /// The local hour from which each day's digests are sent.
    pub digest_hour: u32,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: None,
            base_url: None,
            digest_hour: 8,
        }
    }
}

/// Mail as the server runs it: where to, from whom, and the use cases'
/// policy.
#[derive(Debug, Clone)]
pub struct MailSetup {
    pub smtp_url: SecretString,
    pub from: String,
    pub policy: nido_cases::mail::MailPolicy,
}

impl MailSettings {
    /// Off (`None`) while `smtp_url` is unset; else checked: `from` and
    /// `base_url` are required, the URL is SMTP with STARTTLS required,
    /// SMTPS, or plain SMTP to this machine only.
    pub fn setup(&self) -> anyhow::Result<Option<MailSetup>> {
        let Some(url) = self
            .smtp_url
            .as_ref()
            .filter(|url| !url.expose_secret().trim().is_empty())
        else {
            return Ok(None);
        };
        check_smtp_url(url.expose_secret())?;
        let from = self
            .from
            .as_deref()
            .map(str::trim)
            .filter(|from| !from.is_empty())
            .ok_or_else(|| {
                anyhow::anyhow!("mail.from (NIDO_MAIL__FROM) is required when mail.smtp_url is set")
            })?;
        // A link in clear text could be read on the way: https, but for
        // this machine.
        let base_url = self
            .base_url
            .as_deref()
            .map(str::trim)
            .filter(|raw| {
                url::Url::parse(raw).is_ok_and(|url| {
                    url.fragment().is_none()
                        && url.query().is_none()
                        && (url.scheme() == "https" || url.scheme() == "http" && is_loopback(&url))
                })
            })
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "mail.base_url (NIDO_MAIL__BASE_URL) is required when mail.smtp_url is set: the https:// address the team reaches nido at, https://nido.centre.example (http:// only for this machine)"
                )
            })?;
        Ok(Some(MailSetup {
            smtp_url: url.clone(),
            from: from.to_owned(),
            policy: nido_cases::mail::MailPolicy {
                base_url: base_url.to_owned(),
                digest_hour: self.digest_hour,
            },
        }))
    }
}

/// An SMTP URL nido accepts, read as `lettre` reads it (the first `tls`
/// parameter): never one that would send a password or a link in clear
/// text across a network. Its text is never part of the error (it may
/// carry a password).
fn check_smtp_url(raw: &str) -> anyhow::Result<()> {
    let refused = || {
        anyhow::anyhow!(
            "mail.smtp_url (NIDO_MAIL__SMTP_URL) must be smtp://host:587?tls=required (STARTTLS), smtps://host:465, or smtp://127.0.0.1:25 for a relay on this machine"
        )
    };
    let url = url::Url::parse(raw).map_err(|_| refused())?;
    if url.fragment().is_some() || url.host_str().is_none_or(str::is_empty) {
        return Err(refused());
    }
    let tls = url
        .query_pairs()
        .find(|(key, _)| key == "tls")
        .map(|(_, value)| value.into_owned());
    match (url.scheme(), tls.as_deref()) {
        ("smtps", _) | ("smtp", Some("required")) => Ok(()),
        ("smtp", None) if is_loopback(&url) => Ok(()),
        _ => Err(refused()),
    }
}

/// Whether `url` names this machine.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        // A scheme the URL standard does not know (smtp) keeps its host
        // as written: an address is read here.
        Some(url::Host::Domain(name)) => {
            name == "localhost"
                || name
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `[billing]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BillingSettings {
    /// The prix de journée the département sets, in cents; 0 while not set.
    pub daily_rate_cents: i64,
}

/// `[audit]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AuditSettings {
    /// How often entries that waited in the outbox (the log refused them)
    /// are moved into the log.
    pub outbox_retry_seconds: u64,
    /// Entries older than this are deleted by the retention job.
    pub retention_months: u32,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            outbox_retry_seconds: 5,
            retention_months: 12,
        }
    }
}

/// `[retention]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RetentionSettings {
    /// A closed file is anonymised this many years after the last contact.
    pub active_years: u32,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self { active_years: 2 }
    }
}

/// `[calendar]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CalendarSettings {
    /// A calendar address stops working this many days after it was made.
    pub valid_days: u32,
}

impl Default for CalendarSettings {
    fn default() -> Self {
        Self { valid_days: 365 }
    }
}

/// `[documents]`: the paper file.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct DocumentsSettings {
    /// The largest document, in bytes.
    pub max_bytes: u64,
    /// The master key's file; unset: `documents.key` in the data directory.
    pub key_file: Option<PathBuf>,
    /// Where the contents go.
    pub store: DocumentStoreSetting,
    /// The database store erases a content no document keeps (a crash's)
    /// this long after it was stored: an upload in another instance stores
    /// its content just before its row.
    pub orphan_grace_seconds: u64,
}

impl Default for DocumentsSettings {
    fn default() -> Self {
        Self {
            max_bytes: nido_cases::documents::DEFAULT_MAX_BYTES,
            key_file: None,
            store: DocumentStoreSetting::Auto,
            orphan_grace_seconds: 600,
        }
    }
}

/// `documents.store`: `auto` (files on SQLite, the database on
/// PostgreSQL), `files` or `database`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DocumentStoreSetting {
    #[default]
    Auto,
    Files,
    Database,
}

/// `[testing]`: honoured only when `NIDO_ENV=test`; anywhere else a value
/// here stops nido from starting, so a production server never runs on a
/// made-up date.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TestingSettings {
    /// Fixes the clock at this instant (RFC 3339).
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: LogFormat,
    pub filter: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Settings {
    /// Loads the layers from `config/` in the working directory (or
    /// `NIDO_CONFIG_DIR`), for the environment `NIDO_ENV` (default `development`).
    /// A `NIDO_ENV` named explicitly must have its file: a typo must not
    /// run a server with development settings.
    pub fn load() -> anyhow::Result<Self> {
        let dir = std::env::var("NIDO_CONFIG_DIR").unwrap_or_else(|_| "config".to_owned());
        let dir = Path::new(&dir);
        match std::env::var("NIDO_ENV") {
            Ok(env) => {
                require_env_file(dir, &env)?;
                Self::load_from(dir, &env)
            }
            Err(_) => Self::load_from(dir, DEFAULT_ENV),
        }
    }

    pub fn load_from(dir: &Path, env: &str) -> anyhow::Result<Self> {
        let settings = Config::builder()
            .add_source(File::from_str(DEFAULTS, FileFormat::Toml))
            .add_source(File::from(dir.join("default.toml")).required(false))
            .add_source(File::from(dir.join(format!("{env}.toml"))).required(false))
            .add_source(
                Environment::with_prefix("NIDO")
                    .prefix_separator("_")
                    .separator("__")
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("auth.mfa_required_roles")
                    .with_list_parse_key("exit.follow_up_months"),
            )
            .build()?;
        let mut settings: Self = settings.try_deserialize()?;
        settings.env = env.to_owned();
        if settings.centre.authorized_places < 1 {
            anyhow::bail!(
                "centre.authorized_places (NIDO_CENTRE__AUTHORIZED_PLACES) must be at least 1"
            );
        }
        if settings.billing.daily_rate_cents < 0 {
            anyhow::bail!(
                "billing.daily_rate_cents (NIDO_BILLING__DAILY_RATE_CENTS) must not be negative"
            );
        }
        if settings.exit.warn_months > 36 {
            anyhow::bail!("exit.warn_months (NIDO_EXIT__WARN_MONTHS) must be at most 36");
        }
        if settings
            .exit
            .follow_up_months
            .iter()
            .any(|m| !(1..=36).contains(m))
        {
            anyhow::bail!(
                "exit.follow_up_months (NIDO_EXIT__FOLLOW_UP_MONTHS) must each be 1 to 36 months"
            );
        }
        let lowest = nido_domain::identity::LOWEST_POSSIBLE;
        let identity = &settings.identity;
        if !(lowest..=1.0).contains(&identity.possible)
            || !(identity.possible..=1.0).contains(&identity.probable)
        {
            anyhow::bail!(
                "identity.possible (NIDO_IDENTITY__POSSIBLE) must be from {lowest} to 1, and identity.probable (NIDO_IDENTITY__PROBABLE) from it to 1: the duplicate check reads its candidates by birth date, and no pair without one in common scores above 0.70"
            );
        }
        if settings.mail.digest_hour > 23 {
            anyhow::bail!("mail.digest_hour (NIDO_MAIL__DIGEST_HOUR) must be 0 to 23");
        }
        settings.mail.setup()?;
        if settings.calendar.valid_days < 1 {
            anyhow::bail!("calendar.valid_days (NIDO_CALENDAR__VALID_DAYS) must be at least 1");
        }
        if env != TEST_ENV && settings.testing.now.is_some() {
            anyhow::bail!(
                "testing.now (NIDO_TESTING__NOW) is honoured only with NIDO_ENV={TEST_ENV}"
            );
        }
        Ok(settings)
    }

    /// The first site, as the settings describe the centre: made once, at
    /// the first start (or the upgrade to sites); the site's own record
    /// is what counts from then on (`PATCH /sites/{id}`).
    pub fn first_site(&self) -> nido_domain::site::Site {
        nido_domain::site::Site {
            id: nido_domain::site::FIRST_SITE,
            name: self.centre.name.clone(),
            address: self.centre.address.clone(),
            director: self.centre.director.clone(),
            authorized_places: self.centre.authorized_places,
            daily_rate_cents: self.billing.daily_rate_cents,
            version: 1,
        }
    }

    /// How long files and audit entries are kept.
    pub fn retention_policy(&self) -> nido_cases::retention::RetentionPolicy {
        nido_cases::retention::RetentionPolicy {
            active_years: self.retention.active_years,
            audit_months: self.audit.retention_months,
            time_zone: self.cases.time_zone,
        }
    }

    /// How cookies are named and flagged: by the environment, and
    /// `web.secure_cookies`.
    pub fn cookie_policy(&self) -> nido_cases::auth::CookiePolicy {
        nido_cases::auth::CookiePolicy::of_env(&self.env, self.web.secure_cookies)
    }

    /// The system clock, or in the test environment the fixed `testing.now`.
    pub fn clock(&self) -> Clock {
        self.testing.now.map_or(Clock::System, Clock::Fixed)
    }

    /// The database to use: `database_url`, or a SQLite file in the data directory.
    /// The documents' store: as set, or for `auto` the database on
    /// PostgreSQL and files on SQLite.
    pub fn document_store(&self) -> DocumentStoreSetting {
        match self.documents.store {
            DocumentStoreSetting::Auto => {
                match nido_persistence::Backend::of_url(&self.database_url()) {
                    Some(nido_persistence::Backend::Postgres) => DocumentStoreSetting::Database,
                    _ => DocumentStoreSetting::Files,
                }
            }
            chosen => chosen,
        }
    }

    /// The documents' master key file.
    pub fn documents_key_file(&self) -> PathBuf {
        self.documents
            .key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("documents.key"))
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.expose_secret().trim().is_empty() => {
                url.expose_secret().trim().to_owned()
            }
            _ => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("nido.db").display()
            ),
        }
    }

    /// The audit log's database: on SQLite its own file beside the data, on
    /// PostgreSQL the same database (`None`).
    pub fn audit_database_url(&self) -> Option<String> {
        match nido_persistence::Backend::of_url(&self.database_url()) {
            Some(nido_persistence::Backend::Postgres) => None,
            _ => Some(format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("nido-audit.db").display()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_defaults_match_the_spec() {
        let empty = tempfile_dir();
        let settings = Settings::load_from(&empty, "none").expect("defaults load");
        assert_eq!(settings.bind, "127.0.0.1:8080");
        assert_eq!(settings.data_dir, PathBuf::from("data"));
        assert_eq!(settings.auth.idle_timeout_minutes, 30);
        assert_eq!(settings.auth.absolute_timeout_minutes, 8 * 60);
        assert_eq!(settings.auth.account_max_failures, 5);
        assert_eq!(settings.auth.address_max_failures, 50);
        assert_eq!(settings.auth.failure_window_minutes, 15);
        assert_eq!(settings.cases.report_lead_days, 30);
        assert_eq!(settings.cases.time_zone, chrono_tz::Europe::Paris);
        assert_eq!(settings.retention.active_years, 2);
        assert_eq!(settings.audit.retention_months, 12);
        assert_eq!(settings.centre.authorized_places, 20);
        assert_eq!(settings.billing.daily_rate_cents, 0);
        assert_eq!(settings.calendar.valid_days, 365);
        assert!(!settings.web.secure_cookies);
        assert!(settings.database_url().starts_with("sqlite://data/nido.db"));
        assert_eq!(settings.group_commit, GroupCommitSetting::Auto);
        // Half the cores hash at most: never all of them, never none.
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(settings.auth.max_concurrent_hashes, (cores / 2).max(1));
        assert!(settings.auth.max_concurrent_hashes < cores || cores == 1);
    }

    #[test]
    fn group_commit_is_auto_on_or_off_and_nothing_else() {
        let [on, off, typo] = staging_loads(
            "group",
            [
                "group_commit = \"on\"\n",
                "group_commit = \"off\"\n",
                "group_commit = \"yes\"\n",
            ],
        );
        assert_eq!(on.expect("on").group_commit, GroupCommitSetting::On);
        assert_eq!(off.expect("off").group_commit, GroupCommitSetting::Off);
        let refused = typo.expect_err("refused").to_string();
        assert!(refused.contains("yes"), "{refused}");
    }

    /// The settings of an environment `staging` whose file is each of
    /// `tomls` in turn.
    fn staging_loads<const N: usize>(
        name: &str,
        tomls: [&str; N],
    ) -> [anyhow::Result<Settings>; N] {
        let dir = std::env::temp_dir().join(format!("nido-settings-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let loaded = tomls.map(|toml| {
            std::fs::write(dir.join("staging.toml"), toml).expect("write");
            Settings::load_from(&dir, "staging")
        });
        std::fs::remove_dir_all(&dir).ok();
        loaded
    }

    #[test]
    fn cookies_keep_plain_names_in_development_only() {
        let dir = tempfile_dir();
        for (env, development) in [
            ("dev", true),
            ("development", true),
            ("test", true),
            ("ci", false),
            ("production", false),
        ] {
            let settings = Settings::load_from(&dir, env).expect("settings");
            assert_eq!(settings.env, env);
            assert_eq!(settings.cookie_policy().development, development, "{env}");
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let mut settings = Settings::load_from(&tempfile_dir(), "none").expect("defaults");
        settings.database_url = Some(SecretString::from("postgres://nido:s3cret@db/nido"));
        assert!(!format!("{settings:?}").contains("s3cret"));
    }

    #[test]
    fn a_fixed_clock_is_refused_outside_the_test_environment() {
        let dir = std::env::temp_dir().join(format!("nido-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join("staging.toml"),
            "[testing]\nnow = \"2027-01-31T22:59:59Z\"\n",
        )
        .expect("write");
        std::fs::copy(dir.join("staging.toml"), dir.join("test.toml")).expect("copy");
        let refused = Settings::load_from(&dir, "staging");
        let honoured = Settings::load_from(&dir, "test");
        std::fs::remove_dir_all(&dir).ok();
        assert!(refused.is_err());
        let honoured = honoured.expect("test settings");
        assert_eq!(
            honoured.clock(),
            Clock::Fixed("2027-01-31T22:59:59Z".parse().expect("instant"))
        );
    }

    #[test]
    fn places_and_the_daily_rate_are_read_and_checked() {
        let [set, no_places, negative_rate] = staging_loads(
            "billing",
            [
                "[centre]\nauthorized_places = 24\n[billing]\ndaily_rate_cents = 12000\n",
                "[centre]\nauthorized_places = 0\n",
                "[billing]\ndaily_rate_cents = -1\n",
            ],
        );
        let set = set.expect("settings");
        assert_eq!(set.centre.authorized_places, 24);
        assert_eq!(set.billing.daily_rate_cents, 12_000);
        let refused = no_places.expect_err("refused").to_string();
        assert!(refused.contains("authorized_places"), "{refused}");
        let refused = negative_rate.expect_err("refused").to_string();
        assert!(refused.contains("daily_rate_cents"), "{refused}");
    }

    #[test]
    fn the_identity_thresholds_are_read_and_checked() {
        let [set, too_low, inverted, above_one] = staging_loads(
            "identity",
            [
                "[identity]\nprobable = 0.95\npossible = 0.8\n",
                "[identity]\npossible = 0.7\n",
                "[identity]\nprobable = 0.8\npossible = 0.85\n",
                "[identity]\nprobable = 1.2\n",
            ],
        );
        let set = set.expect("settings");
        assert_eq!(set.identity.probable, 0.95);
        assert_eq!(set.identity.possible, 0.8);
        // The check reads by birth date: a pair without one scores up to
        // 0.70, so a lower possible band would miss pairs.
        for refused in [too_low, inverted, above_one] {
            let said = refused.expect_err("refused").to_string();
            assert!(said.contains("identity.possible"), "{said}");
        }
        let defaults = Settings::load_from(&tempfile_dir(), "none").expect("defaults");
        assert_eq!(defaults.identity.probable, 0.90);
        assert_eq!(defaults.identity.possible, 0.75);
    }

    #[test]
    fn an_environment_without_its_file_is_refused() {
        let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        assert!(require_env_file(&config, "production").is_ok());
        assert!(require_env_file(&config, "test").is_ok());
        let typo = require_env_file(&config, "prodution").expect_err("refused");
        let said = typo.to_string();
        assert!(
            said.contains("prodution") && said.contains("production"),
            "{said}"
        );
        assert!(require_env_file(&config, "../config/production").is_err());
        assert!(require_env_file(&config, "").is_err());
    }

    fn tempfile_dir() -> PathBuf {
        std::env::temp_dir().join("nido-settings-test-no-such-dir")
    }
}
