"""Custom ids come back from the client: parsed as untrusted input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.components import CONFIRM_PATTERN, MAX_ROW_ID, ForgedId, row_id, submitted_values


@pytest.mark.parametrize("text", ["1", "42", str(MAX_ROW_ID)])
def test_ids_in_the_databases_range_are_read(text: str) -> None:
    assert row_id(text) == int(text)


@pytest.mark.parametrize(
    "text", ["0", "9" * 80, str(MAX_ROW_ID + 1), "", "abc", "-1", "١٢٣", " 1", "1e3"]
)
def test_anything_else_is_a_refusal_not_a_crash(text: str) -> None:
    with pytest.raises(ForgedId, match="nothing changed"):
        row_id(text)


@given(st.text())
def test_row_id_never_raises_anything_but_forged(text: str) -> None:
    try:
        value = row_id(text)
    except ForgedId:
        return
    assert 0 < value <= MAX_ROW_ID


def test_form_values_are_read_however_discord_nests_them() -> None:
    components = [
        {"type": 1, "components": [{"type": 4, "custom_id": "splits", "value": "29.78"}]},
        {"type": 18, "component": {"type": 4, "custom_id": "note", "value": "windy"}},
        {"type": 1, "components": [{"type": 4, "custom_id": "bad", "value": 7}]},
        "garbage",
    ]
    assert submitted_values(components) == {"splits": "29.78", "note": "windy"}


def test_a_confirm_id_fits_discords_100_characters() -> None:
    longest = f"trackside:confirm:{'a' * 16}:deadbeef:{'9' * 10}:{'9' * 20}:{'9' * 19}:yes"
    assert len(longest) <= 100
    assert re.fullmatch(CONFIRM_PATTERN, longest)
