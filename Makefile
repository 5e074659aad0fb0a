# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCKS := requirements/base.txt requirements/dev.txt

.PHONY: run test setup lint typecheck migrations-check pytest lock messages demo clean bench bench-tools

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(LOCKS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements/base.txt -r requirements/dev.txt
	touch $(STAMP)

# The quick chart's script (Vega-Lite, Vega, vega-embed, bundled by esbuild) comes from the npm
# registry at the versions package-lock.json pins; nothing is fetched when the site runs.
NODE_STAMP := node_modules/.installed
# One build writes the chart products' script, static/build/product-chart.js, beside it.
CHART := static/build/chart.js

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(CHART): $(NODE_STAMP) frontend/chart.js frontend/product-chart.js frontend/builder.js
	npm run --silent build

setup: $(STAMP) $(CHART)
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

run: setup
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py load_demo
	@echo "Situs: http://127.0.0.1:8000  (Ctrl-C menghentikan server web dan worker)"
	$(BIN)/python manage.py serve 127.0.0.1:8000

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy .

migrations-check: setup
	$(BIN)/python manage.py makemigrations --check --dry-run

pytest: setup
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

# Regenerate the lock files after editing requirements/*.in.
lock: setup
	cd requirements && ../$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o base.txt base.in
	cd requirements && ../$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o dev.txt dev.in
	cd requirements && ../$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o bench.txt bench.in

# What the benchmarks compare against (frictionless, Datasette), in its own environment: not a
# dependency.
.venv-bench/.installed: requirements/bench.txt
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements/bench.txt
	touch .venv-bench/.installed

bench-tools: .venv-bench/.installed

# The figures the issues ask for; each script also runs alone (see its docstring).
bench: setup bench-tools
	$(BIN)/python bench/bench_import_regions.py
	$(BIN)/python bench/bench_synchronise.py
	$(BIN)/python bench/bench_synchronise.py --gigabyte
	$(BIN)/python bench/bench_hostile_files.py
	$(BIN)/python bench/bench_search.py
	$(BIN)/python bench/bench_datastore.py --indexed
	$(BIN)/python bench/bench_dataset_page.py  # needs wrk (apt-get install wrk)
	$(BIN)/python bench/bench_table_builder.py
	$(BIN)/python bench/bench_charts.py
	$(BIN)/python bench/bench_publication.py
	$(BIN)/python bench/bench_support_desk.py
	$(BIN)/python bench/bench_support_suggest.py
	$(BIN)/python bench/bench_support_ikm.py
	$(BIN)/python bench/bench_promotion_send.py
	$(BIN)/python bench/bench_promotion_card.py
	$(BIN)/python bench/bench_promotion_widget.py
	$(BIN)/python bench/bench_usage_record.py
	$(BIN)/python bench/bench_usage_rollup.py
	$(BIN)/python bench/bench_usage_yearly.py  # BENCH_EVENTS=1000000 for a shorter run
	$(BIN)/python bench/bench_usage_dashboard.py
	$(BIN)/python bench/bench_kpi_yearly.py
	$(BIN)/python bench/bench_report_yearly.py

# Refresh the Indonesian catalogue after changing user-facing text.
messages: setup
	$(BIN)/python manage.py makemessages -l id --ignore=.venv --ignore=staticfiles --ignore=node_modules --ignore=static/build --no-location

clean:
	rm -rf $(VENV) .venv-bench node_modules static/build staticfiles .mypy_cache .ruff_cache .pytest_cache
