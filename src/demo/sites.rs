//! A second centre of the association, at Ivry, with its coordinator, two
//! staff members, its apartments and families, and the association's head
//! office: what an installation of several sites looks like
//! (docs/sites.md). Every name here is invented.

use nido_cases::{Caller, Cases};
use nido_domain::housing::{LandlordInput, LandlordKind, LeaseInput, Typology, UnitInput};
use nido_domain::site::SiteInput;
use nido_domain::{Profession, Role};
use uuid::Uuid;

use super::{DemoFamily, People, Stage, create_account, date_of, leased_unit};

/// The second site's team, and the head office: (login, name, role,
/// profession), each of Ivry but the head office, which reads every site.
const ACCOUNTS: [(&str, &str, Role, Profession); 4] = [
    (
        "julie.mercier",
        "Julie Mercier",
        Role::Coordinator,
        Profession::Coordinator,
    ),
    (
        "thomas.lambert",
        "Thomas Lambert",
        Role::Staff,
        Profession::SocialWorker,
    ),
    (
        "aurelie.besson",
        "Aurélie Besson",
        Role::Staff,
        Profession::SpecializedEducator,
    ),
    (
        "catherine.vidal",
        "Catherine Vidal",
        Role::HeadOffice,
        Profession::Director,
    ),
];

/// Ivry's families: (mother's first name, last name, child, stage).
const FAMILIES: [(&str, &str, &str, Stage); 3] = [
    ("Fanta", "Bamba", "Aïcha", Stage::Admitted(20)),
    ("Émilie", "Lefort", "Hugo", Stage::Overdue(3)),
    ("Soraya", "Haddouche", "", Stage::Waiting(6)),
];

/// What was made.
pub struct Figures {
    pub families: usize,
}

/// Makes the site at Ivry (the initial admin, `admin_id`, makes it and
/// belongs to it), its team, two apartments and three families, and the
/// head office's account. `first_index` numbers the families after the
/// first site's.
pub async fn create(
    cases: &Cases,
    admin_id: Uuid,
    password_hash: &str,
    first_index: usize,
) -> anyhow::Result<Figures> {
    let admin = Caller {
        id: admin_id,
        role: Role::Admin,
    };
    let site = nido_cases::sites::create(
        cases,
        &admin,
        SiteInput {
            name: Some("Centre maternel d'Ivry".to_owned()),
            address: Some("18 rue Raspail, 94200 Ivry-sur-Seine".to_owned()),
            director: Some("Isabelle Perrot".to_owned()),
            authorized_places: Some(8),
            daily_rate_cents: Some(10_500),
        },
    )
    .await
    .map_err(|err| anyhow::anyhow!("demo site: {err}"))?;
    let mut team = Vec::new();
    for account in ACCOUNTS {
        // The head office's account belongs to the first site: it reads
        // every site whatever its own.
        let home = if account.2 == Role::HeadOffice {
            nido_domain::site::FIRST_SITE
        } else {
            site.id
        };
        team.push(create_account(cases, password_hash, account, home).await?);
    }
    let units = create_units(cases, site.id).await?;
    let people = People {
        coordinator: Caller {
            id: team[0],
            role: Role::Coordinator,
        },
        referent: team[1],
        helper: team[2],
    };
    for (offset, (first_name, last_name, child, stage)) in FAMILIES.iter().enumerate() {
        let family = DemoFamily {
            index: first_index + offset,
            first_name,
            last_name,
            child,
            stage: *stage,
        };
        family
            .create(cases, &people, units[offset % units.len()])
            .await?;
    }
    Ok(Figures {
        families: FAMILIES.len(),
    })
}

/// Ivry's apartments, leased from a social landlord of the town.
async fn create_units(cases: &Cases, site_id: Uuid) -> anyhow::Result<Vec<Uuid>> {
    let landlord = nido_cases::housing::add_landlord(
        cases,
        &Caller::system(),
        LandlordInput {
            name: Some("Ivry Habitat Solidaire".to_owned()),
            kind: Some(LandlordKind::Social),
            contact_name: Some("Service gestion locative".to_owned()),
            phone: Some("01 00 00 00 01".to_owned()),
            ..Default::default()
        },
    )
    .await
    .map_err(|err| anyhow::anyhow!("demo landlord: {err}"))?;
    let mut units = Vec::new();
    for (number, (typology, surface, rent)) in [
        (Typology::T1, 31.0, 59_000),
        (Typology::T2, 44.0, 68_000),
        (Typology::T2, 46.0, 70_000),
    ]
    .into_iter()
    .enumerate()
    {
        let fields = UnitInput {
            landlord_id: Some(landlord.id),
            label: Some(format!(
                "{} 5 rue Marat, logement {}",
                typology.as_str().to_uppercase(),
                number + 1
            )),
            street: Some("5 rue Marat".to_owned()),
            postal_code: Some("94200".to_owned()),
            city: Some("Ivry-sur-Seine".to_owned()),
            typology: Some(typology),
            surface_m2: Some(surface),
            capacity: Some(3),
            site_id: Some(site_id),
        };
        let lease = LeaseInput {
            starts_on: date_of(2024, 3, 1),
            ends_on: None,
            monthly_rent_cents: rent,
            monthly_charges_cents: 8_000,
            deposit_cents: rent,
        };
        units.push(leased_unit(cases, fields, lease).await?);
    }
    Ok(units)
}
