#include "algorithms/samplers/gp/gp_sampler.h"

#include <cmath>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "algorithms/samplers/gp/gp_state.h"
#include "algorithms/samplers/sobol_sequence.h"
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
using Outcome = TrialObservation::Outcome;

constexpr double kBraninMinimum = 0.397887357729738;

double Branin(double x1, double x2) {
  const double b = 5.1 / (4 * M_PI * M_PI);
  const double c = 5 / M_PI;
  const double t = 1 / (8 * M_PI);
  const double u = x2 - b * x1 * x1 + c * x1 - 6;
  return u * u + 10 * (1 - t) * std::cos(x1) + 10;
}

SearchSpace BraninSpace() {
  SearchSpace space;
  space.parameters = {Float("x1", -5, 10), Float("x2", 0, 15)};
  return space;
}

double BraninOf(const Assignment& a) {
  return Branin(AsDouble(a[0].second), AsDouble(a[1].second));
}

std::unique_ptr<Sampler> MakeOk(const GpSamplerConfig& config, const SearchSpace& space) {
  absl::StatusOr<std::unique_ptr<Sampler>> sampler = MakeGpSampler(config, space);
  EXPECT_TRUE(sampler.ok()) << sampler.status();
  return sampler.ok() ? *std::move(sampler) : nullptr;
}

SamplerOutput SuggestOk(const Sampler& sampler, const SearchSpace& space,
                        const std::vector<TrialObservation>& trials, const std::string& state,
                        int count, uint64_t seed = 7, Goal goal = Goal::kMinimize) {
  return testing::SuggestWithHistory(sampler, space, trials, state, count, seed, goal);
}

TrialObservation Trial(int64_t number, Assignment parameters, Outcome outcome,
                       std::optional<double> objective = std::nullopt) {
  TrialObservation trial;
  trial.number = number;
  trial.parameters = std::move(parameters);
  trial.outcome = outcome;
  trial.objective = objective;
  return trial;
}

// Runs a sequential study of `evaluations` trials on `objective`, returning the trials.
template <typename Objective>
std::vector<TrialObservation> RunStudy(const Sampler& sampler, const SearchSpace& space,
                                       Objective objective, int evaluations, uint64_t seed) {
  std::vector<TrialObservation> trials;
  std::string state;
  for (int i = 0; i < evaluations; ++i) {
    SamplerOutput output = SuggestOk(sampler, space, trials, state, 1, seed);
    EXPECT_EQ(output.suggestions.size(), 1u) << output.status;
    if (output.suggestions.empty()) break;
    EXPECT_TRUE(ValidateAssignment(space, output.suggestions[0]).ok());
    state = output.state;
    const double value = objective(output.suggestions[0]);
    trials.push_back(Trial(i, output.suggestions[0], Outcome::kSucceeded, value));
  }
  return trials;
}

double BestValue(const std::vector<TrialObservation>& trials) {
  double best = std::numeric_limits<double>::infinity();
  for (const TrialObservation& t : trials) {
    if (t.objective && std::isfinite(*t.objective)) best = std::min(best, *t.objective);
  }
  return best;
}

// Random completed trials of the Branin space (a quick history for model-phase tests).
std::vector<TrialObservation> BraninHistory(int n, uint64_t seed) {
  const SobolSequence sobol(2);
  const SearchSpace space = BraninSpace();
  std::vector<TrialObservation> trials;
  for (int i = 0; i < n; ++i) {
    Assignment a = DecodeUnitPoint(space, sobol.ScrambledPoint(i, seed));
    const double value = BraninOf(a);
    trials.push_back(Trial(i, std::move(a), Outcome::kSucceeded, value));
  }
  return trials;
}

TEST(GpSamplerSettings, RejectsBadSettingsWithFieldPaths) {
  const SearchSpace space = BraninSpace();
  GpSamplerConfig config;
  config.ucb_beta = -1;
  EXPECT_THAT(MakeGpSampler(config, space).status(),
              IsInvalidArgumentAt("sampler.gp.ucb_beta", "must be finite and > 0, got -1"));
  config.ucb_beta = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(MakeGpSampler(config, space).status(),
              IsInvalidArgumentAt("sampler.gp.ucb_beta", "must be finite"));
  config = GpSamplerConfig();
  config.n_startup_trials = 0;
  EXPECT_THAT(MakeGpSampler(config, space).status(),
              IsInvalidArgumentAt("sampler.gp.n_startup_trials", "must be >= 1, got 0"));
}

