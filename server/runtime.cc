#include "server/runtime.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <tuple>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "algorithms/samplers/random_bits.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "server/request_validation.h"
#include "server/spec_conversion.h"
#include "server/time_conversion.h"

namespace hyperd::server {
namespace {

using hyperd::v1::Study;
using hyperd::v1::Trial;

uint64_t FreshSeed() {
  std::random_device device;
  uint64_t seed = 0;
  while (seed == 0) seed = (static_cast<uint64_t>(device()) << 32) ^ device();
  return seed;
}

absl::Status TrialNotFound(absl::string_view study_id, int64_t number) {
  return absl::NotFoundError(absl::StrCat("trial ", TrialName(study_id, number),
                                          " does not exist; list trials with ListTrials"));
}

absl::Status NotOpen(const TrialEntry& entry) {
  std::string why =
      entry.header.reason().empty() ? "" : absl::StrCat(" (", entry.header.reason(), ")");
  return absl::FailedPreconditionError(absl::StrCat(
      "trial ", entry.header.name(), " is ", Trial::State_Name(entry.header.state()), why,
      "; only ACTIVE or STOPPING trials accept reports, heartbeats and completion. Finished "
      "trials are immutable: ask SuggestTrials for a new trial"));
}

absl::Status CheckClient(const TrialEntry& entry, absl::string_view client_id) {
  if (client_id.empty() || entry.header.client_id().empty() ||
      entry.header.client_id() == client_id) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "trial ", entry.header.name(), " is held by client \"", entry.header.client_id(),
      "\", not \"", client_id, "\"; a worker may only report to trials SuggestTrials gave it"));
}

std::optional<double> ObjectiveOf(const hyperd::v1::Measurement& m, const std::string& metric) {
  auto it = m.metrics().find(metric);
  if (it == m.metrics().end()) return std::nullopt;
  return it->second;
}

std::optional<algorithms::TrialEnd> TrialEndOf(Trial::State state) {
  switch (state) {
    case Trial::SUCCEEDED:
      return algorithms::TrialEnd::kSucceeded;
    case Trial::PRUNED:
      return algorithms::TrialEnd::kPruned;
    case Trial::FAILED:
      return algorithms::TrialEnd::kFailed;
    case Trial::INFEASIBLE:
      return algorithms::TrialEnd::kInfeasible;
    default:
      return std::nullopt;
  }
}

// The objective of `m` on the schedulers' minimisation scale; a non-finite value (divergence)
// ranks worst whatever the goal.
double SchedulerValue(const StudyState& study, const hyperd::v1::Measurement& m) {
  const double value = m.metrics().at(study.objective_metric());
  return std::isfinite(value) ? study.ToMinimization(value)
                              : std::numeric_limits<double>::infinity();
}

// The randomness of the bandit decision that created trial `number` (bandits.md §0): a replay
// gives the same arm.
uint64_t DecisionSeed(const StudyState& study, int64_t number)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu) {
  return algorithms::MixSeed(study.record.study.spec().seed(), static_cast<uint64_t>(number));
}

// The server-wide trial cap of a study that holds `trials` trials: RESOURCE_EXHAUSTED naming the
// limit, or OK while there is room.
absl::Status TrialCapReached(absl::string_view study_id, size_t trials, int64_t cap) {
  if (static_cast<int64_t>(trials) < cap) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat(
      "study ", StudyName(study_id), " holds ", trials,
      " trials, the server's limit per study (--max-trials-per-study=", cap,
      "); create a new study to continue (e.g. warm-started with CreateTrial), or raise "
      "--max-trials-per-study"));
}

}  // namespace

Runtime::Runtime(storage::TrialStore* store, const Clock* clock, WorkerPool* pool,
                 ServerLimits limits)
    : store_(store), clock_(clock), pool_(pool), limits_(limits) {}

// ---------------------------------------------------------------------------------------------
// Loading and committing

absl::Status Runtime::Load() {
  ASSIGN_OR_RETURN(std::vector<storage::StudySnapshot> snapshots, store_->LoadAll());
  int open_trials = 0;
  absl::MutexLock studies_lock(&studies_mu_);
  for (storage::StudySnapshot& snapshot : snapshots) {
    const std::string id = snapshot.study.study_id;
    ASSIGN_OR_RETURN(std::unique_ptr<StudyState> state,
                     StudyState::Create(std::move(snapshot.study)));
    absl::MutexLock lock(&state->mu);
    for (storage::TrialRecord& trial : snapshot.trials) {
      if (trial.trial.number() != static_cast<int64_t>(state->trials.size())) {
        return absl::DataLossError(absl::StrCat(
            "study ", id, ": trial numbers are not contiguous at ", trial.trial.number()));
      }
      state->trials.push_back(TrialEntry{std::move(trial.trial), {}, {}});
    }
    for (storage::MeasurementRecord& m : snapshot.measurements) {
      if (m.trial_number < 0 || m.trial_number >= static_cast<int64_t>(state->trials.size())) {
        return absl::DataLossError(
            absl::StrCat("study ", id, ": measurement of unknown trial ", m.trial_number));
      }
      // Every stored report was validated with the objective; the schedulers read it
      // unchecked (found by fuzz/storage_fuzzer: a damaged row aborted the start-up).
      if (!m.measurement.metrics().contains(state->objective_metric())) {
        return absl::DataLossError(absl::StrCat(
            "study ", id, ": the measurement of trial ", m.trial_number, " at step ",
            m.measurement.step(), " has no objective metric '", state->objective_metric(),
            "'; the database file is damaged"));
      }
      state->trials[m.trial_number].measurements.push_back(std::move(m.measurement));
    }
    for (const storage::StepRecord& step : snapshot.steps) {
      if (step.trial_number < 0 ||
          step.trial_number >= static_cast<int64_t>(state->trials.size())) {
        return absl::DataLossError(
            absl::StrCat("study ", id, ": step report of unknown trial ", step.trial_number));
      }
      state->trials[step.trial_number].steps.push_back(ToStepSample(step.report));
    }
    state->RebuildTrialIndex();
    ReplayScheduler(*state);
    RETURN_IF_ERROR(ReplayBandit(*state));
    RestoreSchedules(*state);
    RestoreSamplerStatus(*state);
    for (int64_t number : state->open_trials) {
      RenewLease(*state, state->trials[number]);
      ++open_trials;
    }
    studies_[id] = std::move(state);
  }
  if (open_trials > 0) {
    Log(LogLevel::kInfo, "granted fresh leases to open trials",
        {{"trials", absl::StrCat(open_trials)}});
  }
  return absl::OkStatus();
}

void Runtime::ReplayScheduler(StudyState& study) {
  // Measurements in arrival order, each trial's only up to the step at which it was asked to
  // stop (later reports never reached the scheduler), then the ends of finished trials: the same
  // rung tables as before the restart, hence the same future decisions.
  struct Arrival {
    absl::Time time;
    int64_t number;
    const hyperd::v1::Measurement* measurement;
  };
  std::vector<Arrival> arrivals;
  for (const TrialEntry& entry : study.trials) {
    for (const hyperd::v1::Measurement& m : entry.measurements) {
      if (entry.header.has_stopped_at_step() && m.step() > entry.header.stopped_at_step()) break;
      arrivals.push_back({FromProtoTime(m.report_time()), entry.header.number(), &m});
    }
  }
  std::sort(arrivals.begin(), arrivals.end(), [](const Arrival& a, const Arrival& b) {
    return std::tie(a.time, a.number) < std::tie(b.time, b.number);
  });
  for (const Arrival& a : arrivals) {
    const TrialEntry& entry = study.trials[a.number];
    study.scheduler->OnMeasurement(a.number, entry.header.bracket(), a.measurement->step(),
                                   SchedulerValue(study, *a.measurement));
  }
  for (const TrialEntry& entry : study.trials) {
    if (std::optional<algorithms::TrialEnd> end = TrialEndOf(entry.header.state())) {
      study.scheduler->OnTrialEnd(entry.header.number(), *end);
    }
  }
}

