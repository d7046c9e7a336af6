//! `nido demo-data`: a fictional centre, so that someone new sees a living
//! system right after starting it. Every name here is invented.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use nido_cases::placements::{Departure, Renewal};
use nido_cases::referrals::{Admission, ReferralInput};
use nido_cases::{Caller, Cases};
use nido_domain::family::{
    ChildDraft, FamilyDraft, MotherDraft, ReferralDraft, ReferralReason, ReferralSource,
    ReferralStatus,
};
use nido_domain::housing::{LandlordInput, LandlordKind, LeaseInput, Typology, UnitInput};
use nido_domain::intervention::{ActionInput, InterventionInput};
use nido_domain::intervention::{Confidentiality, InterventionKind};
use nido_domain::placement::ExitDestination;
use nido_domain::placement::{
    ChildBirth, Period, first_period, latest_end_on, next_period, period_ends_on,
};
use nido_domain::user::NewUser;
use nido_domain::workshop::{AttendanceInput, WorkshopDraft, may_attend};
use nido_domain::{DisplayName, Email, NewPassword, Profession, Role};
use nido_persistence::families;
use nido_persistence::users;
use uuid::Uuid;

use crate::settings::Settings;

/// The centre's families, up to `limit` (nido reads every site's).
async fn every_family(
    db: &impl nido_persistence::ConnectionTrait,
    limit: u64,
) -> anyhow::Result<Vec<nido_domain::family::Family>> {
    Ok(families::list(
        db,
        nido_persistence::need_to_know::Reader::Everyone,
        None,
        limit,
    )
    .await?)
}

mod creche;
mod documents;
mod identity;
mod incidents;
mod pathway;
mod projects;
mod scale;
mod sites;
use crate::startup::{INITIAL_ADMIN_EMAIL, ensure_initial_admin, open_databases, use_cases};

/// The password of every demo account: a demo database holds no real data.
pub const DEMO_PASSWORD: &str = "voie-lactee-demo-2026";

const TEAM: [(&str, &str, Role, Profession); 8] = [
    (
        "nadia.haddad",
        "Nadia Haddad",
        Role::Coordinator,
        Profession::Coordinator,
    ),
    (
        "ines.morel",
        "Inès Morel",
        Role::Staff,
        Profession::SocialWorker,
    ),
    (
        "claire.fontaine",
        "Claire Fontaine",
        Role::Staff,
        Profession::SpecializedEducator,
    ),
    (
        "samia.benali",
        "Samia Benali",
        Role::Staff,
        Profession::SpecializedEducator,
    ),
    (
        "lea.marchand",
        "Léa Marchand",
        Role::Staff,
        Profession::EarlyChildhoodEducator,
    ),
    (
        "fatou.sow",
        "Fatou Sow",
        Role::Staff,
        Profession::ChildcareAssistant,
    ),
    (
        "helene.roux",
        "Hélène Roux",
        Role::Staff,
        Profession::Psychologist,
    ),
    (
        "karim.aziz",
        "Karim Aziz",
        Role::Staff,
        Profession::TechnicalAgent,
    ),
];

/// Fictional landlords: (name, kind).
const LANDLORDS: [(&str, LandlordKind); 5] = [
    ("Habitat Val-de-Marne Sud", LandlordKind::Social),
    ("Foyer Seine-Amont", LandlordKind::Social),
    ("Logis des Bords de Marne", LandlordKind::Social),
    ("M. Bertrand Lacombe", LandlordKind::Private),
    ("Mme Odile Ferrand", LandlordKind::Private),
];

