"""The text engine's reading: negation, permission, modality, locations and its contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requalify.engine import SUPPORTED_LANGUAGES, detect_text, get_nlp
from requalify.engine.text import detect_sentence, scan, compiled
from requalify.errors import UnsupportedLanguage
from requalify.parsers import parse_document
from requalify.rules import load_rules

REPO = Path(__file__).resolve().parent.parent
RULES = load_rules()


def found(lang: str, text: str) -> tuple[str, ...]:
    return detect_sentence(RULES, lang, text)


@pytest.mark.parametrize("lang, text", [
    ("en", "You are free to refuse any trip."),
    ("en", "You may decline any delivery offer without any consequence."),
    ("fr", "Le chauffeur est libre de refuser toute course, sans que ce refus n'entraîne de sanction."),
    ("fr", "Le coursier n'est pas tenu d'accepter les commandes qui lui sont proposées."),
])
def test_permission_is_a_counter_indicator_not_a_sanction(lang, text):
    got = found(lang, text)
    assert "freedom_to_refuse" in got
    assert "sanction_for_refusals" not in got


@pytest.mark.parametrize("lang, text", [
    ("en", "The platform may not deactivate your account without a human review."),
    ("en", "We will never suspend your account because of a low rating."),
    ("fr", "La plateforme ne peut pas désactiver le compte d'un chauffeur sans motif écrit."),
])
def test_negated_power_is_not_found(lang, text):
    assert "deactivation_power" not in found(lang, text)


@pytest.mark.parametrize("lang, text", [
    ("en", "The platform may deactivate your account if you do not complete your documents."),
    ("fr", "Les comptes qui ne sont pas utilisés pendant six mois peuvent être désactivés par la plateforme."),
    ("fr", "Si le chauffeur ne respecte pas la charte, la plateforme peut suspendre son compte."),
])
def test_negation_elsewhere_in_the_sentence_does_not_cancel(lang, text):
    assert "deactivation_power" in found(lang, text)


@pytest.mark.parametrize("lang, text, indicator", [
    ("en", "We may deactivate your account and not only suspend it.", "deactivation_power"),
    ("en", "We will set the fare and not you.", "unilateral_pricing"),
])
def test_a_negation_after_a_coordinator_opens_another_phrase(lang, text, indicator):
    assert indicator in found(lang, text)


def test_a_negation_named_by_the_pattern_is_part_of_the_cue():
    assert "free_working_time" in found("en", "You decide whether or not to log in on any given day.")


def test_negated_permission_is_not_a_freedom():
    assert "freedom_to_refuse" not in found("en", "You are not free to refuse deliveries during a booked slot.")
    assert "freedom_to_refuse" not in found("fr", "Le coursier n'est pas libre de refuser les commandes.")


@pytest.mark.parametrize("lang, ruled, bare", [
    ("en", "Couriers must wear the branded jacket.", "Couriers wear the branded jacket."),
    ("fr", "Le coursier doit porter la tenue de la marque.", "Le coursier porte la tenue de la marque."),
])
def test_modality_is_required_where_the_rule_says_so(lang, ruled, bare):
    assert "appearance_equipment_rules" in found(lang, ruled)
    assert "appearance_equipment_rules" not in found(lang, bare)


def test_obligation_strengthens_a_finding():
    comp = compiled(RULES, "en")
    weak = [h for h in scan(comp, "Your acceptance rate is tracked.") if h.indicator == "performance_monitoring"]
    strong = [h for h in scan(comp, "You must keep an acceptance rate that we track.")
              if h.indicator == "performance_monitoring"]
    assert weak and strong and strong[0].strength > weak[0].strength


def test_prohibition_is_the_indicator():
    assert "no_own_clientele" in found("en", "You must not solicit customers met through the app.")
    assert "confidentiality_gag" in found("fr", "Il est interdit au livreur de divulguer toute information concernant les clients.")


def test_status_label_is_recorded_even_when_phrased_negatively():
    assert "independent_status_label" in found("en", "You are not an employee of the platform.")


def test_unsupported_language_names_it(tmp_path):
    path = tmp_path / "agb.txt"
    path.write_text("Der Fahrer ist verpflichtet, die Anweisungen der Plattform zu befolgen und die App zu nutzen. "
                    "Die Plattform kann das Konto jederzeit sperren.\n", encoding="utf-8")
    doc = parse_document(path)
    with pytest.raises(UnsupportedLanguage) as err:
        detect_text(doc, RULES)
    assert "German" in str(err.value) and str(path) in str(err.value)
    assert SUPPORTED_LANGUAGES == ("fr", "en")


def test_get_nlp_is_cached():
    assert get_nlp("en") is get_nlp("en")


def test_importing_the_engine_does_not_import_spacy():
    code = "import sys, requalify.engine; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


CORPUS_DOCS = sorted((REPO / "corpus" / "tos").glob("*.*"))


@pytest.mark.parametrize("path", CORPUS_DOCS, ids=[p.name for p in CORPUS_DOCS])
def test_quotes_are_the_source_text_at_their_offsets_and_lines(path):
    doc = parse_document(path)
    findings = detect_text(doc, RULES)
    assert findings
    source = path.read_text(encoding="utf-8") if doc.source.format in ("md", "txt", "html") else None
    for f in findings:
        loc = f.source
        assert f.quote == " ".join(doc.text[loc.char_start:loc.char_end].split())
        assert doc.text[loc.char_start:loc.char_end] == doc.text[loc.char_start:loc.char_end].strip()
        assert loc.line_start == doc.line_at(loc.char_start) and loc.line_end == doc.line_at(loc.char_end - 1)
        assert loc.path == str(path) and loc.sha256 == doc.source.sha256
        if source is not None:
            lines = source.split("\n")[loc.line_start - 1:loc.line_end]
            first_words = f.quote.split()[:3]
            assert all(w in " ".join(lines) for w in first_words), (f.quote, lines)
        assert f.polarity == RULES.indicators[f.indicator].polarity
        assert 0 < f.strength <= 1 and f.cue
    keys = [(f.source.char_start, f.indicator) for f in findings]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_one_finding_per_indicator_and_sentence():
    text = "Roulio peut suspendre le compte du chauffeur, désactiver son compte ou bloquer son accès."
    hits = scan(compiled(RULES, "fr"), text)
    assert [h.indicator for h in hits].count("deactivation_power") == 1


@pytest.mark.parametrize("lang, text, indicator", [
    ("en", "We may suspend your account in the following cases:\n- you decline more than ten ride requests in a day;\n"
           "- you use a vehicle that has not been approved.", "sanction_for_refusals"),
    ("fr", "La plateforme peut désactiver le compte du chauffeur dans les cas suivants :\n"
           "- refus de plus de dix courses dans la journée ;\n- usage d'un véhicule non agréé.", "sanction_for_refusals"),
])
def test_a_list_item_is_read_with_its_lead(lang, text, indicator):
    item = text.split("\n")[1]
    assert indicator in found(lang, text)
    assert indicator not in found(lang, item)


def test_a_lead_and_its_item_are_quoted_together_once_per_indicator(tmp_path):
    path = tmp_path / "terms.md"
    path.write_text(
        "# Sanctions\n\nWe may suspend your account in the following cases:\n\n"
        "- you decline more than ten ride requests in a day;\n\n- you decline more than ten delivery offers in a week.\n",
        encoding="utf-8",
    )
    hits = [f for f in detect_text(parse_document(path), RULES) if f.indicator == "sanction_for_refusals"]
    assert len(hits) == 1
    assert hits[0].source.line_start == 3 and hits[0].source.line_end == 5
    assert hits[0].quote.startswith("We may suspend your account") and hits[0].quote.endswith("in a day;")


@pytest.mark.parametrize("lang, text, indicator", [
    ("fr", "La société décline toute responsabilité en cas de suspension ou de perte des données.", "sanction_for_refusals"),
    ("fr", "L'accès au service est réservé exclusivement aux personnes majeures.", "exclusivity_non_compete"),
    ("en", "You are required to select a payment schedule when you register.", "working_time_constraints"),
    ("en", "These Claims include any dispute relating to the suspension or deactivation of your account.", "deactivation_power"),
    ("en", "If the Passenger fails or refuses to pay the Fare, we will send a notice of debt.", "unpaid_rejected_work"),
    ("en", "You may request the Passenger to pay a contractual penalty of up to 140 EUR.", "penalty_system"),
])
def test_boilerplate_is_not_read_literally(lang, text, indicator):
    assert indicator not in found(lang, text)


def test_generic_cues_come_from_the_ruleset(tmp_path):
    import shutil
    from importlib import resources

    dst = tmp_path / "rules"
    shutil.copytree(str(resources.files("requalify.rules")), dst, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    cues = dst / "cues.yaml"
    cues.write_text(cues.read_text(encoding="utf-8").replace("    - free to\n", "    - free to\n    - at liberty to\n"),
                    encoding="utf-8")
    custom = load_rules(dst)
    text = "You are at liberty to deactivate your account."
    assert "deactivation_power" in detect_sentence(RULES, "en", text)
    assert "deactivation_power" not in detect_sentence(custom, "en", text)


@pytest.mark.parametrize("lang, text, denied, kept", [
    ("en", "You are not required to: accept any particular job; work a minimum number of hours; wear a uniform.",
     "working_time_constraints", "freedom_to_refuse"),
    ("en", "We do not: (a) set your working hours; (b) require you to accept jobs; (c) monitor your location.",
     "realtime_geolocation", None),
    ("en", "You are not required to:\n- accept any particular job;\n"
           "- work a minimum number of hours every single week of the year, including public holidays.",
     "working_time_constraints", "freedom_to_refuse"),
    ("fr", "Le Partenaire n'est pas tenu : d'accepter les courses ; de se connecter un nombre minimum d'heures ; "
           "de porter une tenue aux couleurs de la plateforme.", "working_time_constraints", None),
])
def test_a_negated_lead_denies_every_item(lang, text, denied, kept):
    got = found(lang, text)
    assert denied not in got
    if kept:
        assert kept in got


@pytest.mark.parametrize("lang, text, indicator", [
    ("en", "If you breach these rules: we may suspend your account; we may withhold your earnings.", "deactivation_power"),
    ("en", "You must not: contact customers outside the platform; share customer data.", "no_own_clientele"),
    ("fr", "En cas de manquement : la plateforme peut suspendre le compte du Partenaire.", "deactivation_power"),
])
def test_a_lead_that_is_not_negated_keeps_its_items(lang, text, indicator):
    assert indicator in found(lang, text)


def test_lost_ligatures_are_read_but_quoted_as_printed(tmp_path):
    damaged = ("# Ar(cle 1\n\nL'u(lisa(on de l'applica(on est soumise aux condi(ons. Heetch peut désac(ver le compte "
               "du Chauffeur dans l'applica(on sans préavis.\n\n# Ar(cle 2\n\nLe Chauffeur est libre de refuser une course "
               "sans perme?re de sanc(on.\n")
    path = tmp_path / "cgu.md"
    path.write_text(damaged, encoding="utf-8")
    doc = parse_document(path)
    hits = {f.indicator: f for f in detect_text(doc, RULES)}
    assert "deactivation_power" in hits
    ev = hits["deactivation_power"]
    assert "désac(ver le compte du Chauffeur dans l'applica(on" in ev.quote
    assert doc.text[ev.source.char_start:ev.source.char_end].split() == ev.quote.split()
    assert ev.source.line_start == 3


def test_a_stray_parenthesis_is_not_a_lost_ligature():
    from requalify.engine.text import MatchingView

    text = "Les Services App(s)/Site(s) et les option(s) choisie(s) restent. Pourquoi? Parce que (a) et (b)."
    view = MatchingView(text)
    assert not view.repaired and view.text == text


def test_a_conditional_lead_is_not_a_denial():
    assert "deactivation_power" in found("en", "If you do not comply with these terms: we may terminate your account.")
    assert "deactivation_power" in found("fr", "Si le Chauffeur ne respecte pas la charte : la plateforme peut suspendre son compte.")


_ORDINARY = [  # what any platform's terms say besides the work itself: no subordination in them
    ("en", "The Customer may cancel a booking free of charge up to 24 hours before the start time."),
    ("en", "You may close your account at any time from the settings page."),
    ("en", "These Terms are governed by the laws of England and Wales."),
    ("en", "Customers can see the estimated arrival time of their order in the app."),
    ("en", "The app may not be available during scheduled maintenance."),
    ("en", "Either party may terminate this Agreement on 30 days' written notice."),
    ("en", "The Customer may rate the restaurant after each order."),
    ("en", "Riders can track their order in real time in the app."),
    ("en", "You may use your own vehicle, bicycle or scooter for deliveries."),
    ("en", "We do not monitor your location when you are offline."),
    ("fr", "Vous pouvez supprimer votre compte à tout moment depuis votre espace personnel."),
    ("fr", "Le Client peut suivre sa commande en temps réel dans l'application."),
    ("fr", "Chaque partie peut résilier le contrat moyennant un préavis de 30 jours."),
    ("fr", "Le Client peut noter le restaurant après chaque commande."),
    ("fr", "Le livreur utilise son propre vélo ou scooter pour effectuer les livraisons."),
    ("fr", "La plateforme ne suit pas la position du livreur lorsqu'il est déconnecté."),
    ("fr", "Le site peut être momentanément indisponible pour des raisons de maintenance."),
    ("fr", "La Société peut modifier les fonctionnalités de l'application afin de l'améliorer."),
]


@pytest.mark.parametrize("lang, text", _ORDINARY)
def test_ordinary_clauses_state_no_subordination(lang, text):
    positive = {i for i, ind in RULES.indicators.items() if ind.polarity == "+"}
    assert not positive & set(found(lang, text))


def _rider_terms(mentions: int) -> str:
    return ("# Conditions d'utilisation\n\n"
            + "Les « Prestataires Tiers » sont des tiers. " * mentions
            + "\n\nVotre compte est personnel et vous ne pouvez pas le céder à un tiers.\n\n"
            + "Uber se réserve le droit de modifier les présentes Conditions à tout moment.\n\n"
            + "Nous pouvons suspendre votre compte à tout moment.\n\n"
            + "Les chauffeurs sont des prestataires indépendants.\n\n"
            + "Les services de transport sont fournis sous la marque UBER.\n")


def test_customer_terms_keep_only_the_facts_that_name_the_workers(tmp_path):
    """Rider terms say "your account is personal" of the rider: no finding about the worker."""
    path = tmp_path / "cgu.md"
    path.write_text(_rider_terms(10), encoding="utf-8")
    doc = parse_document(path)
    got = {f.indicator for f in detect_text(doc, RULES)}
    assert {"personal_performance_required", "unilateral_terms_change", "deactivation_power"}.isdisjoint(got), got
    assert {"platform_brand_service", "independent_status_label"} <= got, got
    from requalify.engine import document_audience
    assert document_audience(doc.text, "fr", RULES) == "customers"


def test_a_few_mentions_of_third_parties_leave_the_terms_the_workers(tmp_path):
    path = tmp_path / "cgu.md"
    path.write_text(_rider_terms(9), encoding="utf-8")
    got = {f.indicator for f in detect_text(parse_document(path), RULES)}
    assert {"personal_performance_required", "unilateral_terms_change", "deactivation_power"} <= got, got


@pytest.mark.parametrize("lang, text, indicator", [
    ("fr", "Le Restaurant est libre d'accepter ou de refuser une commande.", "freedom_to_refuse"),
    ("fr", "Pour passer commande, le Client doit être connecté à son compte.", "connection_requirement"),
    ("fr", "Lorsqu'il réserve un véhicule de catégorie Van, il appartient au Client de vérifier que le nombre de "
           "places correspond à celui des passagers.", "appearance_equipment_rules"),
    ("en", "Customers may use other food delivery apps and are not required to order exclusively through the Platform.",
     "multi_apping_allowed"),
    ("en", "Merchants must be registered companies with a valid trade registration number to open a store.",
     "self_employment_required"),
    ("en", "The Company's senior managers are bound by a non-compete covenant set out in their employment contracts.",
     "exclusivity_non_compete"),
])
def test_another_party_as_subject_binds_that_party_not_the_worker(lang, text, indicator):
    assert indicator not in found(lang, text)


@pytest.mark.parametrize("lang, text, indicator", [
    ("fr", "Le Livreur est libre d'accepter ou de refuser une commande.", "freedom_to_refuse"),
    ("en", "Customers rate the driver after each trip.", "customer_rating"),  # subject: any
    ("en", "The customer's rating may lead us to deactivate the driver's account.", "deactivation_power"),
    ("fr", "Les clients du Livreur restent sa propre clientèle, qu'il est libre de développer.", "own_clientele_allowed"),
    ("en", "Your own customers may book you directly, outside the platform.", "own_clientele_allowed"),
    ("en", "Rider information shared with Driver: as part of surfacing the ride request, we share with the Driver "
           "the Rider's pickup and destination.", "task_info_before_acceptance"),
])
def test_the_worker_or_a_fact_of_any_party_is_still_found(lang, text, indicator):
    assert indicator in found(lang, text)


@pytest.mark.parametrize("lang, text, indicator", [
    ("fr", "Les utilisateurs peuvent demander la suppression de leur compte via les applications.", "deactivation_power"),
    ("fr", "L'Utilisateur pourra à tout moment, et jusqu'à 3 mois avant la date d'échéance, demander la résiliation "
           "de son compte.", "deactivation_power"),
    ("en", "You can visit our Help Center to close your account.", "deactivation_power"),
    ("en", "You also have the right to terminate the Agreement at any time before the changes take effect.",
     "deactivation_power"),
    ("en", "Users may be able to use the Lyft Platform to plan rides in a vehicle provided by a third party.",
     "equipment_provided"),
])
def test_what_the_worker_may_do_is_not_a_power_of_the_platform(lang, text, indicator):
    """`actor: platform`: the worker's own choice to close the account is no deactivation power."""
    assert indicator not in found(lang, text)