absl::Status Runtime::ReplayBandit(StudyState& study) {
  if (study.bandit == nullptr) return absl::OkStatus();
  std::vector<const TrialEntry*> rewarded;
  for (const TrialEntry& entry : study.trials) {
    if (entry.header.bandit().reward_sequence() > 0) rewarded.push_back(&entry);
  }
  std::sort(rewarded.begin(), rewarded.end(), [](const TrialEntry* a, const TrialEntry* b) {
    return a->header.bandit().reward_sequence() < b->header.bandit().reward_sequence();
  });
  for (const TrialEntry* entry : rewarded) {
    const Trial& trial = entry->header;
    absl::Status replayed =
        study.bandit->Replay(trial.bandit(), trial.context(), DecisionSeed(study, trial.number()));
    if (!replayed.ok()) {
      return absl::DataLossError(absl::StrCat("study ", study.id(), ": ", replayed.message()));
    }
  }
  return absl::OkStatus();
}

void Runtime::RestoreSchedules(StudyState& study) {
  if (study.schedules == nullptr) return;
  for (TrialEntry& entry : study.trials) {
    const Trial& trial = entry.header;
    if (trial.state() == Trial::SUCCEEDED && trial.has_objective_value()) {
      study.schedules->OfferRefinementSource(trial.number(),
                                             study.ToMinimization(trial.objective_value()),
                                             entry.steps, trial.schedule());
    }
  }
  for (int64_t number : study.open_trials) {
    TrialEntry& entry = study.trials[number];
    study.schedules->OnSteps(number, entry.steps, 0, *entry.header.mutable_schedule(),
                             /*restoring=*/true);
  }
}

void Runtime::RestoreSamplerStatus(StudyState& study) {
  if (study.is_bandit()) return;  // its status line is made when asked for
  // The status line is not stored: asking the sampler for zero points recomputes it from the
  // stored state, and changes nothing.
  std::vector<algorithms::TrialObservation> observations;
  if (study.sampler().ReadsHistory()) observations = study.Observations();
  algorithms::SamplerInput input;
  input.space = &study.space();
  input.goal = study.goal();
  input.seed = study.record.study.spec().seed();
  input.trials = &observations;
  input.state = study.record.sampler_state;
  input.count = 0;
  absl::StatusOr<algorithms::SamplerOutput> output = study.sampler().Suggest(input);
  if (output.ok()) study.sampler_status = output->status;
  study.MarkChanged();
}

absl::Status Runtime::CheckWritable() const {
  if (!storage_failed_.load()) return absl::OkStatus();
  return absl::UnavailableError(
      "a storage commit failed earlier, so the server stopped accepting writes to protect "
      "acknowledged data; restart hyperd (see its log for the storage error)");
}

template <typename T>
void Runtime::CommitThenReply(storage::WriteBatch batch, T value, Reply<T> reply) {
  // Even an empty batch goes through the store: as a barrier, it delays the reply until every
  // write this reply may depend on (e.g. the first report of a duplicate step) is durable.
  store_->Commit(std::move(batch), [this, value = std::move(value),
                                    reply = std::move(reply)](absl::Status status) mutable {
    if (!status.ok()) {
      storage_failed_.store(true);
      Log(LogLevel::kError, "storage commit failed; refusing further writes",
          {{"error", status.ToString()}});
      reply(status);
      return;
    }
    reply(std::move(value));
  });
}

absl::StatusOr<std::shared_ptr<StudyState>> Runtime::FindStudy(const std::string& study_id) {
  absl::MutexLock lock(&studies_mu_);
  auto it = studies_.find(study_id);
  if (it == studies_.end()) {
    return absl::NotFoundError(
        absl::StrCat("study ", StudyName(study_id), " does not exist; create it with CreateStudy"));
  }
  return it->second;
}

absl::StatusOr<std::shared_ptr<StudyState>> Runtime::FindStudyByName(absl::string_view field,
                                                                     absl::string_view name) {
  ASSIGN_OR_RETURN(std::string study_id, ParseStudyName(field, name));
  return FindStudy(study_id);
}

absl::StatusOr<std::pair<std::shared_ptr<StudyState>, int64_t>> Runtime::FindTrial(
    absl::string_view field, absl::string_view name) {
  ASSIGN_OR_RETURN(TrialKey key, ParseTrialName(field, name));
  ASSIGN_OR_RETURN(std::shared_ptr<StudyState> study, FindStudy(key.study_id));
  return std::make_pair(std::move(study), key.number);
}

absl::StatusOr<TrialEntry*> Runtime::LockedTrial(StudyState& study, int64_t number) {
  if (study.deleted) return absl::NotFoundError("the study was deleted");
  if (number >= static_cast<int64_t>(study.trials.size())) return TrialNotFound(study.id(), number);
  return &study.trials[number];
}

