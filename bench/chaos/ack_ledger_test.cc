#include "bench/chaos/ack_ledger.h"

#include <vector>

#include "gtest/gtest.h"

namespace hyperd::chaos {
namespace {

v1::Trial ServerTrial(const std::string& name, const std::string& client_id) {
  v1::Trial trial;
  trial.set_name(name);
  trial.set_client_id(client_id);
  trial.set_state(v1::Trial::ACTIVE);
  return trial;
}

void AddMeasurement(v1::Trial& trial, int64_t step, double loss) {
  v1::Measurement* m = trial.add_measurements();
  m->set_step(step);
  (*m->mutable_metrics())["loss"] = loss;
}

TEST(AckLedger, FindsNothingWhenTheServerHoldsEveryAcknowledgedWrite) {
  AckLedger ledger;
  ledger.RecordHandedOut("studies/s/trials/0", "a");
  ledger.RecordMeasurement("studies/s/trials/0", 1, 0.5, false);
  ledger.RecordMeasurement("studies/s/trials/0", 2, 0.25, true);
  ledger.RecordCompletion("studies/s/trials/0", 0.25, false);
  v1::Trial trial = ServerTrial("studies/s/trials/0", "a");
  AddMeasurement(trial, 1, 0.5);
  AddMeasurement(trial, 2, 0.25);
  trial.set_state(v1::Trial::SUCCEEDED);
  trial.set_objective_value(0.25);

  LedgerCheck check = ledger.Check({trial}, "loss");
  EXPECT_EQ(check.trials_checked, 1);
  EXPECT_EQ(check.measurements_checked, 2);
  EXPECT_EQ(check.completions_checked, 1);
  EXPECT_EQ(check.lost_trials + check.lost_measurements + check.lost_completions +
                check.duplicate_trials,
            0);
  EXPECT_TRUE(check.problems.empty());
  EXPECT_EQ(ledger.writes(), 4);
  EXPECT_EQ(ledger.duplicate_replies(), 1);
}

TEST(AckLedger, CountsMissingOrChangedMeasurementsAsLost) {
  AckLedger ledger;
  ledger.RecordHandedOut("studies/s/trials/0", "a");
  ledger.RecordMeasurement("studies/s/trials/0", 1, 0.5, false);
  ledger.RecordMeasurement("studies/s/trials/0", 2, 0.25, false);
  ledger.RecordMeasurement("studies/s/trials/0", 3, 0.125, false);
  v1::Trial trial = ServerTrial("studies/s/trials/0", "a");
  AddMeasurement(trial, 1, 0.5);
  AddMeasurement(trial, 2, 0.3);  // another value than acknowledged

  LedgerCheck check = ledger.Check({trial}, "loss");
  EXPECT_EQ(check.lost_measurements, 2);
  ASSERT_EQ(check.problems.size(), 2u);
  EXPECT_NE(check.problems[0].find("step 2"), std::string::npos) << check.problems[0];
  EXPECT_NE(check.problems[1].find("step 3"), std::string::npos) << check.problems[1];
}

TEST(AckLedger, CountsACompletionTheServerDoesNotHoldAsLost) {
  AckLedger ledger;
  ledger.RecordHandedOut("studies/s/trials/0", "a");
  ledger.RecordCompletion("studies/s/trials/0", 0.25, false);
  ledger.RecordHandedOut("studies/s/trials/1", "b");
  ledger.RecordCompletion("studies/s/trials/1", 0.5, false);
  v1::Trial still_active = ServerTrial("studies/s/trials/0", "a");
  v1::Trial other_value = ServerTrial("studies/s/trials/1", "b");
  other_value.set_state(v1::Trial::SUCCEEDED);
  other_value.set_objective_value(0.75);

  LedgerCheck check = ledger.Check({still_active, other_value}, "loss");
  EXPECT_EQ(check.lost_completions, 2);
  EXPECT_TRUE(ledger.IsCompleted("studies/s/trials/1"));
  EXPECT_FALSE(ledger.IsCompleted("studies/s/trials/2"));
}

TEST(AckLedger, CountsATrialHandedToTwoClientsAsDuplicate) {
  AckLedger ledger;
  ledger.RecordHandedOut("studies/s/trials/0", "a");
  ledger.RecordHandedOut("studies/s/trials/0", "a");  // a retried suggest: the same client
  ledger.RecordHandedOut("studies/s/trials/1", "a");
  ledger.RecordHandedOut("studies/s/trials/1", "b");

  LedgerCheck check = ledger.Check(
      {ServerTrial("studies/s/trials/0", "a"), ServerTrial("studies/s/trials/1", "b")}, "loss");
  EXPECT_EQ(check.duplicate_trials, 1);
  EXPECT_EQ(check.lost_trials, 0);
}

TEST(AckLedger, CountsATrialMissingOrHeldByAnotherClientAsLost) {
  AckLedger ledger;
  ledger.RecordHandedOut("studies/s/trials/0", "a");
  ledger.RecordHandedOut("studies/s/trials/1", "b");

  LedgerCheck check = ledger.Check({ServerTrial("studies/s/trials/1", "c")}, "loss");
  EXPECT_EQ(check.lost_trials, 2);
}

TEST(AckLedger, WaitForWritesReturnsOnceTheTargetIsReachedOrAnErrorIsRecorded) {
  AckLedger ledger;
  ledger.RecordHandedOut("studies/s/trials/0", "a");
  EXPECT_TRUE(ledger.WaitForWrites(1, absl::ZeroDuration()));
  EXPECT_FALSE(ledger.WaitForWrites(2, absl::ZeroDuration()));
  ledger.RecordError("worker 0: boom");
  EXPECT_TRUE(ledger.WaitForWrites(2, absl::ZeroDuration()));
}

}  // namespace
}  // namespace hyperd::chaos
