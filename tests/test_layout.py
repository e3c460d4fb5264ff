"""The layout the README's "Architecture" describes, checked: layers import
only downward, the fake Discord stays out of the product, storage uses public
APIs only, and the docs name no file the repository does not contain."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("bot", "cogs", "db")


def _python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, inside a function) for every import of ``path``."""
    tree = ast.parse(path.read_text("utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                found.append((child.module, inner))
            visit(child, inner)

    visit(tree, False)
    return found


@pytest.mark.parametrize("path", _python_files("bot/domain"), ids=lambda p: p.name)
def test_the_domain_imports_neither_discord_nor_storage(path: Path) -> None:
    for module, _ in _imports(path):
        top = module.split(".")[0]
        assert top not in {"discord", "aiosqlite", "sqlite3", "db", "cogs"}, module
        assert not module.startswith("bot.") or module.startswith("bot.domain"), module


@pytest.mark.parametrize("path", _python_files("db"), ids=lambda p: p.name)
def test_storage_imports_no_discord_and_no_feature(path: Path) -> None:
    for module, _ in _imports(path):
        assert module.split(".")[0] not in {"discord", "cogs"}, module
        assert not module.startswith("bot.") or module.startswith("bot.domain"), module


@pytest.mark.parametrize("path", _python_files(*PRODUCT), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_product_never_imports_the_fake_discord(path: Path) -> None:
    for module, nested in _imports(path):
        if module.split(".")[0] == "loopback":
            # Only the demo command, lazily: the fake is not installed with the bot.
            assert path == ROOT / "bot" / "__main__.py" and nested, module


def test_sql_lives_in_db_only() -> None:
    statement = re.compile(r"\"(?:SELECT|INSERT|UPDATE|DELETE) [A-Za-z*(]")
    for path in _python_files("bot", "cogs"):
        assert not statement.search(path.read_text("utf-8")), path


def test_storage_uses_no_private_attribute_of_a_dependency() -> None:
    for path in _python_files(*PRODUCT):
        text = path.read_text("utf-8")
        for pattern in ("._execute(", "._conn._conn", "coroutine.send("):
            assert pattern not in text, f"{path}: {pattern}"


def test_every_feature_is_a_package_with_a_thin_cog() -> None:
    features = sorted(p.name for p in (ROOT / "cogs").iterdir() if (p / "__init__.py").exists())
    assert features == ["chat", "config", "help", "pace", "profile", "splits", "wod"]
    for feature in features:
        assert (ROOT / "cogs" / feature / "_cog.py").exists(), feature
        assert "async def setup(" in (ROOT / "cogs" / feature / "__init__.py").read_text()


def _tracked() -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    return set(listed) or {str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()}


DOCS = ("README.md", "tests/README.md", "bench/README.md")
# A repository path in backticks: `bot/replies.py`, `cogs/splits/`, `tests/e2e/`.
_PATH = re.compile(r"`((?:bot|cogs|db|loopback|tests|bench)/[\w./<>-]*)`")


@pytest.mark.parametrize("doc", DOCS)
def test_the_docs_name_only_files_the_repository_has(doc: str) -> None:
    tracked = _tracked()
    folders = {str(parent) for name in tracked for parent in Path(name).parents}
    missing = []
    for match in _PATH.finditer((ROOT / doc).read_text("utf-8")):
        named = match.group(1).rstrip("/").split("::")[0]
        if "<" in named or "*" in named:
            continue  # a pattern such as cogs/<feature>/
        if named not in tracked and named not in folders:
            missing.append(named)
    assert not missing, f"{doc} names {missing}"
