#include "storage/sqlite/sqlite_trial_store.h"

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/storage/storage_test_util.h"

namespace hyperd::storage {
namespace {

using ::hyperd::storage::testing_util::ProtoEquals;
using ::hyperd::storage::testing_util::RawDb;
using ::hyperd::storage::testing_util::ScopedTempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using v1::Measurement;
using v1::Study;
using v1::Trial;

google::protobuf::Timestamp Time(int64_t seconds, int32_t nanos) {
  google::protobuf::Timestamp time;
  time.set_seconds(seconds);
  time.set_nanos(nanos);
  return time;
}

// A study with every field set, including the OUTPUT_ONLY counters the store does not keep.
Study FullStudy(const std::string& id) {
  Study study;
  study.set_name("studies/" + id);
  v1::StudySpec* spec = study.mutable_spec();
  v1::ParameterSpec* lr = spec->mutable_search_space()->add_parameters();
  lr->set_name("lr");
  lr->mutable_double_spec()->set_min(1e-5);
  lr->mutable_double_spec()->set_max(1.0);
  lr->mutable_double_spec()->set_scale(v1::LOG);
  v1::ParameterSpec* layers = spec->mutable_search_space()->add_parameters();
  layers->set_name("layers");
  layers->mutable_integer_spec()->set_min(1);
  layers->mutable_integer_spec()->set_max(8);
  layers->mutable_integer_spec()->set_step(1);
  v1::ParameterSpec* optimizer = spec->mutable_search_space()->add_parameters();
  optimizer->set_name("optimizer");
  optimizer->mutable_categorical_spec()->add_values("sgd");
  optimizer->mutable_categorical_spec()->add_values("adam");
  v1::ParameterSpec* momentum = spec->mutable_search_space()->add_parameters();
  momentum->set_name("momentum");
  momentum->mutable_double_spec()->set_min(0.0);
  momentum->mutable_double_spec()->set_max(0.99);
  momentum->mutable_double_spec()->set_step(0.01);
  momentum->mutable_condition()->set_parent("optimizer");
  momentum->mutable_condition()->add_categorical_values("sgd");
  spec->mutable_objective()->set_metric("loss");
  spec->mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  spec->mutable_sampler()->mutable_grid()->set_shuffle(true);
  spec->mutable_sampler()->mutable_grid()->set_points_per_continuous_parameter(7);
  spec->mutable_scheduler()->mutable_fifo();
  spec->mutable_resource()->set_unit("epoch");
  spec->mutable_resource()->set_max_resource(81);
  spec->mutable_schedule();
  spec->set_seed(42);
  spec->set_context_dimension(3);
  v1::StudyLimits* limits = study.mutable_limits();
  limits->set_max_trials(100);
  limits->set_max_parallel_trials(4);
  limits->mutable_lease_duration()->set_seconds(600);
  limits->set_target_value(0.01);
  *limits->mutable_deadline() = Time(1900000000, 5);
  study.set_description("mnist convnet sweep");
  (*study.mutable_user_attributes())["team"] = "vision";
  (*study.mutable_user_attributes())["owner"] = "ada";
  study.set_state(Study::PAUSED);
  study.set_state_reason("paused by operator");
  *study.mutable_create_time() = Time(1700000000, 123456789);
  study.mutable_trial_counts()->set_active(3);
  study.set_sampler_status("grid: 12 of 48 points used");
  return study;
}

// What the store gives back for `study`: everything but the OUTPUT_ONLY derived values.
Study AsStored(Study study) {
  study.clear_trial_counts();
  study.clear_sampler_status();
  return study;
}

Measurement MakeMeasurement(int64_t step, double loss) {
  Measurement measurement;
  measurement.set_step(step);
  (*measurement.mutable_metrics())["loss"] = loss;
  (*measurement.mutable_metrics())["accuracy"] = 1.0 - loss;
  (*measurement.mutable_metrics())["grad_norm"] = -std::numeric_limits<double>::infinity();
  measurement.mutable_elapsed()->set_seconds(30 * step);
  measurement.mutable_elapsed()->set_nanos(250000000);
  *measurement.mutable_report_time() = Time(1700000100 + step, 42);
  return measurement;
}

// A trial with every field set, including measurements the store keeps as rows of their own.
Trial FullTrial(const std::string& study_id, int64_t number) {
  Trial trial;
  trial.set_name(absl::StrCat("studies/", study_id, "/trials/", number));
  trial.set_number(number);
  v1::Parameter* lr = trial.add_parameters();
  lr->set_name("lr");
  lr->set_double_value(0.003);
  v1::Parameter* layers = trial.add_parameters();
  layers->set_name("layers");
  layers->set_int_value(4);
  v1::Parameter* optimizer = trial.add_parameters();
  optimizer->set_name("optimizer");
  optimizer->set_categorical_value("adam");
  trial.set_state(Trial::ACTIVE);
  trial.set_client_id("host-7:1234:ab12");
  *trial.add_measurements() = MakeMeasurement(1, 0.9);
  *trial.mutable_final_measurement() = MakeMeasurement(9, 0.1);
  trial.set_objective_value(0.1);
  trial.set_reason("reached max_resource");
  *trial.mutable_create_time() = Time(1700000001, 1);
  *trial.mutable_start_time() = Time(1700000002, 2);
  *trial.mutable_end_time() = Time(1700000003, 3);
  *trial.mutable_lease_expire_time() = Time(1700000600, 4);
  (*trial.mutable_user_attributes())["checkpoint"] = "s3://bucket/run-7";
  trial.add_context(0.5);
  trial.add_context(-1.0);
  trial.set_max_resource(27);
  trial.set_origin("grid");
  return trial;
}

Trial AsStored(Trial trial) {
  trial.clear_measurements();
  return trial;
}

Mutation StudyPut(const std::string& id, Study study, std::string sampler_state = "") {
  return PutStudy{StudyRecord{id, std::move(study), std::move(sampler_state)}};
}

Mutation TrialPut(const std::string& study_id, Trial trial) {
  return PutTrial{TrialRecord{study_id, std::move(trial)}};
}

Mutation MeasurementPut(const std::string& study_id, int64_t trial_number,
                        Measurement measurement) {
  return PutMeasurement{MeasurementRecord{study_id, trial_number, std::move(measurement)}};
}

// Collects every CommitStats the store reports.
class CommitLog {
 public:
  std::function<void(const CommitStats&)> Recorder() {
    return [this](const CommitStats& stats) {
      absl::MutexLock lock(&mu_);
      stats_.push_back(stats);
    };
  }
  std::vector<size_t> GroupSizes() {
    absl::MutexLock lock(&mu_);
    std::vector<size_t> sizes;
    for (const CommitStats& stats : stats_) sizes.push_back(stats.requests);
    return sizes;
  }
  std::vector<CommitStats> Stats() {
    absl::MutexLock lock(&mu_);
    return stats_;
  }

