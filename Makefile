# Two commands do all the set-up on a fresh machine: `make chat` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check

.PHONY: chat test lint bench eval clean setup setup-dev browser fuzz

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch first and pinned: anything unpinned that pulls torch would fetch a multi-GB CUDA build
	$(PIP) install "torch==2.13.0"
	# the base install compiles nothing: llama.cpp is in the optional local-llm extra
	$(PIP) install -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	# dev adds local-llm and llama-cpp's server (the OpenAI-compatible server test): pip builds
	# llama.cpp once (about 11 minutes on 2 cores) and caches the wheel
	$(PIP) install -e ".[dev]"
	touch $@

setup: $(VENV)/.base
setup-dev: $(VENV)/.dev

chat: $(VENV)/.base
	$(VENV)/bin/coach chat

# Headless Chromium renders the exported plan page in tests/test_export.py (which fails,
# never skips, without it): installed here so a fresh machine gets it.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update && apt-get install -y chromium; }

test: $(VENV)/.dev browser
	$(PY) -m pytest

# Every test marked fuzz, with a long random budget (make test runs them short and derandomized).
fuzz: $(VENV)/.dev
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -m fuzz -q

lint: $(VENV)/.dev
	$(PY) -m ruff check agent tools knowledge evals tests
	$(PY) -m ruff format --check agent tools knowledge evals tests
	$(PY) -m mypy agent tools knowledge evals

bench: $(VENV)/.dev
	$(PY) -m evals.bench

clean:
	rm -rf $(VENV) build *.egg-info
