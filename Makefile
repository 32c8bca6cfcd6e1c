# Storyline: `make run` and `make test` do all the set-up on a fresh Debian machine.
SWIFT        ?= swift
APT_PACKAGES := libsystemd-dev libsqlite3-dev libxml2-dev pkg-config systemd systemd-container logrotate prometheus-node-exporter python3 python3-pip python3-venv dpkg-dev binutils man-db
PY_MODULES   := pytest jsonschema
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_BIN  := .build/release/storyline
DEBUG_BIN    := .build/debug/storyline
STATIC_BIN   := .build-static/release/storyline
# The release number, kept in one place: StorylineBuild.swift (`storyline --version` prints it).
# `make deb VERSION=...` packages the same binary under another package version.
VERSION      ?= $(shell sed -n 's/^ *public static let version = "\(.*\)"$$/\1/p' Sources/StorylineDaemon/System/StorylineBuild.swift)
# The commit `storyline --version` names, for every build; Package.swift hands it to CLinux alone (a new
# commit recompiles one C file). A plain `swift build` says "unknown".
DEB_ARCH     := $(shell dpkg --print-architecture)
DEB          := .build-deb/storyline_$(VERSION)_$(DEB_ARCH).deb
export STORYLINE_COMMIT := $(shell c=$$(git rev-parse --short=7 HEAD 2>/dev/null) && { git diff --quiet HEAD -- 2>/dev/null || c=$$c-dirty; echo $$c; })

.PHONY: help deps build release static deb run test test-unit test-e2e test-units test-systemd install bench bench-engine eval eval-draws fuzz soak clean

help:
	@echo "make run           build and run the daemon on ./inbox (seeded from seeds/), printing the timeline"
	@echo "make test          install what is missing, build, run every test"
	@echo "make bench         end-to-end daemon benchmark (burst, latency, scale, datasketch); writes docs/performance.md"
	@echo "make bench-engine  engine throughput benchmark (docs/performance.md)"
	@echo "make eval          score the daemon on the ../shared/eval dev sets (as a feed and as a backfill, about 4 minutes)"
	@echo "make eval-draws    basil in 20 other story orders, 20 other dense layouts, 20 headline layouts: the spread of story F1"
	@echo "make fuzz          libFuzzer + AddressSanitizer on the parser, normaliser and shingler (FUZZ_SECONDS=300)"
	@echo "make soak          10-minute soak of the release daemon (load, reloads, rotations, SIGKILLs) + the slow tests"
	@echo "make sanitize      unit + end-to-end tests under ThreadSanitizer, then AddressSanitizer (slow; reports in .build-*san/reports)"
	@echo "make deb           the Debian package: .build-deb/storyline_VERSION_ARCH.deb (static binary, unit, man page)"
	@echo "make install       build the package and install it with dpkg -i (enables and starts the service)"

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