 private:
  absl::Mutex mu_;
  std::vector<CommitStats> stats_ ABSL_GUARDED_BY(mu_);
};

// Records each callback's status, by the order the requests were submitted in.
class Results {
 public:
  TrialStore::CommitCallback Slot(size_t index) {
    return [this, index](absl::Status status) {
      absl::MutexLock lock(&mu_);
      if (statuses_.size() <= index) statuses_.resize(index + 1, absl::UnknownError("not called"));
      statuses_[index] = std::move(status);
      order_.push_back(index);
    };
  }
  absl::Status Get(size_t index) {
    absl::MutexLock lock(&mu_);
    return index < statuses_.size() ? statuses_[index] : absl::UnknownError("not called");
  }
  std::vector<size_t> CallOrder() {
    absl::MutexLock lock(&mu_);
    return order_;
  }

 private:
  absl::Mutex mu_;
  std::vector<absl::Status> statuses_ ABSL_GUARDED_BY(mu_);
  std::vector<size_t> order_ ABSL_GUARDED_BY(mu_);
};

class SqliteTrialStoreTest : public ::testing::Test {
 protected:
  SqliteTrialStore::Options DefaultOptions() {
    SqliteTrialStore::Options options;
    options.path = db_path_;
    options.durability = Durability::kNormal;  // the tests check ordering and atomicity, not fsync
    options.on_commit = commits_.Recorder();
    return options;
  }

