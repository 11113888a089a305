"""Read and write the tables the anonymizer works on: CSV (dialect detected), Parquet, Excel.

Every column is read as text (``pl.String``), empty cells become null. CSV files as offices
export them are understood: UTF-8 with or without byte-order mark, Windows-1252/Latin-1 (Excel's
"CSV (Trennzeichen-getrennt)"), UTF-16 ("Unicode-Text"), with ``;``, ``,``, tab or ``|`` between
fields. Input that cannot be read raises :class:`TableError` with a message that says what to fix:
binary data under a text name, lines ending in a lone carriage return, and workbooks that would
unpack to far more than their size (ZIP bombs) are refused before anything reads them.

Tables are written to a temporary file beside the target and renamed at the end, so a failed
write leaves nothing half-written; text cells a spreadsheet would run as formulas are defused.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import copy
import csv
import functools
import io
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

import polars as pl

from offenestadt.anonymize.formulas import defuse_formulas

CSV_SUFFIXES: Final = frozenset({".csv", ".tsv", ".txt"})
PARQUET_SUFFIXES: Final = frozenset({".parquet", ".pq"})
EXCEL_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
DELIMITERS: Final = (";", ",", "\t", "|")

_CHUNK = 8 * 1024 * 1024  # bytes read at a time when checking or re-encoding a file
_SAMPLE = 64 * 1024  # bytes looked at to guess the delimiter
# Bytes that Windows-1252 leaves undefined; a file containing them is read as Latin-1.
_CP1252_UNDEFINED: Final = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


# What a file is, by its first bytes, when it is not text (to say so when it is named .csv).
_SIGNATURES: Final = {
    b"PK\x03\x04": "it looks like an Excel workbook or another ZIP archive; name a workbook .xlsx",
    b"%PDF": "it looks like a PDF document; save the table as CSV",
    b"PAR1": "it looks like a Parquet file; name it .parquet",
    b"\xd0\xcf\x11\xe0": "it looks like an old Excel workbook; save it as .xlsx or CSV",
}


class TableError(ValueError):
    """A table that cannot be read or written; the message says what to fix.

    ``str(error)`` names the file as it was given (``path: problem``). ``problem`` is the same
    without the path, for pages that must not show where files live on a server; ``code`` and
    ``params`` let an application say it in its own words and language.
    """

    def __init__(
        self, path: str | Path, problem: str, *, code: str = "unreadable", **params: object
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.code = code
        self.params = params
        super().__init__(f"{self.path}: {problem}")


@dataclass(frozen=True)
class WorkbookLimits:
    """How far a workbook (a ZIP archive of XML) may unpack before it is read.

    A small workbook can unpack to hundreds of megabytes, and the reader needs several times
    that in memory; the archive is checked first: its total unpacked size, its number of parts,
    and the ratio of unpacked to packed size of each part larger than ``ratio_from_bytes``.
    """

    unpacked_bytes: int = 256 * 1024 * 1024
    members: int = 10_000
    ratio: int = 100
    ratio_from_bytes: int = 1024 * 1024


DEFAULT_WORKBOOK_LIMITS: Final = WorkbookLimits()


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
    raise TableError(
        path, f"unknown file type {suffix or '(none)'!r}; use one of {known}", code="type"
    )


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
        if head in _SIGNATURES:
            raise _binary(path, _SIGNATURES[head])
        stream.seek(0)
        return _scan_text_encoding(path, stream)


def _scan_text_encoding(path: Path, stream: BinaryIO) -> tuple[str, bool]:
    """UTF-8 when every chunk decodes as UTF-8, else Windows-1252, or Latin-1 when a byte that
    Windows-1252 leaves undefined occurs."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    undefined_in_cp1252 = False
    while chunk := stream.read(_CHUNK):
        # No text table holds NUL bytes (UTF-16 ones start with a byte-order mark).
        if b"\x00" in chunk:
            raise _binary(path, "it holds NUL bytes; save the table as CSV")
        if utf8:
            if chunk.isascii():
                continue
            try:
                decoder.decode(chunk)
                continue
            except UnicodeDecodeError:
                utf8 = False
        if not undefined_in_cp1252 and any(byte in chunk for byte in _CP1252_UNDEFINED):
            undefined_in_cp1252 = True
    if utf8:
        try:
            decoder.decode(b"", final=True)  # a multi-byte sequence cut off at the end
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        return "utf-8", False
    return ("latin-1" if undefined_in_cp1252 else "cp1252"), False


