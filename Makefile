# Dealmonitor: two commands.
#   make run   set everything up and serve the demo on http://127.0.0.1:$(PORT) (SQLite under var/),
#              with a worker for the background tasks beside the server (both stop together)
#   make test  set everything up and run the whole suite on SQLite and on PostgreSQL

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# The PostgreSQL the suite runs on as well as SQLite (pytest-django creates test_<name> in it).
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

export DJANGO_SETTINGS_MODULE ?= dealmonitor.conf.dev

# Benchmarks and the load test use their own databases on this server (names get a suffix).
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/dealmonitor_bench
SCALE ?= M

.PHONY: run test test-sqlite test-postgres test-browser coverage setup messages requirements clean \
	bench loadtest loadtest-smoke

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: $(BIN)/python requirements/base.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run requirements/test.txt
	$(BIN)/pip install --quiet -r requirements/base.txt -r requirements/test.txt
	touch $@

setup: $(VENV)/.installed-run
	mkdir -p var
	$(BIN)/dealmonitor migrate --no-input -v0
	$(BIN)/dealmonitor areas sync
	$(BIN)/dealmonitor loaddemo
	$(BIN)/dealmonitor loadimpactdemo
	$(BIN)/dealmonitor loadlearningdemo
	$(BIN)/dealmonitor related --rebuild
	$(BIN)/dealmonitor loadconnectionsdemo
	$(BIN)/dealmonitor createdemouser

# The worker (`dealmonitor db_worker`: imports, related-deal updates, the portfolio PDF,
# the reminders that `dealmonitor remind` queues) runs
# in the background of the same shell and is stopped when the server stops (Ctrl+C).
run: setup
	@echo "Dealmonitor: http://127.0.0.1:$(PORT)/  (English: http://127.0.0.1:$(PORT)/en/)"
	$(BIN)/dealmonitor db_worker --queue-name "*" --no-reload -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/dealmonitor runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-test
	bash scripts/ensure-system-packages.sh
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# Each run in PYTEST_WORKERS processes (pytest-xdist; 0 runs in the pytest process itself).
# What runs where: the browser tests (marker browser) on SQLite only, schemathesis' generated
# API writes (marker fuzz) on PostgreSQL only, the tests that make a database of their own
# (marker own_database) and those that open exports with LibreOffice (marker office) on SQLite only; everything else on both. They are deselected,
# never skipped: pytest's closing line counts them ("N passed, M deselected").
# Work stealing (`--dist worksteal`): a worker that runs out of tests takes some of the other's,
# so a long test (a browser test, a part of the permission matrix) does not leave one worker
# idle at the end.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
PYTEST_SQLITE := env -u DATABASE_URL DJANGO_SETTINGS_MODULE=dealmonitor.conf.ci \
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal -m "not fuzz" $(PYTEST_ARGS)
PYTEST_POSTGRES := DATABASE_URL=$(TEST_POSTGRES_URL) DJANGO_SETTINGS_MODULE=dealmonitor.conf.ci \
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal -m "not browser and not office and not own_database" $(PYTEST_ARGS)

test-sqlite: $(VENV)/.installed-test
	@echo "== test suite on SQLite (browser tests included, fuzz on PostgreSQL only) =="
	$(PYTEST_SQLITE)

test-postgres: $(VENV)/.installed-test
	@echo "== test suite on PostgreSQL ($(TEST_POSTGRES_URL)) (fuzz included, browser tests on SQLite only) =="
	$(PYTEST_POSTGRES)

test-browser: $(VENV)/.installed-test
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=dealmonitor.conf.ci $(BIN)/pytest -m browser

# The same two runs as `make test`, measuring coverage (pytest-cov); the report covers both.
coverage: $(VENV)/.installed-test
	rm -f .coverage .coverage.*
	$(PYTEST_SQLITE) --cov --cov-report=
	$(PYTEST_POSTGRES) --cov --cov-append --cov-report=
	$(BIN)/coverage report

$(VENV)/.installed-bench: $(VENV)/.installed-test requirements/bench.txt
	$(BIN)/pip install --quiet -r requirements/bench.txt
	touch $@

# The page benchmark on SQLite and PostgreSQL at every scale up to SCALE (default M: S and M,
# about 5 minutes); `make bench SCALE=L` adds 10,000 deals (generated once, then reused).
bench: $(VENV)/.installed-test
	$(BIN)/dealmonitor bench --scale $(SCALE) --growth --postgres-url $(BENCH_POSTGRES_URL)

# 100 signed-in users for 2 minutes against gunicorn (2 workers) on PostgreSQL, loopback only.
loadtest: $(VENV)/.installed-bench
	$(BIN)/dealmonitor loadtest --postgres-url $(BENCH_POSTGRES_URL)

loadtest-smoke: $(VENV)/.installed-bench
	$(BIN)/dealmonitor loadtest --users 5 --duration 15 --scale S --postgres-url $(BENCH_POSTGRES_URL)

# Update the Dutch catalogue after changing UI texts; the compiled .mo is committed.
messages: $(VENV)/.installed-test
	cd src/dealmonitor && ../../$(BIN)/dealmonitor makemessages -l nl --no-obsolete \
	  --ignore "ui/static/*" && ../../$(BIN)/django-admin compilemessages -l nl

# Re-pin dependencies after editing requirements/*.in.
requirements: $(VENV)/.installed-test
	cd requirements && ../$(BIN)/pip-compile -q --strip-extras --no-emit-index-url \
	  --no-emit-find-links base.in -o base.txt && ../$(BIN)/pip-compile -q --strip-extras \
	  --no-emit-index-url --no-emit-find-links test.in -o test.txt && ../$(BIN)/pip-compile -q \
	  --strip-extras --no-emit-index-url --no-emit-find-links bench.in -o bench.txt

clean:
	rm -rf $(VENV) var/static
