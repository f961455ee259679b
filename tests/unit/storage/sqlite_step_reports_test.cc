// Step reports (PutSteps, StudySnapshot::steps) in the SQLite trial store.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_trial_store.h"
#include "tests/unit/storage/storage_test_util.h"

namespace hyperd::storage {
namespace {

using ::hyperd::storage::testing_util::ProtoEquals;
using ::hyperd::storage::testing_util::RawDb;
using ::hyperd::storage::testing_util::ScopedTempDir;
using ::testing::HasSubstr;
using v1::StepReport;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// A report whose optional fields are present on different steps, so absent and present mix.
StepReport MakeStep(int64_t step) {
  StepReport report;
  report.set_step(step);
  report.set_lr_applied(1e-3 * (1.0 + static_cast<double>(step) / 7.0));
  if (step % 2 == 0) report.set_loss(2.5 / static_cast<double>(step + 1));
  if (step % 3 != 1) report.set_grad_norm_l2(0.1 * static_cast<double>(step) + 1e-9);
  if (step % 5 == 0) report.set_grad_norm_l1(3.0 * static_cast<double>(step));
  if (step % 4 == 3) report.set_hd_dot(-1e-7 * static_cast<double>(step));
  return report;
}

std::vector<StepReport> MakeSteps(int64_t first, int64_t count) {
  std::vector<StepReport> steps;
  for (int64_t step = first; step < first + count; ++step) steps.push_back(MakeStep(step));
  return steps;
}

v1::Trial MakeTrial(int64_t number) {
  v1::Trial trial;
  trial.set_number(number);
  trial.set_state(v1::Trial::ACTIVE);
  return trial;
}

Mutation StudyPut(const std::string& id) { return PutStudy{StudyRecord{id, v1::Study(), ""}}; }

Mutation TrialPut(const std::string& study_id, int64_t number) {
  return PutTrial{TrialRecord{study_id, MakeTrial(number)}};
}

Mutation StepsPut(const std::string& study_id, int64_t trial_number,
                  std::vector<StepReport> steps) {
  return PutSteps{study_id, trial_number, std::move(steps)};
}

uint64_t Bits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// Equal bit for bit, except that any NaN equals any NaN (the store keeps NaN, not its payload).
::testing::AssertionResult SameValue(absl::string_view field, double expected, double actual) {
  if (std::isnan(expected) ? std::isnan(actual) : Bits(expected) == Bits(actual)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << field << ": expected " << expected << " (bits "
         << absl::StrCat(absl::Hex(Bits(expected))) << "), got " << actual << " (bits "
         << absl::StrCat(absl::Hex(Bits(actual))) << ")";
}

::testing::AssertionResult SameOptional(absl::string_view field, bool expected_has, double expected,
                                        bool actual_has, double actual) {
  if (expected_has != actual_has) {
    return ::testing::AssertionFailure()
           << field << ": expected " << (expected_has ? "present" : "absent") << ", got "
           << (actual_has ? "present" : "absent");
  }
  if (!expected_has) return ::testing::AssertionSuccess();
  return SameValue(field, expected, actual);
}

::testing::AssertionResult SameStep(const StepReport& expected, const StepReport& actual) {
  if (expected.step() != actual.step()) {
    return ::testing::AssertionFailure()
           << "step: expected " << expected.step() << ", got " << actual.step();
  }
  for (::testing::AssertionResult result :
       {SameValue("lr_applied", expected.lr_applied(), actual.lr_applied()),
        SameOptional("loss", expected.has_loss(), expected.loss(), actual.has_loss(),
                     actual.loss()),
        SameOptional("grad_norm_l2", expected.has_grad_norm_l2(), expected.grad_norm_l2(),
                     actual.has_grad_norm_l2(), actual.grad_norm_l2()),
        SameOptional("grad_norm_l1", expected.has_grad_norm_l1(), expected.grad_norm_l1(),
                     actual.has_grad_norm_l1(), actual.grad_norm_l1()),
        SameOptional("hd_dot", expected.has_hd_dot(), expected.hd_dot(), actual.has_hd_dot(),
                     actual.hd_dot())}) {
    if (!result) return result << " (step " << expected.step() << ")";
  }
  return ::testing::AssertionSuccess();
}

class SqliteStepReportsTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteTrialStore> OpenStore() {
    SqliteTrialStore::Options options;
    options.path = db_path_;
    options.durability = Durability::kNormal;  // the tests check contents, not fsync
    absl::StatusOr<std::unique_ptr<SqliteTrialStore>> store =
        SqliteTrialStore::Open(std::move(options));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  std::vector<StudySnapshot> LoadAll(SqliteTrialStore& store) {
    absl::StatusOr<std::vector<StudySnapshot>> studies = store.LoadAll();
    EXPECT_TRUE(studies.ok()) << studies.status();
    return studies.ok() ? std::move(studies).value() : std::vector<StudySnapshot>{};
  }

  ScopedTempDir dir_;
  std::string db_path_ = dir_.File("hyperd.db");
};

TEST_F(SqliteStepReportsTest, StepsPutInSeveralBatchesComeBackInTrialThenStepOrderAfterReopen) {
  {
    std::unique_ptr<SqliteTrialStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CommitAndWait({StudyPut("b"), TrialPut("b", 0), TrialPut("b", 1)}).ok());
    ASSERT_TRUE(store->CommitAndWait({StudyPut("a"), TrialPut("a", 0)}).ok());
    ASSERT_TRUE(store->CommitAndWait({StepsPut("b", 1, MakeSteps(0, 50))}).ok());
    // Two PutSteps in one request, and a batch listed backwards: the store orders by step.
    std::vector<StepReport> backwards = MakeSteps(50, 50);
    std::reverse(backwards.begin(), backwards.end());
    ASSERT_TRUE(
        store->CommitAndWait({StepsPut("b", 0, MakeSteps(0, 30)), StepsPut("b", 1, backwards)})
            .ok());
    ASSERT_TRUE(store->CommitAndWait({StepsPut("a", 0, MakeSteps(7, 3))}).ok());
    ASSERT_TRUE(store->CommitAndWait({StepsPut("b", 0, {})}).ok());  // writes nothing
  }

  std::unique_ptr<SqliteTrialStore> reopened = OpenStore();
  ASSERT_NE(reopened, nullptr);
  std::vector<StudySnapshot> studies = LoadAll(*reopened);
  ASSERT_EQ(studies.size(), 2u);

  ASSERT_EQ(studies[0].study.study_id, "a");
  ASSERT_EQ(studies[0].steps.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(studies[0].steps[i].study_id, "a");
    EXPECT_EQ(studies[0].steps[i].trial_number, 0);
    EXPECT_TRUE(SameStep(MakeStep(7 + static_cast<int64_t>(i)), studies[0].steps[i].report));
  }

  ASSERT_EQ(studies[1].study.study_id, "b");
  const std::vector<StepRecord>& steps = studies[1].steps;
  ASSERT_EQ(steps.size(), 130u);
  for (size_t i = 0; i < steps.size(); ++i) {
    const int64_t trial = i < 30 ? 0 : 1;
    const int64_t step = i < 30 ? static_cast<int64_t>(i) : static_cast<int64_t>(i) - 30;
    EXPECT_EQ(steps[i].study_id, "b");
    EXPECT_EQ(steps[i].trial_number, trial) << "row " << i;
    EXPECT_TRUE(SameStep(MakeStep(step), steps[i].report)) << "trial " << trial;
    // No field beyond the ones the store knows about appears.
    EXPECT_TRUE(ProtoEquals(MakeStep(step), steps[i].report));
  }
  EXPECT_TRUE(studies[1].measurements.empty());
}

TEST_F(SqliteStepReportsTest, NonFiniteAndSignedZeroValuesComeBackAsTheyWentIn) {
  const std::vector<double> specials = {kNan,
                                        -kNan,
                                        kInf,
                                        -kInf,
                                        -0.0,
                                        0.0,
                                        std::numeric_limits<double>::denorm_min(),
                                        -std::numeric_limits<double>::max(),
                                        std::numeric_limits<double>::lowest(),
                                        1.0 / 3.0};
  // Step i puts specials[i] in lr_applied and rotates the rest through the optional fields.
  std::vector<StepReport> steps;
  for (size_t i = 0; i < specials.size(); ++i) {
    auto value = [&](size_t k) { return specials[(i + k) % specials.size()]; };
    StepReport report;
    report.set_step(static_cast<int64_t>(i));
    report.set_lr_applied(value(0));
    report.set_loss(value(1));
    report.set_grad_norm_l2(value(2));
    report.set_grad_norm_l1(value(3));
    report.set_hd_dot(value(4));
    steps.push_back(report);
  }
  {
    std::unique_ptr<SqliteTrialStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(
        store->CommitAndWait({StudyPut("s"), TrialPut("s", 0), StepsPut("s", 0, steps)}).ok());
  }
  std::unique_ptr<SqliteTrialStore> reopened = OpenStore();
  ASSERT_NE(reopened, nullptr);
  std::vector<StudySnapshot> studies = LoadAll(*reopened);
  ASSERT_EQ(studies.size(), 1u);
  ASSERT_EQ(studies[0].steps.size(), steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    EXPECT_TRUE(SameStep(steps[i], studies[0].steps[i].report));
  }

  // The values are REAL columns (spec §6), queryable in SQL; only NaN needs its flag.
  RawDb raw(db_path_);
  EXPECT_EQ(raw.QueryTextRows("SELECT typeof(lr_applied) FROM step_report WHERE step IN (2, 3, 4) "
                              "ORDER BY step"),
            "real\nreal\nreal\n");
  EXPECT_EQ(raw.QueryInt64("SELECT count(*) FROM step_report WHERE lr_applied IS NULL"), 2);
  EXPECT_EQ(raw.QueryInt64("SELECT count(*) FROM step_report WHERE grad_norm_l2 > 1e308"), 1);
}

TEST_F(SqliteStepReportsTest, StepRepeatedWithinARequestFailsItAndWritesNothingOfIt) {
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CommitAndWait({StudyPut("s"), TrialPut("s", 0)}).ok());

