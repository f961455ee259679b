// The `bohb` sampler: settings validation, the largest budget with a model wins, random points are
// the random sampler's, suggestions round-trip on mixed conditional spaces, determinism, and the
// model's draws follow the good region.
#include "algorithms/samplers/bohb/bohb_sampler.h"

#include <cmath>
#include <cstdint>
#include <memory>
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

BohbSamplerConfig Config81() {
  BohbSamplerConfig config;
  config.min_resource = 1;
  config.max_resource = 81;
  config.reduction_factor = 3;
  return config;
}

std::unique_ptr<Sampler> MakeOrDie(const BohbSamplerConfig& config, const SearchSpace& space) {
  absl::StatusOr<std::unique_ptr<Sampler>> sampler = MakeBohbSampler(config, space);
  EXPECT_TRUE(sampler.ok()) << sampler.status();
  return sampler.ok() ? *std::move(sampler) : nullptr;
}

struct Result {
  std::vector<Assignment> suggestions;
  std::string state;
  std::string status;
};

Result Ask(const Sampler& sampler, const SearchSpace& space,
           const std::vector<TrialObservation>& trials, uint64_t seed, int count,
           const std::string& state = "") {
  SamplerOutput output = testing::SuggestWithHistory(sampler, space, trials, state, count, seed);
  return {output.suggestions, output.state, output.status};
}

// A trial at x with loss (x - 0.3)^2 + 1/step reported at `steps`; SUCCEEDED when it reaches 81.
TrialObservation Trial(int64_t number, double x, std::vector<int64_t> steps) {
  TrialObservation t;
  t.number = number;
  t.parameters = {{"x", x}};
  for (int64_t step : steps) t.measurements.emplace_back(step, std::pow(x - 0.3, 2) + 1.0 / step);
  const bool finished = !steps.empty() && steps.back() >= 81;
  t.outcome = finished ? Outcome::kSucceeded : Outcome::kPruned;
  if (finished) t.objective = t.measurements.back().second;
  return t;
}

TEST(BohbSamplerConfig, DefaultsAreHpBandSters) {
  const BohbSamplerConfig config;
  EXPECT_EQ(config.top_n_percent, 15);
  EXPECT_EQ(config.num_samples, 64);
  EXPECT_DOUBLE_EQ(config.random_fraction, 1.0 / 3);
  EXPECT_EQ(config.bandwidth_factor, 3);
  EXPECT_EQ(config.min_bandwidth, 1e-3);
  EXPECT_EQ(config.min_points_in_model, 0);
  EXPECT_TRUE(ValidateBohbSamplerConfig(Config81()).ok());
}

TEST(BohbSamplerConfig, RejectsOutOfRangeSettingsNamingEveryField) {
  BohbSamplerConfig config = Config81();
  config.top_n_percent = 0;
  EXPECT_THAT(ValidateBohbSamplerConfig(config),
              IsInvalidArgumentAt("sampler.bohb.top_n_percent", "must be 1-99, got 0"));
  config = Config81();
  config.num_samples = 0;
  config.random_fraction = 1.5;
  config.bandwidth_factor = 0;
  config.min_bandwidth = std::nan("");
  config.min_points_in_model = -1;
  const absl::Status status = ValidateBohbSamplerConfig(config);
  EXPECT_THAT(status, IsInvalidArgumentAt("sampler.bohb.num_samples", "must be 1-10000, got 0"));
  for (const char* fragment :
       {"; sampler.bohb.random_fraction: must be between 0 and 1, got 1.5",
        "; sampler.bohb.bandwidth_factor: must be a finite number > 0, got 0",
        "; sampler.bohb.min_bandwidth: must be a finite number > 0, got nan",
        "; sampler.bohb.min_points_in_model: must be >= 0"}) {
    EXPECT_THAT(std::string(status.message()), HasSubstr(fragment));
  }
  config = Config81();
  config.max_resource = 0;  // no scheduler.hyperband
  EXPECT_THAT(ValidateBohbSamplerConfig(config),
              IsInvalidArgumentAt("sampler.bohb", "needs scheduler.hyperband"));
  EXPECT_THAT(std::string(ValidateBohbSamplerConfig(config).message()),
              HasSubstr("got min_resource 1 and max_resource 0"));
  config = Config81();
  config.min_resource = 0;
  config.reduction_factor = 1;
  const std::string message(ValidateBohbSamplerConfig(config).message());
  EXPECT_THAT(message, HasSubstr("got min_resource 0 and max_resource 81"));
  EXPECT_THAT(message, HasSubstr("; sampler.bohb: needs scheduler.hyperband.reduction_factor "
                                 "between 2 and 100, got 1"));
}

