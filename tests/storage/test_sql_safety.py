"""SQL is fixed text: values travel only as bound parameters, never spliced into a query."""

import ast
from pathlib import Path

STORAGE = Path(__file__).resolve().parents[2] / "bot" / "storage"
SQL_WORDS = ("SELECT ", "INSERT ", "UPDATE ", "DELETE ", "PRAGMA ", "WITH ", "FROM ", "WHERE ")


def _has_sql(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and any(w in n.value.upper() for w in SQL_WORDS)
        for n in ast.walk(node)
    )


def _runtime_sql_building(tree: ast.AST) -> list[int]:
    """Lines inside functions where SQL text is built with f-strings, %, + or .format()."""
    found: list[int] = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            building = (
                isinstance(node, ast.JoinedStr)
                or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod))
                or (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "format"
                )
            )
            if building and _has_sql(node):
                found.append(node.lineno)
    return found


def test_storage_never_builds_sql_at_run_time():
    offenders = {}
    for path in sorted(STORAGE.glob("*.py")):
        lines = _runtime_sql_building(ast.parse(path.read_text("utf-8")))
        if lines:
            offenders[path.name] = lines
    assert offenders == {}


def test_the_check_catches_an_f_string_query():
    bad = 'async def f(db, name):\n    await db.execute(f"SELECT * FROM t WHERE n = {name}")\n'
    assert _runtime_sql_building(ast.parse(bad)) == [2]
    good = 'async def f(db, name):\n    await db.execute("SELECT * FROM t WHERE n = ?", (name,))\n'
    assert _runtime_sql_building(ast.parse(good)) == []
