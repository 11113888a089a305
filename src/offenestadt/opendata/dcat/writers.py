"""Turtle, RDF/XML and JSON-LD written straight from a list of triples.

rdflib's serialisers index a whole graph and then walk it; for a catalogue page of 100
datasets (some 5,000 triples) that took most of a request. The catalogue's triples are
simple (IRIs, blank nodes used once as objects, literals with a language or a datatype), so
each format is written subject by subject in the order the triples were added. The output
parses back to the same graph as rdflib's own serialisation (tested); it is flat rather than
nested, which harvesters, reading it into a graph, do not notice.
"""

import json
import re
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

Term = URIRef | BNode | Literal
Triple = tuple[URIRef | BNode, URIRef, Term]


class Triples:
    """Triples in the order they were added, without duplicates (what Graph.add keeps)."""

    def __init__(self) -> None:
        self._seen: dict[Triple, None] = {}

    def add(self, triple: Triple) -> None:
        self._seen[triple] = None

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._seen)

    def __len__(self) -> int:
        return len(self._seen)


def _by_subject(triples: Iterable[Triple]) -> dict[URIRef | BNode, dict[URIRef, list[Term]]]:
    subjects: dict[URIRef | BNode, dict[URIRef, list[Term]]] = {}
    for subject, predicate, value in triples:
        subjects.setdefault(subject, {}).setdefault(predicate, []).append(value)
    return subjects


