"""The platform's SBOM, published: the same CycloneDX document `offenestadt sbom` writes."""

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from offenestadt.software.sbom import MEDIA_TYPE, SPEC_VERSION, LockError, sbom_from_lock


@require_safe
def sbom(request: HttpRequest) -> JsonResponse:
    try:
        document = sbom_from_lock()
    except LockError:
        # An installation without its checkout's lock file has nothing to describe.
        raise Http404(
            _("Diese Installation hat keine Sperrdatei (uv.lock) für ein SBOM.")
        ) from None
    return JsonResponse(
        document,
        content_type=f"{MEDIA_TYPE}; version={SPEC_VERSION}",
        json_dumps_params={"ensure_ascii": False},
    )
