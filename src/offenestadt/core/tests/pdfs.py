"""What every PDF of the platform must be, read with pypdf alone (no system tool): tagged
(PDF/UA-1), in a language, with a title that readers show."""

import io
from typing import cast

from pypdf import PdfReader
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, StreamObject

YES = BooleanObject(True)


def structure_tags(node: object) -> set[str]:
    """The tags (``/S``) of a structure tree, e.g. ``/H1``, ``/Table``, ``/L``."""
    node = getattr(node, "get_object", lambda: node)()
    if isinstance(node, ArrayObject):
        return set().union(*(structure_tags(child) for child in node))
    if not isinstance(node, DictionaryObject):
        return set()
    own = {str(node["/S"])} if "/S" in node else set()
    return own | structure_tags(node.get("/K"))


def assert_accessible_pdf(content: bytes, *, title: str, language: str) -> PdfReader:
    """The PDF is tagged PDF/UA-1 with ``title`` and ``language``; its reader for more."""
    reader = PdfReader(io.BytesIO(content))
    root = reader.root_object
    mark_info = cast(DictionaryObject, root["/MarkInfo"].get_object())
    assert mark_info["/Marked"] == YES  # pdfinfo: "Tagged: yes"
    assert str(root["/Lang"]) == language
    preferences = cast(DictionaryObject, root["/ViewerPreferences"].get_object())
    assert preferences["/DisplayDocTitle"] == YES
    tags = structure_tags(root["/StructTreeRoot"])
    assert {"/Document", "/P"} <= tags, tags
    assert reader.metadata is not None and reader.metadata.title == title
    xmp = reader.xmp_metadata
    assert xmp is not None and xmp.dc_title == {"x-default": title}
    assert xmp.dc_language == [language]
    metadata = cast(StreamObject, root["/Metadata"].get_object())
    assert b"<pdfuaid:part>1</pdfuaid:part>" in metadata.get_data()
    return reader