absl::StatusOr<TrialEntry*> Runtime::WritableTrial(StudyState& study, int64_t number,
                                                   absl::string_view client_id,
                                                   bool allow_requested) {
  ASSIGN_OR_RETURN(TrialEntry * entry, LockedTrial(study, number));
  const Trial::State state = entry->header.state();
  if (!IsOpen(state) && !(allow_requested && state == Trial::REQUESTED)) return NotOpen(*entry);
  RETURN_IF_ERROR(CheckClient(*entry, client_id));
  RETURN_IF_ERROR(CheckWritable());
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Studies

void Runtime::CreateStudy(const hyperd::v1::CreateStudyRequest& request, Reply<Study> reply) {
  if (absl::Status s = ValidateStudyId("study_id", request.study_id()); !s.ok()) return reply(s);
  absl::StatusOr<Study> normalized =
      NormalizeNewStudy(request.study_id(), request.study(), FreshSeed());
  if (!normalized.ok()) return reply(normalized.status());
  if (request.validate_only()) return reply(*std::move(normalized));

  absl::StatusOr<Study> result;
  {
    absl::MutexLock studies_lock(&studies_mu_);
    auto it = studies_.find(request.study_id());
    if (it != studies_.end()) {
      StudyState& existing = *it->second;
      absl::MutexLock lock(&existing.mu);
      hyperd::v1::StudySpec wanted = normalized->spec();
      wanted.set_seed(request.study().spec().seed());
      std::string differences = DescribeSpecDifferences(existing.record.study.spec(), wanted);
      if (!differences.empty()) {
        result = absl::AlreadyExistsError(absl::StrCat(
            "study ", StudyName(request.study_id()), " already exists with a different spec (",
            differences,
            "); use another study_id, or send the same spec to get the existing study"));
      } else {
        result = existing.ToProto();
      }
    } else if (absl::Status writable = CheckWritable(); !writable.ok()) {
      result = writable;
    } else if (static_cast<int64_t>(studies_.size()) >= limits_.max_studies) {
      result = absl::ResourceExhaustedError(absl::StrCat(
          "study_id: cannot create study ", StudyName(request.study_id()), ": the server holds ",
          studies_.size(), " studies, its limit (--max-studies=", limits_.max_studies,
          "); delete finished studies (DeleteStudy, after a backup if you need them) or raise "
          "--max-studies"));
    } else {
      normalized->mutable_create_time()->CopyFrom(ToProtoTime(clock_->Now()));
      absl::StatusOr<std::unique_ptr<StudyState>> state =
          StudyState::Create(storage::StudyRecord{request.study_id(), *normalized, ""});
      if (!state.ok()) {
        result = state.status();
      } else {
        std::shared_ptr<StudyState> shared = std::move(*state);
        studies_[request.study_id()] = shared;
        absl::MutexLock lock(&shared->mu);
        Log(LogLevel::kInfo, "study created", {{"study", request.study_id()}});
        storage::WriteBatch batch;
        batch.push_back(shared->PutStudyMutation());
        CommitThenReply(std::move(batch), shared->ToProto(), std::move(reply));
        return;
      }
    }
  }
  reply(std::move(result));
}

absl::StatusOr<Study> Runtime::GetStudy(const hyperd::v1::GetStudyRequest& request) {
  ASSIGN_OR_RETURN(std::shared_ptr<StudyState> study, FindStudyByName("name", request.name()));
  absl::MutexLock lock(&study->mu);
  return study->ToProto();
}

absl::StatusOr<uint64_t> Runtime::StudyGeneration(absl::string_view study_id) {
  ASSIGN_OR_RETURN(std::shared_ptr<StudyState> study, FindStudy(std::string(study_id)));
  absl::MutexLock lock(&study->mu);
  return study->generation();
}

absl::StatusOr<hyperd::v1::ListStudiesResponse> Runtime::ListStudies(
    const hyperd::v1::ListStudiesRequest& request) {
  ASSIGN_OR_RETURN(int page_size, ResolvePageSize("page_size", request.page_size()));
  std::string after;
  if (!request.page_token().empty()) {
    ASSIGN_OR_RETURN(after, DecodePageToken("page_token", request.page_token(), 0));
  }
  std::vector<std::shared_ptr<StudyState>> page;
  bool more = false;
  {
    absl::MutexLock lock(&studies_mu_);
    auto it = after.empty() ? studies_.begin() : studies_.upper_bound(after);
    for (; it != studies_.end(); ++it) {
      if (static_cast<int>(page.size()) == page_size) {
        more = true;
        break;
      }
      page.push_back(it->second);
    }
  }
  hyperd::v1::ListStudiesResponse response;
  for (const auto& study : page) {
    absl::MutexLock lock(&study->mu);
    *response.add_studies() = study->ToProto();
  }
  if (more) response.set_next_page_token(EncodePageToken(page.back()->id(), 0));
  return response;
}

void Runtime::UpdateStudy(const hyperd::v1::UpdateStudyRequest& request, Reply<Study> reply) {
  absl::StatusOr<std::shared_ptr<StudyState>> found =
      FindStudyByName("study.name", request.study().name());
  if (!found.ok()) return reply(found.status());
  if (request.update_mask().paths_size() == 0) {
    return reply(absl::InvalidArgumentError(
        "update_mask: is empty; list the fields to change, e.g. \"limits.max_trials\""));
  }
  StudyState& study = **found;
  absl::MutexLock lock(&study.mu);
  if (study.deleted) return reply(absl::NotFoundError("the study was deleted"));
  if (absl::Status s = CheckWritable(); !s.ok()) return reply(s);
  Study updated = study.record.study;
  const Study& in = request.study();
  hyperd::v1::StudyLimits& limits = *updated.mutable_limits();
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "description") {
      if (absl::Status s =
              CheckLength("study.description", in.description(), kMaxDescriptionLength);
          !s.ok()) {
        return reply(s);
      }
      updated.set_description(in.description());
    } else if (path == "user_attributes") {
      if (absl::Status s = ValidateUserAttributes("study.user_attributes", in.user_attributes());
          !s.ok()) {
        return reply(s);
      }
      *updated.mutable_user_attributes() = in.user_attributes();
    } else if (path == "limits") {
      limits = in.limits();
    } else if (path == "limits.max_trials") {
      limits.set_max_trials(in.limits().max_trials());
    } else if (path == "limits.max_parallel_trials") {
      limits.set_max_parallel_trials(in.limits().max_parallel_trials());
    } else if (path == "limits.lease_duration") {
      *limits.mutable_lease_duration() = in.limits().lease_duration();
    } else if (path == "limits.target_value") {
      if (in.limits().has_target_value()) {
        limits.set_target_value(in.limits().target_value());
      } else {
        limits.clear_target_value();
      }
    } else if (path == "limits.deadline") {
      *limits.mutable_deadline() = in.limits().deadline();
      if (!in.limits().has_deadline()) limits.clear_deadline();
    } else {
      return reply(absl::InvalidArgumentError(absl::StrCat(
          "update_mask.paths: \"", path,
          "\" cannot be updated; allowed: description, user_attributes, limits, limits.max_trials, "
          "limits.max_parallel_trials, limits.lease_duration, limits.target_value, "
          "limits.deadline (the spec is immutable: create a new study to change it)")));
    }
  }
  if (absl::Status s = ValidateLimits("study.limits", limits); !s.ok()) return reply(s);
  if (!limits.has_lease_duration()) {
    limits.mutable_lease_duration()->set_seconds(absl::ToInt64Seconds(kDefaultLeaseDuration));
  }
  study.record.study = std::move(updated);
  storage::WriteBatch batch;
  batch.push_back(study.PutStudyMutation());
  CommitThenReply(std::move(batch), study.ToProto(), std::move(reply));
}

void Runtime::SetStudyState(const hyperd::v1::SetStudyStateRequest& request, Reply<Study> reply) {
  if (request.state() != Study::ACTIVE && request.state() != Study::PAUSED &&
      request.state() != Study::COMPLETED) {
    return reply(absl::InvalidArgumentError("state: must be ACTIVE, PAUSED or COMPLETED"));
  }
  absl::StatusOr<std::shared_ptr<StudyState>> found = FindStudyByName("name", request.name());
  if (!found.ok()) return reply(found.status());
  StudyState& study = **found;
  absl::MutexLock lock(&study.mu);
  if (study.deleted) return reply(absl::NotFoundError("the study was deleted"));
  if (absl::Status s = CheckWritable(); !s.ok()) return reply(s);
  const char* reason = request.state() == Study::PAUSED      ? "paused by SetStudyState"
                       : request.state() == Study::COMPLETED ? "completed by SetStudyState"
                                                             : "";
  SetStudyStateLocked(study, request.state(), reason);
  storage::WriteBatch batch;
  batch.push_back(study.PutStudyMutation());
  CommitThenReply(std::move(batch), study.ToProto(), std::move(reply));
}

void Runtime::DeleteStudy(const hyperd::v1::DeleteStudyRequest& request,
                          Reply<google::protobuf::Empty> reply) {
  absl::StatusOr<std::string> study_id = ParseStudyName("name", request.name());
  if (!study_id.ok()) return reply(study_id.status());
  if (absl::Status s = CheckWritable(); !s.ok()) return reply(s);
  std::shared_ptr<StudyState> study;
  {
    absl::MutexLock lock(&studies_mu_);
    auto it = studies_.find(*study_id);
    if (it == studies_.end()) {
      return reply(absl::NotFoundError(absl::StrCat("study ", request.name(), " does not exist")));
    }
    study = std::move(it->second);
    studies_.erase(it);
  }
  absl::MutexLock lock(&study->mu);
  study->deleted = true;
  Log(LogLevel::kInfo, "study deleted", {{"study", *study_id}});
  storage::WriteBatch batch;
  batch.push_back(storage::DeleteStudy{*study_id});
  CommitThenReply(std::move(batch), google::protobuf::Empty(), std::move(reply));
}

void Runtime::SetStudyStateLocked(StudyState& study, Study::State state, absl::string_view reason) {
  study.record.study.set_state(state);
  study.record.study.set_state_reason(std::string(reason));
  Log(LogLevel::kInfo, "study state changed",
      {{"study", study.id()},
       {"state", Study::State_Name(state)},
       {"reason", std::string(reason)}});
}

bool Runtime::CompleteIfPastDeadline(StudyState& study, storage::WriteBatch& batch) {
  const Study& s = study.record.study;
  if (s.state() == Study::COMPLETED || !s.limits().has_deadline()) return false;
  if (clock_->Now() < FromProtoTime(s.limits().deadline())) return false;
  SetStudyStateLocked(study, Study::COMPLETED, "deadline passed");
  batch.push_back(study.PutStudyMutation());
  return true;
}

// ---------------------------------------------------------------------------------------------
// Suggestions

