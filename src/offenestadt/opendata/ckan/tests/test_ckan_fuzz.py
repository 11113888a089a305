"""The CKAN Action API under generated input: every action, asked by GET, by a JSON body
and by a form, with parameters CKAN clients send and plenty they should not (NUL
characters, 2**63, NaN, 1e400, nested lists, wrong types, broken Solr syntax), answers
in CKAN's envelope and never with a server error."""

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from offenestadt.accounts.models import Office, User
from offenestadt.opendata.catalogue.models import Dataset
from offenestadt.opendata.catalogue.tests.test_search import make_catalogue
from offenestadt.opendata.ckan import actions as ckan

# Parameters CKAN clients send to any action, besides those each action documents.
COMMON_PARAMETERS = [
    "id",
    "q",
    "fq_list",
    "facet",
    "facet.mincount",
    "fl",
    "include_extras",
    "callback",
    "ext_bbox",
    "unknown",
]


def parameters_of(action: str) -> list[str]:
    """What the action reads, from its help text (``:param limit: …``)."""
    function = ckan.ACTIONS.get(action)
    documented = re.findall(r":param ([\w.]+):", (function.__doc__ or "") if function else "")
    return [*documented, *COMMON_PARAMETERS]


SOLR = [
    "title:",
    "tags:",
    "*:*",
    "*",
    '"',
    'title:"unbalanced',
    "(",
    ")",
    "((tags:a)",
    "tags:a)",
    "NOT",
    "AND OR",
    "-",
    "+",
    "tags:(a OR",
    "metadata_modified:[2020 TO",
    "metadata_modified:[x TO y]",
    "metadata_modified:[* TO NOW]",
    "res_format:CSV OR",
    "id:not-a-uuid",
    "owner_org:\\",
    "title:\\",
    "(" * 40 + "x",
    "-" * 40 + "tags:a",
    "tags:a OR " * 120 + "tags:a",
    "[",
    "{!lucene}title:x",
    "score desc, nonsense",
    "title_string desc",
]
HUGE = ["9223372036854775808", "-9223372036854775809", "1e400", "NaN", "Infinity", "0x10", "²"]
RAW_1E400 = "__raw_1e400__"  # a JSON number Python cannot write: 1e400

texts = st.one_of(
    st.sampled_from(SOLR + HUGE),
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from('\x00a:"()[]{}*\\ -+!~^'), max_size=20),
)
scalars = st.one_of(
    texts,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.just(RAW_1E400),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=2),
    max_leaves=6,
)
ACTIONS = [*ckan.ACTIONS, "no_such_action"]


def _query_value(value: Any) -> list[str]:
    if isinstance(value, list):
        return [json.dumps(item) if not isinstance(item, str) else item for item in value]
    return [value if isinstance(value, str) else json.dumps(value)]


def assert_ckan_answer(response: Any) -> None:
    assert response.status_code < 500, response.content[:500]
    assert response["Content-Type"] == "application/json;charset=utf-8"
    body = response.json()
    if response.status_code == 400 and isinstance(body, str):
        assert body.startswith("Bad request - ")  # CKAN's answer to what it cannot read
        return
    assert isinstance(body, dict) and body["help"].startswith("http://testserver/")
    assert body["success"] is (response.status_code == 200)
    if not body["success"]:
        assert isinstance(body["error"]["__type"], str)


@pytest.fixture
def catalogue(
    temporary_storage: Path, administrator: User, office: Office, other_office: Office
) -> dict[str, Dataset]:
    return make_catalogue(administrator, office, other_office)


@pytest.mark.parametrize("action", ACTIONS)
def test_every_ckan_action_answers_hostile_input_in_ckans_envelope(
    catalogue: dict[str, Dataset], action: str
) -> None:
    names = st.one_of(st.sampled_from(parameters_of(action)), texts)

    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        transport=st.sampled_from(["get", "json", "form"]),
        data=st.dictionaries(names, values, min_size=1, max_size=3),
    )
    def answers_in_the_envelope(transport: str, data: dict[str, Any]) -> None:
        ask(action, transport, data)

    answers_in_the_envelope()


def ask(action: str, transport: str, data: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    path = f"/api/3/action/{action}"
    if transport == "get":
        query = [(key, item) for key, value in data.items() for item in _query_value(value)]
        response = client.get(f"{path}?{urlencode(query)}")
    elif transport == "json":
        body = json.dumps(data).replace(f'"{RAW_1E400}"', "1e400")
        response = client.post(path, body, content_type="application/json")
    else:
        form = urlencode(
            [(key, item) for key, value in data.items() for item in _query_value(value)]
        )
        response = client.post(path, form, content_type="application/x-www-form-urlencoded")
    assert_ckan_answer(response)


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000, '{"limit": ' + "[" * 5000 + "]" * 5000 + "}", '{"id": "\\ud800"}', "null"],
)
def test_unreadable_json_bodies_get_ckans_bad_request(db: None, body: str) -> None:
    response = Client().post("/api/3/action/package_list", body, content_type="application/json")
    assert_ckan_answer(response)
    assert 400 <= response.status_code < 500
