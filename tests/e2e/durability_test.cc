// End-to-end durability of the real hyperd binary: concurrent workers suggest, report and complete
// trials while the server is killed with SIGKILL and restarted on the same data directory. Every
// acknowledged write must survive, no trial may be handed to two workers, and trials whose workers
// vanished must be failed by the lease reaper. A smaller test covers graceful SIGTERM and health.
//
// Workers talk to the generated stub directly (not the C++ client library) so that every retry is
// visible here: a worker retries a call that failed for transport reasons (the server is down)
// and counts a write as acknowledged only on an OK reply, which the server sends after the commit.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "hyperd/v1/hyperd.grpc.pb.h"
#include "tests/testing/server_process.h"

namespace hyperd::e2e {
namespace {

using ::hyperd::testing::ServerProcess;
using ::hyperd::testing::ServerProcessOptions;
using ::hyperd::v1::CompleteTrialRequest;
using ::hyperd::v1::CreateStudyRequest;
using ::hyperd::v1::GetStudyRequest;
using ::hyperd::v1::GetTrialRequest;
using ::hyperd::v1::Hyperd;
using ::hyperd::v1::ListTrialsRequest;
using ::hyperd::v1::ListTrialsResponse;
using ::hyperd::v1::Measurement;
using ::hyperd::v1::ReportMeasurementRequest;
using ::hyperd::v1::ReportMeasurementResponse;
using ::hyperd::v1::Study;
using ::hyperd::v1::SuggestTrialsRequest;
using ::hyperd::v1::SuggestTrialsResponse;
using ::hyperd::v1::Trial;

constexpr char kBinary[] = HYPERD_BINARY;
constexpr char kMainStudy[] = "studies/durability";
constexpr char kVanishStudy[] = "studies/vanishing";
constexpr char kMetric[] = "loss";

constexpr int kWorkers = 8;
constexpr int kVanishingWorkers = 2;
constexpr int kStepsPerTrial = 4;
constexpr int kKills = 4;
// Kill points are counted in acknowledged writes since the last (re)start, drawn from this range
// with a fixed seed: the server always dies mid-run, whatever the machine's speed.
constexpr int kMinWritesBetweenKills = 60;
constexpr int kMaxWritesBetweenKills = 180;
constexpr uint32_t kKillSeed = 20240607;
constexpr absl::Duration kVanishLease = absl::Seconds(2);
constexpr char kReaperInterval[] = "--reaper-interval=500ms";

// Bounds that turn a hang into a failure with a message.
constexpr absl::Duration kCallDeadline = absl::Seconds(5);
constexpr absl::Duration kRetryBudget = absl::Seconds(30);
constexpr absl::Duration kProgressTimeout = absl::Seconds(30);
constexpr absl::Duration kReapTimeout = absl::Seconds(20);

// The values a worker reports: a pure function of (trial number, step), so the final check can
// recompute them, distinct per trial and exactly representable as they travel and are stored.
double LossAt(int64_t trial_number, int step) {
  return 1.0 / (step + 1) + static_cast<double>(trial_number) * 1e-3;
}
double FinalLoss(int64_t trial_number) { return 0.125 + static_cast<double>(trial_number) * 1e-3; }

// Where the server is now. The killer publishes a new address after each restart (the port
// changes); workers read it before every call.
class ServerAddress {
 public:
  void Set(std::string address) {
    absl::MutexLock lock(&mu_);
    address_ = std::move(address);
    ++generation_;
  }
  std::pair<int64_t, std::string> Get() const {
    absl::MutexLock lock(&mu_);
    return {generation_, address_};
  }

 private:
  mutable absl::Mutex mu_;
  std::string address_ ABSL_GUARDED_BY(mu_);
  int64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  grpc::ChannelArguments args;
  // A private subchannel pool and short reconnect backoff: a channel never inherits the backoff
  // of a connection to a server that was just killed.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// One worker's connection; follows the published address to each restarted server.
class Connection {
 public:
  explicit Connection(const ServerAddress* where) : where_(where) {}

