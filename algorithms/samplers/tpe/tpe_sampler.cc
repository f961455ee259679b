#include "algorithms/samplers/tpe/tpe_sampler.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "algorithms/samplers/random_bits.h"
#include "algorithms/samplers/random_sampler.h"
#include "algorithms/samplers/sampler_state.h"
#include "algorithms/samplers/tpe/parzen_dimension.h"
#include "algorithms/samplers/tpe/parzen_estimator.h"
#include "algorithms/samplers/tpe/tpe_ranking.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxEiCandidates = 10000;
// Redraws of a point that duplicates a pending trial or an earlier point of the batch.
constexpr int kMaxRedraws = 8;
// Separates the model's streams from the random sampler's (which uses MixSeed(seed, i) directly).
constexpr uint64_t kModelStreamTag = 0x5450452d4d4f444cULL;  // "TPE-MODL"

// A redraw of a duplicated point: `parameter` (-1: none) must move off `avoid` if any candidate
// allows it.
struct Redraw {
  int parameter = -1;
  double avoid = 0;
};

// The history in the estimators' coordinates: one row of internal values per ranked trial
// (NaN = inactive), in chronological order.
struct History {
  size_t num_parameters = 0;
  std::vector<double> values;
  std::vector<TpeRankKey> keys;
  // Per parameter, the rows where it is active in increasing order of its value, ties by row:
  // each parameter's history is sorted once per suggestion and filtered per estimator.
  std::vector<std::vector<int>> orders;
  // Rows of the pending trials (whether or not constant liar ranks them), for duplicate checks.
  std::vector<double> pending_values;

  size_t rows() const { return keys.size(); }
  const double* row(size_t r) const { return values.data() + r * num_parameters; }
  double value(size_t r, size_t p) const { return values[r * num_parameters + p]; }

  void SortOrders() {
    orders.assign(num_parameters, {});
    std::vector<std::pair<double, int>> pairs;
    for (size_t p = 0; p < num_parameters; ++p) {
      pairs.clear();
      for (size_t r = 0; r < rows(); ++r) {
        const double v = value(r, p);
        if (!std::isnan(v)) pairs.emplace_back(v, static_cast<int>(r));
      }
      std::sort(pairs.begin(), pairs.end());
      orders[p].reserve(pairs.size());
      for (const auto& pair : pairs) orders[p].push_back(pair.second);
    }
  }

  // Appends a row (the newest) and places it in the orders.
  void Append(const std::vector<double>& row, TpeRankKey key) {
    const int r = static_cast<int>(rows());
    values.insert(values.end(), row.begin(), row.end());
    keys.push_back(key);
    for (size_t p = 0; p < num_parameters; ++p) {
      const double v = row[p];
      if (std::isnan(v)) continue;
      std::vector<int>& order = orders[p];
      // After every equal value: the new row has the largest index.
      const auto at = std::upper_bound(order.begin(), order.end(), v, [&](double x, int other) {
        return x < value(static_cast<size_t>(other), p);
      });
      order.insert(at, r);
    }
  }
};

bool SameRow(const double* a, const double* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const bool a_nan = std::isnan(a[i]);
    if (a_nan != std::isnan(b[i]) || (!a_nan && a[i] != b[i])) return false;
  }
  return true;
}

class TpeSampler : public Sampler {
 public:
  TpeSampler(const TpeSamplerConfig& config, SearchSpace space)
      : config_(config), space_(std::move(space)), random_(space_) {
    const size_t d = space_.parameters.size();
    dims_.resize(d);
    fixed_.resize(d);
    for (size_t i = 0; i < d; ++i) {
      const ParameterConfig& parameter = space_.parameters[i];
      index_of_.emplace(parameter.name, static_cast<int>(i));
      fixed_[i] = IsFixedParameter(parameter);
      if (!fixed_[i]) dims_[i] = DimensionOf(parameter);
    }
  }

  absl::string_view name() const override { return "tpe"; }
  bool ReadsHistory() const override { return true; }
  bool ReadsMeasurements() const override { return true; }