  std::vector<StepReport> repeated = MakeSteps(0, 3);
  StepReport again = MakeStep(1);
  again.set_lr_applied(42.0);
  repeated.push_back(again);
  absl::Status status = store->CommitAndWait(
      {TrialPut("s", 1), StepsPut("s", 0, MakeSteps(100, 2)), StepsPut("s", 1, repeated)});
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_THAT(status.message(), HasSubstr("mutation 3 of 3"));
  EXPECT_THAT(status.message(), HasSubstr("step 1 of trial 1 of study 's'"));

  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_EQ(studies[0].trials.size(), 1u);  // trial 1 was in the failed request
  EXPECT_TRUE(studies[0].steps.empty());
}

TEST_F(SqliteStepReportsTest, StepAlreadyStoredFailsTheRequestAndTheFirstValueStays) {
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      store->CommitAndWait({StudyPut("s"), TrialPut("s", 3), StepsPut("s", 3, MakeSteps(0, 10))})
          .ok());
  StepReport replacement = MakeStep(9);
  replacement.set_lr_applied(99.0);
  absl::Status status =
      store->CommitAndWait({StepsPut("s", 3, {MakeStep(10), MakeStep(11), replacement})});
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_THAT(status.message(), HasSubstr("step 9 of trial 3 of study 's'"));
  EXPECT_THAT(status.message(), HasSubstr("report each step once"));

  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  ASSERT_EQ(studies[0].steps.size(), 10u);
  EXPECT_TRUE(SameStep(MakeStep(9), studies[0].steps[9].report));
}

