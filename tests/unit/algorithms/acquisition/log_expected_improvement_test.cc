#include "algorithms/samplers/acquisition/log_expected_improvement.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

// The textbook formula, accurate only where h(z) does not underflow or cancel badly.
double NaiveLogH(double z) {
  const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
  return std::log(z * cdf + pdf);
}

struct Reference {
  double z;
  double log_h;
};

// bo.md §6.1, accurate to 17 significant digits.
const Reference kReferenceTable[] = {
    {-10000, -50000019.339619307}, {-100, -5010.1295788002498}, {-40, -808.29856835661996},
    {-25, -319.86146358149595},    {-10, -55.553122036122356},  {-5, -16.74430116266099},
    {-1, -2.4851210257126413},     {0, -0.91893853320467274},   {1, 0.08002621884930694},
    {5, 1.6094379231264314},
};

TEST(LogH, MatchesTheSpecReferenceTableToRelativeError1e12) {
  for (const Reference& row : kReferenceTable) {
    const double log_h = LogH(row.z);
    EXPECT_LE(std::abs(log_h - row.log_h), 1e-12 * std::abs(row.log_h)) << "z = " << row.z;
    if (std::abs(row.log_h) <= 1) {
      EXPECT_LE(std::abs(log_h - row.log_h), 1e-12) << "z = " << row.z;
    }
  }
}

TEST(LogH, AgreesWithTheNaiveFormulaWhereThatIsAccurate) {
  for (double z = -20; z <= 5; z += 0.01) {
    EXPECT_LT(std::abs(LogH(z) - NaiveLogH(z)), 1e-10) << "z = " << z;
  }
}

TEST(LogH, IsContinuousAcrossTheRegimeBoundaries) {
  for (double boundary : {-1.0, -25.0}) {
    const double below = LogH(std::nextafter(boundary, -1e9));
    const double at = LogH(boundary);
    const double above = LogH(std::nextafter(boundary, 1e9));
    EXPECT_NEAR(below, at, 1e-10 * std::abs(at)) << boundary;
    EXPECT_NEAR(above, at, 1e-10 * std::abs(at)) << boundary;
  }
}

TEST(LogH, IsFiniteAndStrictlyIncreasingFromMinusOneMillionToTen) {
  std::vector<double> grid;
  // Geometric spacing in the far tail, fine uniform spacing where the regimes meet.
  for (double z = -1e6; z < -100; z *= 0.99) grid.push_back(z);
  for (double z = -100; z <= 10; z += 1e-3) grid.push_back(z);
  for (double centre : {-25.0, -1.0}) {
    for (int k = -1000; k <= 1000; ++k) grid.push_back(centre + k * 1e-9);
  }
  std::sort(grid.begin(), grid.end());
  double previous = -INFINITY;
  for (size_t i = 0; i < grid.size(); ++i) {
    if (i > 0 && grid[i] == grid[i - 1]) continue;
    const double value = LogH(grid[i]);
    ASSERT_TRUE(std::isfinite(value)) << "z = " << grid[i];
    ASSERT_GT(value, previous) << "z = " << grid[i];
    previous = value;
  }
}

TEST(LogNormalCdf, MatchesHighPrecisionValuesFromTheFarTailToTheUpperTail) {
  // Computed with mpmath at 60 digits.
  const struct {
    double z, log_cdf;
  } kValues[] = {
      {-1e4, -50000010.129278915181}, {-100, -5005.5242086942050886},
      {-40, -804.60844201375378817},  {-25.5, -329.28414898717953476},
      {-25, -316.63940800802025894},  {-24.5, -304.24427074096371117},
      {-10, -53.231285150512470578},  {-1, -1.8410216450092635058},
      {0, -0.69314718055994530942},   {3, -0.0013508099647481937988},
      {10, -7.619853024160526066e-24},
  };
  for (const auto& row : kValues) {
    EXPECT_LE(std::abs(LogNormalCdf(row.z) - row.log_cdf), 1e-13 * std::abs(row.log_cdf))
        << "z = " << row.z;
  }
}

