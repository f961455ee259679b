#include "algorithms/samplers/gp/gp_sampler.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "Eigen/Core"
#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "algorithms/optimization/mixed_space_maximizer.h"
#include "algorithms/samplers/gp/gaussian_process.h"
#include "algorithms/samplers/gp/gp_acquisition.h"
#include "algorithms/samplers/gp/gp_space_encoding.h"
#include "algorithms/samplers/gp/gp_state.h"
#include "algorithms/samplers/gp/hyperparameter_fit.h"
#include "algorithms/samplers/gp/kernel_cholesky.h"
#include "algorithms/samplers/gp/marginal_likelihood.h"
#include "algorithms/samplers/gp/output_transform.h"
#include "algorithms/samplers/gp/training_set.h"
#include "algorithms/samplers/grid_enumeration.h"
#include "algorithms/samplers/random_bits.h"
#include "algorithms/samplers/sobol_sequence.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

using gp::GaussianProcess;
using gp::GpState;
using gp::KernelCholesky;

// The model needs at least this many training points; before that, quasi-random points.
constexpr int kMinTrainingPoints = 2;
// Refit policy (bo.md §4): every call up to this many training points, then every n/20 points.
constexpr int kRefitEveryCallUpTo = 200;
constexpr int kRefitFraction = 20;
// Large studies: condition on at most this many points (the best kSubsetBestPoints plus a seeded
// random selection), fit hyperparameters on at most kMaxFitPoints of them (a third of them the
// best), so a suggestion stays well under a second.
constexpr int kMaxConditioningPoints = 1000;
constexpr int kSubsetBestPoints = 200;
constexpr int kMaxFitPoints = 256;
// Above this fitted noise (standardised units) log-EI uses the plug-in incumbent (bo.md §6.2).
constexpr double kNoisyIncumbentThreshold = 1e-3;
// Maximiser re-runs when its best point decodes to an already taken assignment.
constexpr int kMaxDuplicateRetries = 2;
// Quasi-random fill-in: Sobol points tried before enumerating a finite space, and their stride (a
// prime far beyond any study, so tries do not reuse the points of later suggestions).
constexpr int kMaxQuasiRandomTries = 256;
constexpr uint64_t kQuasiRandomStride = 1000000007;
// Finite spaces up to this size are enumerated when quasi-random tries keep colliding.
constexpr uint64_t kMaxEnumeratedSpace = 1000000;

std::vector<double> Key(const Eigen::VectorXd& x) { return {x.data(), x.data() + x.size()}; }

// Snapped points already pending or suggested in this batch, compared by decoded assignment.
using TakenSet = std::set<std::vector<double>>;

// The factor of the last model built, reused when a later call conditions on the same points (or
// those points followed by more) with the same hyperparameters and the same factorised base.
struct CachedFactor {
  Eigen::VectorXd theta;
  int base_size = 0;
  KernelCholesky factor;
};

// One call's model, with pending points and the batch so far appended as believers.
struct Model {
  std::optional<GaussianProcess> gp;
  // Built in place once the model has its final address (it points to `gp`).
  std::optional<gp::GpAcquisition> acquisition;
  double incumbent = 0;
  Eigen::VectorXd best_point;
  std::vector<SearchDimension> dimensions;
  GpState state;
  int observations = 0;
  bool refitted = false;
  bool fell_back_to_prior = false;
};

std::string FormatRange(const Eigen::VectorXd& values) {
  if (values.size() == 0) return "-";
  return absl::StrFormat("%.3g-%.3g", values.minCoeff(), values.maxCoeff());
}

class GpSampler : public Sampler {
 public:
  GpSampler(GpSamplerConfig config, SearchSpace space)
      : config_(config), encoding_(std::move(space)), sobol_(encoding_.dimensions()) {}

  absl::string_view name() const override { return "gp"; }
  bool ReadsHistory() const override { return true; }
  absl::StatusOr<SamplerOutput> Suggest(const SamplerInput& input) const override;

