#!/usr/bin/env python3
"""The web pages in a real browser: Debian's Chromium driven by Playwright,
through the journeys of a social worker, a coordinator, the director, a
coordinator of two sites she makes, and the head office on a server
loaded with `nido demo-data` (two sites).

At every page visited: axe-core must find no serious or critical violation,
and a screenshot is written at 390x844 (a phone) and 1280x800 under the
screenshots directory, to be looked at.

Usage: journeys.py BASE_URL INITIAL_ADMIN_PASSWORD_FILE
Environment: NIDO_SCREENSHOTS (default target/screenshots),
             NIDO_AXE (default target/axe/node_modules/axe-core/axe.min.js).
"""

import datetime
import os
import pathlib
import sys
import traceback

from playwright.sync_api import Page, expect, sync_playwright

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import totp  # noqa: E402  (.ci/totp.py: the codes an authenticator app shows)

BASE = sys.argv[1].rstrip("/")
ADMIN_PASSWORD_FILE = pathlib.Path(sys.argv[2])
SHOTS = pathlib.Path(os.environ.get("NIDO_SCREENSHOTS", "target/screenshots"))
AXE = pathlib.Path(
    os.environ.get("NIDO_AXE", "target/axe/node_modules/axe-core/axe.min.js")
).read_text()
DEMO_PASSWORD = "voie-lactee-demo-2026"
SIZES = {"telephone": (390, 844), "bureau": (1280, 800)}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

problems: list[str] = []
pages_checked = 0


def checkpoint(page: Page, name: str) -> None:
    """axe-core on the page as it is, then a screenshot at each size."""
    global pages_checked
    pages_checked += 1
    # Evaluated through the DevTools protocol: the page's CSP (script-src
    # 'self') rightly refuses injected script tags.
    page.evaluate(AXE)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    for violation in result:
        line = f"{name}: axe {violation['impact']} {violation['id']} ({violation['help']}) at {violation['nodes']}"
        if violation["impact"] in ("serious", "critical"):
            problems.append(line)
            print("  FAIL", line)
        else:
            print("  note", line)
    current = page.viewport_size
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{name}: wider than the {width}-px screen by {overflow} px")
            print(f"  FAIL {name}: {overflow} px of horizontal overflow at {width} px")
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(current)
    print(f"  checked {name} ({page.url})")