TEST(GpSamplerSettings, RejectsConditionalSpaces) {
  SearchSpace space;
  space.parameters = {Categorical("opt", {"sgd", "adam"}),
                      When(Float("momentum", 0, 1), "opt", {"sgd"})};
  EXPECT_THAT(MakeGpSampler({}, space).status(),
              IsInvalidArgumentAt("sampler.gp",
                                  "conditional parameters are not supported by the GP sampler; "
                                  "use sampler.tpe"));
}

TEST(GpSamplerSettings, PassesSpaceErrorsThrough) {
  SearchSpace space;
  space.parameters = {Float("x", 1, 0)};
  EXPECT_THAT(MakeGpSampler({}, space).status(),
              IsInvalidArgumentAt("parameters[0].double_spec.min", "above max"));
}

TEST(GpSampler, NamesItselfAndReadsHistory) {
  std::unique_ptr<Sampler> sampler = MakeOk({}, BraninSpace());
  EXPECT_EQ(sampler->name(), "gp");
  EXPECT_TRUE(sampler->ReadsHistory());
}

TEST(GpSampler, StartupPointsAreTheScrambledSobolSequenceContinuedAcrossCalls) {
  const SearchSpace space = BraninSpace();
  std::unique_ptr<Sampler> sampler = MakeOk({}, space);
  const SobolSequence sobol(2);
  std::vector<TrialObservation> trials;
  SamplerOutput first = SuggestOk(*sampler, space, trials, "", 3, /*seed=*/11);
  ASSERT_EQ(first.suggestions.size(), 3u);
  EXPECT_EQ(first.status, "gp: startup 3/10 quasi-random");
  for (int i = 0; i < 3; ++i) {
    trials.push_back(Trial(i, first.suggestions[i], Outcome::kPending));
    const Assignment expected = DecodeUnitPoint(space, sobol.ScrambledPoint(i, 11));
    EXPECT_NEAR(AsDouble(first.suggestions[i][0].second), AsDouble(expected[0].second), 1e-12);
    EXPECT_NEAR(AsDouble(first.suggestions[i][1].second), AsDouble(expected[1].second), 1e-12);
  }
  // Three trials in the history: the next point is Sobol point 3.
  SamplerOutput next = SuggestOk(*sampler, space, trials, first.state, 1, 11);
  ASSERT_EQ(next.suggestions.size(), 1u);
  const Assignment expected = DecodeUnitPoint(space, sobol.ScrambledPoint(3, 11));
  EXPECT_NEAR(AsDouble(next.suggestions[0][0].second), AsDouble(expected[0].second), 1e-12);
}

TEST(GpSampler, FindsBraninOptimumWithin50Evaluations) {
  const SearchSpace space = BraninSpace();
  std::unique_ptr<Sampler> sampler = MakeOk({}, space);
  const std::vector<TrialObservation> trials = RunStudy(*sampler, space, BraninOf, 50, 1);
  ASSERT_EQ(trials.size(), 50u);
  EXPECT_LE(BestValue(trials) - kBraninMinimum, 1e-3);
}

TEST(GpSampler, UpperConfidenceBoundAlsoOptimises) {
  const SearchSpace space = BraninSpace();
  GpSamplerConfig config;
  config.acquisition = GpSamplerConfig::Acquisition::kUpperConfidenceBound;
  std::unique_ptr<Sampler> sampler = MakeOk(config, space);
  const std::vector<TrialObservation> trials = RunStudy(*sampler, space, BraninOf, 40, 2);
  EXPECT_LE(BestValue(trials) - kBraninMinimum, 0.05);
}

