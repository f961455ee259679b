// The dashboard's JSON API (server/dashboard) over a real Runtime on a temporary SQLite store:
// every document for small studies, errors, auth, ETags and revisions. Documents are parsed back
// with protobuf's JSON parser into google.protobuf.Value, so assertions read fields, not text.
#include "server/dashboard/dashboard_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/auth/sha256.h"
#include "server/auth/token_table.h"
#include "server/http/content_encoding.h"
#include "tests/testing/gunzip.h"
#include "server/request_validation.h"
#include "server/runtime.h"
#include "storage/sqlite/sqlite_trial_store.h"
#include "tests/testing/messages.h"

namespace hyperd::server::dashboard {
namespace {

namespace v1 = hyperd::v1;
using ::google::protobuf::Value;
using ::hyperd::testing::ParseText;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Calls an asynchronous runtime method and waits for its reply.
template <typename T, typename Request>
absl::StatusOr<T> Await(Runtime& runtime, void (Runtime::*method)(const Request&, Reply<T>),
                        const Request& request) {
  struct State {
    absl::Notification done;
    absl::StatusOr<T> result;
  };
  auto state = std::make_shared<State>();
  (runtime.*method)(request, [state](absl::StatusOr<T> result) {
    state->result = std::move(result);
    state->done.Notify();
  });
  state->done.WaitForNotification();
  return std::move(state->result);
}

Value ParseJson(const std::string& body) {
  Value value;
  const auto status = google::protobuf::util::JsonStringToMessage(body, &value);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << body.substr(0, 2000);
  return value;
}

const Value& Field(const Value& object, const std::string& name) {
  static const Value* const kMissing = new Value();
  const auto& fields = object.struct_value().fields();
  const auto it = fields.find(name);
  EXPECT_NE(it, fields.end()) << "no field " << name;
  return it == fields.end() ? *kMissing : it->second;
}

std::vector<double> Numbers(const Value& list) {
  std::vector<double> out;
  for (const Value& v : list.list_value().values()) {
    out.push_back(v.has_null_value() ? NAN : v.number_value());
  }
  return out;
}

std::vector<std::string> Strings(const Value& list) {
  std::vector<std::string> out;
  for (const Value& v : list.list_value().values()) out.push_back(v.string_value());
  return out;
}

std::string TokenLine(const std::string& name, const std::string& role,
                      const std::string& rest = "") {
  return absl::StrCat(name, " ", role, " sha256:", auth::Sha256Hex(auth::Sha256(name + "-secret")),
                      " ", rest, "\n");
}

class DashboardApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = ::testing::TempDir() + "hyperd-dash-XXXXXX";
    dir_ = mkdtemp(templ.data());
    storage::SqliteTrialStore::Options options;
    options.path = dir_ + "/hyperd.db";
    options.durability = storage::Durability::kNormal;
    auto store = storage::SqliteTrialStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    pool_ = std::make_unique<WorkerPool>(2, 1000);
    runtime_ = std::make_unique<Runtime>(store_.get(), &clock_, pool_.get());
    ASSERT_TRUE(runtime_->Load().ok());
    api_ = std::make_unique<DashboardApi>(runtime_.get(), nullptr, "9.9.9");
  }

