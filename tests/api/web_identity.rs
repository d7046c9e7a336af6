//! The pages of identity vigilance: the waiting list's new-referral form
//! with the files that look alike, the coordinators' "Doublons possibles"
//! page, and the links on the family pages. On SQLite and PostgreSQL
//! alike.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{days_ago, referral_body};
use crate::helpers::{PASSWORD, TestApp, spawn_app};
use crate::web::{Browser, Page};

/// Clara coordinates: her API token.
async fn coordinator(app: &TestApp) -> String {
    app.create_user("clara@nido.example", "coordinator", "coordinator")
        .await;
    app.token_for("clara@nido.example", PASSWORD).await
}

async fn pending(app: &TestApp, coordinator: &str) -> Vec<Value> {
    app.get_json("/api/v1/referrals?status=pending", coordinator)
        .await["items"]
        .as_array()
        .expect("items")
        .clone()
}

/// The mother of a family, as the API reads her.
async fn mother_of(app: &TestApp, coordinator: &str, family_id: &str) -> Value {
    app.get_json(&format!("/api/v1/families/{family_id}"), coordinator)
        .await["mother"]
        .clone()
}

/// The new-referral form for a mother with no child, as a coordinator
/// fills it in; `extra` adds the button pressed and its fields.
async fn post_referral(
    clara: &mut Browser<'_>,
    csrf: &str,
    (first_name, last_name, born): (&str, &str, &str),
    extra: &[(&str, &str)],
) -> Page {
    let referred_on = days_ago(3).to_string();
    let mut fields = vec![
        ("csrf", csrf),
        ("mother_first_name", first_name),
        ("mother_last_name", last_name),
        ("mother_birth_last_name", ""),
        ("mother_birth_date", born),
        ("mother_birth_place", ""),
        ("source", "ase"),
        ("eds", "Ivry-sur-Seine"),
        ("referred_on", referred_on.as_str()),
        ("referrer_name", "Claire Fontaine"),
        ("referrer_contact", "eds.ivry@example.org"),
        ("reason", "distress"),
    ];
    fields.extend_from_slice(extra);
    clara.post("/liste-attente", &fields).await
}

