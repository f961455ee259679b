#include "algorithms/samplers/gp/gp_state.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace hyperd::algorithms::gp {
namespace {

constexpr absl::string_view kVersion = "gp1";

}  // namespace

std::string FormatGpState(const GpState& state) {
  std::vector<std::string> theta;
  for (double t : state.theta) theta.push_back(absl::StrFormat("%.17g", t));
  return absl::StrCat(kVersion, " n=", state.fit_observations,
                      " fp=", absl::Hex(state.fit_fingerprint, absl::kZeroPad16),
                      " theta=", absl::StrJoin(theta, ","));
}

std::optional<GpState> ParseGpState(absl::string_view text, int theta_size) {
  const std::vector<absl::string_view> fields = absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (fields.size() != 4 || fields[0] != kVersion) return std::nullopt;
  GpState state;
  absl::string_view value = fields[1];
  if (!absl::ConsumePrefix(&value, "n=") || !absl::SimpleAtoi(value, &state.fit_observations) ||
      state.fit_observations < 0) {
    return std::nullopt;
  }
  value = fields[2];
  if (!absl::ConsumePrefix(&value, "fp=") || value.size() != 16 ||
      !absl::SimpleHexAtoi(value, &state.fit_fingerprint)) {
    return std::nullopt;
  }
  value = fields[3];
  if (!absl::ConsumePrefix(&value, "theta=")) return std::nullopt;
  const std::vector<absl::string_view> entries = absl::StrSplit(value, ',');
  if (static_cast<int>(entries.size()) != theta_size) return std::nullopt;
  state.theta.resize(theta_size);
  for (int i = 0; i < theta_size; ++i) {
    if (!absl::SimpleAtod(entries[i], &state.theta[i]) || !std::isfinite(state.theta[i])) {
      return std::nullopt;
    }
  }
  return state;
}

}  // namespace hyperd::algorithms::gp