def _binary(path: Path, what: str) -> TableError:
    return TableError(
        path,
        f"this is binary data, not a text table: {what}",
        code="binary",
    )


def _sample_text(path: Path, encoding: str) -> str:
    with path.open("rb") as stream:
        raw = stream.read(_SAMPLE)
    text = raw.decode("utf-16" if encoding == "utf-16" else encoding, errors="replace")
    text = text.removeprefix("\ufeff")
    if len(raw) == _SAMPLE and "\n" in text:
        text = text[: text.rindex("\n") + 1]  # drop the line cut off by the sample's end
    return text


def _lone_carriage_return(path: Path, line: int) -> TableError:
    return TableError(
        path,
        f"line {line} holds a carriage return (CR) that does not end the line; remove it, or "
        "save the file with Windows (CRLF) or Unix (LF) line endings",
        code="carriage-return",
        line=line,
    )


def _check_line_endings(path: Path, text: str) -> None:
    """Refuse lines that end with a lone CR, and CRs inside lines: readers disagree on them."""
    found = re.search("\r(?!\n)", text)
    if found is None:
        return
    if "\n" not in text:
        raise TableError(
            path,
            "the lines end with a carriage return only (CR, as on old Macs); save the file "
            "with Windows (CRLF) or Unix (LF) line endings",
            code="line-endings",
        )
    raise _lone_carriage_return(path, text.count("\n", 0, found.start()) + 1)


def _guess_delimiter(text: str) -> str:
    best: tuple[float, int] = (0.0, 1)
    chosen = ","
    for delimiter in DELIMITERS:
        records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if r]
        records = records[:200]
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
        raise _missing(path)
    if path.stat().st_size == 0:
        raise _empty(path)
    encoding, has_bom = _detect_encoding(path)
    text = _sample_text(path, encoding)
    if not text.strip():
        raise _empty(path)
    _check_line_endings(path, text)
    try:
        return CsvDialect(_guess_delimiter(text), encoding, has_bom)
    except csv.Error as error:
        raise TableError(path, f"cannot read the file ({error})") from None


def _missing(path: Path) -> TableError:
    return TableError(path, "file not found", code="missing")


def _empty(path: Path) -> TableError:
    return TableError(path, "the file is empty", code="empty")


# --- checks --------------------------------------------------------------------------------


def _check_header(path: Path, names: Sequence[str]) -> None:
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        if not name.strip():
            raise _unnamed(path, number)
        if name in seen:
            raise TableError(
                path,
                f"the header names column {name!r} twice; column names must be unique",
                code="duplicate-column",
                name=name,
            )
        seen.add(name)


def _unnamed(path: Path, number: int) -> TableError:
    return TableError(
        path,
        f"column {number} of the header has no name; give every column a name",
        code="unnamed-column",
        column=number,
    )


def _header(path: Path, dialect: CsvDialect) -> list[str]:
    text = _sample_text(path, dialect.encoding)
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter):
            if record:
                return record
    except csv.Error as error:
        raise TableError(path, f"cannot read the header ({error})") from None
    raise _empty(path)


def _ragged(path: Path, utf8_path: Path, dialect: CsvDialect, width: int) -> None:
    """Raise if a record has more or fewer fields than the header (blank lines are skipped), or
    if a line holds a carriage return that does not end it."""
    delimiter = dialect.delimiter
    line = pl.col("line")
    fields = pl.col("fields")
    # Cheap test on every line first; quoted lines (a delimiter may sit inside quotes) and lines
    # of the wrong width are then looked at closely, quoted parts removed before counting.
    bad = (
        pl.scan_lines(utf8_path, row_index_name="number", row_index_offset=1)
        .filter(line.str.len_bytes() > 0)
        .with_columns(
            fields=line.str.count_matches(delimiter, literal=True) + 1,
            # Lines end at LF; a CRLF ending is taken off by scan_lines, so any CR left is lone.
            carriage_return=line.str.contains("\r", literal=True),
        )
        .filter(
            (fields != width) | line.str.contains('"', literal=True) | pl.col("carriage_return")
        )
        .select(
            "number",
            "carriage_return",
            fields=line.str.replace_all(r'"[^"]*"', "").str.count_matches(delimiter, literal=True)
            + 1,
            open_quote=line.str.count_matches('"', literal=True) % 2 == 1,
        )
        .filter((fields != width) | pl.col("open_quote") | pl.col("carriage_return"))
        .head(1)
        .collect()
    )
    if bad.is_empty():
        return
    if bad["carriage_return"][0]:
        raise _lone_carriage_return(path, bad["number"][0])
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
        try:
            for record in reader:
                if record and len(record) != width:
                    raise _ragged_error(path, start, len(record), width, dialect.delimiter)
                start = reader.line_num + 1
        except csv.Error as error:
            raise TableError(path, f"line {start}: cannot read the record ({error})") from None


