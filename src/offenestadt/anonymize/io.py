"""Read and write the tables the anonymizer works on: CSV (dialect detected), Parquet, Excel.

Every column is read as text (``pl.String``), empty cells become null. CSV files as offices
export them are understood: UTF-8 with or without byte-order mark, Windows-1252/Latin-1 (Excel's
"CSV (Trennzeichen-getrennt)"), UTF-16 ("Unicode-Text"), with ``;``, ``,``, tab or ``|`` between
fields. Input that cannot be read raises :class:`TableError` with a message that says what to fix.
"""

from __future__ import annotations

import atexit
import codecs
import csv
import functools
import io
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

CSV_SUFFIXES: Final = frozenset({".csv", ".tsv", ".txt"})
PARQUET_SUFFIXES: Final = frozenset({".parquet", ".pq"})
EXCEL_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
DELIMITERS: Final = (";", ",", "\t", "|")

_CHUNK = 8 * 1024 * 1024  # bytes read at a time when checking or re-encoding a file
_SAMPLE = 64 * 1024  # bytes looked at to guess the delimiter
# Bytes that Windows-1252 leaves undefined; a file containing them is read as Latin-1.
_CP1252_UNDEFINED: Final = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


class TableError(ValueError):
    """A table that cannot be read or written; the message says what to fix."""


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    encoding: str  # Python codec name: "utf-8", "cp1252", "latin-1", "utf-16"
    has_bom: bool


def table_format(path: str | Path) -> str:
    """``"csv"``, ``"parquet"`` or ``"excel"``, from the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in EXCEL_SUFFIXES:
        return "excel"
    known = ", ".join(sorted(CSV_SUFFIXES | PARQUET_SUFFIXES | EXCEL_SUFFIXES))
    raise TableError(f"{path}: unknown file type {suffix or '(none)'!r}; use one of {known}")


# --- CSV dialect ---------------------------------------------------------------------------


def _detect_encoding(path: Path) -> tuple[str, bool]:
    """The file's encoding and whether it starts with a byte-order mark.

    The whole file is checked (in chunks, pure ASCII is skipped quickly): an export whose first
    thousand rows are ASCII and whose row 50,000 holds "Müller" in Windows-1252 is common.
    """
    with path.open("rb") as stream:
        head = stream.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8", True
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", True
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8 = True
        undefined_in_cp1252 = False
        while chunk := stream.read(_CHUNK):
            if utf8:
                if chunk.isascii():
                    continue
                try:
                    decoder.decode(chunk)
                    continue
                except UnicodeDecodeError:
                    utf8 = False
            if any(byte in chunk for byte in _CP1252_UNDEFINED):
                undefined_in_cp1252 = True
                break
        if utf8:
            try:
                decoder.decode(b"", final=True)  # a multi-byte sequence cut off at the end
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        return "utf-8", False
    return ("latin-1" if undefined_in_cp1252 else "cp1252"), False


def _sample_text(path: Path, encoding: str) -> str:
    with path.open("rb") as stream:
        raw = stream.read(_SAMPLE)
    text = raw.decode("utf-16" if encoding == "utf-16" else encoding, errors="replace")
    text = text.removeprefix("\ufeff")
    if len(raw) == _SAMPLE and "\n" in text:
        text = text[: text.rindex("\n") + 1]  # drop the line cut off by the sample's end
    return text


def _guess_delimiter(text: str) -> str:
    best: tuple[float, int] = (0.0, 1)
    chosen = ","
    for delimiter in DELIMITERS:
        records = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r][:200]
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        consistent = sum(len(r) == width for r in records) / len(records)
        if (consistent, width) > best:
            best, chosen = (consistent, width), delimiter
    return chosen


def detect_csv(path: str | Path) -> CsvDialect:
    """Delimiter, encoding and byte-order mark of a CSV file."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise TableError(f"{path}: the file is empty")
    encoding, has_bom = _detect_encoding(path)
    text = _sample_text(path, encoding)
    if not text.strip():
        raise TableError(f"{path}: the file is empty")
    return CsvDialect(_guess_delimiter(text), encoding, has_bom)


# --- checks --------------------------------------------------------------------------------


def _check_header(path: Path, names: Sequence[str]) -> None:
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        if not name.strip():
            raise TableError(
                f"{path}: column {number} of the header has no name; give every column a name"
            )
        if name in seen:
            raise TableError(
                f"{path}: the header names column {name!r} twice; column names must be unique"
            )
        seen.add(name)


