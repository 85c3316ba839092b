"""Front-ends translate for themselves: the Discord front-end imports nothing of the terminal's,
nor the terminal anything of Discord's, and the service layer neither."""

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
RULES = {
    "discord_front": ("bot.console",),
    "console": ("bot.discord_front", "discord"),
    "game": ("bot.console", "bot.discord_front", "discord"),
}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_front_ends_and_the_service_layer_do_not_import_each_other():
    offenders = []
    for package, forbidden in RULES.items():
        files = sorted((BOT / package).rglob("*.py"))
        assert len(files) >= 3, package
        for path in files:
            for name in imported(path):
                if any(name == m or name.startswith(m + ".") for m in forbidden):
                    offenders.append(f"{path.relative_to(BOT)} imports {name}")
    assert offenders == []


def test_the_check_sees_a_from_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from bot.console.render import source_line\n")
    assert "bot.console.render" in imported(bad)
