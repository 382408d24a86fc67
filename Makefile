# Two commands: `make run` (set up, then start the app on the emulated lab) and `make test` (set up, run every test).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
PORT ?= 8501

.PHONY: run test bench validate schema setup clean

# The venv is (re)built only when it is missing or requirements.txt changed.
$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m engine bench

validate: $(STAMP)
	$(PY) -m engine validate

schema: $(STAMP)
	$(PY) -m engine schema --out schemas

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