# The daemon in the foreground on ./inbox; a new state starts with the seeds in the inbox.
# The timeline is printed as it grows; drop more files into ./inbox while it runs; Ctrl-C stops.
run: release
	@mkdir -p inbox
	@if [ ! -e .storyline/state.sqlite ]; then echo "new state: copying seeds/ into inbox/"; cp -n seeds/* inbox/; fi
	@touch timeline.jsonl
	@tail -n +1 -F timeline.jsonl & tail_pid=$$!; \
	$(RELEASE_BIN) run --inbox ./inbox --state ./.storyline --timeline ./timeline.jsonl; status=$$?; \
	kill $$tail_pid 2>/dev/null; exit $$status

test: test-unit test-e2e test-units test-systemd

test-unit: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-e2e: build
	STORYLINE_BIN=$(CURDIR)/$(DEBUG_BIN) python3 -m pytest -q -m 'not slow' Tests/EndToEnd --ignore=Tests/EndToEnd/test_systemd.py \
		--ignore=Tests/EndToEnd/test_package.py

# The unit under a real systemd 252 booted in a container; needs root (STORYLINE_SKIP_SYSTEMD=1 skips
# it on purpose). Prints one line per check.
test-systemd: build deb
	STORYLINE_BIN=$(CURDIR)/$(DEBUG_BIN) python3 -m pytest -q -s Tests/EndToEnd/test_systemd.py
	STORYLINE_DEB=$(CURDIR)/$(DEB) STORYLINE_STATIC_BIN=$(CURDIR)/$(STATIC_BIN) \
		python3 -m pytest -q -s Tests/EndToEnd/test_package.py

test-units: build
	scripts/check-units.sh $(DEBUG_BIN)

# A self-contained binary: the Swift runtime linked in, so that it runs without the toolchain.
static: deps
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build-static

# The Debian package (scripts/build-deb.sh checks the binary needs nothing under /opt/swift first).
# `make deb VERSION=0.9.1~rc1` packages the same binary under another version.
deb: static
	@mkdir -p .build-deb
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) scripts/build-deb.sh $(STATIC_BIN) $(VERSION) .build-deb

# One way to install: the package, with dpkg. Its postinst makes the user, groups and directories,
# reloads systemd and enables and starts the service (on an upgrade, restarts it).
install: deb
	$(SUDO) dpkg -i $(DEB)

# End-to-end daemon benchmark (burst, latency, scale to 1M articles, datasketch side by side); writes
# docs/performance.md. Builds `state-fill` alone from the Benchmarks package (not the benchmark plugin).
# Quick run: BENCH_BURST=2000 BENCH_HELD=3000 BENCH_LATENCY=200 BENCH_RUNS=1 BENCH_SCALE_LARGE=20000 make bench
bench: release
	$(SWIFT) build -c release --package-path Benchmarks --product state-fill
	python3 Benchmarks/EndToEnd/bench.py --write-doc

# Engine micro-benchmarks (ordo-one/benchmark; a separate package). Figures: docs/performance.md.
bench-engine: deps
	$(SWIFT) package --package-path Benchmarks benchmark --no-progress

# libFuzzer with AddressSanitizer over what a dropped file meets before judgement (Fuzz/FuzzArticle.swift),
# compiled in one module with StorylineCore's sources (and libxml2, which the HTML reader calls). Seeds: seeds/
# and three small files; findings are written to .build-fuzz/ (crash-*), to be kept as regression tests.
FUZZ_SECONDS ?= 300
fuzz: deps
	@mkdir -p .build-fuzz/corpus
	swiftc -sanitize=fuzzer,address -parse-as-library -g -module-name StorylineFuzz \
		-I Sources/CLibXML2 $$(pkg-config --cflags-only-I libxml-2.0 | sed 's/-I/-Xcc -I/g') -lxml2 \
		$$(find Sources/StorylineCore -name '*.swift') Fuzz/FuzzArticle.swift -o .build-fuzz/fuzz-article
	@i=0; for f in seeds/*; do { printf '\001'; cat "$$f"; } > .build-fuzz/corpus/seed$$i; i=$$((i+1)); done
	@printf '\000{"title":"T","text":"Some text here for a story.","published":"2019-01-23T20:28:44Z"}' > .build-fuzz/corpus/json
	@printf '\001Title: A\nPublished: 2019-01-02\n\nBody words here and more words.' > .build-fuzz/corpus/header
	@printf '\004<html><head><meta property="og:title" content="T"></head><body><article><p>Body words here.</p></article></body></html>' > .build-fuzz/corpus/html
	cd .build-fuzz && ./fuzz-article -max_total_time=$(FUZZ_SECONDS) -max_len=20000 -rss_limit_mb=2048 -print_final_stats=1 corpus

# The long reliability runs: a 10-minute soak of the release daemon (SOAK_SECONDS), then the end-to-end
# tests marked slow. Figures: docs/reliability.md.
SOAK_SECONDS ?= 600
soak: release
	python3 scripts/soak.py --binary $(CURDIR)/$(RELEASE_BIN) --seconds $(SOAK_SECONDS)
	STORYLINE_BIN=$(CURDIR)/$(RELEASE_BIN) python3 -m pytest -q -m slow Tests/EndToEnd

# The unit and end-to-end tests once under ThreadSanitizer and once under AddressSanitizer, each in its own
# build directory; too slow for `make test`. Every report is kept in .build-tsan/reports and
# .build-asan/reports (one file per process); LeakSanitizer's reports are kept without failing the run, as the
# toolchain's own libraries (XCTest, Foundation) leak a few bytes at exit. A failing test does not stop
# the other runs: read every summary. Findings: docs/reliability.md.
.PHONY: sanitize
SANITIZE_E2E := python3 -m pytest -q -m 'not slow' Tests/EndToEnd --ignore=Tests/EndToEnd/test_systemd.py \
		--ignore=Tests/EndToEnd/test_package.py
sanitize: deps
	$(SWIFT) build --build-tests --scratch-path .build-tsan -Xswiftc -sanitize=thread
	rm -rf .build-tsan/reports && mkdir -p .build-tsan/reports
	-TSAN_OPTIONS="log_path=$(CURDIR)/.build-tsan/reports/tsan halt_on_error=0" $(SWIFT) test --skip-build --scratch-path .build-tsan
	-TSAN_OPTIONS="log_path=$(CURDIR)/.build-tsan/reports/tsan halt_on_error=0" \
		STORYLINE_BIN=$(CURDIR)/.build-tsan/debug/storyline $(SANITIZE_E2E)
	$(SWIFT) build --build-tests --scratch-path .build-asan -Xswiftc -sanitize=address
	rm -rf .build-asan/reports && mkdir -p .build-asan/reports
	-ASAN_OPTIONS="log_path=$(CURDIR)/.build-asan/reports/asan" LSAN_OPTIONS=exitcode=0 \
		$(SWIFT) test --skip-build --scratch-path .build-asan
	-ASAN_OPTIONS="log_path=$(CURDIR)/.build-asan/reports/asan" LSAN_OPTIONS=exitcode=0 \
		STORYLINE_BIN=$(CURDIR)/.build-asan/debug/storyline $(SANITIZE_E2E)
	@ls .build-tsan/reports .build-asan/reports

eval: release
	@scripts/eval.sh $(RELEASE_BIN)

# basil rebuilt with other random story orders and dense layouts: how much of a story figure is the draw.
eval-draws: release
	@scripts/eval-draws.py $(RELEASE_BIN)

clean:
	rm -rf .build .build-static .build-deb Benchmarks/.build