@pytest.mark.parametrize("lang, text, indicator", [
    ("fr", "Vous pouvez voir votre compte suspendu en cas de fraude.", "deactivation_power"),
    ("fr", "Vous pouvez contacter le support, et Uber peut suspendre votre compte en cas de fraude.",
     "deactivation_power"),
    ("en", "Your account may be deactivated if your rating falls.", "deactivation_power"),
    ("en", "You may contact support at any time, but we may suspend your account without notice.", "deactivation_power"),
    ("en", "You may stop using the Services at any time, but we may modify these Terms at any time at our sole "
           "discretion.", "unilateral_terms_change"),
    ("en", "Freelancers can edit their profile at any time, and the Platform measures their response rate and number "
           "of completed missions in order to evaluate that profile.", "performance_monitoring"),
    ("en", "Taskers may find that the Service Terms have been updated without their consent.", "unilateral_terms_change"),
])
def test_what_the_worker_suffers_or_the_platform_may_do_after_them_is_still_found(lang, text, indicator):
    assert indicator in found(lang, text)


@pytest.mark.parametrize("lang, text, indicator, present", [
    ("en", "Riders whose average rating falls below the minimum may lose access to the Services.", "customer_rating", False),
    ("fr", "Le Restaurant peut consulter dans son tableau de bord le délai moyen de préparation de ses commandes et "
           "son taux d'annulation.", "performance_monitoring", False),  # « de » is no worker's name
    ("en", "Customers may allow the App to access their device's location to pre-fill their delivery address.",
     "realtime_geolocation", False),
    ("en", "The passenger will be provided with your first name, your vehicle, location and acceptance rate.",
     "performance_monitoring", True),
    ("en", "Customers rate the driver after each trip.", "customer_rating", True),
    ("en", "Clients may evaluate your work once the task is complete.", "customer_rating", True),
    ("en", "Clients rate the Contributor's work after each task.", "customer_rating", True),
    ("fr", "Le Restaurant verse à la Plateforme une commission de référencement.", "platform_controls_payment", False),
    ("fr", "En particulier, le Livreur est libre de refuser une course.", "freedom_to_refuse", True),  # no party
])
def test_a_fact_about_the_worker_stated_by_another_party_must_name_the_worker(lang, text, indicator, present):
    """`about: worker`: another party may rate or track the worker, but "Riders whose rating falls" is about riders."""
    assert (indicator in found(lang, text)) is present