  std::unique_ptr<SqliteTrialStore> OpenStore(SqliteTrialStore::Options options) {
    absl::StatusOr<std::unique_ptr<SqliteTrialStore>> store =
        SqliteTrialStore::Open(std::move(options));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  std::unique_ptr<SqliteTrialStore> OpenStore() { return OpenStore(DefaultOptions()); }

  std::vector<StudySnapshot> LoadAll(SqliteTrialStore& store) {
    absl::StatusOr<std::vector<StudySnapshot>> studies = store.LoadAll();
    EXPECT_TRUE(studies.ok()) << studies.status();
    return studies.ok() ? std::move(studies).value() : std::vector<StudySnapshot>{};
  }

  ScopedTempDir dir_;
  std::string db_path_ = dir_.File("hyperd.db");
  CommitLog commits_;
};

TEST_F(SqliteTrialStoreTest, EveryMutationKindSurvivesReopenWithAllFields) {
  const std::string sampler_state("\0\x01sampler\xff", 10);
  {
    std::unique_ptr<SqliteTrialStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    Trial finished = FullTrial("mnist", 1);
    finished.set_state(Trial::SUCCEEDED);
    finished.clear_lease_expire_time();
    ASSERT_TRUE(store
                    ->CommitAndWait({StudyPut("mnist", FullStudy("mnist"), "initial"),
                                     TrialPut("mnist", FullTrial("mnist", 0)),
                                     TrialPut("mnist", FullTrial("mnist", 1)),
                                     MeasurementPut("mnist", 0, MakeMeasurement(2, 0.5)),
                                     MeasurementPut("mnist", 0, MakeMeasurement(1, 0.7)),
                                     MeasurementPut("mnist", 1, MakeMeasurement(3, 0.4))})
                    .ok());
    ASSERT_TRUE(store->CommitAndWait({PutSamplerState{"mnist", sampler_state}}).ok());
    ASSERT_TRUE(store->CommitAndWait({TrialPut("mnist", finished)}).ok());
    ASSERT_TRUE(store->CommitAndWait({StudyPut("empty", Study())}).ok());
    ASSERT_TRUE(store
                    ->CommitAndWait({StudyPut("gone", FullStudy("gone")),
                                     TrialPut("gone", FullTrial("gone", 0)),
                                     MeasurementPut("gone", 0, MakeMeasurement(1, 0.5))})
                    .ok());
    ASSERT_TRUE(store->CommitAndWait({DeleteStudy{"gone"}}).ok());
  }

  std::unique_ptr<SqliteTrialStore> reopened = OpenStore();
  ASSERT_NE(reopened, nullptr);
  std::vector<StudySnapshot> studies = LoadAll(*reopened);
  ASSERT_EQ(studies.size(), 2u);

  const StudySnapshot& empty = studies[0];
  EXPECT_EQ(empty.study.study_id, "empty");
  EXPECT_TRUE(ProtoEquals(Study(), empty.study.study));
  EXPECT_EQ(empty.study.sampler_state, "");
  EXPECT_TRUE(empty.trials.empty());

  const StudySnapshot& mnist = studies[1];
  EXPECT_EQ(mnist.study.study_id, "mnist");
  EXPECT_TRUE(ProtoEquals(AsStored(FullStudy("mnist")), mnist.study.study));
  EXPECT_EQ(mnist.study.sampler_state, sampler_state);
  ASSERT_EQ(mnist.trials.size(), 2u);
  EXPECT_EQ(mnist.trials[0].study_id, "mnist");
  EXPECT_TRUE(ProtoEquals(AsStored(FullTrial("mnist", 0)), mnist.trials[0].trial));
  Trial finished = AsStored(FullTrial("mnist", 1));
  finished.set_state(Trial::SUCCEEDED);
  finished.clear_lease_expire_time();
  EXPECT_TRUE(ProtoEquals(finished, mnist.trials[1].trial));
  ASSERT_EQ(mnist.measurements.size(), 3u);
  EXPECT_EQ(mnist.measurements[0].trial_number, 0);
  EXPECT_TRUE(ProtoEquals(MakeMeasurement(1, 0.7), mnist.measurements[0].measurement));
  EXPECT_EQ(mnist.measurements[1].trial_number, 0);
  EXPECT_TRUE(ProtoEquals(MakeMeasurement(2, 0.5), mnist.measurements[1].measurement));
  EXPECT_EQ(mnist.measurements[2].trial_number, 1);
  EXPECT_EQ(mnist.measurements[2].study_id, "mnist");
  EXPECT_TRUE(ProtoEquals(MakeMeasurement(3, 0.4), mnist.measurements[2].measurement));
}

TEST_F(SqliteTrialStoreTest, NanMetricSurvivesRoundTrip) {
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  Measurement diverged;
  diverged.set_step(4);
  (*diverged.mutable_metrics())["loss"] = std::numeric_limits<double>::quiet_NaN();
  ASSERT_TRUE(store
                  ->CommitAndWait({StudyPut("s", Study()), TrialPut("s", FullTrial("s", 0)),
                                   MeasurementPut("s", 0, diverged)})
                  .ok());
  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  ASSERT_EQ(studies[0].measurements.size(), 1u);
  EXPECT_TRUE(std::isnan(studies[0].measurements[0].measurement.metrics().at("loss")));
}

TEST_F(SqliteTrialStoreTest, FailingBatchChangesNothingWhileOthersInItsGroupCommit) {
  Results results;
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  store->PauseWriterForTesting();  // the three batches below commit as one group
  store->Commit({StudyPut("s1", FullStudy("s1"), "from-a")}, results.Slot(0));
  Trial orphan = FullTrial("missing", 0);
  store->Commit({PutSamplerState{"s1", "from-b"}, StudyPut("s2", FullStudy("s2")),
                 TrialPut("missing", orphan)},
                results.Slot(1));
  store->Commit({TrialPut("s1", FullTrial("s1", 0))}, results.Slot(2));
  store->ResumeWriterForTesting();
  store->Flush();

  EXPECT_TRUE(results.Get(0).ok()) << results.Get(0);
  EXPECT_EQ(results.Get(1).code(), absl::StatusCode::kFailedPrecondition) << results.Get(1);
  EXPECT_THAT(results.Get(1).message(), HasSubstr("mutation 3 of 3"));
  EXPECT_THAT(results.Get(1).message(), HasSubstr("study 'missing' does not exist"));
  EXPECT_TRUE(results.Get(2).ok()) << results.Get(2);
  EXPECT_THAT(commits_.GroupSizes(), ElementsAre(3u));
  EXPECT_TRUE(commits_.Stats()[0].status.ok());

  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_EQ(studies[0].study.study_id, "s1");
  EXPECT_EQ(studies[0].study.sampler_state, "from-a");
  ASSERT_EQ(studies[0].trials.size(), 1u);
  EXPECT_EQ(studies[0].trials[0].trial.number(), 0);
}

TEST_F(SqliteTrialStoreTest, BatchesCommitAndCallBackInSubmissionOrderAcrossGroups) {
  SqliteTrialStore::Options options = DefaultOptions();
  options.max_batch_requests = 7;
  std::unique_ptr<SqliteTrialStore> store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CommitAndWait({StudyPut("s", Study())}).ok());
  store->Flush();
  Results results;
  store->PauseWriterForTesting();
  constexpr size_t kBatches = 50;
  for (size_t i = 0; i < kBatches; ++i) {
    // Each batch depends on the one before: a trial's measurement needs the trial.
    WriteBatch batch = {PutSamplerState{"s", absl::StrCat("v", i)}};
    if (i % 2 == 0) batch.push_back(TrialPut("s", FullTrial("s", static_cast<int64_t>(i))));
    if (i % 2 == 1) batch.push_back(MeasurementPut("s", i - 1, MakeMeasurement(0, 0.5)));
    store->Commit(std::move(batch), results.Slot(i));
  }
  store->ResumeWriterForTesting();
  store->Flush();

