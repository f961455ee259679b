// The normal CDF in log space, interval masses, its inverse and truncated-normal quantiles against
// SciPy 1.10 (special.log_ndtr, special.ndtri_exp, stats._continuous_distns._log_gauss_mass,
// stats.truncnorm.ppf), evaluated once with /usr/bin/python3 and hard-coded here.
#include "algorithms/samplers/tpe/truncated_normal.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

void ExpectRelativelyNear(double actual, double expected, double tolerance) {
  EXPECT_NEAR(actual, expected, tolerance * std::max(1.0, std::abs(expected)))
      << "expected " << expected;
}

TEST(TruncatedNormal, LogNormalCdfMatchesScipyInBothTails) {
  ExpectRelativelyNear(LogNormalCdf(-1000), -500007.8266948122, 1e-14);
  ExpectRelativelyNear(LogNormalCdf(-40), -804.6084420137539, 1e-14);
  ExpectRelativelyNear(LogNormalCdf(-20.5), -214.06672896326387, 1e-14);
  ExpectRelativelyNear(LogNormalCdf(-19.5), -194.01696577749752, 1e-14);
  ExpectRelativelyNear(LogNormalCdf(-5), -15.064998393988727, 1e-14);
  EXPECT_DOUBLE_EQ(LogNormalCdf(0), -0.6931471805599453);
  EXPECT_NEAR(LogNormalCdf(3) / -0.001350809964748193, 1.0, 1e-13);
  EXPECT_NEAR(LogNormalCdf(7) / -1.2798125438866539e-12, 1.0, 1e-12);
  EXPECT_NEAR(LogNormalCdf(30) / -4.906713927147908e-198, 1.0, 1e-12);
  EXPECT_EQ(LogNormalCdf(-std::numeric_limits<double>::infinity()),
            -std::numeric_limits<double>::infinity());
}

TEST(TruncatedNormal, LogGaussMassIsAccurateInTheTails) {
  ExpectRelativelyNear(LogGaussMass(-1, 2), -0.20016629432446262, 1e-14);
  ExpectRelativelyNear(LogGaussMass(2, 3), -3.844353426334205, 1e-13);
  ExpectRelativelyNear(LogGaussMass(-3, -2), -3.844353426334205, 1e-13);
  ExpectRelativelyNear(LogGaussMass(30, 31), -454.3212439563433, 1e-13);
  ExpectRelativelyNear(LogGaussMass(-31, -30), -454.3212439563433, 1e-13);
  ExpectRelativelyNear(LogGaussMass(-100, 0.5), -0.36894641528865635, 1e-14);
  ExpectRelativelyNear(LogGaussMass(0, 1e-3), -7.826693978853589, 1e-12);
  ExpectRelativelyNear(LogGaussMass(-1e-3, 0), -7.826693978853032, 1e-12);
  EXPECT_EQ(LogGaussMass(1, 1), -std::numeric_limits<double>::infinity());
}

TEST(TruncatedNormal, InverseOfTheLogCdfMatchesScipyNdtriExp) {
  ExpectRelativelyNear(InverseNormalCdfFromLog(-1e4), -141.37983987312978, 1e-13);
  ExpectRelativelyNear(InverseNormalCdfFromLog(-800), -39.88469483825668, 1e-13);
  ExpectRelativelyNear(InverseNormalCdfFromLog(-50), -9.674825283612355, 1e-13);
  ExpectRelativelyNear(InverseNormalCdfFromLog(-3), -1.6469217205277145, 1e-13);
  EXPECT_NEAR(InverseNormalCdfFromLog(std::log(0.5)), 0.0, 1e-15);
  ExpectRelativelyNear(InverseNormalCdfFromLog(-1e-3), 3.090380786917045, 1e-13);
  ExpectRelativelyNear(InverseNormalCdfFromLog(-1e-20), 9.262340089798409, 1e-13);
}

TEST(TruncatedNormal, InverseRoundTripsTheLogCdf) {
  for (double x = -60; x <= 8; x += 0.37) {
    EXPECT_NEAR(InverseNormalCdfFromLog(LogNormalCdf(x)), x, 1e-12 * std::max(1.0, std::abs(x)))
        << "x = " << x;
  }
}

TEST(TruncatedNormal, QuantilesMatchScipyTruncnormPpf) {
  ExpectRelativelyNear(TruncatedNormalQuantile(0.3, -1, 2), -0.24240381788922707, 1e-13);
  ExpectRelativelyNear(TruncatedNormalQuantile(0.9, 2, 3), 2.6978044494405453, 1e-13);
  ExpectRelativelyNear(TruncatedNormalQuantile(0.5, -100, 0.5), -0.3968711750895444, 1e-13);
  ExpectRelativelyNear(TruncatedNormalQuantile(0.25, 30, 31), 30.009577257491088, 1e-13);
  ExpectRelativelyNear(TruncatedNormalQuantile(0.75, -31, -30), -30.009577257491088, 1e-13);
  EXPECT_EQ(TruncatedNormalQuantile(0.0, -1, 2), -1.0);
  EXPECT_EQ(TruncatedNormalQuantile(1.0, -1, 2), 2.0);
}

TEST(TruncatedNormal, QuantilesAreMonotoneAndInsideTheInterval) {
  double previous = -std::numeric_limits<double>::infinity();
  for (int i = 0; i <= 1000; ++i) {
    const double x = TruncatedNormalQuantile(i / 1000.0, -100, 0.01);
    ASSERT_GE(x, -100);
    ASSERT_LE(x, 0.01);
    ASSERT_GE(x, previous);
    previous = x;
  }
}

}  // namespace
}  // namespace hyperd::algorithms