 private:
  absl::StatusOr<Model> BuildModel(const SamplerInput& input, const gp::TrainingSet& data,
                                   const std::vector<Eigen::VectorXd>& believers) const;
  // K + σ_n² I factorised for θ: the first `base` columns at once, the rest appended; reuses and
  // refreshes the cache.
  absl::StatusOr<KernelCholesky> Factor(const Eigen::VectorXd& theta, const Eigen::MatrixXd& points,
                                        int base) const;
  gp::GpAcquisition::Kind AcquisitionKind() const {
    return config_.acquisition == GpSamplerConfig::Acquisition::kLogExpectedImprovement
               ? gp::GpAcquisition::Kind::kLogExpectedImprovement
               : gp::GpAcquisition::Kind::kUpperConfidenceBound;
  }
  std::optional<Eigen::VectorXd> NextModelPoint(
      const Model& model, uint64_t seed, uint64_t index, const TakenSet& taken,
      const std::vector<Eigen::VectorXd>& believers) const;
  std::optional<Eigen::VectorXd> QuasiRandomPoint(uint64_t seed, uint64_t index,
                                                  const TakenSet& taken) const;
  std::string DescribeModel(int observations, const Eigen::VectorXd& theta, int64_t last_refit,
                            bool refitted) const;
  std::string StartupStatus(int64_t trials_after) const;

