# Trackside: `make run` starts the bot, `make test` runs every check CI runs.
# Both create the virtualenv and install on first use (a fresh machine needs
# only Python 3.11+ and make).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test demo lint format backup bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Trackside needs Python 3.11+, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m bot

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

demo: install
	$(BIN)/python -m bot demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

backup: install
	$(BIN)/python -m bot db backup backups/trackside-$$(date +%Y%m%d-%H%M%S).db

# Figures, not assertions (bench/README.md has one run's results); about 16 minutes,
# 8 of them paced posting under Discord's global limit (10,000 servers at 40/s, and 3 × 3,000).
bench: install
	$(BIN)/python bench/pace_bench.py
	$(BIN)/python bench/scale_bench.py
	$(BIN)/python bench/latency_bench.py
	$(BIN)/python bench/burst_bench.py
	$(BIN)/python bench/post_scale_bench.py
	$(BIN)/python bench/paced_posting_bench.py
	$(BIN)/python bench/startup_bench.py
	$(BIN)/python bench/watch_bench.py
	$(BIN)/python bench/with_postgres.py shards_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
