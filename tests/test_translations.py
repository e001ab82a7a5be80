"""The Dutch and French catalogues: complete, in step with the code, and what candidates actually see.

Whether the catalogues are up to date is checked without GNU gettext (which `makemessages` needs and a
fresh machine may lack): `extract_messages()` collects the messages the way `makemessages` does, from the
same files. Python files are parsed with `ast` and every call of a gettext function with literal arguments
is taken (xgettext's keywords plus the ones Django adds); templates first go through Django's own
`templatize`, which rewrites `{% translate %}` and `{% blocktranslate %}` into such calls, exactly as
`makemessages` feeds them to xgettext. Where xgettext is installed, a further test checks that this
extraction agrees with `makemessages` itself.
"""

import ast
import datetime as dt
import gettext
import io
import json
import os
import re
import shutil
import time
import tokenize
from pathlib import Path
from zoneinfo import ZoneInfo

import polib
import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation.template import templatize

from jobboard.catalogues import LOCALE_DIR, compile_catalogues
from tests.factories import VacancyFactory

LANGUAGES = ("nl", "fr")
UPDATE_COMMAND = (
    "DJANGO_DEBUG=1 python manage.py makemessages -l nl -l fr --add-location=file --no-obsolete "
    "-i .venv -i tests -i var -i staticfiles"
)
# As `makemessages` is run: its default ignores (`.*`, ...) plus the -i of UPDATE_COMMAND.
IGNORED_DIRECTORIES = {"tests", "var", "staticfiles", "locale"}
EXTENSIONS = {".py", ".html", ".txt"}
# name: (index of the context, of the message, of the plural), as xgettext's --keyword options say.
KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
TEMPLATE_CALL = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, KEYWORDS)) + r")\(")
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRUSSELS = ZoneInfo("Europe/Brussels")
ROOT = Path(__file__).resolve().parent.parent


def catalogue(language) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


# --- extraction -----------------------------------------------------------------------------------


def source_files(root: Path):
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(
            d for d in subdirectories if not d.startswith(".") and d not in IGNORED_DIRECTORIES
        )
        for name in sorted(files):
            if Path(name).suffix in EXTENSIONS and not name.startswith("."):
                yield Path(directory) / name


