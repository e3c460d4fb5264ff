"""The ``/splits export`` CSV: one row per rep, for coaches' spreadsheets.

The columns are part of the product contract (its ``/splits export``)::

    date,workout,athlete_id,athlete,rep,distance_m,time_s,pace_per_400_s,note,group,session,source

Decisions, and why:

* Written with :mod:`csv` (RFC 4180 quoting: fields with a comma, quote or
  line break are quoted, quotes doubled) and ``\\r\\n`` line ends, the csv
  module's and RFC 4180's default, which Excel, Sheets and Numbers all read.
  The header row is always present, even when there are no rows.
* Numbers are plain and locale-free so a spreadsheet reads them as numbers:
  ``date`` ISO (``2017-06-05``); ``distance_m`` the exact decimal metres with
  no trailing zeros or exponent (``250``, ``1609.344``, ``21097.5``);
  ``time_s`` and ``pace_per_400_s`` plain seconds with exactly two decimals,
  rounded half up like every time Trackside shows (``236.13``, not
  ``3:56.13``, so the column can be summed and charted).
* CSV/formula injection: coaches open this file in Excel or Google Sheets,
  which run a cell beginning with ``=``, ``+``, ``-`` or ``@`` (and, in some
  versions, after a leading tab or carriage return) as a formula. Workout
  titles, display names and notes are typed by users, so such a text cell gets
  a leading ``'``, which the spreadsheet shows as plain text (OWASP's advice).
  Only the text columns are guarded; numeric columns are produced here.
* Text is also made safe to encode: NUL characters (which break spreadsheet
  imports) are dropped and lone surrogates (possible in JSON from Discord) are
  replaced with U+FFFD, so ``export_csv(...).encode("utf-8")`` never fails.
* Rows are written in the order given; the caller decides the sort.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from fractions import Fraction

from bot.domain.times import round_half_up

__all__ = ["HEADER", "ExportRow", "export_csv", "export_filename"]

HEADER: tuple[str, ...] = (
    "date",
    "workout",
    "athlete_id",
    "athlete",
    "rep",
    "distance_m",
    "time_s",
    "pace_per_400_s",
    "note",
    "group",
    "session",
    "source",
)
"""The CSV's columns, exactly as the product contract lists them."""

LINE_TERMINATOR = "\r\n"
"""Line end of every row (RFC 4180)."""

# First characters a spreadsheet may treat as the start of a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SURROGATES = re.compile("[\ud800-\udfff]")
_SLUG_MAX = 40


@dataclass(frozen=True)
class ExportRow:
    """One rep of one athlete's splits.

    ``workout`` is the workout's title, or its text when it has no title, or
    ``""`` when the splits have no workout; ``athlete`` is the display name;
    ``rep`` is 1-based; ``pace_per_400_ms`` the 400 m-equivalent pace in
    milliseconds (a Fraction keeps it exact); ``group`` the training group's
    name (``""``: the whole team), ``session`` the workout's session label
    (``""``: the day's main one), ``source`` ``typed`` (command or form) or
    ``file`` (a watch file).
    """

    date: date
    workout: str
    athlete_id: int
    athlete: str
    rep: int
    distance_m: Decimal
    time_ms: int
    pace_per_400_ms: Fraction | float
    note: str | None
    group: str = ""
    session: str = ""
    source: str = "typed"


def _text_cell(value: str | None) -> str:
    """A user-typed text cell: encodable, and never read as a formula."""
    if not value:
        return ""
    text = _SURROGATES.sub("\ufffd", value.replace("\x00", ""))
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _seconds_cell(ms: int | float | Fraction) -> str:
    """Milliseconds as seconds with exactly two decimals, half up: ``29.78``, ``236.13``."""
    if isinstance(ms, bool):
        raise TypeError("a time in milliseconds must be a number, not a bool")
    hundredths = round_half_up(Fraction(ms), 10)
    sign = "-" if hundredths < 0 else ""
    whole, rest = divmod(abs(hundredths), 100)
    return f"{sign}{whole}.{rest:02d}"


def _metres_cell(metres: Decimal | int | float) -> str:
    """Exact metres without trailing zeros or exponent: ``250``, ``1609.344``."""
    if isinstance(metres, bool):
        raise TypeError("metres must be a number, not a bool")
    value = Decimal(repr(metres)) if isinstance(metres, float) else Decimal(metres)
    if not value.is_finite():
        raise ValueError(f"cannot export a non-finite distance: {metres!r}")
    with localcontext() as context:
        context.prec = 60
        text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _cells(row: ExportRow) -> list[str]:
    return [
        row.date.isoformat(),
        _text_cell(row.workout),
        str(row.athlete_id),
        _text_cell(row.athlete),
        str(row.rep),
        _metres_cell(row.distance_m),
        _seconds_cell(row.time_ms),
        _seconds_cell(row.pace_per_400_ms),
        _text_cell(row.note),
        _text_cell(row.group),  # names and sessions are typed by coaches
        _text_cell(row.session),
        row.source,
    ]


def export_csv(rows: Iterable[ExportRow]) -> str:
    """The CSV text for ``rows``: the header, then one line per row, ``\\r\\n`` line ends.

    Encode it as UTF-8 for the attachment.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=LINE_TERMINATOR)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(_cells(row))
    return buffer.getvalue()


def _slug(text: str) -> str:
    """Lower-case ASCII letters, digits and single hyphens, at most 40 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:_SLUG_MAX].rstrip("-")


def export_filename(guild_name: str, since: date | None, until: date | None) -> str:
    """A safe attachment name for the export.

    ``trackside-<server slug>-splits-<range>.csv``, where the range is
    ``2026-11-01-to-2026-11-28``, ``from-2026-11-01``, ``to-2026-11-28`` or
    ``all``. A server name with no usable characters is left out, giving
    ``trackside-splits-2026-11-01-to-2026-11-28.csv``. Only ``a-z``, ``0-9``,
    ``-`` and ``.`` appear in the result.
    """
    if since is not None and until is not None:
        span = f"{since.isoformat()}-to-{until.isoformat()}"
    elif since is not None:
        span = f"from-{since.isoformat()}"
    elif until is not None:
        span = f"to-{until.isoformat()}"
    else:
        span = "all"
    slug = _slug(guild_name or "")
    parts = ["trackside", slug, "splits", span] if slug else ["trackside", "splits", span]
    return "-".join(parts) + ".csv"
