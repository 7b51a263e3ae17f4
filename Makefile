# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_ADDR ?= 127.0.0.1:8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: install demo test lint bench bench-extraction messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# SQLite and in-process tasks unless DATABASE_URL / REDIS_URL are set.
demo: install
	$(BIN)/python manage.py setup_demo --addr $(DEMO_ADDR)
	$(BIN)/python manage.py runserver --noreload $(DEMO_ADDR)

# The suite always runs against the real PostgreSQL and Redis.
test: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL= $(BIN)/python manage.py makemigrations --check --dry-run

bench: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python bench/fake_data.py

# After changing user-facing strings: update and compile the catalogues (claims/locale),
# from the app's code and the project's templates.
messages: install
	DATABASE_URL= $(BIN)/python manage.py makemessages -l fr -l en --no-location \
		--ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles --ignore=media
	cd claims && DATABASE_URL= ../$(BIN)/python ../manage.py compilemessages

bench-extraction: install
	$(BIN)/python bench/extraction.py
