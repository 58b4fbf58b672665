# The two commands: `make run` and `make test`. Both set everything up first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup system browser run test eval bench clean

setup: $(STAMP) system

# Debian packages features need: LibreOffice reads .doc/.wps; OpenCV (inside the OCR) loads
# the GL, GLib and X11 (SM, Xext) libraries its bundled Qt links to; the CJK fonts print the
# pages that tests and bench read back by OCR. Installed where apt and root are at hand;
# elsewhere the app still runs and says, on a .doc upload, how to install them.
SYSTEM_PKGS := libreoffice-writer-nogui libgl1 libglib2.0-0 libsm6 libxext6 fonts-noto-cjk
system:
	@missing=$$(for p in $(SYSTEM_PKGS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "installing Debian packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "未安装：$$missing。读取 .doc/.wps 和扫描件需要它们，请管理员执行：sudo apt-get install $$missing"; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, as the CPU build; anything later that needs torch finds it satisfied.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev,bench]'
	touch $(STAMP)

# `warm` keeps the phrase bank's vectors on disk (a few seconds once, then nothing), so the
# app's first draft does not wait for them.
run: setup
	$(BIN)/python -m assistant ingest corpus
	$(BIN)/python -m assistant warm
	$(BIN)/python app.py

# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
browser:
	@{ command -v chromium && command -v ip; } >/dev/null 2>&1 || { \
	  echo "installing Debian chromium (browser tests) and iproute2 (the no-network test)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk iproute2 >/dev/null; }

# The import contract (pyproject: tool.importlinter) keeps the stages flowing one way.
test: setup browser
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# The quality suite: every scenario of eval/scenarios drafted and read as a reviewer would.
eval: setup
	$(BIN)/python -m eval.run

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) data .pytest_cache
