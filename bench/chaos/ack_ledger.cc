#include "bench/chaos/ack_ledger.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace hyperd::chaos {
namespace {

void AddProblem(LedgerCheck& check, std::string problem) {
  if (check.problems.size() < kMaxProblems) check.problems.push_back(std::move(problem));
}

}  // namespace

void AckLedger::RecordHandedOut(const std::string& trial, const std::string& client_id) {
  absl::MutexLock lock(&mu_);
  handed_to_[trial].insert(client_id);
  ++writes_;
}

void AckLedger::RecordMeasurement(const std::string& trial, int64_t step, double value,
                                  bool duplicate) {
  absl::MutexLock lock(&mu_);
  measurements_[trial][step] = value;
  ++measurement_count_;
  if (duplicate) ++duplicate_replies_;
  ++writes_;
}

void AckLedger::RecordCompletion(const std::string& trial, double value, bool after_lost_reply) {
  absl::MutexLock lock(&mu_);
  completions_[trial] = value;
  if (after_lost_reply) ++completions_after_lost_reply_;
  ++writes_;
}

bool AckLedger::IsCompleted(const std::string& trial) const {
  absl::MutexLock lock(&mu_);
  return completions_.count(trial) > 0;
}

void AckLedger::RecordAbandoned() {
  absl::MutexLock lock(&mu_);
  ++abandoned_;
}

void AckLedger::RecordLeaseLost() {
  absl::MutexLock lock(&mu_);
  ++leases_lost_;
}

void AckLedger::RecordRetries(int64_t retries) {
  absl::MutexLock lock(&mu_);
  retries_ += retries;
}

void AckLedger::RecordError(std::string error) {
  absl::MutexLock lock(&mu_);
  errors_.push_back(std::move(error));
}

bool AckLedger::WaitForWrites(int64_t target, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto reached = [this, target]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return writes_ >= target || !errors_.empty();
  };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

int64_t AckLedger::writes() const {
  absl::MutexLock lock(&mu_);
  return writes_;
}
int64_t AckLedger::trials_handed_out() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(handed_to_.size());
}
int64_t AckLedger::measurements() const {
  absl::MutexLock lock(&mu_);
  return measurement_count_;
}
int64_t AckLedger::completions() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(completions_.size());
}
int64_t AckLedger::completions_after_lost_reply() const {
  absl::MutexLock lock(&mu_);
  return completions_after_lost_reply_;
}
int64_t AckLedger::duplicate_replies() const {
  absl::MutexLock lock(&mu_);
  return duplicate_replies_;
}
int64_t AckLedger::abandoned() const {
  absl::MutexLock lock(&mu_);
  return abandoned_;
}
int64_t AckLedger::leases_lost() const {
  absl::MutexLock lock(&mu_);
  return leases_lost_;
}
int64_t AckLedger::retries() const {
  absl::MutexLock lock(&mu_);
  return retries_;
}
std::vector<std::string> AckLedger::errors() const {
  absl::MutexLock lock(&mu_);
  return errors_;
}

LedgerCheck AckLedger::Check(const std::vector<v1::Trial>& server_trials,
                             const std::string& metric) const {
  std::map<std::string, const v1::Trial*> by_name;
  for (const v1::Trial& trial : server_trials) by_name[trial.name()] = &trial;

  absl::MutexLock lock(&mu_);
  LedgerCheck check;
  for (const auto& [name, clients] : handed_to_) {
    ++check.trials_checked;
    if (clients.size() > 1) {
      ++check.duplicate_trials;
      AddProblem(check, absl::StrCat("duplicate: ", name, " was handed to ", clients.size(),
                                     " clients (", *clients.begin(), ", ", *clients.rbegin(),
                                     ")"));
    }
    auto found = by_name.find(name);
    if (found == by_name.end()) {
      ++check.lost_trials;
      AddProblem(check, absl::StrCat("lost trial: ", name, " was handed to ", *clients.begin(),
                                     " but is not on the server"));
      continue;
    }
    if (clients.count(found->second->client_id()) == 0) {
      ++check.lost_trials;
      AddProblem(check, absl::StrCat("lost trial: ", name, " was handed to ", *clients.begin(),
                                     " but the server says it is held by \"",
                                     found->second->client_id(), "\""));
    }
  }
  for (const auto& [name, steps] : measurements_) {
    auto found = by_name.find(name);
    std::map<int64_t, double> on_server;
    if (found != by_name.end()) {
      for (const v1::Measurement& m : found->second->measurements()) {
        auto value = m.metrics().find(metric);
        if (value != m.metrics().end()) on_server[m.step()] = value->second;
      }
    }
    for (const auto& [step, value] : steps) {
      ++check.measurements_checked;
      auto kept = on_server.find(step);
      if (kept == on_server.end()) {
        ++check.lost_measurements;
        AddProblem(check, absl::StrCat("lost measurement: ", name, " step ", step,
                                       " was acknowledged but is not on the server"));
      } else if (kept->second != value) {
        ++check.lost_measurements;
        AddProblem(check, absl::StrCat("lost measurement: ", name, " step ", step, " holds ",
                                       kept->second, " instead of the acknowledged ", value));
      }
    }
  }
  for (const auto& [name, value] : completions_) {
    ++check.completions_checked;
    auto found = by_name.find(name);
    const v1::Trial* trial = found == by_name.end() ? nullptr : found->second;
    if (trial == nullptr || trial->state() != v1::Trial::SUCCEEDED ||
        !trial->has_objective_value() || trial->objective_value() != value) {
      ++check.lost_completions;
      AddProblem(check,
                 absl::StrCat("lost completion: ", name, " was acknowledged SUCCEEDED with ",
                              value, " but the server holds ",
                              trial == nullptr ? "no such trial" : trial->ShortDebugString()));
    }
  }
  return check;
}

}  // namespace hyperd::chaos