void Runtime::SuggestTrials(const hyperd::v1::SuggestTrialsRequest& request,
                            Reply<hyperd::v1::SuggestTrialsResponse> reply) {
  if (request.count() < 0 || request.count() > kMaxSuggestCount) {
    return reply(absl::InvalidArgumentError(absl::StrCat(
        "count: must be between 1 and ", kMaxSuggestCount, " (0 means 1), got ", request.count())));
  }
  if (request.client_id().empty()) {
    return reply(absl::InvalidArgumentError(
        "client_id: is empty; send a stable id of the worker, e.g. \"hostname:pid:random\", so a "
        "restarted worker gets its own trials back"));
  }
  if (absl::Status s = CheckLength("client_id", request.client_id(), kMaxClientIdLength); !s.ok()) {
    return reply(s);
  }
  absl::StatusOr<std::shared_ptr<StudyState>> found = FindStudyByName("parent", request.parent());
  if (!found.ok()) return reply(found.status());
  std::shared_ptr<StudyState> study = *std::move(found);
  for (double x : request.context()) {
    if (!std::isfinite(x)) {
      return reply(absl::InvalidArgumentError("context: values must be finite numbers"));
    }
  }
  if (absl::Status admitted = AdmitSuggest(request.client_id()); !admitted.ok()) {
    return reply(admitted);
  }
  // From here on every reply releases the admission first, so a worker that got its answer may
  // ask again at once.
  reply = [this, client_id = request.client_id(),
           reply = std::move(reply)](absl::StatusOr<hyperd::v1::SuggestTrialsResponse> result) {
    ReleaseSuggest(client_id);
    reply(std::move(result));
  };
  bool start_strand = false;
  {
    absl::MutexLock lock(&study->mu);
    const int dimension = study->record.study.spec().context_dimension();
    if (request.context_size() != dimension) {
      return reply(absl::InvalidArgumentError(
          absl::StrCat("context: has ", request.context_size(),
                       " values but the study declares context_dimension ", dimension,
                       "; send exactly that many")));
    }
    study->suggest_queue.push_back([this, study, request, reply](absl::Status runnable) {
      if (!runnable.ok()) return reply(runnable);
      Suggest(study, request, reply);
    });
    if (!study->suggest_running) start_strand = study->suggest_running = true;
  }
  if (start_strand) RunSuggestStrand(std::move(study));
}

absl::Status Runtime::AdmitSuggest(const std::string& client_id) {
  absl::MutexLock lock(&admission_mu_);
  if (suggests_in_flight_ >= limits_.max_pending_suggests) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the server is busy: ", suggests_in_flight_,
                     " SuggestTrials calls are waiting or running, its limit; retry with backoff"));
  }
  int& mine = suggests_by_client_[client_id];
  if (mine >= limits_.max_concurrent_suggests_per_client) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "client_id: \"", client_id, "\" already has ", mine,
        " SuggestTrials calls waiting or running, the limit per client "
        "(--max-concurrent-suggests-per-client=",
        limits_.max_concurrent_suggests_per_client,
        "); wait for their answers before asking again (ask for several trials with count), or "
        "give each worker its own client_id"));
  }
  ++mine;
  ++suggests_in_flight_;
  return absl::OkStatus();
}

void Runtime::ReleaseSuggest(const std::string& client_id) {
  absl::MutexLock lock(&admission_mu_);
  --suggests_in_flight_;
  auto it = suggests_by_client_.find(client_id);
  if (it != suggests_by_client_.end() && --it->second <= 0) suggests_by_client_.erase(it);
}

int Runtime::SuggestsInFlight(absl::string_view client_id) const {
  absl::MutexLock lock(&admission_mu_);
  auto it = suggests_by_client_.find(std::string(client_id));
  return it == suggests_by_client_.end() ? 0 : it->second;
}

int Runtime::SuggestsInFlight() const {
  absl::MutexLock lock(&admission_mu_);
  return suggests_in_flight_;
}

void Runtime::RunSuggestStrand(std::shared_ptr<StudyState> study) {
  absl::Status submitted = pool_->Submit([this, study] {
    while (true) {
      std::function<void(absl::Status)> job;
      {
        absl::MutexLock lock(&study->mu);
        if (study->suggest_queue.empty()) {
          study->suggest_running = false;
          return;
        }
        job = std::move(study->suggest_queue.front());
        study->suggest_queue.pop_front();
      }
      job(absl::OkStatus());
    }
  });
  if (submitted.ok()) return;
  std::deque<std::function<void(absl::Status)>> jobs;
  {
    absl::MutexLock lock(&study->mu);
    jobs.swap(study->suggest_queue);
    study->suggest_running = false;
  }
  for (auto& job : jobs) job(submitted);
}

void Runtime::RenewLease(StudyState& study, TrialEntry& entry) {
  *entry.header.mutable_lease_expire_time() = ToProtoTime(clock_->Now() + study.lease_duration());
}

struct Runtime::SuggestPlan {
  algorithms::SamplerInput input;
  std::vector<algorithms::TrialObservation> observations;
};

