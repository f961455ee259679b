// The `tpe` sampler: settings validation, random startup, exact round-trips of every parameter
// kind, conditional spaces, constant liar, determinism and a quality check against random search.
#include "algorithms/samplers/tpe/tpe_sampler.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/samplers/random_sampler.h"
#include "algorithms/space/search_space.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/algorithm_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::AsDouble;
using ::hyperd::algorithms::testing::Categorical;
using ::hyperd::algorithms::testing::Float;
using ::hyperd::algorithms::testing::Int;
using ::hyperd::algorithms::testing::IsInvalidArgumentAt;
using ::hyperd::algorithms::testing::When;
using ::testing::HasSubstr;
using Outcome = TrialObservation::Outcome;

std::unique_ptr<Sampler> MakeOrDie(const TpeSamplerConfig& config, const SearchSpace& space) {
  absl::StatusOr<std::unique_ptr<Sampler>> sampler = MakeTpeSampler(config, space);
  EXPECT_TRUE(sampler.ok()) << sampler.status();
  return sampler.ok() ? *std::move(sampler) : nullptr;
}

const ParameterValue* Find(const Assignment& a, const std::string& name) {
  for (const auto& [n, v] : a) {
    if (n == name) return &v;
  }
  return nullptr;
}

// A tiny study driver: asks, evaluates and records trials.
class Study {
 public:
  Study(const Sampler& sampler, SearchSpace space, uint64_t seed, Goal goal = Goal::kMinimize)
      : sampler_(sampler), space_(std::move(space)), seed_(seed), goal_(goal) {}

  std::vector<Assignment> Ask(int count) {
    SamplerInput input;
    input.space = &space_;
    input.goal = goal_;
    input.seed = seed_;
    input.trials = &trials_;
    input.state = state_;
    input.count = count;
    absl::StatusOr<SamplerOutput> output = sampler_.Suggest(input);
    EXPECT_TRUE(output.ok()) << output.status();
    if (!output.ok()) return {};
    EXPECT_EQ(output->suggestions.size(), static_cast<size_t>(count));
    state_ = output->state;
    status_ = output->status;
    return output->suggestions;
  }

  void Tell(Assignment parameters, Outcome outcome, std::optional<double> objective,
            std::vector<std::pair<int64_t, double>> measurements = {}) {
    TrialObservation trial;
    trial.number = static_cast<int64_t>(trials_.size());
    trial.parameters = std::move(parameters);
    trial.outcome = outcome;
    trial.objective = objective;
    trial.measurements = std::move(measurements);
    trials_.push_back(std::move(trial));
  }

  template <typename Objective>
  double Run(int n, Objective objective) {
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < n; ++i) {
      Assignment point = Ask(1).at(0);
      const double y = objective(point);
      best = std::min(best, y);
      Tell(std::move(point), Outcome::kSucceeded, y);
    }
    return best;
  }

  // n independent draws of the current model (nothing is recorded, so none is pending).
  std::vector<Assignment> Sample(int n) {
    std::vector<Assignment> points;
    for (int i = 0; i < n; ++i) points.push_back(Ask(1).at(0));
    return points;
  }

  std::vector<TrialObservation>& trials() { return trials_; }
  const std::string& status() const { return status_; }

 private:
  const Sampler& sampler_;
  SearchSpace space_;
  uint64_t seed_;
  Goal goal_;
  std::vector<TrialObservation> trials_;
  std::string state_;
  std::string status_;
};

double Branin(const Assignment& a) {
  const double x1 = AsDouble(*Find(a, "x1"));
  const double x2 = AsDouble(*Find(a, "x2"));
  const double pi = M_PI;
  const double t = x2 - 5.1 * x1 * x1 / (4 * pi * pi) + 5 * x1 / pi - 6;
  return t * t + 10 * (1 - 1 / (8 * pi)) * std::cos(x1) + 10;
}

SearchSpace BraninSpace() { return SearchSpace{{Float("x1", -5, 10), Float("x2", 0, 15)}}; }