def _header(path: Path, dialect: CsvDialect) -> list[str]:
    text = _sample_text(path, dialect.encoding)
    for record in csv.reader(io.StringIO(text), delimiter=dialect.delimiter):
        if record:
            return record
    raise TableError(f"{path}: the file is empty")


def _ragged(path: Path, utf8_path: Path, dialect: CsvDialect, width: int) -> None:
    """Raise if a record has more or fewer fields than the header (blank lines are skipped)."""
    delimiter = dialect.delimiter
    line = pl.col("line")
    fields = pl.col("fields")
    # Cheap test on every line first; quoted lines (a delimiter may sit inside quotes) and lines
    # of the wrong width are then looked at closely, quoted parts removed before counting.
    bad = (
        pl.scan_lines(utf8_path, row_index_name="number", row_index_offset=1)
        .filter(line.str.len_bytes() > 0)
        .with_columns(fields=line.str.count_matches(delimiter, literal=True) + 1)
        .filter((fields != width) | line.str.contains('"', literal=True))
        .select(
            "number",
            fields=line.str.replace_all(r'"[^"]*"', "").str.count_matches(delimiter, literal=True)
            + 1,
            open_quote=line.str.count_matches('"', literal=True) % 2 == 1,
        )
        .filter((fields != width) | pl.col("open_quote"))
        .head(1)
        .collect()
    )
    if bad.is_empty():
        return
    if bad["open_quote"][0]:
        # A quoted field spans lines: count the fields of whole records the slow way.
        _ragged_by_records(path, utf8_path, dialect, width)
        return
    number, fields = bad["number"][0], bad["fields"][0]
    raise _ragged_error(path, number, fields, width, delimiter)


def _ragged_by_records(path: Path, utf8_path: Path, dialect: CsvDialect, width: int) -> None:
    with utf8_path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream, delimiter=dialect.delimiter)
        start = 1
        for record in reader:
            if record and len(record) != width:
                raise _ragged_error(path, start, len(record), width, dialect.delimiter)
            start = reader.line_num + 1


def _ragged_error(path: Path, line: int, fields: int, width: int, delimiter: str) -> TableError:
    shown = {"\t": "tab"}.get(delimiter, repr(delimiter))
    return TableError(
        f"{path}, line {line}: {fields} fields, but the header has {width} "
        f"(fields separated by {shown}); fix that line, or quote values that contain {shown}"
    )


# --- re-encoding ---------------------------------------------------------------------------


@functools.cache
def _temporary_dir() -> Path:
    """One folder per process for re-encoded copies, removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="offenestadt-anonymize-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _as_utf8(path: Path, dialect: CsvDialect) -> Path:
    """The file itself if it is UTF-8, else a UTF-8 copy in a temporary folder (chunk by chunk)."""
    if dialect.encoding == "utf-8":
        return path
    handle, name = tempfile.mkstemp(suffix=".csv", dir=_temporary_dir())
    decoder = codecs.getincrementaldecoder(dialect.encoding)()
    with path.open("rb") as source, open(handle, "wb") as target:
        while chunk := source.read(_CHUNK):
            target.write(decoder.decode(chunk).removeprefix("\ufeff").encode("utf-8"))
        target.write(decoder.decode(b"", final=True).encode("utf-8"))
    return Path(name)


# --- reading -------------------------------------------------------------------------------


def _prepared_csv(path: Path) -> tuple[Path, CsvDialect, list[str]]:
    dialect = detect_csv(path)
    names = _header(path, dialect)
    _check_header(path, names)
    utf8_path = _as_utf8(path, dialect)
    _ragged(path, utf8_path, dialect, len(names))
    return utf8_path, dialect, names


def _csv_frame(utf8_path: Path, dialect: CsvDialect, names: Sequence[str]) -> pl.LazyFrame:
    return pl.scan_csv(
        utf8_path,
        separator=dialect.delimiter,
        schema=dict.fromkeys(names, pl.String),
        null_values=[""],
        truncate_ragged_lines=False,
    )


def _strings(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Every column as text; records without any value (blank lines) are dropped."""
    return frame.with_columns(pl.all().cast(pl.String)).filter(
        pl.any_horizontal(pl.all().is_not_null())
    )


def _select(frame: pl.LazyFrame, path: Path, columns: Sequence[str] | None) -> pl.LazyFrame:
    if columns is None:
        return frame
    available = frame.collect_schema().names()
    missing = [c for c in columns if c not in available]
    if missing:
        raise TableError(
            f"{path}: no column {', '.join(map(repr, missing))}; "
            f"the table has {', '.join(map(repr, available))}"
        )
    return frame.select(columns)


def _check_names(path: Path, names: Sequence[str]) -> None:
    if not names:
        raise TableError(f"{path}: the table has no columns")
    _check_header(path, names)


