// The SOR sequence fixture of specs/bandits.md §6/§7.3: instances A_t = tridiag(-1, 2 + c_t, -1)
// (n = 50, b = 1, x0 = 0, tolerance 1e-8) with c_t drawn uniformly from eight shifts, solved by
// SOR with omega from the grid 1.00, 1.05, ..., 1.95 (K = 20 arms). The cost of an instance is
// its sweep count; a bandit sees the loss min(iterations, cap) / cap with cap = 1000 (spec §0).
//
// A solve is a deterministic function of (c, omega), so Create() runs SOR once per pair and the
// simulation reads the table; SolveUncached() reruns the solver for one pair (the benchmark's
// --solve_every_instance mode checks that the table and fresh solves agree).
//
//   ASSIGN_OR_RETURN(SorFixture fixture, SorFixture::Create(SorFixtureOptions{}));
//   std::vector<int> instances = fixture.DrawInstances(5000, seed);
//   int64_t cost = fixture.Iterations(instances[0], arm);
#ifndef HYPERD_BENCH_BANDITS_SOR_FIXTURE_H_
#define HYPERD_BENCH_BANDITS_SOR_FIXTURE_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace hyperd::bench {

struct SorFixtureOptions {
  int n = 50;
  // The shifts c an instance draws from, uniformly (spec §7.3).
  std::vector<double> shifts = {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0};
  // The arms: omega = 1.00, 1.05, ..., 1.95 (spec §7.3).
  std::vector<double> omegas = DefaultOmegaGrid();
  // Loss normalisation: loss = min(iterations, loss_cap) / loss_cap (spec §0, §7.3).
  double loss_cap = 1000;
  double relative_tolerance = 1e-8;

  static std::vector<double> DefaultOmegaGrid();
};

class SorFixture {
 public:
  // Solves every (shift, omega) pair once. Errors: INVALID_ARGUMENT for an empty shift or omega
  // list, a non-positive shift (the context takes its log), n < 2 or loss_cap <= 0, and the
  // solver's errors (omega outside (0, 2), no convergence).
  static absl::StatusOr<SorFixture> Create(const SorFixtureOptions& options);

  int arm_count() const { return static_cast<int>(options_.omegas.size()); }
  int shift_count() const { return static_cast<int>(options_.shifts.size()); }
  const SorFixtureOptions& options() const { return options_; }
  double omega(int arm) const { return options_.omegas[arm]; }
  double shift(int shift_index) const { return options_.shifts[shift_index]; }

  // SOR sweeps for an instance with shift `shift_index` solved with omega `arm` (from the table).
  int64_t Iterations(int shift_index, int arm) const {
    return iterations_[static_cast<size_t>(shift_index) * options_.omegas.size() + arm];
  }
  // min(Iterations, loss_cap) / loss_cap, in [0, 1].
  double Loss(int shift_index, int arm) const;
  // The grid arm with the fewest sweeps for this shift (lowest omega on ties), and its sweeps.
  int InstanceOptimalArm(int shift_index) const;
  int64_t InstanceOptimalIterations(int shift_index) const {
    return Iterations(shift_index, InstanceOptimalArm(shift_index));
  }
  // The context of an instance: [1, u, u^2] with u = log c rescaled to [0, 1] over the shift
  // range (spec §5 features, §7.3 "u = normalised log c").
  std::vector<double> Context(int shift_index) const;

  // `count` instances (shift indices), each drawn uniformly and independently; a pure function
  // of (count, seed).
  std::vector<int> DrawInstances(int64_t count, uint64_t seed) const;

  // Runs SOR again for (shift, omega) instead of reading the table.
  absl::StatusOr<int64_t> SolveUncached(int shift_index, int arm) const;

 private:
  explicit SorFixture(SorFixtureOptions options) : options_(std::move(options)) {}

  SorFixtureOptions options_;
  std::vector<int64_t> iterations_;  // row-major [shift][arm]
};

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_BANDITS_SOR_FIXTURE_H_
