# The README's two commands: `make run` and `make test`. Both install what is missing first: building
# needs only scripts/setup-build.sh (a Swift toolchain, libxml2-dev, pkg-config); `make test` (and
# bench, stress, fuzz) run scripts/setup.sh, the test tooling, too.
SWIFT ?= swift
PREFIX ?= /usr/local
SAMPLE ?= conf-samples/is-home
# `make deb BUILD=debug` packages the debug build (runs only beside this toolchain; for trying it out).
BUILD ?= release

.PHONY: setup build-setup build run test bench release install deb clean format catalogue

setup:
	@scripts/setup.sh

build-setup:
	@scripts/setup-build.sh

build: build-setup
	$(SWIFT) build

# Lints the bundled sample IS_HOME; its findings are the point, so exit status 1 is success here.
run: build
	@.build/debug/isconf lint $(SAMPLE); status=$$?; [ $$status -le 1 ]

# The Swift tests, then the Ansible collection's (Tests/ansible: real ansible-core from .venv-ansible), the
# packaging's (Tests/packaging: the .deb, man pages and completions, made from the debug build) and the
# benchmark package's pure parts (Tests/bench: no release binary needed).
# Every import must be of a declared dependency: a layer cannot lean on what another one links.
test: setup
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests
	$(SWIFT) test --explicit-target-dependency-import-check error
	ISCONF_BIN=$$(pwd)/.build/debug/isconf .venv-ansible/bin/python -m pytest -q -p no:cacheprovider Tests/ansible Tests/packaging Tests/bench

# The static-stdlib binary operators install: no Swift runtime needed on the IS server (and no
# RUNPATH: nothing is loaded from beside the binary). Every module, the dependencies' too, reaches
# generic type metadata through its accessors instead of by mangled name: a mangled name is
# demangled at run time and its requirements are checked by scanning every protocol conformance
# record in the binary, once per type (a lint of one IS_HOME: 16.7 → 13.7 million instructions).
# Each function in a section of its own, so that lld can lay out side by side the ones a run uses
# (Sources/isconf/isconf.order; a lint's peak RSS 14.1 → 13.4 MiB against whole modules moved).
RELEASE_FLAGS = -c release --static-swift-stdlib --disable-local-rpath \
	-Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors \
	-Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections
# The two products only: ISConfTestSupport, a plain target of the tests, needs the Testing module a
# release build does not have.
release: build-setup
	$(SWIFT) build $(RELEASE_FLAGS) --product isconf
	$(SWIFT) build $(RELEASE_FLAGS) --product isconf-watch

# The binaries, man pages, bash/zsh/fish completions and the systemd unit (not enabled) under PREFIX.
install: release
	scripts/install-tree.sh .build/release "$(DESTDIR)" "$(PREFIX)"

# dist/isconf_<version>-1_<arch>.deb from the release build, checked with lintian when it is installed.
# BUILD=debug packages the debug build instead: quick, but it runs only beside this toolchain (its
# RUNPATH points into it, lintian's custom-library-search-path).
deb:
	@scripts/setup-build.sh deb
	@if [ "$(BUILD)" = release ]; then $(MAKE) --no-print-directory release; else $(SWIFT) build; fi
	@deb=$$(scripts/package-deb.sh $(if $(filter debug,$(BUILD)),--debug-build) .build/$(BUILD) dist) && echo "built $$deb" && \
	if command -v lintian >/dev/null; then lintian --fail-on error $(if $(filter debug,$(BUILD)),--suppress-tags custom-library-search-path) "$$deb"; \
	else echo "lintian is not installed: the package was not checked"; fi

# Rewrites the README's rule catalogue (between <!-- rules:start --> and <!-- rules:end -->) with
# `isconf rules --format markdown`, from the rules' own declarations: a CLI test fails while they differ.
catalogue: build
	scripts/update-catalogue.sh .build/debug/isconf README.md

bench: setup release
	python3 bench/bench.py

clean:
	rm -rf .build

# Applies .swift-format to the sources; `make test` fails on anything it would still change.
format:
	$(SWIFT) format format --in-place --recursive --parallel Package.swift Sources Tests

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
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path $(STRESS_SCRATCH) --product isconf
	python3 stress/kill_test.py --binary $(STRESS_SCRATCH)/release/isconf --rounds $(STRESS_ROUNDS) --temp-files next-run

fuzz: setup
	$(SWIFT) build -c release --scratch-path $(FUZZ_SCRATCH) --product ISConfFuzz -Xswiftc -sanitize=$(FUZZ_SANITIZE) -Xswiftc -DFUZZING
	FUZZ_SECONDS=$(FUZZ_SECONDS) stress/fuzz.sh $(FUZZ_SCRATCH)/release/ISConfFuzz