  absl::StatusOr<SamplerOutput> Suggest(const SamplerInput& input) const override {
    if (input.count < 0) {
      return absl::InvalidArgumentError(absl::StrCat("count: must be >= 0, got ", input.count));
    }
    ASSIGN_OR_RETURN(uint64_t next_index, ParseNextIndexState(input.state));
    History history = Parse(input);
    const TpeSplit split = SplitTrials(history.keys);

    SamplerOutput output;
    if (split.num_finished < config_.n_startup_trials) {
      for (int k = 0; k < input.count; ++k, ++next_index) {
        output.suggestions.push_back(
            DecodeUnitPoint(space_, random_.UnitPoint(input.seed, next_index)));
      }
      output.state = FormatNextIndexState(next_index);
      output.status = absl::StrCat("tpe: random startup, ", split.num_finished, " of ",
                                   config_.n_startup_trials, " finished trials");
      return output;
    }

    const std::vector<std::vector<int>> groups = Groups(history);
    history.SortOrders();
    std::vector<int> above = split.above;
    std::vector<double> row(space_.parameters.size());
    for (int k = 0; k < input.count; ++k, ++next_index) {
      Assignment point = DrawDistinctPoint(history, split.below, above, groups,
                                           MixSeed(input.seed, next_index), row);
      output.suggestions.push_back(std::move(point));
      // Later points of the batch see this one as pending.
      history.pending_values.insert(history.pending_values.end(), row.begin(), row.end());
      if (config_.constant_liar) {
        above.push_back(static_cast<int>(history.rows()));
        history.Append(row, TpeRankKey{3, 0, 0});
      }
    }
    output.state = FormatNextIndexState(next_index);
    const size_t pending =
        split.above.size() + split.below.size() - static_cast<size_t>(split.num_finished);
    output.status =
        absl::StrCat("tpe: ", config_.multivariate ? "multivariate" : "univariate", " model of ",
                     split.num_finished, " finished trials (", split.below.size(), " good, ",
                     split.num_finished - static_cast<int>(split.below.size()), " bad",
                     config_.constant_liar ? absl::StrCat(", ", pending, " pending as bad") : "",
                     "), ", next_index, " points handed out");
    return output;
  }

 private:
  // SamplePoint, redrawn while the point duplicates a pending one (see the header).
  Assignment DrawDistinctPoint(const History& history, const std::vector<int>& below,
                               const std::vector<int>& above,
                               const std::vector<std::vector<int>>& groups, uint64_t point_seed,
                               std::vector<double>& row) const {
    Assignment point;
    Redraw redraw;
    for (int attempt = 0; attempt <= kMaxRedraws; ++attempt) {
      const uint64_t seed = MixSeed(point_seed, kModelStreamTag + static_cast<uint64_t>(attempt));
      point = SamplePoint(history, below, above, groups, seed, redraw, row);
      if (!IsDuplicate(history, row)) break;
      // Force the next active parameter (in turn) off the duplicated value.
      std::vector<int> active;
      for (size_t i = 0; i < row.size(); ++i) {
        if (!fixed_[i] && !std::isnan(row[i])) active.push_back(static_cast<int>(i));
      }
      if (active.empty()) break;
      redraw.parameter = active[static_cast<size_t>(attempt) % active.size()];
      redraw.avoid = row[static_cast<size_t>(redraw.parameter)];
    }
    return point;
  }

  History Parse(const SamplerInput& input) const {
    History history;
    const size_t d = space_.parameters.size();
    history.num_parameters = d;
    if (input.trials == nullptr) return history;
    std::vector<double> row(d);
    for (const TrialObservation& trial : *input.trials) {
      const std::optional<TpeRankKey> key = TpeRankKeyOf(trial, input.goal, config_.constant_liar);
      const bool pending = trial.outcome == TrialObservation::Outcome::kPending;
      if (!key.has_value() && !pending) continue;
      FillRow(trial.parameters, row);
      if (pending)
        history.pending_values.insert(history.pending_values.end(), row.begin(), row.end());
      if (!key.has_value()) continue;
      history.keys.push_back(*key);
      history.values.insert(history.values.end(), row.begin(), row.end());
    }
    return history;
  }

  // Internal coordinates of an assignment, NaN for parameters it does not hold.
  void FillRow(const Assignment& assignment, std::vector<double>& row) const {
    std::fill(row.begin(), row.end(), kNaN);
    size_t next = 0;  // assignments usually list parameters in space order: try that first
    for (const auto& [name, value] : assignment) {
      int index;
      if (next < space_.parameters.size() && space_.parameters[next].name == name) {
        index = static_cast<int>(next);
      } else {
        const auto it = index_of_.find(name);
        if (it == index_of_.end()) continue;
        index = it->second;
      }
      next = static_cast<size_t>(index) + 1;
      row[index] = ToInternal(space_.parameters[index], value);
    }
  }

