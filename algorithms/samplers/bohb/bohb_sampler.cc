#include "algorithms/samplers/bohb/bohb_sampler.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "algorithms/samplers/bohb/bohb_budgets.h"
#include "algorithms/samplers/bohb/bohb_kde.h"
#include "algorithms/samplers/bohb/bohb_model.h"
#include "algorithms/samplers/random_bits.h"
#include "algorithms/samplers/random_sampler.h"
#include "algorithms/samplers/sampler_state.h"
#include "algorithms/samplers/tpe/truncated_normal.h"
#include "algorithms/space/unit_encoding.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxNumSamples = 10000;
constexpr int kMaxReductionFactor = 100;
// log(1e-32): the floor HpBandSter puts under both densities of the score.
const double kLogDensityFloor = std::log(1e-32);
// Separate the candidate streams and the imputation from the random sampler's MixSeed(seed, i).
constexpr uint64_t kCandidateStreamTag = 0x424f48422d43414eULL;  // "BOHB-CAN"
constexpr uint64_t kImputationTag = 0x424f48422d494d50ULL;       // "BOHB-IMP"

struct FittedModel {
  int64_t budget = 0;
  BohbModel model;
};

class BohbSampler : public Sampler {
 public:
  BohbSampler(const BohbSamplerConfig& config, SearchSpace space)
      : config_(config),
        space_(std::move(space)),
        random_(space_),
        budgets_(BohbBudgets(config.min_resource, config.max_resource, config.reduction_factor)) {
    for (size_t i = 0; i < space_.parameters.size(); ++i) {
      const ParameterConfig& parameter = space_.parameters[i];
      index_of_.emplace(parameter.name, static_cast<int>(i));
      const auto* categorical = std::get_if<CategoricalParameter>(&parameter.kind);
      num_categories_.push_back(
          categorical == nullptr ? 0 : static_cast<int>(categorical->values.size()));
    }
  }

  absl::string_view name() const override { return "bohb"; }
  bool ReadsHistory() const override { return true; }
  bool ReadsMeasurements() const override { return true; }

  absl::StatusOr<SamplerOutput> Suggest(const SamplerInput& input) const override {
    if (input.count < 0) {
      return absl::InvalidArgumentError(absl::StrCat("count: must be >= 0, got ", input.count));
    }
    ASSIGN_OR_RETURN(uint64_t next_index, ParseNextIndexState(input.state));
    static const std::vector<TrialObservation> kNoTrials;
    const std::vector<TrialObservation>& trials =
        input.trials == nullptr ? kNoTrials : *input.trials;
    const std::optional<FittedModel> fitted = FitLargestBudget(trials, input.goal, input.seed);

    SamplerOutput output;
    int model_based = 0;
    for (int k = 0; k < input.count; ++k, ++next_index) {
      SplitMix64 random(MixSeed(MixSeed(input.seed, next_index), kCandidateStreamTag));
      const bool uniform = UnitDoubleFromBits(random.Next()) < config_.random_fraction;
      std::optional<Assignment> point;
      if (fitted.has_value() && !uniform) point = ModelPoint(fitted->model, random);
      if (point.has_value()) {
        ++model_based;
        output.suggestions.push_back(*std::move(point));
      } else {
        output.suggestions.push_back(
            DecodeUnitPoint(space_, random_.UnitPoint(input.seed, next_index)));
      }
    }
    output.state = FormatNextIndexState(next_index);
    if (fitted.has_value()) {
      // count 0 (the status is recomputed at load) reports the model only.
      const std::string drawn = input.count == 0 ? ""
                                                 : absl::StrCat(model_based, " of ", input.count,
                                                                " suggestions from the model, ");
      output.status = absl::StrCat(
          "bohb: model at budget ", fitted->budget, " (", fitted->model.num_observations,
          " observations: ", fitted->model.good.num_rows(), " good, ", fitted->model.bad.num_rows(),
          " bad), ", drawn, next_index, " points handed out");
    } else {
      output.status = absl::StrCat("bohb: random until a budget has ", MinObservations(),
                                   " observations, ", next_index, " points handed out");
    }
    return output;
  }