/// (street, typology, surface, capacity, monthly rent, monthly charges), in cents.
const UNITS: [(&str, Typology, f64, i32, i64, i64); 22] = [
    ("12 rue Véron", Typology::Studio, 24.0, 2, 52_000, 6_000),
    ("12 rue Véron", Typology::Studio, 26.5, 2, 54_000, 6_000),
    ("4 quai Blanqui", Typology::T1, 31.0, 2, 58_000, 7_500),
    ("4 quai Blanqui", Typology::T1, 33.0, 3, 60_000, 7_500),
    (
        "27 rue Paul-Vaillant-Couturier",
        Typology::T2,
        42.0,
        3,
        68_000,
        9_000,
    ),
    (
        "27 rue Paul-Vaillant-Couturier",
        Typology::T2,
        45.5,
        3,
        70_000,
        9_000,
    ),
    (
        "8 allée des Cerisiers",
        Typology::T2,
        44.0,
        3,
        66_000,
        8_500,
    ),
    (
        "8 allée des Cerisiers",
        Typology::T3,
        58.0,
        4,
        82_000,
        11_000,
    ),
    (
        "15 avenue de Verdun",
        Typology::Studio,
        22.0,
        2,
        55_000,
        5_500,
    ),
    ("15 avenue de Verdun", Typology::T1, 30.0, 2, 61_000, 7_000),
    (
        "3 place Salvador-Allende",
        Typology::T2,
        47.0,
        3,
        72_000,
        9_500,
    ),
    (
        "3 place Salvador-Allende",
        Typology::T2,
        43.0,
        3,
        69_000,
        9_000,
    ),
    ("61 rue Étienne-Dolet", Typology::T1, 29.0, 2, 57_000, 6_500),
    (
        "61 rue Étienne-Dolet",
        Typology::T3,
        61.0,
        4,
        85_000,
        12_000,
    ),
    (
        "2 rue de la Déportation",
        Typology::Studio,
        25.0,
        2,
        53_000,
        6_000,
    ),
    (
        "2 rue de la Déportation",
        Typology::T2,
        46.0,
        3,
        71_000,
        9_000,
    ),
    (
        "19 rue Marcel-Bourdarias",
        Typology::T1,
        32.0,
        3,
        59_000,
        7_000,
    ),
    (
        "19 rue Marcel-Bourdarias",
        Typology::T2,
        44.5,
        3,
        67_000,
        8_500,
    ),
    (
        "40 rue Charles-de-Gaulle",
        Typology::T2,
        48.0,
        3,
        74_000,
        9_500,
    ),
    (
        "40 rue Charles-de-Gaulle",
        Typology::T3,
        63.0,
        4,
        88_000,
        12_500,
    ),
    (
        "7 rue Jean-Jaurès",
        Typology::Studio,
        23.5,
        2,
        51_000,
        5_500,
    ),
    ("7 rue Jean-Jaurès", Typology::T1, 34.0, 3, 62_000, 7_500),
];

/// What the team writes after seeing a family: (kind, minutes, restricted, summary).
const NOTES: [(InterventionKind, i32, bool, &str); 8] = [
    (
        InterventionKind::Interview,
        60,
        false,
        "Entretien d'accueil : présentation du centre, du règlement et de l'équipe. Madame exprime le souhait de reprendre une formation d'aide-soignante.",
    ),
    (
        InterventionKind::HomeVisit,
        45,
        false,
        "Visite à domicile : l'appartement est bien tenu, le lit de l'enfant est installé. Point sur le budget alimentaire de la semaine.",
    ),
    (
        InterventionKind::Accompaniment,
        120,
        false,
        "Accompagnement à la CAF pour l'ouverture des droits (prime de naissance, allocations). Dossier déposé, récépissé remis à Madame.",
    ),
    (
        InterventionKind::Workshop,
        90,
        false,
        "Atelier « Doux rêveur » à la médiathèque avec les autres mamans : lecture d'albums et fresque collective. Bonne participation.",
    ),
    (
        InterventionKind::Childcare,
        180,
        false,
        "Accueil de l'enfant à la crèche pendant le rendez-vous de Madame à Pôle emploi. Adaptation sereine, l'enfant a fait la sieste.",
    ),
    (
        InterventionKind::PhoneCall,
        15,
        false,
        "Appel de la PMI : rendez-vous de suivi pédiatrique fixé, vaccins à jour.",
    ),
    (
        InterventionKind::Interview,
        50,
        true,
        "Entretien avec la psychologue : Madame évoque son parcours et des difficultés de sommeil. Suivi proposé toutes les deux semaines.",
    ),
    (
        InterventionKind::HomeVisit,
        40,
        false,
        "Visite à domicile avec l'agent technique : fuite sous l'évier réparée, détecteur de fumée vérifié.",
    ),
];

/// Follow-ups the team sets itself: (description, days after the note it comes from).
const FOLLOW_UPS: [(&str, u64); 4] = [
    ("Relancer la CAF sur l'ouverture des droits", 10),
    ("Préparer le rapport de renouvellement pour l'ASE", 20),
    (
        "Constituer le dossier de demande de logement social (DALO)",
        30,
    ),
    ("Prendre rendez-vous à la PMI pour les vaccins", 7),
];

const EDS: [&str; 6] = [
    "Alfortville",
    "Vitry-sur-Seine",
    "Créteil",
    "Ivry-sur-Seine",
    "Choisy-le-Roi",
    "Villejuif",
];

