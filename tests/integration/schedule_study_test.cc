// Learning-rate schedule tuning through a real in-process gRPC server: studies with a schedule
// (defaults spelled out, settings validated with field paths), trials that get their schedule
// with the searched fields applied, ReportSteps (batches, duplicates, validation), refinement of
// new trials from an earlier trial's gradient norms, the online rules (hypergradient descent and
// re-refinement) across a restart, and the stateless RefineSchedule and PlanSchedules RPCs
// against the spec's reference values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "algorithms/schedules/families/learning_rate.h"
#include "proto/conversion/schedule_conversion.h"
#include "tests/testing/test_server.h"

namespace hyperd {
namespace {

using ::hyperd::testing::Call;
using ::hyperd::testing::ParseText;
using ::testing::HasSubstr;
using Stub = v1::Hyperd::Stub;
using v1::Trial;

// lr (log), the schedule family and a warm-up fraction are searched; T = 100 steps.
constexpr char kStudyText[] = R"pb(
  spec {
    search_space {
      parameters {
        name: "lr"
        double_spec { min: 0.001 max: 1 scale: LOG }
      }
      parameters {
        name: "shape"
        categorical_spec { values: "linear" values: "cosine" values: "wsd" }
      }
      parameters {
        name: "warm"
        double_spec { min: 0 max: 0.2 }
      }
    }
    objective { metric: "loss" }
    resource { max_resource: 100 }
    schedule {
      parameter_fields { key: "lr" value: "base_lr" }
      parameter_fields { key: "shape" value: "family" }
      parameter_fields { key: "warm" value: "warmup_fraction" }
    }
    seed: 3
  }
)pb";

double ParameterOf(const Trial& trial, const std::string& name) {
  for (const v1::Parameter& p : trial.parameters()) {
    if (p.name() == name) return p.double_value();
  }
  return NAN;
}

std::string CategoryOf(const Trial& trial, const std::string& name) {
  for (const v1::Parameter& p : trial.parameters()) {
    if (p.name() == name) return p.categorical_value();
  }
  return "";
}

double LrAt(const v1::Schedule& schedule, int64_t step) {
  return algorithms::schedules::LearningRateAt(conversion::ScheduleFromProtoUnchecked(schedule),
                                               step);
}

class ScheduleStudyTest : public ::testing::Test {
 protected:
  v1::CreateStudyRequest Request(const std::string& id, const std::string& schedule_text = "") {
    v1::CreateStudyRequest request;
    request.set_study_id(id);
    *request.mutable_study() = ParseText<v1::Study>(kStudyText);
    if (!schedule_text.empty()) {
      v1::ScheduleSpec extra = ParseText<v1::ScheduleSpec>(schedule_text);
      request.mutable_study()->mutable_spec()->mutable_schedule()->MergeFrom(extra);
    }
    return request;
  }

  grpc::Status Create(const v1::CreateStudyRequest& request, v1::Study* created = nullptr) {
    v1::Study response;
    grpc::Status status = Call(server_.stub(), &Stub::CreateStudy, request, &response);
    if (created != nullptr) *created = response;
    return status;
  }

  Trial SuggestOne(const std::string& study) {
    v1::SuggestTrialsRequest request;
    request.set_parent("studies/" + study);
    request.set_client_id("worker");
    v1::SuggestTrialsResponse response;
    grpc::Status status = Call(server_.stub(), &Stub::SuggestTrials, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.trials_size(), 1);
    return response.trials_size() > 0 ? response.trials(0) : Trial();
  }

  grpc::Status ReportSteps(const Trial& trial, const std::vector<v1::StepReport>& steps,
                           v1::ReportStepsResponse* response) {
    v1::ReportStepsRequest request;
    request.set_name(trial.name());
    for (const v1::StepReport& step : steps) *request.add_steps() = step;
    return Call(server_.stub(), &Stub::ReportSteps, request, response);
  }

