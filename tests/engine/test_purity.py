"""The engine must stay free of Discord, SQL and I/O so every front-end can drive it."""

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "bot" / "engine"
FORBIDDEN_MODULES = {
    "discord",
    "sqlite3",
    "aiosqlite",
    "asyncpg",
    "psycopg",
    "yaml",
    "aiohttp",
    "requests",
    "socket",
    "subprocess",
    "os",
    "pathlib",
    "io",
    "shutil",
    "urllib",
    "http",
    "bot.storage",
    "bot.console",
    "bot.discord_front",
    "bot.banks",
    "bot.game",
}
FORBIDDEN_CALLS = {"open", "print", "input"}


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_engine_has_no_discord_sql_or_io():
    offenders = []
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) >= 5
    for path in files:
        tree = ast.parse(path.read_text("utf-8"))
        for name in _imports(tree):
            if any(name == m or name.startswith(m + ".") for m in FORBIDDEN_MODULES):
                offenders.append(f"{path.name} imports {name}")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in FORBIDDEN_CALLS
            ):
                offenders.append(f"{path.name}:{node.lineno} calls {node.func.id}()")
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.lstrip().upper().startswith(("SELECT ", "INSERT ", "UPDATE "))
            ):
                offenders.append(f"{path.name}:{node.lineno} holds SQL")
    assert offenders == []


def test_the_check_catches_a_discord_import(tmp_path):
    tree = ast.parse("import discord\nfrom discord.ext import commands\n")
    assert {"discord", "discord.ext"} <= _imports(tree)
