// Fuzz targets call SilenceLogs() once: mutated inputs make protobuf log every string field with
// invalid UTF-8, and the runtime log every study it creates, which would flood the fuzzer's output
// and slow it down. hyperd's errors are still logged.
#ifndef HYPERD_FUZZ_QUIET_LOGS_H_
#define HYPERD_FUZZ_QUIET_LOGS_H_

namespace hyperd::fuzz {

void SilenceLogs();

}  // namespace hyperd::fuzz

#endif  // HYPERD_FUZZ_QUIET_LOGS_H_
