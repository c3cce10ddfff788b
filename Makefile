# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := samples/interview/interview.mp4
OUT    := out/demo

.PHONY: demo demo-aws test unit integration lint bench samples clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,whisper]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ai-interviews --mode single-video $(SAMPLE) --output-dir $(OUT)

# The production path on a laptop: the deployment template in moto, submit, worker, questions.
demo-aws: $(STAMP)
	@mkdir -p out
	$(BIN)/python scripts/demo_aws.py

test: $(STAMP)
	$(BIN)/python -m pytest -q

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

integration: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy --strict src
	$(BIN)/cfn-lint deploy/template.yaml
	$(BIN)/hadolint Dockerfile

bench: $(STAMP)
	$(BIN)/python -m bench --write BENCHMARKS.md

# Regenerates the committed samples; needs espeak-ng and sox (apt-get install espeak-ng sox).
samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
