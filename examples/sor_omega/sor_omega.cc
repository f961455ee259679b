// sor_omega: a bandit study on a running hyperd picks the SOR relaxation omega for a sequence of
// linear systems ("Learning to Relax", Khodak et al., ICLR 2024; specs/bandits.md §6).
//
// Each instance is A x = 1 with A = tridiag(-1, 2 + c, -1), n = 50, and a shift c drawn from
// eight values. For each instance the program asks hyperd for an omega (SuggestTrials; with
// --policy=linucb it sends the instance's features [1, u, u^2], u = normalised log c, as the
// context), runs SOR with it, and reports the sweep count (CompleteTrial, metric "iterations").
// The study turns the count into the reward 1 - min(iterations, 1000) / 1000 (CAPPED_COST).
//
// At the end it compares the total sweeps with two baselines computed from the same sequence:
// the best fixed omega in hindsight (one grid omega for every instance) and the instance-optimal
// omega (the best grid omega of each instance, which only a policy that sees c can approach).
//
//   hyperd --data-dir=/tmp/hyperd-data --listen=127.0.0.1:50051 &
//   sor_omega --address=127.0.0.1:50051 --policy=linucb --instances=5000 --seed=1
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/bandits/sor_fixture.h"
#include "bench/bandits/sor_solver.h"
#include "client/cpp/hyperd_client.h"
#include "common/status_macros.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50051", "hyperd's gRPC address.");
ABSL_FLAG(std::string, policy, "linucb", "ucb1, thompson, exp3, tsallis_inf or linucb.");
ABSL_FLAG(int64_t, instances, 5000, "Linear systems in the sequence.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the instance sequence (which shift c each system has).");
ABSL_FLAG(uint64_t, study_seed, 0,
          "The study's seed: the policy's random choices for trial t use MixSeed(study_seed, t). "
          "0: use --seed.");
ABSL_FLAG(std::string, study_prefix, "sor-omega",
          "The study is <prefix>-<policy>-s<seed>; it must not have trials yet.");

namespace {

using hyperd::bench::SorFixture;
namespace v1 = hyperd::v1;

constexpr int kMatrixSize = 50;  // n (spec §6)
constexpr double kCap = 1000;    // loss cap in iterations (spec §0, §7.3)
constexpr double kOmegaStep = 0.05;

// The study: one stepped float "omega" over the fixture's grid 1.00, 1.05, ..., 1.95 (20 arms),
// minimising "iterations", learned by `policy` from the capped-cost reward.
absl::StatusOr<v1::CreateStudyRequest> StudyRequest(const std::string& id,
                                                    const std::string& policy,
                                                    const SorFixture& fixture, int64_t instances,
                                                    uint64_t seed) {
  v1::CreateStudyRequest request;
  request.set_study_id(id);
  v1::StudySpec* spec = request.mutable_study()->mutable_spec();
  v1::ParameterSpec* omega = spec->mutable_search_space()->add_parameters();
  omega->set_name("omega");
  omega->mutable_double_spec()->set_min(fixture.omega(0));
  omega->mutable_double_spec()->set_max(fixture.omega(fixture.arm_count() - 1));
  omega->mutable_double_spec()->set_step(kOmegaStep);
  spec->mutable_objective()->set_metric("iterations");
  spec->mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  spec->set_seed(seed);

  v1::BanditReward reward;
  reward.set_scale(v1::BanditReward::CAPPED_COST);
  reward.set_cap(kCap);
  v1::SamplerSpec* sampler = spec->mutable_sampler();
  if (policy == "ucb1") {
    *sampler->mutable_ucb1()->mutable_reward() = reward;
  } else if (policy == "thompson") {
    *sampler->mutable_thompson()->mutable_reward() = reward;
  } else if (policy == "exp3") {
    sampler->mutable_exp3()->set_horizon(instances);  // EXP3's exploration is tuned for T
    *sampler->mutable_exp3()->mutable_reward() = reward;
  } else if (policy == "tsallis_inf") {
    *sampler->mutable_tsallis_inf()->mutable_reward() = reward;
  } else if (policy == "linucb") {
    spec->set_context_dimension(3);  // [1, u, u^2]
    *sampler->mutable_linucb()->mutable_reward() = reward;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--policy=", policy,
                     " is not a bandit policy; use ucb1, thompson, exp3, tsallis_inf or "
                     "linucb"));
  }
  return request;
}