  Hyperd::Stub& stub() {
    auto [generation, address] = where_->Get();
    if (stub_ == nullptr || generation != generation_) {
      generation_ = generation;
      stub_ = Hyperd::NewStub(MakeChannel(address));
    }
    return *stub_;
  }

 private:
  const ServerAddress* const where_;
  int64_t generation_ = -1;
  std::unique_ptr<Hyperd::Stub> stub_;
};

// The server is down or restarting: the call may or may not have taken effect; retry it.
bool IsTransportFailure(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat("code ", status.error_code(), ": ", status.error_message());
}

// Calls `call(stub, context)` until it returns something other than a transport failure, with a
// short backoff, for at most kRetryBudget. `*failed_attempts` counts transport failures.
template <typename Call>
grpc::Status CallWithRetry(Connection& connection, int* failed_attempts, Call call) {
  const absl::Time give_up = absl::Now() + kRetryBudget;
  absl::Duration backoff = absl::Milliseconds(10);
  while (true) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
    grpc::Status status = call(connection.stub(), &context);
    if (!IsTransportFailure(status) || absl::Now() > give_up) return status;
    ++*failed_attempts;
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Milliseconds(200));
  }
}

// What the server acknowledged, as the workers saw it. Only OK replies are recorded.
class Ledger {
 public:
  void RecordHandedOut(const std::string& trial, const std::string& client_id) {
    absl::MutexLock lock(&mu_);
    handed_to_[trial].insert(client_id);
    ++writes_;
  }
  void RecordMeasurement(const std::string& trial, int64_t step, double value, bool duplicate) {
    absl::MutexLock lock(&mu_);
    measurements_[trial][step] = value;
    if (duplicate) ++duplicates_;
    ++writes_;
  }
  void RecordCompletion(const std::string& trial, double value, bool after_lost_reply) {
    absl::MutexLock lock(&mu_);
    completions_[trial] = value;
    if (after_lost_reply) ++completions_after_lost_reply_;
    ++writes_;
  }
  bool IsCompleted(const std::string& trial) const {
    absl::MutexLock lock(&mu_);
    return completions_.count(trial) > 0;
  }
  void RecordError(std::string error) {
    absl::MutexLock lock(&mu_);
    errors_.push_back(std::move(error));
  }
  void AddTransportFailures(int n) {
    absl::MutexLock lock(&mu_);
    transport_failures_ += n;
  }

  int64_t writes() const {
    absl::MutexLock lock(&mu_);
    return writes_;
  }
  // Waits until `writes() >= target` or a worker reported an error; false on timeout.
  bool AwaitWrites(int64_t target, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    const auto reached = [this, target]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return writes_ >= target || !errors_.empty();
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout) && errors_.empty();
  }

  // Snapshots for the final check, taken after the workers stopped.
  std::map<std::string, std::set<std::string>> handed_to() const {
    absl::MutexLock lock(&mu_);
    return handed_to_;
  }
  std::map<std::string, std::map<int64_t, double>> measurements() const {
    absl::MutexLock lock(&mu_);
    return measurements_;
  }
  std::map<std::string, double> completions() const {
    absl::MutexLock lock(&mu_);
    return completions_;
  }
  std::vector<std::string> errors() const {
    absl::MutexLock lock(&mu_);
    return errors_;
  }
  std::string Summary() const {
    absl::MutexLock lock(&mu_);
    int64_t measurements = 0;
    for (const auto& [trial, steps] : measurements_) measurements += steps.size();
    return absl::StrCat(
        "trials handed out: ", handed_to_.size(), ", measurements: ", measurements, " (",
        duplicates_, " acknowledged as duplicates), completions: ", completions_.size(), " (",
        completions_after_lost_reply_,
        " confirmed after a lost reply), transport failures retried: ", transport_failures_);
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::set<std::string>> handed_to_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::map<int64_t, double>> measurements_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, double> completions_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mu_);
  int64_t writes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t duplicates_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t completions_after_lost_reply_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t transport_failures_ ABSL_GUARDED_BY(mu_) = 0;
};

