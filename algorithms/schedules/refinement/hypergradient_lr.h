// Hypergradient descent on the learning rate, SGD-HD (Baydin, Cornish, Martínez Rubio, Schmidt,
// Wood, "Online Learning Rate Adaptation with Hypergradient Descent", ICLR 2018, arXiv 1703.04782;
// code gbaydin/hypergradient-descent; lr-schedules.md §5) with hyperd's guards.
//
// For each reported h_t = ⟨g_t, u_{t−1}⟩ (the gradient against the previous update direction, the
// momentum buffer when momentum > 0; u_{−1} = 0 so h_0 = 0):
//
//   α_t = clamp(α_{t−1} + β·h_t, min_lr, max_lr)
//
// The clamp is hyperd's guard (the published rule can drive α negative); a non-finite h_t is
// skipped (α unchanged) and counted. Adam-HD uses the same update with its own h_t, so this class
// serves it too. The state is α alone: to resume (server restart, replay), create a new instance
// with initial_lr = the last α and feed the remaining h_t.
//
//   ASSIGN_OR_RETURN(HypergradientLr rule, HypergradientLr::Create(0.1, 1e-6, 0.0, 1.0));
//   double next_lr = rule.Update(report.hd_dot);
#ifndef HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_HYPERGRADIENT_LR_H_
#define HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_HYPERGRADIENT_LR_H_

#include <cstdint>

#include "absl/status/statusor.h"

namespace hyperd::algorithms::schedules::refinement {

class HypergradientLr {
 public:
  // INVALID_ARGUMENT naming the argument unless: beta finite and > 0 (the authors' SGD-HD default
  // is 1e-6); min_lr finite and >= 0; max_lr finite and >= min_lr; initial_lr finite and in
  // [min_lr, max_lr].
  static absl::StatusOr<HypergradientLr> Create(double initial_lr, double beta, double min_lr,
                                                double max_lr);

  // Applies one hypergradient h_t and returns the new α_t, the LR of the next update. A NaN or
  // ±inf h_t leaves α unchanged (see skipped_updates()).
  double Update(double hd_dot);

  // The current α: the LR of the next update.
  double lr() const { return lr_; }

  // How many non-finite h_t were skipped since Create.
  int64_t skipped_updates() const { return skipped_updates_; }

 private:
  HypergradientLr(double initial_lr, double beta, double min_lr, double max_lr)
      : lr_(initial_lr), beta_(beta), min_lr_(min_lr), max_lr_(max_lr) {}

  double lr_;
  double beta_;
  double min_lr_;
  double max_lr_;
  int64_t skipped_updates_ = 0;
};

}  // namespace hyperd::algorithms::schedules::refinement

#endif  // HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_HYPERGRADIENT_LR_H_