SearchSpace MixedSpace() {
  return SearchSpace{{Float("lr", 1e-5, 1e-1, Scale::kLog),
                      Float("dropout", 0, 0.5, Scale::kLinear, 0.1), Int("layers", 1, 4),
                      Int("batch", 16, 100, Scale::kLinear, 16), Int("width", 1, 1024, Scale::kLog),
                      Float("fixed", 2.5, 2.5), Categorical("opt", {"sgd", "adam", "lamb"}),
                      When(Float("momentum", 0, 0.99), "opt", {"sgd"}),
                      When(Int("warmup", 0, 10), "opt", {"adam", "lamb"})}};
}

double MixedObjective(const Assignment& a) {
  double y = std::pow(std::log10(AsDouble(*Find(a, "lr"))) + 3, 2);
  y += AsDouble(*Find(a, "dropout")) + std::abs(AsDouble(*Find(a, "layers")) - 3);
  y += std::abs(std::log2(AsDouble(*Find(a, "width"))) - 6) / 4;
  if (const ParameterValue* m = Find(a, "momentum")) y += std::abs(AsDouble(*m) - 0.9);
  if (const ParameterValue* w = Find(a, "warmup")) y += 0.5 + AsDouble(*w) / 10;
  return y;
}

TEST(TpeSamplerConfig, DefaultsAreOptuna31s) {
  const TpeSamplerConfig config;
  EXPECT_EQ(config.n_startup_trials, 10);
  EXPECT_EQ(config.n_ei_candidates, 24);
  EXPECT_FALSE(config.multivariate);
  EXPECT_TRUE(config.constant_liar);
  EXPECT_EQ(config.prior_weight, 1.0);
  EXPECT_TRUE(ValidateTpeSamplerConfig(config).ok());
}

TEST(TpeSamplerConfig, RejectsOutOfRangeSettingsNamingEveryField) {
  TpeSamplerConfig config;
  config.n_ei_candidates = 0;
  EXPECT_THAT(ValidateTpeSamplerConfig(config),
              IsInvalidArgumentAt("sampler.tpe.n_ei_candidates", "must be 1-10000, got 0"));
  config.n_ei_candidates = 10001;
  EXPECT_THAT(ValidateTpeSamplerConfig(config),
              IsInvalidArgumentAt("sampler.tpe.n_ei_candidates", "got 10001"));
  config = TpeSamplerConfig{};
  config.n_startup_trials = 0;
  config.prior_weight = -1;
  const absl::Status status = ValidateTpeSamplerConfig(config);
  EXPECT_THAT(status, IsInvalidArgumentAt("sampler.tpe.n_startup_trials", "must be >= 1, got 0"));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("; sampler.tpe.prior_weight: must be a finite number > 0"));
  config.prior_weight = std::numeric_limits<double>::infinity();
  config.n_startup_trials = 1;
  EXPECT_THAT(ValidateTpeSamplerConfig(config),
              IsInvalidArgumentAt("sampler.tpe.prior_weight", "got inf"));
}

TEST(TpeSampler, FactoryValidatesTheSpaceFirstAndNamesItself) {
  const SearchSpace bad{{Float("x", 1, 0)}};
  EXPECT_THAT(MakeTpeSampler(TpeSamplerConfig{}, bad).status(),
              IsInvalidArgumentAt("parameters[0].double_spec.min", ""));
  std::unique_ptr<Sampler> sampler = MakeOrDie(TpeSamplerConfig{}, BraninSpace());
  EXPECT_EQ(sampler->name(), "tpe");
  EXPECT_TRUE(sampler->ReadsHistory());
  EXPECT_TRUE(sampler->ReadsMeasurements());
}

TEST(TpeSampler, StartupPointsAreTheRandomSamplersPoints) {
  const SearchSpace space = MixedSpace();
  std::unique_ptr<Sampler> tpe = MakeOrDie(TpeSamplerConfig{}, space);
  const RandomSampler random(space);
  Study study(*tpe, space, 42);
  std::vector<Assignment> points;
  for (int i = 0; i < 4; ++i) {
    for (Assignment& a : study.Ask(i == 0 ? 3 : 2)) {
      points.push_back(a);
      study.Tell(std::move(a), Outcome::kSucceeded, 1.0);
    }
  }
  ASSERT_EQ(points.size(), 9u);
  for (size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(points[i], DecodeUnitPoint(space, random.UnitPoint(42, i))) << "point " << i;
  }
  EXPECT_THAT(study.status(), HasSubstr("random startup, 7 of 10"));
}

