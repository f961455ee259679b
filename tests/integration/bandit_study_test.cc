// Bandit studies (ucb1, thompson, exp3, tsallis_inf, linucb) through a real in-process gRPC
// server: settings are validated with field paths and their defaults spelled out; contexts are
// checked; pending pulls spread parallel workers over the arms; each finished trial's reward is
// applied exactly once, in completion order, whenever it arrives; ListArms shows what the policy
// learned; and a restart leaves the policy exactly as it was (same statistics, same decisions).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/test_server.h"

namespace hyperd {
namespace {

using ::hyperd::testing::Call;
using ::hyperd::testing::ParseText;
using ::testing::HasSubstr;
using Stub = v1::Hyperd::Stub;
using v1::Trial;

// Eight arms ("a".."h"); the study maximises "reward", already in [0, 1].
constexpr char kStudyText[] = R"pb(
  spec {
    search_space {
      parameters {
        name: "arm"
        categorical_spec {
          values: "a"
          values: "b"
          values: "c"
          values: "d"
          values: "e"
          values: "f"
          values: "g"
          values: "h"
        }
      }
    }
    objective { metric: "reward" goal: MAXIMIZE }
    seed: 7
  }
)pb";

// The mean reward of each arm: "c" is best.
double MeanOf(const std::string& arm) { return arm == "c" ? 0.8 : 0.3; }

std::string ArmOf(const Trial& trial) { return trial.parameters(0).categorical_value(); }

class BanditStudyTest : public ::testing::Test {
 protected:
  grpc::Status Create(const std::string& id, const std::string& sampler_text,
                      int context_dimension = 0, v1::Study* created = nullptr) {
    v1::CreateStudyRequest request;
    request.set_study_id(id);
    *request.mutable_study() = ParseText<v1::Study>(kStudyText);
    v1::StudySpec& spec = *request.mutable_study()->mutable_spec();
    *spec.mutable_sampler() = ParseText<v1::SamplerSpec>(sampler_text);
    spec.set_context_dimension(context_dimension);
    v1::Study response;
    grpc::Status status = Call(server_.stub(), &Stub::CreateStudy, request, &response);
    if (created != nullptr) *created = response;
    return status;
  }

  grpc::Status TrySuggest(const std::string& study, const std::string& client, int count,
                          const std::vector<double>& context, std::vector<Trial>* trials) {
    v1::SuggestTrialsRequest request;
    request.set_parent("studies/" + study);
    request.set_client_id(client);
    request.set_count(count);
    for (double x : context) request.add_context(x);
    v1::SuggestTrialsResponse response;
    grpc::Status status = Call(server_.stub(), &Stub::SuggestTrials, request, &response);
    trials->assign(response.trials().begin(), response.trials().end());
    return status;
  }

  std::vector<Trial> Suggest(const std::string& study, const std::string& client, int count = 1,
                             const std::vector<double>& context = {}) {
    std::vector<Trial> trials;
    grpc::Status status = TrySuggest(study, client, count, context, &trials);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return trials;
  }

  grpc::Status Complete(const Trial& trial, double value, Trial* completed = nullptr) {
    v1::CompleteTrialRequest request;
    request.set_name(trial.name());
    request.mutable_final_measurement()->set_step(1);
    (*request.mutable_final_measurement()->mutable_metrics())["reward"] = value;
    Trial response;
    grpc::Status status = Call(server_.stub(), &Stub::CompleteTrial, request, &response);
    if (completed != nullptr) *completed = response;
    return status;
  }