  // The modelled parameters' groups in space order: singletons (univariate), or the parameters
  // active in exactly the same finished trials (multivariate).
  std::vector<std::vector<int>> Groups(const History& history) const {
    std::vector<std::vector<int>> groups;
    const size_t d = space_.parameters.size();
    if (!config_.multivariate) {
      for (size_t i = 0; i < d; ++i) {
        if (!fixed_[i]) groups.push_back({static_cast<int>(i)});
      }
      return groups;
    }
    std::vector<int> finished;
    for (size_t r = 0; r < history.rows(); ++r) {
      if (history.keys[r].group < 3) finished.push_back(static_cast<int>(r));
    }
    const size_t words = (finished.size() + 63) / 64;
    std::vector<std::vector<uint64_t>> signatures(d, std::vector<uint64_t>(words, 0));
    for (size_t j = 0; j < finished.size(); ++j) {
      const double* values = history.row(static_cast<size_t>(finished[j]));
      for (size_t i = 0; i < d; ++i) {
        if (!std::isnan(values[i])) signatures[i][j / 64] |= uint64_t{1} << (j % 64);
      }
    }
    for (size_t i = 0; i < d; ++i) {
      if (fixed_[i]) continue;
      auto same = std::find_if(groups.begin(), groups.end(), [&](const std::vector<int>& g) {
        return signatures[g.front()] == signatures[i];
      });
      if (same == groups.end()) {
        groups.push_back({static_cast<int>(i)});
      } else {
        same->push_back(static_cast<int>(i));
      }
    }
    return groups;
  }

  // One point: every active parameter in space order, each group drawn when its first active
  // member is reached. `row` receives the point's internal coordinates (as ToInternal gives them
  // for the decoded values, so it compares exactly with parsed rows).
  Assignment SamplePoint(const History& history, const std::vector<int>& below,
                         const std::vector<int>& above, const std::vector<std::vector<int>>& groups,
                         uint64_t point_seed, const Redraw& redraw,
                         std::vector<double>& row) const {
    const size_t d = space_.parameters.size();
    std::vector<int> group_of(d, -1);
    for (size_t g = 0; g < groups.size(); ++g) {
      for (int i : groups[g]) group_of[i] = static_cast<int>(g);
    }
    std::vector<double> drawn(d, kNaN);
    std::vector<char> sampled(groups.size(), 0);
    std::fill(row.begin(), row.end(), kNaN);
    Assignment assignment;
    for (size_t i = 0; i < d; ++i) {
      if (!IsActive(space_, i, assignment)) continue;
      const ParameterConfig& parameter = space_.parameters[i];
      ParameterValue value;
      if (fixed_[i]) {
        value = std::get<DoubleParameter>(parameter.kind).min;
      } else {
        const int g = group_of[i];
        if (!sampled[g]) {
          SampleGroup(history, below, above, groups[g], MixSeed(point_seed, groups[g].front()),
                      redraw, drawn);
          sampled[g] = 1;
        }
        value = FromInternal(parameter, drawn[i]);
      }
      row[i] = ToInternal(parameter, value);
      assignment.emplace_back(parameter.name, std::move(value));
    }
    return assignment;
  }

