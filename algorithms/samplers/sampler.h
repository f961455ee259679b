// The sampler interface: given a study's history, propose configurations.
//
// Samplers are pure: no clocks, threads, I/O or hidden randomness. Every random choice flows from
// `SamplerInput::seed` and the persisted `state`, so a restarted server proposes exactly what it
// would have proposed.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_SAMPLER_H_
#define HYPERD_ALGORITHMS_SAMPLERS_SAMPLER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

enum class Goal { kMinimize, kMaximize };

// What a sampler knows of one trial of the study.
struct TrialObservation {
  enum class Outcome { kPending, kSucceeded, kPruned, kFailed, kInfeasible };
  int64_t number = 0;
  Assignment parameters;
  Outcome outcome = Outcome::kPending;
  // The objective of a finished trial. Non-finite values (a diverged run) are kept: samplers treat
  // them as the worst value, never as missing.
  std::optional<double> objective;
  std::vector<double> context;
  // The trial's intermediate measurements as (step, objective value), by increasing step; filled
  // only for samplers whose ReadsMeasurements() is true (multi-fidelity models such as BOHB, and
  // TPE's ranking of pruned trials by how far they got).
  std::vector<std::pair<int64_t, double>> measurements;
};

struct SamplerInput {
  const SearchSpace* space = nullptr;
  Goal goal = Goal::kMinimize;
  uint64_t seed = 0;
  // All trials of the study by increasing number, including pending ones (empty for samplers
  // whose ReadsHistory() is false).
  const std::vector<TrialObservation>* trials = nullptr;
  // The state returned by the previous call ("" at the start of the study).
  std::string state;
  int count = 1;
  std::vector<double> context;
};

struct SamplerOutput {
  // At most `count` configurations; fewer only when the space is exhausted.
  std::vector<Assignment> suggestions;
  // Persisted with the new trials, in the same transaction, and passed back next call.
  std::string state;
  bool exhausted = false;
  // One line for operators, shown as the study's sampler_status.
  std::string status;
};

// Thread-compatible: const methods may be called concurrently.
class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual absl::string_view name() const = 0;
  // Whether Suggest reads `SamplerInput::trials`. When false the caller may pass an empty history
  // and skip building it (an O(trials) copy per suggestion).
  virtual bool ReadsHistory() const = 0;
  // Whether Suggest reads `TrialObservation::measurements` (implies ReadsHistory()).
  virtual bool ReadsMeasurements() const { return false; }
  virtual absl::StatusOr<SamplerOutput> Suggest(const SamplerInput& input) const = 0;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_SAMPLER_H_
