// Disjoint LinUCB (Li, Chu, Langford & Schapire, WWW 2010; specs/bandits.md §5). Per arm a:
//   A_a = ridge * I + sum x x^T (stored, and its inverse kept directly), b_a = sum target * x,
//   theta_a = A_a^-1 b_a (cached after every update),
//   score_a(x) = theta_a^T x + alpha * sqrt(x^T A_a^-1 x).
// Update: u = A^-1 x; A^-1 <- A^-1 - u u^T / (1 + x^T u) (Sherman-Morrison, O(d^2)), then
// symmetrised; every refresh_interval updates of an arm A^-1 is recomputed from A (O(d^3)) to stop
// drift. Select is O(K d^2) without any inversion.
// The regression target is r - 1 = -loss by default, so unexplored arms (score 0 + bonus) stay
// optimistic (§5 pitfall). Pending pulls count as virtual pulls at the request's context: m pending
// pulls turn the bonus term s = x^T A^-1 x into s / (1 + m s) (Sherman-Morrison for A + m x x^T),
// the mean unchanged, so simultaneous requests with one context spread over the arms.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_LINUCB_POLICY_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_LINUCB_POLICY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/samplers/bandit/arm_tally.h"
#include "algorithms/samplers/bandit/bandit_policy.h"

namespace hyperd::algorithms {

class LinUcbPolicy final : public BanditPolicy {
 public:
  // Requires settings that passed ValidateBanditConfig.
  LinUcbPolicy(const LinUcbSettings& settings, int arm_count);

  absl::string_view name() const override { return "linucb"; }
  int arm_count() const override { return arm_count_; }
  int context_dimension() const override { return dimension_; }
  int64_t rewards_applied() const override { return tally_.rewards(); }

  absl::StatusOr<BanditDecision> Select(absl::Span<const int64_t> pending,
                                        absl::Span<const double> context,
                                        uint64_t decision_seed) const override;
  absl::Status Update(int arm, double reward, double probability, absl::Span<const double> context,
                      uint64_t decision_seed) override;
  std::vector<ArmSummary> Summary() const override;
  std::string SerializeState() const override;
  absl::Status RestoreState(absl::string_view state) override;

  // score_a(context) without pending pulls; requires a valid context.
  double Score(int arm, absl::Span<const double> context) const;

 private:
  // Per-arm blocks of the flat arrays.
  double* Matrix(std::vector<double>& m, int arm) const { return m.data() + Offset(arm); }
  const double* Matrix(const std::vector<double>& m, int arm) const {
    return m.data() + Offset(arm);
  }
  size_t Offset(int arm) const { return static_cast<size_t>(arm) * dimension_ * dimension_; }
  // Mean theta^T x and the quadratic form x^T A^-1 x of one arm.
  void MeanAndWidth(int arm, const double* x, double* mean, double* width) const;
  void RefreshInverse(int arm);

  int arm_count_;
  int dimension_;
  LinUcbSettings settings_;
  std::string signature_;
  std::vector<double> a_;          // K blocks of d x d, column-major
  std::vector<double> a_inverse_;  // K blocks of d x d
  std::vector<double> b_;          // K blocks of d
  std::vector<double> theta_;      // K blocks of d
  std::vector<int64_t> updates_since_refresh_;
  ArmTally tally_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_LINUCB_POLICY_H_