TEST(TpeSampler, PendingAndFailedTrialsDoNotEndTheStartup) {
  const SearchSpace space = BraninSpace();
  std::unique_ptr<Sampler> tpe = MakeOrDie(TpeSamplerConfig{}, space);
  const RandomSampler random(space);
  Study study(*tpe, space, 5);
  for (Assignment& a : study.Ask(12)) study.Tell(std::move(a), Outcome::kPending, std::nullopt);
  study.Tell(study.Ask(1).at(0), Outcome::kFailed, std::nullopt);
  EXPECT_EQ(study.Ask(1).at(0), DecodeUnitPoint(space, random.UnitPoint(5, 13)));
}

class TpeModes : public ::testing::TestWithParam<bool> {
 protected:
  TpeSamplerConfig Config() const {
    TpeSamplerConfig config;
    config.multivariate = GetParam();
    return config;
  }
};

TEST_P(TpeModes, EverySuggestionOfAMixedConditionalSpaceIsValid) {
  const SearchSpace space = MixedSpace();
  std::unique_ptr<Sampler> tpe = MakeOrDie(Config(), space);
  Study study(*tpe, space, 7);
  std::set<std::string> optimisers;
  for (int round = 0; round < 30; ++round) {
    for (Assignment& a : study.Ask(round % 3 + 1)) {
      ASSERT_TRUE(ValidateAssignment(space, a).ok())
          << ValidateAssignment(space, a) << " for " << FormatAssignment(a);
      optimisers.insert(std::get<std::string>(*Find(a, "opt")));
      const double y = MixedObjective(a);
      const Outcome outcome = round % 11 == 5  ? Outcome::kFailed
                              : round % 7 == 3 ? Outcome::kPruned
                                               : Outcome::kSucceeded;
      study.Tell(std::move(a), outcome, y, {{1, y + 1}, {3, y}});
    }
  }
  EXPECT_THAT(study.status(), HasSubstr(GetParam() ? "multivariate" : "univariate"));
  EXPECT_EQ(optimisers.size(), 3u);
}

TEST_P(TpeModes, DiscreteValuesRoundTripExactlyThroughTheHistory) {
  // Suggestions fed back as pending trials parse to exactly the coordinates they were drawn at:
  // no later suggestion repeats one of them.
  const SearchSpace space{{Int("a", 1, 10), Float("s", 0, 1, Scale::kLinear, 0.1),
                           Int("w", 1, 64, Scale::kLog), Categorical("c", {"x", "y"})}};
  std::unique_ptr<Sampler> tpe = MakeOrDie(Config(), space);
  Study study(*tpe, space, 8);
  auto objective = [](const Assignment& a) {
    return std::abs(AsDouble(a[0].second) - 4) + AsDouble(a[1].second) +
           std::abs(std::log2(AsDouble(a[2].second)) - 3);
  };
  study.Run(15, objective);
  std::vector<Assignment> pending;
  for (int i = 0; i < 12; ++i) {
    Assignment a = study.Ask(1).at(0);
    ASSERT_TRUE(ValidateAssignment(space, a).ok()) << FormatAssignment(a);
    for (const Assignment& p : pending) EXPECT_NE(p, a);
    pending.push_back(a);
    study.Tell(std::move(a), Outcome::kPending, std::nullopt);
  }
}

