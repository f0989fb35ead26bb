# The two commands a newcomer needs: `make run` and `make test`. Both run `make setup` first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?= -n auto

.PHONY: setup run test lint typecheck bench load drill browser fonts assets catalogues messages migrate demo clean

setup: $(VENV)/.installed node_modules/.installed fonts assets catalogues migrate

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end files from npm, copied into the git-ignored static folder WhiteNoise serves.
assets: node_modules/.installed
	@mkdir -p var/assets/htmx var/assets/leaflet var/assets/swagger-ui var/assets/world-atlas var/static
	@cp -u node_modules/htmx.org/dist/htmx.min.js var/assets/htmx/
	@cp -ru node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images var/assets/leaflet/
	@cp -u node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui.css.map var/assets/swagger-ui/
	@cp -u node_modules/world-atlas/countries-110m.json var/assets/world-atlas/

# The message catalogues (iasios/core/catalogues.py, Babel: no system gettext). `make messages` brings
# every locale/<lang>/LC_MESSAGES/django.po up to date with the strings marked in the code; setup
# compiles each .po to its git-ignored .mo when the .po is newer.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

catalogues: $(MO_FILES)

locale/%.mo: locale/%.po | $(VENV)/.installed
	@$(PY) manage.py messages compile $<

messages: $(VENV)/.installed
	$(PY) manage.py messages update

migrate: $(VENV)/.installed
	@$(PY) manage.py migrate --no-input -v 0
	@$(PY) manage.py standards_load --activate --if-new data/frameworks/*.yaml

demo: setup
	@$(PY) manage.py seed_demo

# Links in mails, PDFs, QR codes and the registry exports point where the server listens
# (SITE_URL is derived from HOST and PORT unless set); the demo's seeding sees them too.
run: export HOST := $(HOST)
run: export PORT := $(PORT)
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (task worker running alongside; Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker --queue-name default,documents & \
	  DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's chromium; install it when missing (needs root, as on CI).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package for the browser tests"; fi; }

# PDFs (WeasyPrint) and the browser draw Chinese with a CJK font from the system (Debian's Noto
# CJK); install it when missing (needs root, as on CI).
fonts:
	@fc-list :lang=zh-cn | grep -q . || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq fonts-noto-cjk >/dev/null; \
	  else echo "no Chinese font: install Debian's fonts-noto-cjk package for Chinese PDFs and pages"; fi; }

test: setup browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck:
	$(VENV)/bin/mypy iasios

# Sizes: BENCH_FACILITIES=2000 BENCH_CYCLES=500 BENCH_DOCUMENTS=100 BENCH_UPLOAD_MB=200 (1024: the 1 GB baseline) BENCH_REPEAT=20;
# BENCH_CLOCK=cpu for CPU time instead of wall time on a busy machine
# (seeding is cached in var/bench.sqlite3 for the same sizes; BENCH_DATABASE_URL for another database).
bench: setup
	$(PY) -m tests.bench.run

# Load test on PostgreSQL (BENCH_DATABASE_URL, seeded like the bench; BENCH_* sizes): gunicorn with 4
# workers, Locust headless, LOAD_USERS=50 people for LOAD_SECONDS=60 (LOAD_PORT=8099); var/load.json.
load: setup
	$(PY) -m tests.load.run

# Backup and restore drill on PostgreSQL (PGHOST/PGPORT/PGUSER or DRILL_SERVER): demo data,
# pg_dump, pg_restore into a fresh database, equal row counts, verify_integrity; cleans up after.
drill: setup
	scripts/backup_drill

clean:
	rm -rf var node_modules $(VENV)