def submitted(page: Page, button: str, notice: str) -> bool:
    """Sends a form by its button and waits for the page that answers:
    True when it says `notice` in its status line, False when it shows a
    refusal. Never reads the page that was there before the answer."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    done = page.get_by_role("status").filter(has_text=notice)
    expect(done.or_(page.get_by_role("alert")).first).to_be_visible()
    return done.count() > 0


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto(BASE + "/")
    expect(page).to_have_url(BASE + "/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def enrol(page: Page, name: str) -> str:
    """A first sign-in of a role that requires a second factor: nido shows
    /securite only; she scans the QR code (here: reads the secret under it),
    types the first code and is shown her recovery codes. The secret."""
    expect(page).to_have_url(BASE + "/securite")
    expect(page.get_by_role("status")).to_contain_text("Votre rôle demande une double authentification")
    checkpoint(page, f"securite-{name}")
    page.get_by_role("button", name="Activer la double authentification").click()
    expect(page.get_by_role("img", name="QR code", exact=False)).to_be_visible()
    checkpoint(page, f"securite-qr-{name}")
    secret = page.locator(".secret").inner_text().replace(" ", "")
    # The previous step's code: the current one stays free for a sign-in.
    page.get_by_label("Code à 6 chiffres").fill(totp.code(secret, -1))
    page.get_by_role("button", name="Activer", exact=True).click()
    expect(page.get_by_role("heading", name="Vos codes de secours")).to_be_visible()
    checkpoint(page, f"codes-de-secours-{name}")
    page.get_by_role("link", name="Continuer vers l'accueil").click()
    return secret


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(BASE + "/connexion?fin=1")
    expect(page.get_by_role("status")).to_contain_text("déconnecté")


def social_worker(page: Page) -> None:
    """Inès signs in, finds a family, logs a visit with a follow-up action,
    sees both on the journal, and signs out."""
    page.goto(BASE + "/")
    expect(page).to_have_url(BASE + "/connexion")
    checkpoint(page, "connexion")
    page.get_by_label("Adresse électronique").fill("ines.morel@nido.example")
    page.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("mot de passe incorrect")
    checkpoint(page, "connexion-refusee")

    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(BASE + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Inès")
    checkpoint(page, "accueil")

    # The keyboard: the first Tab reaches the skip link, which leads to the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(BASE + "/#contenu")

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Familles"
    ).click()
    expect(page).to_have_url(BASE + "/familles")
    checkpoint(page, "familles")
    first = page.locator(".family-card__name a").first
    mother = first.inner_text()
    last_name = mother.split()[-1]
    page.get_by_label("Rechercher par nom").fill(last_name[:4].lower())
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator(".family-card__name a").first).to_have_text(mother)
    checkpoint(page, "familles-recherche")

    page.get_by_role("link", name=mother).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(mother)
    checkpoint(page, "famille")

    # A follow-up action without its date: refused, said beside the field,
    # nothing typed lost.
    summary = f"Visite à domicile du navigateur ({datetime.datetime.now():%H:%M:%S}) : point sur le budget et les démarches CAF."
    form = page.locator("form[data-intervention-form]")
    form.get_by_label("Type d'intervention").select_option("home_visit")
    form.get_by_label("Durée (minutes)").fill("45")
    form.get_by_label("Compte rendu").fill(summary)
    form.get_by_label("Ce qu'il faut faire").first.fill("Relancer la CAF pour l'APL")
    form.get_by_role("button", name="Enregistrer l'intervention").click()
    alert = page.locator("#erreurs-intervention")
    expect(alert).to_contain_text("date d'échéance")
    expect(alert).to_be_focused()
    expect(page.locator("#action_due_on_0-erreur")).to_contain_text("date d'échéance")
    expect(page.get_by_label("Compte rendu")).to_have_value(summary)
    checkpoint(page, "famille-intervention-refusee")

    due = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    page.locator("#action_due_on_0").fill(due)
    page.get_by_role("button", name="Enregistrer l'intervention").click()
    expect(page.get_by_role("status")).to_have_text("Intervention enregistrée.")
    journal = page.locator("#journal")
    expect(journal).to_contain_text(summary)
    expect(journal).to_contain_text("Relancer la CAF pour l'APL")
    checkpoint(page, "famille-intervention-enregistree")

    # A scan added to the paper file with the plain form, then downloaded:
    # the same bytes come back.
    scan = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    documents = page.locator("#documents")
    documents.get_by_text("Ajouter un document").click()
    documents.get_by_label("Fichier", exact=False).set_input_files(
        {"name": "avis-imposition.pdf", "mimeType": "application/pdf", "buffer": scan}
    )
    documents.get_by_label("Nature").select_option("income")
    documents.get_by_label("Titre").fill("Avis d'imposition (navigateur)")
    checkpoint(page, "famille-document-formulaire")
    documents.get_by_role("button", name="Ajouter le document").click()
    expect(page.get_by_role("status")).to_have_text("Document ajouté au dossier.")
    link = page.locator("#documents").get_by_role("link", name="Avis d'imposition (navigateur)")
    expect(link).to_be_visible()
    checkpoint(page, "famille-document-ajoute")
    with page.expect_download() as download:
        link.click()
    saved = download.value.path()
    if pathlib.Path(saved).read_bytes() != scan:
        problems.append("the downloaded document is not the one uploaded")

    # The contract of stay, printed by nido from what it knows.
    with page.expect_download() as download:
        page.get_by_role("link", name="Contrat de séjour (PDF)").click()
    contract = pathlib.Path(download.value.path()).read_bytes()
    if not contract.startswith(b"%PDF-") or b"pdfaid:part>2<" not in contract:
        problems.append("the contract downloaded is not a PDF/A-2")

    # The way to a home: she records the SIAO application she filed today,
    # with the keyboard-usable plain form of "Parcours logement".
    parcours = page.locator("#parcours")
    expect(parcours.get_by_role("heading", name="Parcours logement")).to_be_visible()
    parcours.get_by_text("Ajouter une démarche").click()
    adding = parcours.locator("form[action$='/demarches']")
    adding.get_by_label("Démarche", exact=True).select_option("siao_application")
    adding.get_by_label("Où elle en est").select_option("filed")
    adding.get_by_label("Déposée le").fill(datetime.date.today().isoformat())
    adding.get_by_label("Référence", exact=False).fill("SI-SIAO navigateur")
    # Forgotten: what the SIAO is asked for. Refused beside the field.
    adding.get_by_role("button", name="Ajouter la démarche").click()
    expect(page.locator("#new_demand-erreur")).to_be_visible()
    checkpoint(page, "famille-parcours-refuse")
    adding = page.locator("#parcours form[action$='/demarches']")
    expect(adding.get_by_label("Référence", exact=False)).to_have_value("SI-SIAO navigateur")
    adding.get_by_label("Demande", exact=True).select_option("insertion")
    adding.get_by_role("button", name="Ajouter la démarche").click()
    expect(page.get_by_role("status")).to_have_text("Démarche de logement enregistrée.")
    expect(page.locator("#parcours")).to_contain_text("SI-SIAO navigateur")
    checkpoint(page, "famille-parcours")

    # A family she does not accompany reads as one that does not exist.
    page.goto(BASE + "/familles/01234567-89ab-7def-8123-456789abcdef")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    checkpoint(page, "introuvable")

    page.goto(BASE + "/")
    expect(page.locator("#titre-actions + ul, #titre-actions ~ ul").first).to_contain_text(
        "Relancer la CAF pour l'APL"
    )
    # Her morning digest, by mail (the server is started with mail on).
    page.get_by_role("link", name="Sécurité").click()
    page.get_by_label("Recevoir chaque matin le résumé de mes échéances").check()
    assert submitted(page, "Enregistrer", "C'est noté")
    expect(page.get_by_label("Recevoir chaque matin le résumé de mes échéances")).to_be_checked()
    checkpoint(page, "securite-courriels")
    sign_out(page)
    checkpoint(page, "deconnexion")

    # A forgotten password: a link by mail, whatever the address typed.
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page).to_have_url(BASE + "/mot-de-passe/oubli")
    checkpoint(page, "mot-de-passe-oubli")
    page.get_by_label("Adresse électronique").fill("ines.morel@nido.example")
    assert submitted(page, "Recevoir un lien", "Si un compte actif correspond")
    checkpoint(page, "mot-de-passe-oubli-envoye")
    # A link that is not (or no longer) valid: said, with the way to another.
    page.goto(BASE + "/mot-de-passe/nouveau?jeton=" + "A" * 43)
    checkpoint(page, "mot-de-passe-nouveau")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("girouette-sarrasin-pelote-58")
    page.get_by_label("Nouveau mot de passe, encore une fois").fill("girouette-sarrasin-pelote-58")
    assert not submitted(page, "Enregistrer le nouveau mot de passe", "enregistré")
    expect(page.get_by_role("alert")).to_contain_text("Ce lien n'est plus valable")
    checkpoint(page, "mot-de-passe-lien-invalide")
    page.goto(BASE + "/familles")
    expect(page).to_have_url(BASE + "/connexion?suite=%2Ffamilles")


def coordinator(page: Page) -> None:
    """Nadia sees the centre's due dates and every family."""
    sign_in(page, "nadia.haddad@nido.example", DEMO_PASSWORD)
    secret = enrol(page, "coordination")
    expect(page.get_by_role("heading", name="Échéances du centre")).to_be_visible()
    # From now on, the password alone opens nothing: the code follows.
    sign_out(page)
    sign_in(page, "nadia.haddad@nido.example", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Code de vérification")).to_be_visible()
    checkpoint(page, "connexion-code")
    page.get_by_label("Code", exact=True).fill(totp.code(secret))
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", name="Échéances du centre")).to_be_visible()
    checkpoint(page, "accueil-coordination")
    page.get_by_role("link", name="Familles").first.click()
    expect(page.locator(".family-card")).not_to_have_count(0)
    page.locator(".family-card__name a").nth(3).click()
    expect(page.get_by_role("heading", name="Journal")).to_be_visible()
    checkpoint(page, "famille-coordination")
    coordination(page)
    sign_out(page)


def refer(page: Page, last_name: str, born: str) -> None:
    """Fills in the new-referral form for a mother with no child yet."""
    page.locator("#mother_first_name").fill("Maïmouna")
    page.locator("#mother_last_name").fill(last_name)
    page.locator("#mother_birth_date").fill(born)
    page.locator("#source").select_option("ase")
    page.locator("#eds").fill("Vitry-sur-Seine")
    page.locator("#referrer_name").fill("Claire Fontaine")
    page.locator("#referrer_contact").fill("eds.vitry@example.org")
    page.locator("#reason").select_option("distress")


def identity(page: Page) -> None:
    """Nadia refers a mother twice under two spellings: the form shows her
    first file, and Nadia confirms a new one with the reason; a third
    referral, one digit of the birth day apart, is taken with a warning,
    and Nadia links the files on "Doublons possibles"."""
    refer(page, "Sissoko", "1998-03-14")
    if not submitted(page, "Enregistrer l'orientation", "Orientation enregistrée"):
        problems.append("identity: a first referral was refused")
        return
    refer(page, "Sissokho", "1998-03-14")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer l'orientation", exact=True).click()
    expect(page.get_by_role("heading", name="Cette mère a peut-être déjà un dossier")).to_be_visible()
    checkpoint(page, "liste-attente-doublon")
    page.get_by_label("Pourquoi est-ce une autre personne ?").fill(
        "Sa sœur aînée : l'EDS confirme deux personnes."
    )
    if not submitted(page, "Ce n'est aucune d'elles : créer un nouveau dossier", "Orientation enregistrée"):
        problems.append("identity: a new file confirmed with its reason was refused")
        return
    refer(page, "Sissoko", "1998-03-15")
    if not submitted(page, "Enregistrer l'orientation", "doublons possibles"):
        problems.append("identity: a referral alike to another was not taken with a warning")
        return
    page.get_by_role("link", name="Voir les doublons possibles").click()
    expect(page.get_by_role("heading", name="Dossiers qui se ressemblent")).to_be_visible()
    checkpoint(page, "doublons")
    pair = page.locator(".items > li").first
    other = pair.locator(".pair__side a").first.get_attribute("href")
    pair.get_by_label("Même personne : lier les dossiers").check()
    pair.get_by_label("Note : ce qui a été vérifié").fill("Même mère : le jour de naissance était mal recopié.")
    with page.expect_navigation():
        pair.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("status")).to_contain_text("les deux dossiers sont liés")
    checkpoint(page, "doublons-decision")
    page.goto(BASE + other)
    expect(page.get_by_role("heading", name="Dossiers liés")).to_be_visible()
    checkpoint(page, "famille-dossiers-lies")