 private:
  // The fewest observations a budget needs for a model: min_points_in_model good rows plus d + 1
  // bad ones (2(d + 1) by default).
  int MinObservations() const {
    const int d = static_cast<int>(space_.parameters.size());
    return std::max(config_.min_points_in_model, d + 1) + d + 1;
  }

  // The model of the largest budget that has one.
  std::optional<FittedModel> FitLargestBudget(const std::vector<TrialObservation>& trials,
                                              Goal goal, uint64_t seed) const {
    const std::vector<std::vector<BudgetObservation>> per_budget =
        CollectBudgetObservations(trials, goal, budgets_);
    std::vector<std::optional<std::vector<double>>> encoded(trials.size());
    BohbModelSettings settings;
    settings.top_n_percent = config_.top_n_percent;
    settings.min_points_in_model = config_.min_points_in_model;
    settings.min_bandwidth = config_.min_bandwidth;
    for (size_t b = budgets_.size(); b-- > 0;) {
      if (static_cast<int>(per_budget[b].size()) < MinObservations()) continue;
      std::vector<BohbObservation> observations;
      observations.reserve(per_budget[b].size());
      for (const BudgetObservation& o : per_budget[b]) {
        std::optional<std::vector<double>>& x = encoded[o.trial];
        if (!x.has_value()) x = Encode(trials[o.trial].parameters);
        observations.push_back({*x, o.loss, static_cast<uint64_t>(trials[o.trial].number)});
      }
      std::optional<BohbModel> model =
          FitBohbModel(num_categories_, std::move(observations), settings,
                       MixSeed(MixSeed(seed, kImputationTag), static_cast<uint64_t>(budgets_[b])));
      if (model.has_value()) return FittedModel{budgets_[b], *std::move(model)};
    }
    return std::nullopt;
  }

  // BOHB's encoding of an assignment; NaN for parameters it does not hold (or cannot hold).
  std::vector<double> Encode(const Assignment& assignment) const {
    std::vector<double> x(space_.parameters.size(), kNaN);
    for (const auto& [name, value] : assignment) {
      const auto it = index_of_.find(name);
      if (it == index_of_.end()) continue;
      const ParameterConfig& parameter = space_.parameters[it->second];
      if (const auto* categorical = std::get_if<CategoricalParameter>(&parameter.kind)) {
        const auto* s = std::get_if<std::string>(&value);
        if (s == nullptr) continue;
        const auto found = std::find(categorical->values.begin(), categorical->values.end(), *s);
        if (found != categorical->values.end()) {
          x[it->second] = static_cast<double>(found - categorical->values.begin());
        }
        continue;
      }
      const bool typed = std::holds_alternative<DoubleParameter>(parameter.kind)
                             ? std::holds_alternative<double>(value)
                             : std::holds_alternative<int64_t>(value);
      if (typed) x[it->second] = EncodeUnitValue(parameter, value);
    }
    return x;
  }

  // The best of num_samples candidates drawn around good rows, or nullopt when every score is
  // non-finite.
  std::optional<Assignment> ModelPoint(const BohbModel& model, SplitMix64& random) const {
    const size_t d = space_.parameters.size();
    const std::vector<double>& bandwidths = model.good.bandwidths();
    std::vector<double> candidate(d);
    std::vector<double> best;
    std::vector<double> scratch;
    double best_score = std::numeric_limits<double>::infinity();
    for (int s = 0; s < config_.num_samples; ++s) {
      const int rows = model.good.num_rows();
      const int r = std::min(static_cast<int>(UnitDoubleFromBits(random.Next()) * rows), rows - 1);
      const double* m = model.good.row(r);
      for (size_t i = 0; i < d; ++i) {
        const double u = UnitDoubleFromBits(random.Next());
        const int c = num_categories_[i];
        if (c == 0) {
          const double sd = config_.bandwidth_factor * bandwidths[i];
          const double z = TruncatedNormalQuantile(u, -m[i] / sd, (1 - m[i]) / sd);
          candidate[i] = std::clamp(m[i] + sd * z, 0.0, 1.0);
        } else if (u < 1 - bandwidths[i]) {
          candidate[i] = m[i];
        } else {
          candidate[i] = std::min(std::floor(UnitDoubleFromBits(random.Next()) * c), c - 1.0);
        }
      }
      const double score = std::max(model.bad.LogPdf(candidate.data(), scratch), kLogDensityFloor) -
                           std::max(model.good.LogPdf(candidate.data(), scratch), kLogDensityFloor);
      if (!std::isfinite(score)) continue;
      if (score < best_score) {
        best_score = score;
        best = candidate;
      }
    }
    if (best.empty()) return std::nullopt;
    for (size_t i = 0; i < d; ++i) {
      if (num_categories_[i] > 0) best[i] = (best[i] + 0.5) / num_categories_[i];
    }
    return DecodeUnitPoint(space_, best);
  }