TEST(GpSampler, BatchSuggestionsAreDistinct) {
  const SearchSpace space = BraninSpace();
  std::unique_ptr<Sampler> sampler = MakeOk({}, space);
  const std::vector<TrialObservation> trials = BraninHistory(15, 3);
  SamplerOutput output = SuggestOk(*sampler, space, trials, "", 8);
  ASSERT_EQ(output.suggestions.size(), 8u);
  std::set<Assignment> distinct(output.suggestions.begin(), output.suggestions.end());
  EXPECT_EQ(distinct.size(), 8u);
  // Kriging believer spreads the batch: no two points within 1% of the range of each other.
  for (size_t i = 0; i < 8; ++i) {
    for (size_t j = i + 1; j < 8; ++j) {
      const double dx =
          (AsDouble(output.suggestions[i][0].second) - AsDouble(output.suggestions[j][0].second)) /
          15;
      const double dy =
          (AsDouble(output.suggestions[i][1].second) - AsDouble(output.suggestions[j][1].second)) /
          15;
      EXPECT_GT(std::hypot(dx, dy), 0.01) << i << " " << j;
    }
  }
}

TEST(GpSampler, NextSuggestionDiffersFromPendingTrials) {
  const SearchSpace space = BraninSpace();
  std::unique_ptr<Sampler> sampler = MakeOk({}, space);
  std::vector<TrialObservation> trials = BraninHistory(15, 4);
  const SamplerOutput alone = SuggestOk(*sampler, space, trials, "", 1);
  ASSERT_EQ(alone.suggestions.size(), 1u);
  // The point the model wants is now running: the next suggestion must go elsewhere.
  trials.push_back(Trial(15, alone.suggestions[0], Outcome::kPending));
  const SamplerOutput next = SuggestOk(*sampler, space, trials, alone.state, 1);
  ASSERT_EQ(next.suggestions.size(), 1u);
  EXPECT_NE(next.suggestions[0], alone.suggestions[0]);
  EXPECT_THAT(next.status, ::testing::HasSubstr("1 pending"));
}

SearchSpace MixedSpace() {
  SearchSpace space;
  space.parameters = {Float("lr", 1e-5, 1e-1, Scale::kLog),
                      Int("layers", 1, 6),
                      Int("units", 16, 1024, Scale::kLog),
                      Int("batch", 8, 512, Scale::kLinear, 8),
                      Float("dropout", 0, 0.5, Scale::kLinear, 0.05),
                      Categorical("opt", {"sgd", "adam", "rmsprop"})};
  return space;
}

double MixedObjective(const Assignment& a) {
  const double lr = std::log10(AsDouble(a[0].second));
  const double layers = AsDouble(a[1].second);
  const double units = std::log2(AsDouble(a[2].second));
  const double batch = AsDouble(a[3].second);
  const double dropout = AsDouble(a[4].second);
  const std::string& opt = std::get<std::string>(a[5].second);
  return (lr + 3) * (lr + 3) + 0.1 * (layers - 4) * (layers - 4) +
         0.05 * (units - 8) * (units - 8) + std::abs(batch - 128) / 256 +
         (dropout - 0.2) * (dropout - 0.2) + (opt == "adam" ? 0.0 : 0.5);
}

TEST(GpSampler, MixedParametersRoundTripExactly) {
  const SearchSpace space = MixedSpace();
  std::unique_ptr<Sampler> sampler = MakeOk({}, space);
  std::vector<TrialObservation> trials;
  std::string state;
  for (int i = 0; i < 16; ++i) {
    SamplerOutput output = SuggestOk(*sampler, space, trials, state, i % 3 == 0 ? 2 : 1, 5);
    ASSERT_FALSE(output.suggestions.empty());
    state = output.state;
    for (const Assignment& a : output.suggestions) {
      ASSERT_TRUE(ValidateAssignment(space, a).ok()) << FormatAssignment(a);
      ASSERT_TRUE(std::holds_alternative<int64_t>(a[1].second));
      ASSERT_TRUE(std::holds_alternative<std::string>(a[5].second));
      const int64_t number = static_cast<int64_t>(trials.size());
      trials.push_back(Trial(number, a, Outcome::kSucceeded, MixedObjective(a)));
    }
  }
  EXPECT_THAT(state, ::testing::StartsWith("gp1 "));
}