// One training job: suggest one trial, report kStepsPerTrial measurements, complete it; repeat
// until asked to stop (between trials, so every trial it started is completed).
class Worker {
 public:
  Worker(std::string client_id, const ServerAddress* where, Ledger* ledger,
         const std::atomic<bool>* stop)
      : client_id_(std::move(client_id)), connection_(where), ledger_(ledger), stop_(stop) {}

  void Run() {
    while (!stop_->load()) {
      if (!RunOneTrial()) break;
    }
    ledger_->AddTransportFailures(transport_failures_);
  }

 private:
  // False after an error (recorded in the ledger).
  bool RunOneTrial() {
    std::optional<Trial> trial = Suggest();
    if (!trial) return false;
    for (int step = 1; step <= kStepsPerTrial; ++step) {
      if (!Report(*trial, step)) return false;
    }
    return Complete(*trial);
  }

  bool Fail(std::string error) {
    ledger_->RecordError(absl::StrCat(client_id_, ": ", error));
    return false;
  }

  std::optional<Trial> Suggest() {
    SuggestTrialsRequest request;
    request.set_parent(kMainStudy);
    request.set_count(1);
    request.set_client_id(client_id_);
    SuggestTrialsResponse response;
    grpc::Status status = CallWithRetry(connection_, &transport_failures_,
                                        [&](Hyperd::Stub& stub, grpc::ClientContext* context) {
                                          return stub.SuggestTrials(context, request, &response);
                                        });
    if (!status.ok()) {
      Fail(absl::StrCat("SuggestTrials failed: ", Describe(status)));
      return std::nullopt;
    }
    if (response.trials_size() != 1) {
      Fail(absl::StrCat("SuggestTrials returned ", response.trials_size(),
                        " trials instead of 1: ", response.ShortDebugString()));
      return std::nullopt;
    }
    Trial trial = response.trials(0);
    if (trial.client_id() != client_id_ || trial.state() != Trial::ACTIVE) {
      Fail(absl::StrCat("SuggestTrials handed out a trial not ACTIVE for this worker: ",
                        trial.ShortDebugString()));
      return std::nullopt;
    }
    if (ledger_->IsCompleted(trial.name())) {
      Fail(absl::StrCat("SuggestTrials handed back ", trial.name(),
                        " whose completion was acknowledged: the completion was lost"));
      return std::nullopt;
    }
    ledger_->RecordHandedOut(trial.name(), client_id_);
    return trial;
  }

  bool Report(const Trial& trial, int step) {
    ReportMeasurementRequest request;
    request.set_name(trial.name());
    request.set_client_id(client_id_);
    request.mutable_measurement()->set_step(step);
    const double value = LossAt(trial.number(), step);
    (*request.mutable_measurement()->mutable_metrics())[kMetric] = value;
    ReportMeasurementResponse response;
    grpc::Status status = CallWithRetry(
        connection_, &transport_failures_, [&](Hyperd::Stub& stub, grpc::ClientContext* context) {
          return stub.ReportMeasurement(context, request, &response);
        });
    if (!status.ok()) {
      return Fail(absl::StrCat("ReportMeasurement ", trial.name(), " step ", step,
                               " failed: ", Describe(status)));
    }
    if (response.should_stop()) {
      return Fail(
          absl::StrCat("ReportMeasurement ", trial.name(),
                       " says should_stop under a fifo scheduler: ", response.ShortDebugString()));
    }
    ledger_->RecordMeasurement(trial.name(), step, value, response.duplicate());
    return true;
  }