  // Draws n_ei_candidates points of `members` from the good estimator and writes the one with
  // the largest log l - log g into drawn[member] (the best one that moves redraw.parameter off
  // redraw.avoid, when it is a member and some candidate does).
  void SampleGroup(const History& history, const std::vector<int>& below,
                   const std::vector<int>& above, const std::vector<int>& members, uint64_t seed,
                   const Redraw& redraw, std::vector<double>& drawn) const {
    std::vector<ParzenDimension> dims;
    dims.reserve(members.size());
    for (int i : members) dims.push_back(dims_[i]);
    ParzenOptions options;
    options.prior_weight = config_.prior_weight;
    options.sigma_normalised = config_.multivariate;  // see parzen_estimator.h
    const Subset good_set = Select(history, below, members);
    const Subset bad_set = Select(history, above, members);
    const ParzenEstimator good(dims, good_set.observations, options, &good_set.orders);
    const ParzenEstimator bad(std::move(dims), bad_set.observations, options, &bad_set.orders);
    const auto forced_it = std::find(members.begin(), members.end(), redraw.parameter);
    const int forced =
        forced_it == members.end() ? -1 : static_cast<int>(forced_it - members.begin());

    SplitMix64 random(seed);
    const size_t m = members.size();
    std::vector<double> candidate(m);
    std::vector<double> best(m);
    std::vector<double> best_moved(m);
    std::vector<double> scratch;
    constexpr double kNone = -std::numeric_limits<double>::infinity();
    double best_score = kNone;
    double best_moved_score = kNone;
    bool moved = false;
    for (int c = 0; c < config_.n_ei_candidates; ++c) {
      good.Sample(random, candidate.data());
      const double score =
          good.LogPdf(candidate.data(), scratch) - bad.LogPdf(candidate.data(), scratch);
      if (c == 0 || score > best_score) {
        best_score = score;
        best = candidate;
      }
      if (forced >= 0 && candidate[forced] != redraw.avoid &&
          (!moved || score > best_moved_score)) {
        moved = true;
        best_moved_score = score;
        best_moved = candidate;
      }
    }
    const std::vector<double>& chosen = moved ? best_moved : best;
    for (size_t j = 0; j < m; ++j) drawn[members[j]] = chosen[j];
  }

  // The observations of one estimator: the `rows` in which all members are active.
  struct Subset {
    std::vector<double> observations;      // the members' coordinates, row-major, oldest first
    std::vector<std::vector<int>> orders;  // per member, observation indices by value
  };

  static Subset Select(const History& history, const std::vector<int>& rows,
                       const std::vector<int>& members) {
    Subset subset;
    subset.observations.reserve(rows.size() * members.size());
    std::vector<int> position(history.rows(), -1);
    int next = 0;
    for (int r : rows) {
      const double* values = history.row(static_cast<size_t>(r));
      const bool active = std::all_of(members.begin(), members.end(),
                                      [values](int i) { return !std::isnan(values[i]); });
      if (!active) continue;
      position[r] = next++;
      for (int i : members) subset.observations.push_back(values[i]);
    }
    subset.orders.resize(members.size());
    for (size_t j = 0; j < members.size(); ++j) {
      std::vector<int>& order = subset.orders[j];
      order.reserve(static_cast<size_t>(next));
      for (int r : history.orders[members[j]]) {
        if (position[r] >= 0) order.push_back(position[r]);
      }
    }
    return subset;
  }

  bool IsDuplicate(const History& history, const std::vector<double>& row) const {
    const size_t d = row.size();
    if (d == 0) return false;
    for (size_t start = 0; start < history.pending_values.size(); start += d) {
      if (SameRow(history.pending_values.data() + start, row.data(), d)) return true;
    }
    return false;
  }

  TpeSamplerConfig config_;
  SearchSpace space_;
  RandomSampler random_;
  std::vector<ParzenDimension> dims_;
  std::vector<bool> fixed_;
  absl::flat_hash_map<std::string, int> index_of_;
};

}  // namespace

absl::Status ValidateTpeSamplerConfig(const TpeSamplerConfig& config) {
  std::vector<std::string> errors;
  if (config.n_startup_trials < 1) {
    errors.push_back(absl::StrCat("sampler.tpe.n_startup_trials: must be >= 1, got ",
                                  config.n_startup_trials,
                                  " (random trials before the model is used)"));
  }
  if (config.n_ei_candidates < 1 || config.n_ei_candidates > kMaxEiCandidates) {
    errors.push_back(absl::StrCat("sampler.tpe.n_ei_candidates: must be 1-", kMaxEiCandidates,
                                  ", got ", config.n_ei_candidates));
  }
  if (!(config.prior_weight > 0) || !std::isfinite(config.prior_weight)) {
    errors.push_back(absl::StrCat("sampler.tpe.prior_weight: must be a finite number > 0, got ",
                                  config.prior_weight));
  }
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(errors, "; "));
}

absl::StatusOr<std::unique_ptr<Sampler>> MakeTpeSampler(const TpeSamplerConfig& config,
                                                        const SearchSpace& space) {
  RETURN_IF_ERROR(ValidateSearchSpace(space));
  RETURN_IF_ERROR(ValidateTpeSamplerConfig(config));
  return std::make_unique<TpeSampler>(config, space);
}

}  // namespace hyperd::algorithms
