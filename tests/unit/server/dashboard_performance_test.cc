// How long the dashboard takes to build a big study's document: 10,000 trials of ~20
// measurements each, populated through the Runtime (pipelined: replies are awaited in bulk). Prints
// the figures; asserts only what the document holds (timing assertions would be flaky on a shared
// machine). The target is well under 300 ms per document.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/dashboard/dashboard_api.h"
#include "server/dashboard/study_document.h"
#include "server/dashboard/study_snapshot.h"
#include "server/request_validation.h"
#include "server/runtime.h"
#include "storage/sqlite/sqlite_trial_store.h"
#include "tests/testing/messages.h"

namespace hyperd::server::dashboard {
namespace {

namespace v1 = hyperd::v1;

constexpr int kTrials = 10'000;
constexpr int kSteps = 20;

// Counts outstanding replies so many asynchronous calls can be awaited at once.
class Outstanding {
 public:
  template <typename T>
  Reply<T> Add() {
    absl::MutexLock lock(&mu_);
    ++pending_;
    return [this](absl::StatusOr<T> result) {
      absl::MutexLock lock(&mu_);
      if (!result.ok()) ++failed_;
      --pending_;
    };
  }
  // Returns the number of failed replies.
  int Wait() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* pending) { return *pending == 0; }, &pending_));
    return failed_;
  }

 private:
  absl::Mutex mu_;
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
  int failed_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST(DashboardPerformance, TenThousandTrialStudyDocument) {
  std::string templ = ::testing::TempDir() + "hyperd-dashperf-XXXXXX";
  const std::string dir = mkdtemp(templ.data());
  storage::SqliteTrialStore::Options options;
  options.path = dir + "/hyperd.db";
  options.durability = storage::Durability::kNormal;
  auto store = storage::SqliteTrialStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  ManualClock clock;
  auto pool = std::make_unique<WorkerPool>(2, 10'000);
  auto runtime = std::make_unique<Runtime>(store->get(), &clock, pool.get());
  ASSERT_TRUE(runtime->Load().ok());

  const absl::Time populate_start = absl::Now();
  Outstanding outstanding;
  v1::CreateStudyRequest create;
  create.set_study_id("big");
  *create.mutable_study() = hyperd::testing::BasicStudy();
  create.mutable_study()->mutable_spec()->mutable_resource()->set_max_resource(kSteps);
  runtime->CreateStudy(create, outstanding.Add<v1::Study>());
  ASSERT_EQ(outstanding.Wait(), 0);

  std::vector<v1::Trial> trials;
  absl::Mutex trials_mu;
  for (int batch = 0; batch < kTrials / 100; ++batch) {
    v1::SuggestTrialsRequest suggest;
    suggest.set_parent(StudyName("big"));
    suggest.set_count(100);
    suggest.set_client_id(absl::StrCat("w", batch));
    Reply<v1::SuggestTrialsResponse> done = outstanding.Add<v1::SuggestTrialsResponse>();
    runtime->SuggestTrials(suggest, [&, done](absl::StatusOr<v1::SuggestTrialsResponse> response) {
      if (response.ok()) {
        absl::MutexLock lock(&trials_mu);
        for (const v1::Trial& trial : response->trials()) trials.push_back(trial);
      }
      done(response);
    });
    ASSERT_EQ(outstanding.Wait(), 0);
  }
  ASSERT_EQ(trials.size(), kTrials);
  for (int step = 1; step <= kSteps; ++step) {
    for (const v1::Trial& trial : trials) {
      v1::ReportMeasurementRequest report;
      report.set_name(trial.name());
      report.mutable_measurement()->set_step(step);
      (*report.mutable_measurement()->mutable_metrics())["loss"] =
          1.0 / step + 0.001 * static_cast<double>(trial.number() % 97);
      runtime->ReportMeasurement(report, outstanding.Add<v1::ReportMeasurementResponse>());
    }
    ASSERT_EQ(outstanding.Wait(), 0);
  }
  for (const v1::Trial& trial : trials) {
    v1::CompleteTrialRequest complete;
    complete.set_name(trial.name());
    runtime->CompleteTrial(complete, outstanding.Add<v1::Trial>());
  }
  ASSERT_EQ(outstanding.Wait(), 0);
  std::printf("populated %d trials x %d measurements in %.1f s\n", kTrials, kSteps,
              absl::ToDoubleSeconds(absl::Now() - populate_start));

  DashboardApi api(runtime.get(), nullptr, "test");
  http::HttpRequest request;
  request.path = "/api/dashboard/studies/big";
  for (const char* label : {"first (reads every measurement, fits importance)", "warm 1", "warm 2",
                            "warm 3", "warm 4", "warm 5"}) {
    const absl::Time start = absl::Now();
    const http::HttpResponse response = api.Handle(request);
    const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    ASSERT_EQ(response.status, 200);
    std::printf("study document, %s: %.1f ms, %.2f MB\n", label, ms, response.body.size() / 1e6);
    EXPECT_NE(response.body.find("\"trials_used\":"), std::string::npos);
  }
  // A poll after one more trial finished: its curve is read, the importance is not refitted.
  {
    v1::SuggestTrialsRequest suggest;
    suggest.set_parent(StudyName("big"));
    suggest.set_count(1);
    suggest.set_client_id("late");
    v1::Trial late;
    Reply<v1::SuggestTrialsResponse> done = outstanding.Add<v1::SuggestTrialsResponse>();
    runtime->SuggestTrials(suggest, [&, done](absl::StatusOr<v1::SuggestTrialsResponse> response) {
      if (response.ok() && response->trials_size() == 1) late = response->trials(0);
      done(response);
    });
    ASSERT_EQ(outstanding.Wait(), 0);
    v1::CompleteTrialRequest complete;
    complete.set_name(late.name());
    complete.mutable_final_measurement()->set_step(kSteps);
    (*complete.mutable_final_measurement()->mutable_metrics())["loss"] = 0.5;
    runtime->CompleteTrial(complete, outstanding.Add<v1::Trial>());
    ASSERT_EQ(outstanding.Wait(), 0);
    const absl::Time start = absl::Now();
    const http::HttpResponse response = api.Handle(request);
    ASSERT_EQ(response.status, 200);
    std::printf("study document after one more trial finished: %.1f ms\n",
                absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  // Where the time goes: reading through the Runtime, and writing the JSON.
  // A fresh reader reads every measurement once; later reads reuse the finished trials' curves.
  StudyReader reader;
  for (const char* label : {"fresh reader", "warm reader"}) {
    const absl::Time read_start = absl::Now();
    absl::StatusOr<StudySnapshot> snapshot = reader.Read(*runtime, "big");
    ASSERT_TRUE(snapshot.ok());
    const absl::Time write_start = absl::Now();
    const StudyImportance no_importance;
    const std::string body = StudyDocument(*snapshot, no_importance);
    std::printf("  %s: read through the Runtime %.1f ms, JSON %.1f ms\n", label,
                absl::ToDoubleMilliseconds(write_start - read_start),
                absl::ToDoubleMilliseconds(absl::Now() - write_start));
  }
  std::string etag;
  for (const auto& [key, value] : api.Handle(request).headers) {
    if (key == "ETag") etag = value;
  }
  request.if_none_match = etag;
  for (int i = 0; i < 3; ++i) {
    const absl::Time start = absl::Now();
    EXPECT_EQ(api.Handle(request).status, 304);
    std::printf("304 Not Modified: %.1f ms\n", absl::ToDoubleMilliseconds(absl::Now() - start));
  }

  runtime.reset();
  pool.reset();
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperd::server::dashboard