/// Where a demo family stands today.
#[derive(Clone, Copy)]
enum Stage {
    /// On the waiting list, referred this many days ago.
    Waiting(u64),
    Declined,
    Withdrawn,
    /// Admitted this many days ago: still in the first period.
    Admitted(u64),
    /// In its n-th period, renewed each time.
    Renewed(u32),
    /// In the period that ends at the cap.
    FinalPeriod,
    /// The current period ended this many days ago, with no decision yet.
    Overdue(u64),
    /// The current period ends in this many days (29: the report is due today).
    EndsIn(u64),
    /// Left after staying this many months, that many months ago.
    Exited(u32, ExitDestination, u32),
}

const FAMILIES: [(&str, &str, &str, Stage); 29] = [
    ("Aminata", "Koné", "Maëlys", Stage::Waiting(4)),
    ("Jessica", "Lemoine", "Nathan", Stage::Waiting(11)),
    ("Yasmina", "Cherif", "", Stage::Waiting(19)),
    ("Mariama", "Baldé", "Ibrahim", Stage::Waiting(33)),
    ("Oksana", "Petrenko", "", Stage::Waiting(52)),
    ("Laetitia", "Robert", "Jade", Stage::Declined),
    ("Sarah", "Nguyen", "Lina", Stage::Withdrawn),
    ("Awa", "Diallo", "Inaya", Stage::Admitted(12)),
    ("Priscilla", "Mendes", "Enzo", Stage::Admitted(27)),
    ("Naïma", "Belkacem", "Adam", Stage::Admitted(45)),
    ("Chloé", "Garnier", "", Stage::Admitted(70)),
    ("Kadiatou", "Camara", "Moussa", Stage::Renewed(2)),
    ("Élodie", "Martin", "Louise", Stage::Renewed(2)),
    ("Farida", "Haddou", "Yanis", Stage::Renewed(3)),
    ("Rokia", "Traoré", "Aïcha", Stage::Renewed(4)),
    ("Ioana", "Popescu", "Luca", Stage::Renewed(3)),
    ("Mélissa", "Fabre", "Théo", Stage::FinalPeriod),
    ("Fatoumata", "Keïta", "Binta", Stage::FinalPeriod),
    ("Ana", "Oliveira", "Rafael", Stage::FinalPeriod),
    ("Stéphanie", "Leroy", "Manon", Stage::Overdue(3)),
    ("Hawa", "Sissoko", "Bakary", Stage::Overdue(9)),
    ("Nour", "Amrani", "Sofia", Stage::EndsIn(29)),
    ("Khadija", "Bennani", "Rayan", Stage::EndsIn(0)),
    ("Sophie", "Girard", "Emma", Stage::EndsIn(50)),
    (
        "Marie",
        "Lefèvre",
        "Hugo",
        Stage::Exited(11, ExitDestination::SocialHousing, 3),
    ),
    (
        "Aïssata",
        "Fofana",
        "Mamadou",
        Stage::Exited(7, ExitDestination::FamilyOrFriends, 4),
    ),
    (
        "Julie",
        "Perrin",
        "Léon",
        Stage::Exited(16, ExitDestination::PrivateHousing, 14),
    ),
    (
        "Bintou",
        "Coulibaly",
        "Ousmane",
        Stage::Exited(17, ExitDestination::SocialHousing, 20),
    ),
    // Left so long ago that her file is anonymised (retention).
    (
        "Clarisse",
        "Dumont",
        "Noé",
        Stage::Exited(5, ExitDestination::Unknown, 30),
    ),
];