  BohbSamplerConfig config_;
  SearchSpace space_;
  RandomSampler random_;
  std::vector<int64_t> budgets_;
  std::vector<int> num_categories_;
  absl::flat_hash_map<std::string, int> index_of_;
};

bool FiniteAbove(double value, double minimum) { return std::isfinite(value) && value > minimum; }

}  // namespace

absl::Status ValidateBohbSamplerConfig(const BohbSamplerConfig& config) {
  std::vector<std::string> errors;
  if (config.top_n_percent < 1 || config.top_n_percent > 99) {
    errors.push_back(
        absl::StrCat("sampler.bohb.top_n_percent: must be 1-99, got ", config.top_n_percent));
  }
  if (config.num_samples < 1 || config.num_samples > kMaxNumSamples) {
    errors.push_back(absl::StrCat("sampler.bohb.num_samples: must be 1-", kMaxNumSamples, ", got ",
                                  config.num_samples));
  }
  if (!(config.random_fraction >= 0 && config.random_fraction <= 1)) {
    errors.push_back(absl::StrCat("sampler.bohb.random_fraction: must be between 0 and 1, got ",
                                  config.random_fraction));
  }
  if (!FiniteAbove(config.bandwidth_factor, 0)) {
    errors.push_back(
        absl::StrCat("sampler.bohb.bandwidth_factor: must be a finite number > 0, got ",
                     config.bandwidth_factor));
  }
  if (!FiniteAbove(config.min_bandwidth, 0)) {
    errors.push_back(absl::StrCat("sampler.bohb.min_bandwidth: must be a finite number > 0, got ",
                                  config.min_bandwidth));
  }
  if (config.min_points_in_model < 0) {
    errors.push_back(absl::StrCat(
        "sampler.bohb.min_points_in_model: must be >= 0 (0 means parameters + 1), got ",
        config.min_points_in_model));
  }
  if (config.min_resource < 1 || config.max_resource < config.min_resource) {
    errors.push_back(absl::StrCat(
        "sampler.bohb: needs scheduler.hyperband with 1 <= scheduler.hyperband.min_resource <= "
        "resource.max_resource (its budgets are the hyperband rungs), got min_resource ",
        config.min_resource, " and max_resource ", config.max_resource,
        "; use sampler.bohb together with scheduler.hyperband and declare resource.max_resource"));
  }
  if (config.reduction_factor < 2 || config.reduction_factor > kMaxReductionFactor) {
    errors.push_back(
        absl::StrCat("sampler.bohb: needs scheduler.hyperband.reduction_factor between 2 and ",
                     kMaxReductionFactor, ", got ", config.reduction_factor));
  }
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(errors, "; "));
}

absl::StatusOr<std::unique_ptr<Sampler>> MakeBohbSampler(const BohbSamplerConfig& config,
                                                         const SearchSpace& space) {
  RETURN_IF_ERROR(ValidateSearchSpace(space));
  RETURN_IF_ERROR(ValidateBohbSamplerConfig(config));
  return std::make_unique<BohbSampler>(config, space);
}

}  // namespace hyperd::algorithms