void Runtime::Suggest(const std::shared_ptr<StudyState>& study_ptr,
                      const hyperd::v1::SuggestTrialsRequest& request,
                      Reply<hyperd::v1::SuggestTrialsResponse> reply) {
  using Response = hyperd::v1::SuggestTrialsResponse;
  StudyState& study = *study_ptr;
  const absl::Time started = absl::Now();
  const int count = std::max(request.count(), 1);
  storage::WriteBatch batch;
  Response response;
  std::vector<int64_t> picked;
  std::optional<SuggestPlan> plan;

  const auto activate = [&](TrialEntry& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu) {
    if (entry.header.has_bandit() && entry.header.bandit().probability() == 0) {
      // A trial queued by CreateTrial: the pull's probability is the policy's when it starts.
      entry.header.mutable_bandit()->set_probability(
          study.bandit->CurrentProbability(entry.header.bandit().arm()));
    }
    study.SetTrialState(entry, Trial::ACTIVE);
    entry.header.set_client_id(request.client_id());
    *entry.header.mutable_start_time() = ToProtoTime(clock_->Now());
    if (entry.header.context().empty()) *entry.header.mutable_context() = request.context();
    RenewLease(study, entry);
    batch.push_back(study.PutTrialMutation(entry));
    picked.push_back(entry.header.number());
  };
  // A new trial for a suggested configuration, handed to the caller.
  const auto create =
      [&](const algorithms::Assignment& assignment, const hyperd::v1::BanditPull* pull)
          ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu) {
            TrialEntry entry;
            const int64_t number = static_cast<int64_t>(study.trials.size());
            entry.header.set_name(TrialName(study.id(), number));
            entry.header.set_number(number);
            ToParameters(assignment, entry.header.mutable_parameters());
            *entry.header.mutable_create_time() = ToProtoTime(clock_->Now());
            entry.header.set_max_resource(study.record.study.spec().resource().max_resource());
            entry.header.set_origin(study.sampler_name());
            entry.header.set_bracket(study.scheduler->AssignBracket(number));
            if (pull != nullptr) *entry.header.mutable_bandit() = *pull;
            if (study.schedules != nullptr) {
              *entry.header.mutable_schedule() = study.schedules->ForNewTrial(assignment);
            }
            study.trials.push_back(std::move(entry));
            study.SetTrialState(study.trials.back(), Trial::REQUESTED);
            activate(study.trials.back());
            counters_.trials_created.fetch_add(1, std::memory_order_relaxed);
          };
  absl::Status bandit_error;

  {
    absl::MutexLock lock(&study.mu);
    if (study.deleted) return reply(absl::NotFoundError("the study was deleted"));
    if (absl::Status s = CheckWritable(); !s.ok()) return reply(s);
    CompleteIfPastDeadline(study, batch);
    // 1. The caller's own open trials: a restarted worker resumes its trial.
    for (int64_t number : study.open_trials) {
      if (static_cast<int>(picked.size()) == count) break;
      TrialEntry& entry = study.trials[number];
      if (entry.header.client_id() == request.client_id()) {
        RenewLease(study, entry);
        picked.push_back(number);
      }
    }
    const hyperd::v1::StudyLimits& limits = study.record.study.limits();
    if (static_cast<int>(picked.size()) < count) {
      if (study.record.study.state() != Study::ACTIVE) {
        response.set_reason(Response::STUDY_NOT_ACTIVE);
      } else {
        int room = limits.max_parallel_trials() > 0
                       ? limits.max_parallel_trials() - study.CountOpenTrials()
                       : INT_MAX;
        // 2. Queued trials (CreateTrial), oldest first.
        while (static_cast<int>(picked.size()) < count && room > 0 &&
               !study.requested_trials.empty()) {
          activate(study.trials[*study.requested_trials.begin()]);
          --room;
        }
        // 3. New trials from the sampler, within the limits.
        const int remaining = count - static_cast<int>(picked.size());
        if (room < remaining) response.set_reason(Response::MAX_PARALLEL_REACHED);
        int wanted = std::min(remaining, room);
        if (limits.max_trials() > 0) {
          const int left = limits.max_trials() - static_cast<int>(study.trials.size());
          if (left < wanted) response.set_reason(Response::MAX_TRIALS_REACHED);
          wanted = std::min(wanted, left);
        }
        // The server's cap on trials per study, whatever the study's own max_trials.
        const int64_t cap_left =
            limits_.max_trials_per_study - static_cast<int64_t>(study.trials.size());
        if (wanted > 0 && cap_left < wanted) {
          if (cap_left <= 0 && picked.empty()) {
            // Nothing changed yet (the study is ACTIVE, so the batch is empty): refuse.
            return reply(
                TrialCapReached(study.id(), study.trials.size(), limits_.max_trials_per_study));
          }
          response.set_reason(Response::MAX_TRIALS_REACHED);
          wanted = static_cast<int>(std::max<int64_t>(cap_left, 0));
        }
        if (wanted > 0 && study.is_bandit()) {
          // A bandit decision takes microseconds and reads the policy, which completions change:
          // it runs here, under the lock. Each pull counts as pending before the next decision,
          // so the arms of one batch spread like those of parallel workers.
          for (int i = 0; i < wanted && bandit_error.ok(); ++i) {
            const int64_t number = static_cast<int64_t>(study.trials.size());
            absl::StatusOr<algorithms::BanditDecision> decision =
                study.bandit->Select(request.context(), DecisionSeed(study, number));
            if (!decision.ok()) {
              bandit_error = decision.status();
              break;
            }
            hyperd::v1::BanditPull pull;
            pull.set_arm(decision->arm);
            pull.set_probability(decision->probability);
            create(study.bandit->arm(decision->arm), &pull);
          }
        } else if (wanted > 0) {
          plan.emplace();
          if (study.sampler().ReadsHistory()) plan->observations = study.Observations();
          plan->input.space = &study.space();
          plan->input.goal = study.goal();
          plan->input.seed = study.record.study.spec().seed();
          plan->input.state = study.record.sampler_state;
          plan->input.count = wanted;
          plan->input.context.assign(request.context().begin(), request.context().end());
        }
      }
    }
  }

  // The sampler computes outside the lock: reports and heartbeats are never blocked by it. The
  // suggestion strand guarantees no other suggestion of this study runs meanwhile.
  absl::StatusOr<algorithms::SamplerOutput> output;
  if (plan) {
    plan->input.trials = &plan->observations;
    output = study.sampler().Suggest(plan->input);
  }

  absl::MutexLock lock(&study.mu);
  if (study.deleted) return reply(absl::NotFoundError("the study was deleted"));
  if (plan && !output.ok()) bandit_error = output.status();
  if (!bandit_error.ok()) {
    // Trials the bandit created before the failure stay with the caller: they are in `batch`.
    Log(LogLevel::kError, "sampler failed",
        {{"study", study.id()}, {"error", bandit_error.ToString()}});
    return CommitThenReply<Response>(
        std::move(batch), Response(), [reply, status = bandit_error](absl::StatusOr<Response>) {
          reply(absl::InternalError(absl::StrCat("the sampler failed: ", status.message())));
        });
  }
  if (plan && study.record.study.state() != Study::ACTIVE) {
    response.set_reason(Response::STUDY_NOT_ACTIVE);  // paused or completed while sampling
  } else if (plan) {
    const hyperd::v1::StudyLimits& limits = study.record.study.limits();
    size_t usable = output->suggestions.size();
    if (limits.max_trials() > 0) {
      const int left = limits.max_trials() - static_cast<int>(study.trials.size());
      usable = std::min<size_t>(usable, std::max(left, 0));
      if (usable < output->suggestions.size()) response.set_reason(Response::MAX_TRIALS_REACHED);
    }
    // CreateTrial may have added trials while the sampler ran.
    const int64_t cap_left =
        limits_.max_trials_per_study - static_cast<int64_t>(study.trials.size());
    if (static_cast<int64_t>(usable) > cap_left) {
      usable = static_cast<size_t>(std::max<int64_t>(cap_left, 0));
      response.set_reason(Response::MAX_TRIALS_REACHED);
    }
    for (size_t i = 0; i < usable; ++i) create(output->suggestions[i], nullptr);
    study.record.sampler_state = output->state;
    study.sampler_status = output->status;
    batch.push_back(study.PutSamplerStateMutation());
    if (output->exhausted && static_cast<int>(picked.size()) < count) {
      response.set_reason(Response::SPACE_EXHAUSTED);
    }
  }
  if (static_cast<int>(picked.size()) == count) response.set_reason(Response::REASON_UNSPECIFIED);
  for (int64_t number : picked) *response.add_trials() = study.TrialToProto(study.trials[number]);
  if (suggest_observer_) suggest_observer_(study.sampler_name(), absl::Now() - started);
  CommitThenReply(std::move(batch), std::move(response), std::move(reply));
}

void Runtime::CreateTrial(const hyperd::v1::CreateTrialRequest& request, Reply<Trial> reply) {
  absl::StatusOr<std::shared_ptr<StudyState>> found = FindStudyByName("parent", request.parent());
  if (!found.ok()) return reply(found.status());
  StudyState& study = **found;
  if (absl::Status s = ValidateTrialSizes("trial", request.trial()); !s.ok()) return reply(s);
  absl::StatusOr<algorithms::Assignment> assignment = ToAssignment(request.trial().parameters());
  if (!assignment.ok()) {
    return reply(absl::InvalidArgumentError(absl::StrCat("trial.", assignment.status().message())));
  }
  if (absl::Status s = algorithms::ValidateAssignment(study.space(), *assignment); !s.ok()) {
    return reply(absl::InvalidArgumentError(absl::StrCat("trial.", s.message())));
  }
  absl::MutexLock lock(&study.mu);
  if (study.deleted) return reply(absl::NotFoundError("the study was deleted"));
  if (absl::Status s = CheckWritable(); !s.ok()) return reply(s);
  const int max_trials = study.record.study.limits().max_trials();
  if (max_trials > 0 && static_cast<int>(study.trials.size()) >= max_trials) {
    return reply(absl::ResourceExhaustedError(
        absl::StrCat("study ", study.id(), " already has max_trials=", max_trials,
                     " trials; raise limits.max_trials with UpdateStudy to add more")));
  }
  if (absl::Status s =
          TrialCapReached(study.id(), study.trials.size(), limits_.max_trials_per_study);
      !s.ok()) {
    return reply(s);
  }
  TrialEntry entry;
  if (study.bandit != nullptr) {
    absl::StatusOr<int> arm = study.bandit->ArmOf(*assignment);
    if (!arm.ok()) {
      return reply(absl::InvalidArgumentError(absl::StrCat("trial.", arm.status().message())));
    }
    entry.header.mutable_bandit()->set_arm(*arm);
  }
  const int64_t number = static_cast<int64_t>(study.trials.size());
  entry.header.set_name(TrialName(study.id(), number));
  entry.header.set_number(number);
  ToParameters(*assignment, entry.header.mutable_parameters());
  *entry.header.mutable_create_time() = ToProtoTime(clock_->Now());
  *entry.header.mutable_user_attributes() = request.trial().user_attributes();
  entry.header.set_max_resource(study.record.study.spec().resource().max_resource());
  entry.header.set_origin("user");
  if (study.schedules != nullptr) {
    *entry.header.mutable_schedule() = study.schedules->ForNewTrial(*assignment);
  }
  entry.header.set_bracket(study.scheduler->AssignBracket(number));
  study.trials.push_back(std::move(entry));
  study.SetTrialState(study.trials.back(), Trial::REQUESTED);
  counters_.trials_created.fetch_add(1, std::memory_order_relaxed);
  storage::WriteBatch batch;
  batch.push_back(study.PutTrialMutation(study.trials.back()));
  CommitThenReply(std::move(batch), study.TrialToProto(study.trials.back()), std::move(reply));
}

// ---------------------------------------------------------------------------------------------
// Trials: reads