/// Fills an empty centre with the demo; with `scale`, then adds that many
/// families loaded in bulk (see `docs/demo-data.md`). Refuses a centre that
/// has user accounts or families already.
pub async fn load(settings: &Settings, scale: Option<usize>) -> anyhow::Result<()> {
    let databases = open_databases(settings).await?;
    let db = databases.main.write.clone();
    let cases = use_cases(settings, &databases).await?;
    ensure_initial_admin(&cases, settings).await?;
    if users::any_besides(&db, INITIAL_ADMIN_EMAIL).await? {
        anyhow::bail!(
            "this database has user accounts: demo data, whose accounts share a published password, goes only into a new, empty centre"
        );
    }
    if !every_family(&db, 1).await?.is_empty() {
        anyhow::bail!("the database already holds families: demo data goes into an empty centre");
    }
    // Everything goes through the use cases, as the team's own requests do:
    // the demo cannot hold what the rules would refuse.
    let today = cases.today();
    let password_hash = demo_password_hash(&cases).await?;
    let team = create_team(&cases, &password_hash).await?;
    let units = create_housing(&cases, today).await?;
    let coordinator = team[0];
    let workers = &team[1..];
    for (index, (first_name, last_name, child, stage)) in FAMILIES.iter().enumerate() {
        let referent = workers[index % workers.len()];
        let helper = workers[(index + 3) % workers.len()];
        let family = DemoFamily {
            index,
            first_name,
            last_name,
            child,
            stage: *stage,
        };
        // Families waiting or turned away wrap onto the first units, which
        // they never occupy: every placed family gets a unit of its own.
        let unit = units[index % units.len()];
        let people = People {
            coordinator: Caller {
                id: coordinator,
                role: Role::Coordinator,
            },
            referent,
            helper,
        };
        family.create(&cases, &people, unit).await?;
    }
    let educator = Caller {
        id: team[4],
        role: Role::Staff,
    };
    let coordinator = Caller {
        id: coordinator,
        role: Role::Coordinator,
    };
    let creche = creche::create(&cases, coordinator, educator, today).await?;
    let duties = projects::create(&cases, coordinator, &team[1..4], today).await?;
    let staff = Caller {
        id: team[1],
        role: Role::Staff,
    };
    let events = incidents::create(&cases, coordinator, staff).await?;
    let papers = documents::create(&cases, staff).await?;
    let workshops = create_workshops(&cases, &coordinator, &team[4..6], today).await?;
    let alike = identity::create(&cases, coordinator).await?;
    // Last: until a second site exists, what the demo makes goes into the
    // one site without naming it.
    let initial_admin =
        Email::parse(INITIAL_ADMIN_EMAIL).map_err(|err| anyhow::anyhow!("{err}"))?;
    let (admin, _) = users::find_credentials(&db, &initial_admin)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the initial admin is missing"))?;
    let ivry = sites::create(&cases, admin.id, &password_hash, FAMILIES.len()).await?;
    // Nadia and Inès asked for the morning digest (sent once mail is
    // configured: docs/mail.md).
    for member in [team[0], team[1]] {
        nido_persistence::mail::set_daily_digest(&cases.writer, member, true).await?;
    }
    // The file closed long ago is anonymised, as the server's daily run would.
    let retention = nido_cases::retention::run(
        &cases.writer,
        cases.documents.store.as_ref(),
        &databases.audit,
        settings.retention_policy(),
        cases.now(),
        false,
    )
    .await?;
    println!(
        "Demo centre created: {} families ({} closed long ago, anonymised), {} team members, a second site (Centre maternel d'Ivry: {} families, its coordinator julie.mercier@nido.example) and the head office's account (catherine.vidal@nido.example), a crèche of 10 places with {} bookings ({} attended), {workshops} workshops, {} contracts of stay and {} project reviews, {} incidents and {} information préoccupante, {papers} documents in the paper files, {} pair of files to look at as possible duplicates and {} linked as one mother's. Every demo account's password is {DEMO_PASSWORD}; the coordinator is nadia.haddad@nido.example.",
        FAMILIES.len(),
        retention.anonymised,
        TEAM.len(),
        ivry.families,
        creche.bookings,
        creche.attended,
        duties.contracts,
        duties.reviews,
        events.incidents,
        events.concerns,
        alike.open_pairs,
        alike.linked,
    );
    if let Some(count) = scale {
        eprintln!("Loading {count} more families in bulk…");
        let figures = scale::load(&cases, &team, &password_hash, count).await?;
        println!(
            "Added {} families, each with an active placement ({} periods), {} interventions, {} follow-up actions ({} open), {} project reviews, {} units and {} more team members, in {:.1} s.",
            figures.families,
            figures.periods,
            figures.interventions,
            figures.actions,
            figures.open_actions,
            figures.reviews,
            figures.units,
            figures.colleagues,
            figures.seconds,
        );
    }
    Ok(())
}

