//! A `Cases` over a fresh, migrated database, with a fixed clock and a
//! small team: what each test starts from.

use chrono::{DateTime, Days, NaiveDate, Utc};
use nido_cases::auth::{AuthPolicy, Authentication, PasswordHasher, ServerKey};
use nido_cases::referrals::{Admission, ReferralInput};
use nido_cases::{Caller, Cases};
use nido_domain::family::{
    ChildDraft, FamilyDraft, MotherDraft, Referral, ReferralDraft, ReferralReason, ReferralSource,
};
use nido_domain::housing::{LandlordInput, LandlordKind, LeaseInput, Typology, UnitInput};
use nido_domain::placement::Placement;
use nido_domain::user::NewUser;
use nido_domain::{Clock, DisplayName, Email, Profession, Role};
use nido_persistence::audit::AuditWriter;
use nido_persistence::{DatabaseConnection, GroupCommit, Writer};
use uuid::Uuid;

/// Now, for every test: a Monday in June, mid-morning in Paris.
pub const NOW: &str = "2026-06-15T08:30:00Z";

pub fn day(raw: &str) -> NaiveDate {
    raw.parse().expect("a date")
}

/// The use cases, a coordinator, two social workers, and what keeps the
/// database alive.
pub struct World {
    pub cases: Cases,
    pub coordinator: Caller,
    pub referent: Caller,
    pub other_worker: Caller,
    _data: tempfile::TempDir,
}

/// A fresh world: a new PostgreSQL database named by a UUID when
/// `NIDO_TEST_DATABASE_URL` is set, else a SQLite file of its own.
pub async fn world() -> World {
    let data = tempfile::tempdir().expect("a data directory");
    let url = match std::env::var("NIDO_TEST_DATABASE_URL") {
        Ok(admin_url) => fresh_postgres_database(&admin_url).await,
        Err(_) => format!("sqlite://{}/nido.db?mode=rwc", data.path().display()),
    };
    let main = nido_persistence::connect_main(&url, 4)
        .await
        .unwrap_or_else(|err| panic!("cannot open {url}: {err}"));
    nido_persistence::migrate(&main.write)
        .await
        .expect("migrated");
    nido_persistence::migrate_audit(&main.write)
        .await
        .expect("audit migrated");
    let now: DateTime<Utc> = NOW.parse().expect("an instant");
    let cases = cases_over(main.read, main.write, Clock::Fixed(now));
    let site = nido_domain::site::Site {
        id: nido_domain::site::FIRST_SITE,
        name: "Centre maternel Les Tilleuls".into(),
        address: "12 rue des Glycines, 94000 Créteil".into(),
        director: "Claire Fontaine".into(),
        authorized_places: 20,
        daily_rate_cents: 0,
        version: 1,
    };
    nido_cases::sites::ensure_first(&cases, &site)
        .await
        .expect("the first site");
    let coordinator = user(&cases, "coordination", Role::Coordinator).await;
    let referent = user(&cases, "referente", Role::Staff).await;
    let other_worker = user(&cases, "autre.equipe", Role::Staff).await;
    World {
        cases,
        coordinator,
        referent,
        other_worker,
        _data: data,
    }
}

fn cases_over(read: DatabaseConnection, write: DatabaseConnection, clock: Clock) -> Cases {
    let policy = AuthPolicy::default();
    Cases {
        audit_log: AuditWriter::spawn(write.clone(), write.clone()),
        audit_db: write.clone(),
        db: read,
        writer: Writer::new(write, GroupCommit::Auto),
        clock,
        time_zone: chrono_tz::Europe::Paris,
        report_lead_days: 30,
        calendar_valid_days: 365,
        exit: nido_cases::pathway::ExitPolicy::new(6, &[3, 6]),
        identity: nido_cases::identity::IdentityPolicy::default(),
        mail: nido_cases::mail::Mail::off(),
        documents: nido_cases::documents::Vault::in_memory().expect("a vault"),
        auth: Authentication::new(
            policy,
            PasswordHasher::new(1).expect("a hasher"),
            ServerKey::random().expect("a key"),
        ),
    }
}

async fn fresh_postgres_database(admin_url: &str) -> String {
    assert!(
        admin_url.starts_with("postgres://") || admin_url.starts_with("postgresql://"),
        "NIDO_TEST_DATABASE_URL must be a postgres:// URL"
    );
    let name = format!("nido_test_{}", Uuid::new_v4().simple());
    let admin = nido_persistence::connect(admin_url, 1)
        .await
        .unwrap_or_else(|err| panic!("PostgreSQL at {admin_url} is unreachable: {err}"));
    use nido_persistence::ConnectionTrait;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("the test database created");
    admin.close().await.ok();
    let (base, _) = admin_url.rsplit_once('/').expect("a URL naming a database");
    format!("{base}/{name}")
}

