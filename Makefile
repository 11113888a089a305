# Offene Stadt: `make demo` serves the demo, `make test` runs every test, `make bench` the benchmarks.

# uv manages Python and the dependencies; where it is missing, it is installed into .tools/.
ifeq ($(shell uv --version >/dev/null 2>&1 && echo yes),yes)
UV := uv
else
UV := .tools/bin/uv
endif
RUN := $(UV) run --frozen

HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core (pytest-xdist; each worker has its own test database); the
# longest tests are handed out first as workers come free.
PARALLEL ?= -n auto --dist worksteal

.PHONY: demo test test-quick test-cluster lint format bench messages

demo: $(UV)
	$(RUN) offenestadt demo --host $(HOST) --port $(PORT)

test: $(UV) node_modules/.package-lock.json
	$(RUN) pytest $(PARALLEL)

# Everything but the whole-site browser crawls, which take a third of the run; CI runs `test`.
test-quick: $(UV) node_modules/.package-lock.json
	$(RUN) pytest $(PARALLEL) -m "not crawl"

# Two app servers, a worker and nginx on one PostgreSQL (DATABASE_URL's server), under load.
test-cluster: $(UV)
	$(RUN) python deploy/test/cluster.py

lint: $(UV)
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports --no-cache
	$(RUN) python -m tools.check_module_size
	$(RUN) python -m tools.check_role_names
	$(RUN) python -m tools.check_audited_writes
	SECRET_KEY=only-for-checks $(RUN) mypy src/offenestadt conftest.py bench deploy/test tools
	SECRET_KEY=only-for-checks $(RUN) offenestadt manage makemigrations --check --dry-run

format: $(UV)
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

bench: $(UV)
	$(RUN) python bench/run.py

# Extract German source strings and compile the catalogues after translating.
messages: $(UV)
	SECRET_KEY=only-for-checks $(RUN) --directory src/offenestadt offenestadt manage makemessages --locale en --no-obsolete --add-location file
	SECRET_KEY=only-for-checks $(RUN) --directory src/offenestadt offenestadt manage compilemessages --locale en

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv

uv:
	@true

# axe-core (accessibility tests) and Spectral (OpenAPI lint) come from the npm registry; without npm
# (outside CI) those tests are skipped.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: accessibility tests will be skipped"; fi