def test_an_aside_is_taken_out_one_at_a_time_from_comma_to_comma():
    """The first comma may close a clause: the aside is the pair of commas around the words that interrupt."""
    text = ("In accordance with applicable laws, we have adopted a policy of terminating, in appropriate "
            "circumstances and at our sole discretion, accounts of users who are repeat infringers.")
    assert "deactivation_power" in found("en", text)


@pytest.mark.parametrize("lang, text, indicator, present", [
    ("fr", "Roulio se réserve le droit de désactiver, sans préavis ni indemnité, le compte du Chauffeur.",
     "deactivation_power", True),
    ("en", "We may suspend, at our sole discretion and with no notice, your access to the Driver App.",
     "deactivation_power", True),
    ("fr", "La Société ne peut suspendre, sauf faute grave dûment constatée, le compte du Livreur.",
     "deactivation_power", False),
    ("en", "We will not modify, without your written consent, these Terms.", "unilateral_terms_change", False),
])
def test_a_negation_inside_an_aside_qualifies_the_manner_not_the_power(lang, text, indicator, present):
    """« sans préavis ni indemnité » between the verb and its object does not deny the power; a negation
    outside the aside still does."""
    assert (indicator in found(lang, text)) is present


@pytest.mark.parametrize("lang, text, indicator, present", [
    ("en", "If your account is deactivated, you can still download your statements.", "deactivation_power", False),
    ("fr", "Après la clôture de son compte, le Livreur peut conserver ses relevés.", "deactivation_power", False),
    ("en", "If you breach these Terms, we may deactivate your account.", "deactivation_power", True),  # after the comma
    ("en", "Your account may be deactivated if you breach these Terms.", "deactivation_power", True),  # trailing
    ("en", "If your account is deactivated you lose access to the app.", "deactivation_power", True),  # no end: unread
    ("en", "You shall not be entitled to any compensation for the suspension of your account.", "deactivation_power",
     False),
    ("fr", "Le Livreur a droit à une indemnité pour la suspension injustifiée de son compte.", "deactivation_power",
     False),
    ("en", "We may suspend your account and shall not be liable for any loss.", "deactivation_power", True),
    # the condition has no comma of its own: the main clause, not a condition, runs to the first comma
    ("en", "If you cancel too often we may suspend your account, as set out in Section 5.", "deactivation_power", True),
    ("fr", "Si le Livreur annule trop souvent la Société peut suspendre son compte, conformément à l'article 5.",
     "deactivation_power", True),
    # only a condition at the head of the sentence is read: these clauses are relative
    ("en", "You will receive two warnings, after which we may deactivate your account, without further notice.",
     "deactivation_power", True),
    ("en", "Requests are handled by the app, where our algorithm assigns each order to the nearest courier, based "
           "on location.", "algorithmic_dispatch", True),
    # redress ends where the power begins
    ("en", "Uber is not liable for any damages and reserves the right to deactivate your account at any time.",
     "deactivation_power", True),
    ("fr", "La Société ne saurait être tenue responsable des retards et peut suspendre le compte du Livreur.",
     "deactivation_power", True),
    ("en", "You shall not be entitled to any compensation for the cancellation or suspension of your account.",
     "deactivation_power", False),
    # `in_condition: stated` (the default): the condition is the fact
    ("fr", "Après trois refus consécutifs, le Chauffeur est déconnecté de l'application.", "sanction_for_refusals", True),
    ("en", "If your rating drops below 4.6, you will be deactivated.", "rating_threshold_sanction", True),
])
def test_an_act_named_in_a_leading_condition_is_taken_for_granted_not_stated(lang, text, indicator, present):
    """`in_condition: presupposed`: "If your account is deactivated, ..." says what follows the act, not
    that the platform holds the power; for other indicators the condition may be the fact itself."""
    assert (indicator in found(lang, text)) is present


