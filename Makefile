# Two commands from a fresh clone (only Python 3.11 + pip needed):
#   make demo   simulate a tenant, collect it over HTTP, transform, start the dashboard
#   make test   the test suite (offline) and ruff
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test lint setup clean bench

$(VENV)/.synced: pyproject.toml uv.lock
	@test -x $(UV) || ($(PYTHON) -m venv $(VENV) && $(VENV)/bin/pip install --quiet "uv==$(UV_VERSION)")
	$(UV) sync --frozen --inexact --quiet
	@touch $@

setup: $(VENV)/.synced

demo: $(VENV)/.synced
	$(VENV)/bin/copilot-usage demo --dir demo

# the dashboard's browser test drives Debian's chromium (Playwright's own browser download is not used)
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@command -v apt-get >/dev/null && (apt-get install -y -q chromium >/dev/null || (apt-get update -q >/dev/null \
	  && apt-get install -y -q chromium >/dev/null)) || echo "chromium not installed: the browser test is skipped"

test: $(VENV)/.synced $(CHROMIUM)
	$(VENV)/bin/pytest -q
	$(VENV)/bin/ruff check .

# Performance benchmark (not part of `make test`): make bench SIZES=1k,10k (default all four; 300k takes long)
SIZES ?= 1k,10k,100k,300k
bench: $(VENV)/.synced
	$(VENV)/bin/python -m benchmarks --sizes $(SIZES)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) demo .pytest_cache
