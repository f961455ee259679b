// The GP's output transform (bo.md §2): orient to maximise, give diverged and infeasible trials
// the worst value by Vizier's infeasible warp, then standardise.
//
//   StandardizedTargets t = StandardizeTargets({3, 1, 2}, Goal::kMinimize);
//   // t.values = (−1.224745, 1.224745, 0)
//
// Steps:
//   1. Negate for minimisation, so larger is better.
//   2. Every non-finite entry (a diverged run, or an INFEASIBLE trial passed as NaN) becomes
//      y_min − (0.5·range + 1), with y_min and range over the finite entries [Vizier's infeasible
//      warp]. Non-finite losses are divergence, the worst outcome (specs/README.md), so ±inf are
//      warped too rather than clipped to the finite range.
//   3. y ← (y − mean)/max(std, 1e-10) with the population std.
// With no finite entry at all every target is 0.
//
// Pure; thread-safe.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GP_OUTPUT_TRANSFORM_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GP_OUTPUT_TRANSFORM_H_

#include <vector>

#include "Eigen/Core"
#include "algorithms/samplers/sampler.h"

namespace hyperd::algorithms::gp {

struct StandardizedTargets {
  Eigen::VectorXd values;
  // values = (oriented − mean) / scale, with oriented the maximise-scale values after the warp.
  double mean = 0;
  double scale = 1;
};

StandardizedTargets StandardizeTargets(const std::vector<double>& objective_values, Goal goal);

}  // namespace hyperd::algorithms::gp

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GP_OUTPUT_TRANSFORM_H_