async fn user(cases: &Cases, login: &str, role: Role) -> Caller {
    let new = NewUser {
        email: Email::parse(&format!("{login}@nido.example")).expect("an email"),
        display_name: DisplayName::parse(login).expect("a name"),
        role,
        profession: match role {
            Role::Coordinator => Profession::Coordinator,
            _ => Profession::SocialWorker,
        },
        // Never checked here: no one signs in.
        password_hash: "$argon2id$unused".to_owned(),
        must_change_password: false,
        site_ids: vec![nido_domain::site::FIRST_SITE],
    };
    let user = nido_cases::users::create_user(cases, &Caller::system(), new)
        .await
        .expect("a user");
    Caller::of(&user)
}

impl World {
    pub fn today(&self) -> NaiveDate {
        self.cases.today()
    }

    /// A pending referral of a new family: a mother and a child born
    /// `child_age_days` ago, referred `days_ago` days ago.
    pub async fn referral(&self, last_name: &str, days_ago: u64, child_age_days: u64) -> Referral {
        let today = self.today();
        let input = ReferralInput {
            family: Some(FamilyDraft {
                mother: MotherDraft {
                    first_name: "Inès".into(),
                    last_name: last_name.into(),
                    birth_last_name: None,
                    birth_date: next_mother_birth(today),
                    birth_place: None,
                    phone: None,
                    email: None,
                },
                children: vec![ChildDraft {
                    first_name: "Lou".into(),
                    last_name: None,
                    birth_date: Some(today - Days::new(child_age_days)),
                    expected_birth_date: None,
                }],
            }),
            family_id: None,
            details: ReferralDraft {
                source: ReferralSource::Ase,
                eds: "EDS Nord".into(),
                referred_on: today - Days::new(days_ago),
                referrer_name: "Service de l'aide sociale à l'enfance".into(),
                referrer_contact: "01 00 00 00 00".into(),
                reason: ReferralReason::Distress,
                reason_details: None,
            },
            confirm_new: None,
            site_id: None,
        };
        nido_cases::referrals::refer(&self.cases, &self.coordinator, input)
            .await
            .expect("referred")
            .value
    }

    /// Admits `referral`'s family on `on`, into `unit` if given, with the
    /// world's referent.
    pub async fn admit(
        &self,
        referral: &Referral,
        on: NaiveDate,
        unit: Option<Uuid>,
    ) -> Result<Placement, nido_cases::CaseError> {
        let admission = Admission {
            referral_id: referral.id,
            admitted_on: on,
            referent_id: Some(self.referent.id),
            unit_id: unit,
        };
        nido_cases::referrals::admit(&self.cases, &self.coordinator, admission)
            .await
            .map(|admitted| admitted.placement)
    }

    /// An apartment leased since 2024 from a social landlord.
    pub async fn unit(&self, label: &str) -> Uuid {
        let admin = Caller::system();
        let landlord = nido_cases::housing::add_landlord(
            &self.cases,
            &admin,
            LandlordInput {
                name: Some(format!("Bailleur de {label}")),
                kind: Some(LandlordKind::Social),
                ..Default::default()
            },
        )
        .await
        .expect("a landlord");
        let unit = nido_cases::housing::add_unit(
            &self.cases,
            &admin,
            UnitInput {
                landlord_id: Some(landlord.id),
                label: Some(label.to_owned()),
                street: Some("1 rue des Tilleuls".to_owned()),
                postal_code: Some("94140".to_owned()),
                city: Some("Alfortville".to_owned()),
                typology: Some(Typology::T1),
                surface_m2: Some(32.0),
                capacity: Some(2),
                site_id: None,
            },
        )
        .await
        .expect("a unit");
        nido_cases::housing::add_lease(
            &self.cases,
            &admin,
            unit.id,
            LeaseInput {
                starts_on: day("2024-01-01"),
                ends_on: None,
                monthly_rent_cents: 65_000,
                monthly_charges_cents: 5_000,
                deposit_cents: 65_000,
            },
        )
        .await
        .expect("a lease");
        unit.id
    }
}

thread_local! {
    /// How many mothers this test referred (a test runs on its own thread).
    static MOTHERS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// The birth date of a test's next mother: each born in another month, on
/// a 20th (a day no month swap reads otherwise), so that the duplicate
/// check never takes two mothers of a test for one.
fn next_mother_birth(today: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    let born = MOTHERS.with(|count| {
        let n = count.get();
        count.set(n + 1);
        n
    });
    today
        .with_day(20)
        .and_then(|day| day.checked_sub_months(chrono::Months::new(12 * 24 + born)))
        .expect("a birth date")
}
