// libFuzzer's entry point for the `pattern` target (see FuzzTargets.swift and scripts/fuzz).
// In C because SwiftPM links a Swift executable with its own `main`, which would replace
// libFuzzer's; this target has none, so the one from -sanitize=fuzzer is the program's.
#include <stddef.h>
#include <stdint.h>

void gitopsc_fuzz_pattern(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    gitopsc_fuzz_pattern(data, size);
    return 0;
}
