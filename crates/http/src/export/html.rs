//! The right-of-access export as a printable page in French, rendered by
//! the template `dossier.html`: every value is escaped by askama, the
//! vocabularies say what the pages say (`nido_cases::labels`), and the page
//! loads nothing from elsewhere.

use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use nido_cases::export::FamilyFile;
use nido_cases::labels;
use nido_domain::Profession;
use nido_domain::placement::ChildBirth;

/// A table of the page: its column headers and its rows of cells.
struct Table {
    headers: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(headers: &'static [&'static str], rows: impl IntoIterator<Item = Vec<String>>) -> Self {
        Self {
            headers,
            rows: rows.into_iter().collect(),
        }
    }
}

/// One placement: its admission, its status, its periods and its exit.
struct PlacementView {
    admitted_on: String,
    status: &'static str,
    periods: Table,
    /// "day : destination." and the notes.
    exit: Option<String>,
}

#[derive(Template)]
#[template(path = "dossier.html", escape = "named-entities")]
struct FilePage {
    style: &'static str,
    mother_name: String,
    generated: String,
    family: Table,
    children: Table,
    referrals: Table,
    placements: Vec<PlacementView>,
    housing: Table,
    contracts: Table,
    project: Table,
    creche: Table,
    workshops: Table,
    documents: Table,
    housing_steps: Table,
    follow_ups: Table,
    linked_files: Table,
    interventions: Table,
    actions: Table,
    consultations: Table,
}

/// Escapes a value with named entities (`&lt;`, `&amp;`, `&quot;`, `&#39;`),
/// the form the export has always written; `askama.toml` names it.
#[derive(Debug, Clone, Copy)]
pub struct NamedEntities;

impl askama::filters::Escaper for NamedEntities {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, text: &str) -> std::fmt::Result {
        let mut written = 0;
        for (index, byte) in text.bytes().enumerate() {
            let entity = match byte {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                _ => continue,
            };
            dest.write_str(&text[written..index])?;
            dest.write_str(entity)?;
            written = index + 1;
        }
        dest.write_str(&text[written..])
    }
}

fn day(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

fn day_opt(date: Option<NaiveDate>) -> String {
    date.map(day).unwrap_or_default()
}

fn instant(at: DateTime<Utc>, zone: &Tz) -> String {
    at.with_timezone(zone).format("%d/%m/%Y %H:%M").to_string()
}

/// A profession as the audit log and the export keep it (`system` for
/// nido's own jobs), in French.
fn profession(code: &str) -> &str {
    match code.parse::<Profession>() {
        Ok(profession) => labels::profession(profession),
        Err(_) if code == "system" => "nido (traitement automatique)",
        Err(_) => code,
    }
}

/// What an audit action means to the mother.
fn consultation(action: &str) -> &'static str {
    if action.ends_with(".read") || action.ends_with(".list") || action == "deadlines.read" {
        "consultation"
    } else if action.ends_with("access_denied") {
        "accès refusé"
    } else if action == "family.export" {
        "export du dossier"
    } else {
        "écriture"
    }
}

/// The page's only style, inline: the policy allows it by its hash.
const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#111}\
table{border-collapse:collapse;width:100%;margin-bottom:1rem}th,td{border:1px solid #777;padding:.3rem .5rem;text-align:left;vertical-align:top}\
h2{margin-top:2rem;border-bottom:2px solid #333}@media print{h2{break-after:avoid}tr{break-inside:avoid}}";

/// The page loads nothing, runs nothing, is never framed: its one inline
/// style is allowed by its hash.
pub fn content_security_policy() -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(STYLE));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'none'"
    )
}

