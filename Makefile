# Thin wrapper over CMake; the real build lives in CMakeLists.txt.
BUILD ?= build
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOFN_SANITIZE=ON

.PHONY: all deps configure build run test unit format format-check bench fuzz clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@scripts/run-dev.sh $(BUILD)

test: build format-check
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

format:
	@git ls-files --cached --others --exclude-standard '*.c' '*.h' | xargs -r clang-format -i

format-check:
	@scripts/format-check.sh

bench: build
	@bench/run.sh $(BUILD)

fuzz: build
	@tests/fuzz/run.sh $(BUILD) long

clean:
	rm -rf $(BUILD)
