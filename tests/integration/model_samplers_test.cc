// The model-based samplers (gp, tpe, bohb) through a real in-process gRPC server: defaults are
// spelled out in the stored spec, settings are validated with field paths, suggestions are valid
// and distinct across a batch and across parallel workers, a model phase follows the start-up
// phase, and a restart suggests exactly what the server would have suggested without it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "tests/testing/test_server.h"

namespace hyperd {
namespace {

using ::hyperd::testing::Call;
using ::hyperd::testing::ParseText;
using ::testing::HasSubstr;
using Stub = v1::Hyperd::Stub;
using v1::Trial;

// A 2-D quadratic with its minimum at (0.3, 0.7), plus an integer and a categorical whose best
// values are 3 and "b".
constexpr char kStudyText[] = R"pb(
  spec {
    search_space {
      parameters {
        name: "x"
        double_spec { min: 0 max: 1 }
      }
      parameters {
        name: "y"
        double_spec { min: 0.01 max: 1 scale: LOG }
      }
      parameters {
        name: "n"
        integer_spec { min: 1 max: 6 }
      }
      parameters {
        name: "kind"
        categorical_spec { values: "a" values: "b" values: "c" }
      }
    }
    objective { metric: "loss" goal: MINIMIZE }
    seed: 11
  }
)pb";

double Loss(const Trial& trial) {
  double x = 0, y = 0, n = 0;
  std::string kind;
  for (const v1::Parameter& p : trial.parameters()) {
    if (p.name() == "x") x = p.double_value();
    if (p.name() == "y") y = p.double_value();
    if (p.name() == "n") n = static_cast<double>(p.int_value());
    if (p.name() == "kind") kind = p.categorical_value();
  }
  return (x - 0.3) * (x - 0.3) + (std::log10(y) + 0.5) * (std::log10(y) + 0.5) +
         0.1 * (n - 3) * (n - 3) + (kind == "b" ? 0.0 : 0.5);
}

std::string Key(const Trial& trial) {
  std::string key;
  for (const v1::Parameter& p : trial.parameters()) key += p.ShortDebugString() + ";";
  return key;
}

class ModelSamplersTest : public ::testing::Test {
 protected:
  grpc::Status Create(const std::string& id, const std::string& sampler_text,
                      const std::string& scheduler_text = "", int64_t max_resource = 0,
                      v1::Study* created = nullptr) {
    v1::CreateStudyRequest request;
    request.set_study_id(id);
    *request.mutable_study() = ParseText<v1::Study>(kStudyText);
    v1::StudySpec& spec = *request.mutable_study()->mutable_spec();
    *spec.mutable_sampler() = ParseText<v1::SamplerSpec>(sampler_text);
    if (!scheduler_text.empty()) {
      *spec.mutable_scheduler() = ParseText<v1::SchedulerSpec>(scheduler_text);
    }
    spec.mutable_resource()->set_max_resource(max_resource);
    v1::Study response;
    grpc::Status status = Call(server_.stub(), &Stub::CreateStudy, request, &response);
    if (created != nullptr) *created = response;
    return status;
  }

  std::vector<Trial> Suggest(const std::string& study, const std::string& client, int count) {
    v1::SuggestTrialsRequest request;
    request.set_parent("studies/" + study);
    request.set_client_id(client);
    request.set_count(count);
    v1::SuggestTrialsResponse response;
    grpc::Status status = Call(server_.stub(), &Stub::SuggestTrials, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.trials().begin(), response.trials().end()};
  }