TEST(GpSampler, SameInputGivesSameOutputWithAndWithoutAWarmCache) {
  const SearchSpace space = BraninSpace();
  std::vector<TrialObservation> trials = BraninHistory(20, 6);
  std::unique_ptr<Sampler> warm = MakeOk({}, space);
  const SamplerOutput first = SuggestOk(*warm, space, trials, "", 2);
  // Nothing completed since: the training set is unchanged, so no refit, and the cached factor is
  // reused (pending trials are appended to a copy).
  trials.push_back(Trial(20, first.suggestions[0], Outcome::kPending));
  trials.push_back(Trial(21, first.suggestions[1], Outcome::kPending));
  const SamplerOutput warm_second = SuggestOk(*warm, space, trials, first.state, 3);
  EXPECT_EQ(warm_second.state, first.state);
  EXPECT_THAT(warm_second.status, ::testing::HasSubstr("last refit at n=20"));
  std::unique_ptr<Sampler> cold = MakeOk({}, space);
  const SamplerOutput cold_second = SuggestOk(*cold, space, trials, first.state, 3);
  EXPECT_EQ(cold_second.suggestions, warm_second.suggestions);
  EXPECT_EQ(cold_second.state, warm_second.state);
  // And the warm sampler repeats itself.
  EXPECT_EQ(SuggestOk(*warm, space, trials, first.state, 3).suggestions, warm_second.suggestions);
}

TEST(GpSampler, RowAppendsBetweenRefitsMatchAFreshSampler) {
  const SearchSpace space = BraninSpace();
  std::vector<TrialObservation> trials = BraninHistory(205, 7);
  std::unique_ptr<Sampler> warm = MakeOk({}, space);
  const SamplerOutput first = SuggestOk(*warm, space, trials, "", 1);
  EXPECT_THAT(first.status, ::testing::HasSubstr("refit at n=205"));
  // Three more results: 208 - 205 < 208/20, so no refit; the warm sampler appends three rows to
  // its cached factor, a fresh one factorises the 205 points and appends the same three rows.
  for (int i = 0; i < 3; ++i) {
    Assignment a = first.suggestions[0];
    a[0].second = AsDouble(a[0].second) * 0.9 + 0.1 * i;
    const double value = BraninOf(a);
    trials.push_back(Trial(205 + i, std::move(a), Outcome::kSucceeded, value));
  }
  const SamplerOutput warm_second = SuggestOk(*warm, space, trials, first.state, 2);
  EXPECT_EQ(warm_second.state, first.state);
  EXPECT_THAT(warm_second.status, ::testing::HasSubstr("last refit at n=205"));
  std::unique_ptr<Sampler> cold = MakeOk({}, space);
  const SamplerOutput cold_second = SuggestOk(*cold, space, trials, first.state, 2);
  EXPECT_EQ(cold_second.suggestions, warm_second.suggestions);
}

TEST(GpSampler, StateRoundTripsAndCorruptStateFallsBackToThePrior) {
  const SearchSpace space = BraninSpace();
  const std::vector<TrialObservation> trials = BraninHistory(12, 8);
  std::unique_ptr<Sampler> sampler = MakeOk({}, space);
  const SamplerOutput output = SuggestOk(*sampler, space, trials, "", 1);
  const std::optional<gp::GpState> state = gp::ParseGpState(output.state, 4);
  ASSERT_TRUE(state.has_value()) << output.state;
  EXPECT_EQ(state->fit_observations, 12);
  EXPECT_EQ(gp::FormatGpState(*state), output.state);
  for (const std::string corrupt :
       {"garbage", "gp1 n=12 fp=zz theta=1,2,3,4", "gp1 n=12 fp=0000000000000001 theta=1,2",
        "gp1 n=-3 fp=0000000000000001 theta=1,2,3,4",
        "gp1 n=12 fp=0000000000000001 theta=nan,0,0,0", "next_index=4"}) {
    const SamplerOutput recovered = SuggestOk(*sampler, space, trials, corrupt, 1);
    EXPECT_EQ(recovered.suggestions.size(), 1u) << corrupt;
    EXPECT_EQ(recovered.state, output.state) << corrupt;  // a fresh fit from the prior mean
  }
}