/// Owned fields, as a form posts them.
fn borrowed<'f>(fields: &'f [(&'static str, String)]) -> Vec<(&'static str, &'f str)> {
    fields
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

#[tokio::test]
async fn a_mother_who_probably_has_a_file_is_shown_it_and_a_new_file_needs_a_reason() {
    let app = spawn_app().await;
    let coordinator = coordinator(&app).await;
    let known = app.refer(&coordinator, "Lefèvre", days_ago(400)).await;
    let known_id = known["family_id"].as_str().expect("id");
    let mother = mother_of(&app, &coordinator, known_id).await;
    let born = mother["birth_date"].as_str().expect("birth date");
    let mut clara = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let csrf = clara.get("/liste-attente").await.csrf();
    // The same woman, her name spelled otherwise.
    let typed = ("Awa", "Le Febvre", born);

    let shown = post_referral(&mut clara, &csrf, typed, &[]).await;
    assert_eq!(shown.status, StatusCode::CONFLICT, "{}", shown.body);
    assert!(
        shown
            .body
            .contains("Cette mère a peut-être déjà un dossier")
    );
    assert!(
        shown
            .body
            .contains(&format!("href=\"/familles/{known_id}\""))
    );
    assert!(shown.body.contains("Awa Lefèvre"), "{}", shown.body);
    assert!(shown.body.contains("sur liste d&#39;attente"));
    assert!(
        !shown.body.contains("name=\"famille_connue\""),
        "a file waiting on the list is not referred twice"
    );
    assert!(
        shown.body.contains("value=\"Le Febvre\""),
        "the input is kept"
    );
    assert!(shown.body.contains("value=\"Claire Fontaine\""));
    assert_eq!(
        pending(&app, &coordinator).await.len(),
        1,
        "nothing written"
    );

    let unexplained = post_referral(
        &mut clara,
        &csrf,
        typed,
        &[("nouveau_dossier", "1"), ("confirm_new", "  ")],
    )
    .await;
    assert_eq!(unexplained.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unexplained
            .element("confirm_new-erreur")
            .expect("beside the reason")
            .contains("Dites pourquoi"),
        "{}",
        unexplained.body
    );
    assert!(unexplained.body.contains("Awa Lefèvre"), "still shown");
    assert_eq!(pending(&app, &coordinator).await.len(), 1);

    let reason = "Née à Bamako, l'autre à Dakar : deux femmes.";
    let created = post_referral(
        &mut clara,
        &csrf,
        typed,
        &[("nouveau_dossier", "1"), ("confirm_new", reason)],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), "/liste-attente?ok=orientation");
    let waiting = pending(&app, &coordinator).await;
    assert_eq!(waiting.len(), 2, "a second file");
    assert!(
        waiting
            .iter()
            .any(|referral| referral["family_id"] != known_id)
    );
    // Recorded as two women: the pair is not for the coordinators to sort.
    let duplicates = clara.get("/doublons").await;
    assert_eq!(duplicates.status, StatusCode::OK, "{}", duplicates.body);
    assert!(duplicates.body.contains("Aucun doublon possible"));
}

#[tokio::test]
async fn a_mother_found_in_a_closed_file_is_referred_again_with_that_file() {
    let app = spawn_app().await;
    let coordinator = coordinator(&app).await;
    let known = app.refer(&coordinator, "Koné", days_ago(400)).await;
    app.decline(&coordinator, &known, "Pas de place cette année-là.")
        .await;
    let known_id = known["family_id"].as_str().expect("id");
    let mother = mother_of(&app, &coordinator, known_id).await;
    let born = mother["birth_date"].as_str().expect("birth date");
    let mut clara = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let csrf = clara.get("/liste-attente").await.csrf();
    let typed = ("Awa", "Kone", born);

    let shown = post_referral(&mut clara, &csrf, typed, &[]).await;
    assert_eq!(shown.status, StatusCode::CONFLICT, "{}", shown.body);
    assert!(shown.body.contains("dossier clos"), "{}", shown.body);
    assert!(
        shown
            .body
            .contains(&format!("name=\"famille_connue\" value=\"{known_id}\""))
    );

    let chosen = post_referral(&mut clara, &csrf, typed, &[("famille_connue", known_id)]).await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    assert_eq!(chosen.location(), "/liste-attente?ok=orientation");
    let waiting = pending(&app, &coordinator).await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["family_id"], known_id, "her file, not a new one");
    assert_eq!(waiting[0]["eds"], "Ivry-sur-Seine", "the details as typed");
    assert_eq!(waiting[0]["referrer_name"], "Claire Fontaine");
    let families = app.get_json("/api/v1/families", &coordinator).await;
    assert_eq!(families["items"].as_array().expect("items").len(), 1);

    // Her name at birth and her birth place, on her file's page.
    let path = format!("/familles/{known_id}");
    let file = clara.get(&path).await;
    assert!(file.body.contains("Nom de naissance (si différent)"));
    let version = app
        .get_json(&format!("/api/v1/families/{known_id}"), &coordinator)
        .await["version"]
        .to_string();
    let fields = [
        ("csrf", csrf.clone()),
        ("version", version),
        ("mother_first_name", "Awa".to_owned()),
        ("mother_last_name", "Koné".to_owned()),
        ("mother_birth_last_name", "Traoré".to_owned()),
        ("mother_birth_date", born.to_owned()),
        ("mother_birth_place", "Bamako (Mali)".to_owned()),
        ("mother_phone", "06 00 00 00 00".to_owned()),
        ("mother_email", String::new()),
    ];
    let saved = clara
        .post(&format!("{path}/mere"), &borrowed(&fields))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), format!("{path}?ok=mere"));
    let file = clara.get(saved.location()).await;
    assert!(
        file.body.contains("Nom de naissance : Traoré"),
        "{}",
        file.body
    );
    assert!(file.body.contains("à Bamako (Mali)"));
    let stale = clara
        .post(&format!("{path}/mere"), &borrowed(&fields))
        .await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.body
    );
    assert!(stale.body.contains("modifiées entre-temps"));
}

