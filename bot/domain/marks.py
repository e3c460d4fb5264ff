"""The punctuation phone keyboards substitute, mapped back to ASCII.

iOS and Android "smart punctuation" turn ``45'`` into ``45’`` and ``90"`` into
``90”``; some keyboards offer primes (``′ ″``) and typographic dashes. Every
parser that reads what runners type starts from the same table, extended with
its own extras.
"""

from __future__ import annotations

QUOTES: dict[str, str] = {
    "’": "'",
    "‘": "'",
    "′": "'",
    "´": "'",
    "”": '"',
    "“": '"',
    "″": '"',
}

DASHES: dict[str, str] = {
    "−": "-",  # minus sign
    "–": "-",  # en dash
    "—": "-",  # em dash
}
