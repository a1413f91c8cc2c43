# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup setup-ocr demo test bench fuzz clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,model]'
	@touch $(STAMP)

# OCR for scanned PDFs (`--ocr`): Debian's tesseract with French and English data (needs root).
setup-ocr:
	apt-get install -y tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng || \
	  (apt-get update && apt-get install -y tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng)

demo: setup
	$(BIN)/requalify analyze corpus/demo --out out/demo --format pdf,json,html
	@echo
	@echo "Dossier: $(CURDIR)/out/demo/dossier.pdf"
	@echo "Findings: $(CURDIR)/out/demo/assessment.json"

test: setup
	$(BIN)/python -m pytest

bench: setup
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

fuzz: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[fuzz]'
	$(BIN)/python tests/fuzz/run.py --minutes $${FUZZ_MINUTES:-10}

clean:
	rm -rf out .pytest_cache
