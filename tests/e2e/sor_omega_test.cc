// The SOR example (examples/sor_omega) end to end: the real hyperd, the real sor_omega binary.
// It must finish, print its ratio table, refuse to reuse a study that already has trials, and
// make exactly the choices of the in-process simulation (bench/bandits) given the same seeds,
// since the study's decision seeds are MixSeed(study seed, trial number) like the simulation's.
#include <sys/wait.h>

#include <cstdio>
#include <memory>
#include <numeric>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "algorithms/samplers/random_bits.h"
#include "bench/bandits/policy_catalog.h"
#include "bench/bandits/sor_fixture.h"
#include "bench/bandits/sor_simulation.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"

namespace hyperd {
namespace {

struct Output {
  int exit_code = -1;
  std::string text;  // stdout and stderr
};

// Runs sor_omega against `address` with `flags` and returns its exit code and output.
Output RunSorOmega(const std::string& address, const std::string& flags) {
  const std::string command =
      absl::StrCat(SOR_OMEGA_BINARY, " --address=", address, " ", flags, " 2>&1");
  Output output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return output;
  }
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.text.append(buffer, n);
  const int status = pclose(pipe);
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

// The table row of `instances`: {policy's total sweeps, ratio to the best fixed omega}.
struct Row {
  bool found = false;
  int64_t total = 0;
  double ratio = 0;
  double instance_optimal_ratio = 0;
};

Row RowOf(const std::string& text, int instances) {
  const std::regex row(absl::StrCat(R"(\| )", instances,
                                    R"( \| (\d+) \| \d+ \(omega [0-9.]+\) \| \d+ \| )"
                                    R"(([0-9.]+) \| [0-9.]+ \| ([0-9.]+) \|)"));
  std::smatch match;
  Row r;
  if (!std::regex_search(text, match, row)) return r;
  r.found = true;
  r.total = std::stoll(match[1]);
  r.ratio = std::stod(match[2]);
  r.instance_optimal_ratio = std::stod(match[3]);
  return r;
}

// Total sweeps of the in-process simulation of `policy` over the first `instances` of the
// sequence seeded `seed`, with decision seeds MixSeed(study_seed, t).
int64_t SimulatedTotal(const std::string& policy, int instances, uint64_t seed,
                       uint64_t study_seed) {
  absl::StatusOr<bench::SorFixture> fixture = bench::SorFixture::Create({});
  EXPECT_TRUE(fixture.ok()) << fixture.status();
  absl::StatusOr<const bench::PolicyInfo*> info = bench::FindPolicy(policy);
  EXPECT_TRUE(info.ok()) << info.status();
  if (!fixture.ok() || !info.ok()) return -1;
  bench::PolicyEnvironment env;
  env.arm_count = fixture->arm_count();
  env.context_dimension = 3;
  env.segments = 1;
  env.horizon = instances;
  absl::StatusOr<std::unique_ptr<bench::SimulatedPolicy>> simulated =
      bench::MakeSimulatedPolicy(**info, env);
  EXPECT_TRUE(simulated.ok()) << simulated.status();
  if (!simulated.ok()) return -1;
  bench::SorSimulationOptions options;
  options.study_seed = study_seed;
  absl::StatusOr<std::vector<int64_t>> sweeps = bench::SimulateSorSequence(
      *fixture, **simulated, fixture->DrawInstances(instances, seed), options);
  EXPECT_TRUE(sweeps.ok()) << sweeps.status();
  return sweeps.ok() ? std::accumulate(sweeps->begin(), sweeps->end(), int64_t{0}) : -1;
}

class SorOmegaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ServerProcessOptions options;
    options.binary = HYPERD_BINARY;
    options.extra_args = {"--durability=normal"};
    server_ = std::make_unique<testing::ServerProcess>(options);
    const absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  void TearDown() override {
    const absl::Status stopped = server_->Terminate();
    EXPECT_TRUE(stopped.ok()) << stopped;
  }

  std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(SorOmegaTest, LinUcbFinishesTwoHundredInstancesAndPrintsItsRatios) {
  const Output out = RunSorOmega(server_->address(), "--policy=linucb --instances=200 --seed=3");
  ASSERT_EQ(out.exit_code, 0) << out.text << "\n" << server_->LogTail();
  const Row row = RowOf(out.text, 200);
  ASSERT_TRUE(row.found) << out.text;
  // Learning from scratch costs more than the best fixed omega over 200 instances, but far less
  // than a random omega (about 2.6x), and context could at best reach ~0.57x.
  EXPECT_GT(row.ratio, 1.0) << out.text;
  EXPECT_LT(row.ratio, 2.2) << out.text;
  EXPECT_GT(row.instance_optimal_ratio, 0.4) << out.text;
  EXPECT_LT(row.instance_optimal_ratio, 0.75) << out.text;
  EXPECT_NE(out.text.find("linucb after 200 rewards"), std::string::npos) << out.text;
}

TEST_F(SorOmegaTest, Ucb1PrintsARowPerCheckpointThatFits) {
  const Output out = RunSorOmega(server_->address(), "--policy=ucb1 --instances=300 --seed=3");
  ASSERT_EQ(out.exit_code, 0) << out.text << "\n" << server_->LogTail();
  EXPECT_TRUE(RowOf(out.text, 200).found) << out.text;
  EXPECT_TRUE(RowOf(out.text, 300).found) << out.text;
  EXPECT_FALSE(RowOf(out.text, 1000).found) << out.text;
  EXPECT_NE(out.text.find("ucb1 after 300 rewards"), std::string::npos) << out.text;
}

TEST_F(SorOmegaTest, RefusesAStudyThatAlreadyHasTrials) {
  const std::string flags = "--policy=thompson --instances=20 --study-prefix=again";
  ASSERT_EQ(RunSorOmega(server_->address(), flags).exit_code, 0);
  const Output again = RunSorOmega(server_->address(), flags);
  EXPECT_EQ(again.exit_code, 1) << again.text;
  EXPECT_NE(again.text.find("studies/again-thompson-s1 already has trials"), std::string::npos)
      << again.text;
}

TEST_F(SorOmegaTest, MakesTheInProcessSimulationsChoicesGivenItsSeeds) {
  // bench_bandit_sor's first sequence of base seed 1.
  const uint64_t seed = algorithms::MixSeed(1, 0);
  const uint64_t study_seed = algorithms::MixSeed(1, 1000);
  for (const char* policy : {"linucb", "thompson"}) {
    const Output out = RunSorOmega(
        server_->address(), absl::StrCat("--policy=", policy, " --instances=200 --seed=", seed,
                                         " --study-seed=", study_seed));
    ASSERT_EQ(out.exit_code, 0) << out.text << "\n" << server_->LogTail();
    const Row row = RowOf(out.text, 200);
    ASSERT_TRUE(row.found) << out.text;
    EXPECT_EQ(row.total, SimulatedTotal(policy, 200, seed, study_seed)) << policy << "\n"
                                                                        << out.text;
  }
}

}  // namespace
}  // namespace hyperd