@pytest.mark.parametrize("lang, text, present", [
    ("fr", "Vous pouvez résilier à tout moment, et la Société peut suspendre votre compte.", True),
    ("en", "You may close your account at any time, and we may suspend your account if you breach these Terms.", True),
    ("en", "You may terminate this Agreement at any time; Uber may deactivate your account for any breach.", True),
    ("en", "We may suspend your account; you may close your account at any time.", True),
    # the worker's own termination, in its own clause, is still no power of the platform's
    ("en", "You can delete your account at any time.", False),
    ("fr", "Le Partenaire peut fermer son compte à tout moment.", False),
    ("en", "You may terminate this Agreement and delete your account at any time.", False),
])
def test_the_workers_own_termination_cancels_only_its_own_clause(lang, text, present):
    """`reach: clause` on a counter-cue: « vous pouvez résilier » says nothing of the clause after ', et'."""
    assert ("deactivation_power" in found(lang, text)) is present


@pytest.mark.parametrize("lang, text", [
    ("en", "When could you suspend or close my account?"),
    ("en", "Can we change these Terms?"),
    ("fr", "Quand la Société peut-elle suspendre mon compte ?"),
    ("fr", "Comment fermer mon compte ?"),
    ("fr", "« La Société peut-elle suspendre mon compte ? »"),  # a quoted question is still one
])
def test_a_question_states_no_term(lang, text):
    """FAQ-style terms ask what they then answer: only the answer is a finding."""
    assert found(lang, text) == ()
    answer = {"en": "We may suspend your account if you breach these Terms.",
              "fr": "La Société peut suspendre le compte du Livreur en cas de fraude."}[lang]
    assert "deactivation_power" in found(lang, text + " " + answer)