absl::StatusOr<Trial> Runtime::GetTrial(const hyperd::v1::GetTrialRequest& request) {
  ASSIGN_OR_RETURN(auto found, FindTrial("name", request.name()));
  StudyState& study = *found.first;
  absl::MutexLock lock(&study.mu);
  ASSIGN_OR_RETURN(TrialEntry * entry, LockedTrial(study, found.second));
  return study.TrialToProto(*entry);
}

absl::StatusOr<hyperd::v1::ListTrialsResponse> Runtime::ListTrials(
    const hyperd::v1::ListTrialsRequest& request) {
  ASSIGN_OR_RETURN(std::shared_ptr<StudyState> study, FindStudyByName("parent", request.parent()));
  ASSIGN_OR_RETURN(int page_size, ResolvePageSize("page_size", request.page_size()));
  std::set<int> states;
  for (int state : request.states()) {
    if (!Trial::State_IsValid(state) || state == Trial::STATE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("states: ", state, " is not a trial state"));
    }
    states.insert(state);
  }
  const uint64_t filter_hash = absl::HashOf(std::vector<int>(states.begin(), states.end()));
  int64_t next = 0;
  if (!request.page_token().empty()) {
    ASSIGN_OR_RETURN(std::string last,
                     DecodePageToken("page_token", request.page_token(), filter_hash));
    if (!absl::SimpleAtoi(last, &next)) {
      return absl::InvalidArgumentError("page_token: is not a token returned by this server");
    }
    ++next;
  }
  hyperd::v1::ListTrialsResponse response;
  absl::MutexLock lock(&study->mu);
  for (int64_t i = std::max<int64_t>(next, 0); i < static_cast<int64_t>(study->trials.size());
       ++i) {
    const TrialEntry& entry = study->trials[i];
    if (!states.empty() && states.count(entry.header.state()) == 0) continue;
    if (response.trials_size() == page_size) {
      response.set_next_page_token(EncodePageToken(absl::StrCat(i - 1), filter_hash));
      break;
    }
    *response.add_trials() = study->TrialToProto(entry, !request.skip_measurements());
  }
  return response;
}

absl::StatusOr<hyperd::v1::CheckTrialEarlyStoppingResponse> Runtime::CheckTrialEarlyStopping(
    const hyperd::v1::CheckTrialEarlyStoppingRequest& request) {
  ASSIGN_OR_RETURN(auto found, FindTrial("name", request.name()));
  StudyState& study = *found.first;
  absl::MutexLock lock(&study.mu);
  ASSIGN_OR_RETURN(TrialEntry * entry, LockedTrial(study, found.second));
  const Trial& trial = entry->header;
  hyperd::v1::CheckTrialEarlyStoppingResponse response;
  if (trial.state() == Trial::STOPPING) {
    response.set_should_stop(true);
    response.set_reason(trial.reason());
  } else if (IsFinished(trial.state())) {
    response.set_should_stop(true);
    response.set_reason(absl::StrCat("trial is ", Trial::State_Name(trial.state())));
  }
  return response;
}

absl::StatusOr<hyperd::v1::ListOptimalTrialsResponse> Runtime::ListOptimalTrials(
    const hyperd::v1::ListOptimalTrialsRequest& request) {
  ASSIGN_OR_RETURN(std::shared_ptr<StudyState> study, FindStudyByName("parent", request.parent()));
  absl::MutexLock lock(&study->mu);
  const TrialEntry* best = nullptr;
  for (const TrialEntry& entry : study->trials) {
    if (entry.header.state() != Trial::SUCCEEDED || !entry.header.has_objective_value() ||
        !std::isfinite(entry.header.objective_value())) {
      continue;
    }
    if (best == nullptr ||
        study->IsBetter(entry.header.objective_value(), best->header.objective_value())) {
      best = &entry;
    }
  }
  hyperd::v1::ListOptimalTrialsResponse response;
  if (best != nullptr) *response.add_trials() = study->TrialToProto(*best);
  return response;
}

absl::StatusOr<hyperd::v1::ListArmsResponse> Runtime::ListArms(
    const hyperd::v1::ListArmsRequest& request) {
  ASSIGN_OR_RETURN(std::shared_ptr<StudyState> study, FindStudyByName("parent", request.parent()));
  ASSIGN_OR_RETURN(int page_size, ResolvePageSize("page_size", request.page_size()));
  int64_t next = 0;
  if (!request.page_token().empty()) {
    ASSIGN_OR_RETURN(std::string last, DecodePageToken("page_token", request.page_token(), 0));
    if (!absl::SimpleAtoi(last, &next) || next < 0) {
      return absl::InvalidArgumentError("page_token: is not a token returned by this server");
    }
    ++next;
  }
  absl::MutexLock lock(&study->mu);
  if (study->bandit == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "study ", request.parent(), " uses the ", study->sampler_name(),
        " sampler, which has no arms; ListArms is for bandit studies (ucb1, thompson, exp3, "
        "tsallis_inf, linucb)"));
  }
  const StudyBandit& bandit = *study->bandit;
  const std::vector<algorithms::ArmSummary> summary = bandit.policy().Summary();
  hyperd::v1::ListArmsResponse response;
  response.set_algorithm(std::string(bandit.policy().name()));
  response.set_arm_count(bandit.arm_count());
  response.set_rewards_applied(bandit.policy().rewards_applied());
  for (int64_t i = next; i < bandit.arm_count(); ++i) {
    if (response.arms_size() == page_size) {
      response.set_next_page_token(EncodePageToken(absl::StrCat(i - 1), 0));
      break;
    }
    const algorithms::ArmSummary& arm = summary[i];
    hyperd::v1::ArmStatistics& out = *response.add_arms();
    out.set_arm(static_cast<int32_t>(i));
    ToParameters(bandit.arm(static_cast<int>(i)), out.mutable_parameters());
    out.set_pulls(arm.pulls);
    out.set_pending(bandit.pending()[i]);
    out.set_effective_pulls(arm.effective_pulls);
    out.set_mean_reward(arm.mean_reward);
    out.set_lower_bound(arm.lower_bound);
    out.set_upper_bound(arm.upper_bound);
    out.set_selection_probability(arm.selection_probability);
  }
  return response;
}

// ---------------------------------------------------------------------------------------------
// Trials: reports and lifecycle

