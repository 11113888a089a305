"""The contract register as OCDS 1.1 release packages: all of it, or one contract."""

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404

from offenestadt.contracts import ocds


def _package_response(package: ocds.JSONObject) -> JsonResponse:
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False})


def release_package(request: HttpRequest) -> JsonResponse:
    """Every stage release of every published contract."""
    contracts = list(ocds.published_contracts())
    return _package_response(
        ocds.release_package(contracts, uri=request.build_absolute_uri(request.path))
    )


def contract_release_package(request: HttpRequest, pk: int) -> JsonResponse:
    """The stage releases of one published contract; drafts are not found."""
    contract = get_object_or_404(ocds.published_contracts(), pk=pk)
    return _package_response(
        ocds.release_package([contract], uri=request.build_absolute_uri(request.path))
    )