  bool Complete(const Trial& trial) {
    CompleteTrialRequest request;
    request.set_name(trial.name());
    request.set_client_id(client_id_);
    const double value = FinalLoss(trial.number());
    request.mutable_final_measurement()->set_step(kStepsPerTrial);
    (*request.mutable_final_measurement()->mutable_metrics())[kMetric] = value;
    Trial reply;
    const int failures_before = transport_failures_;
    grpc::Status status = CallWithRetry(connection_, &transport_failures_,
                                        [&](Hyperd::Stub& stub, grpc::ClientContext* context) {
                                          return stub.CompleteTrial(context, request, &reply);
                                        });
    const bool retried = transport_failures_ > failures_before;
    if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION && retried) {
      // An earlier attempt committed but its reply was lost: the trial is already finished.
      // It counts as acknowledged only if the server says it finished as this worker asked.
      GetTrialRequest get;
      get.set_name(trial.name());
      status = CallWithRetry(connection_, &transport_failures_,
                             [&](Hyperd::Stub& stub, grpc::ClientContext* context) {
                               return stub.GetTrial(context, get, &reply);
                             });
      if (!status.ok()) {
        return Fail(absl::StrCat("GetTrial ", trial.name(), " failed: ", Describe(status)));
      }
      if (!CheckCompleted(reply, value)) return false;
      ledger_->RecordCompletion(trial.name(), value, /*after_lost_reply=*/true);
      return true;
    }
    if (!status.ok()) {
      return Fail(absl::StrCat("CompleteTrial ", trial.name(), " failed: ", Describe(status)));
    }
    if (!CheckCompleted(reply, value)) return false;
    ledger_->RecordCompletion(trial.name(), value, /*after_lost_reply=*/false);
    return true;
  }

  bool CheckCompleted(const Trial& trial, double value) {
    if (trial.state() != Trial::SUCCEEDED || !trial.has_objective_value() ||
        trial.objective_value() != value) {
      return Fail(absl::StrCat("expected ", trial.name(), " SUCCEEDED with objective ", value,
                               ", got ", trial.ShortDebugString()));
    }
    return true;
  }

  const std::string client_id_;
  Connection connection_;
  Ledger* const ledger_;
  const std::atomic<bool>* const stop_;
  int transport_failures_ = 0;
};

Study MakeStudy(std::optional<absl::Duration> lease) {
  Study study;
  auto* lr = study.mutable_spec()->mutable_search_space()->add_parameters();
  lr->set_name("lr");
  lr->mutable_double_spec()->set_min(1e-4);
  lr->mutable_double_spec()->set_max(1.0);
  lr->mutable_double_spec()->set_scale(hyperd::v1::LOG);
  study.mutable_spec()->mutable_objective()->set_metric(kMetric);
  study.mutable_spec()->mutable_objective()->set_goal(hyperd::v1::Objective::MINIMIZE);
  study.mutable_spec()->mutable_sampler()->mutable_random();
  study.mutable_spec()->set_seed(7);
  if (lease) {
    study.mutable_limits()->mutable_lease_duration()->set_seconds(absl::ToInt64Seconds(*lease));
  }
  return study;
}

// Test-thread calls (no retries: the server is up when they run).
class DirectClient {
 public:
  explicit DirectClient(const std::string& address)
      : channel_(MakeChannel(address)), stub_(Hyperd::NewStub(channel_)) {}