/// Five landlords, 22 apartments from studios to T3, leased since 2023; one
/// lease ends in five weeks.
async fn create_housing(cases: &Cases, today: NaiveDate) -> anyhow::Result<Vec<Uuid>> {
    let mut landlords = Vec::new();
    for (name, kind) in LANDLORDS {
        let fields = LandlordInput {
            name: Some(name.to_owned()),
            kind: Some(kind),
            contact_name: Some("Service gestion locative".to_owned()),
            phone: Some("01 00 00 00 00".to_owned()),
            ..Default::default()
        };
        let landlord = nido_cases::housing::add_landlord(cases, &Caller::system(), fields)
            .await
            .map_err(|err| anyhow::anyhow!("demo landlord: {err}"))?;
        landlords.push(landlord.id);
    }
    let mut units = Vec::new();
    for (index, (street, typology, surface, capacity, rent, charges)) in
        UNITS.into_iter().enumerate()
    {
        let fields = UnitInput {
            landlord_id: Some(landlords[index % landlords.len()]),
            label: Some(format!(
                "{} {street}, logement {}",
                typology.as_str().to_uppercase(),
                index + 1
            )),
            street: Some(street.to_owned()),
            postal_code: Some("94140".to_owned()),
            city: Some("Alfortville".to_owned()),
            typology: Some(typology),
            surface_m2: Some(surface),
            capacity: Some(capacity),
            site_id: None,
        };
        let ends_on = (index == 21).then(|| today + Days::new(35));
        let lease = LeaseInput {
            starts_on: date_of(2023, 1, 1),
            ends_on,
            monthly_rent_cents: rent,
            monthly_charges_cents: charges,
            deposit_cents: rent,
        };
        units.push(leased_unit(cases, fields, lease).await?);
    }
    Ok(units)
}

/// A demo apartment and its lease: its id.
async fn leased_unit(cases: &Cases, fields: UnitInput, lease: LeaseInput) -> anyhow::Result<Uuid> {
    let unit = nido_cases::housing::add_unit(cases, &Caller::system(), fields)
        .await
        .map_err(|err| anyhow::anyhow!("demo unit: {err}"))?;
    nido_cases::housing::add_lease(cases, &Caller::system(), unit.id, lease)
        .await
        .map_err(|err| anyhow::anyhow!("demo lease: {err}"))?;
    Ok(unit.id)
}

/// Album readings with the médiathèque every other Wednesday, from six
/// weeks ago to six weeks ahead, led by the crèche's two educators: three
/// or four placed families each, with their born children; attendance is
/// recorded for those already held. Answers how many workshops there are.
async fn create_workshops(
    cases: &Cases,
    coordinator: &Caller,
    facilitators: &[Uuid],
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let placed: Vec<_> = every_family(&cases.db, 200)
        .await?
        .into_iter()
        .filter(|family| family.current_placement_id.is_some())
        .collect();
    let since_wednesday = u64::from(today.weekday().days_since(Weekday::Wed));
    let last_wednesday = days_before(today, since_wednesday);
    let days: Vec<NaiveDate> = [42, 28, 14, 0]
        .map(|back| days_before(last_wednesday, back))
        .into_iter()
        .chain([14, 28, 42].map(|ahead| last_wednesday + Days::new(ahead)))
        .collect();
    for (session, on) in days.iter().enumerate() {
        let draft = WorkshopDraft {
            title: "Lecture d'albums avec la Médiathèque Boris Vian",
            on: *on,
            starts_at: "14:30",
            ends_at: "16:00",
            partner: Some("Médiathèque Boris Vian"),
            capacity: Some(8),
            facilitator_ids: facilitators,
            site_id: None,
        };
        let workshop = nido_cases::workshops::create_workshop(cases, coordinator, draft)
            .await
            .map_err(|err| anyhow::anyhow!("demo workshop: {err}"))?;
        let coming = placed
            .iter()
            .cycle()
            .skip(session * 3)
            .take(3 + session % 2)
            .take(placed.len());
        for (turn, family) in coming.enumerate() {
            let children: Vec<Uuid> = family
                .children
                .iter()
                .filter(|child| may_attend(child, *on))
                .map(|child| child.id)
                .collect();
            nido_cases::workshops::add_participant(
                cases,
                coordinator,
                workshop.id,
                family.id,
                &children,
            )
            .await
            .map_err(|err| anyhow::anyhow!("demo participant: {err}"))?;
            if *on <= today {
                let attendance = if turn == 2 {
                    AttendanceInput {
                        absent: Some(true),
                        ..AttendanceInput::default()
                    }
                } else {
                    AttendanceInput {
                        arrived_at: Some("14:30".to_owned()),
                        left_at: Some(if turn == 0 { "16:00" } else { "15:45" }.to_owned()),
                        absent: None,
                    }
                };
                nido_cases::workshops::record_attendance(
                    cases,
                    coordinator,
                    workshop.id,
                    family.id,
                    attendance,
                )
                .await
                .map_err(|err| anyhow::anyhow!("demo attendance: {err}"))?;
            }
        }
    }
    Ok(days.len())
}

