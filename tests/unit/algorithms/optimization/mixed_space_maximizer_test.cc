#include "algorithms/optimization/mixed_space_maximizer.h"

#include <cmath>
#include <functional>
#include <limits>
#include <iostream>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

using Kind = SearchDimension::Kind;

// An acquisition given by a pointwise value-and-gradient function; counts its evaluations.
class FunctionAcquisition : public AcquisitionFunction {
 public:
  using Function = std::function<double(const Eigen::VectorXd&, Eigen::VectorXd*)>;
  explicit FunctionAcquisition(Function f) : f_(std::move(f)) {}

  Eigen::VectorXd EvaluateBatch(const Eigen::MatrixXd& points) const override {
    Eigen::VectorXd values(points.rows());
    Eigen::VectorXd gradient(points.cols());
    for (Eigen::Index i = 0; i < points.rows(); ++i) {
      values[i] = f_(points.row(i).transpose(), &gradient);
    }
    evaluations_ += static_cast<int>(points.rows());
    return values;
  }

  double EvaluateWithGradient(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const override {
    ++evaluations_;
    return f_(x, gradient);
  }

  int evaluations() const { return evaluations_; }

 private:
  Function f_;
  mutable int evaluations_ = 0;
};

// -Branin on the unit square (x1 = 15 u - 5, x2 = 15 v); maximum -0.397887357729739 at three
// points, e.g. (pi, 2.275) -> u = (pi + 5)/15, v = 2.275/15.
double NegativeBranin(const Eigen::VectorXd& u, Eigen::VectorXd* gradient) {
  const double a = 1, b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, r = 6, s = 10,
               t = 1 / (8 * M_PI);
  const double x1 = 15 * u[0] - 5, x2 = 15 * u[1];
  const double inner = x2 - b * x1 * x1 + c * x1 - r;
  const double value = a * inner * inner + s * (1 - t) * std::cos(x1) + s;
  gradient->setZero();
  (*gradient)[0] = -15 * (2 * a * inner * (-2 * b * x1 + c) - s * (1 - t) * std::sin(x1));
  (*gradient)[1] = -15 * (2 * a * inner);
  return -value;
}
constexpr double kBraninMaximum = -0.397887357729739;

std::vector<SearchDimension> ContinuousDimensions(int d, double scale) {
  std::vector<SearchDimension> dimensions(d);
  for (SearchDimension& dimension : dimensions) dimension.scale = scale;
  return dimensions;
}

std::vector<double> CellCentres(int count) {
  std::vector<double> values(count);
  for (int i = 0; i < count; ++i) values[i] = (i + 0.5) / count;
  return values;
}

// One continuous dim, a categorical with 4 categories, a 40-value discrete dim (line search) and
// an 8-value discrete dim (exhaustive).
std::vector<SearchDimension> MixedDimensions() {
  std::vector<SearchDimension> dimensions(4);
  dimensions[0].scale = 0.3;
  dimensions[1].kind = Kind::kCategorical;
  dimensions[1].categories = 4;
  dimensions[2].kind = Kind::kDiscrete;
  dimensions[2].values = CellCentres(40);
  dimensions[3].kind = Kind::kDiscrete;
  dimensions[3].values = CellCentres(8);
  return dimensions;
}

// Maximum at x0 = 0.6, category 2, the 40-grid value nearest 0.37 (index 14, 0.3625) and the
// 8-grid value nearest 0.8 (index 6, 0.8125). The categorical bonus interacts with x0 so that
// coordinate search must alternate.
double MixedObjective(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) {
  static constexpr double kBonus[4] = {0.0, 0.1, 0.3, 0.05};
  const int category = static_cast<int>(x[1]);
  const double centre = 0.6 - 0.1 * (category != 2);
  gradient->setZero();
  (*gradient)[0] = -2 * (x[0] - centre);
  return -(x[0] - centre) * (x[0] - centre) + kBonus[category] - 3 * (x[2] - 0.37) * (x[2] - 0.37) -
         (x[3] - 0.8) * (x[3] - 0.8);
}

void ExpectOnTheSpace(const Eigen::VectorXd& point, const std::vector<SearchDimension>& dims) {
  ASSERT_EQ(point.size(), static_cast<Eigen::Index>(dims.size()));
  for (size_t j = 0; j < dims.size(); ++j) {
    const double v = point[static_cast<Eigen::Index>(j)];
    switch (dims[j].kind) {
      case Kind::kContinuous:
        EXPECT_GE(v, 0.0);
        EXPECT_LE(v, 1.0);
        break;
      case Kind::kDiscrete: {
        bool on_grid = false;
        for (double allowed : dims[j].values) on_grid |= v == allowed;
        EXPECT_TRUE(on_grid) << "dim " << j << " value " << v;
        break;
      }
      case Kind::kCategorical:
        EXPECT_EQ(v, std::floor(v)) << "dim " << j;
        EXPECT_GE(v, 0);
        EXPECT_LT(v, dims[j].categories);
        break;
    }
  }
}

TEST(MixedSpaceMaximizer, FindsTheMaximumOfBraninOnAContinuousSpace) {
  FunctionAcquisition f(NegativeBranin);
  MaximizerOptions options;
  options.seed = 7;
  const std::vector<SearchDimension> dims = ContinuousDimensions(2, 0.2);
  const MaximizerResult result = MaximizeOverMixedSpace(f, dims, {}, options);
  EXPECT_NEAR(result.value, kBraninMaximum, 1e-7);
  Eigen::VectorXd gradient(2);
  EXPECT_EQ(NegativeBranin(result.point, &gradient), result.value);
  EXPECT_FALSE(result.all_excluded);
  EXPECT_EQ(result.evaluations, f.evaluations());
  std::cout << "[ info ] Branin 2-D: " << result.evaluations << " evaluations ("
            << options.candidates << " candidates)\n";
}

TEST(MixedSpaceMaximizer, FindsAnOptimumOnTheBoundaryOfTheUnitCube) {
  // Increasing in x0, peaked at 0.4 in x1: the maximum is at (1, 0.4).
  FunctionAcquisition f([](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    (*g)[0] = 1;
    (*g)[1] = -2 * (x[1] - 0.4);
    return x[0] - (x[1] - 0.4) * (x[1] - 0.4);
  });
  MaximizerOptions options;
  options.candidates = 256;
  const MaximizerResult result =
      MaximizeOverMixedSpace(f, ContinuousDimensions(2, 0.7), {}, options);
  EXPECT_EQ(result.point[0], 1.0);
  EXPECT_NEAR(result.point[1], 0.4, 1e-5);
}

TEST(MixedSpaceMaximizer, FindsTheOptimalCategoryAndGridValuesOnAMixedSpace) {
  FunctionAcquisition f(MixedObjective);
  const std::vector<SearchDimension> dims = MixedDimensions();
  for (uint64_t seed : {0, 1, 2, 3}) {
    MaximizerOptions options;
    options.seed = seed;
    const MaximizerResult result = MaximizeOverMixedSpace(f, dims, {}, options);
    ExpectOnTheSpace(result.point, dims);
    EXPECT_NEAR(result.point[0], 0.6, 1e-4) << seed;
    EXPECT_EQ(result.point[1], 2.0) << seed;
    EXPECT_EQ(result.point[2], 14.5 / 40) << seed;
    EXPECT_EQ(result.point[3], 6.5 / 8) << seed;
    std::cout << "[ info ] mixed 4-D, seed " << seed << ": " << result.evaluations
              << " evaluations\n";
  }
}

TEST(MixedSpaceMaximizer, LineSearchClimbsALongGridFromAPoorStart) {
  // 1000 grid values, maximum at index 777; only 16 candidates so the local search does the work.
  std::vector<SearchDimension> dims(1);
  dims[0].kind = Kind::kDiscrete;
  dims[0].values = CellCentres(1000);
  const double target = dims[0].values[777];
  FunctionAcquisition f([target](const Eigen::VectorXd& x, Eigen::VectorXd*) {
    return -std::abs(x[0] - target);
  });
  MaximizerOptions options;
  options.candidates = 16;
  options.max_starts = 1;
  const MaximizerResult result = MaximizeOverMixedSpace(f, dims, {Eigen::VectorXd::Zero(1)}, options);
  EXPECT_EQ(result.point[0], target);
  EXPECT_LT(result.evaluations, 16 + 1 + 3 * 40);
}

TEST(MixedSpaceMaximizer, SearchesALargeDiscreteGridWithFewerCandidatesThanPoints) {
  // 40 x 40 x 3 = 4800 points, 256 candidates: sampled starts, grid line search, exhaustive
  // categorical search.
  std::vector<SearchDimension> dims(3);
  dims[0].kind = dims[1].kind = Kind::kDiscrete;
  dims[0].values = dims[1].values = CellCentres(40);
  dims[2].kind = Kind::kCategorical;
  dims[2].categories = 3;
  FunctionAcquisition f([](const Eigen::VectorXd& x, Eigen::VectorXd*) {
    return -std::pow(x[0] - 0.91, 2) - 2 * std::pow(x[1] - 0.04, 2) + 0.01 * (x[2] == 0);
  });
  MaximizerOptions options;
  options.candidates = 256;
  const MaximizerResult result = MaximizeOverMixedSpace(f, dims, {}, options);
  EXPECT_EQ(result.point, Eigen::Vector3d(36.5 / 40, 1.5 / 40, 0));
  EXPECT_LT(result.evaluations, 4800 / 4);
}

TEST(MixedSpaceMaximizer, EnumeratesASmallFiniteSpaceExactly) {
  std::vector<SearchDimension> dims(2);
  dims[0].kind = Kind::kDiscrete;
  dims[0].values = CellCentres(20);
  dims[1].kind = Kind::kCategorical;
  dims[1].categories = 5;
  // A needle: the maximum is isolated, no local search could find it from elsewhere.
  FunctionAcquisition f([](const Eigen::VectorXd& x, Eigen::VectorXd*) {
    return (x[0] == 13.5 / 20 && x[1] == 3) ? 1.0 : -x[0];
  });
  MaximizerOptions options;
  options.candidates = 100;
  const MaximizerResult result = MaximizeOverMixedSpace(f, dims, {}, options);
  EXPECT_EQ(result.point, Eigen::Vector2d(13.5 / 20, 3));
  EXPECT_EQ(result.value, 1.0);
  EXPECT_EQ(result.evaluations, 100);
}

TEST(MixedSpaceMaximizer, UsesWarmStartsToReachANarrowPeakTheCandidatesMiss) {
  // A broad hill at (0.2, 0.2) and a much higher spike of width 0.004 at (0.81, 0.33).
  const Eigen::Vector2d hill(0.2, 0.2), spike(0.81, 0.33);
  FunctionAcquisition f([&](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    const Eigen::Vector2d dh = x - hill, ds = x - spike;
    const double w = 0.004;
    const double bump = 10 * std::exp(-ds.squaredNorm() / (2 * w * w));
    *g = -2 * dh - bump * ds / (w * w);
    return -dh.squaredNorm() + bump;
  });
  MaximizerOptions options;
  options.candidates = 64;
  const std::vector<SearchDimension> dims = ContinuousDimensions(2, 1.0);
  const MaximizerResult without = MaximizeOverMixedSpace(f, dims, {}, options);
  EXPECT_LT(without.value, 1.0);
  const MaximizerResult with =
      MaximizeOverMixedSpace(f, dims, {Eigen::Vector2d(0.812, 0.331)}, options);
  EXPECT_GT(with.value, 9.0);
  EXPECT_NEAR(with.point[0], 0.81, 1e-3);
}

TEST(MixedSpaceMaximizer, NeverReturnsAnExcludedPoint) {
  FunctionAcquisition f(MixedObjective);
  const std::vector<SearchDimension> dims = MixedDimensions();
  MaximizerOptions options;
  options.seed = 3;
  const MaximizerResult best = MaximizeOverMixedSpace(f, dims, {}, options);
  options.excluded = {best.point};
  const MaximizerResult next = MaximizeOverMixedSpace(f, dims, {}, options);
  ExpectOnTheSpace(next.point, dims);
  EXPECT_FALSE(next.all_excluded);
  EXPECT_LE(next.value, best.value);
  bool differs = false;
  for (int j = 1; j < 4; ++j) differs |= next.point[j] != best.point[j];
  differs |= std::abs(next.point[0] - best.point[0]) > options.exclusion_distance;
  EXPECT_TRUE(differs);
  // The runner-up is still good: exclusion does not fall back to a random candidate.
  EXPECT_GT(next.value, best.value - 0.05);
}

TEST(MixedSpaceMaximizer, ExcludesPointsThatDifferOnlyBelowTheDistanceOrOffTheGrid) {
  // Discrete-only space: an excluded point given slightly off its grid value still excludes it.
  std::vector<SearchDimension> dims(2);
  dims[0].kind = Kind::kDiscrete;
  dims[0].values = CellCentres(5);
  dims[1].kind = Kind::kCategorical;
  dims[1].categories = 3;
  FunctionAcquisition f([](const Eigen::VectorXd& x, Eigen::VectorXd*) {
    return x[0] + (x[1] == 1 ? 1.0 : 0.0);
  });
  MaximizerOptions options;
  options.candidates = 32;
  options.excluded = {Eigen::Vector2d(0.9 + 1e-7, 1.0)};
  const MaximizerResult result = MaximizeOverMixedSpace(f, dims, {}, options);
  EXPECT_EQ(result.point, Eigen::Vector2d(0.7, 1.0));
  EXPECT_FALSE(result.all_excluded);
}

TEST(MixedSpaceMaximizer, ReportsAllExcludedWhenEveryPointOfAFiniteSpaceIsExcluded) {
  std::vector<SearchDimension> dims(1);
  dims[0].kind = Kind::kCategorical;
  dims[0].categories = 2;
  FunctionAcquisition f([](const Eigen::VectorXd& x, Eigen::VectorXd*) { return x[0]; });
  MaximizerOptions options;
  options.candidates = 8;
  options.excluded = {Eigen::VectorXd::Zero(1), Eigen::VectorXd::Ones(1)};
  const MaximizerResult result = MaximizeOverMixedSpace(f, dims, {}, options);
  EXPECT_TRUE(result.all_excluded);
  ExpectOnTheSpace(result.point, dims);
}

TEST(MixedSpaceMaximizer, ReturnsPointsOnTheGridForRandomSmoothObjectives) {
  const std::vector<SearchDimension> dims = MixedDimensions();
  for (uint64_t seed = 0; seed < 8; ++seed) {
    // A random quadratic in all coordinates (categorical index included) with continuous gradient.
    const double a = 0.1 + 0.1 * seed, b = 0.05 * seed, c = 1.0 - 0.1 * seed;
    FunctionAcquisition f([=](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
      g->setZero();
      (*g)[0] = -2 * (x[0] - a) + b;
      return -(x[0] - a) * (x[0] - a) + b * x[0] - std::abs(x[1] - 1.3 * b) -
             (x[2] - c) * (x[2] - c) + x[3] * a;
    });
    MaximizerOptions options;
    options.seed = seed;
    options.candidates = 128;
    const MaximizerResult result =
        MaximizeOverMixedSpace(f, dims, {Eigen::Vector4d(1.7, 9, -2, 0.33)}, options);
    ExpectOnTheSpace(result.point, dims);
  }
}

TEST(MixedSpaceMaximizer, IgnoresNonFiniteAcquisitionValues) {
  // NaN for x0 > 0.6 and -inf for x1 < 0.2 (e.g. a diverged model there); maximum at (0.5, 0.5).
  FunctionAcquisition f([](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    (*g)[0] = -2 * (x[0] - 0.5);
    (*g)[1] = -2 * (x[1] - 0.5);
    if (x[0] > 0.6) return std::nan("");
    if (x[1] < 0.2) return -std::numeric_limits<double>::infinity();
    return -(x[0] - 0.5) * (x[0] - 0.5) - (x[1] - 0.5) * (x[1] - 0.5);
  });
  MaximizerOptions options;
  options.candidates = 256;
  const MaximizerResult result =
      MaximizeOverMixedSpace(f, ContinuousDimensions(2, 1.0), {Eigen::Vector2d(0.9, 0.1)}, options);
  EXPECT_TRUE(std::isfinite(result.value));
  EXPECT_NEAR(result.point[0], 0.5, 1e-4);
  EXPECT_NEAR(result.point[1], 0.5, 1e-4);
}

TEST(MixedSpaceMaximizer, IsDeterministicGivenTheSeed) {
  FunctionAcquisition f(MixedObjective);
  const std::vector<SearchDimension> dims = MixedDimensions();
  MaximizerOptions options;
  options.seed = 11;
  options.candidates = 512;
  const MaximizerResult a = MaximizeOverMixedSpace(f, dims, {}, options);
  const MaximizerResult b = MaximizeOverMixedSpace(f, dims, {}, options);
  EXPECT_EQ(a.point, b.point);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.evaluations, b.evaluations);
}

TEST(MixedSpaceMaximizer, EvaluatesTheOnlyPointOfAZeroDimensionalSpace) {
  FunctionAcquisition f([](const Eigen::VectorXd&, Eigen::VectorXd*) { return 4.0; });
  const MaximizerResult result = MaximizeOverMixedSpace(f, {}, {}, MaximizerOptions());
  EXPECT_EQ(result.point.size(), 0);
  EXPECT_EQ(result.value, 4.0);
}

}  // namespace
}  // namespace hyperd::algorithms