#[tokio::test]
async fn a_coordinator_links_two_files_that_look_alike_and_both_pages_show_it() {
    let app = spawn_app().await;
    let coordinator = coordinator(&app).await;
    let (ines_id, _) = app.staff_member("ines").await;
    let first = app
        .refer_with(
            &coordinator,
            &referral_body("Diop", days_ago(30), json!([])),
        )
        .await;
    let first_id = first["family_id"].as_str().expect("id").to_owned();
    let mother = mother_of(&app, &coordinator, &first_id).await;
    assert_eq!(mother["birth_date"], "2001-05-17");
    let mut clara = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let csrf = clara.get("/liste-attente").await.csrf();

    // One digit of her birth day slipped: possible, not probable.
    let referred = post_referral(&mut clara, &csrf, ("Awa", "Diop", "2001-05-18"), &[]).await;
    assert_eq!(referred.status, StatusCode::SEE_OTHER, "{}", referred.body);
    assert_eq!(
        referred.location(),
        "/liste-attente?ok=orientation-doublons"
    );
    let told = clara.get(referred.location()).await;
    assert!(told.body.contains("href=\"/doublons\""), "{}", told.body);
    let second_id = pending(&app, &coordinator)
        .await
        .into_iter()
        .map(|referral| referral["family_id"].as_str().expect("id").to_owned())
        .find(|id| *id != first_id)
        .expect("the second file");

    // Staff neither see the list nor decide.
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let home = ines.get("/").await;
    assert!(!home.body.contains("/doublons"), "not in her menu");
    assert_eq!(ines.get("/doublons").await.status, StatusCode::FORBIDDEN);
    let ines_csrf = home.csrf();
    let tried = ines
        .post(
            "/doublons/decisions",
            &[
                ("csrf", ines_csrf.as_str()),
                ("family_ids", &first_id),
                ("family_ids", &second_id),
                ("decision", "same_person"),
                ("note", "Je crois que c'est elle."),
            ],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);

    let list = clara.get("/doublons").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(
        list.body
            .contains(&format!("href=\"/familles/{first_id}\""))
    );
    assert!(
        list.body
            .contains(&format!("href=\"/familles/{second_id}\""))
    );
    assert!(list.body.contains("83\u{a0}%"), "{}", list.body);
    let decision = |note: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("family_ids", first_id.clone()),
            ("family_ids", second_id.clone()),
            ("decision", "same_person".to_owned()),
            ("note", note.to_owned()),
        ]
    };
    let refused = clara
        .post("/doublons/decisions", &borrowed(&decision(" ")))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (low, high) = if first_id < second_id {
        (&first_id, &second_id)
    } else {
        (&second_id, &first_id)
    };
    let note_id = format!("note-{}-{}", low.replace('-', ""), high.replace('-', ""));
    assert!(
        refused.element(&format!("{note_id}-erreur")).is_some(),
        "{}",
        refused.body
    );

    let note = "Même mère : l'EDS confirme, le jour de naissance était mal recopié.";
    let fields = decision(note);
    let linked = clara.post("/doublons/decisions", &borrowed(&fields)).await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.body);
    assert_eq!(linked.location(), "/doublons?ok=lies");
    let after = clara.get(linked.location()).await;
    assert!(after.body.contains("les deux dossiers sont liés"));
    assert!(after.body.contains("Aucun doublon possible"));
    let again = clara.post("/doublons/decisions", &borrowed(&fields)).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again
            .body
            .contains("déjà fait l&#39;objet d&#39;une décision"),
        "{}",
        again.body
    );

    for (here, there) in [(&first_id, &second_id), (&second_id, &first_id)] {
        let file = clara.get(&format!("/familles/{here}")).await;
        assert!(file.body.contains("Dossiers liés"), "{}", file.body);
        assert!(file.body.contains(&format!("href=\"/familles/{there}\"")));
        assert!(file.body.contains("le jour de naissance était mal recopié"));
    }
    // Inès accompanies the first file only: the other is not named to her.
    app.assign(&coordinator, &first_id, &ines_id, &[]).await;
    let file = ines.get(&format!("/familles/{first_id}")).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert!(!file.body.contains("Dossiers liés"), "{}", file.body);
    assert!(!file.body.contains(&second_id));
    assert!(!file.body.contains("Dossier lié"), "nor on her journal");
}
