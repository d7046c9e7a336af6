//! Identity vigilance (SPEC "Identity and duplicates"), through the API:
//! the search before create, the check of a new referral (409 with the
//! candidates, the confirmation of a new file, the warnings), the list of
//! possible duplicates and the decisions on them, the links both files
//! show. Each test makes its mothers alike on purpose; `referral_body`
//! keeps every other mother of a test apart.

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::days_ago;
use crate::helpers::{
    TestApp, assert_invalid, assert_problem, join_all, spawn_app, the_one_winner,
};

/// A referral of a new family: a mother named so, born `born`, with a
/// child born `child_born`.
fn mother(
    first: &str,
    last: &str,
    birth_last: Option<&str>,
    born: &str,
    child_born: NaiveDate,
) -> Value {
    json!({
        "family": {
            "mother": {"first_name": first, "last_name": last, "birth_last_name": birth_last,
                       "birth_date": born, "birth_place": "Créteil"},
            "children": [{"first_name": "Inaya", "birth_date": child_born}],
        },
        "source": "ase",
        "eds": "Alfortville",
        "referred_on": days_ago(10),
        "referrer_name": "Claire Fontaine",
        "referrer_contact": "eds.alfortville@example.org",
        "reason": "distress",
    })
}

async fn refer(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.post("/api/v1/referrals", Some(token), body).await
}

async fn created(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = refer(app, token, body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    response.json().await.expect("json")
}

async fn family_count(app: &TestApp, token: &str) -> usize {
    let page = app.get_json("/api/v1/families?limit=200", token).await;
    page["items"].as_array().expect("items").len()
}

fn ids(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| item["id"].as_str().expect("id"))
        .collect()
}

#[tokio::test]
async fn a_probable_duplicate_is_refused_with_its_candidates_until_a_new_file_is_confirmed() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let admin = app.admin_token().await;
    let child = days_ago(120);
    let first = created(
        &app,
        &coordinator,
        &mother("Awa", "Lefèvre", None, "1998-03-04", child),
    )
    .await;
    assert_eq!(first["possible_duplicates"], json!([]), "nothing alike yet");
    let first_family = first["family_id"].as_str().expect("family");
    let files = family_count(&app, &coordinator).await;

    // Spelled otherwise, the day and the month swapped: probably her.
    let again = mother("AWA", "Le Febvre", None, "1998-04-03", child);
    let problem = assert_problem(
        refer(&app, &coordinator, &again).await,
        409,
        "possible_duplicate",
    )
    .await;
    let candidates = problem["candidates"].as_array().expect("candidates");
    assert_eq!(candidates.len(), 1, "{problem}");
    let candidate = &candidates[0];
    assert_eq!(candidate["id"], first_family);
    assert_eq!(candidate["last_name"], "Lefèvre");
    assert_eq!(candidate["birth_date"], "1998-03-04");
    assert_eq!(candidate["status"], "waiting");
    assert!(
        candidate["score"].as_f64().expect("score") >= 0.9,
        "{candidate}"
    );
    assert_eq!(
        family_count(&app, &coordinator).await,
        files,
        "nothing written"
    );

    // A confirmation says why, and only for a new family.
    let mut blank = again.clone();
    blank["confirm_new"] = json!({"reason": "  "});
    assert_invalid(
        refer(&app, &coordinator, &blank).await,
        &["confirm_new.reason"],
    )
    .await;
    let known = json!({
        "family_id": first_family, "source": "ase", "eds": "Alfortville",
        "referred_on": days_ago(1), "referrer_name": "EDS", "referrer_contact": "eds@example.org",
        "reason": "distress", "confirm_new": {"reason": "Une autre femme."},
    });
    assert_invalid(refer(&app, &coordinator, &known).await, &["confirm_new"]).await;

    let mut confirmed = again.clone();
    confirmed["confirm_new"] =
        json!({"reason": "Vérifié avec l'EDS : une homonyme, née au Mali, autre filiation."});
    let second = created(&app, &coordinator, &confirmed).await;
    assert_eq!(
        second["possible_duplicates"],
        json!([]),
        "the probable one is decided"
    );
    let second_family = second["family_id"].as_str().expect("family");
    assert_ne!(second_family, first_family);
    assert_eq!(family_count(&app, &coordinator).await, files + 1);
    // Recorded as two women: off the list of possible duplicates, and
    // audited on both files.
    let pairs = app.get_json("/api/v1/duplicates", &coordinator).await;
    assert_eq!(pairs["items"], json!([]), "{pairs}");
    for family in [first_family, second_family] {
        let actions = app.audit_actions(&admin, family).await;
        assert!(
            actions.contains(&"duplicate.confirm_new".to_owned()),
            "{actions:?}"
        );
    }
    // A third referral of her, by the first spelling, meets both files.
    let third = mother("Awa", "Lefebvre", None, "1998-03-04", child);
    let problem = assert_problem(
        refer(&app, &coordinator, &third).await,
        409,
        "possible_duplicate",
    )
    .await;
    let mut found = ids(&problem["candidates"]);
    found.sort_unstable();
    let mut both = vec![first_family, second_family];
    both.sort_unstable();
    assert_eq!(found, both);
}