// Trials a study has, in any state.
int TrialCount(const v1::TrialCounts& n) {
  return n.requested() + n.active() + n.stopping() + n.succeeded() + n.pruned() + n.failed() +
         n.infeasible();
}

// Total sweeps of the first `count` instances: per grid omega, and with each instance's best.
struct Baselines {
  int64_t best_fixed = 0;
  double best_fixed_omega = 0;
  int64_t instance_optimal = 0;
};

Baselines ComputeBaselines(const SorFixture& fixture, const std::vector<int>& shifts,
                           int64_t count) {
  std::vector<int64_t> per_omega(fixture.arm_count(), 0);
  Baselines b;
  for (int64_t t = 0; t < count; ++t) {
    for (int arm = 0; arm < fixture.arm_count(); ++arm) {
      per_omega[arm] += fixture.Iterations(shifts[t], arm);
    }
    b.instance_optimal += fixture.InstanceOptimalIterations(shifts[t]);
  }
  const int best =
      static_cast<int>(std::min_element(per_omega.begin(), per_omega.end()) - per_omega.begin());
  b.best_fixed = per_omega[best];
  b.best_fixed_omega = fixture.omega(best);
  return b;
}

absl::Status Run() {
  const std::string policy = absl::GetFlag(FLAGS_policy);
  const int64_t instances = absl::GetFlag(FLAGS_instances);
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  const uint64_t study_seed =
      absl::GetFlag(FLAGS_study_seed) != 0 ? absl::GetFlag(FLAGS_study_seed) : seed;
  if (instances < 1) return absl::InvalidArgumentError("--instances must be at least 1");

  // The instance sequence, and every (c, omega) sweep count for the baselines (160 solves).
  ASSIGN_OR_RETURN(SorFixture fixture, SorFixture::Create(hyperd::bench::SorFixtureOptions{}));
  const std::vector<int> shifts = fixture.DrawInstances(instances, seed);

  hyperd::ClientOptions options;
  options.address = absl::GetFlag(FLAGS_address);
  ASSIGN_OR_RETURN(std::unique_ptr<hyperd::Client> client, hyperd::Client::Create(options));
  const std::string study_id =
      absl::StrCat(absl::GetFlag(FLAGS_study_prefix), "-", policy, "-s", seed);
  ASSIGN_OR_RETURN(v1::CreateStudyRequest create,
                   StudyRequest(study_id, policy, fixture, instances, study_seed));
  ASSIGN_OR_RETURN(v1::Study study, client->CreateStudy(create));
  if (TrialCount(study.trial_counts()) > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(study.name(),
                     " already has trials from an earlier run; pass another --study-prefix or "
                     "delete the study (hyperctl study delete ",
                     study_id, ")"));
  }
  std::printf("%s: %s picks omega in [%.2f, %.2f] for %lld SOR instances (seed %llu)\n",
              study.name().c_str(), policy.c_str(), fixture.omega(0),
              fixture.omega(fixture.arm_count() - 1), static_cast<long long>(instances),
              static_cast<unsigned long long>(seed));

  const std::string client_id = hyperd::DefaultClientId();
  hyperd::bench::SorOptions sor;  // tolerance 1e-8 (spec §6)
  std::vector<int64_t> sweeps(instances, 0);
  const absl::Time start = absl::Now();
  for (int64_t t = 0; t < instances; ++t) {
    const double c = fixture.shift(shifts[t]);
    // 1. Ask for an omega. LinUCB sees the instance's features.
    v1::SuggestTrialsRequest suggest;
    suggest.set_parent(study.name());
    suggest.set_count(1);
    suggest.set_client_id(client_id);
    if (policy == "linucb") {
      for (double feature : fixture.Context(shifts[t])) suggest.add_context(feature);
    }
    ASSIGN_OR_RETURN(v1::SuggestTrialsResponse reply, client->SuggestTrials(suggest));
    if (reply.trials_size() != 1) {
      return absl::InternalError(
          absl::StrCat("instance ", t, ": SuggestTrials returned ", reply.trials_size(),
                       " trials, reason ", v1::SuggestTrialsResponse::Reason_Name(reply.reason())));
    }
    const v1::Trial& trial = reply.trials(0);
    const double omega = trial.parameters(0).double_value();

    // 2. Solve the system with it, counting SOR sweeps.
    ASSIGN_OR_RETURN(sweeps[t],
                     hyperd::bench::SorIterations(hyperd::bench::ShiftedLaplacian1d(kMatrixSize, c),
                                                  Eigen::VectorXd::Ones(kMatrixSize), omega, sor));

    // 3. Report the cost; the study turns it into the policy's reward.
    v1::CompleteTrialRequest complete;
    complete.set_name(trial.name());
    complete.set_client_id(client_id);
    (*complete.mutable_final_measurement()->mutable_metrics())["iterations"] =
        static_cast<double>(sweeps[t]);
    RETURN_IF_ERROR(client->CompleteTrial(complete).status());
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("%lld instances in %.1f s (%.0f us per suggest + solve + complete)\n\n",
              static_cast<long long>(instances), seconds, 1e6 * seconds / instances);

  // Totals at 200, 1,000 and 5,000 instances (those that fit) and at the end.
  std::vector<int64_t> checkpoints;
  for (int64_t c : {int64_t{200}, int64_t{1000}, int64_t{5000}}) {
    if (c < instances) checkpoints.push_back(c);
  }
  checkpoints.push_back(instances);
  std::printf(
      "| instances | %s sweeps | best fixed omega (hindsight) | instance-optimal | "
      "%s / best fixed | %s / instance-optimal | instance-optimal / best fixed |\n"
      "|---|---|---|---|---|---|---|\n",
      policy.c_str(), policy.c_str(), policy.c_str());
  int64_t total = 0;
  int64_t done = 0;
  for (int64_t checkpoint : checkpoints) {
    while (done < checkpoint) total += sweeps[done++];
    const Baselines b = ComputeBaselines(fixture, shifts, checkpoint);
    std::printf("| %lld | %lld | %lld (omega %.2f) | %lld | %.3f | %.3f | %.3f |\n",
                static_cast<long long>(checkpoint), static_cast<long long>(total),
                static_cast<long long>(b.best_fixed), b.best_fixed_omega,
                static_cast<long long>(b.instance_optimal),
                static_cast<double>(total) / b.best_fixed,
                static_cast<double>(total) / b.instance_optimal,
                static_cast<double>(b.instance_optimal) / b.best_fixed);
  }

  // What the policy learned: the most pulled omegas (ListArms).
  v1::ListArmsRequest arms_request;
  arms_request.set_parent(study.name());
  ASSIGN_OR_RETURN(v1::ListArmsResponse arms, client->ListAllArms(arms_request));
  std::vector<v1::ArmStatistics> by_pulls(arms.arms().begin(), arms.arms().end());
  std::sort(
      by_pulls.begin(), by_pulls.end(),
      [](const v1::ArmStatistics& a, const v1::ArmStatistics& b) { return a.pulls() > b.pulls(); });
  std::printf("\n%s after %lld rewards, most pulled omegas:", arms.algorithm().c_str(),
              static_cast<long long>(arms.rewards_applied()));
  for (size_t i = 0; i < by_pulls.size() && i < 5; ++i) {
    std::printf(" %.2f (%lld pulls)", by_pulls[i].parameters(0).double_value(),
                static_cast<long long>(by_pulls[i].pulls()));
  }
  std::printf("\n");
  return absl::OkStatus();
}

// Flags may be spelled with dashes (--study-prefix) like hyperd's; Abseil names them with
// underscores.
void NormalizeFlagDashes(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char* arg = argv[i];
    if (arg[0] != '-' || arg[1] != '-') continue;
    if (arg[2] == '\0') break;  // "--" ends the flags
    for (char* c = arg + 2; *c != '\0' && *c != '='; ++c) {
      if (*c == '-') *c = '_';
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Tunes the SOR relaxation omega across a sequence of linear systems with a hyperd bandit "
      "study.\n  sor_omega --address=127.0.0.1:50051 --policy=linucb --instances=5000");
  NormalizeFlagDashes(argc, argv);
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = Run();
  if (!status.ok()) {
    std::fprintf(stderr, "sor_omega: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