TEST(GpSampler, StatusOnlyCallChangesNothing) {
  const SearchSpace space = BraninSpace();
  const std::vector<TrialObservation> trials = BraninHistory(12, 9);
  std::unique_ptr<Sampler> sampler = MakeOk({}, space);
  const SamplerOutput output = SuggestOk(*sampler, space, trials, "", 1);
  const SamplerOutput status = SuggestOk(*sampler, space, trials, output.state, 0);
  EXPECT_TRUE(status.suggestions.empty());
  EXPECT_EQ(status.state, output.state);
  EXPECT_THAT(status.status,
              ::testing::StartsWith("gp: 12 observations; last refit at n=12; log-EI"));
  EXPECT_EQ(SuggestOk(*sampler, space, {}, "", 0).status, "gp: startup 0/10 quasi-random");
}

TEST(GpSampler, DivergedAndInfeasibleTrialsAreWorstAndFailedOnesIgnored) {
  SearchSpace space;
  space.parameters = {Float("x", 0, 1)};
  std::vector<TrialObservation> trials;
  // Left half diverged (NaN or +inf loss) or infeasible; right half a bowl at 0.8.
  for (int i = 0; i < 10; ++i) {
    const double left = 0.025 + 0.05 * i;
    const double right = 0.525 + 0.05 * i;
    if (i % 3 == 0) {
      trials.push_back(Trial(2 * i, {{"x", left}}, Outcome::kInfeasible));
    } else {
      trials.push_back(Trial(2 * i, {{"x", left}}, Outcome::kSucceeded,
                             i % 3 == 1 ? std::numeric_limits<double>::quiet_NaN()
                                        : std::numeric_limits<double>::infinity()));
    }
    trials.push_back(
        Trial(2 * i + 1, {{"x", right}}, Outcome::kSucceeded, (right - 0.8) * (right - 0.8)));
  }
  std::unique_ptr<Sampler> sampler = MakeOk({}, space);
  const SamplerOutput output = SuggestOk(*sampler, space, trials, "", 3);
  ASSERT_EQ(output.suggestions.size(), 3u);
  for (const Assignment& a : output.suggestions) EXPECT_GT(AsDouble(a[0].second), 0.5);
  EXPECT_THAT(output.status, ::testing::HasSubstr("gp: 20 observations"));

  // FAILED and PRUNED trials are not observations.
  trials.push_back(Trial(20, {{"x", 0.3}}, Outcome::kFailed));
  trials.push_back(Trial(21, {{"x", 0.35}}, Outcome::kPruned, 0.0));
  const SamplerOutput with_failed = SuggestOk(*sampler, space, trials, "", 1);
  EXPECT_THAT(with_failed.status, ::testing::HasSubstr("gp: 20 observations"));
}

TEST(GpSampler, OnlyFailedTrialsKeepTheQuasiRandomDesign) {
  const SearchSpace space = BraninSpace();
  std::vector<TrialObservation> trials;
  for (int i = 0; i < 12; ++i) {
    trials.push_back(Trial(i, {{"x1", 1.0 * i}, {"x2", 1.0}}, Outcome::kFailed));
  }
  std::unique_ptr<Sampler> sampler = MakeOk({}, space);
  const SamplerOutput output = SuggestOk(*sampler, space, trials, "", 2);
  EXPECT_EQ(output.suggestions.size(), 2u);
  EXPECT_THAT(output.status, ::testing::HasSubstr("quasi-random"));
}

TEST(GpSampler, FiniteSpaceReturnsFewerOnlyWhenEveryAssignmentIsPending) {
  SearchSpace space;
  space.parameters = {Categorical("c", {"a", "b", "c"})};
  GpSamplerConfig config;
  config.n_startup_trials = 1;
  std::unique_ptr<Sampler> sampler = MakeOk(config, space);
  std::vector<TrialObservation> trials = {
      Trial(0, {{"c", std::string("a")}}, Outcome::kSucceeded, 1.0),
      Trial(1, {{"c", std::string("b")}}, Outcome::kSucceeded, 2.0),
      Trial(2, {{"c", std::string("a")}}, Outcome::kPending)};
  const SamplerOutput two = SuggestOk(*sampler, space, trials, "", 3);
  ASSERT_EQ(two.suggestions.size(), 2u);
  EXPECT_TRUE(two.exhausted);
  std::set<Assignment> distinct(two.suggestions.begin(), two.suggestions.end());
  EXPECT_EQ(distinct.size(), 2u);
  EXPECT_EQ(distinct.count({{"c", std::string("a")}}), 0u);
  // Completed configurations may be repeated: with nothing pending, any count is served.
  trials.pop_back();
  const SamplerOutput one = SuggestOk(*sampler, space, trials, "", 1);
  EXPECT_EQ(one.suggestions.size(), 1u);
  EXPECT_FALSE(one.exhausted);
}