  Hyperd::Stub& stub() { return *stub_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  grpc::Status CreateStudy(const std::string& id, const Study& study) {
    CreateStudyRequest request;
    request.set_study_id(id);
    *request.mutable_study() = study;
    Study reply;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
    return stub_->CreateStudy(&context, request, &reply);
  }

  grpc::Status GetTrial(const std::string& name, Trial* trial) {
    GetTrialRequest request;
    request.set_name(name);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
    return stub_->GetTrial(&context, request, trial);
  }

  // Every trial of `parent`, following page tokens with a small page size.
  grpc::Status ListAllTrials(const std::string& parent, std::vector<Trial>* trials, int* pages) {
    ListTrialsRequest request;
    request.set_parent(parent);
    request.set_page_size(7);
    *pages = 0;
    while (true) {
      ListTrialsResponse response;
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
      grpc::Status status = stub_->ListTrials(&context, request, &response);
      if (!status.ok()) return status;
      ++*pages;
      trials->insert(trials->end(), response.trials().begin(), response.trials().end());
      if (response.next_page_token().empty()) return grpc::Status::OK;
      request.set_page_token(response.next_page_token());
    }
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Hyperd::Stub> stub_;
};

// Polls GetTrial until every trial in `names` is finished, for at most `timeout`. Returns the
// last state of each.
std::map<std::string, Trial> AwaitFinished(DirectClient& client,
                                           const std::vector<std::string>& names,
                                           absl::Duration timeout) {
  std::map<std::string, Trial> last;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    bool all_finished = true;
    for (const std::string& name : names) {
      Trial trial;
      if (client.GetTrial(name, &trial).ok()) last[name] = trial;
      const Trial::State state = last[name].state();
      if (state == Trial::ACTIVE || state == Trial::STOPPING || state == Trial::STATE_UNSPECIFIED) {
        all_finished = false;
      }
    }
    if (all_finished || absl::Now() > deadline) return last;
    absl::SleepFor(absl::Milliseconds(50));
  }
}

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

grpc::health::v1::HealthCheckResponse::ServingStatus CheckHealth(
    const std::shared_ptr<grpc::Channel>& channel, grpc::Status* status) {
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckRequest request;  // service "": the server as a whole
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
  *status = health->Check(&context, request, &response);
  return response.status();
}

// The final check, on a server restarted after the run: the server holds exactly what the ledger
// says was acknowledged.
void VerifyAgainstLedger(const std::string& address, const Ledger& ledger,
                         const std::vector<std::string>& vanished_trials,
                         absl::Time vanish_suggest_time) {
  DirectClient client(address);

  const auto handed_to = ledger.handed_to();
  const auto measurements = ledger.measurements();
  const auto completions = ledger.completions();

  std::vector<Trial> trials;
  int pages = 0;
  grpc::Status listed = client.ListAllTrials(kMainStudy, &trials, &pages);
  ASSERT_TRUE(listed.ok()) << Describe(listed);
  std::cout << "verified " << trials.size() << " trials listed in " << pages << " pages\n";

  // No trial lost, none invented: the server has exactly the trials the workers were given
  // (a worker retries SuggestTrials until it gets its trial, and then finishes it).
  std::set<std::string> listed_names;
  std::set<int64_t> numbers;
  for (const Trial& trial : trials) {
    listed_names.insert(trial.name());
    numbers.insert(trial.number());
  }
  EXPECT_EQ(listed_names.size(), trials.size()) << "ListTrials repeated a trial across pages";
  EXPECT_EQ(trials.size(), handed_to.size());
  ASSERT_FALSE(numbers.empty());
  EXPECT_EQ(*numbers.begin(), 0);
  EXPECT_EQ(*numbers.rbegin(), static_cast<int64_t>(numbers.size()) - 1)
      << "trial numbers have gaps";
  for (const auto& [name, clients] : handed_to) {
    EXPECT_EQ(listed_names.count(name), 1u) << name << " was handed out but is missing";
    // No trial handed to two workers.
    EXPECT_EQ(clients.size(), 1u) << name << " was handed to " << absl::StrJoin(clients, ", ");
  }

  for (const Trial& listed_trial : trials) {
    SCOPED_TRACE(listed_trial.name());
    Trial trial;
    grpc::Status got = client.GetTrial(listed_trial.name(), &trial);
    ASSERT_TRUE(got.ok()) << Describe(got);
    EXPECT_EQ(trial.measurements_size(), listed_trial.measurements_size());
    const auto given = handed_to.find(trial.name());
    if (given != handed_to.end()) {
      EXPECT_EQ(trial.client_id(), *given->second.begin());
    }
    // Every acknowledged measurement, with its exact value, and nothing else.
    std::map<int64_t, double> stored;
    for (const Measurement& m : trial.measurements()) {
      const auto value = m.metrics().find(kMetric);
      ASSERT_NE(value, m.metrics().end()) << m.ShortDebugString();
      EXPECT_TRUE(stored.emplace(m.step(), value->second).second)
          << "step " << m.step() << " twice";
    }
    const auto acknowledged = measurements.find(trial.name());
    EXPECT_NE(acknowledged, measurements.end()) << "no acknowledged measurement";
    if (acknowledged != measurements.end()) {
      EXPECT_EQ(stored, acknowledged->second);
    }
    // Every acknowledged completion, as SUCCEEDED with its value.
    const auto completed = completions.find(trial.name());
    ASSERT_NE(completed, completions.end()) << "the worker never completed it";
    EXPECT_EQ(trial.state(), Trial::SUCCEEDED) << trial.ShortDebugString();
    ASSERT_TRUE(trial.has_objective_value()) << trial.ShortDebugString();
    EXPECT_EQ(trial.objective_value(), completed->second);
    EXPECT_EQ(trial.objective_value(), FinalLoss(trial.number()));
  }
  EXPECT_EQ(completions.size(), trials.size());

  Study study;
  {
    GetStudyRequest request;
    request.set_name(kMainStudy);
    grpc::ClientContext context;
    grpc::Status got = client.stub().GetStudy(&context, request, &study);
    ASSERT_TRUE(got.ok()) << Describe(got);
  }
  EXPECT_EQ(study.trial_counts().succeeded(), static_cast<int>(trials.size()))
      << study.trial_counts().ShortDebugString();
  EXPECT_EQ(study.trial_counts().active(), 0) << study.trial_counts().ShortDebugString();

  // The vanished trials: FAILED by the reaper, not before their lease could have expired. The
  // reaper's write may have been in flight at the last kill; then it happens again.
  const std::map<std::string, Trial> reaped = AwaitFinished(client, vanished_trials, kReapTimeout);
  std::vector<Trial> vanish_study_trials;
  ASSERT_TRUE(client.ListAllTrials(kVanishStudy, &vanish_study_trials, &pages).ok());
  EXPECT_EQ(vanish_study_trials.size(), static_cast<size_t>(kVanishingWorkers));
  for (const auto& [name, trial] : reaped) {
    SCOPED_TRACE(name);
    EXPECT_EQ(trial.state(), Trial::FAILED) << trial.ShortDebugString();
    EXPECT_EQ(trial.reason(), "lease expired");
    EXPECT_GE(ToTime(trial.end_time()), vanish_suggest_time + kVanishLease)
        << "failed before its lease could expire";
  }
}

ServerProcessOptions Options(std::vector<std::string> extra_args) {
  ServerProcessOptions options;
  options.binary = kBinary;
  options.extra_args = std::move(extra_args);
  return options;
}

// Parameter: the --durability mode; both promise that acknowledged writes survive kill -9.
class KillRestart : public ::testing::TestWithParam<std::string> {};

TEST_P(KillRestart, AcknowledgedWritesSurviveRepeatedKillsAndVanishedWorkersAreReaped) {
  const absl::Time test_start = absl::Now();
  ServerProcess server(Options({kReaperInterval, "--durability=" + GetParam()}));
  ASSERT_TRUE(server.Start().ok()) << server.LogTail();
  ServerAddress where;
  where.Set(server.address());

  {
    DirectClient setup(server.address());
    grpc::Status created = setup.CreateStudy("durability", MakeStudy(std::nullopt));
    ASSERT_TRUE(created.ok()) << Describe(created);
    created = setup.CreateStudy("vanishing", MakeStudy(kVanishLease));
    ASSERT_TRUE(created.ok()) << Describe(created);
  }

  // The vanishing workers: each takes a trial, then never calls again.
  std::vector<std::string> vanished_trials;
  const absl::Time vanish_suggest_time = absl::Now();
  {
    DirectClient vanishing(server.address());
    for (int i = 0; i < kVanishingWorkers; ++i) {
      SuggestTrialsRequest request;
      request.set_parent(kVanishStudy);
      request.set_count(1);
      request.set_client_id(absl::StrCat("vanishing-", i));
      SuggestTrialsResponse response;
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
      grpc::Status status = vanishing.stub().SuggestTrials(&context, request, &response);
      ASSERT_TRUE(status.ok()) << Describe(status);
      ASSERT_EQ(response.trials_size(), 1) << response.ShortDebugString();
      vanished_trials.push_back(response.trials(0).name());
    }
  }

  Ledger ledger;
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    workers.push_back(std::make_unique<Worker>(absl::StrCat("worker-", i), &where, &ledger, &stop));
  }
  for (auto& worker : workers) threads.emplace_back([w = worker.get()] { w->Run(); });
  // Stops and joins the workers on every exit path, so a failed assertion never hangs the test.
  struct Joiner {
    std::atomic<bool>* stop;
    std::vector<std::thread>* threads;
    ~Joiner() {
      stop->store(true);
      for (std::thread& t : *threads) {
        if (t.joinable()) t.join();
      }
    }
  } joiner{&stop, &threads};

