"""`offenestadt anonymize`: make a table safe to publish, from the command line."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import polars as pl

from offenestadt.anonymize import io
from offenestadt.anonymize.engine import (
    ALGORITHMS,
    METRICS,
    AnonymizeError,
    Release,
    anonymize,
)
from offenestadt.anonymize.hierarchy import (
    Hierarchy,
    HierarchyError,
    coordinate_grid,
    date_truncation,
    intervals,
    postcode_prefix,
    top_coding,
)
from offenestadt.anonymize.metrics import utility_report
from offenestadt.anonymize.report import summary
from offenestadt.anonymize.risk import risk_report

# Inputs at least this large are streamed from file to file instead of read into memory.
STREAM_BYTES = 256 * 1024 * 1024
# Inputs at least this large get a progress bar when stderr is a terminal.
PROGRESS_BYTES = 32 * 1024 * 1024

GENERATORS = ("intervals", "dates", "postcode", "grid", "top")

EPILOG = """\
hierarchies:
  --hierarchy COL=FILE reads an ARX hierarchy file (one row per value, ';'-separated levels,
  most general last). Instead of a file, a built-in generator can build it from the column's
  values: intervals:5,10,20 (interval widths) · dates:month,year (or quarter, decade) ·
  postcode or postcode:4,3,2 (digits kept) · grid:0.01,0.1,1 (cell sizes in degrees) ·
  top:90,80 (top-coding thresholds).

example:
  offenestadt anonymize adult.csv --qi sex,age,race --sensitive salary-class \\
      --hierarchy age=age.csv --hierarchy sex=sex.csv --hierarchy race=race.csv \\
      --k 5 --suppression 0.02 --out release.csv --report report.json
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="offenestadt anonymize",
        description=(
            "Make a table safe to publish: remove direct identifiers and generalise the "
            "quasi-identifiers until the privacy model holds (k-anonymity, l-diversity, "
            "t-closeness), losing as little information as possible."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", metavar="IN", help="table to anonymize (.csv, .parquet, .xlsx)")
    parser.add_argument(
        "--qi",
        action="append",
        required=True,
        metavar="COL[,COL...]",
        help="quasi-identifiers: columns an attacker may know (comma-separated, repeatable)",
    )
    parser.add_argument(
        "--identifier",
        action="append",
        default=[],
        metavar="COL",
        help="direct identifier, always removed from the release (repeatable)",
    )
    parser.add_argument("--sensitive", metavar="COL", help="sensitive column for --l and --t")
    parser.add_argument(
        "--hierarchy",
        action="append",
        default=[],
        metavar="COL=FILE",
        help="generalisation hierarchy of a column: a file or a generator (see below)",
    )
    parser.add_argument("--k", type=int, default=5, help="k-anonymity: smallest class (default 5)")
    parser.add_argument("--l", type=int, help="l-diversity of the sensitive column")
    parser.add_argument(
        "--l-variant", choices=("distinct", "entropy"), default="distinct", help="default distinct"
    )
    parser.add_argument("--t", type=float, help="t-closeness of the sensitive column (0 to 1)")
    parser.add_argument(
        "--t-distance", choices=("equal", "hierarchical"), default="equal", help="default equal"
    )
    parser.add_argument(
        "--suppression",
        default="0",
        metavar="SHARE",
        help="share of records that may be suppressed: 0.02 or 2%% (default 0)",
    )
    parser.add_argument("--algorithm", choices=ALGORITHMS, default="optimal")
    parser.add_argument(
        "--metric", choices=METRICS, default="loss", help="what the optimum minimises"
    )
    parser.add_argument(
        "--out", required=True, metavar="OUT", help="released table (.csv, .parquet, .xlsx)"
    )
    parser.add_argument("--report", metavar="REPORT.json", help="write a JSON report")
    parser.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar on stderr, also when not a terminal",
    )
    return parser