void Runtime::ReportMeasurement(const hyperd::v1::ReportMeasurementRequest& request,
                                Reply<hyperd::v1::ReportMeasurementResponse> reply) {
  absl::StatusOr<std::pair<std::shared_ptr<StudyState>, int64_t>> found =
      FindTrial("name", request.name());
  if (!found.ok()) return reply(found.status());
  StudyState& study = *found->first;
  if (absl::Status s =
          ValidateMeasurement("measurement", request.measurement(), study.objective_metric());
      !s.ok()) {
    return reply(s);
  }
  absl::MutexLock lock(&study.mu);
  absl::StatusOr<TrialEntry*> writable =
      WritableTrial(study, found->second, request.client_id(), /*allow_requested=*/false);
  if (!writable.ok()) return reply(writable.status());
  TrialEntry& entry = **writable;

  const int64_t step = request.measurement().step();
  auto& measurements = entry.measurements;
  auto at =
      std::lower_bound(measurements.begin(), measurements.end(), step,
                       [](const hyperd::v1::Measurement& m, int64_t s) { return m.step() < s; });
  hyperd::v1::ReportMeasurementResponse response;
  storage::WriteBatch batch;
  if (at != measurements.end() && at->step() == step) {
    response.set_duplicate(true);
    counters_.measurements_duplicate.fetch_add(1, std::memory_order_relaxed);
  } else if (at != measurements.end()) {
    return reply(absl::InvalidArgumentError(
        absl::StrCat("measurement.step: ", step, " is below the trial's last reported step ",
                     measurements.back().step(),
                     "; steps must not go backwards (a repeat of a reported step is "
                     "acknowledged as a duplicate)")));
  } else if (static_cast<int64_t>(measurements.size()) >= kMaxMeasurementsPerTrial) {
    return reply(absl::ResourceExhaustedError(absl::StrCat(
        "trial ", entry.header.name(), " already stores ", measurements.size(),
        " measurements, the limit per trial (", kMaxMeasurementsPerTrial,
        "); report evaluations less often (e.g. every k steps), or send per-step data with "
        "ReportSteps")));
  } else {
    hyperd::v1::Measurement m = request.measurement();
    *m.mutable_report_time() = ToProtoTime(clock_->Now());
    batch.push_back(study.PutMeasurementMutation(entry, m));
    measurements.push_back(std::move(m));
    counters_.measurements_stored.fetch_add(1, std::memory_order_relaxed);
    if (entry.header.state() == Trial::ACTIVE) {
      const algorithms::SchedulerDecision decision =
          study.scheduler->OnMeasurement(entry.header.number(), entry.header.bracket(), step,
                                         SchedulerValue(study, measurements.back()));
      response.set_next_check_step(decision.next_check_step);
      counters_.scheduler_decisions.Count(study.scheduler->name(), decision.stop);
      const double objective = *ObjectiveOf(measurements.back(), study.objective_metric());
      std::string stop_reason = !std::isfinite(objective)
                                    ? absl::StrCat("non-finite objective at step ", step)
                                    : (decision.stop ? decision.reason : "");
      if (!stop_reason.empty()) {
        study.SetTrialState(entry, Trial::STOPPING);
        entry.header.set_reason(std::move(stop_reason));
        entry.header.set_stopped_at_step(step);
        batch.push_back(study.PutTrialMutation(entry));
        counters_.scheduler_stops.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }
  RenewLease(study, entry);
  response.set_should_stop(entry.header.state() == Trial::STOPPING);
  if (response.should_stop()) response.set_stop_reason(entry.header.reason());
  if (study.schedules != nullptr && study.schedules->has_online_rule()) {
    *response.mutable_schedule() = entry.header.schedule();
  }
  *response.mutable_lease_expire_time() = entry.header.lease_expire_time();
  CommitThenReply(std::move(batch), std::move(response), std::move(reply));
}

void Runtime::ReportSteps(const hyperd::v1::ReportStepsRequest& request,
                          Reply<hyperd::v1::ReportStepsResponse> reply) {
  absl::StatusOr<std::pair<std::shared_ptr<StudyState>, int64_t>> found =
      FindTrial("name", request.name());
  if (!found.ok()) return reply(found.status());
  if (absl::Status s = ValidateStepReports(request); !s.ok()) return reply(s);
  StudyState& study = *found->first;
  absl::MutexLock lock(&study.mu);
  absl::StatusOr<TrialEntry*> writable =
      WritableTrial(study, found->second, request.client_id(), /*allow_requested=*/false);
  if (!writable.ok()) return reply(writable.status());
  if (study.schedules == nullptr) {
    return reply(absl::FailedPreconditionError(absl::StrCat(
        "study ", study.id(),
        " has no spec.schedule; ReportSteps records per-step data for learning-rate schedule "
        "tuning (create the study with a schedule, or report evaluations with "
        "ReportMeasurement)")));
  }
  TrialEntry& entry = **writable;
  if (static_cast<int64_t>(entry.steps.size()) + request.steps_size() > kMaxStepsPerTrial) {
    return reply(absl::ResourceExhaustedError(
        absl::StrCat("trial ", entry.header.name(), " already stores ", entry.steps.size(),
                     " step reports; a trial may store at most ", kMaxStepsPerTrial,
                     ": report every k-th step (refinement resamples the norms anyway)")));
  }
  hyperd::v1::ReportStepsResponse response;
  std::vector<hyperd::v1::StepReport> new_steps;
  const size_t first_new = entry.steps.size();
  for (const hyperd::v1::StepReport& step : request.steps()) {
    // A retried batch: steps already stored are acknowledged, the first values kept.
    if (!entry.steps.empty() && step.step() <= entry.steps.back().step) {
      response.set_duplicates(response.duplicates() + 1);
      continue;
    }
    entry.steps.push_back(ToStepSample(step));
    new_steps.push_back(step);
  }
  response.set_accepted(static_cast<int32_t>(new_steps.size()));
  storage::WriteBatch batch;
  if (!new_steps.empty()) batch.push_back(study.PutStepsMutation(entry, std::move(new_steps)));
  const StudySchedules::OnlineUpdate update = study.schedules->OnSteps(
      entry.header.number(), entry.steps, first_new, *entry.header.mutable_schedule());
  if (update.schedule_changed) batch.push_back(study.PutTrialMutation(entry));
  if (update.next_learning_rate.has_value()) {
    response.set_next_learning_rate(*update.next_learning_rate);
  }
  RenewLease(study, entry);
  response.set_should_stop(entry.header.state() == Trial::STOPPING);
  *response.mutable_lease_expire_time() = entry.header.lease_expire_time();
  *response.mutable_schedule() = entry.header.schedule();
  CommitThenReply(std::move(batch), std::move(response), std::move(reply));
}

void Runtime::Heartbeat(const hyperd::v1::HeartbeatRequest& request,
                        Reply<hyperd::v1::HeartbeatResponse> reply) {
  absl::StatusOr<std::pair<std::shared_ptr<StudyState>, int64_t>> found =
      FindTrial("name", request.name());
  if (!found.ok()) return reply(found.status());
  StudyState& study = *found->first;
  absl::MutexLock lock(&study.mu);
  absl::StatusOr<TrialEntry*> writable =
      WritableTrial(study, found->second, request.client_id(), /*allow_requested=*/false);
  if (!writable.ok()) return reply(writable.status());
  TrialEntry& entry = **writable;
  RenewLease(study, entry);
  hyperd::v1::HeartbeatResponse response;
  *response.mutable_lease_expire_time() = entry.header.lease_expire_time();
  response.set_should_stop(entry.header.state() == Trial::STOPPING);
  CommitThenReply(storage::WriteBatch(), std::move(response), std::move(reply));
}

void Runtime::MutateTrial(
    absl::string_view field, absl::string_view name, absl::string_view client_id,
    bool allow_requested,
    const std::function<absl::Status(StudyState&, TrialEntry&, storage::WriteBatch&)>& mutate,
    Reply<Trial> reply) {
  absl::StatusOr<std::pair<std::shared_ptr<StudyState>, int64_t>> found = FindTrial(field, name);
  if (!found.ok()) return reply(found.status());
  StudyState& study = *found->first;
  absl::MutexLock lock(&study.mu);
  absl::StatusOr<TrialEntry*> writable =
      WritableTrial(study, found->second, client_id, allow_requested);
  if (!writable.ok()) return reply(writable.status());
  TrialEntry& entry = **writable;
  storage::WriteBatch batch;
  if (absl::Status s = mutate(study, entry, batch); !s.ok()) return reply(s);
  CommitThenReply(std::move(batch), study.TrialToProto(entry), std::move(reply));
}

void Runtime::CompleteTrial(const hyperd::v1::CompleteTrialRequest& request, Reply<Trial> reply) {
  if (absl::Status s =
          CheckLength("infeasible_reason", request.infeasible_reason(), kMaxReasonLength);
      !s.ok()) {
    return reply(s);
  }
  MutateTrial(
      "name", request.name(), request.client_id(), /*allow_requested=*/true,
      [&](StudyState& study, TrialEntry& entry, storage::WriteBatch& batch)
          ABSL_NO_THREAD_SAFETY_ANALYSIS -> absl::Status {
            if (request.infeasible()) {
              FinishTrial(
                  study, entry, Trial::INFEASIBLE, std::nullopt,
                  request.infeasible_reason().empty() ? "infeasible" : request.infeasible_reason(),
                  batch);
              return absl::OkStatus();
            }
            hyperd::v1::Measurement final;
            if (request.has_final_measurement()) {
              RETURN_IF_ERROR(ValidateMeasurement("final_measurement", request.final_measurement(),
                                                  study.objective_metric()));
              final = request.final_measurement();
              *final.mutable_report_time() = ToProtoTime(clock_->Now());
            } else if (!entry.measurements.empty()) {
              final = entry.measurements.back();
            } else {
              return absl::InvalidArgumentError(
                  "final_measurement: is missing and the trial has no measurements; send the final "
                  "objective value, or mark the trial infeasible");
            }
            const double value = *ObjectiveOf(final, study.objective_metric());
            *entry.header.mutable_final_measurement() = std::move(final);
            if (!std::isfinite(value)) {
              FinishTrial(study, entry, Trial::FAILED, value, "non-finite objective", batch);
            } else if (entry.header.state() == Trial::STOPPING) {
              FinishTrial(study, entry, Trial::PRUNED, value, entry.header.reason(), batch);
            } else {
              FinishTrial(study, entry, Trial::SUCCEEDED, value, "", batch);
            }
            return absl::OkStatus();
          },
      std::move(reply));
}

void Runtime::FailTrial(const hyperd::v1::FailTrialRequest& request, Reply<Trial> reply) {
  if (absl::Status s = CheckLength("reason", request.reason(), kMaxReasonLength); !s.ok()) {
    return reply(s);
  }
  MutateTrial(
      "name", request.name(), request.client_id(), /*allow_requested=*/true,
      [&](StudyState& study, TrialEntry& entry,
          storage::WriteBatch& batch) ABSL_NO_THREAD_SAFETY_ANALYSIS -> absl::Status {
        FinishTrial(study, entry, Trial::FAILED, std::nullopt,
                    request.reason().empty() ? "failed by the worker" : request.reason(), batch);
        return absl::OkStatus();
      },
      std::move(reply));
}

void Runtime::StopTrial(const hyperd::v1::StopTrialRequest& request, Reply<Trial> reply) {
  if (absl::Status s = CheckLength("reason", request.reason(), kMaxReasonLength); !s.ok()) {
    return reply(s);
  }
  MutateTrial(
      "name", request.name(), /*client_id=*/"", /*allow_requested=*/false,
      [&](StudyState& study, TrialEntry& entry, storage::WriteBatch& batch) -> absl::Status {
        if (entry.header.state() == Trial::STOPPING) return absl::OkStatus();
        study.SetTrialState(entry, Trial::STOPPING);
        entry.header.set_reason(request.reason().empty() ? "stopped by StopTrial"
                                                         : request.reason());
        if (!entry.measurements.empty()) {
          entry.header.set_stopped_at_step(entry.measurements.back().step());
        }
        batch.push_back(study.PutTrialMutation(entry));
        return absl::OkStatus();
      },
      std::move(reply));
}

void Runtime::FinishTrial(StudyState& study, TrialEntry& entry, Trial::State state,
                          std::optional<double> value, absl::string_view reason,
                          storage::WriteBatch& batch) {
  Trial& trial = entry.header;
  const bool was_pull = IsOpen(trial.state());  // a queued trial that fails was never pulled
  study.SetTrialState(entry, state);
  if (value.has_value()) {
    trial.set_objective_value(*value);
  } else {
    trial.clear_objective_value();
  }
  if (study.bandit != nullptr && trial.has_bandit() && was_pull) {
    // Exactly once per trial: a finished trial never finishes again.
    if (std::optional<double> reward = study.bandit->RewardOf(state, value, study.goal())) {
      absl::Status applied = study.bandit->Apply(
          *reward, trial.context(), DecisionSeed(study, trial.number()), *trial.mutable_bandit());
      if (!applied.ok()) {
        Log(LogLevel::kError, "bandit reward not applied",
            {{"study", study.id()},
             {"trial", absl::StrCat(trial.number())},
             {"error", applied.ToString()}});
      }
    }
  }
  trial.set_reason(std::string(reason));
  *trial.mutable_end_time() = ToProtoTime(clock_->Now());
  trial.clear_lease_expire_time();
  batch.push_back(study.PutTrialMutation(entry));
  if (std::optional<algorithms::TrialEnd> end = TrialEndOf(state)) {
    study.scheduler->OnTrialEnd(trial.number(), *end);
  }
  if (study.schedules != nullptr) {
    study.schedules->Forget(trial.number());
    if (state == Trial::SUCCEEDED && value.has_value()) {
      study.schedules->OfferRefinementSource(trial.number(), study.ToMinimization(*value),
                                             entry.steps, trial.schedule());
    }
  }

  Study& s = study.record.study;
  if (s.state() == Study::COMPLETED) return;
  const hyperd::v1::StudyLimits& limits = s.limits();
  if (state == Trial::SUCCEEDED && limits.has_target_value() && value.has_value() &&
      !study.IsBetter(limits.target_value(), *value)) {
    SetStudyStateLocked(study, Study::COMPLETED,
                        absl::StrCat("target_value reached by trial ", trial.number()));
    batch.push_back(study.PutStudyMutation());
  } else if (limits.max_trials() > 0 && study.CountFinishedTrials() >= limits.max_trials()) {
    SetStudyStateLocked(study, Study::COMPLETED,
                        absl::StrCat("max_trials (", limits.max_trials(), ") trials finished"));
    batch.push_back(study.PutStudyMutation());
  }
}

// ---------------------------------------------------------------------------------------------
// Leases

int Runtime::ReapExpiredLeases() {
  std::vector<std::shared_ptr<StudyState>> studies;
  {
    absl::MutexLock lock(&studies_mu_);
    for (const auto& [id, study] : studies_) studies.push_back(study);
  }
  if (storage_failed_.load()) return 0;
  int reclaimed = 0;
  const absl::Time now = clock_->Now();
  for (const auto& study : studies) {
    absl::MutexLock lock(&study->mu);
    if (study->deleted) continue;
    storage::WriteBatch batch;
    CompleteIfPastDeadline(*study, batch);
    // A copy: finishing a trial removes it from open_trials.
    const std::vector<int64_t> open(study->open_trials.begin(), study->open_trials.end());
    for (int64_t number : open) {
      TrialEntry& entry = study->trials[number];
      if (FromProtoTime(entry.header.lease_expire_time()) > now) continue;
      Log(LogLevel::kWarning, "lease expired",
          {{"study", study->id()},
           {"trial", absl::StrCat(entry.header.number())},
           {"client", entry.header.client_id()}});
      if (entry.header.state() == Trial::STOPPING && !entry.measurements.empty()) {
        FinishTrial(*study, entry, Trial::PRUNED,
                    ObjectiveOf(entry.measurements.back(), study->objective_metric()),
                    "lease expired while stopping", batch);
      } else {
        FinishTrial(*study, entry, Trial::FAILED, std::nullopt, "lease expired", batch);
      }
      ++reclaimed;
    }
    if (batch.empty()) continue;
    store_->Commit(std::move(batch), [this](absl::Status status) {
      if (status.ok()) return;
      storage_failed_.store(true);
      Log(LogLevel::kError, "storage commit failed in the lease reaper",
          {{"error", status.ToString()}});
    });
  }
  counters_.leases_reclaimed.fetch_add(reclaimed, std::memory_order_relaxed);
  return reclaimed;
}

// ---------------------------------------------------------------------------------------------
// Metrics

std::map<std::string, int64_t> Runtime::CountStudiesByState() {
  std::map<std::string, int64_t> counts;
  for (int s : {Study::ACTIVE, Study::PAUSED, Study::COMPLETED}) {
    counts[absl::AsciiStrToLower(Study::State_Name(static_cast<Study::State>(s)))] = 0;
  }
  absl::MutexLock lock(&studies_mu_);
  for (const auto& [id, study] : studies_) {
    absl::MutexLock study_lock(&study->mu);
    ++counts[absl::AsciiStrToLower(Study::State_Name(study->record.study.state()))];
  }
  return counts;
}

std::map<std::string, int64_t> Runtime::CountTrialsByState() {
  std::map<std::string, int64_t> counts;
  for (int s = Trial::REQUESTED; s <= Trial::INFEASIBLE; ++s) {
    counts[absl::AsciiStrToLower(Trial::State_Name(static_cast<Trial::State>(s)))] = 0;
  }
  std::vector<std::shared_ptr<StudyState>> studies;
  {
    absl::MutexLock lock(&studies_mu_);
    for (const auto& [id, study] : studies_) studies.push_back(study);
  }
  for (const auto& study : studies) {
    absl::MutexLock lock(&study->mu);
    for (const TrialEntry& entry : study->trials) {
      ++counts[absl::AsciiStrToLower(Trial::State_Name(entry.header.state()))];
    }
  }
  return counts;
}

}  // namespace hyperd::server