  std::vector<size_t> expected_order(kBatches);
  for (size_t i = 0; i < kBatches; ++i) {
    expected_order[i] = i;
    EXPECT_TRUE(results.Get(i).ok()) << i << ": " << results.Get(i);
  }
  EXPECT_EQ(results.CallOrder(), expected_order);
  // One setup group, then groups capped at max_batch_requests.
  EXPECT_THAT(commits_.GroupSizes(), ElementsAre(1u, 7u, 7u, 7u, 7u, 7u, 7u, 7u, 1u));
  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_EQ(studies[0].study.sampler_state, absl::StrCat("v", kBatches - 1));
  EXPECT_EQ(studies[0].trials.size(), kBatches / 2);
  EXPECT_EQ(studies[0].measurements.size(), kBatches / 2);
}

TEST_F(SqliteTrialStoreTest, DuplicateMeasurementStepIsAlreadyExistsAndFirstValueStays) {
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store
                  ->CommitAndWait({StudyPut("s", Study()), TrialPut("s", FullTrial("s", 3)),
                                   MeasurementPut("s", 3, MakeMeasurement(5, 0.25))})
                  .ok());
  absl::Status duplicate = store->CommitAndWait({MeasurementPut("s", 3, MakeMeasurement(5, 0.9))});
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists) << duplicate;
  EXPECT_THAT(duplicate.message(), HasSubstr("step 5 of trial 3 of study 's'"));

  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  ASSERT_EQ(studies[0].measurements.size(), 1u);
  EXPECT_TRUE(ProtoEquals(MakeMeasurement(5, 0.25), studies[0].measurements[0].measurement));
}

