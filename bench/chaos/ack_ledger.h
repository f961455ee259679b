// AckLedger: every write the hyperd server acknowledged to the chaos workers, as the clients saw
// it, and the check of that record against what the server holds afterwards.
//
// A write counts as acknowledged only when its RPC returned OK (the server replies after the
// commit), so after any number of SIGKILLs every recorded write must still be there:
//   - each trial handed out is on the server, held by the client it was handed to, and was never
//     handed to a second client (a duplicate);
//   - each acknowledged measurement (trial, step) is on the server with the value reported;
//   - each acknowledged completion is SUCCEEDED with the objective sent.
//
// Thread-safe: workers record concurrently; the driver waits on WaitForWrites.
#ifndef HYPERD_BENCH_CHAOS_ACK_LEDGER_H_
#define HYPERD_BENCH_CHAOS_ACK_LEDGER_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::chaos {

// What the check found; every "lost", "duplicate" and "problem" must be zero or empty.
struct LedgerCheck {
  int64_t trials_checked = 0;        // trials handed out, looked up on the server
  int64_t measurements_checked = 0;  // acknowledged (trial, step) pairs looked up
  int64_t completions_checked = 0;   // acknowledged completions looked up
  int64_t lost_trials = 0;           // handed out, missing on the server or held by another client
  int64_t lost_measurements = 0;     // missing, or with another value
  int64_t lost_completions = 0;      // not SUCCEEDED with the objective sent
  int64_t duplicate_trials = 0;      // handed to two different clients
  std::vector<std::string> problems;  // one line per finding, at most kMaxProblems
};

inline constexpr int kMaxProblems = 20;

class AckLedger {
 public:
  void RecordHandedOut(const std::string& trial, const std::string& client_id);
  void RecordMeasurement(const std::string& trial, int64_t step, double value, bool duplicate);
  // `after_lost_reply`: the reply was lost to a kill and a GetTrial confirmed the completion.
  void RecordCompletion(const std::string& trial, double value, bool after_lost_reply);
  // A completed trial handed out again means its completion was lost; recorded as a problem.
  bool IsCompleted(const std::string& trial) const;
  void RecordAbandoned() ABSL_LOCKS_EXCLUDED(mu_);
  void RecordLeaseLost() ABSL_LOCKS_EXCLUDED(mu_);
  void RecordRetries(int64_t retries) ABSL_LOCKS_EXCLUDED(mu_);
  // A worker's non-retryable failure; the driver stops at the first one.
  void RecordError(std::string error) ABSL_LOCKS_EXCLUDED(mu_);

  // Waits until `writes() >= target` or an error is recorded; false when `timeout` ran out first.
  bool WaitForWrites(int64_t target, absl::Duration timeout) const;

  int64_t writes() const;  // hand-outs + measurements + completions acknowledged
  int64_t trials_handed_out() const;
  int64_t measurements() const;
  int64_t completions() const;
  int64_t completions_after_lost_reply() const;
  int64_t duplicate_replies() const;  // reports answered "duplicate" (a retry after a lost reply)
  int64_t abandoned() const;
  int64_t leases_lost() const;
  int64_t retries() const;
  std::vector<std::string> errors() const;

  // Checks the record against `server_trials` (every trial of the study, with measurements).
  LedgerCheck Check(const std::vector<v1::Trial>& server_trials, const std::string& metric) const;

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::set<std::string>> handed_to_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::map<int64_t, double>> measurements_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, double> completions_ ABSL_GUARDED_BY(mu_);
  int64_t writes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t measurement_count_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t completions_after_lost_reply_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t duplicate_replies_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t abandoned_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t leases_lost_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t retries_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hyperd::chaos

#endif  // HYPERD_BENCH_CHAOS_ACK_LEDGER_H_