TEST(BohbSampler, FactoryValidatesTheSpaceFirstAndNamesItself) {
  EXPECT_THAT(MakeBohbSampler(Config81(), SearchSpace{{Float("x", 1, 0)}}).status(),
              IsInvalidArgumentAt("parameters[0].double_spec.min", ""));
  std::unique_ptr<Sampler> sampler = MakeOrDie(Config81(), SearchSpace{{Float("x", 0, 1)}});
  EXPECT_EQ(sampler->name(), "bohb");
  EXPECT_TRUE(sampler->ReadsHistory());
  EXPECT_TRUE(sampler->ReadsMeasurements());
}

TEST(BohbSampler, WithoutAModelSuggestsTheRandomSamplersPoints) {
  const SearchSpace space{{Float("x", 0, 1), Int("n", 1, 5)}};
  std::unique_ptr<Sampler> bohb = MakeOrDie(Config81(), space);
  const RandomSampler random(space);
  std::vector<TrialObservation> trials;
  for (int i = 0; i < 5; ++i) trials.push_back(Trial(i, 0.1 * i, {1, 3}));  // 5 < 2(d + 1) = 6
  const Result result = Ask(*bohb, space, trials, 3, 4, "next_index=5");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(result.suggestions[i], DecodeUnitPoint(space, random.UnitPoint(3, 5 + i)));
  }
  EXPECT_EQ(result.state, "next_index=9");
  EXPECT_THAT(result.status, HasSubstr("random until a budget has 6 observations"));
}

TEST(BohbSampler, TheLargestBudgetWithAModelWins) {
  const SearchSpace space{{Float("x", 0, 1)}};
  BohbSamplerConfig config = Config81();
  config.random_fraction = 0;
  std::unique_ptr<Sampler> bohb = MakeOrDie(config, space);
  std::vector<TrialObservation> trials;
  // Budget 1: 10 observations, budget 3: 4 (d = 1 needs 4), budget 9: 3, budget 81: 0.
  for (int i = 0; i < 10; ++i) {
    std::vector<int64_t> steps = {1};
    if (i < 4) steps.push_back(3);
    if (i < 3) steps.push_back(9);
    trials.push_back(Trial(i, (i + 0.5) / 10, steps));
  }
  EXPECT_THAT(Ask(*bohb, space, trials, 1, 1).status, HasSubstr("model at budget 3 (4 obs"));
  // Zero points (how the server recomputes the status at load) report the model alone.
  const Result none = Ask(*bohb, space, trials, 1, 0, "next_index=10");
  EXPECT_TRUE(none.suggestions.empty());
  EXPECT_EQ(none.state, "next_index=10");
  EXPECT_EQ(none.status,
            "bohb: model at budget 3 (4 observations: 2 good, 2 bad), 10 points handed out");
  trials[3].measurements.emplace_back(9, 0.5);  // budget 9 now has 4
  EXPECT_THAT(Ask(*bohb, space, trials, 1, 1).status, HasSubstr("model at budget 9 (4 obs"));
  for (int i = 0; i < 4; ++i) trials.push_back(Trial(10 + i, 0.3 + 0.01 * i, {1, 3, 9, 27, 81}));
  const Result result = Ask(*bohb, space, trials, 1, 3);
  EXPECT_THAT(result.status,
              HasSubstr("model at budget 81 (4 observations: 2 good, 2 bad), 3 of 3 suggestions "
                        "from the model"));
}

TEST(BohbSampler, RandomFractionOneIsPureRandomSearch) {
  const SearchSpace space{{Float("x", 0, 1)}};
  BohbSamplerConfig config = Config81();
  config.random_fraction = 1;
  std::unique_ptr<Sampler> bohb = MakeOrDie(config, space);
  const RandomSampler random(space);
  std::vector<TrialObservation> trials;
  for (int i = 0; i < 30; ++i) trials.push_back(Trial(i, (i + 0.5) / 30, {1, 3, 9, 27, 81}));
  const Result result = Ask(*bohb, space, trials, 9, 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(result.suggestions[i], DecodeUnitPoint(space, random.UnitPoint(9, i)));
  }
  EXPECT_THAT(result.status, HasSubstr("0 of 5 suggestions from the model"));
}