TEST_F(SqliteStepReportsTest, FailingStepRequestInAGroupLeavesTheOthersCommitted) {
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CommitAndWait({StudyPut("s"), TrialPut("s", 0), TrialPut("s", 1)}).ok());
  std::vector<absl::Status> results(3, absl::UnknownError("not called"));
  store->PauseWriterForTesting();  // the three requests commit in one transaction
  store->Commit({StepsPut("s", 0, MakeSteps(0, 5))}, [&](absl::Status s) { results[0] = s; });
  store->Commit({StepsPut("s", 1, {MakeStep(0), MakeStep(0)})},
                [&](absl::Status s) { results[1] = s; });
  store->Commit({StepsPut("s", 1, MakeSteps(0, 4))}, [&](absl::Status s) { results[2] = s; });
  store->ResumeWriterForTesting();
  store->Flush();

  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_EQ(results[1].code(), absl::StatusCode::kAlreadyExists) << results[1];
  EXPECT_TRUE(results[2].ok()) << results[2];
  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  ASSERT_EQ(studies[0].steps.size(), 9u);
  EXPECT_EQ(studies[0].steps[4].trial_number, 0);
  EXPECT_EQ(studies[0].steps[5].trial_number, 1);
}

TEST_F(SqliteStepReportsTest, StepsNeedTheirTrialAndAStudyId) {
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CommitAndWait({StudyPut("s"), TrialPut("s", 0)}).ok());

  absl::Status no_trial = store->CommitAndWait({StepsPut("s", 4, MakeSteps(0, 2))});
  EXPECT_EQ(no_trial.code(), absl::StatusCode::kFailedPrecondition) << no_trial;
  EXPECT_THAT(no_trial.message(), HasSubstr("trial 4 of study 's' does not exist"));
  EXPECT_THAT(no_trial.message(), HasSubstr("PutTrial first"));
  absl::Status no_study = store->CommitAndWait({StepsPut("other", 0, MakeSteps(0, 1))});
  EXPECT_EQ(no_study.code(), absl::StatusCode::kFailedPrecondition) << no_study;
  absl::Status no_id = store->CommitAndWait({StepsPut("", 0, MakeSteps(0, 1))});
  EXPECT_EQ(no_id.code(), absl::StatusCode::kInvalidArgument) << no_id;
  EXPECT_THAT(no_id.message(), HasSubstr("PutSteps.study_id is empty"));

  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_TRUE(studies[0].steps.empty());
}

