// Trials as CSV (RFC 4180 quoting, '\n' line ends), one row per trial, for spreadsheets and
// pandas:
//
//   number,state,objective,lr,layers,optimizer,start_time,end_time
//   0,SUCCEEDED,0.25,0.0031622776601683794,2,adam,2026-03-01T12:00:00.5Z,2026-03-01T12:03:10Z
//
// Parameter columns follow the study's search-space order; a parameter the trial does not have
// (an inactive conditional one) is an empty cell, as is a missing objective or time. Numbers are
// written exactly (shortest round-trip form), times in RFC 3339 UTC. A parameter whose name
// equals a fixed column ("number", "state", ...) is written as "param.<name>".
#ifndef HYPERD_CLIENT_CLI_CSV_EXPORT_H_
#define HYPERD_CLIENT_CLI_CSV_EXPORT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::cli {

// The field as it must appear in a CSV line: quoted (with quotes doubled) when it contains a
// comma, a quote or a line break, else unchanged.
std::string CsvField(absl::string_view field);

// Header plus one row per trial, in the given order. `study` supplies the parameter order;
// parameters absent from its search space get columns after the known ones.
std::string TrialsToCsv(const v1::Study& study, const std::vector<v1::Trial>& trials);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_CSV_EXPORT_H_