def _ragged_error(path: Path, line: int, fields: int, width: int, delimiter: str) -> TableError:
    shown = {"\t": "tab"}.get(delimiter, repr(delimiter))
    return TableError(
        path,
        f"line {line}: {fields} fields, but the header has {width} "
        f"(fields separated by {shown}); fix that line, or quote values that contain {shown}",
        code="ragged",
        line=line,
        fields=fields,
        width=width,
    )


# --- re-encoding ---------------------------------------------------------------------------


# Re-encoded copy -> the file it was made from, so that no message names the copy.
_COPIES: dict[str, Path] = {}


def error_text(error: BaseException) -> str:
    """The first line of a reader's error, naming the given file instead of an internal copy."""
    text = _first_line(error)
    for copy_name, original in _COPIES.items():
        text = text.replace(copy_name, str(original))
    return text


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
    _COPIES[name] = path
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
            path,
            f"no column {', '.join(map(repr, missing))}; "
            f"the table has {', '.join(map(repr, available))}",
            code="unknown-column",
            names=missing,
        )
    return frame.select(columns)


def _check_names(path: Path, names: Sequence[str]) -> None:
    if not names:
        raise TableError(path, "the table has no columns", code="empty")
    _check_header(path, names)


def _unreadable(path: Path, error: BaseException, *internal: Path) -> TableError:
    """The reader's own words, without the names of temporary copies."""
    detail = error_text(error)
    for copy_path in internal:
        detail = detail.replace(str(copy_path), path.name)
    return TableError(path, f"cannot read the file ({detail})", detail=detail)


def scan_table(path: str | Path) -> pl.LazyFrame:
    """A lazy frame over a CSV or Parquet file, for inputs larger than memory.

    A CSV file is checked once (encoding, delimiter, header, ragged rows) while streaming through
    it; a file that is not UTF-8 is re-encoded into a temporary UTF-8 copy first, which lives
    until the process ends.
    """
    path = Path(path)
    kind = table_format(path)
    if not path.is_file():
        raise _missing(path)
    try:
        if kind == "csv":
            utf8_path, dialect, names = _prepared_csv(path)
            return _strings(_csv_frame(utf8_path, dialect, names))
        if kind == "parquet":
            frame = pl.scan_parquet(path)
            _check_names(path, frame.collect_schema().names())
            return _strings(frame)
    except pl.exceptions.PolarsError as error:
        raise _unreadable(path, error) from error
    raise TableError(
        path, "Excel files cannot be streamed; use read_table or CSV/Parquet", code="stream"
    )


def read_table(
    path: str | Path,
    *,
    columns: Sequence[str] | None = None,
    sheet: str | None = None,
    workbook_limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS,
) -> pl.DataFrame:
    """The whole table in memory, every column as ``pl.String``, empty cells as null.

    ``columns`` picks columns (an unknown name is an error); ``sheet`` picks an Excel sheet
    by name (default: the first); a workbook beyond ``workbook_limits`` is refused unread.
    """
    path = Path(path)
    kind = table_format(path)
    if not path.is_file():
        raise _missing(path)
    copy_path = None
    try:
        if kind == "csv":
            utf8_path, dialect, names = _prepared_csv(path)
            copy_path = utf8_path if utf8_path != path else None
            frame = _csv_frame(utf8_path, dialect, names)
        elif kind == "parquet":
            frame = pl.scan_parquet(path)
            _check_names(path, frame.collect_schema().names())
        else:
            frame = _excel(path, sheet, workbook_limits).lazy()
        return _select(_strings(frame), path, columns).collect()
    except pl.exceptions.PolarsError as error:
        raise _unreadable(path, error, *([copy_path] if copy_path else [])) from error
    finally:
        # Read into memory: a re-encoded copy is not needed any longer (a long-running
        # process, such as the web application's worker, must not collect them).
        if copy_path is not None:
            copy_path.unlink(missing_ok=True)
            _COPIES.pop(str(copy_path), None)


