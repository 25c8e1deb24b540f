# The two commands a newcomer needs. Both install what they need first (scripts/setup.sh).
.PHONY: run dev check test bench setup

## make run: build the release and serve it at http://127.0.0.1:3000 on SQLite
run:
	@scripts/run.sh

## make dev: serve on SQLite with live reload (cargo leptos watch), for working on the app
dev:
	@scripts/dev.sh

## make check: the everyday loop (format, lints, Rust tests on SQLite); tools must be installed
check:
	@scripts/check.sh

## make test: every check CI runs (format, lints, tests on SQLite and PostgreSQL, release build, browser tests)
test:
	@scripts/test.sh

## make bench: the benchmarks on SQLite and PostgreSQL (numbers in README.md)
bench:
	@scripts/bench.sh

## make setup: only install the tools
setup:
	@scripts/setup.sh
