# Storyline: `make run` and `make test` do all the set-up on a fresh Debian machine.
SWIFT        ?= swift
APT_PACKAGES := libsystemd-dev pkg-config python3 python3-pip
PY_MODULES   := pytest jsonschema
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_BIN  := .build/release/storyline
DEBUG_BIN    := .build/debug/storyline

.PHONY: help deps build release run test test-unit test-e2e bench-engine eval clean

help:
	@echo "make run           build and run storyline on seeds/ (prints the timeline)"
	@echo "make test          install what is missing, build, run every test"
	@echo "make bench-engine  engine throughput benchmark (docs/performance.md)"
	@echo "make eval          score the engine on ../shared/eval dev sets"

# Debian packages and Python test modules, installed only when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@python3 -c "import pytest, jsonschema" 2>/dev/null || { \
		echo "installing Python test modules: $(PY_MODULES)"; \
		python3 -m pip install -q $(PY_MODULES) 2>/dev/null || python3 -m pip install -q --break-system-packages $(PY_MODULES); }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

run: release
	@mkdir -p inbox
	$(RELEASE_BIN) ingest seeds/*

test: test-unit test-e2e

test-unit: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-e2e: build
	STORYLINE_BIN=$(CURDIR)/$(DEBUG_BIN) python3 -m pytest -q Tests/EndToEnd

eval: release
	@scripts/eval.sh $(RELEASE_BIN)

clean:
	rm -rf .build Benchmarks/.build