def _too_large(path: Path, unpacked: int, limits: WorkbookLimits) -> TableError:
    return TableError(
        path,
        f"the workbook unpacks to more than {_megabytes(unpacked)}, more than the "
        f"{_megabytes(limits.unpacked_bytes)} allowed; save the sheet as CSV",
        code="workbook-size",
        unpacked=unpacked,
        limit=limits.unpacked_bytes,
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def check_workbook(path: str | Path, limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS) -> None:
    """Refuse a workbook that would unpack beyond ``limits``, before any reader opens it.

    The sizes an archive declares are checked first; then each part is unpacked as a stream
    and counted, since a forged archive can declare less than it holds.
    """
    path = Path(path)
    if not zipfile.is_zipfile(path):
        return  # an .xls file, or no workbook at all: the reader says so
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > limits.members:
                raise TableError(
                    path,
                    f"the workbook has {len(members):,} parts, more than the "
                    f"{limits.members:,} allowed; save the sheet as CSV",
                    code="workbook-parts",
                    parts=len(members),
                    limit=limits.members,
                )
            declared = sum(member.file_size for member in members)
            if declared > limits.unpacked_bytes:
                raise _too_large(path, declared, limits)
            for member in members:
                if (
                    member.file_size > limits.ratio_from_bytes
                    and member.file_size > limits.ratio * max(member.compress_size, 1)
                ):
                    raise TableError(
                        path,
                        f"the workbook is packed more than {limits.ratio} times tighter than a "
                        "spreadsheet is (a ZIP bomb?); save the sheet as CSV",
                        code="workbook-ratio",
                        ratio=limits.ratio,
                    )
            total = 0
            for member in members:
                probe = copy.copy(member)
                probe.file_size = limits.unpacked_bytes + 1  # read past what it declares
                unpacked = 0
                with archive.open(probe) as stream:
                    while chunk := stream.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > member.file_size:
                            raise TableError(
                                path,
                                "the workbook is damaged: a part holds more than it declares",
                                code="workbook-damaged",
                            )
                total += unpacked
            if total > limits.unpacked_bytes:
                raise _too_large(path, total, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise TableError(path, f"cannot read the workbook ({_first_line(error)})") from None


def _excel(path: Path, sheet: str | None, limits: WorkbookLimits) -> pl.DataFrame:
    check_workbook(path, limits)
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
        detail = _first_line(error).replace(str(path), path.name)
        raise TableError(path, f"cannot read the workbook ({detail})", detail=detail) from error
    if frame.width == 0:
        raise TableError(path, "the sheet is empty", code="empty")
    names = frame.columns
    # fastexcel names unnamed header cells "__UNNAMED__<n>" and renames repeated ones.
    for number, name in enumerate(names, start=1):
        if name.startswith("__UNNAMED__"):
            raise _unnamed(path, number)
    _check_names(path, names)
    return frame


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# --- writing -------------------------------------------------------------------------------


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temporary file beside ``path`` (same extension) that replaces it when the block ends
    without an error; after an error it is removed and ``path`` is left as it was."""
    path = Path(path)
    handle, name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix.lower()
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def write_table(frame: pl.DataFrame | pl.LazyFrame, path: str | Path) -> None:
    """Write by extension: ``.csv`` comma-separated UTF-8, ``.parquet``, ``.xlsx``.

    A lazy frame is streamed to CSV and Parquet without being collected first. In CSV, text
    a spreadsheet would run as a formula gets a leading quote. The file appears only once it
    is complete.
    """
    path = Path(path)
    kind = table_format(path)
    if kind == "excel" and path.suffix.lower() != ".xlsx":
        raise TableError(path, "Excel output is written as .xlsx only", code="write")
    temporary = path
    try:
        with replacing(path) as temporary:
            if kind == "csv":
                safe = defuse_formulas(frame)
                if isinstance(safe, pl.LazyFrame):
                    safe.sink_csv(temporary)
                else:
                    safe.write_csv(temporary)
            elif kind == "parquet":
                if isinstance(frame, pl.LazyFrame):
                    frame.sink_parquet(temporary)
                else:
                    frame.write_parquet(temporary)
            else:
                eager = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
                try:
                    eager.write_excel(temporary)
                except ModuleNotFoundError as error:
                    raise TableError(
                        path,
                        "writing Excel needs the package xlsxwriter; "
                        "install it or write .csv or .parquet",
                        code="write",
                    ) from error
    except pl.exceptions.PolarsError as error:
        detail = error_text(error).replace(str(temporary), str(path))
        raise TableError(path, f"cannot write the file ({detail})", code="write") from error
    except OSError as error:
        raise TableError(path, f"cannot write the file ({error.strerror})", code="write") from error
