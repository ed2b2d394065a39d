# Two commands do all the set-up: `make run` (demo collection + dashboard) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
ADDRESS ?= localhost

.PHONY: run check-port test test-fast lint demo dashboard install install-dev browser bench clean

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: build the demo database through the real collectors, then serve the dashboard on :8501
## (another port: make run PORT=8502). The port is checked first, before anything is built.
run: check-port install demo dashboard

# Binding the port the way the dashboard will (SO_REUSEADDR, as Tornado does) fails only when something listens.
check-port:
	@$(PYTHON) -c "import socket; s = socket.socket(socket.AF_INET6 if ':' in '$(ADDRESS)' else socket.AF_INET); \
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('$(ADDRESS)', $(PORT)))" 2>/dev/null || \
	{ echo "Port $(PORT) on $(ADDRESS) is in use (is the dashboard already running?). Stop it, or pick another: make run PORT=8502"; exit 1; }

demo: install
	$(PY) -m clinicwatch demo

# FORWARDED_ALLOW_IPS empty: Streamlit's server (uvicorn) must not replace a loopback peer by the address a
# request's X-Forwarded-For claims; the dashboard reads that header itself, only from [dashboard] trusted_proxies.
dashboard: install
	FORWARDED_ALLOW_IPS= $(PY) -m streamlit run dashboard.py --server.address $(ADDRESS) --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false --client.showErrorDetails none

## make test: the linters (ruff, mypy, import contract), then the whole suite (installs test tools and
## Debian's chromium for the browser tests)
test: install-dev browser lint
	$(PY) -m pytest

## make test-fast: no browser, no slow tests, nothing that reads ../shared (well under a minute)
test-fast: install-dev lint
	$(PY) -m pytest -m "not e2e and not slow and not shared" -q

## make lint: style and errors (ruff), types (mypy), the layers' import contract (import-linter)
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Debian packages the tests need: chromium drives the end-to-end tests (Playwright cannot download
# browsers here); DejaVu gives the PDF report its Unicode font; postgresql gives initdb and pg_ctl for the
# throwaway cluster the storage tests run their PostgreSQL half against (tests/pg_cluster.py).
SYSTEM_PACKAGES := chromium fonts-dejavu-core postgresql
browser:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## make bench: the benchmarks (they print figures; none is a test). They read ../shared/eval for texts.
bench: install-dev
	$(PY) -m bench.ingest
	$(PY) -m bench.poll --feeds 1000
	$(PY) -m bench.queries
	$(PY) -m bench.analysis
	$(PY) -m bench.browser

clean:
	rm -rf $(VENV) .pytest_cache test-output data/demo.db data/demo.db-*
