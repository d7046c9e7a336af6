//! The right-of-access export as a printable page in French. Every value is
//! escaped; the page loads nothing from elsewhere.

use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::FamilyExport;

/// `text` safe inside HTML elements and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
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

/// The French word for a code of nido's vocabularies; the code itself when
/// there is none.
fn fr(code: &str) -> &str {
    match code {
        "home_visit" => "visite à domicile",
        "interview" => "entretien",
        "phone_call" => "appel téléphonique",
        "accompaniment" => "accompagnement",
        "workshop" => "atelier",
        "childcare" => "accueil de l'enfant",
        "other" => "autre",
        "social_housing" => "logement social",
        "private_housing" => "logement privé",
        "family_or_friends" => "famille ou amis",
        "other_facility" => "autre établissement",
        "unknown" => "inconnue",
        "ase" => "Aide sociale à l'enfance",
        "mhl" => "Mission hébergement logement",
        "distress" => "détresse",
        "educational_difficulties" => "difficultés éducatives",
        "pending" => "en attente",
        "admitted" => "admise",
        "declined" => "refusée",
        "withdrawn" => "retirée",
        "active" => "en cours",
        "ended" => "terminée",
        "social_worker" => "assistante sociale",
        "specialized_educator" => "éducatrice spécialisée",
        "early_childhood_educator" => "éducatrice de jeunes enfants",
        "childcare_assistant" => "auxiliaire de puériculture",
        "psychologist" => "psychologue",
        "technical_agent" => "agent technique",
        "coordinator" => "cheffe de service",
        "director" => "direction",
        "system" => "nido (traitement automatique)",
        "contrat_de_sejour" => "contrat de séjour",
        "dipc" => "document individuel de prise en charge",
        "housing" => "logement",
        "employment_training" => "emploi et formation",
        "health" => "santé",
        "parenting" => "parentalité",
        "child_development" => "développement de l'enfant",
        "rights_and_papers" => "droits et papiers",
        "budget" => "budget",
        "social_ties" => "liens sociaux",
        "planned" => "prévu",
        "in_progress" => "en cours",
        "achieved" => "atteint",
        "abandoned" => "abandonné",
        "job_interview" => "entretien d'embauche",
        "training" => "formation",
        "employment" => "emploi",
        "appointment" => "rendez-vous",
        "respite" => "temps pour soi",
        "booked" => "réservée",
        "cancelled" => "annulée",
        "attended" => "présente",
        "absent" => "absente",
        "registered" => "inscrite",
        other => other,
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

fn table(out: &mut String, headers: &[&str], rows: Vec<Vec<String>>) {
    if rows.is_empty() {
        out.push_str("<p>Aucun élément.</p>\n");
        return;
    }
    out.push_str("<table>\n<thead><tr>");
    for header in headers {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(header));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", escape(&cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
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
pub fn render(export: &FamilyExport, zone: &Tz) -> String {
    let mother = &export.family.mother;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Dossier de {first} {last} — droit d'accès</title>\n\
         <style>{STYLE}</style>\n\
         </head>\n<body>\n<main>\n<h1>Dossier de {first} {last}</h1>\n\
         <p>Document établi le {generated} au titre du droit d'accès (RGPD, article 15).</p>\n",
        first = escape(&mother.first_name),
        last = escape(&mother.last_name),
        generated = instant(export.generated_at, zone),
    );

    out.push_str("<h2>La famille</h2>\n");
    table(
        &mut out,
        &[
            "Prénom",
            "Nom",
            "Date de naissance",
            "Téléphone",
            "Courriel",
        ],
        vec![vec![
            mother.first_name.clone(),
            mother.last_name.clone(),
            day(mother.birth_date),
            mother.phone.clone().unwrap_or_default(),
            mother.email.clone().unwrap_or_default(),
        ]],
    );
    out.push_str("<h3>Enfants</h3>\n");
    table(
        &mut out,
        &["Prénom", "Nom", "Né(e) le", "Naissance attendue le"],
        export
            .family
            .children
            .iter()
            .map(|child| {
                vec![
                    child.first_name.clone(),
                    child.last_name.clone().unwrap_or_default(),
                    day_opt(child.birth_date),
                    day_opt(child.expected_birth_date),
                ]
            })
            .collect(),
    );

    out.push_str("<h2>Orientations</h2>\n");
    table(
        &mut out,
        &[
            "Reçue le",
            "Origine",
            "EDS",
            "Motif",
            "Précisions",
            "Statut",
        ],
        export
            .referrals
            .iter()
            .map(|referral| {
                vec![
                    day(referral.referred_on),
                    fr(referral.source.as_str()).to_owned(),
                    referral.eds.clone(),
                    fr(referral.reason.as_str()).to_owned(),
                    referral.reason_details.clone().unwrap_or_default(),
                    fr(referral.status.as_str()).to_owned(),
                ]
            })
            .collect(),
    );

    out.push_str("<h2>Prises en charge</h2>\n");
    if export.placements.is_empty() {
        out.push_str("<p>Aucun élément.</p>\n");
    }
    for placement in &export.placements {
        let _ = writeln!(
            out,
            "<h3>Admission du {}</h3>\n<p>Statut : {}.</p>",
            day(placement.admitted_on),
            escape(fr(placement.status.as_str())),
        );
        table(
            &mut out,
            &["Période", "Du", "Au", "Décision du"],
            placement
                .periods
                .iter()
                .map(|period| {
                    vec![
                        period.number.to_string(),
                        day(period.starts_on),
                        day(period.ends_on),
                        day_opt(period.decided_on),
                    ]
                })
                .collect(),
        );
        if let Some(exit) = &placement.exit {
            let _ = writeln!(
                out,
                "<p>Sortie le {} : {}.{}</p>",
                day(exit.exited_on),
                escape(fr(exit.destination.as_str())),
                exit.notes
                    .as_deref()
                    .map(|notes| format!(" {}", escape(notes)))
                    .unwrap_or_default(),
            );
        }
    }

    out.push_str("<h2>Logement</h2>\n");
    table(
        &mut out,
        &["Logement", "Adresse", "Du", "Au"],
        export
            .housing
            .iter()
            .map(|stay| {
                vec![
                    stay.label.clone(),
                    format!("{}, {} {}", stay.street, stay.postal_code, stay.city),
                    day(stay.starts_on),
                    day_opt(stay.ends_on),
                ]
            })
            .collect(),
    );

    out.push_str("<h2>Contrat de séjour</h2>\n");
    table(
        &mut out,
        &["Document", "Remis le", "Signé le"],
        export
            .contracts
            .iter()
            .map(|contract| {
                vec![
                    fr(contract.kind.as_str()).to_owned(),
                    day_opt(contract.delivered_on),
                    day_opt(contract.signed_on),
                ]
            })
            .collect(),
    );

    out.push_str("<h2>Projet personnalisé</h2>\n");
    table(
        &mut out,
        &[
            "Revu le",
            "Vous étiez présente",
            "Domaine",
            "Objectif",
            "Où il en est",
            "Échéance",
        ],
        export
            .project_reviews
            .iter()
            .flat_map(|review| {
                review.objectives.iter().map(move |objective| {
                    vec![
                        day(review.reviewed_on),
                        if review.mother_present { "oui" } else { "non" }.to_owned(),
                        fr(objective.domain.as_str()).to_owned(),
                        objective.description.clone(),
                        fr(objective.status.as_str()).to_owned(),
                        day_opt(objective.target_on),
                    ]
                })
            })
            .collect(),
    );

    out.push_str("<h2>Crèche</h2>\n");
    table(
        &mut out,
        &[
            "Jour",
            "Horaires",
            "Motif",
            "Réservation",
            "Arrivée",
            "Départ",
        ],
        export
            .creche_bookings
            .iter()
            .map(|booking| {
                vec![
                    day(booking.on),
                    format!("{} – {}", booking.starts_at, booking.ends_at),
                    fr(booking.purpose.as_str()).to_owned(),
                    fr(booking.status.as_str()).to_owned(),
                    booking.arrived_at.clone().unwrap_or_default(),
                    booking.left_at.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    );

    out.push_str("<h2>Ateliers</h2>\n");
    table(
        &mut out,
        &["Atelier", "Jour", "Horaires", "Partenaire", "Participation"],
        export
            .workshops
            .iter()
            .map(|workshop| {
                vec![
                    workshop.title.clone(),
                    day(workshop.on),
                    format!("{} – {}", workshop.starts_at, workshop.ends_at),
                    workshop.partner.clone().unwrap_or_default(),
                    fr(&workshop.status).to_owned(),
                ]
            })
            .collect(),
    );

    out.push_str("<h2>Interventions</h2>\n");
    table(
        &mut out,
        &[
            "Date",
            "Nature",
            "Durée",
            "Professionnels présents",
            "Compte rendu",
        ],
        export
            .interventions
            .iter()
            .map(|intervention| {
                vec![
                    instant(intervention.occurred_at, zone),
                    fr(&intervention.kind).to_owned(),
                    format!("{} min", intervention.duration_minutes),
                    intervention
                        .professions_present
                        .iter()
                        .map(|profession| fr(profession))
                        .collect::<Vec<_>>()
                        .join(", "),
                    intervention.summary.clone(),
                ]
            })
            .collect(),
    );

    out.push_str("<h2>Actions de suivi</h2>\n");
    table(
        &mut out,
        &["Action", "Prévue le", "Faite le"],
        export
            .actions
            .iter()
            .map(|action| {
                vec![
                    action.description.clone(),
                    day(action.due_on),
                    day_opt(action.done_on),
                ]
            })
            .collect(),
    );

    out.push_str("<h2>Consultations du dossier</h2>\n");
    table(
        &mut out,
        &["Date", "Profession", "Nature"],
        export
            .consultations
            .iter()
            .map(|entry| {
                vec![
                    instant(entry.at, zone),
                    fr(&entry.profession).to_owned(),
                    consultation(&entry.action).to_owned(),
                ]
            })
            .collect(),
    );

    out.push_str(
        "<h2>Ce que ce document ne montre pas</h2>\n<ul>\n\
         <li>Les notes personnelles des professionnels (interventions confidentielles) et les actions qui en découlent : elles ne font pas partie du dossier.</li>\n\
         <li>Le nom des personnes qui ont consulté le dossier : leur profession est indiquée.</li>\n\
         <li>Les informations préoccupantes : transmises à la cellule départementale (CRIP), qui répond aux demandes d'accès les concernant.</li>\n\
         <li>Les événements indésirables graves (incidents) : signalés aux autorités, qui répondent aux demandes d'accès les concernant.</li>\n\
         </ul>\n</main>\n</body>\n</html>\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_value_comes_out_as_text() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn audit_actions_read_as_the_mother_would() {
        assert_eq!(consultation("family.read"), "consultation");
        assert_eq!(consultation("intervention.list"), "consultation");
        assert_eq!(consultation("family.access_denied"), "accès refusé");
        assert_eq!(consultation("placement.renew"), "écriture");
    }
}
