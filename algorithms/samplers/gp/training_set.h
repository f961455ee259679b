// The GP's view of a study's history (bo.md §2): which trials are training points, which are
// pending, and the fingerprints and subsets the sampler's refit policy uses.
//
//   SUCCEEDED    a training point with its objective (non-finite → the infeasible warp later)
//   INFEASIBLE   a training point with value NaN (the infeasible warp)
//   FAILED       excluded (no information about the objective)
//   PRUNED       excluded (not a full-fidelity observation)
//   PENDING      a running trial, handled by kriging believer
// Trials whose parameters do not cover the space (e.g. recorded under an older space) are skipped.
//
// Pure functions; thread-safe.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GP_TRAINING_SET_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GP_TRAINING_SET_H_

#include <cstdint>
#include <vector>

#include "Eigen/Core"
#include "algorithms/samplers/gp/gp_space_encoding.h"
#include "algorithms/samplers/sampler.h"

namespace hyperd::algorithms::gp {

struct TrainingSet {
  // Training points by increasing trial number, one per column (D×n), and their objective values
  // on the objective's own scale (NaN for INFEASIBLE or a missing value).
  Eigen::MatrixXd points;
  std::vector<double> values;
  // Snapped coordinates of the pending trials.
  std::vector<Eigen::VectorXd> pending;

  int size() const { return static_cast<int>(values.size()); }
};

TrainingSet CollectTrainingSet(const GpSpaceEncoding& encoding,
                               const std::vector<TrialObservation>& trials);

// fingerprints[k] identifies the first k training points and values (fingerprints[0] is a
// constant), so "the training set is unchanged" and "the old training set is a prefix of the new
// one" are both O(1) checks once these are computed in O(n·D).
std::vector<uint64_t> PrefixFingerprints(const TrainingSet& set);

// Indices (ascending) of a deterministic subset of at most `max_size` of the values: the `best`
// best ones (on the maximise scale `oriented`, non-finite counting as worst) plus a uniform random
// selection of the others drawn with `seed`. All indices when there are at most max_size values.
std::vector<int> SelectSubset(const std::vector<double>& oriented, int max_size, int best,
                              uint64_t seed);

}  // namespace hyperd::algorithms::gp

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GP_TRAINING_SET_H_
