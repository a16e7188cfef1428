# Two commands do everything on a fresh Debian machine with python3, make and apt:
#   make demo   archive the built-in demo school end to end (term-end)
#   make test   run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_OUT ?= demo-out
# The password slip never lies beside the bundle; one file per run, never overwritten.
DEMO_SLIP ?= demo-hasla/haslo-$(shell date +%Y%m%d-%H%M%S).txt
JOBS   ?= 2
FUZZ_ROUNDS ?= 4

.PHONY: demo test test-slow fuzz bench lint messages clean system-deps system-deps-test

$(BIN)/.installed: pyproject.toml
	@scripts/system-deps.sh run
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

system-deps-test:
	@scripts/system-deps.sh test

demo: $(BIN)/.installed
	@mkdir -p -m 700 $(dir $(DEMO_SLIP))
	$(BIN)/archiver term-end --demo --create-out --out $(DEMO_OUT) --slip-out $(DEMO_SLIP)

test: $(BIN)/.installed system-deps-test
	$(BIN)/python -m pytest -n $(JOBS) -q

test-slow: $(BIN)/.installed system-deps-test
	$(BIN)/python -m pytest -n $(JOBS) -q --run-slow

# The long hostile-input run alone: thousands of random exports per loader, FUZZ_ROUNDS
# rounds of fresh random examples (about 16-20 minutes each on 2 cores; docs/reliability.md)
fuzz: $(BIN)/.installed system-deps-test
	for round in $$(seq $(FUZZ_ROUNDS)); do \
	  echo "fuzzing, round $$round of $(FUZZ_ROUNDS)"; \
	  HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/hostile -n $(JOBS) -q --run-slow || exit 1; \
	done

bench: $(BIN)/.installed
	$(BIN)/archiver bench --size large --jobs $(JOBS)

# Message catalogs: extract every _()/N_()/ngettext() and CLI help text into
# archiver/i18n/locale/pl/LC_MESSAGES/*.po (kept translations, sorted), compile the .mo;
# lists what still lacks a Polish translation (then edit the .po and run it again).
messages: $(BIN)/.installed
	$(BIN)/python -m archiver.i18n.catalog

lint: $(BIN)/.installed
	$(BIN)/ruff check archiver tests

clean:
	rm -rf $(VENV) $(DEMO_OUT) demo-hasla *.egg-info .pytest_cache
