#include "bench/bandits/sor_solver.h"

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "bench/bandits/sor_fixture.h"
#include "gtest/gtest.h"

namespace hyperd::bench {
namespace {

int64_t Sweeps(double shift, double omega) {
  absl::StatusOr<int64_t> sweeps =
      SorIterations(ShiftedLaplacian1d(50, shift), Eigen::VectorXd::Ones(50), omega, {});
  EXPECT_TRUE(sweeps.ok()) << sweeps.status();
  return sweeps.value_or(-1);
}

// specs/bandits.md §6: rows c, omega*, iterations at omega*, at 1.0 / 1.5 / 1.8 / 1.9 / 1.95.
struct YoungRow {
  double shift;
  double optimal_omega;
  int64_t at_optimum;
  int64_t at_grid[5];
};

TEST(SorSolver, MatchesTheSpecsIterationCountsExactly) {
  const YoungRow rows[] = {
      {0.0, 1.8840, 189, {4828, 1600, 502, 204, 407}},
      {0.01, 1.7906, 103, {1332, 435, 102, 205, 408}},
      {0.1, 1.5261, 51, {185, 56, 106, 197, 390}},
      {1.0, 1.1452, 19, {27, 42, 93, 186, 378}},
  };
  const double grid[5] = {1.0, 1.5, 1.8, 1.9, 1.95};
  for (const YoungRow& row : rows) {
    SCOPED_TRACE(row.shift);
    EXPECT_NEAR(OptimalOmega(50, row.shift), row.optimal_omega, 5e-5);
    EXPECT_EQ(Sweeps(row.shift, OptimalOmega(50, row.shift)), row.at_optimum);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(Sweeps(row.shift, grid[i]), row.at_grid[i]);
  }
}

TEST(SorSolver, ConvergesToTheSolution) {
  // One sweep of Gauss-Seidel on a diagonal system solves it exactly.
  RowMajorSparse diagonal(3, 3);
  diagonal.insert(0, 0) = 2;
  diagonal.insert(1, 1) = 4;
  diagonal.insert(2, 2) = 8;
  absl::StatusOr<int64_t> sweeps = SorIterations(diagonal, Eigen::VectorXd::Ones(3), 1.0, {});
  ASSERT_TRUE(sweeps.ok()) << sweeps.status();
  EXPECT_EQ(*sweeps, 1);
}

TEST(SorSolver, RefusesBadInputsNamingTheProblem) {
  const RowMajorSparse a = ShiftedLaplacian1d(4, 0.1);
  absl::StatusOr<int64_t> bad_omega = SorIterations(a, Eigen::VectorXd::Ones(4), 2.0, {});
  EXPECT_EQ(bad_omega.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_omega.status().message().find("omega"), std::string::npos);
  EXPECT_EQ(SorIterations(a, Eigen::VectorXd::Ones(3), 1.5, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  RowMajorSparse no_diagonal(2, 2);
  no_diagonal.insert(0, 1) = 1;
  no_diagonal.insert(1, 0) = 1;
  EXPECT_EQ(SorIterations(no_diagonal, Eigen::VectorXd::Ones(2), 1.0, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  SorOptions few;
  few.max_sweeps = 3;
  EXPECT_EQ(SorIterations(ShiftedLaplacian1d(50, 0.0), Eigen::VectorXd::Ones(50), 1.0, few)
                .status()
                .code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(SorFixture, MatchesTheSpecsGridTable) {
  // specs/bandits.md §7.3: c, best grid omega, its iterations, iterations at omega = 1.80.
  struct Row {
    double shift, best_omega;
    int64_t best_iterations, at_1_80;
  };
  const Row rows[] = {{0.005, 1.85, 135, 191}, {0.01, 1.80, 102, 102}, {0.02, 1.75, 79, 104},
                      {0.05, 1.65, 60, 105},   {0.1, 1.55, 52, 106},   {0.2, 1.40, 41, 104},
                      {0.5, 1.25, 27, 95},     {1.0, 1.15, 19, 93}};
  absl::StatusOr<SorFixture> fixture = SorFixture::Create(SorFixtureOptions{});
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  ASSERT_EQ(fixture->shift_count(), 8);
  ASSERT_EQ(fixture->arm_count(), 20);
  ASSERT_NEAR(fixture->omega(16), 1.80, 1e-12);
  for (int s = 0; s < 8; ++s) {
    SCOPED_TRACE(rows[s].shift);
    EXPECT_DOUBLE_EQ(fixture->shift(s), rows[s].shift);
    const int best = fixture->InstanceOptimalArm(s);
    EXPECT_NEAR(fixture->omega(best), rows[s].best_omega, 1e-9);
    EXPECT_EQ(fixture->InstanceOptimalIterations(s), rows[s].best_iterations);
    EXPECT_EQ(fixture->Iterations(s, 16), rows[s].at_1_80);
  }
}

TEST(SorFixture, NormalisesLossWithTheCapAndGivesPolynomialContexts) {
  absl::StatusOr<SorFixture> fixture = SorFixture::Create(SorFixtureOptions{});
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  // c = 0.005 at omega = 1.0 takes more than the cap of 1000 sweeps: the loss saturates at 1.
  EXPECT_GT(fixture->Iterations(0, 0), 1000);
  EXPECT_DOUBLE_EQ(fixture->Loss(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(fixture->Loss(7, 3), fixture->Iterations(7, 3) / 1000.0);
  EXPECT_EQ(fixture->Context(0), (std::vector<double>{1.0, 0.0, 0.0}));
  EXPECT_EQ(fixture->Context(7), (std::vector<double>{1.0, 1.0, 1.0}));
  const std::vector<double> middle = fixture->Context(4);  // c = 0.1
  EXPECT_NEAR(middle[1], std::log(0.1 / 0.005) / std::log(1.0 / 0.005), 1e-12);
  EXPECT_NEAR(middle[2], middle[1] * middle[1], 1e-12);
}

TEST(SorFixture, DrawsEveryShiftUniformlyAndReproducibly) {
  absl::StatusOr<SorFixture> fixture = SorFixture::Create(SorFixtureOptions{});
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  const std::vector<int> instances = fixture->DrawInstances(8000, 7);
  EXPECT_EQ(instances, fixture->DrawInstances(8000, 7));
  EXPECT_NE(instances, fixture->DrawInstances(8000, 8));
  std::vector<int> counts(8, 0);
  for (int shift : instances) ++counts.at(shift);
  for (int count : counts) EXPECT_NEAR(count, 1000, 120);  // ~4 standard deviations
}

TEST(SorFixture, RefusesShiftsWithoutALogarithm) {
  SorFixtureOptions options;
  options.shifts = {0.0, 0.1};
  EXPECT_EQ(SorFixture::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hyperd::bench
