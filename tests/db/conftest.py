"""The storage tests name the shared ``db`` fixture ``database``."""

from __future__ import annotations

import pytest

from db import Database


@pytest.fixture
def database(db: Database) -> Database:
    return db