  void TearDown() override {
    api_.reset();
    runtime_.reset();
    pool_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  v1::Study Create(const std::string& id, const v1::Study& study) {
    v1::CreateStudyRequest request;
    request.set_study_id(id);
    *request.mutable_study() = study;
    absl::StatusOr<v1::Study> created = Await(*runtime_, &Runtime::CreateStudy, request);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.value_or(v1::Study());
  }

  std::vector<v1::Trial> Suggest(const std::string& id, int count,
                                 const std::string& client = "worker-1") {
    v1::SuggestTrialsRequest request;
    request.set_parent(StudyName(id));
    request.set_count(count);
    request.set_client_id(client);
    auto response = Await(*runtime_, &Runtime::SuggestTrials, request);
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    return {response->trials().begin(), response->trials().end()};
  }

  v1::ReportMeasurementResponse Report(const v1::Trial& trial, int64_t step, double value,
                                       const std::string& metric = "loss") {
    v1::ReportMeasurementRequest request;
    request.set_name(trial.name());
    request.mutable_measurement()->set_step(step);
    (*request.mutable_measurement()->mutable_metrics())[metric] = value;
    request.mutable_measurement()->mutable_elapsed()->set_seconds(step);
    clock_.Advance(absl::Seconds(1));
    auto response = Await(*runtime_, &Runtime::ReportMeasurement, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(v1::ReportMeasurementResponse());
  }

  v1::Trial Complete(const v1::Trial& trial, std::optional<double> value = std::nullopt,
                     const std::string& metric = "loss") {
    v1::CompleteTrialRequest request;
    request.set_name(trial.name());
    if (value.has_value()) {
      request.mutable_final_measurement()->set_step(100);
      (*request.mutable_final_measurement()->mutable_metrics())[metric] = *value;
    }
    clock_.Advance(absl::Seconds(1));
    auto done = Await(*runtime_, &Runtime::CompleteTrial, request);
    EXPECT_TRUE(done.ok()) << done.status();
    return done.value_or(v1::Trial());
  }

  http::HttpResponse Get(const std::string& path, std::optional<std::string> authorization = {},
                         std::optional<std::string> if_none_match = {}) {
    http::HttpRequest request;
    request.path = path;
    request.authorization = std::move(authorization);
    request.if_none_match = std::move(if_none_match);
    return api_->Handle(request);
  }

  Value GetJson(const std::string& path) {
    const http::HttpResponse response = Get(path);
    EXPECT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.content_type, "application/json");
    return ParseJson(response.body);
  }

  static std::string Header(const http::HttpResponse& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }

  // A study with a float "x" in [0, 10] and a categorical "kind" (a, b, c); fifo; given goal.
  static v1::Study TwoParameterStudy(const std::string& goal) {
    return ParseText<v1::Study>(
        absl::StrCat(R"pb(
                       spec { search_space {
                         parameters {
                           name: "x"
                           double_spec { min: 0 max: 10 }
                         }
                         parameters {
                           name: "kind"
                           categorical_spec { values: "a" values: "b" values: "c" }
                         }
                       }
                              objective { metric: "loss" goal:)pb",
                     goal, R"pb(}
                                sampler { random {} }
        seed: 11
      })pb"));
  }

  std::string dir_;
  ManualClock clock_;
  std::unique_ptr<storage::SqliteTrialStore> store_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<DashboardApi> api_;
};

TEST_F(DashboardApiTest, StudyListSummarisesEveryStudyWithItsBestTrial) {
  Create("alpha", TwoParameterStudy("MINIMIZE"));
  Create("beta", TwoParameterStudy("MAXIMIZE"));
  const std::vector<v1::Trial> trials = Suggest("alpha", 3);
  Complete(trials[0], 5.0);
  Complete(trials[1], 2.0);

  const Value list = GetJson("/api/dashboard/studies");
  EXPECT_EQ(Field(Field(list, "server"), "version").string_value(), "9.9.9");
  const auto& studies = Field(list, "studies").list_value().values();
  ASSERT_EQ(studies.size(), 2);
  const Value& alpha = studies[0];
  EXPECT_EQ(Field(alpha, "id").string_value(), "alpha");
  EXPECT_EQ(Field(alpha, "state").string_value(), "ACTIVE");
  EXPECT_EQ(Field(alpha, "sampler").string_value(), "random");
  EXPECT_EQ(Field(alpha, "metric").string_value(), "loss");
  EXPECT_EQ(Field(alpha, "goal").string_value(), "MINIMIZE");
  EXPECT_EQ(Field(alpha, "trial_count").number_value(), 3);
  EXPECT_EQ(Field(Field(alpha, "trials_by_state"), "SUCCEEDED").number_value(), 2);
  EXPECT_EQ(Field(Field(alpha, "trials_by_state"), "ACTIVE").number_value(), 1);
  EXPECT_EQ(Field(alpha, "best_value").number_value(), 2.0);
  EXPECT_EQ(Field(alpha, "best_trial").number_value(), 1);
  EXPECT_THAT(Field(alpha, "create_time").string_value(), HasSubstr("2027-01-15T"));
  EXPECT_TRUE(Field(studies[1], "best_value").has_null_value());
  EXPECT_TRUE(Field(studies[1], "best_trial").has_null_value());
}

TEST_F(DashboardApiTest, HistoryHasFinishedTrialsAndBestSoFarByGoal) {
  for (const std::string goal : {"MINIMIZE", "MAXIMIZE"}) {
    const std::string id = absl::AsciiStrToLower(goal);
    Create(id, TwoParameterStudy(goal));
    const std::vector<v1::Trial> trials = Suggest(id, 5);
    Complete(trials[0], 3.0);
    Complete(trials[1], 1.0);
    Complete(trials[2], 4.0);
    Complete(trials[4], 2.0);  // trial 3 stays ACTIVE: not in the history
    const Value doc = GetJson("/api/dashboard/studies/" + id);
    const Value& history = Field(doc, "history");
    EXPECT_THAT(Numbers(Field(history, "number")), ElementsAre(0, 1, 2, 4)) << goal;
    EXPECT_THAT(Numbers(Field(history, "value")), ElementsAre(3, 1, 4, 2)) << goal;
    EXPECT_THAT(Strings(Field(history, "state")),
                ElementsAre("SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"));
    if (goal == "MINIMIZE") {
      EXPECT_THAT(Numbers(Field(history, "best")), ElementsAre(3, 1, 1, 1));
    } else {
      EXPECT_THAT(Numbers(Field(history, "best")), ElementsAre(3, 3, 4, 4));
    }
  }
}

TEST_F(DashboardApiTest, ParallelRowsHoldValuesCategoryCodesAndNullForInactiveParameters) {
  Create("basic", hyperd::testing::BasicStudy());
  const std::vector<v1::Trial> trials = Suggest("basic", 6);
  for (size_t i = 0; i < trials.size(); ++i) Complete(trials[i], static_cast<double>(i));
  const Value doc = GetJson("/api/dashboard/studies/basic");
  const Value& parallel = Field(doc, "parallel");
  const auto& dims = Field(parallel, "dimensions").list_value().values();
  ASSERT_EQ(dims.size(), 4);
  EXPECT_EQ(Field(dims[0], "name").string_value(), "lr");
  EXPECT_EQ(Field(dims[0], "type").string_value(), "DOUBLE");
  EXPECT_TRUE(Field(dims[0], "log").bool_value());
  EXPECT_EQ(Field(dims[1], "type").string_value(), "INTEGER");
  EXPECT_EQ(Field(dims[2], "type").string_value(), "CATEGORICAL");
  EXPECT_THAT(Strings(Field(dims[2], "categories")), ElementsAre("adam", "sgd"));
  EXPECT_EQ(Field(Field(parallel, "objective"), "name").string_value(), "loss");
  EXPECT_EQ(Field(Field(parallel, "objective"), "min").number_value(), 0);
  EXPECT_EQ(Field(Field(parallel, "objective"), "max").number_value(), 5);
  const auto& rows = Field(parallel, "rows").list_value().values();
  ASSERT_EQ(rows.size(), trials.size());
  int sgd_rows = 0;
  for (int i = 0; i < rows.size(); ++i) {
    const auto& cells = rows[i].list_value().values();
    ASSERT_EQ(cells.size(), 5);
    std::string optimizer;
    for (const v1::Parameter& p : trials[i].parameters()) {
      if (p.name() == "optimizer") optimizer = p.categorical_value();
    }
    EXPECT_EQ(cells[2].number_value(), optimizer == "sgd" ? 1 : 0);
    // momentum is active only for sgd
    EXPECT_EQ(cells[3].has_null_value(), optimizer != "sgd");
    sgd_rows += optimizer == "sgd";
    EXPECT_EQ(cells[4].number_value(), static_cast<double>(i));
  }
  EXPECT_GT(sgd_rows, 0);
  EXPECT_LT(sgd_rows, 6);
  // 6 finished trials: too few for importance, and the document says why.
  EXPECT_TRUE(Field(doc, "importance").has_null_value());
  EXPECT_THAT(Field(doc, "importance_reason").string_value(),
              HasSubstr("needs at least 8 finished trials with an objective value, has 6"));
}

TEST_F(DashboardApiTest, ImportanceRanksTheParameterThatDecidesTheObjective) {
  Create("imp", TwoParameterStudy("MINIMIZE"));
  const std::vector<v1::Trial> trials = Suggest("imp", 40);
  for (const v1::Trial& trial : trials) Complete(trial, trial.parameters(0).double_value());
  const Value doc = GetJson("/api/dashboard/studies/imp");
  const Value& importance = Field(doc, "importance");
  EXPECT_THAT(Field(importance, "method").string_value(), HasSubstr("permutation importance"));
  EXPECT_EQ(Field(importance, "trials_used").number_value(), 40);
  const auto& params = Field(importance, "params").list_value().values();
  ASSERT_EQ(params.size(), 2);
  EXPECT_EQ(Field(params[0], "name").string_value(), "x");
  EXPECT_GT(Field(params[0], "importance").number_value(), 0.8);
  EXPECT_NEAR(
      Field(params[0], "importance").number_value() + Field(params[1], "importance").number_value(),
      1.0, 1e-5);
}

// Successive halving at rungs 1, 3 (R = 9, eta = 3): while a rung holds fewer than eta values
// only the best so far continues, so every trial reaching rung 1 worse than trial 0 is stopped.
v1::Study SuccessiveHalvingStudy(const std::string& scheduler) {
  return ParseText<v1::Study>(absl::StrCat(R"pb(
                                             spec { search_space {
                                               parameters {
                                                 name: "x"
                                                 double_spec { min: 0 max: 1 }
                                               }
                                             }
                                                    objective { metric: "loss" goal: MINIMIZE }
                                                    sampler { random {} }
                                                    scheduler {)pb",
                                           scheduler, R"pb(}
                                                           resource { max_resource: 9 }
      seed: 5
    })pb"));
}

TEST_F(DashboardApiTest, CurvesMarkTrialsTheSchedulerStoppedAndListRungs) {
  Create("sh",
         SuccessiveHalvingStudy("successive_halving { min_resource: 1 reduction_factor: 3 }"));
  const std::vector<v1::Trial> trials = Suggest("sh", 4);
  // Trial 0 is good at every step; trial 1 is worse at step 1 once 3 values are there.
  for (const int64_t step : {1, 2, 3}) Report(trials[0], step, 0.1 / step);
  Report(trials[2], 1, 0.2);
  Report(trials[3], 1, 0.3);
  const v1::ReportMeasurementResponse stopped = Report(trials[1], 1, 0.9);
  ASSERT_TRUE(stopped.should_stop());

  const Value doc = GetJson("/api/dashboard/studies/sh");
  const Value& curves = Field(doc, "curves");
  EXPECT_EQ(Field(curves, "max_step").number_value(), 9);
  EXPECT_FALSE(Field(curves, "downsampled").bool_value());
  const auto& curve_list = Field(curves, "trials").list_value().values();
  ASSERT_EQ(curve_list.size(), 4);
  EXPECT_EQ(Field(curve_list[0], "number").number_value(), 0);
  EXPECT_THAT(Numbers(Field(curve_list[0], "steps")), ElementsAre(1, 2, 3));
  EXPECT_THAT(Numbers(Field(curve_list[0], "values")),
              ElementsAre(0.1, 0.05, ::testing::DoubleNear(0.1 / 3, 1e-7)));
  EXPECT_TRUE(Field(curve_list[0], "stopped_at_step").has_null_value());
  const Value& pruned = curve_list[1];
  EXPECT_EQ(Field(pruned, "number").number_value(), 1);
  EXPECT_EQ(Field(pruned, "stopped_at_step").number_value(), 1);
  EXPECT_THAT(Field(pruned, "state").string_value(), ::testing::AnyOf("STOPPING", "PRUNED"));

  const auto& rungs = Field(curves, "rungs").list_value().values();
  ASSERT_FALSE(rungs.empty());
  EXPECT_EQ(Field(rungs[0], "step").number_value(), 1);
  EXPECT_EQ(Field(rungs[0], "recorded").number_value(), 4);
  EXPECT_EQ(Field(rungs[0], "stopped").number_value(), 3);  // trials 1, 2 and 3

  const auto& brackets = Field(doc, "brackets").list_value().values();
  ASSERT_EQ(brackets.size(), 1);
  EXPECT_THAT(Numbers(Field(brackets[0], "rung_steps")), ElementsAre(1, 3, 9));
  EXPECT_EQ(Field(brackets[0], "trials").number_value(), 4);
  EXPECT_EQ(Field(brackets[0], "active").number_value(), 4);  // stopping trials are still open
  EXPECT_THAT(Numbers(Field(brackets[0], "reached")), ElementsAre(4, 1, 0));
  EXPECT_EQ(Field(Field(doc, "study"), "max_resource").number_value(), 9);

  // Completing the stopping trial prunes it; the curve says so.
  Complete(trials[1]);
  const Value after = GetJson("/api/dashboard/studies/sh");
  const Value& pruned_after = Field(Field(after, "curves"), "trials").list_value().values(1);
  EXPECT_EQ(Field(pruned_after, "state").string_value(), "PRUNED");
  EXPECT_EQ(Field(Field(after, "brackets").list_value().values(0), "stopped").number_value(), 1);
}

TEST_F(DashboardApiTest, HyperbandStudyHasOneBracketPerEarlyStoppingRate) {
  Create("hb", SuccessiveHalvingStudy("hyperband { min_resource: 1 reduction_factor: 3 }"));
  const std::vector<v1::Trial> trials = Suggest("hb", 12);
  for (const v1::Trial& trial : trials) Report(trial, 1, 0.5);
  const Value doc = GetJson("/api/dashboard/studies/hb");
  const auto& brackets = Field(doc, "brackets").list_value().values();
  ASSERT_EQ(brackets.size(), 3);  // R = 9, eta = 3: s_max = 2
  EXPECT_THAT(Numbers(Field(brackets[0], "rung_steps")), ElementsAre(1, 3, 9));
  EXPECT_THAT(Numbers(Field(brackets[1], "rung_steps")), ElementsAre(3, 9));
  EXPECT_THAT(Numbers(Field(brackets[2], "rung_steps")), ElementsAre(9));
  double total = 0;
  for (int b = 0; b < 3; ++b) {
    total += Field(brackets[b], "trials").number_value();
    int64_t in_bracket = 0;
    for (const v1::Trial& trial : trials) in_bracket += trial.bracket() == b;
    EXPECT_EQ(Field(brackets[b], "trials").number_value(), in_bracket);
  }
  EXPECT_EQ(total, 12);
  // Every curve says its bracket.
  for (const Value& curve : Field(Field(doc, "curves"), "trials").list_value().values()) {
    const int number = static_cast<int>(Field(curve, "number").number_value());
    EXPECT_EQ(Field(curve, "bracket").number_value(), trials[number].bracket());
  }
}

TEST_F(DashboardApiTest, SchedulesShowTheGivenScheduleAndEachTrials) {
  Create("lr", ParseText<v1::Study>(R"pb(
           spec {
             search_space {
               parameters {
                 name: "lr"
                 double_spec { min: 0.001 max: 0.1 scale: LOG }
               }
             }
             objective { metric: "loss" }
             resource { max_resource: 1000 }
             schedule {
               schedule { family: LINEAR base_lr: 0.01 }
               parameter_fields { key: "lr" value: "base_lr" }
             }
             seed: 3
           })pb"));
  const std::vector<v1::Trial> trials = Suggest("lr", 2);
  const Value doc = GetJson("/api/dashboard/studies/lr");
  EXPECT_TRUE(Field(Field(doc, "study"), "has_schedule").bool_value());
  const Value& schedules = Field(doc, "schedules");
  const std::vector<double> steps = Numbers(Field(Field(schedules, "given"), "steps"));
  const std::vector<double> lr = Numbers(Field(Field(schedules, "given"), "lr"));
  ASSERT_EQ(steps.size(), 200);
  ASSERT_EQ(lr.size(), 200);
  EXPECT_EQ(steps.front(), 0);
  EXPECT_EQ(steps.back(), 999);
  EXPECT_NEAR(lr.front(), 0.01, 1e-9);  // linear decay from base_lr
  EXPECT_LT(lr.back(), lr.front() / 100);
  const auto& trial_schedules = Field(schedules, "trials").list_value().values();
  ASSERT_EQ(trial_schedules.size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Field(trial_schedules[i], "number").number_value(), i);
    // Each trial's schedule starts at its own base_lr, the sampled lr.
    EXPECT_NEAR(Numbers(Field(trial_schedules[i], "lr")).front(),
                trials[i].parameters(0).double_value(),
                1e-6 * trials[i].parameters(0).double_value());
  }
  // The trial page shows the given and the trial's schedule.
  const Value trial = GetJson("/api/dashboard/studies/lr/trials/1");
  EXPECT_EQ(Numbers(Field(Field(Field(trial, "schedule"), "trial"), "steps")).size(), 200);
  EXPECT_NEAR(Numbers(Field(Field(Field(trial, "schedule"), "given"), "lr")).front(), 0.01, 1e-9);
  // A study without a schedule has none.
  Create("plain", TwoParameterStudy("MINIMIZE"));
  EXPECT_TRUE(Field(GetJson("/api/dashboard/studies/plain"), "schedules").has_null_value());
}

TEST_F(DashboardApiTest, BanditStudyListsItsArms) {
  Create("bandit", ParseText<v1::Study>(R"pb(
           spec {
             search_space {
               parameters {
                 name: "optimizer"
                 categorical_spec { values: "adam" values: "sgd" }
               }
             }
             objective { metric: "accuracy" goal: MAXIMIZE }
             sampler { ucb1 {} }
             seed: 2
           })pb"));
  const std::vector<v1::Trial> trials = Suggest("bandit", 3);
  Complete(trials[0], 0.9, "accuracy");
  const Value doc = GetJson("/api/dashboard/studies/bandit");
  EXPECT_TRUE(Field(Field(doc, "study"), "is_bandit").bool_value());
  const Value& arms = Field(doc, "arms");
  EXPECT_EQ(Field(arms, "policy").string_value(), "ucb1");
  const auto& list = Field(arms, "arms").list_value().values();
  ASSERT_EQ(list.size(), 2);
  EXPECT_EQ(Field(list[0], "label").string_value(), "optimizer=adam");
  EXPECT_EQ(Field(list[1], "label").string_value(), "optimizer=sgd");
  double pulls = 0, pending = 0;
  for (const Value& arm : list) {
    pulls += Field(arm, "pulls").number_value();
    pending += Field(arm, "pending").number_value();
    EXPECT_LE(Field(arm, "lower_bound").number_value(), Field(arm, "upper_bound").number_value());
  }
  EXPECT_EQ(pulls, 1);
  EXPECT_EQ(pending, 2);
  // The trial page shows the pull.
  const Value trial = GetJson("/api/dashboard/studies/bandit/trials/0");
  EXPECT_EQ(Field(Field(trial, "bandit"), "arm").number_value(), trials[0].bandit().arm());
  EXPECT_EQ(Field(Field(trial, "bandit"), "reward").number_value(), 0.9);
  // Non-bandit studies have no arms.
  Create("plain", TwoParameterStudy("MINIMIZE"));
  EXPECT_TRUE(Field(GetJson("/api/dashboard/studies/plain"), "arms").has_null_value());
}

TEST_F(DashboardApiTest, TrialDocumentHasMeasurementsLeaseAndHistory) {
  Create("sh",
         SuccessiveHalvingStudy("successive_halving { min_resource: 1 reduction_factor: 3 }"));
  const std::vector<v1::Trial> trials = Suggest("sh", 1);
  for (int64_t step = 1; step <= 5; ++step) Report(trials[0], step, 1.0 / step);
  const Value open = GetJson("/api/dashboard/studies/sh/trials/0");
  EXPECT_EQ(Field(open, "study_id").string_value(), "sh");
  EXPECT_EQ(Field(open, "number").number_value(), 0);
  EXPECT_EQ(Field(open, "state").string_value(), "ACTIVE");
  EXPECT_EQ(Field(open, "client_id").string_value(), "worker-1");
  EXPECT_EQ(Field(open, "origin").string_value(), "random");
  EXPECT_EQ(Field(open, "max_resource").number_value(), 9);
  EXPECT_FALSE(Field(open, "lease_expire_time").string_value().empty());
  EXPECT_TRUE(Field(open, "end_time").has_null_value());
  EXPECT_TRUE(Field(open, "objective_value").has_null_value());
  const auto& params = Field(open, "parameters").list_value().values();
  ASSERT_EQ(params.size(), 1);
  EXPECT_EQ(Field(params[0], "name").string_value(), "x");
  EXPECT_NEAR(Field(params[0], "value").number_value(), trials[0].parameters(0).double_value(),
              1e-6);  // 7 significant digits
  const auto& measurements = Field(open, "measurements").list_value().values();
  ASSERT_EQ(measurements.size(), 5);
  EXPECT_EQ(Field(measurements[1], "step").number_value(), 2);
  EXPECT_EQ(Field(measurements[1], "elapsed_seconds").number_value(), 2);
  EXPECT_EQ(Field(Field(measurements[1], "metrics"), "loss").number_value(), 0.5);
  EXPECT_TRUE(Field(open, "final_measurement").has_null_value());

  Complete(trials[0], 0.125);
  const Value done = GetJson("/api/dashboard/studies/sh/trials/0");
  EXPECT_EQ(Field(done, "state").string_value(), "SUCCEEDED");
  EXPECT_EQ(Field(done, "objective_value").number_value(), 0.125);
  EXPECT_TRUE(Field(done, "lease_expire_time").has_null_value());
  EXPECT_FALSE(Field(done, "end_time").string_value().empty());
  const Value& final_measurement = Field(done, "final_measurement");
  EXPECT_EQ(Field(final_measurement, "step").number_value(), 100);
  EXPECT_EQ(Field(Field(final_measurement, "metrics"), "loss").number_value(), 0.125);
  EXPECT_EQ(Field(done, "measurements").list_value().values().size(), 5);
  std::vector<std::string> events, details;
  for (const Value& event : Field(done, "history").list_value().values()) {
    events.push_back(Field(event, "event").string_value());
    details.push_back(Field(event, "detail").string_value());
  }
  // Measurements: the first (step 1, a rung), step 3 (a rung) and the last (step 5).
  EXPECT_THAT(events,
              ElementsAre("created", "started", "measured", "measured", "measured", "succeeded"));
  EXPECT_EQ(details[2], "step 1: 1");
  EXPECT_EQ(details[3], "step 3: 0.3333333");
  EXPECT_EQ(details[4], "step 5: 0.2");
}

TEST_F(DashboardApiTest, StopRequestedAppearsInTheStoppedTrialsHistory) {
  Create("sh",
         SuccessiveHalvingStudy("successive_halving { min_resource: 1 reduction_factor: 3 }"));
  const std::vector<v1::Trial> trials = Suggest("sh", 4);
  Report(trials[0], 1, 0.1);
  Report(trials[2], 1, 0.2);
  Report(trials[3], 1, 0.3);
  ASSERT_TRUE(Report(trials[1], 1, 0.9).should_stop());
  const Value doc = GetJson("/api/dashboard/studies/sh/trials/1");
  EXPECT_EQ(Field(doc, "state").string_value(), "STOPPING");
  EXPECT_EQ(Field(doc, "stopped_at_step").number_value(), 1);
  const auto& history = Field(doc, "history").list_value().values();
  ASSERT_FALSE(history.empty());
  const Value& last = history[history.size() - 1];
  EXPECT_EQ(Field(last, "event").string_value(), "stop requested");
  EXPECT_FALSE(Field(last, "time").string_value().empty());
}

TEST_F(DashboardApiTest, UnknownStudyIs404NamingIt) {
  for (const std::string path :
       {"/api/dashboard/studies/nope", "/api/dashboard/studies/nope/trials/0"}) {
    const http::HttpResponse response = Get(path);
    EXPECT_EQ(response.status, 404) << path;
    const Value error = Field(ParseJson(response.body), "error");
    EXPECT_EQ(Field(error, "code").string_value(), "NOT_FOUND");
    EXPECT_THAT(Field(error, "message").string_value(), HasSubstr("study \"nope\" not found"));
  }
}

TEST_F(DashboardApiTest, BadTrialNumbersAre400AndMissingTrialsAre404) {
  Create("s", TwoParameterStudy("MINIMIZE"));
  Suggest("s", 1);
  for (const std::string bad : {"x", "-1", "1.5"}) {
    const http::HttpResponse response = Get("/api/dashboard/studies/s/trials/" + bad);
    EXPECT_EQ(response.status, 400) << bad;
    const Value error = Field(ParseJson(response.body), "error");
    EXPECT_EQ(Field(error, "code").string_value(), "INVALID_ARGUMENT");
    EXPECT_THAT(Field(error, "message").string_value(), HasSubstr("trial number"));
  }
  const http::HttpResponse missing = Get("/api/dashboard/studies/s/trials/7");
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.body, HasSubstr("studies/s/trials/7"));
}

TEST_F(DashboardApiTest, UnknownPathsAre404AndOtherMethods405) {
  for (const std::string path :
       {"/api/dashboard/", "/api/dashboard/trials", "/api/dashboard/studies/s/x",
        "/api/dashboard/studies/s/trials/0/more"}) {
    const http::HttpResponse response = Get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(Field(Field(ParseJson(response.body), "error"), "code").string_value(), "NOT_FOUND");
  }
  http::HttpRequest post;
  post.method = "POST";
  post.path = "/api/dashboard/studies";
  const http::HttpResponse response = api_->Handle(post);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(Header(response, "Allow"), "GET");
  EXPECT_THAT(response.body, HasSubstr("read-only"));
}

TEST_F(DashboardApiTest, ETagMatchGets304AndANewMeasurementChangesTheRevision) {
  Create("s", TwoParameterStudy("MINIMIZE"));
  const std::vector<v1::Trial> trials = Suggest("s", 1);
  Report(trials[0], 1, 0.5);
  const http::HttpResponse first = Get("/api/dashboard/studies/s");
  ASSERT_EQ(first.status, 200);
  const std::string revision = Field(ParseJson(first.body), "revision").string_value();
  ASSERT_FALSE(revision.empty());
  EXPECT_EQ(Header(first, "ETag"), "\"" + revision + "\"");
  EXPECT_EQ(Header(first, "Cache-Control"), "no-cache");

  const http::HttpResponse again = Get("/api/dashboard/studies/s", {}, "\"" + revision + "\"");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Header(again, "ETag"), "\"" + revision + "\"");

  Report(trials[0], 2, 0.4);
  const http::HttpResponse changed = Get("/api/dashboard/studies/s", {}, "\"" + revision + "\"");
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(Field(ParseJson(changed.body), "revision").string_value(), revision);

  // The trial document has its own revision and 304 as well.
  const http::HttpResponse trial = Get("/api/dashboard/studies/s/trials/0");
  EXPECT_EQ(Get("/api/dashboard/studies/s/trials/0", {}, Header(trial, "ETag")).status, 304);
}

TEST_F(DashboardApiTest, RevisionChangesWithEveryKindOfStudyChange) {
  Create("s", TwoParameterStudy("MINIMIZE"));
  auto revision = [&] {
    return Field(GetJson("/api/dashboard/studies/s"), "revision").string_value();
  };
  std::vector<std::string> seen = {revision()};
  const std::vector<v1::Trial> trials = Suggest("s", 1);  // a trial created
  seen.push_back(revision());
  Report(trials[0], 1, 0.5);  // a measurement
  seen.push_back(revision());
  Complete(trials[0], 0.4);  // a state change
  seen.push_back(revision());
  v1::SetStudyStateRequest pause;
  pause.set_name("studies/s");
  pause.set_state(v1::Study::PAUSED);
  ASSERT_TRUE(Await(*runtime_, &Runtime::SetStudyState, pause).ok());  // the study's state
  seen.push_back(revision());
  EXPECT_EQ(revision(), seen.back());  // nothing changed: the same revision
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << "a revision repeated";
}

TEST_F(DashboardApiTest, StudyDocumentIsGzippedWhenAcceptedAndEqualsThePlainOne) {
  Create("s", TwoParameterStudy("MINIMIZE"));
  for (const v1::Trial& trial : Suggest("s", 20)) {
    Report(trial, 1, 0.5);
    Complete(trial, 0.25);
  }
  const http::HttpResponse plain = Get("/api/dashboard/studies/s");
  ASSERT_EQ(plain.status, 200);
  ASSERT_GE(plain.body.size(), http::kMinGzipBytes);
  http::HttpRequest request;
  request.path = "/api/dashboard/studies/s";
  request.accept_encoding = "gzip, deflate";
  for (int i = 0; i < 2; ++i) {  // the second from the cache, compressed once
    const http::HttpResponse gzip = api_->Handle(request);
    ASSERT_EQ(gzip.status, 200);
    EXPECT_EQ(Header(gzip, "Content-Encoding"), "gzip");
    EXPECT_EQ(Header(gzip, "ETag"), Header(plain, "ETag"));
    EXPECT_LT(gzip.body.size(), plain.body.size());
    EXPECT_EQ(hyperd::testing::Gunzip(gzip.body), plain.body);
  }
  // A 304 has no body to encode.
  request.if_none_match = Header(plain, "ETag");
  const http::HttpResponse not_modified = api_->Handle(request);
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(Header(not_modified, "Content-Encoding"), "");
}

// The document cache trusts Runtime::StudyGeneration: it must move with every change the study
// document shows, stay put otherwise, and never repeat (not even across deletion).
TEST_F(DashboardApiTest, StudyGenerationMovesWithEveryShownChangeAndNeverRepeats) {
  Create("s", TwoParameterStudy("MINIMIZE"));
  auto generation = [&] {
    absl::StatusOr<uint64_t> g = runtime_->StudyGeneration("s");
    EXPECT_TRUE(g.ok()) << g.status();
    return g.value_or(0);
  };
  std::vector<uint64_t> seen = {generation()};
  const std::vector<v1::Trial> trials = Suggest("s", 2);
  seen.push_back(generation());
  Report(trials[0], 1, 0.5);
  seen.push_back(generation());
  Complete(trials[0], 0.4);
  seen.push_back(generation());
  v1::FailTrialRequest fail;
  fail.set_name(trials[1].name());
  fail.set_reason("out of memory");
  ASSERT_TRUE(Await(*runtime_, &Runtime::FailTrial, fail).ok());
  seen.push_back(generation());

  // Reads and a heartbeat change nothing the study document shows.
  const std::vector<v1::Trial> open = Suggest("s", 1);
  seen.push_back(generation());
  v1::HeartbeatRequest heartbeat;
  heartbeat.set_name(open[0].name());
  heartbeat.set_client_id("worker-1");
  ASSERT_TRUE(Await(*runtime_, &Runtime::Heartbeat, heartbeat).ok());
  GetJson("/api/dashboard/studies/s");
  EXPECT_EQ(generation(), seen.back());

  v1::DeleteStudyRequest remove;
  remove.set_name("studies/s");
  ASSERT_TRUE(Await(*runtime_, &Runtime::DeleteStudy, remove).ok());
  EXPECT_EQ(runtime_->StudyGeneration("s").status().code(), absl::StatusCode::kNotFound);
  Create("s", TwoParameterStudy("MINIMIZE"));
  seen.push_back(generation());
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << "a generation repeated";

  // The recreated study's document shows the new study, not the cached one of the old.
  const Value doc = GetJson("/api/dashboard/studies/s");
  EXPECT_EQ(Field(Field(doc, "study"), "trial_count").number_value(), 0);
}

// The reader keeps finished trials' curves between polls (study_snapshot.h): a first read of many
// trials goes through ListTrials pages, later ones fetch only open trials; a study deleted and
// created again under the same id shows its new trials.
TEST_F(DashboardApiTest, CurvesStayExactAcrossPollsDeletionAndRecreation) {
  Create("s", TwoParameterStudy("MINIMIZE"));
  std::vector<v1::Trial> trials;
  for (int call = 0; call < 3; ++call) {
    for (const v1::Trial& trial : Suggest("s", 100, absl::StrCat("w", call))) {
      trials.push_back(trial);
    }
  }
  ASSERT_EQ(trials.size(), 300);
  for (const v1::Trial& trial : trials) Report(trial, 1, trial.number());
  for (int i = 0; i < 100; ++i) Complete(trials[i], i);
  auto curves = [&] {
    std::vector<std::vector<double>> out;
    const Value doc = GetJson("/api/dashboard/studies/s");
    for (const Value& curve : Field(Field(doc, "curves"), "trials").list_value().values()) {
      out.push_back(Numbers(Field(curve, "steps")));
    }
    return out;
  };
  std::vector<std::vector<double>> first = curves();  // every trial read through pages
  ASSERT_EQ(first.size(), 300);
  EXPECT_THAT(first[0], ElementsAre(1, 100));  // the final measurement at step 100
  EXPECT_THAT(first[250], ElementsAre(1));
  Report(trials[250], 2, 0.5);
  Complete(trials[260], 1.0);
  const std::vector<std::vector<double>> second = curves();  // finished ones reused
  EXPECT_THAT(second[0], ElementsAre(1, 100));
  EXPECT_THAT(second[250], ElementsAre(1, 2));
  EXPECT_THAT(second[260], ElementsAre(1, 100));

  v1::DeleteStudyRequest remove;
  remove.set_name("studies/s");
  ASSERT_TRUE(Await(*runtime_, &Runtime::DeleteStudy, remove).ok());
  EXPECT_EQ(Get("/api/dashboard/studies/s").status, 404);
  Create("s", TwoParameterStudy("MINIMIZE"));
  const std::vector<v1::Trial> again = Suggest("s", 1);
  Report(again[0], 5, 0.5);
  Complete(again[0], 0.25);
  const std::vector<std::vector<double>> third = curves();
  ASSERT_EQ(third.size(), 1);
  EXPECT_THAT(third[0], ElementsAre(5, 100));
}

TEST_F(DashboardApiTest, LongCurvesAreThinnedKeepingEndsAndRungSteps) {
  v1::Study study =
      SuccessiveHalvingStudy("successive_halving { min_resource: 1 reduction_factor: 3 }");
  study.mutable_spec()->mutable_resource()->set_max_resource(729);
  Create("long", study);
  const std::vector<v1::Trial> trials = Suggest("long", 2);
  for (int64_t step = 1; step <= 500; ++step) Report(trials[0], step, 1.0 / step);
  for (int64_t step = 1; step <= 5; ++step) Report(trials[1], step, 2.0 / step);
  const Value doc = GetJson("/api/dashboard/studies/long");
  const Value& curves = Field(doc, "curves");
  EXPECT_TRUE(Field(curves, "downsampled").bool_value());
  const std::vector<double> steps =
      Numbers(Field(Field(curves, "trials").list_value().values(0), "steps"));
  const std::vector<double> values =
      Numbers(Field(Field(curves, "trials").list_value().values(0), "values"));
  EXPECT_LE(steps.size(), 200);
  EXPECT_GE(steps.size(), 150);
  ASSERT_EQ(values.size(), steps.size());
  EXPECT_EQ(steps.front(), 1);
  EXPECT_EQ(steps.back(), 500);
  for (const double rung : {1, 3, 9, 27, 81, 243}) {
    EXPECT_NE(std::find(steps.begin(), steps.end(), rung), steps.end()) << "rung step " << rung;
  }
  for (size_t i = 0; i < steps.size(); ++i) EXPECT_NEAR(values[i], 1.0 / steps[i], 1e-6);
  // The short curve is whole.
  EXPECT_THAT(Numbers(Field(Field(curves, "trials").list_value().values(1), "steps")),
              ElementsAre(1, 2, 3, 4, 5));
}

// The web server calls Handle from several threads while workers report.
TEST_F(DashboardApiTest, ConcurrentRequestsDuringReportsAllSucceed) {
  Create("s", TwoParameterStudy("MINIMIZE"));
  const std::vector<v1::Trial> trials = Suggest("s", 20);
  std::vector<std::thread> readers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (Get("/api/dashboard/studies/s").status != 200) ++failures;
        if (Get("/api/dashboard/studies/s/trials/3").status != 200) ++failures;
      }
    });
  }
  for (int step = 1; step <= 5; ++step) {
    for (const v1::Trial& trial : trials) Report(trial, step, 1.0 / step);
  }
  for (const v1::Trial& trial : trials) Complete(trial, trial.parameters(0).double_value());
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  const Value doc = GetJson("/api/dashboard/studies/s");
  EXPECT_EQ(Field(doc, "history").struct_value().fields().at("number").list_value().values_size(),
            20);
}

