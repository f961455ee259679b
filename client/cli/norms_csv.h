// Reads logged gradient norms for `hyperctl schedule refine --norms FILE`: one "STEP,NORM" line
// per logged optimizer step, e.g. what a training loop writes with
//
//   print(f"{step},{grad_norm}", file=log)
//
// Blank lines and lines starting with '#' are skipped, and so is a first line that does not start
// with a number (a header such as "step,grad_norm"). Fields may be padded with spaces. NORM may be
// nan or inf (the server counts them; too many fall back to linear decay).
#ifndef HYPERD_CLIENT_CLI_NORMS_CSV_H_
#define HYPERD_CLIENT_CLI_NORMS_CSV_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::cli {

// Appends the file's steps and norms to `request`. Usage errors (args.h) name the file and the
// 1-based line. Order and duplicates are the server's to check.
absl::Status ParseNormsCsv(absl::string_view text, absl::string_view file_name,
                           v1::RefineScheduleRequest* request);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_NORMS_CSV_H_
