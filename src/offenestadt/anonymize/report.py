"""The anonymization report as plain text: what was done, what it cost, what risk is left.

`summary` reads the dict of `Release.report()`, optionally completed with the risk before and
after (`risk_report` dicts, as ``report["risk"] = {"before": ..., "after": ...}`` or as
``report["risk_before"]`` / ``report["risk_after"]``) and the utility (``report["utility"]``, a
`utility_report` dict). Parts that are missing are left out, so a partial report still prints.
"""

from collections.abc import Mapping, Sequence
from typing import Any

_WIDTH = 30  # width of the label column


def _number(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "–" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 1000 else f"{value:,.1f}"
    return str(value)


def _share(value: object) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "–"
    return f"{value:.2%}"


def _line(label: str, value: str) -> str:
    return f"{label + ':':<{_WIDTH}} {value}"


def _model(model: Mapping[str, Any], sensitive: str | None) -> str:
    parts = [f"{model.get('k', 1)}-anonymity"]
    on = f" on {sensitive}" if sensitive else ""
    if model.get("l") is not None:
        parts.append(f"{model.get('l_variant') or 'distinct'} {model['l']}-diversity{on}")
    if model.get("t") is not None:
        parts.append(
            f"{model['t']:g}-closeness{on} ({model.get('t_distance') or 'equal'} distance)"
        )
    suppression = model.get("suppression")
    if isinstance(suppression, int | float):
        parts.append(f"at most {suppression:.2%} of records suppressed")
    return ", ".join(parts)


def _list(values: Sequence[str] | None) -> str:
    return ", ".join(values) if values else "none"


def _header(report: Mapping[str, Any]) -> list[str]:
    lines = ["Anonymization report", "=" * 20]
    rows = report.get("rows")
    if rows is not None:
        lines.append(_line("Records", _number(rows)))
    algorithm = report.get("algorithm")
    if algorithm is not None:
        described = {
            "optimal": "optimal full-domain generalisation",
            "mondrian": "Mondrian (local recoding)",
        }.get(algorithm, str(algorithm))
        search = report.get("search") or {}
        details = []
        if search.get("lattice_nodes") is not None:
            details.append(f"{_number(search['lattice_nodes'])} transformations")
        if search.get("evaluated_nodes") is not None:
            details.append(f"{_number(search['evaluated_nodes'])} evaluated")
        if search.get("seconds") is not None:
            details.append(f"{search['seconds']:.2f} s")
        lines.append(
            _line("Algorithm", described + (f" ({', '.join(details)})" if details else ""))
        )
    if isinstance(report.get("model"), Mapping):
        lines.append(_line("Privacy model", _model(report["model"], report.get("sensitive"))))
    if "quasi_identifiers" in report:
        lines.append(_line("Quasi-identifiers", _list(report["quasi_identifiers"])))
    if "identifiers_removed" in report:
        lines.append(_line("Direct identifiers removed", _list(report["identifiers_removed"])))
    if report.get("sensitive"):
        lines.append(_line("Sensitive column", str(report["sensitive"])))
    levels = report.get("levels")
    if isinstance(levels, Mapping):
        shown = ", ".join(f"{column} {level}" for column, level in levels.items())
        lines.append(_line("Generalisation levels", shown or "none"))
    elif algorithm == "mondrian":
        lines.append(_line("Generalisation levels", "chosen group by group (local recoding)"))
    return lines


def _outcome(report: Mapping[str, Any]) -> list[str]:
    lines = []
    if "suppressed" in report:
        text = _number(report["suppressed"])
        rows = report.get("rows")
        if isinstance(rows, int) and rows:
            text += f" of {_number(rows)} ({report['suppressed'] / rows:.2%})"
        if report.get("suppression_limit") is not None:
            text += f"; limit {_number(report['suppression_limit'])}"
        lines.append(_line("Suppressed records", text))
    if "classes" in report:
        text = _number(report["classes"])
        if report.get("smallest_class") is not None:
            text += f" (smallest {_number(report['smallest_class'])} records)"
        lines.append(_line("Groups of equal records", text))
    if report.get("loss") is not None:
        lines.append(
            _line(
                "Information loss (Iyengar)",
                f"{report['loss']:.4f} (0: nothing generalised, 1: everything suppressed)",
            )
        )
    metric = report.get("metric")
    if metric and metric != "loss" and report.get("metric_value") is not None:
        lines.append(_line(f"Optimised metric ({metric})", _number(report["metric_value"])))
    return lines


_RISK_ROWS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Prosecutor risk, highest", ("prosecutor", "highest"), "share"),
    ("Prosecutor risk, average", ("prosecutor", "average"), "share"),
    ("Journalist risk, highest", ("journalist", "highest"), "share"),
    ("Journalist risk, average", ("journalist", "average"), "share"),
    ("Marketer risk", ("marketer", "average"), "share"),
    ("Smallest group", ("smallest_class",), "number"),
    ("Records at risk", ("records_at_risk",), "number"),
    ("Share of records at risk", ("share_at_risk",), "share"),
    ("Unique records", ("uniques",), "number"),
)