TEST_P(TpeModes, ConditionalParametersAreModelledFromTheTrialsWhereTheyAreActive) {
  // A history spread evenly over both branches: momentum (only under sgd) is best at 0.8, beta
  // (only under adam) at 0.3, and one branch is better than the other. The children's densities
  // come from their own branch's trials, so the draws of the better branch concentrate near its
  // child's optimum; a child that borrowed coordinates from trials where it is inactive would not.
  const SearchSpace space{{Categorical("opt", {"sgd", "adam"}),
                           When(Float("momentum", 0, 1), "opt", {"sgd"}),
                           When(Float("beta", 0, 1), "opt", {"adam"})}};
  std::unique_ptr<Sampler> tpe = MakeOrDie(Config(), space);
  for (const std::string better : {"sgd", "adam"}) {
    const std::string child = better == "sgd" ? "momentum" : "beta";
    const double optimum = better == "sgd" ? 0.8 : 0.3;
    Study study(*tpe, space, 5);
    for (int i = 0; i < 40; ++i) {
      const double u = (i / 2 + 0.5) / 20;  // 20 evenly spaced values per branch
      if (i % 2 == 0) {
        study.Tell({{"opt", std::string("sgd")}, {"momentum", u}}, Outcome::kSucceeded,
                   std::abs(u - 0.8) + (better == "sgd" ? 0 : 1));
      } else {
        study.Tell({{"opt", std::string("adam")}, {"beta", u}}, Outcome::kSucceeded,
                   std::abs(u - 0.3) + (better == "adam" ? 0 : 1));
      }
    }
    int in_branch = 0;
    int near = 0;
    for (const Assignment& a : study.Sample(30)) {
      ASSERT_TRUE(ValidateAssignment(space, a).ok()) << FormatAssignment(a);
      if (const ParameterValue* value = Find(a, child)) {
        ++in_branch;
        near += std::abs(AsDouble(*value) - optimum) < 0.15 ? 1 : 0;
      }
    }
    EXPECT_GE(in_branch, 25) << better;
    EXPECT_GE(near, in_branch * 3 / 4) << better;  // uniform draws: 30%
  }
}

TEST_P(TpeModes, ConstantLiarMakesABatchOfEightDistinctPointsOnASmallGrid) {
  const SearchSpace space{{Int("x", 0, 19)}};
  std::unique_ptr<Sampler> tpe = MakeOrDie(Config(), space);
  Study study(*tpe, space, 11);
  study.Run(30, [](const Assignment& a) { return std::pow(AsDouble(a[0].second) - 7, 2); });
  const std::vector<Assignment> batch = study.Ask(8);
  std::set<int64_t> values;
  for (const Assignment& a : batch) values.insert(std::get<int64_t>(a[0].second));
  EXPECT_EQ(values.size(), 8u);
  // The batch still concentrates around the optimum.
  int close = 0;
  for (int64_t v : values) close += std::abs(v - 7) <= 5 ? 1 : 0;
  EXPECT_GE(close, 6);
}

TEST_P(TpeModes, IsDeterministicAndContinuesAcrossARestart) {
  const SearchSpace space = MixedSpace();
  std::unique_ptr<Sampler> first = MakeOrDie(Config(), space);
  std::unique_ptr<Sampler> second = MakeOrDie(Config(), space);
  Study a(*first, space, 99);
  Study b(*second, space, 99);
  a.Run(20, MixedObjective);
  b.Run(20, MixedObjective);
  EXPECT_EQ(a.trials().size(), b.trials().size());
  for (size_t i = 0; i < a.trials().size(); ++i) {
    EXPECT_EQ(a.trials()[i].parameters, b.trials()[i].parameters) << "trial " << i;
  }
  EXPECT_EQ(a.Ask(3), b.Ask(3));
  // Another seed gives another study.
  Study c(*first, space, 100);
  c.Run(20, MixedObjective);
  EXPECT_NE(a.trials()[15].parameters, c.trials()[15].parameters);
}

INSTANTIATE_TEST_SUITE_P(UnivariateAndMultivariate, TpeModes, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Multivariate" : "Univariate";
                         });