  const GpSamplerConfig config_;
  const gp::GpSpaceEncoding encoding_;
  const SobolSequence sobol_;
  mutable absl::Mutex mu_;
  mutable std::shared_ptr<const CachedFactor> cache_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<SamplerOutput> GpSampler::Suggest(const SamplerInput& input) const {
  if (input.count < 0) {
    return absl::InvalidArgumentError(absl::StrCat("count: must be >= 0, got ", input.count));
  }
  static const std::vector<TrialObservation> kNoTrials;
  const std::vector<TrialObservation>& trials = input.trials != nullptr ? *input.trials : kNoTrials;
  const gp::TrainingSet data = gp::CollectTrainingSet(encoding_, trials);
  const int64_t history = static_cast<int64_t>(trials.size());
  const bool model_ready = data.size() >= kMinTrainingPoints;
  SamplerOutput output;
  output.state = input.state;

  if (input.count == 0) {  // status only (the server's restore path): no fit, state unchanged
    const std::optional<GpState> state =
        gp::ParseGpState(input.state, gp::HyperparameterCount(encoding_.dimensions()));
    output.status = history >= config_.n_startup_trials && model_ready && state
                        ? DescribeModel(data.size(), state->theta, state->fit_observations, false)
                        : StartupStatus(history);
    return output;
  }

  TakenSet taken;
  for (const Eigen::VectorXd& x : data.pending) taken.insert(Key(x));
  std::vector<Eigen::VectorXd> believers = data.pending;
  std::optional<Model> model;
  std::string model_failure;
  int quasi_random_points = 0;
  for (int i = 0; i < input.count; ++i) {
    const uint64_t index = static_cast<uint64_t>(history + i);
    const bool startup = index < static_cast<uint64_t>(config_.n_startup_trials) || !model_ready;
    std::optional<Eigen::VectorXd> x;
    if (!startup && model_failure.empty()) {
      if (!model) {
        absl::StatusOr<Model> built = BuildModel(input, data, believers);
        if (built.ok()) {
          model = *std::move(built);
          model->acquisition.emplace(&*model->gp, AcquisitionKind(), config_.ucb_beta,
                                     model->incumbent);
        } else {
          model_failure = std::string(built.status().message());
        }
      }
      if (model) x = NextModelPoint(*model, input.seed, index, taken, believers);
    }
    if (!x) {
      x = QuasiRandomPoint(input.seed, index, taken);
      if (!startup) ++quasi_random_points;
    }
    if (!x) {  // a finite space whose every assignment is pending or already in this batch
      output.exhausted = true;
      break;
    }
    taken.insert(Key(*x));
    believers.push_back(*x);
    // Kriging believer: the next point of the batch sees this one as observed at its mean. A
    // failed append only loses that repulsion; distinctness is enforced by `taken`.
    if (model && i + 1 < input.count) model->gp->Append(*x, model->gp->Mean(*x)).IgnoreError();
    output.suggestions.push_back(encoding_.Decode(*x));
  }

  if (model) {
    output.state = gp::FormatGpState(model->state);
    std::string status = DescribeModel(model->observations, model->state.theta,
                                       model->state.fit_observations, model->refitted);
    if (model->fell_back_to_prior) absl::StrAppend(&status, "; fit failed, prior hyperparameters");
    if (!data.pending.empty()) absl::StrAppend(&status, "; ", data.pending.size(), " pending");
    if (quasi_random_points > 0) {
      absl::StrAppend(&status, "; ", quasi_random_points, " quasi-random fill-in");
    }
    output.status = std::move(status);
  } else if (!model_failure.empty()) {
    output.status = absl::StrCat("gp: model failed (", model_failure, "); ", quasi_random_points,
                                 " quasi-random fallback points");
  } else {
    output.status = StartupStatus(history + static_cast<int64_t>(output.suggestions.size()));
    if (!model_ready && history >= config_.n_startup_trials) {
      absl::StrAppend(&output.status, "; waiting for ", kMinTrainingPoints,
                      " completed observations (have ", data.size(), ")");
    }
  }
  return output;
}

absl::StatusOr<Model> GpSampler::BuildModel(const SamplerInput& input, const gp::TrainingSet& data,
                                            const std::vector<Eigen::VectorXd>& believers) const {
  const int n = data.size();
  const int d = encoding_.dimensions();
  const std::vector<uint64_t> fingerprints = gp::PrefixFingerprints(data);
  const std::optional<GpState> previous = gp::ParseGpState(input.state, gp::HyperparameterCount(d));

  std::vector<double> oriented(n);
  for (int j = 0; j < n; ++j) {
    oriented[j] = input.goal == Goal::kMinimize ? -data.values[j] : data.values[j];
  }
  const std::vector<int> conditioning = gp::SelectSubset(
      oriented, kMaxConditioningPoints, kSubsetBestPoints, MixSeed(input.seed, 2 * n));
  const int m = static_cast<int>(conditioning.size());
  Eigen::MatrixXd points(d, m);
  std::vector<double> values(m);
  for (int k = 0; k < m; ++k) {
    points.col(k) = data.points.col(conditioning[k]);
    values[k] = data.values[conditioning[k]];
  }
  const gp::StandardizedTargets targets = gp::StandardizeTargets(values, input.goal);

  Model model;
  model.observations = n;
  const bool unchanged =
      previous && previous->fit_observations == n && previous->fit_fingerprint == fingerprints[n];
  bool refit;
  if (!previous) {
    refit = true;
  } else if (unchanged) {
    refit = false;
  } else if (n <= kRefitEveryCallUpTo) {
    refit = true;
  } else {
    refit = n < previous->fit_observations ||
            n - previous->fit_observations >= std::max(1, n / kRefitFraction);
  }

  const gp::HyperparameterPrior prior =
      gp::DefaultHyperparameterPrior(d, config_.deterministic_objective);
  Eigen::VectorXd theta;
  if (refit) {
    const std::vector<double> standardized(targets.values.data(),
                                           targets.values.data() + targets.values.size());
    const std::vector<int> fit_subset = gp::SelectSubset(
        standardized, kMaxFitPoints, kMaxFitPoints / 3, MixSeed(input.seed, 2 * n + 1));
    Eigen::MatrixXd fit_points(d, fit_subset.size());
    Eigen::VectorXd fit_targets(fit_subset.size());
    for (size_t k = 0; k < fit_subset.size(); ++k) {
      fit_points.col(static_cast<Eigen::Index>(k)) = points.col(fit_subset[k]);
      fit_targets[static_cast<Eigen::Index>(k)] = targets.values[fit_subset[k]];
    }
    gp::FitOptions options;
    options.seed = MixSeed(input.seed, static_cast<uint64_t>(n));
    const gp::FitResult fit =
        gp::FitHyperparameters(fit_points, fit_targets, encoding_.categorical(), prior,
                               previous ? &previous->theta : nullptr, options);
    theta = fit.theta;
    model.refitted = true;
    model.fell_back_to_prior = fit.fell_back_to_prior;
    // After a failed fit, record no fitted training set so the next call refits.
    model.state =
        fit.fell_back_to_prior ? GpState{0, 0, theta} : GpState{n, fingerprints[n], theta};
  } else {
    theta = previous->theta.cwiseMax(prior.lower).cwiseMin(prior.upper);
    model.state = *previous;
  }

  // The factor starts from the training set of the last refit when it is still a prefix of this
  // one (the canonical order of factorisation, so the cache never changes results).
  int base = m;
  if (!refit && m == n && previous->fit_observations >= 1 && previous->fit_observations <= n &&
      fingerprints[previous->fit_observations] == previous->fit_fingerprint) {
    base = static_cast<int>(previous->fit_observations);
  }
  absl::StatusOr<KernelCholesky> factor = Factor(theta, points, base);
  if (!factor.ok()) {
    theta = prior.ClampedMean();
    factor = Factor(theta, points, m);
    if (!factor.ok()) return factor.status();
    model.state = GpState{0, 0, theta};
    model.fell_back_to_prior = true;
  }
  model.gp.emplace(*std::move(factor), targets.values);
  const GaussianProcess& gp = *model.gp;

  // Incumbent (bo.md §6.2): the best observation, or with noticeable noise the best posterior mean
  // at the observed points, μ(x_i) = y_i − (σ_n² + jitter)·α_i (since K α = y).
  const double noise = gp::NoiseFromLogHyperparameters(theta);
  Eigen::VectorXd scores = targets.values;
  if (noise > kNoisyIncumbentThreshold) {
    scores -= (noise + gp.factor().jitter()) * gp.alpha();
  }
  Eigen::Index best = 0;
  model.incumbent = scores.maxCoeff(&best);
  model.best_point = points.col(best);
  model.dimensions = encoding_.MaximizerDimensions(gp.kernel().length_scales());
  for (const Eigen::VectorXd& x : believers) {
    model.gp->Append(x, model.gp->Mean(x)).IgnoreError();
  }
  return model;
}

absl::StatusOr<KernelCholesky> GpSampler::Factor(const Eigen::VectorXd& theta,
                                                 const Eigen::MatrixXd& points, int base) const {
  std::shared_ptr<const CachedFactor> cached;
  {
    absl::MutexLock lock(&mu_);
    cached = cache_;
  }
  std::optional<KernelCholesky> factor;
  if (cached != nullptr && cached->base_size == base && cached->theta.size() == theta.size() &&
      cached->theta == theta && cached->factor.size() >= base &&
      cached->factor.size() <= points.cols() &&
      cached->factor.points() == points.leftCols(cached->factor.size())) {
    factor = cached->factor;
    if (factor->size() == points.cols()) return *std::move(factor);  // nothing new to cache
  } else {
    ASSIGN_OR_RETURN(
        KernelCholesky fresh,
        KernelCholesky::Create(gp::KernelFromLogHyperparameters(encoding_.categorical(), theta),
                               gp::NoiseFromLogHyperparameters(theta), points.leftCols(base)));
    factor = std::move(fresh);
  }
  for (Eigen::Index j = factor->size(); j < points.cols(); ++j) {
    RETURN_IF_ERROR(factor->Append(points.col(j)));
  }
  auto entry = std::make_shared<const CachedFactor>(CachedFactor{theta, base, *factor});
  {
    absl::MutexLock lock(&mu_);
    cache_ = std::move(entry);
  }
  return *std::move(factor);
}

std::optional<Eigen::VectorXd> GpSampler::NextModelPoint(
    const Model& model, uint64_t seed, uint64_t index, const TakenSet& taken,
    const std::vector<Eigen::VectorXd>& believers) const {
  MaximizerOptions options;
  options.seed = MixSeed(seed, index);
  options.excluded = believers;
  for (int attempt = 0; attempt <= kMaxDuplicateRetries; ++attempt) {
    const MaximizerResult result =
        MaximizeOverMixedSpace(*model.acquisition, model.dimensions, {model.best_point}, options);
    if (result.all_excluded || !result.point.allFinite()) return std::nullopt;
    Eigen::VectorXd x = encoding_.Snap(result.point);
    if (taken.count(Key(x)) == 0) return x;
    // A relaxed integer landed in a taken cell: exclude it and search again.
    options.excluded.push_back(result.point);
    options.excluded.push_back(std::move(x));
  }
  return std::nullopt;
}

std::optional<Eigen::VectorXd> GpSampler::QuasiRandomPoint(uint64_t seed, uint64_t index,
                                                           const TakenSet& taken) const {
  const std::optional<uint64_t> finite_size = encoding_.FiniteSize();
  if (finite_size && taken.size() >= *finite_size) return std::nullopt;
  Eigen::VectorXd x;
  for (int t = 0; t < kMaxQuasiRandomTries; ++t) {
    x = encoding_.FromUnitPoint(sobol_.ScrambledPoint(index + t * kQuasiRandomStride, seed));
    if (taken.count(Key(x)) == 0) return x;
  }
  if (finite_size && *finite_size <= kMaxEnumeratedSpace) {
    const GridEnumeration grid(encoding_.space(), 2);
    for (uint64_t k = 0; k < grid.size(); ++k) {
      std::optional<Eigen::VectorXd> point = encoding_.Encode(grid.PointAt(k));
      if (point && taken.count(Key(*point)) == 0) return point;
    }
    return std::nullopt;
  }
  return x;  // a huge finite space full of duplicates is not worth enumerating
}

std::string GpSampler::DescribeModel(int observations, const Eigen::VectorXd& theta,
                                     int64_t last_refit, bool refitted) const {
  const int d = encoding_.dimensions();
  std::string status = absl::StrCat("gp: ", observations, " observations");
  if (observations > kMaxConditioningPoints) {
    absl::StrAppend(&status, ", model on a subset of ", kMaxConditioningPoints);
  }
  if (observations > kMaxFitPoints) {
    absl::StrAppend(&status, ", hyperparameters fitted on ", kMaxFitPoints);
  }
  if (last_refit > 0) {
    absl::StrAppend(&status, "; ", refitted ? "refit" : "last refit", " at n=", last_refit);
  }
  absl::StrAppend(&status, "; ",
                  config_.acquisition == GpSamplerConfig::Acquisition::kLogExpectedImprovement
                      ? "log-EI"
                      : absl::StrCat("UCB beta=", config_.ucb_beta));
  absl::StrAppend(&status, "; noise ",
                  absl::StrFormat("%.2g", gp::NoiseFromLogHyperparameters(theta)),
                  ", length scales ", FormatRange(theta.head(d).array().exp().matrix()));
  return status;
}

std::string GpSampler::StartupStatus(int64_t trials_after) const {
  return absl::StrCat("gp: startup ", std::min<int64_t>(trials_after, config_.n_startup_trials),
                      "/", config_.n_startup_trials, " quasi-random");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Sampler>> MakeGpSampler(const GpSamplerConfig& config,
                                                       const SearchSpace& space) {
  RETURN_IF_ERROR(ValidateSearchSpace(space));
  if (!(std::isfinite(config.ucb_beta) && config.ucb_beta > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sampler.gp.ucb_beta: must be finite and > 0, got ", config.ucb_beta,
                     "; the usual value is 1.8"));
  }
  if (config.n_startup_trials < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("sampler.gp.n_startup_trials: must be >= 1, got ", config.n_startup_trials,
                     "; the default is 10"));
  }
  for (const ParameterConfig& parameter : space.parameters) {
    if (parameter.condition) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sampler.gp: conditional parameters are not supported by the GP sampler; use "
          "sampler.tpe (parameter '",
          parameter.name, "' has a condition)"));
    }
  }
  if (space.parameters.size() > static_cast<size_t>(SobolSequence::kMaxDimensions)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sampler.gp: the space has ", space.parameters.size(),
        " parameters; the GP sampler supports at most ", SobolSequence::kMaxDimensions));
  }
  return std::make_unique<GpSampler>(config, space);
}

}  // namespace hyperd::algorithms
