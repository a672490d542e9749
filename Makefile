# Sigil — the two commands a user needs are `make run` and `make test`.
SWIFT ?= swift
PORT ?= 5353
SWIFT_FORMAT ?= $(SWIFT) format
## `make install` puts files under $(DESTDIR)$(PREFIX) (DESTDIR for staged installs and packages).
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
INSTALL ?= install

.PHONY: deps build build-tests release run install install-service test unit integration lint format bench bench-check bench-micro fuzz fuzz-decoder fuzz-presentation fuzz-pipeline fuzz-tcp fuzz-zonefile fuzz-smoke clean bench-load alloc-check

deps:
	@scripts/deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product sigil

## Serve the bundled zones on 127.0.0.1:$(PORT), signed with the keys in keys/ (one is generated
## on first run, and its DS logged).
run: release
	.build/release/sigil serve --listen 127.0.0.1:$(PORT) --keys keys

## The release binary, rebuilt only when a source is newer: `make release && sudo make install`
## then installs without building as root.
.build/release/sigil: Package.swift $(shell find Sources -type f)
	$(SWIFT) build -c release --product sigil

## Installs under $(DESTDIR)$(PREFIX); each installed file is one line below.
install: .build/release/sigil
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)"
	$(INSTALL) -m 755 .build/release/sigil "$(DESTDIR)$(BINDIR)/sigil"
	$(MAKE) --no-print-directory install-service

## The systemd unit (dist/sigil.service), pointing at $(BINDIR)/sigil.
install-service:
	$(INSTALL) -d "$(DESTDIR)$(SYSTEMDDIR)"
	sed 's|@BINDIR@|$(BINDIR)|g' dist/sigil.service > "$(DESTDIR)$(SYSTEMDDIR)/sigil.service"
	chmod 644 "$(DESTDIR)$(SYSTEMDDIR)/sigil.service"

## Everything CI runs: lint, unit tests, integration tests against real peers, fuzz smoke.
test: deps lint unit integration fuzz-smoke

build-tests:
	$(SWIFT) build --build-tests

## The test targets named *IntegrationTests run real peers (kdig, knotd, unbound, BIND and ldns
## tools, openssl, Postfix, Python); the others need none installed.
INTEGRATION := ^[A-Za-z]+IntegrationTests\.

unit: build-tests
	$(SWIFT) test --skip-build --no-parallel --skip '$(INTEGRATION)'

integration: deps build-tests
	$(SWIFT) test --skip-build --no-parallel --filter '$(INTEGRATION)'

lint:
	$(SWIFT_FORMAT) lint --strict --recursive Package.swift Sources Tests

format:
	$(SWIFT_FORMAT) format --in-place --recursive Package.swift Sources Tests

bench: deps
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark

clean:
	rm -rf .build

## Micro-benchmarks of the codec (ordo-one/benchmark; a separate package so the server doesn't pull it).
bench-check: deps
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark thresholds check --no-progress

bench-micro: deps
	Benchmarks/run-micro.sh

## libFuzzer targets (docs/FUZZING.md); SECONDS=600 by default.
fuzz: fuzz-decoder fuzz-presentation fuzz-pipeline fuzz-tcp fuzz-zonefile

fuzz-decoder:
	Fuzz/run.sh decoder $${SECONDS:-600}

fuzz-presentation:
	Fuzz/run.sh presentation $${SECONDS:-600}

fuzz-pipeline:
	Fuzz/run.sh pipeline $${SECONDS:-600}

fuzz-tcp:
	Fuzz/run.sh tcp $${SECONDS:-600}

fuzz-zonefile:
	Fuzz/run.sh zonefile $${SECONDS:-600}

## Every fuzz target for 30 s from its committed corpus (CI; part of `make test`).
fuzz-smoke:
	Fuzz/smoke.sh 30

## dnsperf side by side with Knot DNS, NSD and PowerDNS (docs/PERFORMANCE.md); 10 s per round.
bench-load: deps
	Benchmarks/load/run.sh 10

## Heap allocations per query in steady state (release build, malloc-counting shim).
alloc-check: deps
	Benchmarks/load/udp-alloc-check.sh

## The abuse controls under flood, side by side with Knot mod-rrl, NSD RRL and PowerDNS (docs/PERFORMANCE.md).
.PHONY: bench-abuse
bench-abuse: deps
	swift build -c release --scratch-path .build-load --product sigil
	Benchmarks/load/abuse-bench.sh .build-load/release/sigil 10
