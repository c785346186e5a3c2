# Two commands on a fresh machine:  `make lab` starts the course, `make test` runs every test.
# Both create .venv on first use (a few minutes) and reuse it afterwards (seconds).
# The other targets are for instructors and CI; `make help` lists them all.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.course-env-ready
PYTEST_ARGS ?=
GPU_DEVICE ?= cuda

.PHONY: help env lab test outputs bench clean-env check-class test-gpu student check-student \
	browser-env test-browser check-outputs test-wheel site test-site

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

env: $(STAMP)  ## Create or update .venv (the other targets do it first)

$(STAMP): requirements.txt pyproject.toml tools/setup_env.sh
	bash tools/setup_env.sh "$(VENV)" "$(PYTHON)"
	touch $@

# JupyterLab refuses to run as root unless told; containers often run as root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: env  ## Start JupyterLab on student/ (the chapters with the exercises unsolved)
	$(BIN)/jupyter lab --ServerApp.root_dir=student $(LAB_FLAGS)

test: env  ## Unit tests, doctests, ruff, actionlint and strict nbval over every chapter, offline
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check-class: env  ## Before class: every chapter under strict nbval, a table of results (NB=one)
	$(BIN)/python tools/check_class.py $(NB)

test-gpu: env  ## On a CUDA machine: the whole suite on the GPU, nbval-lax + exercise checks
	COURSE_DEVICE=$(GPU_DEVICE) $(BIN)/python -m pytest --nbval-lax $(PYTEST_ARGS)

student: env  ## Make the student copies in student/ (solutions out, executed; NB=one chapter)
	$(BIN)/python tools/make_student.py $(NB)

check-student: env  ## Make every student copy again; fail if git then sees any change
	$(BIN)/python tools/make_student.py
	@git diff --exit-code --stat -- student || { \
		echo "The student copies above are out of date: run 'make student' and commit."; exit 1; }
	@test -z "$$(git status --porcelain -- student)" || { git status --short -- student; \
		echo "student/ holds files git does not track: run 'make student' and commit."; exit 1; }

test-wheel: env  ## Build the wheel, pip-install it with the floor torch in a fresh venv, run every chapter alone
	$(BIN)/python tools/test_wheel.py $(NB)

browser-env: env  ## Install Debian's chromium for the browser test when no browser is found
	bash tools/install_browser.sh

test-browser: browser-env  ## JupyterLab in headless Chromium: run all, move sliders, TensorBoard (build/screenshots/)
	$(BIN)/python -m pytest tests/test_browser.py \
		tests/test_tensorboard_server.py::test_screenshot_of_tensorboard_in_chromium \
		--browser -n 0 -s $(PYTEST_ARGS)

site: env  ## The course as a website in build/site/ from the stored outputs (open index.html)
	$(BIN)/python tools/build_site.py

test-site: browser-env  ## Build the site; check pages, links, images; Chromium, light and dark mode
	$(BIN)/python -m pytest tests/test_site.py --site -n 0 $(PYTEST_ARGS)

check-outputs: env  ## Re-make every stored output; fail if git then sees any change
	$(BIN)/python tools/run_notebooks.py chapters/*.ipynb tests/fixtures/live_plot.ipynb
	@git diff --exit-code --stat -- chapters tests/fixtures || { \
		echo "Regenerating the outputs changed the chapters above: run 'make outputs' and commit" \
		"(or commit your own edits first, then run this again)."; exit 1; }

outputs: env  ## Re-execute every chapter on the CPU and store its outputs (NB=chapters/01_tensors.ipynb for one)
	$(BIN)/python tools/run_notebooks.py $(NB)

bench: env  ## Time each chapter and the whole test command
	$(BIN)/python tools/benchmark.py

clean-env:  ## Delete .venv
	rm -rf "$(VENV)"
