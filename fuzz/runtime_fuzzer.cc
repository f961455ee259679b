// Fuzz target: the study runtime (server/runtime.h) over a real SQLite store in a scratch
// directory, driven by a sequence of API calls decoded from the input.
//
// Input (fuzz_input.h): until the input ends, an operation byte, a target byte and the request
// as a protobuf chunk. A request whose resource name is empty gets one from the target byte
// ("studies/fuzz", "studies/fuzz/trials/{target % 16}"), so short mutated inputs still reach
// existing trials. Invariants: every call returns; every asynchronous reply is called exactly
// once; every error has a message; a restart (a new store, pool and runtime on the same file)
// always loads what the previous runtime committed.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/quiet_logs.h"
#include "fuzz/scratch_dir.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/clock.h"
#include "server/request_validation.h"
#include "server/runtime.h"
#include "server/worker_pool.h"
#include "storage/sqlite/sqlite_trial_store.h"

namespace hyperd::fuzz {
namespace {

namespace v1 = hyperd::v1;
using server::Reply;

constexpr char kStudyId[] = "fuzz";

// The operations an input can call, in operation-byte order (the byte is taken modulo the count).
enum Op : uint8_t {
  kCreateStudy,
  kSuggestTrials,
  kCreateTrial,
  kReportMeasurement,
  kReportSteps,
  kHeartbeat,
  kCompleteTrial,
  kFailTrial,
  kStopTrial,
  kUpdateStudy,
  kSetStudyState,
  kDeleteStudy,
  kGetStudy,
  kListStudies,
  kGetTrial,
  kListTrials,
  kCheckTrialEarlyStopping,
  kListOptimalTrials,
  kListArms,
  kAdvanceClockAndReap,
  kRestart,
  kOpCount,
};

// A store, pool and runtime on one database file, torn down in the server's order (runtime,
// then pool, which runs what is queued, then store, which commits what is queued).
class Service {
 public:
  explicit Service(const server::Clock* clock) : clock_(clock) {}
  ~Service() { Stop(); }

  void Start() {
    storage::SqliteTrialStore::Options options;
    options.path = ScratchDir() + "/hyperd.db";
    options.durability = storage::Durability::kNormal;
    options.idle_checkpoint_after = absl::InfiniteDuration();
    absl::StatusOr<std::unique_ptr<storage::SqliteTrialStore>> store =
        storage::SqliteTrialStore::Open(options);
    CheckStatus(store.status(), "the store opens its own database");
    store_ = *std::move(store);
    pool_ = std::make_unique<server::WorkerPool>(/*threads=*/1, /*max_queued=*/1000);
    runtime_ = std::make_unique<server::Runtime>(store_.get(), clock_, pool_.get());
    CheckStatus(runtime_->Load(), "a runtime loads what the previous one committed");
  }

  void Stop() {
    runtime_.reset();
    pool_.reset();
    store_.reset();
  }

  server::Runtime& runtime() { return *runtime_; }