  // The killer: SIGKILL after a seeded number of acknowledged writes, restart on the same data.
  std::mt19937 random(kKillSeed);
  std::uniform_int_distribution<int> writes_between(kMinWritesBetweenKills, kMaxWritesBetweenKills);
  std::vector<std::string> kill_log;
  for (int kill = 0; kill < kKills; ++kill) {
    const int64_t target = ledger.writes() + writes_between(random);
    ASSERT_TRUE(ledger.AwaitWrites(target, kProgressTimeout))
        << "no progress to " << target << " acknowledged writes before kill " << kill + 1 << ": "
        << absl::StrJoin(ledger.errors(), "\n") << "\n"
        << server.LogTail();
    ASSERT_TRUE(server.Kill().ok());
    const int64_t writes_at_kill = ledger.writes();
    const absl::Time killed = absl::Now();
    ASSERT_TRUE(server.Start().ok()) << server.LogTail();
    kill_log.push_back(absl::StrCat("kill ", kill + 1, " after ", writes_at_kill,
                                    " acknowledged writes; back serving in ",
                                    absl::FormatDuration(absl::Now() - killed)));
    where.Set(server.address());
  }
  // Some more work on the last server, then the workers finish their current trial and stop.
  ASSERT_TRUE(ledger.AwaitWrites(ledger.writes() + kMinWritesBetweenKills, kProgressTimeout))
      << absl::StrJoin(ledger.errors(), "\n") << "\n"
      << server.LogTail();
  stop.store(true);
  for (std::thread& t : threads) t.join();
  const absl::Duration run_time = absl::Now() - test_start;
  for (const std::string& line : kill_log) std::cout << line << "\n";
  std::cout << ledger.Summary() << "\n";
  const std::vector<std::string> errors = ledger.errors();
  ASSERT_TRUE(errors.empty()) << absl::StrJoin(errors, "\n") << "\n" << server.LogTail();