fn date_of(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The hash every demo account shares, of [`DEMO_PASSWORD`].
async fn demo_password_hash(cases: &Cases) -> anyhow::Result<String> {
    let password =
        NewPassword::parse(DEMO_PASSWORD, &[]).map_err(|err| anyhow::anyhow!("{err}"))?;
    cases.auth.passwords.hash(&password).await
}

async fn create_team(cases: &Cases, hash: &str) -> anyhow::Result<Vec<Uuid>> {
    let mut ids = Vec::new();
    for (login, name, role, profession) in TEAM {
        let site = nido_domain::site::FIRST_SITE;
        ids.push(create_account(cases, hash, (login, name, role, profession), site).await?);
    }
    Ok(ids)
}

/// A demo account of `site` (login, name, role, profession), with the
/// published demo password: its id.
async fn create_account(
    cases: &Cases,
    hash: &str,
    (login, name, role, profession): (&str, &str, Role, Profession),
    site: Uuid,
) -> anyhow::Result<Uuid> {
    let user = nido_cases::users::create_user(
        cases,
        &Caller::system(),
        NewUser {
            email: Email::parse(&format!("{login}@nido.example"))
                .map_err(|err| anyhow::anyhow!("{err}"))?,
            display_name: DisplayName::parse(name).map_err(|err| anyhow::anyhow!("{err}"))?,
            role,
            profession,
            password_hash: hash.to_owned(),
            // A demo account keeps its published password.
            must_change_password: false,
            site_ids: vec![site],
        },
    )
    .await
    .map_err(|err| anyhow::anyhow!("cannot create {login}: {err}"))?;
    Ok(user.id)
}

struct DemoFamily<'a> {
    index: usize,
    first_name: &'a str,
    last_name: &'a str,
    child: &'a str,
    stage: Stage,
}

fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(date)
}

fn months_before(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months)).unwrap_or(date)
}

/// An admission day and a child's birth whose first period ends exactly on
/// `ends_on`. Six months from admission cannot end on every day (no period
/// ends on 30 December: 30 June + 6 months is 30 December, ended the day
/// before), so on such days the cap ends it: the child turns three the day
/// after.
fn first_period_ending_on(ends_on: NaiveDate) -> (NaiveDate, ChildBirth) {
    let guess = months_before(ends_on, 6);
    let exact = (0..7)
        .map(|shift| days_before(guess + Days::new(3), shift))
        .find(|start| period_ends_on(*start, None) == ends_on);
    match exact {
        Some(admitted) => (admitted, ChildBirth::Born(days_before(admitted, 200))),
        None => {
            let birth = months_before(ends_on + Days::new(1), 36);
            (guess + Days::new(5), ChildBirth::Born(birth))
        }
    }
}

