# Two commands on a fresh machine: `make demo` and `make test`; `make test-llm` adds a real model.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LLM_STAMP := $(VENV)/.installed-llm-server
DOCS_STAMP := $(VENV)/.installed-docs
BROWSER_STAMP := $(VENV)/.installed-browser
CHROMIUM := /usr/bin/chromium
# llama.cpp for the CPU only (no BLAS, GPU or Metal back end, no tests or examples), for
# AVX2 rather than the build machine's CPU: the native AVX-512/AMX build crashes on
# multi-token batches here.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AVX512=OFF -DGGML_BLAS=OFF -DGGML_CUDA=OFF -DGGML_VULKAN=OFF -DGGML_METAL=OFF \
	-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
SAMPLE := samples/interview/interview.mp4
OUT    := out/demo

.PHONY: demo demo-aws demo-llm test test-llm test-browser check-chromium unit integration lint \
	docs bench samples screenshot clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,whisper,llm]'
	@touch $(STAMP)

# Compiles llama.cpp from source (about 5 to 7 minutes on 2 cores) the first time.
$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install -q -e '.[dev,whisper,llm,llm-server]'
	@touch $(LLM_STAMP)

$(DOCS_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install -q -e '.[dev,whisper,llm,docs]'
	@touch $(DOCS_STAMP)

# Playwright from PyPI; it drives the system Chromium, never a browser of its own.
$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,whisper,llm,browser]'
	@touch $(BROWSER_STAMP)

demo: $(STAMP)
	$(BIN)/ai-interviews --mode single-video $(SAMPLE) --output-dir $(OUT)

# The production path on a laptop: the deployment template in moto, submit, worker, questions.
demo-aws: $(STAMP)
	@mkdir -p out
	$(BIN)/python scripts/demo_aws.py

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not llm and not browser"

# The review page in a real browser: Debian's Chromium (apt-get install -y chromium).
test-browser: check-chromium $(BROWSER_STAMP)
	$(BIN)/python -m pytest -q -m browser tests/browser

check-chromium:
	@test -x $(CHROMIUM) || { echo "error: the browser tests need Chromium at $(CHROMIUM):" \
		"apt-get install -y chromium" >&2; exit 1; }

# docs/images/review-page.png: the demo's review page in Chromium.
screenshot: check-chromium $(BROWSER_STAMP)
	$(BIN)/python scripts/review_screenshot.py docs/images/review-page.png

# The OpenAI-compatible adapters against SmolLM2-135M served by llama.cpp on 127.0.0.1.
test-llm: $(LLM_STAMP)
	$(BIN)/python -m pytest -q -m llm tests/llm

demo-llm: $(LLM_STAMP)
	$(BIN)/python scripts/local_llm.py $(SAMPLE) out/demo-llm

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

# The documentation site in site/: every page, link and generated reference must resolve.
docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

bench: $(LLM_STAMP) $(BROWSER_STAMP)
	$(BIN)/python -m bench --write BENCHMARKS.md

# Regenerates the committed samples; needs espeak-ng and sox (apt-get install espeak-ng sox).
samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(VENV) out site .pytest_cache .mypy_cache .ruff_cache