 private:
  const server::Clock* const clock_;
  std::unique_ptr<storage::SqliteTrialStore> store_;
  std::unique_ptr<server::WorkerPool> pool_;
  std::unique_ptr<server::Runtime> runtime_;
};

// Calls an asynchronous runtime method and waits for its reply, which must come exactly once.
// The reply may run on another thread after this returns (it must not), so the wait state is
// shared with the callback.
template <typename T>
void CallAndWait(const std::function<void(Reply<T>)>& call) {
  struct Waiter {
    absl::Mutex mu;
    int calls ABSL_GUARDED_BY(mu) = 0;
  };
  auto waiter = std::make_shared<Waiter>();
  call([waiter](absl::StatusOr<T> result) {
    CheckErrorHasMessage(result.status());
    absl::MutexLock lock(&waiter->mu);
    ++waiter->calls;
    Check(waiter->calls == 1, "a reply is called exactly once");
  });
  absl::MutexLock lock(&waiter->mu);
  waiter->mu.Await(absl::Condition(
      +[](int* calls) { return *calls > 0; }, &waiter->calls));
}

std::string StudyNameOr(const std::string& name) {
  return name.empty() ? server::StudyName(kStudyId) : name;
}

std::string TrialNameOr(const std::string& name, uint8_t target) {
  return name.empty() ? server::TrialName(kStudyId, target % 16) : name;
}

// Decodes one request of type `Request` from `in`. A chunk that does not parse (e.g. a string
// with invalid UTF-8) gives the empty request: gRPC would have refused the call before the
// runtime saw it.
template <typename Request>
Request Take(FuzzInput& in) {
  Request request;
  if (!in.TakeMessage(request)) request.Clear();
  return request;
}

void RunOne(Op op, uint8_t target, FuzzInput& in, Service& service, server::ManualClock& clock) {
  server::Runtime& rt = service.runtime();
  switch (op) {
    case kCreateStudy: {
      auto request = Take<v1::CreateStudyRequest>(in);
      if (request.study_id().empty()) request.set_study_id(kStudyId);
      CallAndWait<v1::Study>([&](auto reply) { rt.CreateStudy(request, std::move(reply)); });
      break;
    }
    case kSuggestTrials: {
      auto request = Take<v1::SuggestTrialsRequest>(in);
      request.set_parent(StudyNameOr(request.parent()));
      CallAndWait<v1::SuggestTrialsResponse>(
          [&](auto reply) { rt.SuggestTrials(request, std::move(reply)); });
      break;
    }
    case kCreateTrial: {
      auto request = Take<v1::CreateTrialRequest>(in);
      request.set_parent(StudyNameOr(request.parent()));
      CallAndWait<v1::Trial>([&](auto reply) { rt.CreateTrial(request, std::move(reply)); });
      break;
    }
    case kReportMeasurement: {
      auto request = Take<v1::ReportMeasurementRequest>(in);
      request.set_name(TrialNameOr(request.name(), target));
      CallAndWait<v1::ReportMeasurementResponse>(
          [&](auto reply) { rt.ReportMeasurement(request, std::move(reply)); });
      break;
    }
    case kReportSteps: {
      auto request = Take<v1::ReportStepsRequest>(in);
      request.set_name(TrialNameOr(request.name(), target));
      CallAndWait<v1::ReportStepsResponse>(
          [&](auto reply) { rt.ReportSteps(request, std::move(reply)); });
      break;
    }
    case kHeartbeat: {
      auto request = Take<v1::HeartbeatRequest>(in);
      request.set_name(TrialNameOr(request.name(), target));
      CallAndWait<v1::HeartbeatResponse>(
          [&](auto reply) { rt.Heartbeat(request, std::move(reply)); });
      break;
    }
    case kCompleteTrial: {
      auto request = Take<v1::CompleteTrialRequest>(in);
      request.set_name(TrialNameOr(request.name(), target));
      CallAndWait<v1::Trial>([&](auto reply) { rt.CompleteTrial(request, std::move(reply)); });
      break;
    }
    case kFailTrial: {
      auto request = Take<v1::FailTrialRequest>(in);
      request.set_name(TrialNameOr(request.name(), target));
      CallAndWait<v1::Trial>([&](auto reply) { rt.FailTrial(request, std::move(reply)); });
      break;
    }
    case kStopTrial: {
      auto request = Take<v1::StopTrialRequest>(in);
      request.set_name(TrialNameOr(request.name(), target));
      CallAndWait<v1::Trial>([&](auto reply) { rt.StopTrial(request, std::move(reply)); });
      break;
    }
    case kUpdateStudy: {
      auto request = Take<v1::UpdateStudyRequest>(in);
      request.mutable_study()->set_name(StudyNameOr(request.study().name()));
      CallAndWait<v1::Study>([&](auto reply) { rt.UpdateStudy(request, std::move(reply)); });
      break;
    }
    case kSetStudyState: {
      auto request = Take<v1::SetStudyStateRequest>(in);
      request.set_name(StudyNameOr(request.name()));
      CallAndWait<v1::Study>([&](auto reply) { rt.SetStudyState(request, std::move(reply)); });
      break;
    }
    case kDeleteStudy: {
      auto request = Take<v1::DeleteStudyRequest>(in);
      request.set_name(StudyNameOr(request.name()));
      CallAndWait<google::protobuf::Empty>(
          [&](auto reply) { rt.DeleteStudy(request, std::move(reply)); });
      break;
    }
    case kGetStudy: {
      auto request = Take<v1::GetStudyRequest>(in);
      request.set_name(StudyNameOr(request.name()));
      CheckErrorHasMessage(rt.GetStudy(request).status());
      break;
    }
    case kListStudies:
      CheckErrorHasMessage(rt.ListStudies(Take<v1::ListStudiesRequest>(in)).status());
      break;
    case kGetTrial: {
      auto request = Take<v1::GetTrialRequest>(in);
      request.set_name(TrialNameOr(request.name(), target));
      CheckErrorHasMessage(rt.GetTrial(request).status());
      break;
    }
    case kListTrials: {
      auto request = Take<v1::ListTrialsRequest>(in);
      request.set_parent(StudyNameOr(request.parent()));
      CheckErrorHasMessage(rt.ListTrials(request).status());
      break;
    }
    case kCheckTrialEarlyStopping: {
      auto request = Take<v1::CheckTrialEarlyStoppingRequest>(in);
      request.set_name(TrialNameOr(request.name(), target));
      CheckErrorHasMessage(rt.CheckTrialEarlyStopping(request).status());
      break;
    }
    case kListOptimalTrials: {
      auto request = Take<v1::ListOptimalTrialsRequest>(in);
      request.set_parent(StudyNameOr(request.parent()));
      CheckErrorHasMessage(rt.ListOptimalTrials(request).status());
      break;
    }
    case kListArms: {
      auto request = Take<v1::ListArmsRequest>(in);
      request.set_parent(StudyNameOr(request.parent()));
      CheckErrorHasMessage(rt.ListArms(request).status());
      break;
    }
    case kAdvanceClockAndReap:
      // Up to about 4.5 hours in minutes: past leases (10 minutes by default) and deadlines.
      clock.Advance(absl::Minutes(target + 1));
      rt.ReapExpiredLeases();
      break;
    case kRestart:
      service.Stop();
      service.Start();
      break;
    case kOpCount:
      break;
  }
}

}  // namespace
}  // namespace hyperd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hyperd::fuzz;  // NOLINT: the entry point has C linkage
  static const bool kQuiet = [] {
    SilenceLogs();
    return true;
  }();
  (void)kQuiet;
  ClearScratchDir();
  FuzzInput in(data, size);
  hyperd::server::ManualClock clock;
  {
    Service service(&clock);
    service.Start();
    // Bounded so one input stays fast whatever its length.
    for (int i = 0; i < 64 && !in.empty(); ++i) {
      const Op op = static_cast<Op>(in.TakeByte() % kOpCount);
      const uint8_t target = in.TakeByte();
      RunOne(op, target, in, service, clock);
    }
  }
  return 0;
}
