# The book's tasks. Every target creates the environment first if it is missing or stale.
#   make build    build the HTML book into _build/html from the stored outputs (no execution)
#   make test     run every test: nbval over chapters/, the structure tests, the book build
#   make execute  re-run notebooks in place (all, or NB="chapters/05-backpropagation.ipynb ...")
#   make bench    time every notebook on the CPU and write book/runtime.md
#   make lab      open the chapters in JupyterLab
#   make mutate   plant the bugs listed in tools/mutations/ and check each chapter catches them (slow)
#   make gpu-check  on a CUDA machine: run every chapter's FULL configuration, GPU columns of book/runtime.md; GPU_ARGS="--no-bf16 --deadline 600" passes options
#   make browser  install Debian's Chromium and its driver for the real-browser test (needs root/sudo)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NB     ?=

.PHONY: env build test execute bench lab audit clean mutate gpu-check browser

env: $(STAMP)

$(STAMP): requirements.txt requirements-lock.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c requirements-lock.txt
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

test: $(STAMP)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  echo "NOTE: Chromium or chromedriver is missing, so the real-browser test (tests/test_browser.py) will be SKIPPED; 'make browser' installs them."
	$(BIN)/python -m pytest

execute: $(STAMP)
	$(BIN)/python tools/execute.py $(NB)

bench: $(STAMP)
	$(BIN)/python tools/bench.py $(NB)

mutate: $(STAMP)
	$(BIN)/python tools/mutate.py $(NB)

gpu-check: $(STAMP)
	$(BIN)/python tools/gpu_check.py $(GPU_ARGS) $(NB)

browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then echo "chromium and chromedriver are installed"; \
	else SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; fi

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

audit:
	python3 ../shared/tools/nbaudit.py

clean:
	rm -rf _build
