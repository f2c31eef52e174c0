# lvm: the two commands a newcomer needs are `make run` and `make test`.
# Every target installs what is missing first (scripts/bootstrap).

BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 60

.PHONY: all build run test test-sanitize bench fuzz fuzz-diff clean bootstrap

all: build

bootstrap:
	@scripts/bootstrap

# Configure (Release) and build everything into $(BUILD)/.
build: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# Build, then run the showcase.
run: build
	@scripts/showcase $(BUILD)

# Build, then run every test: unit tests, the spec testsuite, the CLI tests.
# The last line is the summary `N passed, N failed, N skipped`.
test: build
	@scripts/test $(BUILD)

# Every test of `make test` again (unit, CLI, examples, both spec modes),
# built with AddressSanitizer and UndefinedBehaviorSanitizer (CI runs this too).
test-sanitize: bootstrap
	@cmake -S . -B $(BUILD)-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLVM_SANITIZE=ON -DLVM_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)-sanitize -j $(JOBS)
	@scripts/test $(BUILD)-sanitize

# Benchmarks: prints a table, writes $(BUILD)/bench/results.json.
bench: build
	@scripts/bootstrap bench
	@scripts/bench $(BUILD)

# libFuzzer on the loader for FUZZ_SECONDS (default 60); findings land in
# $(BUILD)-fuzz/findings and should become regression tests under
# tests/fuzz/regressions/.
fuzz: bootstrap
	@tests/fuzz/run $(BUILD)-fuzz $(FUZZ_SECONDS)

# Differential fuzzing of the JIT against the interpreter for FUZZ_SECONDS:
# binaryen's translate-to-fuzz modules run in both tiers and are compared
# (tests/fuzz-diff/README.md); a difference is saved under
# $(BUILD)-fuzz-diff/findings. Not part of `make test`.
fuzz-diff: bootstrap
	@tests/fuzz-diff/run $(BUILD)-fuzz-diff $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(BUILD)-sanitize $(BUILD)-fuzz $(BUILD)-fuzz-diff