def coordination(page: Page) -> None:
    """Nadia's waiting list and possible duplicates, crèche and due dates,
    then a renewal from a family page."""
    page.get_by_role("link", name="Liste d'attente").click()
    expect(page.get_by_role("heading", name="Nouvelle orientation")).to_be_visible()
    checkpoint(page, "liste-attente")
    identity(page)
    page.get_by_role("link", name="Crèche").click()
    expect(page.get_by_role("heading", name="Réserver une place")).to_be_visible()
    expect(page.get_by_role("heading", name="Planning du", exact=False)).to_be_visible()
    checkpoint(page, "creche")
    # The year's activity report for the département, printed by nido.
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Rapports"
    ).click()
    expect(page.get_by_role("heading", name="Rapport d'activité")).to_be_visible()
    checkpoint(page, "rapports")
    this_year = page.locator(".papers a").first
    with page.expect_download() as download:
        this_year.click()
    report = pathlib.Path(download.value.path()).read_bytes()
    if not report.startswith(b"%PDF-"):
        problems.append("the activity report downloaded is not a PDF")
    page.get_by_role("link", name="Échéances").click()
    expect(page.get_by_role("heading", name="En retard", exact=False)).to_be_visible()
    checkpoint(page, "echeances")
    # The first family whose period can still be renewed.
    links = page.locator(".item__title a")
    for index in range(links.count()):
        page.goto(BASE + "/echeances")
        page.locator(".item__title a").nth(index).click()
        expect(page.get_by_role("heading", name="Journal")).to_be_visible()
        summary = page.get_by_text("Renouveler la prise en charge")
        if summary.count() == 0:
            continue
        summary.click()
        page.get_by_label("Décidée par").fill("ASE du Val-de-Marne")
        if submitted(page, "Renouveler", "Renouvellement enregistré"):
            checkpoint(page, "famille-renouvelee")
            return
        checkpoint(page, "famille-renouvellement-refuse")
    problems.append("coordination: no placement could be renewed")


