// `grid`: every point of the search-space grid (grid_enumeration.h) exactly once, in lexicographic
// order or, with `shuffle`, in a seeded pseudo-random order (index_permutation.h keyed by the study
// seed). The state is the number of points handed out; after the last point the output says
// `exhausted` and carries fewer suggestions than asked. History and pending trials are ignored:
// the state alone decides what comes next.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GRID_SAMPLER_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GRID_SAMPLER_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "algorithms/samplers/grid_enumeration.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

class GridSampler : public Sampler {
 public:
  static constexpr uint64_t kMaxPoints = 1'000'000;

  // Requires a space that passed ValidateSearchSpace, points_per_continuous_parameter >= 2 and a
  // grid of at most kMaxPoints points (MakeSampler checks all three and says which failed).
  // Suggest ignores SamplerInput::space.
  GridSampler(GridEnumeration grid, bool shuffle);

  absl::string_view name() const override { return "grid"; }
  // The grid position lives in the state, not in the history.
  bool ReadsHistory() const override { return false; }
  absl::StatusOr<SamplerOutput> Suggest(const SamplerInput& input) const override;

  uint64_t size() const { return grid_.size(); }

 private:
  GridEnumeration grid_;
  bool shuffle_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GRID_SAMPLER_H_
