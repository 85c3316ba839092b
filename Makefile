# Both targets create the virtual environment on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# A .venv whose Python no longer runs or is too old (made by a wrong Python, or one since
# removed) is thrown away here, so the next step rebuilds it instead of failing for ever.
VENV_OK := $(shell $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo yes)
ifneq ($(VENV_OK),yes)
$(shell rm -rf $(VENV))
endif

.PHONY: play test lint bench clean

$(BIN)/trivia-bot: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "trivia-bot needs Python 3.11 or newer; run e.g. make PYTHON=python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

play: $(BIN)/trivia-bot
	$(BIN)/trivia-bot play

test: $(BIN)/trivia-bot
	$(BIN)/python -m pytest -q -n auto --dist loadfile

lint: $(BIN)/trivia-bot
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot/engine bot/storage

bench: $(BIN)/trivia-bot
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist
