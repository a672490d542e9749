# Sigil — the two commands a user needs are `make run` and `make test`.
SWIFT ?= swift
PORT ?= 5353
SWIFT_FORMAT ?= $(SWIFT) format

.PHONY: deps build release run test unit integration lint format bench fuzz clean

deps:
	@scripts/deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product sigil

## Serve the bundled zones on 127.0.0.1:$(PORT).
run: release
	.build/release/sigil serve --listen 127.0.0.1:$(PORT)

## Everything CI runs: lint, unit tests, integration tests against real peers.
test: deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --num-workers 2

lint:
	$(SWIFT_FORMAT) lint --strict --recursive Package.swift Sources Tests

format:
	$(SWIFT_FORMAT) format --in-place --recursive Package.swift Sources Tests

bench: deps
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark

clean:
	rm -rf .build