_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class _Names:
    """Prefixed names of IRIs in the bound namespaces, where the local part allows one."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes
        # Longest namespace first, so no namespace shadows a longer one it starts.
        self._by_length = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self._cache: dict[str, tuple[str, str] | None] = {}

    def split(self, iri: str) -> tuple[str, str] | None:
        if iri not in self._cache:
            found = None
            for prefix, namespace in self._by_length:
                if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(iri[len(namespace) :]):
                    found = (prefix, iri[len(namespace) :])
                    break
            self._cache[iri] = found
        return self._cache[iri]


# --- Turtle ----------------------------------------------------------------------------------

_IRI_ESCAPES = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STRING_SPECIAL = re.compile(r'[\\"\n\r\t\x00-\x1f\x7f]')


def _iri_turtle(iri: str) -> str:
    return "<" + _IRI_ESCAPES.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


def _string_turtle(text: str) -> str:
    return (
        '"'
        + _STRING_SPECIAL.sub(
            lambda m: _STRING_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), text
        )
        + '"'
    )


def _turtle_term(term: Term, names: _Names) -> str:
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = _string_turtle(str(term))
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{_turtle_term(term.datatype, names)}"
        return text
    name = names.split(str(term))
    return f"{name[0]}:{name[1]}" if name else _iri_turtle(str(term))


def turtle_body(triples: Iterable[Triple], names: _Names) -> str:
    blocks = []
    for subject, properties in _by_subject(triples).items():
        statements = []
        for predicate, values in properties.items():
            verb = "a" if predicate == RDF.type else _turtle_term(predicate, names)
            objects = ",\n        ".join(_turtle_term(value, names) for value in values)
            statements.append(f"    {verb} {objects}")
        blocks.append(_turtle_term(subject, names) + "\n" + " ;\n".join(statements) + " .\n")
    return "\n".join(blocks)


def turtle(bodies: list[str], prefixes: dict[str, str]) -> bytes:
    lines = [f"@prefix {prefix}: {_iri_turtle(ns)} ." for prefix, ns in prefixes.items()]
    return ("\n".join(lines) + "\n\n" + "\n".join(bodies)).encode()


# --- RDF/XML ---------------------------------------------------------------------------------


def _qname(iri: str, names: _Names) -> str:
    name = names.split(iri)
    if name is None:
        raise ValueError(f"RDF/XML cannot name the property {iri} without its namespace.")
    return f"{name[0]}:{name[1]}"


def _xml_subject(subject: URIRef | BNode) -> str:
    if isinstance(subject, BNode):
        return f"rdf:nodeID={quoteattr(str(subject))}"
    return f"rdf:about={quoteattr(str(subject))}"


def _xml_property(predicate: URIRef, value: Term, names: _Names) -> str:
    element = _qname(str(predicate), names)
    if isinstance(value, BNode):
        return f"    <{element} rdf:nodeID={quoteattr(str(value))}/>"
    if isinstance(value, URIRef):
        return f"    <{element} rdf:resource={quoteattr(str(value))}/>"
    if value.language:
        attribute = f" xml:lang={quoteattr(value.language)}"
    elif value.datatype is not None:
        attribute = f" rdf:datatype={quoteattr(str(value.datatype))}"
    else:
        attribute = ""
    return f"    <{element}{attribute}>{escape(str(value))}</{element}>"


def rdfxml_body(triples: Iterable[Triple], names: _Names) -> str:
    parts = []
    for subject, properties in _by_subject(triples).items():
        # A typed node element for the first type that has a prefixed name.
        types = properties.get(RDF.type, [])
        element = next(
            (_qname(str(t), names) for t in types if names.split(str(t))), "rdf:Description"
        )
        parts.append(f"  <{element} {_xml_subject(subject)}>")
        for predicate, values in properties.items():
            for value in values:
                if predicate == RDF.type and element == _qname_or_none(value, names):
                    continue
                parts.append(_xml_property(predicate, value, names))
        parts.append(f"  </{element}>")
    return "\n".join(parts)


def rdfxml(bodies: list[str], prefixes: dict[str, str]) -> bytes:
    namespaces = "".join(f"\n   xmlns:{prefix}={quoteattr(ns)}" for prefix, ns in prefixes.items())
    head = f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{namespaces}>\n'
    return (head + "\n".join(body for body in bodies if body) + "\n</rdf:RDF>\n").encode()


def _qname_or_none(term: Term, names: _Names) -> str | None:
    name = names.split(str(term)) if isinstance(term, URIRef) else None
    return f"{name[0]}:{name[1]}" if name else None


# --- JSON-LD ---------------------------------------------------------------------------------


def _jsonld_name(iri: str, names: _Names) -> str:
    name = names.split(iri)
    return f"{name[0]}:{name[1]}" if name else iri


def _jsonld_value(term: Term, names: _Names) -> dict[str, str]:
    if isinstance(term, BNode):
        return {"@id": f"_:{term}"}
    if isinstance(term, URIRef):
        # Absolute IRIs as they are: a prefix of the context could read as a scheme.
        return {"@id": str(term)}
    value = {"@value": str(term)}
    if term.language:
        value["@language"] = term.language
    elif term.datatype is not None:
        value["@type"] = _jsonld_name(str(term.datatype), names)
    return value


def jsonld_body(triples: Iterable[Triple], names: _Names) -> str:
    nodes = []
    for subject, properties in _by_subject(triples).items():
        node: dict[str, object] = {
            "@id": f"_:{subject}" if isinstance(subject, BNode) else str(subject)
        }
        for predicate, values in properties.items():
            if predicate == RDF.type:
                node["@type"] = [_jsonld_name(str(value), names) for value in values]
            else:
                node[_jsonld_name(str(predicate), names)] = [
                    _jsonld_value(value, names) for value in values
                ]
        nodes.append(json.dumps(node, ensure_ascii=False))
    return ",\n".join(nodes)


def jsonld(bodies: list[str], prefixes: dict[str, str]) -> bytes:
    context = json.dumps(prefixes, indent=1)
    graph = ",\n".join(body for body in bodies if body)
    return f'{{"@context": {context},\n"@graph": [\n{graph}\n]}}\n'.encode()


# --- A document from parts -------------------------------------------------------------------

BODIES = {"turtle": turtle_body, "rdfxml": rdfxml_body, "jsonld": jsonld_body}
DOCUMENTS = {"turtle": turtle, "rdfxml": rdfxml, "jsonld": jsonld}


def body(kind: str, triples: Iterable[Triple], prefixes: dict[str, str]) -> str:
    """Triples as a part of a document of a kind (turtle, rdfxml, jsonld); parts of the same
    kind join into one document. Blank nodes keep their labels, so parts written apart must
    not share one."""
    return BODIES[kind](triples, _Names(prefixes))


def document(kind: str, bodies: list[str], prefixes: dict[str, str]) -> bytes:
    return DOCUMENTS[kind](bodies, prefixes)
