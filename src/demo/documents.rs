//! The demo's paper file: a few fictional scans in the files of a social
//! worker's families (a CAF attestation, a residence permit, a pay slip,
//! and a restricted health paper), uploaded through the same use case as
//! the team's, so encrypted at rest like any other.

use nido_cases::documents::{self, DocumentForm};
use nido_cases::{Caller, Cases};
use nido_persistence::families;

/// A one-page PDF holding `lines` in Helvetica: what a scanner's text
/// layer would give. Latin-1 characters are written in the font's
/// encoding; anything else becomes `?`.
pub fn scan_pdf(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from("BT /F1 12 Tf 72 760 Td 16 TL\n");
    for line in lines {
        text.push('(');
        for c in line.chars() {
            match c {
                '(' | ')' | '\\' => {
                    text.push('\\');
                    text.push(c);
                }
                ' '..='~' => text.push(c),
                // WinAnsi puts the euro sign at 0x80.
                '€' => text.push_str("\\200"),
                c if (c as u32) < 256 => text.push_str(&format!("\\{:03o}", c as u32)),
                _ => text.push('?'),
            }
        }
        text.push_str(") Tj T*\n");
    }
    text.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}endstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Adds the scans to the first families of `staff` (she is their
/// referent or on their team); answers how many.
pub async fn create(cases: &Cases, staff: Caller) -> anyhow::Result<usize> {
    let failure = |err| anyhow::anyhow!("demo document: {err}");
    let mut added = 0;
    for family in families::list(
        &cases.db,
        nido_persistence::need_to_know::Reader::Accompanying {
            user_id: staff.id,
            sites_only: false,
        },
        None,
        2,
    )
    .await?
    {
        let name = format!("{} {}", family.mother.first_name, family.mother.last_name);
        let papers: [(&str, &str, &str, Vec<String>); 4] = [
            (
                "caf",
                "Attestation de paiement CAF",
                "team",
                vec![
                    "Caisse d'allocations familiales (document fictif)".into(),
                    format!("Allocataire : {name}"),
                    "Attestation de paiement : prestation d'accueil du jeune enfant.".into(),
                    "Montant mensuel : 184,81 €".into(),
                ],
            ),
            (
                "residence_permit",
                "Titre de séjour (recto-verso)",
                "team",
                vec![
                    "Titre de séjour (spécimen fictif)".into(),
                    format!("Titulaire : {name}"),
                    "Valable jusqu'au : 31/08/2027".into(),
                ],
            ),
            (
                "income",
                "Bulletin de salaire",
                "team",
                vec![
                    "Bulletin de salaire (document fictif)".into(),
                    format!("Salariée : {name}"),
                    "Net à payer : 1 032,40 €".into(),
                ],
            ),
            (
                "health",
                "Compte rendu de consultation PMI",
                "restricted",
                vec![
                    "Protection maternelle et infantile (document fictif)".into(),
                    format!("Patiente : {name}"),
                    "Suivi du nourrisson : croissance régulière.".into(),
                ],
            ),
        ];
        for (kind, title, confidentiality, lines) in papers {
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            documents::add(
                cases,
                &staff,
                family.id,
                DocumentForm {
                    kind: Some(kind.to_owned()),
                    title: Some(title.to_owned()),
                    confidentiality: Some(confidentiality.to_owned()),
                    ..DocumentForm::default()
                },
                scan_pdf(&lines),
            )
            .await
            .map_err(failure)?;
            added += 1;
        }
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_is_a_pdf_whose_cross_reference_points_at_its_objects() {
        let pdf = scan_pdf(&["Allocataire : Awa Exemple (fictive)", "Montant : 184,81 €"]);
        assert!(pdf.starts_with(b"%PDF-1.4"));
        let text = String::from_utf8_lossy(&pdf);
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|tail| tail.lines().next())
            .and_then(|n| n.parse().ok())
            .expect("startxref");
        assert!(pdf[xref..].starts_with(b"xref"));
        for (index, line) in text[xref..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().expect("offset");
            assert!(
                pdf[offset..].starts_with(format!("{} 0 obj", index + 1).as_bytes()),
                "object {}",
                index + 1
            );
        }
        assert!(text.contains("184,81 \\200"), "the euro sign in WinAnsi");
    }
}