@pytest.mark.parametrize("text, present", [
    ("Le prix de chaque Course, calculé en fonction de la distance, est fixé exclusivement par la Plateforme.", True),
    ("La rémunération du Livreur, qui comprend une part fixe et une part variable, est définie par la Société.", True),
    ("Le prix de chaque Course, calculé en fonction de la distance, n'est pas fixé par la Plateforme.", False),
    ("Le tarif, qui tient compte de son expérience, est fixé par le Prestataire.", False),
])
def test_a_dependency_pattern_relates_words_however_far_apart(text, present):
    """`prix_fixe_par_la_plateforme`: the price is the passive subject of « fixé », the platform its agent;
    a negation between them still cancels, and the worker as agent is not the platform."""
    assert ("unilateral_pricing" in found("fr", text)) is present


def test_the_parser_runs_only_where_the_parse_if_words_are(monkeypatch):
    import requalify.engine.text as text_module

    rules = load_rules()
    compiled(rules, "fr")
    calls = []
    real = text_module.parse
    monkeypatch.setattr(text_module, "parse", lambda nlp, t: calls.append(t) or real(nlp, t))
    detect_sentence(rules, "fr", "Le Livreur organise librement ses journées et choisit ses horaires.")
    assert calls == []
    detect_sentence(rules, "fr", "Le prix de chaque Course, calculé selon la distance, est fixé par la Plateforme.")
    assert len(calls) == 1