TEST(TpeSampler, BatchPointsUseDistinctStreamsAndAvoidPendingTrials) {
  const SearchSpace space{{Categorical("c", {"a", "b", "c", "d"})}};
  TpeSamplerConfig config;
  config.n_startup_trials = 4;
  std::unique_ptr<Sampler> tpe = MakeOrDie(config, space);
  Study study(*tpe, space, 1);
  study.Run(12, [](const Assignment& a) {
    return std::get<std::string>(a[0].second) == "b" ? 0.0 : 1.0;
  });
  study.Tell({{"c", std::string("b")}}, Outcome::kPending, std::nullopt);
  const std::vector<Assignment> batch = study.Ask(3);
  std::set<std::string> values;
  for (const Assignment& a : batch) values.insert(std::get<std::string>(a[0].second));
  EXPECT_EQ(values.size(), 3u);
  EXPECT_EQ(values.count("b"), 0u);
}

TEST(TpeSampler, DivergedInfeasibleAndPrunedTrialsRankBehindCompletedOnes) {
  // Trials above x = 0.7 diverge (NaN) or are infeasible, those in (0.5, 0.7] are pruned with a
  // better-looking value; the finite completed ones are best near 0.1. Ranked as TPE ranks them,
  // the good set is near 0.1 and the model leaves the region above 0.5.
  const SearchSpace space{{Float("x", 0, 1)}};
  std::unique_ptr<Sampler> tpe = MakeOrDie(TpeSamplerConfig{}, space);
  int below_half = 0;
  int near_optimum = 0;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    Study study(*tpe, space, seed);
    for (int i = 0; i < 40; ++i) {
      Assignment a = study.Ask(1).at(0);
      const double x = AsDouble(a[0].second);
      if (x > 0.7) {
        study.Tell(std::move(a), i % 2 ? Outcome::kInfeasible : Outcome::kSucceeded,
                   i % 2 ? 0.0 : std::nan(""));
      } else if (x > 0.5) {
        study.Tell(std::move(a), Outcome::kPruned, -5.0, {{1, -5.0}});
      } else {
        study.Tell(std::move(a), Outcome::kSucceeded, std::abs(x - 0.1));
      }
    }
    for (const Assignment& a : study.Sample(20)) {
      below_half += AsDouble(a[0].second) <= 0.5 ? 1 : 0;
      near_optimum += std::abs(AsDouble(a[0].second) - 0.1) < 0.15 ? 1 : 0;
    }
  }
  EXPECT_GE(below_half, 70);
  EXPECT_GE(near_optimum, 45);
}

TEST(TpeSampler, MaximisationFollowsTheLargeValues) {
  const SearchSpace space{{Float("x", 0, 1)}};
  std::unique_ptr<Sampler> tpe = MakeOrDie(TpeSamplerConfig{}, space);
  double mean = 0;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    Study study(*tpe, space, seed, Goal::kMaximize);
    study.Run(40, [](const Assignment& a) { return AsDouble(a[0].second); });
    for (const Assignment& a : study.Sample(20)) mean += AsDouble(a[0].second) / 100;
  }
  // Optuna 3.1 on the same problem: 0.68-0.95 per seed, 0.83 on average over 10 seeds.
  EXPECT_GT(mean, 0.7);
}

TEST(TpeSampler, BeatsRandomSearchOnBraninAtSixtyTrials) {
  const SearchSpace space = BraninSpace();
  constexpr double kBraninMin = 0.397887357730;
  std::unique_ptr<Sampler> tpe = MakeOrDie(TpeSamplerConfig{}, space);
  const RandomSampler random(space);
  std::vector<double> tpe_regret;
  std::vector<double> random_regret;
  for (uint64_t seed = 0; seed < 11; ++seed) {
    Study tpe_study(*tpe, space, seed);
    Study random_study(random, space, seed);
    tpe_regret.push_back(tpe_study.Run(60, Branin) - kBraninMin);
    random_regret.push_back(random_study.Run(60, Branin) - kBraninMin);
  }
  std::sort(tpe_regret.begin(), tpe_regret.end());
  std::sort(random_regret.begin(), random_regret.end());
  // Medians over 11 seeds; spec §10.1 has TPE at 0.17 and random at 0.72 for N = 50.
  EXPECT_LT(tpe_regret[5], random_regret[5]);
  EXPECT_LT(tpe_regret[5], 0.3);
}

}  // namespace
}  // namespace hyperd::algorithms
