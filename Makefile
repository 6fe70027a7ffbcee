# Two commands a newcomer needs (see README):
#   make run    installs what is needed and starts the dashboard
#   make test   installs what is needed (Chromium included) and runs every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test install pyodide browser lint samples bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed pyodide

# Pyodide from the npm registry, for the encoder that runs in a partner's browser (git-ignored)
pyodide:
	@bash scripts/fetch_pyodide.sh

browser:
	@bash scripts/install_browser.sh

run: install
	$(BIN)/streamlit run app.py

test: install browser
	$(BIN)/ruff check overlap ui pages app.py tests scripts bench
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

lint: install
	$(BIN)/ruff check overlap ui pages app.py tests scripts bench

samples: install
	$(BIN)/python scripts/make_samples.py

bench: install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/accuracy.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