  // The vanished workers' trials are reaped once their lease (renewed at each restart) expires.
  {
    DirectClient client(server.address());
    const std::map<std::string, Trial> reaped =
        AwaitFinished(client, vanished_trials, kReapTimeout);
    for (const auto& [name, trial] : reaped) {
      EXPECT_EQ(trial.state(), Trial::FAILED) << trial.ShortDebugString();
    }
  }

  // Once more: a crash right after the run, then everything is checked on a fresh server.
  ASSERT_TRUE(server.Kill().ok());
  ASSERT_TRUE(server.Start().ok()) << server.LogTail();
  VerifyAgainstLedger(server.address(), ledger, vanished_trials, vanish_suggest_time);

  absl::Status stopped = server.Terminate();
  ASSERT_TRUE(stopped.ok()) << stopped;
  std::cout << "run with kills: " << absl::FormatDuration(run_time)
            << ", whole test: " << absl::FormatDuration(absl::Now() - test_start) << "\n";
}

INSTANTIATE_TEST_SUITE_P(Durability, KillRestart, ::testing::Values("full", "normal"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(Durability, GracefulShutdownExitsZeroKeepsDataAndHealthSaysServing) {
  ServerProcess server(Options({kReaperInterval}));
  ASSERT_TRUE(server.Start().ok()) << server.LogTail();
  std::string trial_name;
  {
    DirectClient client(server.address());
    grpc::Status status;
    EXPECT_EQ(CheckHealth(client.channel(), &status),
              grpc::health::v1::HealthCheckResponse::SERVING);
    ASSERT_TRUE(status.ok()) << Describe(status);

    ASSERT_TRUE(client.CreateStudy("graceful", MakeStudy(std::nullopt)).ok());
    SuggestTrialsRequest suggest;
    suggest.set_parent("studies/graceful");
    suggest.set_count(1);
    suggest.set_client_id("graceful-worker");
    SuggestTrialsResponse suggested;
    {
      grpc::ClientContext context;
      status = client.stub().SuggestTrials(&context, suggest, &suggested);
    }
    ASSERT_TRUE(status.ok()) << Describe(status);
    ASSERT_EQ(suggested.trials_size(), 1);
    trial_name = suggested.trials(0).name();
    const int64_t number = suggested.trials(0).number();
    for (int step = 1; step <= 3; ++step) {
      ReportMeasurementRequest report;
      report.set_name(trial_name);
      report.set_client_id("graceful-worker");
      report.mutable_measurement()->set_step(step);
      (*report.mutable_measurement()->mutable_metrics())[kMetric] = LossAt(number, step);
      ReportMeasurementResponse reported;
      grpc::ClientContext context;
      status = client.stub().ReportMeasurement(&context, report, &reported);
      ASSERT_TRUE(status.ok()) << Describe(status);
    }
    CompleteTrialRequest complete;
    complete.set_name(trial_name);
    complete.set_client_id("graceful-worker");
    (*complete.mutable_final_measurement()->mutable_metrics())[kMetric] = FinalLoss(number);
    Trial completed;
    grpc::ClientContext context;
    status = client.stub().CompleteTrial(&context, complete, &completed);
    ASSERT_TRUE(status.ok()) << Describe(status);
  }

  absl::Status stopped = server.Terminate();
  ASSERT_TRUE(stopped.ok()) << stopped;

  ASSERT_TRUE(server.Start().ok()) << server.LogTail();
  DirectClient client(server.address());
  grpc::Status status;
  EXPECT_EQ(CheckHealth(client.channel(), &status), grpc::health::v1::HealthCheckResponse::SERVING);
  ASSERT_TRUE(status.ok()) << Describe(status);
  Trial trial;
  status = client.GetTrial(trial_name, &trial);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(trial.state(), Trial::SUCCEEDED) << trial.ShortDebugString();
  EXPECT_EQ(trial.objective_value(), FinalLoss(trial.number()));
  ASSERT_EQ(trial.measurements_size(), 3) << trial.ShortDebugString();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(trial.measurements(i).step(), i + 1);
    EXPECT_EQ(trial.measurements(i).metrics().at(kMetric), LossAt(trial.number(), i + 1));
  }

  // With a client still connected, as when workers are attached to a server being stopped.
  stopped = server.Terminate();
  ASSERT_TRUE(stopped.ok()) << stopped;
}

}  // namespace
}  // namespace hyperd::e2e