TEST_F(SqliteTrialStoreTest, WritesUnderMissingParentsFailWithTheirOwnCodes) {
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CommitAndWait({StudyPut("s", Study())}).ok());

  absl::Status trial = store->CommitAndWait({TrialPut("nope", FullTrial("nope", 0))});
  EXPECT_EQ(trial.code(), absl::StatusCode::kFailedPrecondition) << trial;
  absl::Status measurement = store->CommitAndWait({MeasurementPut("s", 9, MakeMeasurement(1, 1))});
  EXPECT_EQ(measurement.code(), absl::StatusCode::kFailedPrecondition) << measurement;
  EXPECT_THAT(measurement.message(), HasSubstr("trial 9 of study 's' does not exist"));
  absl::Status sampler = store->CommitAndWait({PutSamplerState{"nope", "x"}});
  EXPECT_EQ(sampler.code(), absl::StatusCode::kNotFound) << sampler;
  absl::Status no_id = store->CommitAndWait({StudyPut("", Study())});
  EXPECT_EQ(no_id.code(), absl::StatusCode::kInvalidArgument) << no_id;
  EXPECT_THAT(no_id.message(), HasSubstr("PutStudy.record.study_id is empty"));
  EXPECT_TRUE(store->CommitAndWait({DeleteStudy{"never-existed"}}).ok());
  EXPECT_TRUE(store->CommitAndWait({}).ok());
}

TEST_F(SqliteTrialStoreTest, DeletingStudyRemovesItsTrialsAndMeasurementsOnly) {
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store
                  ->CommitAndWait({StudyPut("a", Study()), TrialPut("a", FullTrial("a", 0)),
                                   TrialPut("a", FullTrial("a", 1)),
                                   MeasurementPut("a", 0, MakeMeasurement(1, 0.5)),
                                   MeasurementPut("a", 1, MakeMeasurement(1, 0.5)),
                                   StudyPut("b", Study()), TrialPut("b", FullTrial("b", 0)),
                                   MeasurementPut("b", 0, MakeMeasurement(1, 0.5))})
                  .ok());
  ASSERT_TRUE(store->CommitAndWait({DeleteStudy{"a"}}).ok());

  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_EQ(studies[0].study.study_id, "b");
  EXPECT_EQ(studies[0].trials.size(), 1u);
  EXPECT_EQ(studies[0].measurements.size(), 1u);
  RawDb raw(db_path_);
  EXPECT_EQ(raw.QueryInt64("SELECT count(*) FROM trial WHERE study_id = 'a'"), 0);
  EXPECT_EQ(raw.QueryInt64("SELECT count(*) FROM measurement WHERE study_id = 'a'"), 0);
}

TEST_F(SqliteTrialStoreTest, UpsertingStudyKeepsItsTrialsAndMeasurements) {
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      store
          ->CommitAndWait({StudyPut("s", FullStudy("s"), "old"), TrialPut("s", FullTrial("s", 0)),
                           MeasurementPut("s", 0, MakeMeasurement(1, 0.5))})
          .ok());
  Study updated = FullStudy("s");
  updated.set_description("updated");
  updated.set_state(Study::COMPLETED);
  ASSERT_TRUE(store->CommitAndWait({StudyPut("s", updated, "new")}).ok());

  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_TRUE(ProtoEquals(AsStored(updated), studies[0].study.study));
  EXPECT_EQ(studies[0].study.sampler_state, "new");
  EXPECT_EQ(studies[0].trials.size(), 1u);
  EXPECT_EQ(studies[0].measurements.size(), 1u);
}

