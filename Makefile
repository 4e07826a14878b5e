# erpteam — `make run` serves the demo on SQLite; `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test faults serve lint format messages bench loadtest clean assets

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

locale/.compiled: $(wildcard locale/*/LC_MESSAGES/django.po) $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
	touch $@

assets: node_modules/.installed locale/.compiled

run: $(VENV)/.installed assets
	DJANGO_DEBUG=true $(PY) manage.py migrate --no-input -v0
	DJANGO_DEBUG=true $(PY) manage.py seed_demo --if-empty
	DJANGO_DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev assets
	$(PY) -m pytest $(PYTEST_ARGS)

# The fault tests (tests/faults, also part of `make test`) more deeply: Redis killed at several moments of a
# running import. They need PostgreSQL (DATABASE_URL=postgres://…) and the redis-server program; they start
# their own Redis servers and Celery worker.
faults: $(VENV)/.installed-dev assets
	@test -n "$$DATABASE_URL" || { echo "make faults needs DATABASE_URL (postgres://…)"; exit 1; }
	FAULTS_DEEP=1 $(PY) -m pytest tests/faults $(PYTEST_ARGS)

# Production mode on this machine: gunicorn + Celery worker + Celery beat (deploy/process), kept alive by
# supervisord (deploy/supervisord.conf: one that exits is restarted, the others go on), against
# DATABASE_URL and REDIS_URL, static files collected and served by whitenoise. An empty database
# gets the demo (its accounts have a known password): `make serve DEMO=no` for a real one.
DEMO ?= yes
SERVE_RUN ?= $(CURDIR)/.serve
SERVE_ENV = DJANGO_DEBUG=false DJANGO_LOG_JSON=true DJANGO_DB_POOL=true \
	DJANGO_STATICFILES_STORAGE=whitenoise.storage.CompressedManifestStaticFilesStorage

serve: $(VENV)/.installed assets
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || \
		{ echo "make serve needs DATABASE_URL (postgres://…) and REDIS_URL (redis://…)"; exit 1; }
	$(SERVE_ENV) $(PY) manage.py migrate --no-input -v0
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input -v0
	test "$(DEMO)" = no || $(SERVE_ENV) $(PY) manage.py seed_demo --if-empty
	mkdir -p $(SERVE_RUN)
	$(SERVE_ENV) SERVE_RUN=$(SERVE_RUN) PATH=$(CURDIR)/$(VENV)/bin:$$PATH \
		$(VENV)/bin/supervisord --configuration deploy/supervisord.conf

# Measurements on this machine's PostgreSQL (BENCH_DATABASE_URL, default postgres://root@127.0.0.1:5432/erpteam_bench,
# created and seeded with --scale 1 on first use) and Redis (REDIS_URL, default redis://127.0.0.1:6379/2).
# Slow: never part of `make test` or CI.
bench: $(VENV)/.installed assets
	$(PY) -m bench.pages

loadtest: $(VENV)/.installed assets
	$(PY) -m bench.loadtest

# The checks of .pre-commit-config.yaml on every file, with the pinned tools of requirements-dev.txt: ruff, djLint
# over the templates, django-upgrade as a check, mypy over the services and selectors.
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint templates
	git ls-files -z '*.py' | xargs -0 $(VENV)/bin/django-upgrade --target-version 5.2 --check
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-logo

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	git ls-files -z '*.py' | xargs -0 $(VENV)/bin/django-upgrade --target-version 5.2 --exit-zero-even-if-changed

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=tests --no-obsolete

clean:
	rm -rf $(VENV) node_modules staticfiles locale/.compiled