  v1::ListArmsResponse Arms(const std::string& study) {
    v1::ListArmsRequest request;
    request.set_parent("studies/" + study);
    request.set_page_size(1000);
    v1::ListArmsResponse response;
    grpc::Status status = Call(server_.stub(), &Stub::ListArms, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // A deterministic reward stream: arm means from MeanOf, with a seeded wobble.
  double RewardFor(const Trial& trial) {
    const double wobble = ((trial.number() * 7919) % 11) / 50.0 - 0.1;
    return MeanOf(ArmOf(trial)) + wobble;
  }

  // `rounds` sequential suggest/complete rounds; the arms chosen, in order.
  std::vector<std::string> Run(const std::string& study, int rounds,
                               const std::vector<double>& context = {}) {
    std::vector<std::string> arms;
    for (int i = 0; i < rounds; ++i) {
      std::vector<Trial> trials = Suggest(study, "worker", 1, context);
      if (trials.size() != 1) break;
      arms.push_back(ArmOf(trials[0]));
      EXPECT_TRUE(Complete(trials[0], RewardFor(trials[0])).ok());
    }
    return arms;
  }

  testing::TestServer server_;
};

TEST_F(BanditStudyTest, DefaultsAreSpelledOutInTheStoredSpec) {
  v1::Study study;
  ASSERT_TRUE(Create("ucb", "ucb1 {}", 0, &study).ok());
  const v1::Ucb1Sampler& ucb1 = study.spec().sampler().ucb1();
  EXPECT_EQ(ucb1.alpha(), 2);
  EXPECT_EQ(ucb1.drift().kind(), v1::BanditDrift::NONE);
  EXPECT_EQ(ucb1.reward().scale(), v1::BanditReward::UNIT);

  ASSERT_TRUE(Create("ts", "thompson {}", 0, &study).ok());
  EXPECT_EQ(study.spec().sampler().thompson().prior(), v1::ThompsonSampler::BETA);
  EXPECT_EQ(study.spec().sampler().thompson().prior_alpha(), 1);
  EXPECT_EQ(study.spec().sampler().thompson().prior_beta(), 1);

  ASSERT_TRUE(Create("lin", "linucb {}", 3, &study).ok());
  EXPECT_EQ(study.spec().sampler().linucb().alpha(), 0.5);
  EXPECT_EQ(study.spec().sampler().linucb().ridge(), 1);
  EXPECT_EQ(study.spec().sampler().linucb().target(), v1::LinUcbSampler::NEGATIVE_LOSS);

  ASSERT_TRUE(Create("tsallis", "tsallis_inf {}", 0, &study).ok());
  EXPECT_EQ(study.spec().sampler().tsallis_inf().learning_rate(), 2);
  EXPECT_THAT(study.sampler_status(), HasSubstr("tsallis_inf: 8 arms, 0 rewards"));

  // Get-or-create compares the normalised specs: the same request gets the same study.
  EXPECT_TRUE(Create("ucb", "ucb1 {}").ok());
  EXPECT_TRUE(Create("ucb", "ucb1 { alpha: 2 }").ok());
  EXPECT_EQ(Create("ucb", "ucb1 { alpha: 1 }").error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(BanditStudyTest, BadSettingsAreRefusedWithTheirFieldPath) {
  struct Case {
    std::string sampler;
    int context_dimension;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"ucb1 { alpha: -1 }", 0, "study.spec.sampler.ucb1.alpha: "},
      {"ucb1 { reward { scale: CAPPED_COST } }", 0, "study.spec.sampler.ucb1.reward.cap: "},
      {"thompson { reward { failure_reward: 2 } }", 0,
       "study.spec.sampler.thompson.reward.failure_reward: must be a reward in [0, 1]"},
      {"thompson { drift { kind: SLIDING_WINDOW } }", 0, "study.spec.sampler.thompson.drift"},
      {"exp3 { gamma: 2 }", 0, "study.spec.sampler.exp3.gamma: "},
      {"linucb {}", 0, "study.spec.context_dimension: linucb regresses on the context vector"},
      {"linucb { ridge: -1 }", 2, "study.spec.sampler.linucb.ridge: "},
  };
  for (const Case& c : cases) {
    grpc::Status status = Create("bad", c.sampler, c.context_dimension);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.sampler;
    EXPECT_THAT(status.error_message(), HasSubstr(c.message)) << c.sampler;
  }

  // A float without a step has no finite set of arms.
  v1::CreateStudyRequest request;
  request.set_study_id("float");
  *request.mutable_study() = ParseText<v1::Study>(R"pb(
    spec {
      search_space {
        parameters {
          name: "lr"
          double_spec { min: 0.001 max: 0.1 }
        }
      }
      objective { metric: "loss" }
      sampler { ucb1 {} }
    }
  )pb");
  v1::Study response;
  grpc::Status status = Call(server_.stub(), &Stub::CreateStudy, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("study.spec.search_space.parameters[0] ('lr'): a bandit arm needs a "
                        "finite set of values"));
  // A stepped float is fine: its grid points are the arms.
  request.mutable_study()
      ->mutable_spec()
      ->mutable_search_space()
      ->mutable_parameters(0)
      ->mutable_double_spec()
      ->set_step(0.001);
  EXPECT_TRUE(Call(server_.stub(), &Stub::CreateStudy, request, &response).ok());
  v1::ListArmsResponse arms = Arms("float");
  EXPECT_EQ(arms.arm_count(), 100);
}

TEST_F(BanditStudyTest, AContextOfTheWrongLengthIsRefusedAndChangesNothing) {
  ASSERT_TRUE(Create("lin", "linucb {}", 2).ok());
  std::vector<Trial> trials;
  for (const std::vector<double>& context : std::vector<std::vector<double>>{{}, {1, 2, 3}}) {
    grpc::Status status = TrySuggest("lin", "w", 1, context, &trials);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(),
                HasSubstr("context: has " + std::to_string(context.size()) +
                          " values but the study declares context_dimension 2"));
  }
  EXPECT_EQ(TrySuggest("lin", "w", 1, {1, NAN}, &trials).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Arms("lin").rewards_applied(), 0);
  v1::Study study;
  v1::GetStudyRequest get;
  get.set_name("studies/lin");
  ASSERT_TRUE(Call(server_.stub(), &Stub::GetStudy, get, &study).ok());
  EXPECT_EQ(study.trial_counts().active(), 0);

  trials = Suggest("lin", "w", 1, {1, 0.5});
  ASSERT_EQ(trials.size(), 1u);
  EXPECT_THAT(trials[0].context(), ::testing::ElementsAre(1, 0.5));
}

TEST_F(BanditStudyTest, ParallelWorkersGetDifferentArmsWhileRewardsArePending) {
  // 32 workers ask at once before any reward arrives: UCB counts pending pulls as virtual pulls,
  // so the 8 arms are spread evenly (4 each) instead of all workers getting the same arm.
  ASSERT_TRUE(Create("parallel", "ucb1 {}").ok());
  std::vector<std::vector<Trial>> received(32);
  std::vector<std::thread> workers;
  for (int w = 0; w < 32; ++w) {
    workers.emplace_back([&, w] {
      v1::SuggestTrialsRequest request;
      request.set_parent("studies/parallel");
      request.set_client_id("worker-" + std::to_string(w));
      v1::SuggestTrialsResponse response;
      grpc::ClientContext context;
      if (server_.stub().SuggestTrials(&context, request, &response).ok()) {
        received[w].assign(response.trials().begin(), response.trials().end());
      }
    });
  }
  for (std::thread& t : workers) t.join();
  std::map<std::string, int> per_arm;
  std::set<int64_t> numbers;
  for (const std::vector<Trial>& trials : received) {
    ASSERT_EQ(trials.size(), 1u);
    ++per_arm[ArmOf(trials[0])];
    numbers.insert(trials[0].number());
  }
  EXPECT_EQ(numbers.size(), 32u);
  EXPECT_EQ(per_arm.size(), 8u);
  for (const auto& [arm, count] : per_arm) EXPECT_EQ(count, 4) << arm;
  v1::ListArmsResponse arms = Arms("parallel");
  for (const v1::ArmStatistics& arm : arms.arms()) {
    EXPECT_EQ(arm.pending(), 4);
    EXPECT_EQ(arm.pulls(), 0);
  }

  // One request for a batch spreads the same way.
  ASSERT_TRUE(Create("batch", "ucb1 {}").ok());
  std::set<std::string> batch_arms;
  for (const Trial& trial : Suggest("batch", "w", 8)) batch_arms.insert(ArmOf(trial));
  EXPECT_EQ(batch_arms.size(), 8u);
}

TEST_F(BanditStudyTest, LearnsTheBestArmAndShowsItInListArms) {
  for (const std::string sampler :
       {"ucb1 {}", "ucb1 { tuned: true }", "thompson {}", "exp3 { horizon: 300 }", "tsallis_inf {}",
        "ucb1 { drift { kind: DISCOUNTED } }"}) {
    SCOPED_TRACE(sampler);
    const std::string id = "learn" + std::to_string(std::hash<std::string>()(sampler) % 100000);
    ASSERT_TRUE(Create(id, sampler).ok());
    std::vector<std::string> arms = Run(id, 300);
    ASSERT_EQ(arms.size(), 300u);
    // Uniform choice would pick the best of 8 arms 12.5 times in 100 (standard deviation 3.3);
    // EXP3 (gamma = 0.18 for this horizon) and D-UCB keep exploring, so ask for 30.
    int best_in_last_100 = 0;
    for (size_t i = 200; i < arms.size(); ++i) best_in_last_100 += arms[i] == "c" ? 1 : 0;
    EXPECT_GE(best_in_last_100, 30);

    v1::ListArmsResponse listed = Arms(id);
    EXPECT_EQ(listed.arm_count(), 8);
    EXPECT_EQ(listed.rewards_applied(), 300);
    int64_t pulls = 0;
    const v1::ArmStatistics* best = nullptr;
    for (const v1::ArmStatistics& arm : listed.arms()) {
      pulls += arm.pulls();
      EXPECT_EQ(arm.pending(), 0);
      EXPECT_LE(arm.lower_bound(), arm.mean_reward());
      EXPECT_GE(arm.upper_bound(), arm.mean_reward());
      if (best == nullptr || arm.pulls() > best->pulls()) best = &arm;
    }
    EXPECT_EQ(pulls, 300);
    ASSERT_NE(best, nullptr);
    EXPECT_EQ(best->parameters(0).categorical_value(), "c");
    EXPECT_NEAR(best->mean_reward(), 0.8, 0.1);
  }
}

TEST_F(BanditStudyTest, LinUcbLearnsWhichArmSuitsWhichContext) {
  // Context [1, u]: arm "a" is best for u = 0, arm "h" for u = 1.
  ASSERT_TRUE(Create("ctx", "linucb {}", 2).ok());
  int right_late = 0;
  for (int i = 0; i < 400; ++i) {
    const double u = i % 2;
    std::vector<Trial> trials = Suggest("ctx", "w", 1, {1, u});
    ASSERT_EQ(trials.size(), 1u);
    const std::string arm = ArmOf(trials[0]);
    const std::string best = u == 0 ? "a" : "h";
    if (i >= 300 && arm == best) ++right_late;
    ASSERT_TRUE(Complete(trials[0], arm == best ? 0.9 : 0.2).ok());
  }
  EXPECT_GE(right_late, 80);
}

TEST_F(BanditStudyTest, RewardsArriveLateInAnyOrderAndApplyExactlyOnce) {
  ASSERT_TRUE(Create("late", "thompson {}").ok());
  std::vector<Trial> trials = Suggest("late", "w", 6);
  ASSERT_EQ(trials.size(), 6u);
  // Completed in reverse order: rewards are numbered in completion order.
  for (int i = 5; i >= 0; --i) {
    Trial completed;
    ASSERT_TRUE(Complete(trials[i], 0.5, &completed).ok());
    EXPECT_EQ(completed.bandit().reward_sequence(), 6 - i);
    EXPECT_EQ(completed.bandit().reward(), 0.5);
    EXPECT_EQ(completed.bandit().probability(), 1);
  }
  // A retried completion is refused and applies nothing.
  EXPECT_EQ(Complete(trials[0], 1.0).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Arms("late").rewards_applied(), 6);
  // A report for a trial that does not exist is refused as usual.
  Trial ghost = trials[0];
  ghost.set_name("studies/late/trials/99");
  EXPECT_EQ(Complete(ghost, 1.0).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(BanditStudyTest, FailuresTeachNothingUnlessTheStudySetsAFailureReward) {
  ASSERT_TRUE(Create("fail", "ucb1 {}").ok());
  ASSERT_TRUE(Create("fail0", "ucb1 { reward { failure_reward: 0 } }").ok());
  for (const std::string id : {"fail", "fail0"}) {
    std::vector<Trial> trials = Suggest(id, "w", 3);
    ASSERT_EQ(trials.size(), 3u);
    v1::FailTrialRequest fail;
    fail.set_name(trials[0].name());
    Trial failed;
    ASSERT_TRUE(Call(server_.stub(), &Stub::FailTrial, fail, &failed).ok());
    // A diverged run (non-finite objective) gets the minimum reward, as does an infeasible one.
    Trial diverged;
    ASSERT_TRUE(Complete(trials[1], NAN, &diverged).ok());
    EXPECT_EQ(diverged.state(), Trial::FAILED);
    EXPECT_EQ(diverged.bandit().reward(), 0);
    v1::CompleteTrialRequest infeasible;
    infeasible.set_name(trials[2].name());
    infeasible.set_infeasible(true);
    Trial marked;
    ASSERT_TRUE(Call(server_.stub(), &Stub::CompleteTrial, infeasible, &marked).ok());
    EXPECT_EQ(marked.bandit().reward(), 0);

    v1::ListArmsResponse arms = Arms(id);
    for (const v1::ArmStatistics& arm : arms.arms()) EXPECT_EQ(arm.pending(), 0);
    if (id == "fail") {
      EXPECT_FALSE(failed.bandit().has_reward());
      EXPECT_EQ(arms.rewards_applied(), 2);
    } else {
      EXPECT_EQ(failed.bandit().reward(), 0);
      EXPECT_EQ(arms.rewards_applied(), 3);
    }
  }
}

TEST_F(BanditStudyTest, ExpiredLeasesFreeTheirPendingPulls) {
  ASSERT_TRUE(Create("lease", "ucb1 {}").ok());
  ASSERT_EQ(Suggest("lease", "w", 2).size(), 2u);
  server_.clock().Advance(absl::Hours(1));
  EXPECT_EQ(server_.Reap(), 2);
  v1::ListArmsResponse arms = Arms("lease");
  EXPECT_EQ(arms.rewards_applied(), 0);
  for (const v1::ArmStatistics& arm : arms.arms()) EXPECT_EQ(arm.pending(), 0);
}

TEST_F(BanditStudyTest, QueuedTrialsMustBeArmsAndTeachThePolicyWhenTheyFinish) {
  ASSERT_TRUE(Create("queued", "exp3 {}").ok());
  v1::CreateTrialRequest request;
  request.set_parent("studies/queued");
  v1::Parameter* parameter = request.mutable_trial()->add_parameters();
  parameter->set_name("arm");
  parameter->set_categorical_value("z");
  Trial created;
  grpc::Status status = Call(server_.stub(), &Stub::CreateTrial, request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  parameter->set_categorical_value("e");
  ASSERT_TRUE(Call(server_.stub(), &Stub::CreateTrial, request, &created).ok());
  EXPECT_EQ(created.bandit().arm(), 4);
  std::vector<Trial> trials = Suggest("queued", "w");
  ASSERT_EQ(trials.size(), 1u);
  EXPECT_EQ(trials[0].number(), created.number());
  // EXP3 records the probability the policy gave the arm when the trial started (uniform here).
  EXPECT_DOUBLE_EQ(trials[0].bandit().probability(), 1.0 / 8);
  Trial completed;
  ASSERT_TRUE(Complete(trials[0], 1.0, &completed).ok());
  EXPECT_EQ(completed.bandit().reward_sequence(), 1);
  EXPECT_EQ(Arms("queued").arms(4).pulls(), 1);
}

TEST_F(BanditStudyTest, ListArmsPagesAndRefusesStudiesWithoutArms) {
  ASSERT_TRUE(Create("pages", "ucb1 {}").ok());
  v1::ListArmsRequest request;
  request.set_parent("studies/pages");
  request.set_page_size(3);
  std::vector<std::string> seen;
  while (true) {
    v1::ListArmsResponse response;
    ASSERT_TRUE(Call(server_.stub(), &Stub::ListArms, request, &response).ok());
    for (const v1::ArmStatistics& arm : response.arms()) {
      EXPECT_EQ(arm.arm(), static_cast<int>(seen.size()));
      seen.push_back(arm.parameters(0).categorical_value());
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("a", "b", "c", "d", "e", "f", "g", "h"));

  ASSERT_TRUE(Create("random", "random {}").ok());
  request.set_parent("studies/random");
  request.clear_page_token();
  v1::ListArmsResponse response;
  grpc::Status status = Call(server_.stub(), &Stub::ListArms, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("ListArms is for bandit studies"));
}

TEST_F(BanditStudyTest, ARestartLeavesThePolicyExactlyAsItWas) {
  struct Policy {
    std::string sampler;
    int context_dimension;
  };
  const std::vector<Policy> policies = {
      {"ucb1 {}", 0},     {"ucb1 { drift { kind: SLIDING_WINDOW window: 20 } }", 0},
      {"thompson {}", 0}, {"thompson { drift { kind: DISCOUNTED } }", 0},
      {"exp3 {}", 0},     {"tsallis_inf {}", 0},
      {"linucb {}", 2},
  };
  std::vector<std::vector<std::string>> twin_next;
  std::vector<std::string> before;
  for (size_t p = 0; p < policies.size(); ++p) {
    SCOPED_TRACE(policies[p].sampler);
    const std::vector<double> context =
        policies[p].context_dimension > 0 ? std::vector<double>{1, 0.5} : std::vector<double>{};
    // Two identical studies see the same history; one keeps running without a restart.
    for (const std::string prefix : {"main", "twin"}) {
      const std::string id = prefix + std::to_string(p);
      ASSERT_TRUE(Create(id, policies[p].sampler, policies[p].context_dimension).ok());
      Run(id, 60, context);
      // A pending pull survives the restart too.
      ASSERT_EQ(Suggest(id, "holder", 1, context).size(), 1u);
    }
    twin_next.push_back(Run("twin" + std::to_string(p), 20, context));
    before.push_back(Arms("main" + std::to_string(p)).DebugString());
  }
  server_.Restart();
  for (size_t p = 0; p < policies.size(); ++p) {
    SCOPED_TRACE(policies[p].sampler);
    const std::vector<double> context =
        policies[p].context_dimension > 0 ? std::vector<double>{1, 0.5} : std::vector<double>{};
    const std::string id = "main" + std::to_string(p);
    EXPECT_EQ(Arms(id).DebugString(), before[p]);
    EXPECT_EQ(Run(id, 20, context), twin_next[p]);
  }
}

}  // namespace
}  // namespace hyperd