@pytest.mark.parametrize("lang, text", [
    ("en", "We may deactivate your account if you repeatedly ignore the “Are you still driving?” prompt."),
    ("en", "We may deactivate your account (for any reason?) at any time."),
    ("fr", "La Société peut suspendre le compte du Livreur qui ignore le message « Êtes-vous disponible ? »."),
])
def test_a_question_quoted_inside_a_statement_leaves_it_a_statement(lang, text):
    assert "deactivation_power" in found(lang, text)

_WORDS = ["le", "la", "les", "l'", "Client", "clients", "du", "de", "Livreur", "'s", "The", "Company", "customer",
          "customers", "rider", "information", "may", "peut", "doit", "not", "pas", "ne", "suspend", "suspendre",
          "account", "compte", "refuse", "refus", "déconnexion", ",", ";", ":", ".", "-", "*", "1.2", "(a)", "«",
          "»", "il", "appartient", "au", "Prestataires", "Tiers", "our", "shareholders", "\n", "’", "!", "you", "vous",
          "Users", "can", "pourra", "be", "être", "voir", "deactivate", "désactiver", "résiliation"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lang=st.sampled_from(["fr", "en"]), words=st.lists(st.sampled_from(_WORDS) | st.text(max_size=6), max_size=40))
def test_any_word_salad_scans_without_error_and_within_the_text(lang, words):
    """The head-of-sentence subject reading and the cue windows never step outside a sentence."""
    text = " ".join(words)
    comp = compiled(RULES, lang)
    for hit in scan(comp, text):
        assert 0 <= hit.sent_start < hit.sent_end <= len(text)
        assert hit.indicator in RULES.indicators
