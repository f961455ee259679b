#include "algorithms/schedules/families/wsd_cooldown.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace hyperd::algorithms::schedules {

int64_t WsdCooldownSteps(double cooldown_fraction, int64_t total_steps) {
  if (!(cooldown_fraction > 0.0) || total_steps <= 0) return 0;  // also NaN
  const double fraction = std::min(cooldown_fraction, 1.0);
  return std::min<int64_t>(std::llround(fraction * static_cast<double>(total_steps)), total_steps);
}

}  // namespace hyperd::algorithms::schedules