class DashboardAuthTest : public DashboardApiTest {
 protected:
  void SetUp() override {
    DashboardApiTest::SetUp();
    auto table =
        auth::TokenTable::Parse(TokenLine("viewer", "viewer") + TokenLine("worker", "worker") +
                                    TokenLine("mnist-viewer", "viewer", "studies=mnist-*"),
                                "tokens.txt");
    ASSERT_TRUE(table.ok()) << table.status();
    authorizer_ = std::make_unique<auth::Authorizer>(std::move(*table), &clock_);
    api_ = std::make_unique<DashboardApi>(
        runtime_.get(), authorizer_.get(), "9.9.9",
        [this](const auth::AuthDecision& decision, absl::string_view what) {
          refused_.push_back(absl::StrCat(auth::AuthFailureName(decision.failure), " ", what));
        });
    Create("mnist-1", TwoParameterStudy("MINIMIZE"));
    Create("cifar", TwoParameterStudy("MINIMIZE"));
    Suggest("cifar", 1);
  }

  std::unique_ptr<auth::Authorizer> authorizer_;
  std::vector<std::string> refused_;
};

TEST_F(DashboardAuthTest, MissingTokenIs401WithWwwAuthenticate) {
  const http::HttpResponse response = Get("/api/dashboard/studies");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(Header(response, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(Field(Field(ParseJson(response.body), "error"), "code").string_value(),
            "UNAUTHENTICATED");
  EXPECT_EQ(Get("/api/dashboard/studies", "Bearer wrong-secret").status, 401);
  EXPECT_THAT(refused_, ElementsAre("missing GET /api/dashboard/studies",
                                    "invalid GET /api/dashboard/studies"));
}

TEST_F(DashboardAuthTest, ViewerAndWorkerTokensReadEveryDocument) {
  for (const std::string token : {"viewer", "worker"}) {
    const std::string bearer = absl::StrCat("Bearer ", token, "-secret");
    EXPECT_EQ(Get("/api/dashboard/studies", bearer).status, 200) << token;
    EXPECT_EQ(Get("/api/dashboard/studies/cifar", bearer).status, 200) << token;
    EXPECT_EQ(Get("/api/dashboard/studies/cifar/trials/0", bearer).status, 200) << token;
  }
  EXPECT_TRUE(refused_.empty());
}

TEST_F(DashboardAuthTest, RestrictedTokenSeesOnlyItsStudies) {
  const std::string bearer = "Bearer mnist-viewer-secret";
  const Value list = ParseJson(Get("/api/dashboard/studies", bearer).body);
  const auto& studies = Field(list, "studies").list_value().values();
  ASSERT_EQ(studies.size(), 1);
  EXPECT_EQ(Field(studies[0], "id").string_value(), "mnist-1");
  EXPECT_EQ(Get("/api/dashboard/studies/mnist-1", bearer).status, 200);
  const http::HttpResponse denied = Get("/api/dashboard/studies/cifar", bearer);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(Field(Field(ParseJson(denied.body), "error"), "code").string_value(),
            "PERMISSION_DENIED");
  EXPECT_EQ(Get("/api/dashboard/studies/cifar/trials/0", bearer).status, 403);
  EXPECT_THAT(refused_, ElementsAre("study GET /api/dashboard/studies/cifar",
                                    "study GET /api/dashboard/studies/cifar/trials/0"));
}

}  // namespace
}  // namespace hyperd::server::dashboard