def scan_table(path: str | Path) -> pl.LazyFrame:
    """A lazy frame over a CSV or Parquet file, for inputs larger than memory.

    A CSV file is checked once (encoding, delimiter, header, ragged rows) while streaming through
    it; a file that is not UTF-8 is re-encoded into a temporary UTF-8 copy first, which lives
    until the process ends.
    """
    path = Path(path)
    kind = table_format(path)
    if not path.is_file():
        raise TableError(f"{path}: file not found")
    try:
        if kind == "csv":
            utf8_path, dialect, names = _prepared_csv(path)
            return _strings(_csv_frame(utf8_path, dialect, names))
        if kind == "parquet":
            frame = pl.scan_parquet(path)
            _check_names(path, frame.collect_schema().names())
            return _strings(frame)
    except pl.exceptions.PolarsError as error:
        raise TableError(f"{path}: cannot read the file ({_first_line(error)})") from error
    raise TableError(f"{path}: Excel files cannot be streamed; use read_table or CSV/Parquet")


def read_table(
    path: str | Path, *, columns: Sequence[str] | None = None, sheet: str | None = None
) -> pl.DataFrame:
    """The whole table in memory, every column as ``pl.String``, empty cells as null.

    ``columns`` picks columns (an unknown name is an error); ``sheet`` picks an Excel sheet
    by name (default: the first sheet).
    """
    path = Path(path)
    kind = table_format(path)
    if not path.is_file():
        raise TableError(f"{path}: file not found")
    copy = None
    try:
        if kind == "csv":
            utf8_path, dialect, names = _prepared_csv(path)
            copy = utf8_path if utf8_path != path else None
            frame = _csv_frame(utf8_path, dialect, names)
        elif kind == "parquet":
            frame = pl.scan_parquet(path)
            _check_names(path, frame.collect_schema().names())
        else:
            frame = _excel(path, sheet).lazy()
        return _select(_strings(frame), path, columns).collect()
    except pl.exceptions.PolarsError as error:
        raise TableError(f"{path}: cannot read the file ({_first_line(error)})") from error
    finally:
        # Read into memory: a re-encoded copy is not needed any longer (a long-running
        # process, such as the web application's worker, must not collect them).
        if copy is not None:
            copy.unlink(missing_ok=True)


def _excel(path: Path, sheet: str | None) -> pl.DataFrame:
    try:
        if sheet is None:
            frame = pl.read_excel(path, sheet_id=1, infer_schema_length=0, raise_if_empty=False)
        else:
            frame = pl.read_excel(
                path, sheet_name=sheet, infer_schema_length=0, raise_if_empty=False
            )
    except pl.exceptions.PolarsError:
        raise
    except Exception as error:  # fastexcel raises its own error types
        raise TableError(f"{path}: cannot read the workbook ({_first_line(error)})") from error
    if frame.width == 0:
        raise TableError(f"{path}: the sheet is empty")
    names = frame.columns
    # fastexcel names unnamed header cells "__UNNAMED__<n>" and renames repeated ones.
    for number, name in enumerate(names, start=1):
        if name.startswith("__UNNAMED__"):
            raise TableError(
                f"{path}: column {number} of the header has no name; give every column a name"
            )
    _check_names(path, names)
    return frame


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# --- writing -------------------------------------------------------------------------------


def write_table(frame: pl.DataFrame | pl.LazyFrame, path: str | Path) -> None:
    """Write by extension: ``.csv`` comma-separated UTF-8, ``.parquet``, ``.xlsx``.

    A lazy frame is streamed to CSV and Parquet without being collected first.
    """
    path = Path(path)
    kind = table_format(path)
    try:
        if kind == "csv":
            if isinstance(frame, pl.LazyFrame):
                frame.sink_csv(path)
            else:
                frame.write_csv(path)
        elif kind == "parquet":
            if isinstance(frame, pl.LazyFrame):
                frame.sink_parquet(path)
            else:
                frame.write_parquet(path)
        else:
            if path.suffix.lower() != ".xlsx":
                raise TableError(f"{path}: Excel output is written as .xlsx only")
            eager = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
            try:
                eager.write_excel(path)
            except ModuleNotFoundError as error:
                raise TableError(
                    f"{path}: writing Excel needs the package xlsxwriter; "
                    "install it or write .csv or .parquet"
                ) from error
    except pl.exceptions.PolarsError as error:
        raise TableError(f"{path}: cannot write the file ({_first_line(error)})") from error
    except OSError as error:
        raise TableError(f"{path}: cannot write the file ({error.strerror})") from error