impl DemoFamily<'_> {
    /// A few notes spread between admission and `last_day`, some with a
    /// follow-up action (one of them overdue, one done), each logged by its
    /// author as she would.
    async fn write_notes(
        &self,
        cases: &Cases,
        people: &People,
        family_id: Uuid,
        admitted_on: NaiveDate,
        last_day: NaiveDate,
    ) -> anyhow::Result<()> {
        let today = cases.today();
        let span = (last_day - admitted_on).num_days().max(1) as u64;
        let count = 2 + self.index % 4;
        for n in 0..count {
            let (kind, minutes, restricted, summary) = NOTES[(self.index + n) % NOTES.len()];
            let day = admitted_on + Days::new(span * n as u64 / count as u64);
            let occurred_at = day
                .and_hms_opt(9 + (n as u32 % 8), 30, 0)
                .map(|at| at.and_utc())
                .unwrap_or(cases.now());
            let (author, staff) = if restricted {
                (people.helper, vec![people.helper])
            } else {
                (people.referent, vec![people.referent, people.helper])
            };
            let author = Caller {
                id: author,
                role: Role::Staff,
            };
            let mut actions = Vec::new();
            if n == 0 {
                let (description, after) = FOLLOW_UPS[self.index % FOLLOW_UPS.len()];
                actions.push(ActionInput {
                    description: description.to_owned(),
                    due_on: day + Days::new(after),
                    assignee_id: author.id,
                });
            }
            let input = InterventionInput {
                kind,
                occurred_at,
                duration_minutes: minutes,
                staff_ids: staff,
                summary: summary.to_owned(),
                confidentiality: if restricted {
                    Confidentiality::Restricted
                } else {
                    Confidentiality::Team
                },
                actions,
            };
            let (_, actions) =
                nido_cases::interventions::log_intervention(cases, &author, family_id, input)
                    .await
                    .map_err(|err| anyhow::anyhow!("demo note: {err}"))?;
            // Older follow-ups were mostly dealt with; a few stay open, overdue.
            for action in actions {
                if action.due_on < today && !self.index.is_multiple_of(3) {
                    nido_cases::interventions::set_action_done(
                        cases,
                        &author,
                        action.id,
                        None,
                        Some(action.due_on),
                    )
                    .await
                    .map_err(|err| anyhow::anyhow!("demo action: {err}"))?;
                }
            }
        }
        Ok(())
    }

    /// The admission date, the child's birth and how many periods to record.
    fn timeline(&self, today: NaiveDate) -> (NaiveDate, ChildBirth, u32) {
        let i = self.index as u64;
        match self.stage {
            Stage::Waiting(_) | Stage::Declined | Stage::Withdrawn | Stage::Admitted(_) => {
                let admitted = match self.stage {
                    Stage::Admitted(days) => days_before(today, days),
                    _ => today,
                };
                let birth = if self.child.is_empty() {
                    ChildBirth::Expected(today + Days::new(40 + 9 * i))
                } else {
                    ChildBirth::Born(days_before(today, 60 + 23 * i))
                };
                (admitted, birth, 1)
            }
            Stage::Renewed(periods) => {
                let admitted = days_before(months_before(today, 6 * (periods - 1)), 20 + 5 * i);
                (
                    admitted,
                    ChildBirth::Born(days_before(admitted, 30 + 3 * i)),
                    periods,
                )
            }
            Stage::FinalPeriod => {
                // Born so that the third birthday falls in about four
                // months' time: the current period ends at the cap.
                let birth = months_before(today + Days::new(120 + 10 * (i % 3)), 36);
                let admitted = days_before(months_before(today, 24), 15);
                (admitted, ChildBirth::Born(birth), 6)
            }
            Stage::Overdue(days) => {
                let (admitted, birth) = first_period_ending_on(days_before(today, days));
                (admitted, birth, 1)
            }
            Stage::EndsIn(days) => {
                let (admitted, birth) = first_period_ending_on(today + Days::new(days));
                (admitted, birth, 1)
            }
            Stage::Exited(months, _, ago) => {
                let admitted = months_before(today, months + ago);
                (
                    admitted,
                    ChildBirth::Born(days_before(admitted, 150)),
                    months.div_ceil(6),
                )
            }
        }
    }

    /// Refers the family, then takes it as far as its stage: declined or
    /// withdrawn, or admitted into `unit`, renewed, followed, and perhaps gone.
    async fn create(&self, cases: &Cases, people: &People, unit: Uuid) -> anyhow::Result<()> {
        let today = cases.today();
        let coordinator = &people.coordinator;
        let (admitted_on, birth, periods) = self.timeline(today);
        let phone = format!("06 00 00 {:02} {:02}", self.index, 40 + self.index);
        let mother = MotherDraft {
            first_name: self.first_name.to_owned(),
            last_name: self.last_name.to_owned(),
            birth_last_name: None,
            birth_date: days_before(today, 365 * 18 + 170 * self.index as u64),
            birth_place: None,
            phone: Some(phone),
            email: None,
        };
        let child_name = if self.child.is_empty() {
            "Bébé"
        } else {
            self.child
        };
        let (birth_date, expected_birth_date) = match birth {
            ChildBirth::Born(day) => (Some(day), None),
            ChildBirth::Expected(day) => (None, Some(day)),
        };
        let child = ChildDraft {
            first_name: child_name.to_owned(),
            last_name: None,
            birth_date,
            expected_birth_date,
        };
        let referred_on = match self.stage {
            Stage::Waiting(days) => days_before(today, days),
            _ => days_before(admitted_on, 20),
        };
        let details = ReferralDraft {
            source: if self.index.is_multiple_of(3) {
                ReferralSource::Mhl
            } else {
                ReferralSource::Ase
            },
            eds: EDS[self.index % EDS.len()].to_owned(),
            referred_on,
            referrer_name: "Service de l'aide sociale à l'enfance".to_owned(),
            referrer_contact: "01 00 00 00 00".to_owned(),
            reason: if self.index.is_multiple_of(2) {
                ReferralReason::Distress
            } else {
                ReferralReason::EducationalDifficulties
            },
            reason_details: Some(
                "Hébergée chez un tiers, sans solution stable pour elle et son enfant.".to_owned(),
            ),
        };
        let input = ReferralInput {
            family: Some(FamilyDraft {
                mother,
                children: vec![child],
            }),
            family_id: None,
            details,
            confirm_new: None,
            site_id: None,
        };
        let demo = |what: &'static str| move |err| anyhow::anyhow!("demo {what}: {err}");
        let referral = nido_cases::referrals::refer(cases, coordinator, input)
            .await
            .map_err(demo("referral"))?
            .value;
        let (status, reason) = match self.stage {
            Stage::Waiting(_) => return Ok(()),
            Stage::Declined => (
                ReferralStatus::Declined,
                "Hors critères d'admission : orientée vers un CHRS.",
            ),
            Stage::Withdrawn => (
                ReferralStatus::Withdrawn,
                "La famille a trouvé une solution d'hébergement.",
            ),
            _ => (ReferralStatus::Admitted, ""),
        };
        if status != ReferralStatus::Admitted {
            nido_cases::referrals::close(cases, coordinator, referral.id, status, reason)
                .await
                .map_err(demo("closing"))?;
            return Ok(());
        }
        let admission = Admission {
            referral_id: referral.id,
            admitted_on,
            referent_id: Some(people.referent),
            unit_id: Some(unit),
        };
        let placement = nido_cases::referrals::admit(cases, coordinator, admission)
            .await
            .map_err(demo("admission"))?
            .placement;
        nido_cases::families::assign(
            cases,
            coordinator,
            referral.family_id,
            None,
            Some(people.referent),
            vec![people.helper],
        )
        .await
        .map_err(demo("assignment"))?;
        let cap = latest_end_on(&[birth]);
        let mut current: Period = first_period(admitted_on, cap);
        for _ in 1..periods {
            // Renewals decided so far: none for a period that starts later.
            let Ok(next) = next_period(&current, current.number, cap) else {
                break;
            };
            if next.starts_on > today {
                break;
            }
            let renewal = Renewal {
                placement_id: placement.id,
                period_number: current.number,
                decided_on: days_before(current.ends_on, 10).min(today),
                decided_by: "ASE du Val-de-Marne".to_owned(),
                decision_ref: Some(format!(
                    "ASE-94-{}-{:04}",
                    current.ends_on.format("%Y"),
                    100 + self.index
                )),
            };
            current = nido_cases::placements::renew(cases, coordinator, renewal)
                .await
                .map_err(demo("renewal"))?;
        }
        let left_on = match self.stage {
            Stage::Exited(months, destination, _) => Some((
                admitted_on
                    .checked_add_months(Months::new(months))
                    .unwrap_or(today)
                    .min(today),
                destination,
            )),
            _ => None,
        };
        let last_day = left_on.map_or(today, |(day, _)| day);
        self.write_notes(cases, people, referral.family_id, admitted_on, last_day)
            .await?;
        // The referent records the steps towards a home while the family is
        // here, and the follow-ups after she has left.
        let worker = Caller {
            id: people.referent,
            role: Role::Staff,
        };
        let stay = pathway::Stay {
            placement_id: placement.id,
            admitted_on,
            exited_on: left_on.map(|(day, _)| day),
        };
        let leaves_by = pathway::record_steps(cases, &worker, self.last_name, &stay).await?;
        if let Some((exited_on, destination)) = left_on {
            let departure = Departure {
                placement_id: placement.id,
                expected_version: None,
                exited_on,
                destination,
                notes: Some(
                    "Sortie préparée avec la référente ; suivi proposé par l'EDS.".to_owned(),
                ),
                housing_step_id: leaves_by,
            };
            nido_cases::placements::exit(cases, coordinator, departure)
                .await
                .map_err(demo("exit"))?;
            pathway::record_follow_ups(cases, &worker, self.last_name, placement.id, exited_on)
                .await?;
        }
        Ok(())
    }
}

/// Who acts on a demo family.
struct People {
    coordinator: Caller,
    referent: Uuid,
    helper: Uuid,
}

#[cfg(test)]
mod tests {
    use super::*;
    use nido_domain::placement::{first_period, latest_end_on};

    #[test]
    fn a_first_period_can_be_made_to_end_on_any_day() {
        let mut ends_on = date_of(2026, 1, 1);
        while ends_on < date_of(2029, 1, 1) {
            let (admitted, birth) = first_period_ending_on(ends_on);
            let period = first_period(admitted, latest_end_on(&[birth]));
            assert_eq!(period.ends_on, ends_on, "admitted {admitted}, {birth:?}");
            assert!(admitted < ends_on);
            ends_on = ends_on + Days::new(1);
        }
    }
}