/// The whole page.
pub fn render(file: &FamilyFile, zone: &Tz) -> Result<String, askama::Error> {
    let mother = &file.family.mother;
    FilePage {
        style: STYLE,
        mother_name: mother.full_name(),
        generated: instant(file.generated_at, zone),
        family: Table::new(
            &[
                "Prénom",
                "Nom d'usage",
                "Nom de naissance",
                "Date de naissance",
                "Lieu de naissance",
                "Téléphone",
                "Courriel",
            ],
            [vec![
                mother.first_name.clone(),
                mother.last_name.clone(),
                mother.birth_last_name.clone().unwrap_or_default(),
                day(mother.birth_date),
                mother.birth_place.clone().unwrap_or_default(),
                mother.phone.clone().unwrap_or_default(),
                mother.email.clone().unwrap_or_default(),
            ]],
        ),
        children: Table::new(
            &["Prénom", "Nom", "Né(e) le", "Naissance attendue le"],
            file.family.children.iter().map(|child| {
                let (born, expected) = match child.birth {
                    ChildBirth::Born(date) => (Some(date), None),
                    ChildBirth::Expected(date) => (None, Some(date)),
                };
                vec![
                    child.first_name.clone(),
                    child.last_name.clone().unwrap_or_default(),
                    day_opt(born),
                    day_opt(expected),
                ]
            }),
        ),
        referrals: Table::new(
            &[
                "Reçue le",
                "Origine",
                "EDS",
                "Motif",
                "Précisions",
                "Statut",
            ],
            file.referrals.iter().map(|referral| {
                vec![
                    day(referral.referred_on),
                    labels::referral_source(referral.source).to_owned(),
                    referral.eds.clone(),
                    labels::referral_reason(referral.reason).to_owned(),
                    referral.reason_details.clone().unwrap_or_default(),
                    labels::referral_status(referral.status).to_owned(),
                ]
            }),
        ),
        placements: file
            .placements
            .iter()
            .map(|placement| PlacementView {
                admitted_on: day(placement.admitted_on),
                status: labels::placement_status(placement.status),
                periods: Table::new(
                    &["Période", "Du", "Au", "Décision du"],
                    placement.periods.iter().map(|record| {
                        vec![
                            record.period.number.to_string(),
                            day(record.period.starts_on),
                            day(record.period.ends_on),
                            day_opt(record.decided_on),
                        ]
                    }),
                ),
                exit: placement.exit.as_ref().map(|exit| {
                    let notes = exit
                        .notes
                        .as_deref()
                        .map(|notes| format!(" {notes}"))
                        .unwrap_or_default();
                    format!(
                        "{} : {}.{notes}",
                        day(exit.exited_on),
                        labels::exit_destination(exit.destination)
                    )
                }),
            })
            .collect(),
        housing: Table::new(
            &["Logement", "Adresse", "Du", "Au"],
            file.housing.iter().map(|stay| {
                vec![
                    stay.unit.label.clone(),
                    format!(
                        "{}, {} {}",
                        stay.unit.street, stay.unit.postal_code, stay.unit.city
                    ),
                    day(stay.span.start),
                    day_opt(stay.span.end),
                ]
            }),
        ),
        contracts: Table::new(
            &["Document", "Remis le", "Signé le"],
            file.contracts.iter().map(|contract| {
                vec![
                    labels::contract_kind(contract.kind).to_owned(),
                    day_opt(contract.delivered_on),
                    day_opt(contract.signed_on),
                ]
            }),
        ),
        project: Table::new(
            &[
                "Revu le",
                "Vous étiez présente",
                "Domaine",
                "Objectif",
                "Où il en est",
                "Échéance",
            ],
            file.project_reviews.iter().flat_map(|review| {
                review.objectives.iter().map(move |objective| {
                    vec![
                        day(review.reviewed_on),
                        if review.mother_present { "oui" } else { "non" }.to_owned(),
                        labels::objective_domain(objective.domain).to_owned(),
                        objective.description.clone(),
                        labels::objective_status(objective.status).to_owned(),
                        day_opt(objective.target_on),
                    ]
                })
            }),
        ),
        creche: Table::new(
            &[
                "Jour",
                "Horaires",
                "Motif",
                "Réservation",
                "Arrivée",
                "Départ",
            ],
            file.creche_bookings.iter().map(|booking| {
                vec![
                    day(booking.on),
                    format!("{} – {}", booking.slot.starts_at, booking.slot.ends_at),
                    labels::booking_purpose(booking.purpose).to_owned(),
                    labels::booking_status(booking.status).to_owned(),
                    booking
                        .arrived_at
                        .map(|time| time.to_string())
                        .unwrap_or_default(),
                    booking
                        .left_at
                        .map(|time| time.to_string())
                        .unwrap_or_default(),
                ]
            }),
        ),
        workshops: Table::new(
            &["Atelier", "Jour", "Horaires", "Partenaire", "Participation"],
            file.workshops.iter().map(|(participation, workshop)| {
                vec![
                    workshop.title.clone(),
                    day(workshop.on),
                    format!("{} – {}", workshop.starts_at, workshop.ends_at),
                    workshop.partner.clone().unwrap_or_default(),
                    labels::participation_status(participation.status).to_owned(),
                ]
            }),
        ),
        documents: Table::new(
            &[
                "Déposé le",
                "Nature",
                "Titre",
                "Déposé par",
                "Format",
                "Retiré le",
            ],
            file.documents.iter().map(|shared| {
                let document = &shared.document;
                vec![
                    instant(document.created_at, zone),
                    labels::document_kind(document.kind).to_owned(),
                    document.title.clone(),
                    profession(&shared.author_profession).to_owned(),
                    document.media_type.extension().to_uppercase(),
                    document
                        .removal
                        .as_ref()
                        .map(|removal| instant(removal.at, zone))
                        .unwrap_or_default(),
                ]
            }),
        ),
        housing_steps: Table::new(
            &[
                "Démarche",
                "Où elle en est",
                "Déposée le",
                "Décidée le",
                "Référence",
            ],
            file.housing_steps.iter().map(|step| {
                vec![
                    labels::step_kind(step.kind()).to_owned(),
                    labels::step_status(step.status).to_owned(),
                    day_opt(step.filed_on),
                    day_opt(step.decided_on),
                    step.reference.clone().unwrap_or_default(),
                ]
            }),
        ),
        follow_ups: Table::new(
            &["Suivi", "Prévu le", "Fait le", "Situation"],
            file.follow_ups.iter().map(|follow_up| {
                let made = follow_up.made.as_ref();
                vec![
                    format!("{} mois après la sortie", follow_up.after_months),
                    day(follow_up.due_on),
                    day_opt(made.map(|made| made.done_on)),
                    made.map(|made| labels::follow_up_outcome(made.outcome))
                        .unwrap_or_default()
                        .to_owned(),
                ]
            }),
        ),
        linked_files: Table::new(
            &["Dossier", "Reconnu le", "Note"],
            file.linked_files.iter().map(|(decision, other)| {
                vec![
                    other.to_string(),
                    instant(decision.decided_at, zone),
                    decision.note.clone(),
                ]
            }),
        ),
        interventions: Table::new(
            &[
                "Date",
                "Nature",
                "Durée",
                "Professionnels présents",
                "Compte rendu",
            ],
            file.interventions.iter().map(|shared| {
                let intervention = &shared.intervention;
                vec![
                    instant(intervention.occurred_at, zone),
                    labels::intervention_kind(intervention.kind).to_owned(),
                    format!("{} min", intervention.duration_minutes),
                    shared
                        .professions_present
                        .iter()
                        .map(|code| profession(code))
                        .collect::<Vec<_>>()
                        .join(", "),
                    intervention.summary.clone(),
                ]
            }),
        ),
        actions: Table::new(
            &["Action", "Prévue le", "Faite le"],
            file.actions.iter().map(|action| {
                vec![
                    action.description.clone(),
                    day(action.due_on),
                    day_opt(action.done_on),
                ]
            }),
        ),
        consultations: Table::new(
            &["Date", "Profession", "Nature"],
            file.consultations.iter().map(|entry| {
                vec![
                    instant(entry.at, zone),
                    profession(&entry.profession).to_owned(),
                    consultation(&entry.action).to_owned(),
                ]
            }),
        ),
    }
    .render()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn markup_in_a_value_comes_out_as_text() {
        let mut out = String::new();
        askama::filters::Escaper::write_escaped_str(
            &NamedEntities,
            &mut out,
            "<script>alert('x')</script> & \"y\" é",
        )
        .expect("written");
        assert_eq!(
            out,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot; é"
        );
    }

    /// A file with a mother named `first_name` and one consultation, and
    /// nothing else.
    pub(crate) fn file_of(first_name: &str) -> FamilyFile {
        let at: DateTime<Utc> = "2026-03-02T10:00:00Z".parse().expect("instant");
        FamilyFile {
            generated_at: at,
            family: nido_domain::family::Family {
                id: uuid::Uuid::nil(),
                mother: nido_domain::family::Mother {
                    first_name: first_name.to_owned(),
                    last_name: "Exemple".to_owned(),
                    birth_last_name: None,
                    birth_date: NaiveDate::from_ymd_opt(2000, 1, 31).expect("date"),
                    birth_place: None,
                    phone: None,
                    email: None,
                },
                children: Vec::new(),
                referent_id: None,
                team_ids: Vec::new(),
                current_placement_id: None,
                site_id: uuid::Uuid::nil(),
                version: 1,
                created_at: at,
                updated_at: at,
            },
            referrals: Vec::new(),
            placements: Vec::new(),
            housing: Vec::new(),
            interventions: Vec::new(),
            actions: Vec::new(),
            consultations: vec![nido_cases::export::Consultation {
                at,
                profession: "system".to_owned(),
                action: "family.anonymise".to_owned(),
            }],
            contracts: Vec::new(),
            project_reviews: Vec::new(),
            creche_bookings: Vec::new(),
            workshops: Vec::new(),
            documents: Vec::new(),
            housing_steps: Vec::new(),
            follow_ups: Vec::new(),
            linked_files: Vec::new(),
        }
    }

    #[test]
    fn the_page_escapes_every_value_and_carries_its_one_style() {
        let page = render(&file_of("<b>Awa</b>"), &chrono_tz::Europe::Paris).expect("page");
        assert!(
            page.contains("<h1>Dossier de &lt;b&gt;Awa&lt;/b&gt; Exemple</h1>"),
            "{page}"
        );
        assert!(!page.contains("<b>"), "{page}");
        assert!(page.contains(&format!("<style>{STYLE}</style>")), "{page}");
        assert!(
            page.contains(
                "<td>02/03/2026 11:00</td><td>nido (traitement automatique)</td><td>écriture</td>"
            ),
            "{page}"
        );
        assert!(
            page.contains("<h2>Orientations</h2>\n<p>Aucun élément.</p>"),
            "{page}"
        );
    }

    #[test]
    fn audit_actions_read_as_the_mother_would() {
        assert_eq!(consultation("family.read"), "consultation");
        assert_eq!(consultation("intervention.list"), "consultation");
        assert_eq!(consultation("family.access_denied"), "accès refusé");
        assert_eq!(consultation("placement.renew"), "écriture");
    }

    #[test]
    fn professions_read_as_on_the_pages() {
        assert_eq!(profession("social_worker"), "service social");
        assert_eq!(profession("system"), "nido (traitement automatique)");
    }
}
