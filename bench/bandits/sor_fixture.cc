#include "bench/bandits/sor_fixture.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "Eigen/Core"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/samplers/random_bits.h"
#include "bench/bandits/sor_solver.h"
#include "common/status_macros.h"

namespace hyperd::bench {

std::vector<double> SorFixtureOptions::DefaultOmegaGrid() {
  std::vector<double> grid;
  for (int i = 0; i < 20; ++i) grid.push_back(1.0 + 0.05 * i);
  return grid;
}

absl::StatusOr<SorFixture> SorFixture::Create(const SorFixtureOptions& options) {
  if (options.shifts.empty() || options.omegas.empty()) {
    return absl::InvalidArgumentError(
        "SorFixtureOptions: shifts and omegas must each list at least one value");
  }
  for (double shift : options.shifts) {
    if (!(shift > 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "SorFixtureOptions.shifts: ", shift, " is not positive; the context uses log(shift)"));
    }
  }
  if (options.n < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("SorFixtureOptions.n = ", options.n, "; use at least 2"));
  }
  if (!(options.loss_cap > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("SorFixtureOptions.loss_cap = ", options.loss_cap, "; it must be positive"));
  }
  SorFixture fixture(options);
  for (int s = 0; s < fixture.shift_count(); ++s) {
    for (int arm = 0; arm < fixture.arm_count(); ++arm) {
      ASSIGN_OR_RETURN(int64_t iterations, fixture.SolveUncached(s, arm));
      fixture.iterations_.push_back(iterations);
    }
  }
  return fixture;
}

absl::StatusOr<int64_t> SorFixture::SolveUncached(int shift_index, int arm) const {
  const RowMajorSparse a = ShiftedLaplacian1d(options_.n, shift(shift_index));
  SorOptions sor;
  sor.relative_tolerance = options_.relative_tolerance;
  return SorIterations(a, Eigen::VectorXd::Ones(options_.n), omega(arm), sor);
}

double SorFixture::Loss(int shift_index, int arm) const {
  const double iterations = static_cast<double>(Iterations(shift_index, arm));
  return std::min(iterations, options_.loss_cap) / options_.loss_cap;
}

int SorFixture::InstanceOptimalArm(int shift_index) const {
  int best = 0;
  for (int arm = 1; arm < arm_count(); ++arm) {
    if (Iterations(shift_index, arm) < Iterations(shift_index, best)) best = arm;
  }
  return best;
}

std::vector<double> SorFixture::Context(int shift_index) const {
  const auto [low, high] = std::minmax_element(options_.shifts.begin(), options_.shifts.end());
  const double span = std::log(*high) - std::log(*low);
  const double u = span > 0 ? (std::log(shift(shift_index)) - std::log(*low)) / span : 0.0;
  return {1.0, u, u * u};
}

std::vector<int> SorFixture::DrawInstances(int64_t count, uint64_t seed) const {
  algorithms::SplitMix64 rng(algorithms::MixSeed(seed, 0x5042));
  std::vector<int> instances;
  instances.reserve(static_cast<size_t>(count));
  for (int64_t t = 0; t < count; ++t) {
    const double u = algorithms::UnitDoubleFromBits(rng.Next());
    instances.push_back(std::min(shift_count() - 1, static_cast<int>(u * shift_count())));
  }
  return instances;
}

}  // namespace hyperd::bench
