"""Workbooks for tests: a real small one, and ZIP bombs built from it (tiny on disk)."""

import zipfile
from pathlib import Path

import polars as pl

# One row of sheet XML; repeated, it packs about a thousand to one.
ROW = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>'


def workbook(path: Path, sheet_xml_rows: int = 2, row: bytes = b"") -> Path:
    """A real .xlsx from xlsxwriter; with ``sheet_xml_rows`` large, its sheet is replaced by a
    long, highly repetitive one (a ZIP bomb: tiny on disk, huge unpacked)."""
    pl.DataFrame({"Name": ["Anna", "Ben"], "Alter": ["34", "35"]}).write_excel(path)
    if not row:
        return path
    with zipfile.ZipFile(path) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for name, content in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                bomb.writestr(name, content)
        with bomb.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            for _ in range(sheet_xml_rows // 1000):
                sheet.write(row * 1000)
            sheet.write(b"</sheetData></worksheet>")
    return path