TEST(BohbSampler, ModelDrawsConcentrateWhereTheGoodRowsAre) {
  const SearchSpace space{{Float("x", 0, 1)}};
  BohbSamplerConfig config = Config81();
  config.random_fraction = 0;
  std::unique_ptr<Sampler> bohb = MakeOrDie(config, space);
  std::vector<TrialObservation> trials;
  for (int i = 0; i < 40; ++i) trials.push_back(Trial(i, (i + 0.5) / 40, {1, 3, 9}));
  const Result result = Ask(*bohb, space, trials, 4, 40);
  int near = 0;
  for (const Assignment& a : result.suggestions)
    near += std::abs(AsDouble(a[0].second) - 0.3) < 0.1;
  EXPECT_GE(near, 30);  // uniform: 8 of 40
  // Distinct streams per point: the batch does not repeat itself.
  for (size_t i = 1; i < result.suggestions.size(); ++i) {
    EXPECT_NE(result.suggestions[i], result.suggestions[i - 1]);
  }
}

SearchSpace MixedSpace() {
  return SearchSpace{{Float("lr", 1e-5, 1e-1, Scale::kLog),
                      Float("dropout", 0, 0.5, Scale::kLinear, 0.1), Int("layers", 1, 4),
                      Int("width", 1, 1024, Scale::kLog), Float("fixed", 2, 2),
                      Categorical("opt", {"sgd", "adam", "lamb"}),
                      When(Float("momentum", 0, 0.99), "opt", {"sgd"}),
                      When(Int("warmup", 0, 10, Scale::kLinear, 2), "opt", {"adam"})}};
}

TEST(BohbSampler, SuggestionsOfAMixedConditionalSpaceAreValidAndDeterministic) {
  const SearchSpace space = MixedSpace();
  BohbSamplerConfig config = Config81();
  std::unique_ptr<Sampler> first = MakeOrDie(config, space);
  std::unique_ptr<Sampler> second = MakeOrDie(config, space);
  std::vector<TrialObservation> trials;
  std::string state;
  int model_points = 0;
  for (int round = 0; round < 12; ++round) {
    const Result a = Ask(*first, space, trials, 5, 4, state);
    const Result b = Ask(*second, space, trials, 5, 4, state);
    EXPECT_EQ(a.suggestions, b.suggestions);
    EXPECT_EQ(a.status, b.status);
    if (a.status.find("model at budget") != std::string::npos) {
      model_points += std::stoi(a.status.substr(a.status.find("), ") + 3));
    }
    state = a.state;
    for (const Assignment& s : a.suggestions) {
      ASSERT_TRUE(ValidateAssignment(space, s).ok())
          << ValidateAssignment(space, s) << " for " << FormatAssignment(s);
      TrialObservation t;
      t.number = static_cast<int64_t>(trials.size());
      t.parameters = s;
      const double loss =
          std::pow(std::log10(AsDouble(s[0].second)) + 3, 2) + AsDouble(s[1].second);
      const int64_t last = trials.size() % 3 == 0 ? 81 : (trials.size() % 3 == 1 ? 9 : 3);
      for (int64_t step = 1; step <= last; step *= 3)
        t.measurements.emplace_back(step, loss + 1.0 / step);
      t.outcome = last == 81 ? Outcome::kSucceeded : Outcome::kPruned;
      if (last == 81) t.objective = loss;
      trials.push_back(std::move(t));
    }
  }
  EXPECT_GT(model_points, 10);
}

TEST(BohbSampler, MaximisationModelsTheLargeValues) {
  const SearchSpace space{{Float("x", 0, 1)}};
  BohbSamplerConfig config = Config81();
  config.random_fraction = 0;
  std::unique_ptr<Sampler> bohb = MakeOrDie(config, space);
  std::vector<TrialObservation> trials;
  for (int i = 0; i < 40; ++i) {
    TrialObservation t;
    t.number = i;
    const double x = (i + 0.5) / 40;
    t.parameters = {{"x", x}};
    t.outcome = Outcome::kSucceeded;
    t.objective = x;
    trials.push_back(t);
  }
  SamplerInput input;
  input.space = &space;
  input.goal = Goal::kMaximize;
  input.trials = &trials;
  input.count = 20;
  const absl::StatusOr<SamplerOutput> output = bohb->Suggest(input);
  ASSERT_TRUE(output.ok()) << output.status();
  double mean = 0;
  for (const Assignment& a : output->suggestions) mean += AsDouble(a[0].second) / 20;
  EXPECT_GT(mean, 0.8);
}

}  // namespace
}  // namespace hyperd::algorithms
