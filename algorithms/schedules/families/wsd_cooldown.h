// The length of a WSD cooldown (spec §1.3): D = round(c·T), rounding halves away from zero.
//
// This is the serving convention of the `wsd` family. The convex-bound planner's arrays
// (spec §3.1, the reference package) use a different one, int(c·(T+1)), and must not call this.
#ifndef HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_WSD_COOLDOWN_H_
#define HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_WSD_COOLDOWN_H_

#include <cstdint>

namespace hyperd::algorithms::schedules {

// Requires 0 <= cooldown_fraction <= 1 and total_steps >= 0; the result is in [0, total_steps].
int64_t WsdCooldownSteps(double cooldown_fraction, int64_t total_steps);

}  // namespace hyperd::algorithms::schedules

#endif  // HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_WSD_COOLDOWN_H_