def _dig(data: Mapping[str, Any] | None, path: Sequence[str]) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _risk(report: Mapping[str, Any]) -> list[str]:
    given = report.get("risk")
    risk: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    before = risk.get("before", report.get("risk_before"))
    after = risk.get("after", report.get("risk_after"))
    if not isinstance(before, Mapping) and not isinstance(after, Mapping):
        return []
    threshold = _dig(after, ("threshold",)) or _dig(before, ("threshold",))
    lines = ["", "Re-identification risk", "-" * 22, f"{'':<{_WIDTH}} {'before':>12} {'after':>12}"]
    for label, path, kind in _RISK_ROWS:
        shown = _share if kind == "share" else _number
        values = [_dig(before, path), _dig(after, path)]
        if all(value is None for value in values):
            continue
        if path == ("records_at_risk",) and threshold is not None:
            label = f"Records at risk (> {threshold:.0%})"
        lines.append(f"{label + ':':<{_WIDTH}} {shown(values[0]):>12} {shown(values[1]):>12}")
    assumption = _dig(after, ("journalist", "assumption")) or _dig(
        before, ("journalist", "assumption")
    )
    if assumption:
        lines.append(f"Note: {assumption}")
    return lines


def _utility(report: Mapping[str, Any]) -> list[str]:
    utility = report.get("utility")
    if not isinstance(utility, Mapping):
        return []
    lines = ["", "Utility", "-" * 7]
    if utility.get("loss") is not None and report.get("loss") is None:
        lines.append(_line("Information loss (Iyengar)", f"{utility['loss']:.4f}"))
    if utility.get("discernibility") is not None:
        lines.append(_line("Discernibility", _number(utility["discernibility"])))
    if utility.get("average_class_size") is not None:
        text = f"{utility['average_class_size']:.2f} records"
        if utility.get("normalized_average_class_size") is not None:
            text += f" ({utility['normalized_average_class_size']:.2f} times k)"
        lines.append(_line("Average group size", text))
    if utility.get("non_uniform_entropy") is not None:
        lines.append(
            _line("Non-uniform entropy", f"{_number(float(utility['non_uniform_entropy']))} bits")
        )
    if utility.get("generalisation_intensity") is not None:
        lines.append(
            _line("Generalisation intensity", f"{utility['generalisation_intensity']:.4f}")
        )
    by_column = utility.get("loss_by_column")
    if isinstance(by_column, Mapping) and by_column:
        lines.append("Loss by column:")
        lines.extend(
            f"  {column + ':':<{_WIDTH - 2}} {loss:.4f}" for column, loss in by_column.items()
        )
    return lines


def summary(report: Mapping[str, Any]) -> str:
    """A readable plain-text account of an anonymization report."""
    lines = [*_header(report), *_outcome(report), *_risk(report), *_utility(report)]
    return "\n".join(lines) + "\n"
