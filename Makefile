# The README's two commands: `make run` and `make test`. Both install what is missing first.
SWIFT ?= swift
PREFIX ?= /usr/local
SAMPLE ?= conf-samples/is-home

.PHONY: setup build run test bench release install clean

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

# Lints the bundled sample IS_HOME; its findings are the point, so exit status 1 is success here.
run: build
	@.build/debug/isconf lint $(SAMPLE); status=$$?; [ $$status -le 1 ]

# The Swift tests, then the Ansible module's (Tests/ansible: real ansible-core from .venv-ansible).
# Every import must be of a declared dependency: a layer cannot lean on what another one links.
test: setup
	$(SWIFT) test --explicit-target-dependency-import-check error
	ISCONF_BIN=$$(pwd)/.build/debug/isconf .venv-ansible/bin/python -m pytest -q -p no:cacheprovider Tests/ansible

# The static-stdlib binary operators install: no Swift runtime needed on the IS server.
release: setup
	$(SWIFT) build -c release --static-swift-stdlib

install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 .build/release/isconf .build/release/isconf-watch $(DESTDIR)$(PREFIX)/bin/

bench: release
	python3 bench/bench.py

clean:
	rm -rf .build

# Reliability checks (stress/): `make stress` SIGKILLs `isconf enable` at random moments and checks
# no file is ever torn; `make fuzz` runs libFuzzer over parse → lint → fix → verify.
STRESS_SCRATCH ?= .build-stress
STRESS_ROUNDS ?= 1000
FUZZ_SCRATCH ?= .build-fuzz
FUZZ_SECONDS ?= 300
# e.g. FUZZ_SANITIZE=fuzzer,address FUZZ_SCRATCH=.build-fuzz-asan for AddressSanitizer too (about 3x slower)
FUZZ_SANITIZE ?= fuzzer

.PHONY: stress fuzz

stress: setup
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path $(STRESS_SCRATCH)
	python3 stress/kill_test.py --binary $(STRESS_SCRATCH)/release/isconf --rounds $(STRESS_ROUNDS) --temp-files next-run

fuzz: setup
	$(SWIFT) build -c release --scratch-path $(FUZZ_SCRATCH) --product ISConfFuzz -Xswiftc -sanitize=$(FUZZ_SANITIZE) -Xswiftc -DFUZZING
	FUZZ_SECONDS=$(FUZZ_SECONDS) stress/fuzz.sh $(FUZZ_SCRATCH)/release/ISConfFuzz
