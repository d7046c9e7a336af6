//! The exit to housing in the demo (issue 25, `docs/pathway.md`): the steps
//! some families take towards a home of their own, the accepted one those
//! who left went by, and the follow-ups the team made after their exits.
//! Every date is counted from today, the admission or the exit, so the
//! due-dates screen shows the same picture whatever the day of the load.

use chrono::{Datelike, Days, Months, NaiveDate};
use nido_cases::pathway::{FollowUpInput, StepChanges, StepInput};
use nido_cases::{Caller, Cases};
use nido_domain::pathway::{
    FollowUpOutcome, FslItem, Recourse, SiaoDemand, StepFields, StepKind, StepStatus,
    post_exit_follow_up_due,
};
use uuid::Uuid;

use super::{days_before, months_before};

/// A demo family's stay, as far as her steps need it.
pub(super) struct Stay {
    pub placement_id: Uuid,
    pub admitted_on: NaiveDate,
    /// The day she leaves, for a family that has left.
    pub exited_on: Option<NaiveDate>,
}

/// What a family has done towards a home.
#[derive(Default)]
struct Plan {
    /// In the order they are recorded.
    steps: Vec<StepInput>,
    /// Steps that ended once the lease was signed: (which, its status, the
    /// day it was decided, if it was).
    then: Vec<(usize, StepStatus, Option<NaiveDate>)>,
    /// The accepted step she leaves by.
    leaves_by: Option<usize>,
}

/// A step filed on `filed_on`, without its kind's fields yet.
fn step(kind: StepKind, status: StepStatus, filed_on: NaiveDate, notes: &str) -> StepInput {
    StepInput {
        kind,
        status,
        reference: None,
        filed_on: Some(filed_on),
        decided_on: None,
        notes: Some(notes.to_owned()),
        fields: StepFields::default(),
    }
}

fn months_after(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(date)
}

/// The numéro unique of a demande de logement social in the Val-de-Marne.
fn numero_unique(filed_on: NaiveDate, serial: u32) -> Option<String> {
    Some(format!("094-{}-{serial:05}", filed_on.format("%y%m")))
}

/// A demande de logement social, renewed on `renewed_on`.
fn social_housing(
    filed_on: NaiveDate,
    renewed_on: Option<NaiveDate>,
    serial: u32,
    notes: &str,
) -> StepInput {
    StepInput {
        reference: numero_unique(filed_on, serial),
        fields: StepFields {
            renewed_on,
            ..StepFields::default()
        },
        ..step(
            StepKind::SocialHousingApplication,
            StepStatus::Filed,
            filed_on,
            notes,
        )
    }
}

/// A home offered by `landlord`, proposed on `filed_on`, answered on
/// `decided_on`.
struct Offer<'a> {
    landlord: &'a str,
    commune: &'a str,
    typology: &'a str,
    rent_cents: i64,
    filed_on: NaiveDate,
    decided_on: NaiveDate,
}

impl Offer<'_> {
    fn accepted(&self, notes: &str) -> StepInput {
        self.answered(StepStatus::Accepted, None, notes)
    }

    fn refused(&self, reason: &str, notes: &str) -> StepInput {
        self.answered(StepStatus::Refused, Some(reason), notes)
    }

    fn answered(&self, status: StepStatus, reason: Option<&str>, notes: &str) -> StepInput {
        StepInput {
            decided_on: Some(self.decided_on),
            fields: StepFields {
                landlord: Some(self.landlord.to_owned()),
                commune: Some(self.commune.to_owned()),
                typology: Some(self.typology.to_owned()),
                rent_cents: Some(self.rent_cents),
                refusal_reason: reason.map(str::to_owned),
                ..StepFields::default()
            },
            ..step(StepKind::HousingOffer, status, self.filed_on, notes)
        }
    }
}

