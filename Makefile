# studykit: `make run` builds the demo from source/ into output/, `make test` runs the checks.
# Both install what they need first (a .venv, the package with all its extras, the system
# packages), at the versions in requirements/constraints.txt.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STUDYKIT := $(BIN)/studykit
# The versions CI tested: every install goes through them (`make constraints` renews them).
CONSTRAINTS := requirements/constraints.txt

# The demo: every file in source/ is parsed and checked into output/, then built.
# To leave the build out of the demo, empty this line: DEMO_BUILD =
DEMO_BUILD = $(STUDYKIT) build source/* -o output

.PHONY: run test lint install system-packages python-check bench corpus docs messages \
        constraints wheel-check clean distclean

run: install
	@mkdir -p output
	@shopt -s nullglob; files=(source/*); \
	if [ $${#files[@]} -eq 0 ]; then echo "source/ is empty: nothing to build" >&2; exit 1; fi; \
	for f in "$${files[@]}"; do \
	    name=$$(basename "$$f"); name=$${name%.*}; \
	    echo "parse  $$f -> output/$$name.json"; \
	    $(STUDYKIT) parse "$$f" -o "output/$$name.json"; \
	    echo "check  $$f -> output/$$name.check.txt"; \
	    $(STUDYKIT) check "$$f" -o "output/$$name.check.txt"; \
	done
	$(DEMO_BUILD)

# Lint, the wheel round trip and the tests all run; the target fails if any failed.
test: install
	@status=0; \
	echo "+ ruff check pipeline tests bench scripts"; \
	$(BIN)/ruff check pipeline tests bench scripts || status=1; \
	echo "+ scripts/wheel-check"; \
	PYTHON=$(PYTHON) scripts/wheel-check || status=1; \
	echo "+ pytest"; \
	$(BIN)/pytest || status=1; \
	exit $$status

# The wheel round trip alone: build the wheel, install it into a fresh venv outside the
# checkout, build the demo article to every output from there (see scripts/wheel-check).
wheel-check: install
	PYTHON=$(PYTHON) scripts/wheel-check

lint: install
	$(BIN)/ruff check pipeline tests bench scripts

install: system-packages $(STAMP)

system-packages:
	@scripts/install-system-packages

python-check:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	    echo "error: studykit needs Python >= 3.11, but '$(PYTHON)' is $$($(PYTHON) --version 2>/dev/null || echo 'not found')." >&2; \
	    echo "       Install a newer Python and run e.g. 'make PYTHON=python3.12 $(MAKECMDGOALS)'." >&2; \
	    exit 1; }

$(BIN)/python: | python-check
	@echo "creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV) || { \
	    echo "error: could not create $(VENV) with '$(PYTHON) -m venv'." >&2; \
	    echo "       On Debian/Ubuntu: apt-get install python3-venv" >&2; \
	    rm -rf $(VENV); exit 1; }

# Reinstalled only when pyproject.toml or the constraints change (the package itself is
# editable). pip >= 24 first: the pip 23.2 that venv ships mis-resolves lxml's extras.
$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	@echo "installing studykit, its extras and dev tools into $(VENV) (pip install -c $(CONSTRAINTS) -e '.[all,dev]')"
	@$(BIN)/python -m pip install --quiet --upgrade 'pip>=24'
	@$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[all,dev]'
	@touch $@

# Renew the constraints: the newest releases pyproject.toml allows, installed into a
# scratch venv and frozen. Run `make test` afterwards, and commit both.
constraints: | python-check
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet --upgrade 'pip>=24'; \
	"$$tmp/venv/bin/python" -m pip install --quiet '.[all,dev]'; \
	{ echo "# The versions CI tested, used by every make install (pip install -c)."; \
	  echo "# Renewed with 'make constraints' (the newest releases pyproject.toml allows)."; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude studykit; } > $(CONSTRAINTS)
	@echo "wrote $(CONSTRAINTS); now run make test"

bench: install
	@scripts/install-system-packages pandoc || echo "bench: pandoc could not be installed; its timing will be skipped" >&2
	@shopt -s nullglob; for b in bench/bench_*.py; do echo "+ $$b"; $(BIN)/python "$$b"; done

# The corpus scoreboard: per real document of ../shared/corpus and corpus2, which fields
# the readers get right (tests/corpus_expected.py holds what an editor reads in each).
corpus: install
	$(BIN)/python bench/corpus_score.py

# Regenerate docs/model.md from pipeline/model.py and docs/templates.md from the writers
# (tests fail while either is stale).
docs: install
	$(BIN)/python scripts/gen_model_docs.py
	$(BIN)/python scripts/gen_template_docs.py

# The message catalogs: extract every message (ours and Click's) with Babel, merge them into
# pipeline/locale/*/LC_MESSAGES/studykit.po, compile the .mo files that are committed
# (a test fails while any is stale or a message has no translation).
messages: install
	$(BIN)/python scripts/messages.py

clean:
	rm -rf output $(STAMP)

distclean: clean
	rm -rf $(VENV)
