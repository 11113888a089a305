"""`offenestadt scan`: find personal data in a table and show the suggested role of each column."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from offenestadt.anonymize.evidence import percent
from offenestadt.anonymize.io import TableError, error_text, read_table, scan_table, table_format
from offenestadt.anonymize.scan import (
    ROLE_ORDER,
    SAMPLE_ROWS,
    ColumnFinding,
    column_finding,
    sample,
)


def _table(findings: Sequence[ColumnFinding]) -> str:
    header = ("column", "role", "kinds", "share", "evidence")
    rows = [
        (
            f.column,
            str(f.role),
            ", ".join(f.labels) or "-",
            percent(f.share) if f.share else "-",
            "; ".join(map(str, f.evidence))
            + (f" (e.g. {', '.join(f.examples)})" if f.examples else ""),
        )
        for f in findings
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        lines.append("  ".join([*cells, row[4]]).rstrip())
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="offenestadt scan",
        description="Find personal data in a table (CSV, Parquet, Excel) and suggest a role "
        "for each column: direct identifier, quasi-identifier, sensitive or other.",
    )
    parser.add_argument("file", type=Path, help="the table to scan")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--sample",
        type=int,
        default=SAMPLE_ROWS,
        metavar="N",
        help=f"records looked at, spread over the table (default {SAMPLE_ROWS})",
    )
    parser.add_argument("--sheet", help="Excel sheet to read (default: the first)")
    args = parser.parse_args(argv)
    if args.sample < 1:
        parser.error("--sample must be at least 1")
    try:
        if table_format(args.file) == "excel":
            frame: pl.DataFrame | pl.LazyFrame = read_table(args.file, sheet=args.sheet)
        else:
            frame = scan_table(args.file)
        data, rows = sample(frame, args.sample)
    except TableError as error:
        print(f"offenestadt scan: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except pl.exceptions.PolarsError as error:
        print(
            f"offenestadt scan: error: {args.file}: cannot read the file ({error_text(error)})",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    findings = [column_finding(name, data[name]) for name in data.columns]
    if args.format == "json":
        report = {
            "file": str(args.file),
            "rows": rows,
            "sampled": data.height,
            "columns": [f.as_dict() for f in findings],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"{args.file}: {rows:,} records, {data.height:,} looked at")
    print(_table(findings))
    counts = {role: sum(f.role is role for f in findings) for role in ROLE_ORDER}
    print("\n" + ", ".join(f"{count} {role}" for role, count in counts.items() if count))
