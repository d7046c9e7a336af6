//! Identity vigilance in the demo (issue 26, `docs/identity.md`): a mother
//! known by her name at birth, a new referral that only possibly matches a
//! file (on the coordinators' "Doublons possibles" page), and a mother
//! referred again under another spelling whose two files a coordinator
//! linked. Names and dates are the demo's own, counted from today.

use chrono::Datelike;
use nido_cases::accepted::Accepted;
use nido_cases::families::MotherUpdate;
use nido_cases::identity::{Candidate, DecisionInput};
use nido_cases::referrals::ReferralInput;
use nido_cases::{Caller, Cases};
use nido_domain::family::{
    ChildDraft, Family, FamilyDraft, MotherDraft, Referral, ReferralDraft, ReferralReason,
    ReferralSource,
};
use nido_domain::identity::DuplicateVerdict;

use super::days_before;

/// What the demo shows of identity vigilance.
pub(super) struct Figures {
    /// Pairs left for a coordinator to decide on.
    pub open_pairs: usize,
    /// Pairs linked as one mother's.
    pub linked: usize,
}

fn demo(what: &'static str) -> impl Fn(nido_cases::CaseError) -> anyhow::Error {
    move |err| anyhow::anyhow!("demo identity ({what}): {err}")
}

/// The demo family whose mother is named so.
fn named<'a>(all: &'a [Family], first: &str, last: &str) -> anyhow::Result<&'a Family> {
    all.iter()
        .find(|family| family.mother.first_name == first && family.mother.last_name == last)
        .ok_or_else(|| anyhow::anyhow!("demo identity: no {first} {last}"))
}

/// How a mother known to the demo is referred again.
struct Again<'a> {
    /// Her name, spelled as the new referral spells it.
    last_name: &'a str,
    /// Her birth date with a slip in the day (the tens digit).
    slip: bool,
    /// Her new baby, born this many days ago.
    child: &'a str,
    child_days: u64,
    referred_days: u64,
}

type Referred = Accepted<Referral, Candidate>;

/// A new referral of a mother who looks like `like`'s.
async fn refer_again(
    cases: &Cases,
    coordinator: &Caller,
    like: &Family,
    again: Again<'_>,
) -> anyhow::Result<Referred> {
    let today = cases.today();
    let born = like.mother.birth_date;
    let birth_date = if again.slip {
        // The tens digit of the day mistyped: the same month, another day.
        let day = match born.day() {
            day @ 1..=18 => day + 10,
            day => day - 10,
        };
        born.with_day(day).unwrap_or(born)
    } else {
        born
    };
    let input = ReferralInput {
        family: Some(FamilyDraft {
            mother: MotherDraft {
                first_name: like.mother.first_name.clone(),
                last_name: again.last_name.to_owned(),
                birth_last_name: None,
                birth_date,
                birth_place: None,
                phone: None,
                email: None,
            },
            children: vec![ChildDraft {
                first_name: again.child.to_owned(),
                last_name: None,
                birth_date: Some(days_before(today, again.child_days)),
                expected_birth_date: None,
            }],
        }),
        family_id: None,
        details: ReferralDraft {
            source: ReferralSource::Ase,
            eds: "Créteil".to_owned(),
            referred_on: days_before(today, again.referred_days),
            referrer_name: "Service de l'aide sociale à l'enfance".to_owned(),
            referrer_contact: "01 00 00 00 00".to_owned(),
            reason: ReferralReason::Distress,
            reason_details: Some("De nouveau sans hébergement après une séparation.".to_owned()),
        },
        confirm_new: None,
        site_id: None,
    };
    nido_cases::referrals::refer(cases, coordinator, input)
        .await
        .map_err(demo("referral"))
}

pub(super) async fn create(cases: &Cases, coordinator: Caller) -> anyhow::Result<Figures> {
    let all = super::every_family(&cases.db, 500).await?;
    // A mother who uses her husband's name: her name at birth and her
    // birth place on her file.
    let elodie = named(&all, "Élodie", "Martin")?;
    let update = MotherUpdate {
        birth_last_name: Some("Roussel".to_owned()),
        birth_place: Some("Vitry-sur-Seine".to_owned()),
        ..MotherUpdate::default()
    };
    nido_cases::families::update_mother(cases, &coordinator, elodie.id, None, update)
        .await
        .map_err(demo("birth name"))?;

    // Kadiatou Camara, in care, referred again as "Kamara" with another
    // child and a slip in her birth day: possibly her. Created with the
    // warning, left on the list.
    let kadiatou = named(&all, "Kadiatou", "Camara")?;
    let again = Again {
        last_name: "Kamara",
        slip: true,
        child: "Fanta",
        child_days: 40,
        referred_days: 2,
    };
    let kamara = refer_again(cases, &coordinator, kadiatou, again).await?;
    let open_pairs = kamara.warnings.len();
    if open_pairs == 0 {
        anyhow::bail!("demo identity: Kadiatou Kamara should look like Kadiatou Camara");
    }

    // Bintou Coulibaly left 20 months ago; referred again as "Koulibaly",
    // a slip in her birth day, with a new baby. A coordinator checked with
    // the EDS: the same mother, files linked.
    let bintou = named(&all, "Bintou", "Coulibaly")?;
    let again = Again {
        last_name: "Koulibaly",
        slip: true,
        child: "Awa",
        child_days: 25,
        referred_days: 6,
    };
    let koulibaly = refer_again(cases, &coordinator, bintou, again).await?;
    if !koulibaly.warnings.iter().any(|c| c.family.id == bintou.id) {
        anyhow::bail!("demo identity: Bintou Koulibaly should look like Bintou Coulibaly");
    }
    let decision = DecisionInput {
        family_ids: vec![bintou.id, koulibaly.value.family_id],
        verdict: DuplicateVerdict::SamePerson,
        note: "Vérifié avec l'EDS de Créteil : la même mère, son nom et son jour de naissance mal recopiés sur la fiche d'orientation.".to_owned(),
    };
    nido_cases::identity::decide(cases, &coordinator, decision)
        .await
        .map_err(demo("decision"))?;
    Ok(Figures {
        open_pairs,
        linked: 1,
    })
}
