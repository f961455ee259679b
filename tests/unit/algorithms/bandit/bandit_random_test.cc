// The bandit policies' random variates: moments of the normal, Gamma and Beta draws, and
// determinism per seed.
#include "algorithms/samplers/bandit/bandit_random.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

struct Moments {
  double mean = 0;
  double variance = 0;
};

template <typename Draw>
Moments Sample(int n, Draw draw) {
  double sum = 0;
  double sum_squares = 0;
  for (int i = 0; i < n; ++i) {
    const double x = draw();
    sum += x;
    sum_squares += x * x;
  }
  const double mean = sum / n;
  return {mean, sum_squares / n - mean * mean};
}

constexpr int kDraws = 40000;

TEST(BanditRandom, StandardNormalHasMeanZeroAndVarianceOne) {
  BanditRandom random(1);
  const Moments m = Sample(kDraws, [&] { return random.StandardNormal(); });
  EXPECT_NEAR(m.mean, 0, 4 / std::sqrt(kDraws));
  EXPECT_NEAR(m.variance, 1, 0.03);
}

TEST(BanditRandom, GammaHasMeanAndVarianceEqualToTheShape) {
  for (double shape : {0.3, 1.0, 2.5, 40.0}) {
    BanditRandom random(2);
    const Moments m = Sample(kDraws, [&] { return random.Gamma(shape); });
    EXPECT_NEAR(m.mean, shape, 4 * std::sqrt(shape / kDraws)) << shape;
    EXPECT_NEAR(m.variance / shape, 1, 0.08) << shape;
  }
}

TEST(BanditRandom, BetaHasItsMeanAndVariance) {
  for (const auto& [a, b] :
       {std::pair{1.0, 1.0}, std::pair{3.0, 7.0}, std::pair{0.2, 0.5}, std::pair{200.0, 50.0}}) {
    BanditRandom random(3);
    const Moments m = Sample(kDraws, [&] { return random.Beta(a, b); });
    const double mean = a / (a + b);
    const double variance = a * b / ((a + b) * (a + b) * (a + b + 1));
    EXPECT_NEAR(m.mean, mean, 4 * std::sqrt(variance / kDraws)) << a << "," << b;
    EXPECT_NEAR(m.variance / variance, 1, 0.08) << a << "," << b;
  }
}

TEST(BanditRandom, TinyShapesStayInTheUnitInterval) {
  BanditRandom random(4);
  for (int i = 0; i < 1000; ++i) {
    const double x = random.Beta(1e-3, 1e-3);
    ASSERT_TRUE(x >= 0 && x <= 1) << x;
    ASSERT_TRUE(std::isfinite(random.LogGamma(1e-4)));
  }
}

TEST(BanditRandom, BernoulliIsExactAtZeroAndOne) {
  BanditRandom random(5);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(random.Bernoulli(0), 0);
    ASSERT_EQ(random.Bernoulli(1), 1);
  }
}

TEST(BanditRandom, SameSeedSameDraws) {
  BanditRandom first(77);
  BanditRandom second(77);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(first.Beta(2.5, 0.7), second.Beta(2.5, 0.7));
}

}  // namespace
}  // namespace hyperd::algorithms
