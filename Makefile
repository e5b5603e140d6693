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

test: setup
	$(SWIFT) test

# The static-stdlib binary operators install: no Swift runtime needed on the IS server.
release: setup
	$(SWIFT) build -c release --static-swift-stdlib

install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 .build/release/isconf $(DESTDIR)$(PREFIX)/bin/isconf

bench: release
	python3 bench/bench.py

clean:
	rm -rf .build
