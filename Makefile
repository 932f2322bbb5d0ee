# The book's tasks. Every target creates the environment first if it is missing or stale.
#   make build    build the HTML book into _build/html from the stored outputs (no execution)
#   make test     run every test: nbval over chapters/, the structure tests, the book build
#   make execute  re-run notebooks in place (all, or NB="chapters/05-backpropagation.ipynb ...")
#   make bench    time every notebook on the CPU and write book/runtime.md
#   make lab      open the chapters in JupyterLab
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NB     ?=

.PHONY: env build test execute bench lab audit clean

env: $(STAMP)

$(STAMP): requirements.txt requirements-lock.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c requirements-lock.txt
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

test: $(STAMP)
	$(BIN)/python -m pytest

execute: $(STAMP)
	$(BIN)/python tools/execute.py $(NB)

bench: $(STAMP)
	$(BIN)/python tools/bench.py $(NB)

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

audit:
	python3 ../shared/tools/nbaudit.py

clean:
	rm -rf _build