  void Finish(const Trial& trial, double loss, int64_t step = 1) {
    v1::CompleteTrialRequest request;
    request.set_name(trial.name());
    request.mutable_final_measurement()->set_step(step);
    (*request.mutable_final_measurement()->mutable_metrics())["loss"] = loss;
    Trial response;
    grpc::Status status = Call(server_.stub(), &Stub::CompleteTrial, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  // Runs `trials` sequential trials; returns the best loss.
  double RunSequentially(const std::string& study, int trials) {
    double best = INFINITY;
    for (int i = 0; i < trials; ++i) {
      std::vector<Trial> suggested = Suggest(study, "worker", 1);
      if (suggested.size() != 1) return best;
      const double loss = Loss(suggested[0]);
      best = std::min(best, loss);
      Finish(suggested[0], loss);
    }
    return best;
  }

  v1::Study GetStudy(const std::string& id) {
    v1::GetStudyRequest request;
    request.set_name("studies/" + id);
    v1::Study response;
    EXPECT_TRUE(Call(server_.stub(), &Stub::GetStudy, request, &response).ok());
    return response;
  }

  testing::TestServer server_;
};

TEST_F(ModelSamplersTest, DefaultsAreSpelledOutInTheStoredSpec) {
  v1::Study gp, tpe, bohb;
  ASSERT_TRUE(Create("gp", "gp {}", "", 0, &gp).ok());
  ASSERT_TRUE(Create("tpe", "tpe {}", "", 0, &tpe).ok());
  ASSERT_TRUE(Create("bohb", "bohb {}", "hyperband {}", 27, &bohb).ok());
  EXPECT_EQ(gp.spec().sampler().gp().acquisition(), v1::GpSampler::LOG_EXPECTED_IMPROVEMENT);
  EXPECT_EQ(gp.spec().sampler().gp().ucb_beta(), 1.8);
  EXPECT_EQ(gp.spec().sampler().gp().n_startup_trials(), 10);
  EXPECT_EQ(tpe.spec().sampler().tpe().n_startup_trials(), 10);
  EXPECT_EQ(tpe.spec().sampler().tpe().n_ei_candidates(), 24);
  EXPECT_FALSE(tpe.spec().sampler().tpe().multivariate());
  EXPECT_TRUE(tpe.spec().sampler().tpe().constant_liar());
  EXPECT_EQ(tpe.spec().sampler().tpe().prior_weight(), 1.0);
  EXPECT_EQ(bohb.spec().sampler().bohb().top_n_percent(), 15);
  EXPECT_EQ(bohb.spec().sampler().bohb().num_samples(), 64);
  EXPECT_DOUBLE_EQ(bohb.spec().sampler().bohb().random_fraction(), 1.0 / 3);
  EXPECT_EQ(bohb.spec().sampler().bohb().min_points_in_model(), 5);  // parameters + 1
  // Get-or-create with the defaults left unset finds the same study.
  EXPECT_TRUE(Create("gp", "gp {}").ok());
  // A model needs parameters + 1 points: a smaller setting is stored raised.
  v1::Study raised;
  ASSERT_TRUE(Create("bohb2", "bohb { min_points_in_model: 2 }", "hyperband {}", 27, &raised).ok());
  EXPECT_EQ(raised.spec().sampler().bohb().min_points_in_model(), 5);
}

TEST_F(ModelSamplersTest, BadSettingsAreRefusedWithTheirFieldPath) {
  grpc::Status status = Create("a", "gp { ucb_beta: -1 }");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("study.spec.sampler.gp.ucb_beta"));

  status = Create("b", "tpe { n_ei_candidates: -3 }");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("study.spec.sampler.tpe.n_ei_candidates"));

  status = Create("c", "bohb {}");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("study.spec.sampler.bohb"));
  EXPECT_THAT(status.error_message(), HasSubstr("scheduler.hyperband"));

  status = Create("d", "bohb { random_fraction: 1.5 }", "hyperband {}", 27);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("study.spec.sampler.bohb.random_fraction"));

  // Nothing was created by the refused requests.
  v1::ListStudiesRequest list;
  v1::ListStudiesResponse studies;
  ASSERT_TRUE(Call(server_.stub(), &Stub::ListStudies, list, &studies).ok());
  EXPECT_EQ(studies.studies_size(), 0);
}

TEST_F(ModelSamplersTest, GpRefusesConditionalSpacesAndPointsToTpe) {
  v1::CreateStudyRequest request;
  request.set_study_id("conditional");
  *request.mutable_study() = testing::BasicStudy();  // has a conditional parameter
  *request.mutable_study()->mutable_spec()->mutable_sampler() = ParseText<v1::SamplerSpec>("gp {}");
  v1::Study response;
  grpc::Status status = Call(server_.stub(), &Stub::CreateStudy, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("study.spec.sampler.gp"));
  EXPECT_THAT(status.error_message(), HasSubstr("tpe"));

  *request.mutable_study()->mutable_spec()->mutable_sampler() =
      ParseText<v1::SamplerSpec>("tpe {}");
  EXPECT_TRUE(Call(server_.stub(), &Stub::CreateStudy, request, &response).ok());
}

