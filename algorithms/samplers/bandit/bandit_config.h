// Settings of the bandit policies (specs/bandits.md), one struct per algorithm, selected by
// `algorithm`. A value of 0 in a "0 = derived" field means "use the spec's default or tuning
// formula"; every other out-of-range value is refused by MakeBanditPolicy (bandit_policy.h) with
// INVALID_ARGUMENT naming the field, e.g. "sampler.exp3.gamma: must be in (0, 1], got 2".
//
//   BanditConfig config;
//   config.algorithm = BanditAlgorithm::kThompson;
//   config.thompson.drift.kind = DriftKind::kDiscounted;  // discounted TS, gamma = 0.99
//   ASSIGN_OR_RETURN(std::unique_ptr<BanditPolicy> policy, MakeBanditPolicy(config, 20));
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_CONFIG_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_CONFIG_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hyperd::algorithms {

enum class BanditAlgorithm {
  kUcb1,        // §1 UCB1 / UCB1-Tuned; with drift: D-UCB, SW-UCB (§4)
  kThompson,    // §2 Thompson sampling; with drift: discounted Beta TS (§4)
  kExp3,        // §3.1 EXP3; with share > 0: EXP3.S
  kTsallisInf,  // §3.2 Tsallis-INF (1/2-Tsallis FTRL)
  kLinUcb,      // §5 disjoint LinUCB
};

// Forgetting for non-stationary problems (§4). Discounting and windows count applied rewards
// (rounds), never wall-clock time.
enum class DriftKind {
  kNone,
  kDiscounted,     // every round all statistics are multiplied by `discount`
  kSlidingWindow,  // only the last `window` rewards count (UCB family only)
};

struct DriftSettings {
  DriftKind kind = DriftKind::kNone;
  // kDiscounted: gamma in (0, 1). 0 = derived: 1 - (1/4)*sqrt(expected_changes/horizon) when both
  // are set, else 0.99.
  double discount = 0;
  // kSlidingWindow: tau >= 1 rewards. 0 = derived: round(2*sqrt(horizon*ln(horizon)/
  // expected_changes)) when both are set, else 200 (= 2/(1 - 0.99)).
  int64_t window = 0;
  // Expected number of breakpoints over `horizon` rewards; both >= 1 or both 0 (unknown).
  int64_t expected_changes = 0;
  int64_t horizon = 0;
};

// UCB1 (§1): index = mean + sqrt(alpha * ln t / n); with tuned = true the UCB1-Tuned bonus
// sqrt((ln t / n) * min(1/4, V)) with V = s^2 + sqrt(2 ln t / n) (alpha unused). Drift kDiscounted
// is D-UCB, kSlidingWindow is SW-UCB (§4), both with alpha in the bonus.
struct Ucb1Settings {
  bool tuned = false;
  double alpha = 2;  // > 0 ("c" in §1, "alpha" in §4)
  DriftSettings drift;
};

enum class ThompsonPrior {
  // Beta(prior_alpha, prior_beta) with the Bernoulli trick for rewards in [0, 1] (§2).
  kBeta,
  // Known variance: theta_i ~ N(S_i / (n_i + 1), variance / (n_i + 1)), Agrawal & Goyal's form
  // (the posterior under a N(0, variance) prior); variance = 1 is their choice.
  kGaussian,
  // Unknown variance: Normal-Gamma prior (mu0, kappa0, a0, b0) = (0, 1, 1, 1) on rewards
  // standardised by the pooled mean and standard deviation of all rewards so far (§2).
  kNormalGamma,
};

struct ThompsonSettings {
  ThompsonPrior prior = ThompsonPrior::kBeta;
  double prior_alpha = 1;  // kBeta, > 0
  double prior_beta = 1;   // kBeta, > 0
  double variance = 1;     // kGaussian, > 0
  // kNone or kDiscounted (discounted Beta TS, kBeta only): every round A_i and B_i of every arm
  // are multiplied by gamma; the prior is not discounted.
  DriftSettings drift;
};

// EXP3 (§3.1): p_i = (1 - gamma) w_i / sum w + gamma / K; log w_I += gamma * (r / p_I) / K.
// share > 0 makes it EXP3.S: w_i <- w_i * exp(gamma x_i / K) + (e * share / K) * sum_j w_j.
// drift kDiscounted makes it discounted EXP3 [hyperd]: every reward first multiplies every log w_i
// by the discount gamma_d, then adds gamma * (r / p_I) / K to log w_I.
struct Exp3Settings {
  // In (0, 1]. 0 = derived. Plain EXP3: min(1, sqrt(K ln K / ((e - 1) g))) with g = horizon, or,
  // when the horizon is unknown (0), the doubling trick: g = 2^k in epoch k, the epoch being the
  // smallest k with 2^k >= (rewards applied + 1), weights reset when the epoch changes.
  // EXP3.S with `switches` > 0: min(1, sqrt(K (S ln(K T) + e) / ((e - 1) T))).
  // Discounted EXP3: the same formula with g = min(T, 1/(1 - gamma_d)), the memory length, where
  // T is `horizon`, else drift.horizon, else unknown (g = 1/(1 - gamma_d)); no doubling trick.
  double gamma = 0;
  int64_t horizon = 0;  // T, number of rewards expected; 0 = unknown
  // EXP3.S fixed share alpha in (0, 1). 0 = 1/horizon when switches > 0, else plain EXP3.
  double share = 0;
  int64_t switches = 0;  // S, expected switches of the best arm; > 0 requires horizon > 0
  // kNone (plain EXP3 / EXP3.S) or kDiscounted (§4 defaults: gamma_d = 0.99 or the tuning
  // formula); not together with share or switches.
  DriftSettings drift;
};

// Tsallis-INF (§3.2): p from FTRL with the 1/2-Tsallis entropy, eta_t = learning_rate / sqrt(t),
// losses 1 - r importance-weighted by the stored probability.
struct TsallisInfSettings {
  double learning_rate = 2;  // > 0; 2 for the importance-weighted estimator (§3.2)
};

// What LinUCB regresses on (§5 pitfall: unexplored arms must look optimistic).
enum class LinUcbTarget {
  kNegativeLoss,  // r - 1 = -loss (default, [hyperd])
  kReward,        // r itself; locks onto the first arm when rewards are near 1 (§7.3)
};

// Disjoint LinUCB (§5): score_a(x) = theta_a^T x + alpha * sqrt(x^T A_a^-1 x), A_a = ridge * I +
// sum x x^T. Contexts are used as given: the caller standardises them and adds the constant 1 and
// any polynomial features.
struct LinUcbSettings {
  double alpha = 0.5;         // >= 0
  double ridge = 1;           // > 0 (A_a starts at ridge * I)
  int context_dimension = 0;  // d >= 1; must equal the study's context_dimension
  LinUcbTarget target = LinUcbTarget::kNegativeLoss;
  int64_t refresh_interval = 1000;  // >= 1: recompute A_a^-1 from A_a every so many updates of a
};

struct BanditConfig {
  BanditAlgorithm algorithm = BanditAlgorithm::kThompson;
  // Only the settings of `algorithm` are read and validated.
  Ucb1Settings ucb1;
  ThompsonSettings thompson;
  Exp3Settings exp3;
  TsallisInfSettings tsallis_inf;
  LinUcbSettings linucb;
};

// Limits that keep a policy's memory bounded.
inline constexpr int64_t kMaxBanditWindow = 10'000'000;
inline constexpr int kMaxLinUcbContextDimension = 100;
inline constexpr int64_t kMaxLinUcbMatrixEntries = 4'000'000;  // K * d^2

// The name of the algorithm as in the study spec ("ucb1", "thompson", "exp3", "tsallis_inf",
// "linucb"); it is also the field name in the paths of error messages.
absl::string_view BanditAlgorithmName(BanditAlgorithm algorithm);

// OK, or INVALID_ARGUMENT for arm_count < 1 ("arms: ...") or a setting of the chosen algorithm out
// of range, with its field path and how to fix it ("sampler.exp3.gamma: must be in (0, 1] or 0
// for the derived value, got 2"). MakeBanditPolicy calls it; the registry may call it at
// CreateStudy.
absl::Status ValidateBanditConfig(const BanditConfig& config, int arm_count);

// The discount / window that validated drift settings resolve to (§4 defaults and tuning
// formulas for 0).
double ResolvedDiscount(const DriftSettings& drift);
int64_t ResolvedWindow(const DriftSettings& drift);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_CONFIG_H_
