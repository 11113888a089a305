"""The part of Solr's query syntax CKAN clients send (fq, and q when it names fields), turned
into database conditions on the catalogue."""

import re
from datetime import UTC, datetime

from django.db.models import Q
from django.utils import timezone

from offenestadt.accounts.models import Office
from offenestadt.opendata.catalogue import search
from offenestadt.opendata.ckan.parameters import SearchEngineError
from offenestadt.opendata.ckan.serialisers import licence_from_id, organization_id

# --- fq and fielded q: the part of Solr's query syntax clients send -------------------------

TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\()|(?P<close>\))
        |(?P<quoted>"(?:[^"\\]|\\.)*")
        |(?P<range>[\[{][^\]}]*[\]}])
        |(?P<word>(?:[^\s()"\\\[{]|\\.)+)
    )""",
    re.VERBOSE,
)
OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}
# A query is a few clauses; these bounds keep a hostile one from exhausting the parser's
# recursion or the database's expression depth (Solr, too, limits its boolean clauses).
MAX_QUERY_TOKENS = 200
MAX_QUERY_DEPTH = 20
RANGE = re.compile(r"^([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])$")
# Fields that always hold for what the API shows (CKAN adds some of them itself).
CONSTANT_FIELDS = {
    "state": "active",
    "capacity": "public",
    "dataset_type": "dataset",
    "type": "dataset",
    "private": "false",
    "site_id": "*",
}


QUERY_FIELDS = (
    *search.FILTERS,
    *CONSTANT_FIELDS,
    "text",
    "_text_",
    "title",
    "title_string",
    "notes",
    "owner_org",
    "metadata_modified",
    "metadata_created",
)
# A q that names one of the fields (tags:Parks) is a query; other text with a colon
# ("Entwurf: Spielplätze") is just text.
FIELDED = re.compile(rf"(?:^|[\s(+-])(?:{'|'.join(map(re.escape, QUERY_FIELDS))}):|^\*:\*$")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise SearchEngineError(f"Cannot parse query at: {text[position:]}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


def _moment(text: str, *, field: str) -> datetime | None:
    if text == "*":
        return None
    if text.upper().startswith("NOW"):
        return timezone.now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SearchEngineError(f"Invalid date in {field}: {text}") from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


def _range_condition(field: str, text: str) -> Q:
    match = RANGE.match(text)
    column = {"metadata_modified": "metadata_modified", "metadata_created": "published_at"}.get(
        field
    )
    if match is None or column is None:
        raise SearchEngineError(f"Unsupported range query: {field}:{text}")
    opening, low, high, closing = match.groups()
    condition = Q()
    start, end = _moment(low, field=field), _moment(high, field=field)
    if start is not None:
        condition &= Q(**{f"{column}__{'gte' if opening == '[' else 'gt'}": start})
    if end is not None:
        condition &= Q(**{f"{column}__{'lte' if closing == ']' else 'lt'}": end})
    return condition


def _owner_org_condition(value: str) -> Q:
    slugs = [office.slug for office in Office.objects.all() if organization_id(office) == value]
    return Q(publisher__slug__in=slugs or [value])


def _field_condition(field: str, value: str) -> Q:
    """One ``field:value`` of a query, as a condition on the catalogue's datasets."""
    if field in CONSTANT_FIELDS:
        expected = CONSTANT_FIELDS[field]
        return Q() if expected == "*" or value in ("*", expected) else Q(pk__in=[])
    if value == "*":
        return Q()
    if field in ("text", "_text_"):
        return search.text_condition(value)
    if field in ("title", "title_string"):
        return Q(title__icontains=value)
    if field == "notes":
        return Q(description__icontains=value)
    if field == "owner_org":
        return _owner_org_condition(value)
    if field == "license_id":
        return search.FILTERS["license_id"](licence_from_id(value))
    if field == "groups":
        return search.FILTERS["groups"](value)
    if field in search.FILTERS:
        return search.FILTERS[field](value)
    if field in ("metadata_modified", "metadata_created"):
        raise SearchEngineError(f"Use a range for {field}: {field}:[from TO to]")
    raise SearchEngineError(f"undefined field {field}")


class _QueryParser:
    """Solr's standard query syntax, as far as CKAN clients use it: ``field:value``,
    quoted values, ``field:(a OR b)``, ranges ``[a TO b]``, AND / OR / NOT, ``+`` and
    ``-`` prefixes, parentheses. Clauses without an operator must all hold, as CKAN's
    filters do; OR binds tighter than that. Words without a field search the text
    (``default_field``)."""

    def __init__(self, text: str, default_field: str) -> None:
        self.tokens = _tokens(text)
        if len(self.tokens) > MAX_QUERY_TOKENS:
            raise SearchEngineError(f"Too many clauses: at most {MAX_QUERY_TOKENS}")
        self.position = 0
        self.depth = 0
        self.default_field = default_field

    def parse(self) -> Q:
        if not self.tokens:
            return Q()
        condition = self._or(self.default_field)
        if self.position < len(self.tokens):
            raise SearchEngineError(f"Cannot parse query at: {self.tokens[self.position][1]}")
        return condition

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _operator(self) -> str | None:
        token = self._peek()
        if token and token[0] == "word" and token[1] in OPERATORS:
            return OPERATORS[token[1]]
        return None

    def _or(self, field: str) -> Q:
        """Clauses side by side (or joined by AND) must all hold; OR binds tighter, so
        ``organization:a OR organization:b metadata_modified:[… TO *]`` (what CKAN's
        harvester sends) reads as (a OR b) AND modified since."""
        condition = self._either(field)
        while True:
            token = self._peek()
            if token is None or token[0] == "close":
                return condition
            if self._operator() == "AND":
                self.position += 1
            condition &= self._either(field)

    def _either(self, field: str) -> Q:
        condition = self._unary(field)
        while self._operator() == "OR":
            self.position += 1
            condition |= self._unary(field)
        return condition

    def _unary(self, field: str) -> Q:
        self.depth += 1
        try:
            if self.depth > MAX_QUERY_DEPTH:
                raise SearchEngineError(f"Query nested too deeply: at most {MAX_QUERY_DEPTH}")
            return self._prefixed(field)
        finally:
            self.depth -= 1

    def _prefixed(self, field: str) -> Q:
        token = self._peek()
        if token is None:
            raise SearchEngineError("Query ends too early")
        if self._operator() == "NOT":
            self.position += 1
            return ~self._unary(field)
        kind, text = token
        if kind == "word" and text[0] in "+-" and len(text) > 1:
            self.tokens[self.position] = (kind, text[1:])
            inner = self._unary(field)
            return ~inner if text[0] == "-" else inner
        return self._atom(field)

    def _atom(self, field: str) -> Q:
        token = self._peek()
        if token is None:  # "title:" with nothing after it
            raise SearchEngineError("Query ends too early")
        kind, text = token
        self.position += 1
        if kind == "open":
            condition = self._or(field)
            if self._peek() != ("close", ")"):
                raise SearchEngineError("Missing closing parenthesis")
            self.position += 1
            return condition
        if kind == "close":
            raise SearchEngineError("Unexpected closing parenthesis")
        if kind == "quoted":
            return _field_condition(field, _unescape(text[1:-1]))
        if kind == "range":
            return _range_condition(field, text)
        if text == "*:*":
            return Q()
        name, colon, value = text.partition(":")
        if colon and name and not name.startswith("\\"):
            if value:
                return _field_condition(name, _unescape(value))
            # field:"quoted", field:(a OR b) or field:[a TO b] follows as its own token
            return self._atom(name)
        return _field_condition(field, _unescape(text))


def parse_query(text: str, *, default_field: str = "text") -> Q:
    """A condition for Solr-style query text (fq, or q when it names fields)."""
    return _QueryParser(text, default_field).parse()
