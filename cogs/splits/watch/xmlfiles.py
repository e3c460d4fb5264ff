"""Reading TCX and GPX files: XML through ``defusedxml``, as a stream.

The parser is defusedxml's (expat underneath) with every defence on: a
document type, an entity declaration (the "billion laughs") or an external
reference stops the parse at once, before anything is expanded or fetched.
It feeds a small target (:class:`Collector`) that keeps only the few values
it needs, so no element tree is built: a 10 MB file of trackpoints costs
the same memory as a small one, and positions and heart rates are never kept.
Elements nested deeper than :data:`MAX_DEPTH` (an activity file never goes
past 8) stop the parse too.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from cogs.splits.watch.activity import ActivityRefused

__all__ = [
    "MAX_DEPTH",
    "Collector",
    "instant",
    "local_name",
    "looks_like_xml",
    "namespace",
    "parse",
    "root_name",
    "to_decimal",
]

MAX_DEPTH = 32
_CHUNK = 64 * 1024
_CHECK_EVERY = 4096  # elements between two looks at the deadline


def looks_like_xml(data: bytes) -> bool:
    """Whether ``data`` starts like an XML document (after a BOM and blanks)."""
    head = data[:1024]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            return True  # a byte order mark: text, and the parser reads its encoding
    return head.lstrip().startswith(b"<")


def local_name(tag: str) -> str:
    """``{namespace}Lap`` → ``Lap``."""
    return tag.rpartition("}")[2]


def namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


class Collector:
    """A parser target: tracks the path of local names from the root and
    hands the text of the elements :meth:`wanted` asks for to :meth:`value`.

    ``kind`` ("TCX" or "GPX") words the refusals."""

    kind = "XML"

    def __init__(self, deadline: float | None = None) -> None:
        self.path: list[str] = []
        self.deadline = deadline
        self._text: list[str] | None = None
        self._elements = 0

    # What a format overrides.
    def opened(self, name: str, tag: str, attrib: dict[str, str]) -> None:
        """An element starts (``path`` already ends with ``name``)."""

    def wanted(self, name: str, tag: str) -> bool:
        """Whether this element's text is needed (``path`` ends with ``name``)."""
        return False

    def value(self, name: str, tag: str, text: str) -> None:
        """The text of a wanted element, at its end (``path`` still ends with ``name``)."""

    def closed(self, name: str, tag: str) -> None:
        """An element ends (``path`` still ends with ``name``)."""

    def result(self) -> object:
        return None

    # The target protocol the parser calls.
    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._elements += 1
        checking = self.deadline is not None and self._elements % _CHECK_EVERY == 0
        if checking and time.monotonic() > self.deadline:
            raise ActivityRefused.too_slow()
        if len(self.path) >= MAX_DEPTH:
            raise ActivityRefused.invalid_xml(self.kind, "its elements are nested too deeply")
        name = local_name(tag)
        self.path.append(name)
        self.opened(name, tag, attrib)
        if self.wanted(name, tag):
            self._text = []

    def data(self, text: str) -> None:
        if self._text is not None:
            self._text.append(text)
            if len(self._text) > 64:  # a value is a few characters; never a long text
                self._text = ["".join(self._text)[:256]]

    def end(self, tag: str) -> None:
        name = self.path[-1]
        if self._text is not None:
            text, self._text = "".join(self._text).strip(), None
            self.value(name, tag, text)
        self.closed(name, tag)
        self.path.pop()

    def close(self) -> object:
        return self.result()


class _Root(Exception):
    def __init__(self, tag: str) -> None:
        self.tag = tag


class _RootFinder(Collector):
    def opened(self, name: str, tag: str, attrib: dict[str, str]) -> None:
        raise _Root(tag)


def root_name(data: bytes, kind: str = "XML") -> str | None:
    """The local name of the document's root element (``TrainingCenterDatabase``,
    ``gpx``), reading no further than it; ``None`` for a document without one.
    Hostile or broken XML before the root is refused as ``kind``."""
    try:
        parse(data, _RootFinder(), kind)
    except _Root as found:
        return local_name(found.tag)
    return None


def parse(data: bytes, target: Collector, kind: str) -> object:
    """Feed ``data`` to a defused parser with ``target``; its result, or a refusal."""
    target.kind = kind
    parser = DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.feed(data[offset : offset + _CHUNK])
        return parser.close()
    except ActivityRefused:
        raise  # a ValueError too: raised by the target, already worded
    except DefusedXmlException:
        raise ActivityRefused.hostile_xml(kind) from None
    except ParseError as error:
        line = error.position[0] if error.position else 0
        raise ActivityRefused.invalid_xml(kind, f"broken XML at line {line}") from None
    except (LookupError, ValueError):
        # The XML declaration names an encoding expat cannot use: unknown
        # ("UTZ-8"), multi-byte ("Shift_JIS") or not a text codec ("base64").
        raise ActivityRefused.invalid_xml(kind, "its declared encoding cannot be read") from None


def to_decimal(text: str | None) -> Decimal | None:
    """A non-negative finite number as written, or ``None``."""
    if not text or len(text) > 32:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > 10**9:
        return None
    return value


def instant(text: str | None) -> datetime | None:
    """An ISO 8601 instant in UTC (``2010-06-26T10:06:11Z``); naive ones are UTC."""
    if not text or len(text) > 40:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # not a date, or out of datetime's range in UTC
        return None