  static v1::StepReport Step(int64_t step, double norm, double lr = 0.1) {
    v1::StepReport report;
    report.set_step(step);
    report.set_lr_applied(lr);
    report.set_grad_norm_l2(norm);
    return report;
  }

  void Complete(const Trial& trial, double loss) {
    v1::CompleteTrialRequest request;
    request.set_name(trial.name());
    request.mutable_final_measurement()->set_step(100);
    (*request.mutable_final_measurement()->mutable_metrics())["loss"] = loss;
    Trial response;
    grpc::Status status = Call(server_.stub(), &Stub::CompleteTrial, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  testing::TestServer server_;
};

TEST_F(ScheduleStudyTest, DefaultsAreSpelledOutInTheStoredSpec) {
  v1::Study study;
  ASSERT_TRUE(Create(Request("defaults"), &study).ok());
  const v1::ScheduleSpec& spec = study.spec().schedule();
  EXPECT_EQ(spec.schedule().family(), v1::Schedule::LINEAR);
  EXPECT_EQ(spec.schedule().total_steps(), 100);
  EXPECT_EQ(spec.refine().norm(), v1::L2_SGD);
  EXPECT_EQ(spec.refine().filter_fraction(), 0.1);
  EXPECT_EQ(spec.online().rule(), v1::OnlineSettings::NONE);

  ASSERT_TRUE(Create(Request("rerefine", "online { rule: REREFINE }"), &study).ok());
  EXPECT_EQ(study.spec().schedule().online().interval_steps(), 10);
  ASSERT_TRUE(Create(Request("hd", "online { rule: HYPERGRADIENT }"), &study).ok());
  EXPECT_EQ(study.spec().schedule().online().hypergradient_beta(), 1e-6);
}

TEST_F(ScheduleStudyTest, BadSchedulesAreRefusedWithTheirFieldPath) {
  struct Case {
    std::string schedule_text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {R"pb(parameter_fields { key: "lr" value: "peak" })pb",
       "study.spec.schedule.parameter_fields['lr']: \"peak\" is not a schedule field"},
      {R"pb(parameter_fields { key: "nope" value: "base_lr" })pb",
       "study.spec.schedule.parameter_fields['nope']: names no parameter"},
      {R"pb(parameter_fields { key: "lr" value: "family" })pb",
       "study.spec.schedule.parameter_fields['lr']: family is set by a categorical parameter"},
      {R"pb(parameter_fields { key: "shape" value: "base_lr" })pb",
       "study.spec.schedule.parameter_fields['shape']: base_lr takes a number"},
      {R"pb(parameter_fields { key: "warm" value: "step.step_size" })pb",
       "study.spec.schedule.parameter_fields['warm']: step.step_size takes an integer"},
      {R"pb(schedule { min_lr_ratio: 2 })pb", "study.spec.schedule.parameter_fields: with "},
      {R"pb(refine { filter_fraction: 2 })pb", "study.spec.schedule.refine.filter_fraction: "},
      {R"pb(online { rule: HYPERGRADIENT hypergradient_beta: -1 })pb",
       "study.spec.schedule.online.hypergradient_beta: "},
  };
  for (const Case& c : cases) {
    grpc::Status status = Create(Request("bad", c.schedule_text));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.schedule_text;
    EXPECT_THAT(status.error_message(), HasSubstr(c.message)) << c.schedule_text;
  }

  // Without bindings the schedule itself is checked; without a length there is no schedule.
  v1::CreateStudyRequest request = Request("plain");
  request.mutable_study()->mutable_spec()->mutable_schedule()->clear_parameter_fields();
  grpc::Status status = Create(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("study.spec.schedule.schedule.base_lr: "));
  request.mutable_study()->mutable_spec()->mutable_schedule()->mutable_schedule()->set_base_lr(0.1);
  request.mutable_study()->mutable_spec()->mutable_resource()->set_max_resource(0);
  status = Create(request);
  EXPECT_THAT(status.error_message(), HasSubstr("study.spec.schedule.schedule.total_steps: "));
}

TEST_F(ScheduleStudyTest, EachTrialGetsTheScheduleOfItsParameters) {
  ASSERT_TRUE(Create(Request("tuned")).ok());
  for (int i = 0; i < 10; ++i) {
    const Trial trial = SuggestOne("tuned");
    const v1::Schedule& schedule = trial.schedule();
    EXPECT_EQ(schedule.base_lr(), ParameterOf(trial, "lr"));
    EXPECT_EQ(schedule.total_steps(), 100);
    EXPECT_EQ(schedule.warmup_steps(), std::llround(ParameterOf(trial, "warm") * 100));
    const std::string shape = CategoryOf(trial, "shape");
    EXPECT_EQ(schedule.family(), shape == "linear"   ? v1::Schedule::LINEAR
                                 : shape == "cosine" ? v1::Schedule::COSINE
                                                     : v1::Schedule::WSD);
    if (shape == "wsd") {
      EXPECT_EQ(schedule.wsd().cooldown_fraction(), 0.2);
    }
    // The warm-up ends at the peak: the searched base LR.
    EXPECT_DOUBLE_EQ(LrAt(schedule, schedule.warmup_steps()), schedule.base_lr());
    Complete(trial, 1.0);
  }
}

TEST_F(ScheduleStudyTest, StepReportsAreValidatedAndIdempotentPerStep) {
  ASSERT_TRUE(Create(Request("steps")).ok());
  const Trial trial = SuggestOne("steps");
  v1::ReportStepsResponse response;
  ASSERT_TRUE(ReportSteps(trial, {Step(0, 1), Step(1, 1), Step(2, 1)}, &response).ok());
  EXPECT_EQ(response.accepted(), 3);
  EXPECT_EQ(response.duplicates(), 0);
  EXPECT_EQ(response.schedule().base_lr(), trial.schedule().base_lr());
  // A retried batch overlapping what is stored.
  ASSERT_TRUE(ReportSteps(trial, {Step(1, 5), Step(2, 5), Step(3, 1)}, &response).ok());
  EXPECT_EQ(response.accepted(), 1);
  EXPECT_EQ(response.duplicates(), 2);

  grpc::Status status = ReportSteps(trial, {Step(5, 1), Step(4, 1)}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("steps[1].step: must be greater than"));
  status = ReportSteps(trial, {Step(5, -1)}, &response);
  EXPECT_THAT(status.error_message(), HasSubstr("steps[0].grad_norm_l2: a norm is >= 0"));
  // Non-finite norms are data, not errors.
  EXPECT_TRUE(ReportSteps(trial, {Step(6, NAN), Step(7, INFINITY)}, &response).ok());

  Complete(trial, 1.0);
  status = ReportSteps(trial, {Step(8, 1)}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  v1::CreateStudyRequest plain = Request("plain");
  plain.mutable_study()->mutable_spec()->clear_schedule();
  ASSERT_TRUE(Create(plain).ok());
  status = ReportSteps(SuggestOne("plain"), {Step(0, 1)}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("has no spec.schedule"));
}

TEST_F(ScheduleStudyTest, NewTrialsGetTheScheduleRefinedFromTheBestRunsNorms) {
  ASSERT_TRUE(Create(Request("refine", "refine { enabled: true }")).ok());
  const Trial first = SuggestOne("refine");
  EXPECT_NE(first.schedule().family(), v1::Schedule::TABULATED);
  // Constant norms over the whole run: the refined schedule is linear decay (§2.6).
  std::vector<v1::StepReport> steps;
  for (int t = 0; t < 100; ++t) steps.push_back(Step(t, 2.0));
  v1::ReportStepsResponse response;
  ASSERT_TRUE(ReportSteps(first, steps, &response).ok());
  Complete(first, 0.5);

  const auto check_refined = [&](const Trial& trial) {
    const v1::Schedule& schedule = trial.schedule();
    ASSERT_EQ(schedule.family(), v1::Schedule::TABULATED);
    // The sampler still tunes the peak LR.
    EXPECT_EQ(schedule.base_lr(), ParameterOf(trial, "lr"));
    for (int64_t t : {0, 25, 50, 99}) {
      EXPECT_NEAR(LrAt(schedule, t) / schedule.base_lr(), 1.0 - t / 99.0, 1e-9) << t;
    }
  };
  check_refined(SuggestOne("refine"));
  server_.Restart();
  check_refined(SuggestOne("refine"));
}

TEST_F(ScheduleStudyTest, HypergradientDescentSetsTheNextLrAndSurvivesARestart) {
  v1::CreateStudyRequest request =
      Request("hd", "online { rule: HYPERGRADIENT hypergradient_beta: 0.01 min_lr: 0 max_lr: 1 }");
  request.mutable_study()->mutable_spec()->mutable_schedule()->clear_parameter_fields();
  request.mutable_study()->mutable_spec()->mutable_schedule()->mutable_schedule()->set_base_lr(0.1);
  ASSERT_TRUE(Create(request).ok());
  const Trial trial = SuggestOne("hd");
  // The spec's SGD-HD vector: h = 0, 1, -1 from alpha 0.1 with beta 0.01 -> 0.1, 0.11, 0.10.
  std::vector<double> expected = {0.1, 0.11, 0.10};
  std::vector<double> dots = {0, 1, -1};
  for (int t = 0; t < 3; ++t) {
    v1::StepReport step = Step(t, 1);
    step.set_hd_dot(dots[t]);
    v1::ReportStepsResponse response;
    ASSERT_TRUE(ReportSteps(trial, {step}, &response).ok());
    ASSERT_TRUE(response.has_next_learning_rate());
    EXPECT_NEAR(response.next_learning_rate(), expected[t], 1e-15);
  }
  server_.Restart();
  v1::StepReport step = Step(3, 1);
  step.set_hd_dot(1);
  v1::ReportStepsResponse response;
  ASSERT_TRUE(ReportSteps(trial, {step}, &response).ok());
  EXPECT_NEAR(response.next_learning_rate(), 0.11, 1e-15);
}

TEST_F(ScheduleStudyTest, RerefinementChangesTheRestOfTheRunContinuously) {
  v1::CreateStudyRequest request =
      Request("online", "online { rule: REREFINE interval_steps: 20 }");
  ASSERT_TRUE(Create(request).ok());
  const Trial trial = SuggestOne("online");
  // Norms that fall over the first 20 steps: a different shape than the one in use.
  std::vector<v1::StepReport> steps;
  for (int t = 0; t < 20; ++t) steps.push_back(Step(t, 10.0 / (1 + t)));
  v1::ReportStepsResponse response;
  ASSERT_TRUE(ReportSteps(trial, steps, &response).ok());
  const v1::Schedule& updated = response.schedule();
  EXPECT_EQ(updated.effective_from_step(), 20);
  EXPECT_EQ(updated.family(), v1::Schedule::TABULATED);
  // Continuous where it takes over: the LR at step 20 is the one the old schedule gave.
  EXPECT_NEAR(LrAt(updated, 20), LrAt(trial.schedule(), 20), 1e-9 * trial.schedule().base_lr());
  EXPECT_NEAR(LrAt(updated, 99), 0, 1e-12);

  // The trial row and ReportMeasurement's reply carry the new schedule.
  v1::GetTrialRequest get;
  get.set_name(trial.name());
  Trial stored;
  ASSERT_TRUE(Call(server_.stub(), &Stub::GetTrial, get, &stored).ok());
  EXPECT_EQ(stored.schedule().DebugString(), updated.DebugString());
  v1::ReportMeasurementRequest report;
  report.set_name(trial.name());
  report.mutable_measurement()->set_step(20);
  (*report.mutable_measurement()->mutable_metrics())["loss"] = 1;
  v1::ReportMeasurementResponse reported;
  ASSERT_TRUE(Call(server_.stub(), &Stub::ReportMeasurement, report, &reported).ok());
  EXPECT_EQ(reported.schedule().DebugString(), updated.DebugString());
}

TEST_F(ScheduleStudyTest, RefineScheduleTurnsConstantNormsIntoLinearDecay) {
  v1::RefineScheduleRequest request;
  for (int t = 0; t < 50; ++t) {
    request.add_steps(t);
    request.add_norms(3.0);
  }
  request.set_base_lr(0.5);
  v1::RefineScheduleResponse response;
  ASSERT_TRUE(Call(server_.stub(), &Stub::RefineSchedule, request, &response).ok());
  EXPECT_FALSE(response.fell_back_to_linear_decay());
  ASSERT_EQ(response.multipliers_size(), 50);
  for (int t = 0; t < 50; ++t) EXPECT_NEAR(response.multipliers(t), 1 - t / 49.0, 1e-12);
  EXPECT_EQ(response.schedule().family(), v1::Schedule::TABULATED);
  EXPECT_NEAR(LrAt(response.schedule(), 10), 0.5 * (1 - 10 / 49.0), 1e-12);

  request.add_steps(60);  // one more step than norms
  grpc::Status status = Call(server_.stub(), &Stub::RefineSchedule, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("norms: has 50 values but steps has 51"));

  // Sizes that would exhaust memory are refused; long runs get the shape without multipliers.
  request.mutable_steps()->RemoveLast();
  request.set_output_steps(int64_t{1} << 50);
  status = Call(server_.stub(), &Stub::RefineSchedule, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("output_steps: must be at most"));
  request.set_output_steps(5'000'000);
  ASSERT_TRUE(Call(server_.stub(), &Stub::RefineSchedule, request, &response).ok());
  EXPECT_EQ(response.multipliers_size(), 0);
  EXPECT_EQ(response.schedule().total_steps(), 5'000'000);
  EXPECT_NEAR(LrAt(response.schedule(), 2'500'000) / 0.5, 0.5, 1e-6);
}

TEST_F(ScheduleStudyTest, PlanSchedulesReproducesTheSpecsReferenceValues) {
  v1::PlanSchedulesRequest request = ParseText<v1::PlanSchedulesRequest>(R"pb(
    schedules { family: LINEAR }
    schedules { family: COSINE }
    schedules {
      family: WSD
      wsd { cooldown_fraction: 0.2 }
    }
    schedules { family: CONSTANT }
    horizon: 100
    tuned_base_lr: 0.3
    extension { first_horizon: 4000 first_cooldown_fraction: 0.2 second_horizon: 8000 }
  )pb");
  v1::PlanSchedulesResponse response;
  grpc::Status status = Call(server_.stub(), &Stub::PlanSchedules, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.bounds_size(), 4);
  const double optimum[] = {0.0972552, 0.0946945, 0.0495442, 0.0402344};
  const double bound[] = {0.2036084, 0.2091144, 0.2230276, 0.2485433};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(response.bounds(i).optimal_base_lr(), optimum[i], 5e-8) << i;
    EXPECT_NEAR(response.bounds(i).bound(), bound[i], 5e-8) << i;
    EXPECT_NEAR(response.bounds(i).transferred_base_lr(), 0.3 * optimum[i] / optimum[0], 1e-5);
  }
  EXPECT_NEAR(response.extension().adapted_cooldown_fraction(), 0.634375, 1e-9);
  EXPECT_NEAR(response.extension().two_stage_factor(), 0.525, 1e-9);
  EXPECT_TRUE(response.extension().warning().empty());

  request.set_horizon(-1);
  status = Call(server_.stub(), &Stub::PlanSchedules, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("horizon: must be between 1 and"));
  request.set_horizon(100);
  request.mutable_extension()->set_second_horizon(int64_t{1} << 40);
  status = Call(server_.stub(), &Stub::PlanSchedules, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("extension: horizons must be at most"));
}

}  // namespace
}  // namespace hyperd
