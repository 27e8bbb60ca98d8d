# The two set-up commands of README.md: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test install browser lint bench

$(BIN)/quizengine: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(BIN)/quizengine

browser:
	./scripts/install-browser.sh

run: install
	$(BIN)/quizengine db upgrade
	$(BIN)/quizengine demo
	$(BIN)/quizengine run --host $(HOST) --port $(PORT)

# pytest exits 5 when it collects nothing: that is not a failure of the suite.
test: install browser
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then rc=0; fi; exit $$rc

lint: install
	$(BIN)/ruff check quizengine tests bench config.py
	$(BIN)/mypy quizengine/core

bench: install
	$(BIN)/python bench/checker.py
	$(BIN)/python bench/generation.py
	$(BIN)/python bench/adaptive.py --quick
