#include "bench/bandits/regret_theory.h"

#include <cmath>
#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace hyperd::bench {
namespace {

TEST(RegretTheory, LaiRobbinsConstantsMatchTheSpec) {
  // specs/bandits.md §7.1: S1 2.252, S2 44.09.
  EXPECT_NEAR(LaiRobbinsConstant(std::vector<double>{0.9, 0.8}), 2.252, 5e-4);
  std::vector<double> s2(10, 0.5);
  s2.back() = 0.6;
  EXPECT_NEAR(LaiRobbinsConstant(s2), 44.09, 5e-3);
}

TEST(RegretTheory, Ucb1AndExp3BoundsFollowTheirTheorems) {
  // S1: 8 ln(1e4) / 0.1 + (1 + pi^2/3) 0.1.
  EXPECT_NEAR(Ucb1UpperBound(std::vector<double>{0.9, 0.8}, 10000),
              80 * std::log(1e4) + (1 + M_PI * M_PI / 3) * 0.1, 1e-9);
  EXPECT_NEAR(Exp3UpperBound(2, 10000), 2 * std::sqrt(M_E - 1) * std::sqrt(2e4 * std::log(2.0)),
              1e-9);
}

TEST(RegretTheory, SlopeOfPowerLawsIsTheirExponent) {
  const std::vector<int64_t> horizons = {1000, 2000, 5000, 10000};
  std::vector<double> sqrt_regret, log_regret;
  for (int64_t h : horizons) {
    sqrt_regret.push_back(3 * std::sqrt(static_cast<double>(h)));
    log_regret.push_back(5 * std::log(static_cast<double>(h)));
  }
  EXPECT_NEAR(*LogLogSlope(horizons, sqrt_regret), 0.5, 1e-12);
  EXPECT_LT(*LogLogSlope(horizons, log_regret), 0.2);
  EXPECT_FALSE(LogLogSlope(horizons, std::vector<double>{0, 0, -1, 4}).has_value());
}

TEST(RegretTheory, ClassifiesPoliciesByProblemKind) {
  const auto problem = [](const char* name) { return *MakeBanditProblem(name); };
  EXPECT_EQ(ExpectedRate("ucb1", *problem("bernoulli2")).rate, RateClass::kLogarithmic);
  EXPECT_EQ(ExpectedRate("exp3", *problem("bernoulli2")).rate, RateClass::kSquareRoot);
  EXPECT_EQ(ExpectedRate("thompson", *problem("switch2")).rate, RateClass::kLinear);
  EXPECT_EQ(ExpectedRate("d_ucb_tuned", *problem("switch2")).rate, RateClass::kSquareRoot);
  EXPECT_EQ(ExpectedRate("exp3s", *problem("rotate3")).rate, RateClass::kSquareRoot);
  EXPECT_EQ(ExpectedRate("exp3s", *problem("drift3")).rate, RateClass::kLinear);
  EXPECT_EQ(ExpectedRate("ucb1", *problem("adversarial2")).rate, RateClass::kNoGuarantee);
  EXPECT_EQ(ExpectedRate("exp3", *problem("adversarial2")).rate, RateClass::kSquareRoot);
  EXPECT_EQ(ExpectedRate("linucb", *problem("linear5")).rate, RateClass::kSquareRoot);
  EXPECT_EQ(ExpectedRate("thompson", *problem("linear5")).rate, RateClass::kLinear);
  EXPECT_FALSE(RegretUpperBound("thompson", *problem("bernoulli2"), 100).has_value());
  EXPECT_TRUE(RegretUpperBound("exp3", *problem("adversarial2"), 100).has_value());
}

}  // namespace
}  // namespace hyperd::bench