TEST(LogExpectedImprovement, EqualsLogHPlusLogStddevWithTheVarianceFloor) {
  const double mean = 0.3, variance = 0.04, incumbent = 0.5;
  const double stddev = std::sqrt(variance + 1e-12);
  const double z = (mean - incumbent) / stddev;
  const AcquisitionValue a = LogExpectedImprovement(mean, variance, incumbent);
  EXPECT_DOUBLE_EQ(a.value, LogH(z) + std::log(stddev));
  // Naive log(EI) agrees on [-20, 5] in z.
  for (double zz = -20; zz <= 5; zz += 0.05) {
    const double m = incumbent + zz * stddev;
    const double s = std::sqrt(variance + 1e-12);
    const double z_used = (m - incumbent) / s;
    EXPECT_LT(std::abs(LogExpectedImprovement(m, variance, incumbent).value -
                       std::log(s) - NaiveLogH(z_used)),
              1e-10)
        << "z = " << zz;
  }
}

TEST(LogExpectedImprovement, ReproducesTheSpecGpTestVector) {
  // bo.md §3.2: mu = -0.6959377016574131, sigma^2 = 0.2934385894802676, f* = 1 ->
  // log EI = -8.95220106222256. The spec's value is log EI of sigma^2 as given (verified to 1e-15
  // with 40-digit arithmetic); the acquisition adds the 1e-12 stabilising variance of §6.1, which
  // moves log EI by 2.1e-11 (40-digit value with the floor: -8.9522010622013994).
  const double mean = -0.6959377016574131, variance = 0.2934385894802676;
  const double z = (mean - 1) / std::sqrt(variance);
  EXPECT_NEAR(z, -3.130770851, 1e-9);
  EXPECT_NEAR(LogH(z) + 0.5 * std::log(variance), -8.95220106222256, 1e-12);
  const AcquisitionValue a = LogExpectedImprovement(mean, variance, 1.0);
  EXPECT_NEAR(a.value, -8.9522010622013994, 1e-12);
  EXPECT_NEAR(a.value, -8.95220106222256, 3e-11);
}

TEST(LogExpectedImprovement, GradientsMatchCentralDifferences) {
  const double incumbent = 1.0;
  for (double stddev : {1e-3, 0.2, 1.0, 30.0}) {
    for (double z : {-1e4, -300.0, -40.0, -25.0, -24.9, -10.0, -3.0, -1.0, -0.5, 0.0, 0.7, 4.0,
                     40.0}) {
      const double mean = incumbent + z * stddev;
      const double variance = stddev * stddev - 1e-12;
      const AcquisitionValue a = LogExpectedImprovement(mean, variance, incumbent);
      ASSERT_TRUE(std::isfinite(a.value) && std::isfinite(a.d_mean) && std::isfinite(a.d_stddev))
          << "z = " << z << " stddev = " << stddev;
      auto at = [&](double m, double s) {
        return LogExpectedImprovement(m, s * s - 1e-12, incumbent).value;
      };
      const double h_mean = 1e-6 * stddev;
      const double fd_mean = (at(mean + h_mean, stddev) - at(mean - h_mean, stddev)) / (2 * h_mean);
      const double h_stddev = 1e-6 * stddev;
      const double fd_stddev =
          (at(mean, stddev + h_stddev) - at(mean, stddev - h_stddev)) / (2 * h_stddev);
      // Truncation error ~1e-12 relative; rounding error ~eps |log EI| / h.
      const double noise = 10 * 2.2e-16 * (std::abs(a.value) + 1) / h_mean;
      EXPECT_NEAR(a.d_mean, fd_mean, 1e-5 * std::abs(fd_mean) + noise)
          << "z = " << z << " stddev = " << stddev;
      EXPECT_NEAR(a.d_stddev, fd_stddev, 1e-5 * std::abs(fd_stddev) + noise)
          << "z = " << z << " stddev = " << stddev;
    }
  }
}

TEST(LogExpectedImprovement, StaysFiniteAtZeroVarianceAndFarBelowTheIncumbent) {
  const AcquisitionValue at_observed = LogExpectedImprovement(0.0, 0.0, 1.0);  // z = -1e6
  EXPECT_TRUE(std::isfinite(at_observed.value));
  EXPECT_TRUE(std::isfinite(at_observed.d_mean));
  EXPECT_TRUE(std::isfinite(at_observed.d_stddev));
  EXPECT_GT(at_observed.d_mean, 0);
  // Round-off can make a posterior variance slightly negative: treated as zero.
  EXPECT_EQ(LogExpectedImprovement(0.0, -1e-17, 1.0).value, at_observed.value);
  // Ranking is preserved where EI itself underflows to zero.
  EXPECT_LT(LogExpectedImprovement(-50, 1, 0).value, LogExpectedImprovement(-49, 1, 0).value);
}

}  // namespace
}  // namespace hyperd::algorithms
