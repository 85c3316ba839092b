# Both targets create the virtual environment on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: play test lint bench clean

$(BIN)/trivia-bot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

play: $(BIN)/trivia-bot
	$(BIN)/trivia-bot play

test: $(BIN)/trivia-bot
	$(BIN)/python -m pytest -q

lint: $(BIN)/trivia-bot
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot/engine bot/storage

bench: $(BIN)/trivia-bot
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV)