def director(page: Page) -> None:
    """The director's first sign-in, with the one-time password: she must
    choose her own first, then enrol a second factor; the families are not
    hers to read."""
    one_time = ADMIN_PASSWORD_FILE.read_text().strip()
    sign_in(page, "admin@nido.local", one_time)
    expect(page).to_have_url(BASE + "/mot-de-passe")
    checkpoint(page, "mot-de-passe")
    page.get_by_label("Mot de passe actuel").fill(one_time)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("lanterne-glycine-horizon-58")
    page.get_by_label("Nouveau mot de passe, encore une fois").fill("lanterne-glycine-horizon-58")
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    # Admins must have a second factor: nido asks for it before anything else.
    enrol(page, "direction")
    checkpoint(page, "accueil-direction")
    page.goto(BASE + "/familles")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    checkpoint(page, "acces-refuse")
    page.goto(BASE + "/")
    housing(page)
    administration(page)
    sign_out(page)


def housing(page: Page) -> None:
    """Logements: who lives where, a family moved into a vacant unit, the
    occupancy report and its CSV."""
    menu = page.get_by_role("navigation", name="Navigation principale")
    menu.get_by_role("link", name="Logements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logements")
    checkpoint(page, "logements")
    vacant = page.locator("#vacances tbody tr td:first-child").all_inner_texts()
    family = page.locator("#demenagement-placement_id option").nth(1).inner_text()
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    moved = False
    for label in vacant:
        page.select_option("#demenagement-placement_id", label=family)
        page.select_option("#demenagement-unit_id", label=label)
        page.fill("#demenagement-on", tomorrow)
        if submitted(page, "Enregistrer le déménagement", "déménagement a été enregistré"):
            moved = True
            break
        # Refused (too small, say): the reason in French, then the next one.
        expect(page.get_by_role("alert").first).to_contain_text("n'a pas été enregistré")
    if not moved:
        raise AssertionError(f"no vacant unit took {family}")
    checkpoint(page, "logements-demenagement")
    page.get_by_role("button", name="Calculer").click()
    expect(page.get_by_role("table").filter(has_text="Ensemble du parc")).to_be_visible()
    link = page.get_by_role("link", name="Télécharger le rapport (CSV pour Excel)")
    csv = page.request.get(BASE + link.get_attribute("href"))
    if csv.status != 200 or not csv.headers["content-type"].startswith("text/csv"):
        raise AssertionError(f"the report's CSV answered {csv.status} {csv.headers}")
    checkpoint(page, "logements-rapport")


TWO_SITES_EMAIL = "sophie.brun@nido.example"
TWO_SITES_ONE_TIME = "lanterne-ardoise-quartz-19"


def administration(page: Page) -> None:
    """The users (each naming its sites), a coordinator of both sites made
    on the page (her sites ticked), one account's page, and the audit log."""
    menu = page.get_by_role("navigation", name="Navigation principale")
    menu.get_by_role("link", name="Utilisateurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utilisateurs")
    expect(page.get_by_text("Établissements : Centre maternel Les Tilleuls, Centre maternel d'Ivry")).to_be_visible()
    checkpoint(page, "utilisateurs")
    form = page.locator("#nouveau-compte")
    form.get_by_label("Nom affiché").fill("Sophie Brun")
    form.get_by_label("Adresse électronique").fill(TWO_SITES_EMAIL)
    form.get_by_label("Rôle").select_option("coordinator")
    form.get_by_label("Métier").select_option("coordinator")
    form.get_by_label("Mot de passe à usage unique").fill(TWO_SITES_ONE_TIME)
    # No site ticked: refused next to the boxes, then both ticked.
    if submitted(page, "Créer le compte", "Le compte a été créé"):
        raise AssertionError("an account with no site was created")
    expect(page.locator("#compte-site_ids-erreur")).to_be_visible()
    checkpoint(page, "utilisateurs-sans-etablissement")
    form.get_by_label("Mot de passe à usage unique").fill(TWO_SITES_ONE_TIME)
    form.get_by_label("Centre maternel Les Tilleuls").check()
    form.get_by_label("Centre maternel d'Ivry").check()
    if not submitted(page, "Créer le compte", "Le compte a été créé"):
        raise AssertionError("the coordinator of both sites was refused")
    page.locator(".family-card__name a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compte de")
    checkpoint(page, "utilisateur")
    menu.get_by_role("link", name="Journal d'audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
    expect(page.locator("code", has_text="placement.move").first).to_be_visible()
    checkpoint(page, "journal")


def coordinator_of_two_sites(page: Page) -> None:
    """The coordinator the director made for both sites: her first sign-in
    (her own password, her second factor); the crèche asks which site's,
    the switcher's choice opens Ivry's, and her referral form offers Ivry
    first."""
    sign_in(page, TWO_SITES_EMAIL, TWO_SITES_ONE_TIME)
    expect(page).to_have_url(BASE + "/mot-de-passe")
    page.get_by_label("Mot de passe actuel").fill(TWO_SITES_ONE_TIME)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("glycine-boussole-renard-72")
    page.get_by_label("Nouveau mot de passe, encore une fois").fill("glycine-boussole-renard-72")
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    enrol(page, "deux-etablissements")
    menu = page.get_by_role("navigation", name="Navigation principale")
    menu.get_by_role("link", name="Crèche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Crèche")
    expect(page.get_by_text("choisissez l'établissement")).to_be_visible()
    checkpoint(page, "creche-choisir-etablissement")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Centre maternel d'Ivry").click()
    expect(page).to_have_url(BASE + "/creche")
    expect(page.get_by_label("Établissement")).to_have_value(
        page.locator("#etablissement option", has_text="Ivry").get_attribute("value")
    )
    checkpoint(page, "creche-ivry")
    menu.get_by_role("link", name="Liste d'attente").click()
    site = page.locator("main").get_by_label("Établissement")
    expect(site.locator("option:checked")).to_have_text("Centre maternel d'Ivry")
    checkpoint(page, "liste-attente-deux-etablissements")
    sign_out(page)


def head_office(page: Page) -> None:
    """The association's head office across the demo's two sites: she
    enrols her second factor, reads both sites' families (each naming its
    site), narrows them to Ivry with the switcher, opens an Ivry family
    (its summary, read only), and finds the due dates of every site and
    each site's activity report."""
    sign_in(page, "catherine.vidal@nido.example", DEMO_PASSWORD)
    enrol(page, "siege")
    checkpoint(page, "accueil-siege")
    menu = page.get_by_role("navigation", name="Navigation principale")
    menu.get_by_role("link", name="Familles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Familles")
    cards = page.locator(".family-card")
    expect(cards.filter(has_text="Fanta Bamba")).to_contain_text("Centre maternel d'Ivry")
    expect(cards.filter(has_text="Awa Diallo")).to_have_count(1)
    checkpoint(page, "familles-siege")
    page.get_by_label("Établissement").select_option(label="Centre maternel d'Ivry")
    with page.expect_navigation():
        page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(BASE + "/familles")
    expect(cards.filter(has_text="Fanta Bamba")).to_have_count(1)
    expect(cards.filter(has_text="Awa Diallo")).to_have_count(0)
    checkpoint(page, "familles-siege-ivry")
    page.get_by_role("link", name="Fanta Bamba").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fanta Bamba")
    expect(page.get_by_text("Lecture seule")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)
    checkpoint(page, "famille-siege")
    menu.get_by_role("link", name="Échéances").click()
    expect(page.get_by_text("de tous les établissements")).to_be_visible()
    checkpoint(page, "echeances-siege")
    menu.get_by_role("link", name="Rapports").click()
    report = page.get_by_role("link", name="Centre maternel d'Ivry", exact=False).first
    pdf = page.request.get(BASE + report.get_attribute("href"))
    if pdf.status != 200 or pdf.headers["content-type"] != "application/pdf":
        raise AssertionError(f"Ivry's activity report answered {pdf.status} {pdf.headers}")
    checkpoint(page, "rapports-siege")
    sign_out(page)


def main() -> int:
    SHOTS.mkdir(parents=True, exist_ok=True)
    journeys = [social_worker, coordinator, director, coordinator_of_two_sites, head_office]
    passed = failed = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=CHROMIUM_ARGS,
        )
        for journey in journeys:
            print(f"journey: {journey.__name__}")
            context = browser.new_context(
                viewport={"width": 1280, "height": 800}, locale="fr-FR"
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            before = len(problems)
            try:
                journey(page)
            except Exception:  # a failed step: report it, go on with the others
                traceback.print_exc()
                problems.append(f"{journey.__name__}: a step failed")
                page.screenshot(path=str(SHOTS / f"echec-{journey.__name__}.png"), full_page=True)
            finally:
                context.close()
            if len(problems) == before:
                passed += 1
            else:
                failed += 1
        browser.close()
    print(f"\n{pages_checked} pages checked with axe-core; screenshots in {SHOTS}")
    for problem in problems:
        print("problem:", problem)
    print(f"browser journeys: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