def _message(call: ast.Call):
    """(context, msgid, plural) of a gettext call with literal arguments, else None."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    if name not in KEYWORDS:
        return None
    values = []
    for index in KEYWORDS[name]:
        if index is None:
            values.append(None)
            continue
        if index >= len(call.args):
            return None
        node = call.args[index]
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return None
        values.append(node.value)
    context, msgid, plural = values
    return (context, msgid, plural) if msgid else None


def _template_calls(text):
    """The gettext calls `templatize` wrote: each sits on one line, among blanked-out template text."""
    for line in text.splitlines():
        for match in TEMPLATE_CALL.finditer(line):
            rest, depth = line[match.start() :], 0
            try:
                for token in tokenize.generate_tokens(io.StringIO(rest).readline):
                    if token.type == tokenize.OP and token.string in {"(", "[", "{"}:
                        depth += 1
                    elif token.type == tokenize.OP and token.string in {")", "]", "}"}:
                        depth -= 1
                        if depth == 0:
                            yield ast.parse(rest[: token.end[1]], mode="eval").body
                            break
            except (tokenize.TokenError, SyntaxError):
                continue


def extract_messages(root: Path = ROOT) -> dict:
    """{(context, msgid, plural): [files]} for every translatable message under `root`."""
    found = {}
    for path in source_files(root):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            calls = (node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Call))
        else:
            calls = _template_calls(templatize(text, origin=str(path)))
        for call in calls:
            if message := _message(call):
                found.setdefault(message, []).append(str(path.relative_to(root)))
    return found


def catalogue_messages(po: polib.POFile) -> set:
    return {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in po if not e.obsolete}


# --- (a) complete ---------------------------------------------------------------------------------


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy_or_obsolete(language):
    po = catalogue(language)

    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"
    assert po.metadata.get("Language") == language
    assert [e.msgid for e in po.obsolete_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.untranslated_entries()] == []
    nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"])[1])
    for entry in po:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == nplurals, entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_source(language):
    wrong = []
    for entry in catalogue(language):
        if entry.msgid_plural:
            expected = placeholders(entry.msgid_plural)
            translations = entry.msgstr_plural.values()
        else:
            expected = placeholders(entry.msgid)
            translations = [entry.msgstr]
        wrong += [(entry.msgid, text) for text in translations if placeholders(text) != expected]

    assert wrong == []


# --- (b) up to date -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogues_hold_exactly_the_messages_of_the_code(language):
    in_code = extract_messages()
    in_catalogue = catalogue_messages(catalogue(language))

    missing = {message: files for message, files in in_code.items() if message not in in_catalogue}
    stale = in_catalogue - set(in_code)
    assert not missing and not stale, (
        f"jobboard/locale/{language} is out of date: run `{UPDATE_COMMAND}` and translate.\n"
        f"Not in the catalogue: {missing}\nNo longer in the code: {stale}"
    )


def test_the_extraction_agrees_with_makemessages(tmp_path, settings, monkeypatch):
    if not shutil.which("xgettext"):
        pytest.skip("needs GNU gettext's xgettext, which makemessages runs (apt-get install gettext)")
    # makemessages writes next to any `locale` folder it finds, so it runs on a copy of the sources.
    copy = tmp_path / "src"
    for path in source_files(ROOT):
        target = copy / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], no_location=True, verbosity=0)

    made = catalogue_messages(polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")))
    assert set(extract_messages(copy)) == made


# --- (c) what candidates see ----------------------------------------------------------------------


def copy_catalogues(locale: Path, seconds_ago=3600):
    """The committed .po files under `locale`, dated `seconds_ago` (file times can be coarse)."""
    when = time.time() - seconds_ago
    for language in LANGUAGES:
        target = locale / language / "LC_MESSAGES" / "django.po"
        target.parent.mkdir(parents=True)
        shutil.copyfile(LOCALE_DIR / language / "LC_MESSAGES" / "django.po", target)
        os.utime(target, (when, when))


@pytest.fixture
def compiled(tmp_path, settings):
    """The committed catalogues compiled afresh by jobboard.catalogues, whatever .mo files lie around."""
    locale = tmp_path / "locale"
    copy_catalogues(locale)
    assert compile_catalogues(locale) == (len(LANGUAGES), 0)
    settings.LOCALE_PATHS = [locale]  # also empties Django's translation caches
    return locale


def test_compiling_leaves_an_up_to_date_mo_alone_and_redoes_a_stale_one(tmp_path):
    locale = tmp_path / "locale"
    copy_catalogues(locale)
    assert compile_catalogues(locale) == (2, 0)
    assert compile_catalogues(locale) == (0, 2)

    edited = time.time() + 60
    os.utime(locale / "fr" / "LC_MESSAGES" / "django.po", (edited, edited))

    assert compile_catalogues(locale) == (1, 1)


def test_the_compiled_catalogues_are_valid_mo_files(compiled):
    with open(compiled / "fr" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        french = gettext.GNUTranslations(mo)

    assert french.gettext("Vacancies") == "Offres d’emploi"
    assert french.ngettext("%(counter)s vacancy", "%(counter)s vacancies", 2) == "%(counter)s offres d’emploi"
    assert french.pgettext("vacancies filter", "Closed") == "Clôturées"


def noon_in_days(days):
    return dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(12), tzinfo=BRUSSELS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "count", "closing"),
    [
        ("fr", "<h1>Offres d’emploi</h1>", "1 offre d’emploi", "Clôture dans 10 jours"),
        ("nl", "<h1>Vacatures</h1>", "1 vacature", "Sluit over 10 dagen"),
    ],
)
def test_the_vacancy_list_speaks_the_language_of_its_url(client, compiled, language, heading, count, closing):
    VacancyFactory(title="Programme Officer", closes_at=noon_in_days(10))

    html = client.get(f"/{language}/vacancies/").text

    assert f'<html lang="{language}">' in html
    assert heading in html
    assert count in html
    assert closing in html
    assert "Closes in" not in html


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0)


def check_eligibility(client, language, **overrides):
    year = timezone.localdate().year
    payload = {
        "programme": "jpo",
        "birth_date": f"{year - 33}-06-01",
        "nationality": "BE",
        "education": "master",
        "experience_years": 2.5,
        "languages": {"en": True, "fr": True},
        "call_year": year,
    } | overrides
    return client.post(
        "/api/v1/eligibility/",
        json.dumps(payload),
        content_type="application/json",
        headers={"accept-language": language},
    )


def test_the_eligibility_api_answers_in_french_when_asked(client, compiled, seeded):
    year = timezone.localdate().year

    body = check_eligibility(client, "fr-BE,fr;q=0.9").json()

    messages = {rule["code"]: rule["message"] for rule in body["rules"]}
    assert body["eligible"] is False
    assert messages["age"].startswith(f"Vous aurez 33 ans le 31 décembre {year}")
    assert "la limite d’âge est de 32 ans" in messages["age"]
    assert messages["nationality"] == "Votre nationalité (Belgique) vous permet de postuler."
    assert messages["experience"].startswith("Vous avez 2,5 an(s) d’expérience pertinente")
    errors = check_eligibility(client, "fr", birth_date="2999-01-01").json()["errors"]
    assert errors["birth_date"] == ["La date de naissance ne peut pas être dans le futur."]


def test_the_eligibility_api_answers_in_dutch_when_asked(client, compiled, seeded):
    year = timezone.localdate().year

    body = check_eligibility(client, "nl-BE").json()

    messages = {rule["code"]: rule["message"] for rule in body["rules"]}
    assert messages["age"] == f"Je bent 33 jaar op 31 december {year}; de leeftijdsgrens is 32 jaar."


def test_the_eligibility_page_lists_countries_in_the_language_of_its_url(client, compiled, seeded):
    french = client.get("/fr/programmes/jpo/eligibility/").text
    dutch = client.get("/nl/programmes/jpo/eligibility/").text

    assert "<h1>Puis-je postuler\u00a0?</h1>" in french
    assert ">Belgique</option>" in french and ">België</option>" not in french
    assert ">België</option>" in dutch