#[tokio::test]
async fn a_possible_duplicate_is_created_listed_and_linked_never_merged() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let staff = app.login_as("staff").await;
    let admin = app.admin_token().await;
    let first = created(
        &app,
        &coordinator,
        &mother("Hawa", "Camara", None, "1996-11-23", days_ago(300)),
    )
    .await;
    let first_family = first["family_id"].as_str().expect("family").to_owned();
    // Another spelling of both names, another child: possibly her.
    let second = created(
        &app,
        &coordinator,
        &mother("Awa", "Kamara", None, "1996-11-23", days_ago(30)),
    )
    .await;
    let second_family = second["family_id"].as_str().expect("family").to_owned();
    let warned = &second["possible_duplicates"];
    assert_eq!(ids(warned), vec![first_family.as_str()], "{second}");
    let score = warned[0]["score"].as_f64().expect("score");
    assert!((0.75..0.9).contains(&score), "{score}");

    // The coordinators' list, paged; nobody else reads it.
    let pairs = app
        .get_json("/api/v1/duplicates?limit=1", &coordinator)
        .await;
    let pair = &pairs["items"][0];
    let mut listed = ids(&pair["families"]);
    listed.sort_unstable();
    let mut both = vec![first_family.as_str(), second_family.as_str()];
    both.sort_unstable();
    assert_eq!(listed, both, "{pairs}");
    assert_eq!(pairs["next_cursor"], Value::Null);
    for token in [&staff, &admin] {
        assert_problem(
            app.get("/api/v1/duplicates", Some(token)).await,
            403,
            "forbidden",
        )
        .await;
    }

    // A decision names two different files, says why, and is taken once,
    // however many coordinators take it at the same moment.
    let decide = |family_ids: Value, note: &str| json!({"family_ids": family_ids, "decision": "same_person", "note": note});
    for (body, field) in [
        (
            decide(json!([first_family, first_family]), "La même."),
            "family_ids",
        ),
        (
            decide(json!([first_family, uuid::Uuid::now_v7()]), "La même."),
            "family_ids",
        ),
        (decide(json!([first_family, second_family]), " "), "note"),
    ] {
        let response = app
            .post("/api/v1/duplicates/decisions", Some(&coordinator), &body)
            .await;
        assert_invalid(response, &[field]).await;
    }
    let note = "Même mère : l'EDS confirme le changement d'orthographe.";
    let body = decide(json!([second_family, first_family]), note);
    let attempts = (0..3)
        .map(|_| app.post("/api/v1/duplicates/decisions", Some(&coordinator), &body))
        .collect();
    let (_, decision, losers) = the_one_winner(join_all(attempts).await, 201).await;
    for loser in losers {
        assert_problem(loser, 409, "pair_decided").await;
    }
    assert_eq!(decision["decision"], "same_person");
    assert_eq!(decision["note"], note);
    let pairs = app.get_json("/api/v1/duplicates", &coordinator).await;
    assert_eq!(pairs["items"], json!([]), "decided: off the list");

    // A third file like both, a slip in the birth day: two pairs to look
    // at, the new file in each,
    // each showing where every file stands.
    let third = created(
        &app,
        &coordinator,
        &mother("Hawa", "Kamara", None, "1996-11-28", days_ago(10)),
    )
    .await;
    assert_eq!(
        third["possible_duplicates"]
            .as_array()
            .expect("warnings")
            .len(),
        2
    );
    let pairs = app.get_json("/api/v1/duplicates", &coordinator).await;
    let pairs = pairs["items"].as_array().expect("items");
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    for pair in pairs {
        assert!(ids(&pair["families"]).contains(&third["family_id"].as_str().expect("id")));
        for file in pair["families"].as_array().expect("families") {
            assert_eq!(file["status"], "waiting", "{pair}");
        }
    }

    // Linked both ways, on the file and its timeline; nothing merged.
    for (family, other) in [
        (&first_family, &second_family),
        (&second_family, &first_family),
    ] {
        let read = app
            .get_json(&format!("/api/v1/families/{family}"), &coordinator)
            .await;
        assert_eq!(read["linked_family_ids"], json!([other]), "{read}");
        let timeline = app
            .get_json(&format!("/api/v1/families/{family}/timeline"), &coordinator)
            .await;
        let linked: Vec<&Value> = timeline["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|event| event["kind"] == "linked_file")
            .collect();
        assert_eq!(linked.len(), 1, "{timeline}");
        assert_eq!(linked[0]["linked_family_id"], json!(other));
        let actions = app.audit_actions(&admin, family).await;
        assert!(
            actions.contains(&"duplicate.same_person".to_owned()),
            "{actions:?}"
        );
    }
    // A social worker who accompanies only the first file is not told of
    // the other, on the file or on its timeline.
    let (worker_id, worker) = app.staff_member("sociale.camara").await;
    app.assign(&coordinator, &first_family, &worker_id, &[])
        .await;
    let hers = app
        .get_json(&format!("/api/v1/families/{first_family}"), &worker)
        .await;
    assert_eq!(hers["linked_family_ids"], json!([]), "{hers}");
    let timeline = app
        .get_json(
            &format!("/api/v1/families/{first_family}/timeline"),
            &worker,
        )
        .await;
    assert!(
        timeline["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|event| event["kind"] != "linked_file"),
        "{timeline}"
    );
    let first_read = app
        .get_json(&format!("/api/v1/families/{first_family}"), &coordinator)
        .await;
    assert_eq!(first_read["mother"]["first_name"], "Hawa", "never merged");
    assert_eq!(
        first_read["children"].as_array().expect("children").len(),
        1
    );
    let export = app
        .get_json(
            &format!("/api/v1/families/{first_family}/export"),
            &coordinator,
        )
        .await;
    assert_eq!(export["linked_files"][0]["family_id"], json!(second_family));
    assert_eq!(export["linked_files"][0]["note"], note);
    assert_eq!(export["family"]["mother"]["birth_place"], "Créteil");
}

#[tokio::test]
async fn the_search_finds_by_fragments_by_sound_and_by_birth_date_within_need_to_know() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let child = days_ago(60);
    let lefevre = created(
        &app,
        &coordinator,
        &mother("Awa", "Lefèvre", None, "1999-02-07", child),
    )
    .await;
    let married = created(
        &app,
        &coordinator,
        &mother("Mariam", "Martin", Some("Diallo"), "2000-06-21", child),
    )
    .await;
    let nguyen = created(
        &app,
        &coordinator,
        &mother("Thị Hoa", "Nguyễn", None, "1995-10-30", child),
    )
    .await;
    let ids_of = |answer: &Value| -> Vec<String> {
        answer["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|hit| hit["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let family = |referral: &Value| referral["family_id"].as_str().expect("family").to_owned();
    let search = |query: &str| {
        let path = format!("/api/v1/families/search?{query}");
        let token = coordinator.clone();
        let app = &app;
        async move { app.get_json(&path, &token).await }
    };
    // By sound, by the name at birth, by a fragment without its accent.
    assert_eq!(
        ids_of(&search("q=le%20febvre").await),
        vec![family(&lefevre)]
    );
    assert_eq!(ids_of(&search("q=DIALLO").await), vec![family(&married)]);
    assert_eq!(ids_of(&search("q=nguy").await), vec![family(&nguyen)]);
    // By the birth date, also read the other way; both narrow each other.
    assert_eq!(
        ids_of(&search("birth_date=1999-07-02").await),
        vec![family(&lefevre)]
    );
    assert_eq!(
        ids_of(&search("q=martin&birth_date=1999-02-07").await),
        Vec::<String>::new()
    );
    let hit = &search("q=martin%20mariam&birth_date=2000-06-21").await["items"][0];
    assert_eq!(hit["birth_last_name"], "Diallo");
    assert_eq!(hit["status"], "waiting");
    // Ranked and paged: the whole name before a fragment.
    let lefort = created(
        &app,
        &coordinator,
        &mother("Awa", "Lefort", None, "1990-01-25", child),
    )
    .await;
    let page = search("q=awa%20lef&limit=1").await;
    assert_eq!(page["items"].as_array().expect("items").len(), 1);
    let cursor = page["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let next = search(&format!("q=awa%20lef&limit=1&cursor={cursor}")).await;
    let mut both = [ids_of(&page), ids_of(&next)].concat();
    both.sort_unstable();
    let mut expected = vec![family(&lefevre), family(&lefort)];
    expected.sort_unstable();
    assert_eq!(both, expected);
    // A closed file is found by a coordinator.
    app.decline(&coordinator, &nguyen, "Hors critères.").await;
    let closed = &search("q=nguyen").await["items"][0];
    assert_eq!(closed["status"], "closed");
    // Nothing to search by: refused.
    let empty = app
        .get("/api/v1/families/search?q=%20-%20", Some(&coordinator))
        .await;
    assert_invalid(empty, &["q"]).await;

    // A social worker finds only the families she accompanies.
    let (staff_id, staff) = app.staff_member("ines.moreau").await;
    let placed = app.admit(&coordinator, &married, days_ago(5)).await;
    let married_family = placed["family_id"].as_str().expect("family");
    app.assign(&coordinator, married_family, &staff_id, &[])
        .await;
    let hers = app.get_json("/api/v1/families/search?q=a", &staff).await;
    assert_eq!(ids_of(&hers), vec![married_family.to_owned()]);
    let other = app
        .get_json("/api/v1/families/search?q=lefevre", &staff)
        .await;
    assert_eq!(
        other["items"],
        json!([]),
        "another team's file stays unseen"
    );
    let admin = app.admin_token().await;
    assert_problem(
        app.get("/api/v1/families/search?q=a", Some(&admin)).await,
        403,
        "forbidden",
    )
    .await;
    let actions = app.audit_actions(&admin, married_family).await;
    assert!(actions.contains(&"family.search".to_owned()), "{actions:?}");
}

#[tokio::test]
async fn two_referrals_of_one_new_mother_at_once_make_one_file() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let body = mother("Salimata", "Diarra", None, "1997-08-19", days_ago(20));
    let attempts = (0..3).map(|_| refer(&app, &coordinator, &body)).collect();
    let (_, _, losers) = the_one_winner(join_all(attempts).await, 201).await;
    for loser in losers {
        let problem = assert_problem(loser, 409, "possible_duplicate").await;
        assert_eq!(
            problem["candidates"].as_array().expect("candidates").len(),
            1
        );
    }
    assert_eq!(family_count(&app, &coordinator).await, 1);
}