TEST_F(SqliteTrialStoreTest, SynchronousPragmaFollowsDurability) {
  {
    SqliteTrialStore::Options options = DefaultOptions();
    options.durability = Durability::kFull;
    std::unique_ptr<SqliteTrialStore> store = OpenStore(options);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->WriterSynchronousForTesting(), 2);  // FULL
    RawDb raw(db_path_);
    EXPECT_EQ(raw.QueryTextRows("PRAGMA journal_mode"), "wal\n");
  }
  SqliteTrialStore::Options options = DefaultOptions();
  options.durability = Durability::kNormal;
  std::unique_ptr<SqliteTrialStore> store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->WriterSynchronousForTesting(), 1);  // NORMAL
}

TEST_F(SqliteTrialStoreTest, ConcurrentCommitsAllSucceedAndShareGroups) {
  constexpr int kThreads = 16;
  constexpr int kCommitsPerThread = 20;
  std::atomic<size_t> largest_group{0};
  SqliteTrialStore::Options options = DefaultOptions();
  options.on_commit = [&](const CommitStats& stats) {
    if (stats.requests > largest_group.load()) largest_group.store(stats.requests);
  };
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::unique_ptr<SqliteTrialStore> store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  WriteBatch setup = {StudyPut("s", Study())};
  for (int t = 0; t < kThreads; ++t) setup.push_back(TrialPut("s", FullTrial("s", t)));
  ASSERT_TRUE(store->CommitAndWait(std::move(setup)).ok());
  store->Flush();
  largest_group.store(0);
  // Paused, the writer lets the submitters' requests queue up: a multi-request group is certain
  // instead of likely.
  store->PauseWriterForTesting();

  std::vector<std::thread> submitters;
  for (int t = 0; t < kThreads; ++t) {
    submitters.emplace_back([&, t] {
      for (int step = 0; step < kCommitsPerThread; ++step) {
        store->Commit({MeasurementPut("s", t, MakeMeasurement(step, 0.5))},
                      [&](absl::Status status) { (status.ok() ? ok : failed)++; });
      }
    });
  }
  for (std::thread& submitter : submitters) submitter.join();
  store->ResumeWriterForTesting();
  store->Flush();

  EXPECT_EQ(ok.load(), kThreads * kCommitsPerThread);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(largest_group.load(), 1u);
  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_EQ(studies[0].measurements.size(), static_cast<size_t>(kThreads * kCommitsPerThread));
}

TEST_F(SqliteTrialStoreTest, EmptyBatchesAreBarriersThatCompleteInOrder) {
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::vector<int> order;
  absl::Mutex mu;
  store->PauseWriterForTesting();
  store->Commit({StudyPut("s", Study())}, [&](absl::Status status) {
    EXPECT_TRUE(status.ok());
    absl::MutexLock lock(&mu);
    order.push_back(1);
  });
  store->Commit({}, [&](absl::Status status) {
    EXPECT_TRUE(status.ok());
    absl::MutexLock lock(&mu);
    order.push_back(2);
  });
  store->ResumeWriterForTesting();
  store->Flush();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  store->Commit({}, [&](absl::Status status) { EXPECT_TRUE(status.ok()); });  // alone: no SQL
  store->Flush();
  EXPECT_EQ(LoadAll(*store).size(), 1u);
}

TEST_F(SqliteTrialStoreTest, DestructorCommitsEverythingStillQueued) {
  std::atomic<int> ok{0};
  constexpr int kBatches = 20;
  {
    std::unique_ptr<SqliteTrialStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    store->PauseWriterForTesting();  // nothing commits before the destructor runs
    SqliteTrialStore* raw_store = store.get();
    store->Commit({StudyPut("s", Study())}, [&, raw_store](absl::Status status) {
      if (status.ok()) ++ok;
      // A callback may still submit while the store drains.
      raw_store->Commit({TrialPut("s", FullTrial("s", 99))}, [&](absl::Status status) {
        if (status.ok()) ++ok;
      });
    });
    for (int i = 0; i < kBatches; ++i) {
      store->Commit({TrialPut("s", FullTrial("s", i))}, [&](absl::Status status) {
        if (status.ok()) ++ok;
      });
    }
  }
  EXPECT_EQ(ok.load(), kBatches + 2);
  std::unique_ptr<SqliteTrialStore> reopened = OpenStore();
  ASSERT_NE(reopened, nullptr);
  std::vector<StudySnapshot> studies = LoadAll(*reopened);
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_EQ(studies[0].trials.size(), static_cast<size_t>(kBatches + 1));
}

