#include "algorithms/schedules/refinement/hypergradient_lr.h"

#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

using ::testing::HasSubstr;

HypergradientLr Make(double initial_lr, double beta, double min_lr, double max_lr) {
  absl::StatusOr<HypergradientLr> rule = HypergradientLr::Create(initial_lr, beta, min_lr, max_lr);
  EXPECT_TRUE(rule.ok()) << rule.status();
  return rule.ok() ? *rule : *HypergradientLr::Create(1.0, 1.0, 0.0, 1.0);
}

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

// Spec §5 SGD-HD vector: α₀ = 0.1, β = 0.01, g = [1,0], [1,1], [−1,0], no momentum (u = g), u₋₁ = 0
// → h = 0, 1, −1 → α = 0.1, 0.11, 0.10.
TEST(HypergradientLr, FollowsTheSpecVector) {
  HypergradientLr rule = Make(0.1, 0.01, 0.0, 1.0);
  const std::vector<std::vector<double>> gradients = {{1, 0}, {1, 1}, {-1, 0}};
  const std::vector<double> expected_h = {0.0, 1.0, -1.0};
  const std::vector<double> expected_lr = {0.1, 0.11, 0.10};
  std::vector<double> previous = {0, 0};
  for (size_t t = 0; t < gradients.size(); ++t) {
    const double h = Dot(gradients[t], previous);
    EXPECT_EQ(h, expected_h[t]) << t;
    EXPECT_NEAR(rule.Update(h), expected_lr[t], 1e-15) << t;
    EXPECT_NEAR(rule.lr(), expected_lr[t], 1e-15) << t;
    previous = gradients[t];
  }
  EXPECT_EQ(rule.skipped_updates(), 0);
}

TEST(HypergradientLr, ClampsToTheBoundsInsteadOfGoingNegative) {
  HypergradientLr rule = Make(0.1, 0.01, 0.05, 0.2);
  EXPECT_EQ(rule.Update(-100.0), 0.05);  // the published rule would give −0.9
  EXPECT_EQ(rule.Update(100.0), 0.2);
  EXPECT_EQ(rule.Update(std::numeric_limits<double>::max()), 0.2);  // β·h overflows to +inf
  EXPECT_EQ(rule.Update(-std::numeric_limits<double>::max()), 0.05);
  HypergradientLr no_floor = Make(0.01, 1.0, 0.0, 1.0);
  EXPECT_EQ(no_floor.Update(-1.0), 0.0);
  EXPECT_EQ(no_floor.Update(0.5), 0.5);  // and recovers from the bound
}

TEST(HypergradientLr, SkipsNonFiniteHypergradientsAndCountsThem) {
  HypergradientLr rule = Make(0.1, 0.01, 0.0, 1.0);
  EXPECT_EQ(rule.Update(std::numeric_limits<double>::quiet_NaN()), 0.1);
  EXPECT_EQ(rule.Update(std::numeric_limits<double>::infinity()), 0.1);
  EXPECT_EQ(rule.Update(-std::numeric_limits<double>::infinity()), 0.1);
  EXPECT_EQ(rule.skipped_updates(), 3);
  EXPECT_NEAR(rule.Update(2.0), 0.12, 1e-15);
  EXPECT_EQ(rule.skipped_updates(), 3);
}

TEST(HypergradientLr, ResumesFromTheLastLrWithTheSameResult) {
  HypergradientLr whole = Make(0.1, 0.001, 0.0, 1.0);
  const std::vector<double> hs = {0.3, -2.0, 5.0, 1.5, -0.25};
  for (double h : hs) whole.Update(h);
  HypergradientLr first = Make(0.1, 0.001, 0.0, 1.0);
  for (size_t i = 0; i < 2; ++i) first.Update(hs[i]);
  HypergradientLr resumed = Make(first.lr(), 0.001, 0.0, 1.0);
  for (size_t i = 2; i < hs.size(); ++i) resumed.Update(hs[i]);
  EXPECT_EQ(resumed.lr(), whole.lr());
}

TEST(HypergradientLr, RejectsBadSettingsNamingTheArgument) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    double initial_lr, beta, min_lr, max_lr;
    std::string message;
  };
  const Case cases[] = {
      {0.1, 0.0, 0.0, 1.0, "beta: 0 must be finite and > 0"},
      {0.1, nan, 0.0, 1.0, "beta: nan"},
      {0.1, 1e-6, -1.0, 1.0, "min_lr: -1 must be finite and >= 0"},
      {0.1, 1e-6, 0.5, 0.2, "max_lr: 0.2 must be finite and >= min_lr (0.5)"},
      {0.1, 1e-6, 0.0, std::numeric_limits<double>::infinity(), "max_lr: inf"},
      {2.0, 1e-6, 0.0, 1.0, "initial_lr: 2 must be finite and in [min_lr, max_lr] = [0, 1]"},
      {nan, 1e-6, 0.0, 1.0, "initial_lr: nan"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<HypergradientLr> rule =
        HypergradientLr::Create(c.initial_lr, c.beta, c.min_lr, c.max_lr);
    EXPECT_EQ(rule.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(rule.status().message()), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace hyperd::algorithms::schedules::refinement