TEST(GpSampler, RelaxedIntegersNeverRepeatAPendingValue) {
  // 41 values (> 16): a continuous relaxation decoded by cell, so distinctness must be checked
  // after decoding.
  SearchSpace space;
  space.parameters = {Int("k", 0, 40)};
  GpSamplerConfig config;
  config.n_startup_trials = 5;
  std::unique_ptr<Sampler> sampler = MakeOk(config, space);
  std::vector<TrialObservation> trials;
  for (int i = 0; i < 8; ++i) {
    const int64_t k = (i * 13) % 41;
    trials.push_back(Trial(i, {{"k", k}}, Outcome::kSucceeded, std::abs(k - 20.0)));
  }
  for (int64_t k = 0; k < 30; ++k) {
    trials.push_back(Trial(static_cast<int64_t>(trials.size()), {{"k", k}}, Outcome::kPending));
  }
  const SamplerOutput output = SuggestOk(*sampler, space, trials, "", 12);
  // 11 values are free; the twelfth request finds the space exhausted.
  ASSERT_EQ(output.suggestions.size(), 11u);
  EXPECT_TRUE(output.exhausted);
  std::set<int64_t> values;
  for (const Assignment& a : output.suggestions) {
    ASSERT_TRUE(ValidateAssignment(space, a).ok());
    values.insert(std::get<int64_t>(a[0].second));
  }
  EXPECT_EQ(values.size(), 11u);
  EXPECT_GE(*values.begin(), 30);
}

TEST(GpSampler, ConcurrentCallsGiveTheSequentialResult) {
  const SearchSpace space = BraninSpace();
  const std::vector<TrialObservation> trials = BraninHistory(25, 13);
  std::unique_ptr<Sampler> sequential = MakeOk({}, space);
  const SamplerOutput expected = SuggestOk(*sequential, space, trials, "", 2);
  std::unique_ptr<Sampler> shared = MakeOk({}, space);
  std::vector<SamplerOutput> outputs(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { outputs[t] = SuggestOk(*shared, space, trials, "", 2); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const SamplerOutput& output : outputs) {
    EXPECT_EQ(output.suggestions, expected.suggestions);
    EXPECT_EQ(output.state, expected.state);
  }
}

TEST(GpSampler, DeterministicObjectivePinsTheNoise) {
  const SearchSpace space = BraninSpace();
  GpSamplerConfig config;
  config.deterministic_objective = true;
  std::unique_ptr<Sampler> sampler = MakeOk(config, space);
  const SamplerOutput output = SuggestOk(*sampler, space, BraninHistory(15, 10), "", 1);
  const std::optional<gp::GpState> state = gp::ParseGpState(output.state, 4);
  ASSERT_TRUE(state.has_value());
  EXPECT_DOUBLE_EQ(state->theta[3], std::log(1e-6));
  EXPECT_THAT(output.status, ::testing::HasSubstr("noise 1e-06"));
}

TEST(GpSampler, LargeStudiesUseASubsetAndSaySo) {
  const SearchSpace space = BraninSpace();
  const std::vector<TrialObservation> trials = BraninHistory(1100, 12);
  std::unique_ptr<Sampler> sampler = MakeOk({}, space);
  const SamplerOutput output = SuggestOk(*sampler, space, trials, "", 1);
  ASSERT_EQ(output.suggestions.size(), 1u);
  EXPECT_THAT(output.status,
              ::testing::StartsWith("gp: 1100 observations, model on a subset of 1000, "
                                    "hyperparameters fitted on 256; refit at n=1100"));
}

}  // namespace
}  // namespace hyperd::algorithms