TEST_F(SqliteTrialStoreTest, CommitsGrowTheWalUntilAnIdleCheckpointTruncatesIt) {
  SqliteTrialStore::Options options = DefaultOptions();
  options.idle_checkpoint_after = absl::Milliseconds(1);
  absl::Notification checkpointed;
  absl::Status checkpoint_status = absl::UnknownError("no checkpoint");
  options.on_idle_checkpoint = [&](const absl::Status& status) {
    if (checkpointed.HasBeenNotified()) return;
    checkpoint_status = status;
    checkpointed.Notify();
  };
  std::unique_ptr<SqliteTrialStore> store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CommitAndWait({StudyPut("s", FullStudy("s"))}).ok());
  ASSERT_TRUE(checkpointed.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_TRUE(checkpoint_status.ok()) << checkpoint_status;
  SqliteTrialStore::FileStats stats = store->GetFileStats();
  EXPECT_EQ(stats.wal_bytes, 0);
  EXPECT_GT(stats.db_bytes, 0);
  EXPECT_EQ(LoadAll(*store).size(), 1u);
}

TEST_F(SqliteTrialStoreTest, WithoutIdleCheckpointsCommitsStayInTheWal) {
  SqliteTrialStore::Options options = DefaultOptions();
  options.idle_checkpoint_after = absl::InfiniteDuration();
  std::unique_ptr<SqliteTrialStore> store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CommitAndWait({StudyPut("s", FullStudy("s"))}).ok());
  EXPECT_GT(store->GetFileStats().wal_bytes, 0);
}

TEST_F(SqliteTrialStoreTest, OpenCreatesTheFileButNotItsDirectory) {
  ASSERT_FALSE(std::filesystem::exists(db_path_));
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(std::filesystem::exists(db_path_));

  SqliteTrialStore::Options options = DefaultOptions();
  options.path = dir_.File("no-such-dir/hyperd.db");
  absl::StatusOr<std::unique_ptr<SqliteTrialStore>> missing_dir = SqliteTrialStore::Open(options);
  EXPECT_EQ(missing_dir.status().code(), absl::StatusCode::kFailedPrecondition)
      << missing_dir.status();
  EXPECT_THAT(missing_dir.status().message(), HasSubstr("no-such-dir/hyperd.db"));
  EXPECT_FALSE(std::filesystem::exists(dir_.File("no-such-dir")));
}

TEST_F(SqliteTrialStoreTest, OpenReportsAFileThatIsNotADatabaseAsDataLoss) {
  {
    std::ofstream garbage(db_path_, std::ios::binary);
    for (int i = 0; i < 512; ++i) garbage << "this is not a sqlite database ";
  }
  absl::StatusOr<std::unique_ptr<SqliteTrialStore>> store =
      SqliteTrialStore::Open(DefaultOptions());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss) << store.status();
}

TEST_F(SqliteTrialStoreTest, OpenRejectsInvalidOptions) {
  SqliteTrialStore::Options no_path = DefaultOptions();
  no_path.path = "";
  EXPECT_EQ(SqliteTrialStore::Open(no_path).status().code(), absl::StatusCode::kInvalidArgument);
  SqliteTrialStore::Options no_batch = DefaultOptions();
  no_batch.max_batch_requests = 0;
  absl::Status status = SqliteTrialStore::Open(no_batch).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("max_batch_requests"));
  SqliteTrialStore::Options no_idle = DefaultOptions();
  no_idle.idle_checkpoint_after = absl::ZeroDuration();
  EXPECT_EQ(SqliteTrialStore::Open(no_idle).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseDurability, AcceptsFullAndNormalAndNamesThemBack) {
  ASSERT_TRUE(ParseDurability("full").ok());
  EXPECT_EQ(*ParseDurability("full"), Durability::kFull);
  EXPECT_EQ(*ParseDurability("NORMAL"), Durability::kNormal);
  EXPECT_EQ(DurabilityName(Durability::kFull), "full");
  EXPECT_EQ(DurabilityName(Durability::kNormal), "normal");
  absl::StatusOr<Durability> off = ParseDurability("off");
  EXPECT_EQ(off.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(off.status().message(), HasSubstr("'off'"));
}

}  // namespace
}  // namespace hyperd::storage
