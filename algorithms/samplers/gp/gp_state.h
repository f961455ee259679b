// The GP sampler's persisted state: the hyperparameters of the last refit and what they were fitted
// on, so a restarted server warm-starts (and skips refits) exactly as the running one would.
//
//   "gp1 n=42 fp=9f3a0c1d22e4b7aa theta=-1.2039728043259361,0.1823215567939546,..."
//
// n is the number of training observations at the last refit, fp the fingerprint of that training
// set (TrainingFingerprints), theta the fitted θ (marginal_likelihood.h) printed with 17
// significant digits so it parses back bit-identically.
//
// Pure functions; thread-safe.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GP_GP_STATE_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GP_GP_STATE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "Eigen/Core"
#include "absl/strings/string_view.h"

namespace hyperd::algorithms::gp {

struct GpState {
  int64_t fit_observations = 0;
  uint64_t fit_fingerprint = 0;
  Eigen::VectorXd theta;
};

std::string FormatGpState(const GpState& state);

// The state, or nullopt when `text` is empty, was written by another sampler, is corrupt, or has a
// θ of another size than `theta_size` or with non-finite entries. Never fails otherwise: a bad
// state only costs a refit from the prior.
std::optional<GpState> ParseGpState(absl::string_view text, int theta_size);

}  // namespace hyperd::algorithms::gp

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GP_GP_STATE_H_
