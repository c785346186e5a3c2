# Two commands on a fresh machine:  `make lab` starts the course, `make test` runs every test.
# Both create .venv on first use (a few minutes) and reuse it afterwards (seconds).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.course-env-ready
PYTEST_ARGS ?=

.PHONY: env lab test outputs bench clean-env

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml tools/setup_env.sh
	bash tools/setup_env.sh "$(VENV)" "$(PYTHON)"
	touch $@

# JupyterLab refuses to run as root unless told; containers often run as root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: env  ## Start JupyterLab on chapters/
	$(BIN)/jupyter lab --ServerApp.root_dir=chapters $(LAB_FLAGS)

test: env  ## Unit tests, doctests and strict nbval over every chapter
	$(BIN)/python -m pytest $(PYTEST_ARGS)

outputs: env  ## Re-execute every chapter on the CPU and store its outputs (NB=chapters/01_tensors.ipynb for one)
	$(BIN)/python tools/run_notebooks.py $(NB)

bench: env  ## Time each chapter and the whole test command
	$(BIN)/python tools/benchmark.py

clean-env:
	rm -rf "$(VENV)"
