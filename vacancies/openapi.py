"""The OpenAPI 3.1 description of `/api/v1/`, served at `/api/v1/openapi.json`.

Kept true by tests: the document validates (openapi-spec-validator), every response of the API tests
validates against it, and schemathesis calls the live test server with examples it generates from it.
"""

from django.conf import settings
from django_countries import countries

from programmes.eligibility import LANGUAGES, NATO_LEVELS
from programmes.models import Education, Programme

from .models import Organisation, Vacancy, WorkingLanguage
from .selection import CLOSING_SOON, UNSTATED


def _nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _errors_response(description):
    return {"description": description, "content": {"application/json": {"schema": _ref("Errors")}}}


DATETIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
STATUS = ["open", "upcoming", "closed", "all"]
OUTCOMES = ["met", "not-met", "later", "depends"]
SORTS = ["relevance", "closing", "newest", "title"]  # relevance: the default with search terms
# The facets staff state once: (parameter, values, description); "unstated": the source does not say.
STATED_FACETS = [
    ("contract", [*Vacancy.ContractType.values, UNSTATED], "Contract types."),
    ("education", [*Education.values, UNSTATED], "Minimum education the post itself states."),
    ("language", [*WorkingLanguage.values, UNSTATED], "Selection and working languages."),
    ("organisation_type", Organisation.Kind.values, "Types of the recruiting organisation."),
]
LIST_PARAMETERS = [
    {
        "name": "q",
        "in": "query",
        # Django's forms refuse NUL characters (a 400), as PostgreSQL cannot store them.
        "schema": {"type": "string", "maxLength": 200, "pattern": "^[^\\x00]*$"},
        "description": "Search (no NUL characters).",
    },
    {
        "name": "programme",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
        "description": "Programme slugs (repeat the parameter for several).",
    },
    {
        "name": "organisation",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
        "description": "Organisation slugs.",
    },
    {
        "name": "country",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
        "style": "form",
        "explode": True,
        "description": "ISO 3166 alpha-2 codes of the duty station's country.",
    },
    *(
        {
            "name": name,
            "in": "query",
            "schema": {"type": "array", "items": {"type": "string", "enum": values}},
            "style": "form",
            "explode": True,
            "description": description,
        }
        for name, values, description in STATED_FACETS
    ),
    {
        "name": "closing",
        "in": "query",
        "schema": {"type": "string", "enum": [CLOSING_SOON]},
        "description": "soon: only the vacancies that close within 7 days.",
    },
    {"name": "status", "in": "query", "schema": {"type": "string", "enum": STATUS, "default": "open"}},
    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": SORTS}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
]
QUESTIONS = {
    "type": "array",
    "items": {"type": "string"},
    "description": "The body's fields the rules read, as the body names them; a language is "
    "`languages.<code>` (`very_good.<code>`), its key in that object. Errors use the same names.",
    "examples": [["nationality", "education", "experience_years", "languages.en", "languages.fr"]],
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "pattern": r"^[-\w]+$"}}
ACCEPT_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "schema": {"type": "string"},
    "description": "nl (default), fr or en: texts and links come in that language.",
}


def _list_parameters():
    """The list's parameters, with the values that exist today: a request the document calls valid is."""
    slugs = {
        "programme": list(Programme.objects.order_by("slug").values_list("slug", flat=True)),
        "organisation": list(Organisation.objects.order_by("slug").values_list("slug", flat=True)),
        "country": [code for code, _name in countries],
    }
    parameters = []
    for parameter in LIST_PARAMETERS:
        if parameter["name"] in slugs:
            items = {"type": "string", "enum": slugs[parameter["name"]]}
            parameter = {**parameter, "schema": {"type": "array", "items": items}}
        parameters.append(parameter)
    return parameters


def document():
    spec = _document()
    for operation in (op for path in spec["paths"].values() for op in path.values()):
        operation["responses"]["503"] = _errors_response(
            "The database does not answer for a moment (Retry-After says when to try again)"
        )
    return spec