class ProgressBar:
    """A one-line progress display on a stream; redraws at most ten times a second."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.shown = 0.0
        self.stage = ""
        self.drawn = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.shown < 0.1 and done < total:
            return
        self.stage, self.shown = stage, now
        share = done / total if total else 1.0
        filled = round(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{stage:<8} [{bar}] {share:4.0%}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _share(text: str) -> float:
    value = text.strip()
    try:
        share = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise AnonymizeError(
            f"--suppression takes a share such as 0.02 or 2%, not {text!r}."
        ) from None
    if not 0 <= share <= 1 or math.isnan(share):
        raise AnonymizeError(
            f"--suppression is a share of records between 0 and 1 (0.02 or 2%), not {text!r}."
        )
    return share


def _numbers(spec: str, column: str) -> list[str]:
    parts = [part.strip() for part in spec.split(",") if part.strip()]
    if not parts:
        raise AnonymizeError(f"The generator for column {column!r} needs values after ':'.")
    return parts


def _whole(text: str, column: str) -> int:
    if not text.isdigit():
        raise AnonymizeError(
            f"The postcode generator for column {column!r} takes whole numbers of digits to "
            f"keep (postcode:4,3,2), not {text!r}."
        )
    return int(text)


def _generated(column: str, spec: str, values: list[str]) -> Hierarchy:
    name, _, arguments = spec.partition(":")
    if name == "intervals":
        return intervals(column, values, widths=_numbers(arguments, column))
    if name == "dates":
        return date_truncation(
            column, values, levels=_numbers(arguments, column) if arguments else ("month", "year")
        )
    if name == "postcode":
        keep = [_whole(part, column) for part in _numbers(arguments, column)] if arguments else None
        return postcode_prefix(column, values, keep=keep)
    if name == "grid":
        return coordinate_grid(column, values, cell_sizes=_numbers(arguments, column))
    return top_coding(column, values, thresholds=_numbers(arguments, column))


def _hierarchies(
    specs: Sequence[str], lazy: pl.LazyFrame, columns: Sequence[str]
) -> dict[str, Hierarchy]:
    result: dict[str, Hierarchy] = {}
    for spec in specs:
        column, equals, source = spec.partition("=")
        column, source = column.strip(), source.strip()
        if not equals or not column or not source:
            raise AnonymizeError(f"--hierarchy takes COL=FILE, not {spec!r}.")
        if column not in columns:
            raise AnonymizeError(
                f"--hierarchy names column {column!r}, which the table does not have; its "
                f"columns are {', '.join(repr(name) for name in columns)}."
            )
        if column in result:
            raise AnonymizeError(f"Column {column!r} has two --hierarchy options.")
        generator = source.partition(":")[0]
        if generator in GENERATORS and not Path(source).exists():
            values = (
                lazy.select(pl.col(column).cast(pl.String).drop_nulls().unique())
                .collect()
                .to_series()
                .sort()
                .to_list()
            )
            try:
                result[column] = _generated(column, source, values)
            except ValueError as error:
                raise AnonymizeError(str(error)) from None
        else:
            result[column] = Hierarchy.from_arx_file(source, column)
    return result


def _full_report(
    release: Release,
    table: pl.DataFrame | pl.LazyFrame,
    hierarchies: dict[str, Hierarchy],
    arguments: argparse.Namespace,
) -> dict[str, Any]:
    """The release's facts with the risk before and after and the utility.

    A full-domain release takes them from the combinations the search grouped the input into
    (no second read of the records); Mondrian, which keeps the table in memory anyway, measures
    the two tables record by record.
    """
    report = {"input": arguments.input, "output": arguments.out, **release.report()}
    qis = list(release.quasi_identifiers)
    figures = release.figures(hierarchies)
    if figures is not None:
        return report | figures
    original = table.collect() if isinstance(table, pl.LazyFrame) else table
    released = release.collect()
    report["risk"] = {
        "before": risk_report(original.select(qis), qis),
        "after": risk_report(released.select(qis), qis),
    }
    report["utility"] = utility_report(
        original, released, qis, hierarchies, k=release.model.k, levels=release.levels
    )
    return report


def main(argv: list[str]) -> None:
    arguments = _parser().parse_args(argv)
    try:
        run(arguments)
    except (AnonymizeError, HierarchyError, io.TableError, ValueError) as error:
        _fail(str(error))
    except pl.exceptions.PolarsError as error:
        # Raised while a streamed table is read: the reader's first line says what.
        _fail(f"{arguments.input}: cannot read the file ({io.error_text(error)})")
    except OSError as error:
        given = {arguments.input, arguments.out, arguments.report}
        name = error.filename if error.filename in given else arguments.input
        _fail(f"{name}: {error.strerror or error}")


def _fail(message: str) -> NoReturn:
    """One line on stderr (what went wrong and what to do), exit code 2."""
    print(f"offenestadt anonymize: error: {' '.join(message.split())}", file=sys.stderr)
    raise SystemExit(2)


def _same_file(first: Path, second: Path) -> bool:
    """Whether two names lead to one file: the same path, or a link to it (symbolic or hard)."""
    if first.resolve() == second.resolve():
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False  # one of them does not exist yet


def _check_outputs(source: Path, arguments: argparse.Namespace) -> None:
    """Refuse before any work: outputs must not replace the input or each other."""
    out = Path(arguments.out)
    io.table_format(out)
    for option, given in (("--out", arguments.out), ("--report", arguments.report)):
        if given and not Path(given).parent.is_dir():
            raise AnonymizeError(
                f"{option} {given}: the folder {Path(given).parent} does not exist."
            )
        if given and Path(given).is_dir():
            raise AnonymizeError(f"{option} {given} is a folder; name a file.")
    if _same_file(out, source):
        raise AnonymizeError(
            f"--out {out} is the input file; the raw data is never overwritten: "
            "choose another name for the release."
        )
    if arguments.report:
        report = Path(arguments.report)
        if _same_file(report, source):
            raise AnonymizeError(
                f"--report {report} is the input file; the raw data is never overwritten: "
                "choose another name for the report."
            )
        if _same_file(report, out):
            raise AnonymizeError(f"--report and --out name the same file {report}.")


def run(arguments: argparse.Namespace) -> None:
    source = Path(arguments.input)
    if not source.is_file():
        raise AnonymizeError(f"{source}: file not found.")
    _check_outputs(source, arguments)
    size = source.stat().st_size
    streaming = size >= STREAM_BYTES and io.table_format(source) != "excel"
    table: pl.DataFrame | pl.LazyFrame = (
        io.scan_table(source) if streaming else io.read_table(source)
    )
    lazy = table.lazy() if isinstance(table, pl.DataFrame) else table
    columns = lazy.collect_schema().names()
    hierarchies = _hierarchies(arguments.hierarchy, lazy, columns)
    show = arguments.progress or (sys.stderr.isatty() and size >= PROGRESS_BYTES)
    bar = ProgressBar(sys.stderr) if show else None
    try:
        release = anonymize(
            table,
            quasi_identifiers=_split(arguments.qi),
            hierarchies=hierarchies,
            identifiers=_split(arguments.identifier),
            sensitive=arguments.sensitive,
            k=arguments.k,
            l=arguments.l,
            l_variant=arguments.l_variant,
            t=arguments.t,
            t_distance=arguments.t_distance,
            suppression=_share(arguments.suppression),
            algorithm=arguments.algorithm,
            metric=arguments.metric,
            progress=bar,
        )
        report: dict[str, Any] = (
            _full_report(release, table, hierarchies, arguments)
            if arguments.report
            else {"input": arguments.input, "output": arguments.out, **release.report()}
        )
        if bar is not None:
            bar("write", 0, 1)
        _write(release, report, arguments)
        if bar is not None:
            bar("write", 1, 1)
    finally:
        if bar is not None:
            bar.close()
    print(summary(report), end="")


def _write(release: Release, report: dict[str, Any], arguments: argparse.Namespace) -> None:
    """The release and the report, each complete or not at all: the report waits in a temporary
    file until the release is written."""
    if not arguments.report:
        io.write_table(release.table, arguments.out)
        return
    try:
        with io.replacing(arguments.report) as pending:
            pending.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
            io.write_table(release.table, arguments.out)
    except OSError as error:
        raise AnonymizeError(
            f"{arguments.report}: cannot write the report ({error.strerror})."
        ) from None
