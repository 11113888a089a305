"""What the CKAN API's tests share: calling an action over HTTP and reading CKAN's envelope."""

import json
from typing import Any

from django.test import Client

API = "/api/3/action/"
HOST = "http://testserver"


def call(action: str, /, **params: Any) -> tuple[int, Any]:
    """GET an action with parameters; the status and the decoded body."""
    response = Client().get(API + action, params)
    assert response["Content-Type"] == "application/json;charset=utf-8"
    return response.status_code, response.json()


def result(action: str, /, **params: Any) -> Any:
    status, body = call(action, **params)
    assert status == 200, body
    assert body["success"] is True
    return body["result"]


def post(action: str, body: Any, *, path: str = API) -> tuple[int, Any]:
    response = Client().post(path + action, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()
