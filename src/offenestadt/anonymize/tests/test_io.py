"""Reading and writing tables: CSV dialects as offices export them, Parquet, Excel."""

import codecs
from pathlib import Path

import polars as pl
import pytest

from offenestadt.anonymize.io import (
    CsvDialect,
    TableError,
    detect_csv,
    read_table,
    scan_table,
    write_table,
)

ROWS = [
    ["Name", "Straße", "Betrag", "Bemerkung"],
    ["Jürgen Müller", "Königsallee 5", "12,50 €", "bezahlt"],
    ["Özlem Şahin", "Hauptstraße 1", "3,00 €", ""],
    ["Anne-Marie Weiß", "Am Ölbach 7", "", 'sagt: "später; vielleicht"'],
]
EXPECTED = pl.DataFrame(
    {
        "Name": ["Jürgen Müller", "Özlem Şahin", "Anne-Marie Weiß"],
        "Straße": ["Königsallee 5", "Hauptstraße 1", "Am Ölbach 7"],
        "Betrag": ["12,50 €", "3,00 €", None],
        "Bemerkung": ["bezahlt", None, 'sagt: "später; vielleicht"'],
    }
)


def csv_text(rows: list[list[str]], delimiter: str, newline: str = "\r\n") -> str:
    def field(value: str) -> str:
        if any(c in value for c in (delimiter, '"', "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(map(field, row)) + newline for row in rows)


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [
        ("utf-8", b"", ","),
        ("utf-8", codecs.BOM_UTF8, ";"),
        ("utf-8", b"", "\t"),
        ("utf-8", b"", "|"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "\t"),  # Excel's "Unicode-Text"
    ],
)
def test_reads_unicode_exports(tmp_path, encoding, bom, delimiter):
    # "Ş" exists in no Windows code page for German, so only Unicode files carry it.
    path = tmp_path / "export.csv"
    path.write_bytes(bom + csv_text(ROWS, delimiter).encode(encoding))

    dialect = detect_csv(path)
    assert dialect.delimiter == delimiter
    assert dialect.has_bom == bool(bom)
    assert read_table(path).equals(EXPECTED)
    assert scan_table(path).collect().equals(EXPECTED)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_reads_excel_csv_in_windows_encoding(tmp_path, encoding):
    # Excel's "CSV (Trennzeichen-getrennt)": semicolons, CRLF, Windows-1252 (€ is 0x80).
    rows = [[cell.replace("Ş", "S") for cell in row] for row in ROWS]
    if encoding == "latin-1":
        rows = [[cell.replace("€", "EUR") for cell in row] for row in rows]
    path = tmp_path / "export.csv"
    path.write_bytes(csv_text(rows, ";").encode(encoding))

    assert detect_csv(path) == CsvDialect(";", "cp1252", has_bom=False)
    table = read_table(path)
    assert table["Name"].to_list() == ["Jürgen Müller", "Özlem Sahin", "Anne-Marie Weiß"]
    assert table["Betrag"][0] == ("12,50 €" if encoding == "cp1252" else "12,50 EUR")
    assert scan_table(path).collect().equals(table)


def test_windows_encoding_found_far_down_the_file(tmp_path):
    # The first rows are plain ASCII; the umlaut comes after the part a sample would look at.
    rows = [["id", "ort"]] + [[str(n), "Bochum"] for n in range(200_000)] + [["x", "Köln"]]
    path = tmp_path / "long.csv"
    path.write_bytes(csv_text(rows, ";").encode("cp1252"))

    assert detect_csv(path).encoding == "cp1252"
    assert scan_table(path).collect()["ort"][-1] == "Köln"


def test_bytes_undefined_in_windows_1252_are_read_as_latin_1(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"a;b\r\nx\x81;y\r\n")
    assert detect_csv(path).encoding == "latin-1"
    assert read_table(path)["a"].to_list() == ["x\x81"]


def test_quoted_fields_keep_delimiters_quotes_and_line_breaks(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('id;text\n1;"eins; zwei"\n2;"Zeile\nzwei"\n3;"ein ""Zitat"""\n')
    assert read_table(path)["text"].to_list() == ["eins; zwei", "Zeile\nzwei", 'ein "Zitat"']


def test_every_column_is_text_and_empty_cells_are_null(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text('plz,alter,betrag\n04109,7,1.5\n,8,""\n00123,,2\n')
    table = read_table(path)
    assert table.schema == dict.fromkeys(["plz", "alter", "betrag"], pl.String)
    assert table["plz"].to_list() == ["04109", None, "00123"]  # leading zeros kept
    assert table.row(1) == (None, "8", None)  # quoted empty is missing too
    assert table["alter"][2] is None


def test_blank_lines_and_records_without_any_value_are_dropped(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("a;b\n1;2\n\n3;4\n;\n\n")
    assert read_table(path).rows() == [("1", "2"), ("3", "4")]


@pytest.mark.parametrize(
    ("content", "line", "fields"),
    [
        ("a;b;c\n1;2;3\n4;5\n", 3, 2),
        ("a;b;c\n1;2;3\n4;5;6\n7;8;9;10\n", 4, 4),
        ('a;b;c\n1;"2;x";3\n4;"5\n5";6;7\n', 3, 4),  # a quoted field over two lines
    ],
)
def test_ragged_rows_name_the_line(tmp_path, content, line, fields):
    path = tmp_path / "ragged.csv"
    path.write_text(content)
    message = f"line {line}: {fields} fields, but the header has 3"
    with pytest.raises(TableError, match=message):
        read_table(path)
    with pytest.raises(TableError, match=message):
        scan_table(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\r\n\r\n", "empty"),
        (codecs.BOM_UTF8, "empty"),
        (b"a;b;a\n1;2;3\n", "names column 'a' twice"),
        (b"a;;c\n1;2;3\n", "column 2 of the header has no name"),
    ],
)
def test_unusable_csv_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(TableError, match=message):
        read_table(path)


def test_header_only_is_an_empty_table(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("a,b\n")
    table = read_table(path)
    assert table.columns == ["a", "b"]
    assert table.height == 0


def test_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(TableError, match=r"unknown file type '\.json'"):
        read_table(tmp_path / "data.json")
    with pytest.raises(TableError, match="file not found"):
        read_table(tmp_path / "missing.csv")


def test_columns_are_picked_by_name(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n1,2,3\n")
    assert read_table(path, columns=["c", "a"]).row(0) == ("3", "1")
    with pytest.raises(TableError, match=r"no column 'd'; the table has 'a', 'b', 'c'"):
        read_table(path, columns=["d"])


def test_parquet_round_trip_and_stream(tmp_path):
    original = pl.DataFrame({"id": [1, 2, None], "when": ["2024-01-01", None, "x"]})
    write_table(original, tmp_path / "t.parquet")
    table = read_table(tmp_path / "t.parquet")
    assert table.schema == {"id": pl.String, "when": pl.String}
    assert table["id"].to_list() == ["1", "2", None]

    write_table(scan_table(tmp_path / "t.parquet"), tmp_path / "copy.parquet")  # sinks
    assert read_table(tmp_path / "copy.parquet").equals(table)


def test_csv_written_comma_separated_utf8_and_read_back(tmp_path):
    write_table(EXPECTED, tmp_path / "out.csv")
    text = (tmp_path / "out.csv").read_bytes().decode("utf-8")
    assert text.splitlines()[0] == "Name,Straße,Betrag,Bemerkung"
    assert read_table(tmp_path / "out.csv").equals(EXPECTED)

    write_table(EXPECTED.lazy(), tmp_path / "lazy.csv")
    assert (tmp_path / "lazy.csv").read_bytes().decode("utf-8") == text


def test_excel_round_trip_first_sheet_or_named_sheet(tmp_path):
    import xlsxwriter  # type: ignore[import-untyped]

    path = tmp_path / "book.xlsx"
    with xlsxwriter.Workbook(path) as book:
        first = book.add_worksheet("Daten")
        cells: list[list[str | float | None]] = [
            ["PLZ", "Anzahl", "Ort"],
            ["44787", 3, "Bochum"],
            ["", 4.5, None],
        ]
        for r, row in enumerate(cells):
            for c, value in enumerate(row):
                if value is not None:
                    first.write(r, c, value)
        second = book.add_worksheet("Andere")
        second.write_row(0, 0, ["x"])
        second.write_row(1, 0, ["y"])

    table = read_table(path)
    assert table.schema == dict.fromkeys(["PLZ", "Anzahl", "Ort"], pl.String)
    assert table["PLZ"].to_list() == ["44787", None]
    assert table["Anzahl"].to_list() == ["3", "4.5"]
    assert table["Ort"].to_list() == ["Bochum", None]
    assert read_table(path, sheet="Andere")["x"].to_list() == ["y"]

    write_table(table, tmp_path / "copy.xlsx")
    assert read_table(tmp_path / "copy.xlsx").equals(table)


def test_excel_cannot_be_streamed(tmp_path):
    write_table(EXPECTED, tmp_path / "book.xlsx")
    with pytest.raises(TableError, match="cannot be streamed"):
        scan_table(tmp_path / "book.xlsx")


def test_reads_the_adult_reference_data(adult_csv):
    dialect = detect_csv(adult_csv)
    assert dialect == CsvDialect(";", "utf-8", has_bom=False)
    table = read_table(adult_csv)
    assert table.shape == (30_162, 9)
    assert table["age"][0] == "39"  # CRLF line ends leave no "\r" in the last column
    assert not table["salary-class"].str.ends_with("\r").any()


def test_reading_a_latin_1_file_into_memory_leaves_no_copy_behind(tmp_path: Path) -> None:
    from offenestadt.anonymize import io

    source = tmp_path / "alt.csv"
    source.write_bytes("name;ort\nJürgen;Köln\n".encode("cp1252"))
    before = set(io._temporary_dir().iterdir())
    frame = io.read_table(source)
    assert frame.row(0) == ("Jürgen", "Köln")
    assert set(io._temporary_dir().iterdir()) == before
