"""Copies the shipped banks and migrations into the wheel; everything else is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# top-level folders of the repository that the installed program reads (bot/shipped.py)
SHIPPED = ("questions", "db/migrations")


class BuildPyWithShipped(build_py):
    """An editable install reads the checkout's folders directly, so only real builds copy."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for folder in SHIPPED:
            if not Path(folder).is_dir():
                raise SystemExit(f"setup.py: {folder}/ is missing; cannot build a working wheel")
            self.copy_tree(folder, str(Path(self.build_lib) / "bot" / "_shipped" / folder))


setup(cmdclass={"build_py": BuildPyWithShipped})
