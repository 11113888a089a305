"""Checking API responses against the platform's own OpenAPI document."""

from typing import Any

from django.test import Client
from openapi_schema_validator import OAS31Validator


def assert_matches_openapi(client: Client, path: str, response: Any) -> None:
    """The response body is what the OpenAPI document promises for this path and status."""
    document = client.get("/api/v1/openapi.json").json()
    promised = document["paths"][path]["get"]["responses"][str(response.status_code)]
    schema = promised["content"]["application/json"]["schema"]
    validator = OAS31Validator(
        {**schema, "components": document["components"]},
        format_checker=OAS31Validator.FORMAT_CHECKER,
    )
    errors = [error.message for error in validator.iter_errors(response.json())]
    assert errors == []
