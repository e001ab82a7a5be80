"""Search in what candidates type: any case, with or without accents, places and organisations by any of
their names, best matches first, and a suggestion when a word finds nothing.

PostgreSQL searches the stored `search_vector` (migrations 0011 and 0015: the texts in every language, the
organisation's names, the country's names in Dutch, French and English, the programme's names), through
text search configurations that fold accents (`jobboard_dutch`, ...), and ranks by cover density
(ts_rank_cd: the title weighs more than the summary, the summary more than the body, words close together
more than scattered ones). SQLite (the
embedded setup) folds case and accents with a function of ours and ranks with the same order of weights.
`VacancyQuerySet.search()` is the one entry point for both.
"""

import difflib
import operator
import re
import unicodedata
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, Value, When
from django.db.models.lookups import Contains
from django.utils import translation
from django_countries import countries

CONFIGS = ("jobboard_dutch", "jobboard_french", "jobboard_english")
LANGUAGES = ("nl", "fr", "en")
WORD = re.compile(r"\w+")
# SQLite: which columns a word may be in, and what a match there weighs (title > summary > the rest).
WEIGHTS = {
    "title": 4,
    "summary": 2,
    **dict.fromkeys(("description", "essential_requirements", "desirable_requirements"), 1),
}


def fold(text: str) -> str:
    """Lower case without accents: "Genève" and "geneve" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def register_sqlite_function(sender, connection, **kwargs):
    """`jobboard_fold(text)` on every SQLite connection (connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("jobboard_fold", 1, fold, deterministic=True)


class Fold(Func):
    function = "jobboard_fold"


def country_names():
    """{code: "its names in nl, fr and en"}: what a place is called in each language of the site."""
    names = {}
    for language in LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                names.setdefault(code, set()).add(str(name))
    return {code: " ".join(sorted(found)) for code, found in names.items()}


def countries_named(word: str) -> list[str]:
    """The codes of the countries one of whose names (or code) holds `word`, folded."""
    word = fold(word)
    return [code for code, names in _folded_countries().items() if word in names or word == code.lower()]


_FOLDED_COUNTRIES = {}


def _folded_countries():
    if not _FOLDED_COUNTRIES:
        _FOLDED_COUNTRIES.update({code: fold(names) for code, names in country_names().items()})
    return _FOLDED_COUNTRIES


def websearch_query(terms):
    """PostgreSQL: the query of `terms` (a string, or an expression such as a saved search's column), in any
    of the site's languages."""
    return reduce(operator.or_, (SearchQuery(terms, config=c, search_type="websearch") for c in CONFIGS))


def search(queryset, terms: str):
    """`queryset` narrowed to the vacancies that match `terms`, annotated with `rank` (higher is better)."""
    terms = terms.strip()
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        query = websearch_query(terms)
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query, cover_density=True)
        )
    return _search_sqlite(queryset, terms)


def _columns(name):
    return [f"{name}_{code}" for code in LANGUAGES]


def _in(column, word):
    return Contains(Fold(F(column)), Value(word))


def _search_sqlite(queryset, terms):
    words = [fold(w) for w in WORD.findall(terms)]
    if not words:  # only punctuation or symbols: nothing to find, as on PostgreSQL
        return queryset.none().annotate(rank=Value(0))
    rank = Value(0)
    for word in words:
        anywhere = [_in(column, word) for name in WEIGHTS for column in _columns(name)]
        anywhere += [
            _in(column, word)
            for column in ("reference", "city", "unit", "organisation__name", "organisation__acronym")
        ]
        anywhere.append(_in("organisation__other_names", word))
        anywhere += [_in(c, word) for c in (*_columns("programme__name"), *_columns("apply_instructions"))]
        if codes := countries_named(word):
            anywhere.append(Q(country__in=codes))
        queryset = queryset.filter(reduce(operator.or_, anywhere))
        rank = rank + Case(
            *(
                When(reduce(operator.or_, [_in(c, word) for c in _columns(name)]), then=Value(weight))
                for name, weight in WEIGHTS.items()
            ),
            default=Value(1),
            output_field=IntegerField(),
        )
    if len(words) > 1:  # the words as a phrase, in the title or summary, above the same words scattered
        phrase = " ".join(words)
        in_order = [_in(c, phrase) for name in ("title", "summary") for c in _columns(name)]
        rank = rank + Case(When(reduce(operator.or_, in_order), then=Value(8)), default=Value(0))
    return queryset.annotate(rank=rank)


def vocabulary(vacancies, organisations, programmes) -> dict[str, str]:
    """{folded word: the word as written} of the catalogue: titles, places, organisations, programmes."""
    # Each column's distinct values in one UNION (titles repeat across 100,000 vacancies: a few thousand
    # texts, not 300,000 rows), then each distinct word folded once.
    columns = [*_columns("title"), "city"]
    first, *others = (vacancies.order_by().values_list(column) for column in columns)
    texts = [text for (text,) in first.union(*others)]
    for name, acronym, other in organisations.values_list("name", "acronym", "other_names"):
        texts.extend((name, acronym, other))
    for names in programmes.values_list(*_columns("name")):
        texts.extend(names)
    texts.extend(country_names().values())
    seen = {}  # dict, not set: the first spelling met is the one suggested, whatever the hash order
    for text in texts:
        for word in WORD.findall(text or ""):
            if len(word) > 2 and not word.isdigit():
                seen.setdefault(word)
    words = {}
    for word in seen:
        words.setdefault(fold(word), word)
    return words


def suggestion(terms: str, words: dict[str, str]) -> str:
    """`terms`, each word the catalogue does not know replaced by its nearest known word; "" if none is."""
    changed, suggested = False, []
    for word in WORD.findall(terms):
        folded = fold(word)
        if folded in words or len(folded) < 3:
            suggested.append(word)
            continue
        near = difflib.get_close_matches(folded, list(words), n=1, cutoff=0.75)
        if near:
            changed = True
            suggested.append(words[near[0]])
        else:
            suggested.append(word)
    return " ".join(suggested) if changed else ""