def _document():
    programmes = list(Programme.objects.order_by("slug").values_list("slug", flat=True))
    summary_properties = {
        "id": {"type": "integer"},
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "programme": {"type": "string", "description": "The programme's slug."},
        "organisation": {"type": "string", "description": "The organisation's slug."},
        "country": {"type": "string", "description": "ISO 3166 alpha-2. Empty: not stated."},
        "city": {"type": "string", "description": "Empty: not stated."},
        "is_example": {"type": "boolean", "description": "Made-up demo data, not a real vacancy."},
        "opens_at": _nullable(DATETIME),
        "closes_at": _nullable({**DATETIME, "description": "The instant applications close."}),
        "opens_on": _nullable(DATE),
        "opens_at_has_time": _nullable({"type": "boolean"}),
        "closes_on": _nullable({**DATE, "description": "The last day to apply (Brussels)."}),
        "closes_at_has_time": _nullable({"type": "boolean"}),
        "cancelled_at": _nullable(DATETIME),
        "status": {"type": "string", "enum": [state.value for state in Vacancy.State]},
        "contract_type": {
            "type": "string",
            "enum": ["", *Vacancy.ContractType.values],
            "description": "Empty: not stated.",
        },
        "required_education": {
            "type": "string",
            "enum": ["", *Education.values],
            "description": "The minimum education the post states; empty: not stated (the programme's "
            "conditions apply).",
        },
        "working_languages": {
            "type": "array",
            "items": {"type": "string", "enum": WorkingLanguage.values},
            "description": "Selection and working languages; empty: not stated.",
        },
        "organisation_type": {"type": "string", "enum": Organisation.Kind.values},
        "url": {"type": "string", "format": "uri"},
    }
    detail_properties = {
        **summary_properties,
        "reference": {"type": "string"},
        "programme_name": {"type": "string"},
        "organisation_name": {"type": "string"},
        "call": _nullable(
            {
                "type": "object",
                "properties": {"title": {"type": "string"}, "year": {"type": "integer"}},
                "required": ["title", "year"],
            }
        ),
        "unit": {"type": "string"},
        "grade": {"type": "string"},
        "positions": _nullable({"type": "integer", "minimum": 0, "description": "null: not stated."}),
        "reserved_for": {"type": "string", "enum": Vacancy.ReservedFor.values},
        "summary": {"type": "string"},
        "description_html": {"type": "string"},
        "essential_requirements_html": {"type": "string"},
        "desirable_requirements_html": {"type": "string"},
        "apply_url": {"type": "string"},
        "apply_instructions_html": {"type": "string"},
        "published_at": _nullable(DATETIME),
    }
    level_or_yes = {
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": max(NATO_LEVELS)},  # 0: none
            {"type": "boolean"},
        ]
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "jobboard API",
            "version": "1",
            "description": "Vacancies in the Belgian public sector and international organisations, and the "
            "eligibility checker. Read-only: nothing is stored. Errors share one shape: "
            '{"errors": {"<field or detail>": ["message", ...]}}.',
        },
        "servers": [{"url": settings.SITE_URL}],
        "paths": {
            "/api/v1/vacancies/": {
                "get": {
                    "operationId": "vacancyList",
                    "summary": "The catalogue, filtered as the list page filters it",
                    "parameters": [*_list_parameters(), ACCEPT_LANGUAGE],
                    "responses": {
                        "200": {
                            "description": "A page of vacancies",
                            "content": {"application/json": {"schema": _ref("VacancyList")}},
                        },
                        "400": _errors_response("A filter value that is not valid"),
                        "404": _errors_response("A page beyond the last"),
                        "405": _errors_response("A method other than GET"),
                    },
                }
            },
            "/api/v1/vacancies/{slug}/": {
                "get": {
                    "operationId": "vacancyDetail",
                    "summary": "One public vacancy",
                    "parameters": [SLUG, ACCEPT_LANGUAGE],
                    "responses": {
                        "200": {
                            "description": "The vacancy",
                            "content": {"application/json": {"schema": _ref("VacancyDetail")}},
                        },
                        "404": _errors_response("No public vacancy with this slug"),
                        "405": _errors_response("A method other than GET"),
                    },
                }
            },
            "/api/v1/eligibility/": {
                "post": {
                    "operationId": "eligibilityCheck",
                    "summary": "May this candidate apply? Nothing is stored or logged",
                    "parameters": [ACCEPT_LANGUAGE],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("Candidate")}},
                    },
                    "responses": {
                        "200": {
                            "description": "The verdict (see docs/eligibility.md)",
                            "content": {"application/json": {"schema": _ref("EligibilityAnswer")}},
                        },
                        "400": _errors_response("Input that is not valid, with a message per field"),
                        "405": _errors_response("A method other than POST"),
                    },
                }
            },
            "/api/v1/vacancies/eligible/": {
                "post": {
                    "operationId": "eligibleVacancies",
                    "summary": "The list, a verdict per vacancy for this candidate; nothing is stored",
                    "parameters": [ACCEPT_LANGUAGE],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("EligibleQuery")}},
                    },
                    "responses": {
                        "200": {
                            "description": "A page of vacancies, each with its verdict, and the counts per "
                            "verdict (see docs/eligibility.md)",
                            "content": {"application/json": {"schema": _ref("EligibleList")}},
                        },
                        "400": _errors_response("Input that is not valid, with a message per field"),
                        "404": _errors_response("A page beyond the last"),
                        "405": _errors_response("A method other than POST"),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Errors": {
                    "type": "object",
                    "properties": {
                        "errors": {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        }
                    },
                    "required": ["errors"],
                },
                "VacancySummary": {
                    "type": "object",
                    "properties": summary_properties,
                    "required": list(summary_properties),
                },
                "VacancyDetail": {
                    "type": "object",
                    "properties": detail_properties,
                    "required": list(detail_properties),
                },
                "VacancyList": {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer", "minimum": 0},
                        "next": _nullable({"type": "string", "format": "uri"}),
                        "previous": _nullable({"type": "string", "format": "uri"}),
                        "results": {"type": "array", "items": _ref("VacancySummary")},
                    },
                    "required": ["count", "next", "previous", "results"],
                },
                "Candidate": {
                    "type": "object",
                    "properties": {
                        "programme": {"type": "string", "enum": programmes},
                        "vacancy": {"type": "string"},
                        "call_year": {"type": "integer", "minimum": 2000, "maximum": 2100},
                        "birth_date": {**DATE, "examples": ["1996-05-17"]},
                        "nationality": {"type": "string", "enum": [code for code, _name in countries]},
                        "education": {"type": "string", "enum": Education.values},
                        "experience_years": {"type": "number", "minimum": 0, "maximum": 60},
                        "languages": {
                            "type": "object",
                            "properties": dict.fromkeys(LANGUAGES, level_or_yes),
                            "additionalProperties": False,
                            "description": 'NATO levels on that scale ({"en": 5, "fr": 2}; 0: none), one for '
                            "each language its rules name (one left out is asked for: 400); true/false (a "
                            'very good knowledge) for JPO ({"en": true, "fr": true}).',
                        },
                    },
                    "required": ["programme"],
                    "additionalProperties": False,
                    "description": "Only the fields the programme's rules read are used (see `questions` in "
                    "the answer); a field only a scoped rule reads is required only of the nationals it "
                    "applies to. Any other key: 400 naming it.",
                },
                "EligibleQuery": {
                    "type": "object",
                    "properties": {
                        "birth_date": {**DATE, "examples": ["1996-05-17"]},
                        "nationality": {"type": "string", "enum": [code for code, _name in countries]},
                        "education": {"type": "string", "enum": Education.values},
                        "experience_years": {"type": "number", "minimum": 0, "maximum": 60},
                        "languages": {
                            "type": "object",
                            "properties": dict.fromkeys(LANGUAGES, level_or_yes),
                            "additionalProperties": False,
                            "description": 'NATO levels ({"en": 5, "fr": 2}), or true/false for a very good '
                            "knowledge, as for /api/v1/eligibility/.",
                        },
                        "very_good": {
                            "type": "object",
                            "properties": dict.fromkeys(LANGUAGES, {"type": "boolean"}),
                            "additionalProperties": False,
                            "description": "A very good knowledge (JPO's scale), beside NATO levels in "
                            "`languages`.",
                        },
                        "filters": {
                            "type": "object",
                            "properties": {
                                "q": {"type": "string", "maxLength": 200},
                                "programme": {
                                    "type": "array",
                                    "items": {"type": "string", "enum": programmes},
                                },
                                "organisation": {"type": "array", "items": {"type": "string"}},
                                "country": {
                                    "type": "array",
                                    "items": {"type": "string", "enum": [code for code, _name in countries]},
                                },
                                **{
                                    name: {"type": "array", "items": {"type": "string", "enum": values}}
                                    for name, values, _description in STATED_FACETS
                                },
                                "closing": {"type": "string", "enum": [CLOSING_SOON]},
                                "status": {"type": "string", "enum": STATUS},
                                "sort": {"type": "string", "enum": ["closing", "newest", "title"]},
                            },
                            "additionalProperties": False,
                            "description": "The list's filters, as GET /api/v1/vacancies/ takes them.",
                        },
                        "eligibility": {
                            "type": "string",
                            "enum": ["may", "not", "unknown"],
                            "description": "Only the vacancies with this verdict; left out: every vacancy.",
                        },
                        "page": {"type": "integer", "minimum": 1},
                    },
                    "additionalProperties": False,
                    "description": "The candidate's answers to the questions of every vacancy's rules (see "
                    "`questions` in the answer); a question is required as the checker requires it. Any "
                    "other key: 400 naming it.",
                },
                "EligibleList": {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer", "minimum": 0},
                        "page": {"type": "integer", "minimum": 1},
                        "pages": {"type": "integer", "minimum": 1},
                        "questions": QUESTIONS,
                        "facets": {
                            "type": "object",
                            "properties": {
                                "eligibility": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "value": {"type": "string", "enum": ["may", "not", "unknown"]},
                                            "label": {"type": "string"},
                                            "count": {"type": "integer", "minimum": 0},
                                        },
                                        "required": ["value", "label", "count"],
                                    },
                                }
                            },
                            "required": ["eligibility"],
                        },
                        "results": {
                            "type": "array",
                            "items": {
                                "allOf": [
                                    _ref("VacancySummary"),
                                    {
                                        "type": "object",
                                        "properties": {
                                            "eligibility": {
                                                "type": "object",
                                                "properties": {
                                                    "eligible": _nullable({"type": "boolean"}),
                                                    "verdict": {
                                                        "type": "string",
                                                        "enum": ["eligible", "not-eligible", "unknown"],
                                                    },
                                                    "reason": {
                                                        "type": "string",
                                                        "description": "The first condition not met, or why "
                                                        "it cannot be decided online; empty when eligible.",
                                                    },
                                                },
                                                "required": ["eligible", "verdict", "reason"],
                                            }
                                        },
                                        "required": ["eligibility"],
                                    },
                                ]
                            },
                        },
                    },
                    "required": ["count", "page", "pages", "questions", "facets", "results"],
                },
                "EligibilityAnswer": {
                    "type": "object",
                    "properties": {
                        "eligible": _nullable({"type": "boolean"}),
                        "verdict": {"type": "string", "enum": ["eligible", "not-eligible", "unknown"]},
                        "call_year": {"type": "integer"},
                        "questions": QUESTIONS,
                        "rules": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "code": {"type": "string"},
                                    "passed": _nullable({"type": "boolean"}),
                                    "outcome": {"type": "string", "enum": OUTCOMES},
                                    "message": {"type": "string"},
                                },
                                "required": ["code", "passed", "outcome", "message"],
                            },
                        },
                        "not_applicable": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"code": {"type": "string"}, "applies_to": {"type": "string"}},
                                "required": ["code", "applies_to"],
                            },
                        },
                        "reserved_posts": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "slug": {"type": "string"},
                                    "title": {"type": "string"},
                                    "url": {"type": "string", "format": "uri"},
                                },
                                "required": ["slug", "title", "url"],
                            },
                        },
                    },
                    "required": [
                        "eligible",
                        "verdict",
                        "call_year",
                        "questions",
                        "rules",
                        "not_applicable",
                        "reserved_posts",
                    ],
                },
            }
        },
    }