/// The steps of the family whose mother is `last_name` (most families have
/// none yet).
fn plan(last_name: &str, today: NaiveDate, stay: &Stay) -> Plan {
    let admitted = stay.admitted_on;
    let left = stay.exited_on.unwrap_or(today);
    match last_name {
        // A SIAO application filed this week.
        "Camara" => {
            let filed = days_before(today, 4);
            Plan {
                steps: vec![StepInput {
                    reference: Some(format!("SI-SIAO {}-{:06}", filed.year(), 48_213)),
                    fields: StepFields {
                        demand: Some(SiaoDemand::Insertion),
                        ..StepFields::default()
                    },
                    ..step(
                        StepKind::SiaoApplication,
                        StepStatus::Filed,
                        filed,
                        "Demande SIAO insertion saisie sur le SI-SIAO avec Madame : orientation souhaitée vers une résidence sociale ou un logement en intermédiation locative (Solibail) proche de la crèche de Moussa. Évaluation sociale jointe, passage en commission attendu.",
                    )
                }],
                ..Plan::default()
            }
        }
        // A demande de logement social to renew within three weeks.
        "Martin" => {
            let filed = months_before(today, 11) + Days::new(20);
            Plan {
                steps: vec![social_housing(
                    filed,
                    None,
                    31_207,
                    "Demande de logement social déposée avec l'assistante sociale de secteur avant l'admission. Renouvellement à faire en ligne avec Madame : avis d'imposition et attestation CAF à jour à joindre.",
                )],
                ..Plan::default()
            }
        }
        // A renewal already late, and an evaluated SIAO application.
        "Haddou" => {
            let filed = months_before(today, 23);
            let renewed = days_before(months_before(today, 11), 15);
            let siao = months_before(today, 3);
            Plan {
                steps: vec![
                    social_housing(
                        filed,
                        Some(renewed),
                        18_954,
                        "Renouvellement en retard : l'avis d'imposition manque toujours au dossier. Rendez-vous pris au centre des finances publiques pour l'obtenir avant la radiation de la demande.",
                    ),
                    StepInput {
                        reference: Some(format!("SI-SIAO {}-{:06}", siao.year(), 41_576)),
                        fields: StepFields {
                            demand: Some(SiaoDemand::Insertion),
                            evaluated_on: Some(siao + Days::new(24)),
                            ..StepFields::default()
                        },
                        ..step(
                            StepKind::SiaoApplication,
                            StepStatus::Filed,
                            siao,
                            "Évaluation SIAO réalisée : préconisation d'un logement accompagné. En attente d'une proposition, relance faite par la référente.",
                        )
                    },
                ],
                ..Plan::default()
            }
        }
        // A DALO recourse for a home, whose decision comes within weeks.
        "Traoré" => {
            let filed = months_before(today, 26);
            let recourse = days_before(months_before(today, 2), 4);
            Plan {
                steps: vec![
                    social_housing(
                        filed,
                        Some(months_before(today, 4)),
                        9_482,
                        "Demande déposée par le CHRS qui hébergeait Madame, reprise par le centre à l'admission et renouvelée chaque année.",
                    ),
                    StepInput {
                        reference: Some(format!("DALO-94-{}-{:04}", recourse.year(), 1_187)),
                        fields: StepFields {
                            recourse: Some(Recourse::Logement),
                            ..StepFields::default()
                        },
                        ..step(
                            StepKind::DaloRecourse,
                            StepStatus::Filed,
                            recourse,
                            "Recours DALO logement déposé auprès de la commission de médiation du Val-de-Marne : demandeuse hébergée en structure depuis plus de six mois, sans proposition adaptée. Dossier complété du rapport social et des bulletins de salaire.",
                        )
                    },
                ],
                ..Plan::default()
            }
        }
        // Four months from the cap, nothing found yet.
        "Fabre" => {
            let siao = months_before(today, 2);
            Plan {
                steps: vec![
                    social_housing(
                        months_before(today, 20),
                        Some(months_before(today, 8)),
                        27_630,
                        "Demande de logement social renouvelée ; dossier présenté au contingent préfectoral au titre de la sortie de structure, sans proposition à ce jour.",
                    ),
                    StepInput {
                        reference: Some(format!("SI-SIAO {}-{:06}", siao.year(), 44_908)),
                        fields: StepFields {
                            demand: Some(SiaoDemand::Insertion),
                            evaluated_on: Some(days_before(today, 20)),
                            ..StepFields::default()
                        },
                        ..step(
                            StepKind::SiaoApplication,
                            StepStatus::Filed,
                            siao,
                            "Évaluation SIAO faite par la référente : préconisation d'un logement en intermédiation locative. Aucune orientation pour l'instant ; situation signalée à l'ASE en vue de la fin de prise en charge aux trois ans de Théo.",
                        )
                    },
                ],
                ..Plan::default()
            }
        }
        // In a bail glissant for five months and a half: its first review
        // with the landlord is near; the FSL paid her way in, and a Visale
        // visa is ready for the day the lease slides to her name.
        "Keïta" => {
            let starts = months_before(today, 6) + Days::new(15);
            let visale = days_before(today, 12);
            Plan {
                steps: vec![
                    StepInput {
                        reference: Some(format!("FSL-94-{}-{:04}", starts.year(), 2_314)),
                        decided_on: Some(days_before(starts, 8)),
                        fields: StepFields {
                            items: Some(vec![
                                FslItem {
                                    label: "Dépôt de garantie".to_owned(),
                                    amount_cents: 58_000,
                                },
                                FslItem {
                                    label: "Premier loyer".to_owned(),
                                    amount_cents: 67_200,
                                },
                            ]),
                            ..StepFields::default()
                        },
                        ..step(
                            StepKind::FslRequest,
                            StepStatus::Decided,
                            days_before(starts, 30),
                            "Demande FSL accès déposée auprès du Département : dépôt de garantie et premier loyer. Accord de la commission, versement direct au bailleur.",
                        )
                    },
                    StepInput {
                        decided_on: Some(days_before(starts, 3)),
                        fields: StepFields {
                            landlord: Some("Logis des Bords de Marne".to_owned()),
                            sublease_starts_on: Some(starts),
                            ..StepFields::default()
                        },
                        ..step(
                            StepKind::BailGlissant,
                            StepStatus::Accepted,
                            days_before(starts, 40),
                            "Sous-location d'un T2 à Ivry-sur-Seine, l'association étant locataire en titre. Le glissement du bail au nom de Madame sera étudié avec le bailleur à la revue des six mois : loyer payé chaque mois, logement bien entretenu.",
                        )
                    },
                    StepInput {
                        decided_on: Some(visale),
                        fields: StepFields {
                            valid_until: Some(months_after(visale, 3)),
                            ..StepFields::default()
                        },
                        ..step(
                            StepKind::Visale,
                            StepStatus::Decided,
                            days_before(today, 25),
                            "Visa Visale obtenu auprès d'Action Logement en vue du glissement du bail au nom de Madame.",
                        )
                    },
                ],
                ..Plan::default()
            }
        }
        // The cap in four months and no shelter in sight: a DAHO recourse
        // whose decision is late.
        "Oliveira" => {
            let recourse = days_before(today, 75);
            Plan {
                steps: vec![
                    social_housing(
                        months_before(today, 7),
                        None,
                        40_115,
                        "Première demande de logement social, déposée après la reprise d'emploi de Madame.",
                    ),
                    StepInput {
                        reference: Some(format!("DAHO-94-{}-{:04}", recourse.year(), 352)),
                        fields: StepFields {
                            recourse: Some(Recourse::Hebergement),
                            ..StepFields::default()
                        },
                        ..step(
                            StepKind::DaloRecourse,
                            StepStatus::Filed,
                            recourse,
                            "Recours DAHO déposé : la prise en charge s'arrête aux trois ans de Rafael et aucune place d'hébergement n'est proposée par le SIAO. Le délai de six semaines est dépassé, relance de la commission par courriel.",
                        )
                    },
                ],
                ..Plan::default()
            }
        }
        // Left three months ago for a social home.
        "Lefèvre" => {
            let filed = months_before(admitted, 2);
            let signed = days_before(left, 20);
            let offer = Offer {
                landlord: "Habitat Val-de-Marne Sud",
                commune: "Alfortville",
                typology: "T2",
                rent_cents: 61_500,
                filed_on: days_before(left, 45),
                decided_on: signed,
            };
            Plan {
                steps: vec![
                    social_housing(
                        filed,
                        Some(months_after(filed, 11)),
                        12_846,
                        "Demande de logement social déposée par l'EDS d'Alfortville avant l'admission, renouvelée pendant le séjour.",
                    ),
                    offer.accepted(
                        "Proposition du bailleur après passage en commission d'attribution. Visite du logement avec Madame, bail signé et état des lieux fait avec la référente ; ouverture des droits APL demandée.",
                    ),
                ],
                then: vec![(0, StepStatus::Accepted, Some(signed))],
                leaves_by: Some(1),
            }
        }
        // Left for a private home with a Visale guarantee, the demande de
        // logement social withdrawn then.
        "Perrin" => {
            let filed = months_before(admitted, 1);
            let visale = days_before(left, 63);
            let offer = Offer {
                landlord: "Mme Odile Ferrand",
                commune: "Vitry-sur-Seine",
                typology: "T2",
                rent_cents: 79_000,
                filed_on: days_before(left, 45),
                decided_on: days_before(left, 21),
            };
            Plan {
                steps: vec![
                    social_housing(
                        filed,
                        Some(months_after(filed, 11)),
                        7_519,
                        "Demande de logement social déposée avant l'admission ; aucune proposition pendant le séjour.",
                    ),
                    StepInput {
                        decided_on: Some(visale),
                        fields: StepFields {
                            valid_until: Some(months_after(visale, 3)),
                            ..StepFields::default()
                        },
                        ..step(
                            StepKind::Visale,
                            StepStatus::Decided,
                            days_before(left, 70),
                            "Garantie Visale demandée en ligne avec Madame pour ses recherches dans le parc privé ; visa délivré par Action Logement.",
                        )
                    },
                    offer.accepted(
                        "Logement du parc privé trouvé par Madame grâce à son employeur. Bail signé avec la garantie Visale, état des lieux d'entrée fait avec la référente.",
                    ),
                ],
                then: vec![(0, StepStatus::Withdrawn, None)],
                leaves_by: Some(2),
            }
        }
        // Left twenty months ago, after a DALO recourse and an offer she
        // refused.
        "Coulibaly" => {
            let filed = admitted + Days::new(30);
            let recourse = months_after(admitted, 8);
            let decided = recourse + Days::new(80);
            let first = Offer {
                landlord: "Habitat Val-de-Marne Sud",
                commune: "Villeneuve-Saint-Georges",
                typology: "T1",
                rent_cents: 49_500,
                filed_on: decided + Days::new(30),
                decided_on: decided + Days::new(40),
            };
            let signed = days_before(left, 19);
            let second = Offer {
                landlord: "Logis des Bords de Marne",
                commune: "Créteil",
                typology: "T2",
                rent_cents: 60_500,
                filed_on: days_before(left, 42),
                decided_on: signed,
            };
            Plan {
                steps: vec![
                    social_housing(
                        filed,
                        Some(months_after(filed, 11)),
                        3_628,
                        "Demande de logement social déposée le premier mois du séjour avec la référente.",
                    ),
                    StepInput {
                        reference: Some(format!("DALO-94-{}-{:04}", recourse.year(), 611)),
                        decided_on: Some(decided),
                        fields: StepFields {
                            recourse: Some(Recourse::Logement),
                            ..StepFields::default()
                        },
                        ..step(
                            StepKind::DaloRecourse,
                            StepStatus::Decided,
                            recourse,
                            "Madame reconnue prioritaire et devant être logée en urgence par la commission de médiation ; dossier transmis au contingent préfectoral.",
                        )
                    },
                    first.refused(
                        "T1 de 24 m² au cinquième étage sans ascenseur, inadapté pour Madame et Ousmane.",
                        "Refus motivé transmis au bailleur et à la préfecture ; la commission l'a jugé légitime, Madame reste prioritaire.",
                    ),
                    second.accepted(
                        "Proposition sur le contingent préfectoral au titre du DALO. Bail signé, FSL accès accordé pour le dépôt de garantie ; déménagement aidé par l'agent technique du centre.",
                    ),
                ],
                then: vec![(0, StepStatus::Accepted, Some(signed))],
                leaves_by: Some(3),
            }
        }
        _ => Plan::default(),
    }
}