TEST_F(SqliteStepReportsTest, DeletingStudyRemovesItsStepReportsOnly) {
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      store
          ->CommitAndWait({StudyPut("a"), TrialPut("a", 0), TrialPut("a", 1),
                           StepsPut("a", 0, MakeSteps(0, 20)), StepsPut("a", 1, MakeSteps(0, 20)),
                           StudyPut("b"), TrialPut("b", 0), StepsPut("b", 0, MakeSteps(0, 20))})
          .ok());
  ASSERT_TRUE(store->CommitAndWait({DeleteStudy{"a"}}).ok());

  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_EQ(studies[0].study.study_id, "b");
  EXPECT_EQ(studies[0].steps.size(), 20u);
  RawDb raw(db_path_);
  EXPECT_EQ(raw.QueryInt64("SELECT count(*) FROM step_report WHERE study_id = 'a'"), 0);
  EXPECT_EQ(raw.QueryInt64("SELECT count(*) FROM step_report"), 20);
}

TEST_F(SqliteStepReportsTest, TenThousandStepsCommitInOneRequest) {
  constexpr int64_t kSteps = 10000;
  std::unique_ptr<SqliteTrialStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      store
          ->CommitAndWait({StudyPut("s"), TrialPut("s", 0), StepsPut("s", 0, MakeSteps(0, kSteps))})
          .ok());
  std::vector<StudySnapshot> studies = LoadAll(*store);
  ASSERT_EQ(studies.size(), 1u);
  ASSERT_EQ(studies[0].steps.size(), static_cast<size_t>(kSteps));
  for (int64_t step = 0; step < kSteps; step += 997) {
    EXPECT_TRUE(SameStep(MakeStep(step), studies[0].steps[step].report));
  }
  EXPECT_TRUE(SameStep(MakeStep(kSteps - 1), studies[0].steps.back().report));
}

TEST_F(SqliteStepReportsTest, InconsistentStoredRowIsDataLossNamingTheStep) {
  {
    std::unique_ptr<SqliteTrialStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(
        store->CommitAndWait({StudyPut("s"), TrialPut("s", 0), StepsPut("s", 0, MakeSteps(0, 5))})
            .ok());
  }
  // A NULL lr_applied without its NaN flag: not something the store writes.
  RawDb(db_path_).Exec("UPDATE step_report SET lr_applied = NULL WHERE step = 3");
  std::unique_ptr<SqliteTrialStore> reopened = OpenStore();
  ASSERT_NE(reopened, nullptr);
  absl::StatusOr<std::vector<StudySnapshot>> studies = reopened->LoadAll();
  EXPECT_EQ(studies.status().code(), absl::StatusCode::kDataLoss) << studies.status();
  EXPECT_THAT(studies.status().message(), HasSubstr("step 3 of trial 0 of study 's'"));
  EXPECT_THAT(studies.status().message(), HasSubstr("lr_applied"));
}

}  // namespace
}  // namespace hyperd::storage