TEST_F(ModelSamplersTest, ModelSamplersBeatTheirOwnStartupPhase) {
  for (const std::string sampler : {"gp { n_startup_trials: 5 }", "tpe { n_startup_trials: 5 }"}) {
    SCOPED_TRACE(sampler);
    const std::string id = sampler.substr(0, sampler.find(' '));
    ASSERT_TRUE(Create(id, sampler).ok());
    const double startup_best = RunSequentially(id, 5);
    const double best = std::min(startup_best, RunSequentially(id, 25));
    EXPECT_LT(best, startup_best);
    EXPECT_LT(best, 0.15);
    EXPECT_FALSE(GetStudy(id).sampler_status().empty());
  }
}

TEST_F(ModelSamplersTest, BatchesAndParallelWorkersGetDistinctPoints) {
  for (const std::string sampler : {"gp { n_startup_trials: 4 }", "tpe { n_startup_trials: 4 }"}) {
    SCOPED_TRACE(sampler);
    const std::string id = sampler.substr(0, sampler.find(' '));
    ASSERT_TRUE(Create(id, sampler).ok());
    RunSequentially(id, 6);  // past the start-up phase
    std::set<std::string> seen;
    std::vector<Trial> batch = Suggest(id, "batch", 4);
    ASSERT_EQ(batch.size(), 4u);
    for (const Trial& t : batch) seen.insert(Key(t));
    for (int w = 0; w < 4; ++w) {
      std::vector<Trial> one = Suggest(id, "worker-" + std::to_string(w), 1);
      ASSERT_EQ(one.size(), 1u);
      seen.insert(Key(one[0]));
    }
    EXPECT_EQ(seen.size(), 8u) << "pending trials must push new suggestions elsewhere";
  }
}

TEST_F(ModelSamplersTest, BohbRunsInsideHyperbandAndUsesRungValues) {
  ASSERT_TRUE(Create("bohb", "bohb { random_fraction: 0 }", "hyperband { min_resource: 1 }", 9).ok());
  // Every trial reports steps 1..9 until stopped; loss shrinks with the step.
  for (int i = 0; i < 30; ++i) {
    std::vector<Trial> suggested = Suggest("bohb", "worker", 1);
    ASSERT_EQ(suggested.size(), 1u);
    const double loss = Loss(suggested[0]);
    bool stopped = false;
    for (int step = 1; step <= 9 && !stopped; ++step) {
      v1::ReportMeasurementRequest report;
      report.set_name(suggested[0].name());
      report.mutable_measurement()->set_step(step);
      (*report.mutable_measurement()->mutable_metrics())["loss"] = loss + 1.0 / step;
      v1::ReportMeasurementResponse reply;
      ASSERT_TRUE(Call(server_.stub(), &Stub::ReportMeasurement, report, &reply).ok());
      stopped = reply.should_stop();
    }
    if (stopped) {
      // A stopped trial completes PRUNED with its last value.
      v1::CompleteTrialRequest complete;
      complete.set_name(suggested[0].name());
      Trial response;
      ASSERT_TRUE(Call(server_.stub(), &Stub::CompleteTrial, complete, &response).ok());
      EXPECT_EQ(response.state(), Trial::PRUNED);
    } else {
      Finish(suggested[0], loss + 1.0 / 9, 9);
    }
  }
  const v1::Study study = GetStudy("bohb");
  EXPECT_THAT(study.sampler_status(), HasSubstr("budget"));
}

TEST_F(ModelSamplersTest, ARestartSuggestsWhatTheServerWouldHaveSuggested) {
  for (const std::string sampler : {"gp { n_startup_trials: 4 }", "tpe { n_startup_trials: 4 }"}) {
    SCOPED_TRACE(sampler);
    const std::string base = sampler.substr(0, sampler.find(' '));
    // Two identical studies (same seed); one is suggested from before and after a restart.
    ASSERT_TRUE(Create(base + "-a", sampler).ok());
    ASSERT_TRUE(Create(base + "-b", sampler).ok());
    RunSequentially(base + "-a", 8);
    RunSequentially(base + "-b", 8);
    const std::vector<Trial> before = Suggest(base + "-a", "next", 2);
    server_.Restart();
    const std::vector<Trial> after = Suggest(base + "-b", "next", 2);
    ASSERT_EQ(before.size(), 2u);
    ASSERT_EQ(after.size(), 2u);
    for (int i = 0; i < 2; ++i) EXPECT_EQ(Key(before[i]), Key(after[i]));
  }
}

}  // namespace
}  // namespace hyperd