/// Records the steps of the family whose mother is `last_name`, as `worker`
/// (her referent) would; answers the accepted step she leaves by, if any.
pub(super) async fn record_steps(
    cases: &Cases,
    worker: &Caller,
    last_name: &str,
    stay: &Stay,
) -> anyhow::Result<Option<Uuid>> {
    let plan = plan(last_name, cases.today(), stay);
    let mut recorded = Vec::new();
    for input in plan.steps {
        let step = nido_cases::pathway::add_step(cases, worker, stay.placement_id, input)
            .await
            .map_err(|err| anyhow::anyhow!("demo housing step: {err}"))?;
        recorded.push(step);
    }
    for (which, status, decided_on) in plan.then {
        let step = &recorded[which];
        let changes = StepChanges {
            status: Some(status),
            decided_on: decided_on.map(Some),
            ..StepChanges::default()
        };
        nido_cases::pathway::update_step(cases, worker, step.id, Some(step.version), changes)
            .await
            .map_err(|err| anyhow::anyhow!("demo housing step change: {err}"))?;
    }
    Ok(plan.leaves_by.map(|which| recorded[which].id))
}

/// The follow-ups made after an exit: (months after it, days after the due
/// day it was made, what was found).
type Made = (u32, u64, FollowUpOutcome, &'static str);

fn follow_ups_made(last_name: &str) -> &'static [Made] {
    match last_name {
        "Fofana" => &[(
            3,
            2,
            FollowUpOutcome::HousedPrecarious,
            "Appel de Madame : toujours hébergée chez sa sœur à Créteil avec Mamadou, dans une pièce partagée. Demande de logement social renouvelée avec l'EDS, demande SIAO à relancer.",
        )],
        "Perrin" => &[
            (
                3,
                6,
                FollowUpOutcome::RentArrears,
                "Deux mois de loyer impayés après une suspension des APL (déclaration trimestrielle non faite). Dossier FSL maintien constitué avec l'EDS, plan d'apurement proposé à la propriétaire.",
            ),
            (
                6,
                3,
                FollowUpOutcome::HousedStable,
                "Visite à domicile : APL rétablies, dette soldée grâce au FSL maintien, loyer payé chaque mois. Léon est accueilli à l'école maternelle du quartier.",
            ),
        ],
        "Coulibaly" => &[
            (
                3,
                1,
                FollowUpOutcome::HousedStable,
                "Visite à domicile : logement bien investi, meublé avec l'aide de l'association. Ousmane a une place en crèche municipale, Madame a repris sa formation.",
            ),
            (
                6,
                5,
                FollowUpOutcome::HousedStable,
                "Appel de Madame : loyer à jour, suivi repris par l'EDS de Créteil. Fin du suivi par le centre, d'un commun accord.",
            ),
        ],
        // One follow-up only: a later one would be a contact less than two
        // years ago, and her file would not be anonymised yet.
        "Dumont" => &[(
            3,
            3,
            FollowUpOutcome::LostContact,
            "Aucune réponse aux appels ni au courrier envoyé à la dernière adresse connue ; l'EDS n'a plus de nouvelles non plus.",
        )],
        _ => &[],
    }
}

/// Records the follow-ups the team made after the exit of the family whose
/// mother is `last_name`, each on its due day or a few days after; the others
/// stay owed.
pub(super) async fn record_follow_ups(
    cases: &Cases,
    worker: &Caller,
    last_name: &str,
    placement_id: Uuid,
    exited_on: NaiveDate,
) -> anyhow::Result<()> {
    let today = cases.today();
    for (after_months, late, outcome, notes) in follow_ups_made(last_name) {
        let done_on = post_exit_follow_up_due(exited_on, *after_months) + Days::new(*late);
        if done_on > today {
            continue;
        }
        let input = FollowUpInput {
            after_months: *after_months,
            done_on,
            outcome: *outcome,
            notes: Some((*notes).to_owned()),
        };
        nido_cases::pathway::record_follow_up(cases, worker, placement_id, input)
            .await
            .map_err(|err| anyhow::anyhow!("demo follow-up: {err}"))?;
    }
    Ok(())
}
