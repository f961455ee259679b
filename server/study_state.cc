#include "server/study_state.h"

#include <atomic>
#include <cmath>
#include <utility>

#include "algorithms/registry.h"
#include "common/status_macros.h"
#include "server/spec_conversion.h"
#include "server/time_conversion.h"

namespace hyperd::server {

using hyperd::v1::Trial;

bool IsOpen(Trial::State state) { return state == Trial::ACTIVE || state == Trial::STOPPING; }

bool IsFinished(Trial::State state) {
  return state == Trial::SUCCEEDED || state == Trial::PRUNED || state == Trial::FAILED ||
         state == Trial::INFEASIBLE;
}

absl::StatusOr<std::unique_ptr<StudyState>> StudyState::Create(storage::StudyRecord record) {
  std::unique_ptr<StudyState> state(new StudyState());
  const hyperd::v1::StudySpec& spec = record.study.spec();
  state->id_ = record.study_id;
  ASSIGN_OR_RETURN(state->space_, ToSearchSpace(spec.search_space()));
  std::unique_ptr<StudyBandit> bandit;
  if (IsBanditSampler(spec.sampler())) {
    ASSIGN_OR_RETURN(bandit, StudyBandit::Create(spec, state->space_));
  } else {
    ASSIGN_OR_RETURN(state->sampler_,
                     algorithms::MakeSampler(ToSamplerConfig(spec), state->space_));
  }
  state->sampler_name_ = SamplerName(spec.sampler());
  state->objective_metric_ = spec.objective().metric();
  state->goal_ = ToGoal(spec.objective().goal());
  ASSIGN_OR_RETURN(std::unique_ptr<algorithms::Scheduler> scheduler,
                   algorithms::MakeScheduler(ToSchedulerConfig(spec)));
  std::unique_ptr<StudySchedules> schedules;
  if (spec.has_schedule()) {
    ASSIGN_OR_RETURN(schedules, StudySchedules::Create(spec, state->space_));
  }
  absl::MutexLock lock(&state->mu);
  state->record = std::move(record);
  state->scheduler = std::move(scheduler);
  state->bandit = std::move(bandit);
  state->schedules = std::move(schedules);
  state->MarkChanged();
  return state;
}

namespace {

std::set<int64_t>* IndexOf(StudyState& study, Trial::State state)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu) {
  if (IsOpen(state)) return &study.open_trials;
  if (state == Trial::REQUESTED) return &study.requested_trials;
  return nullptr;
}

}  // namespace

void StudyState::SetTrialState(TrialEntry& entry, Trial::State state) {
  const Trial::State old_state = entry.header.state();
  const int64_t number = entry.header.number();
  if (std::set<int64_t>* from = IndexOf(*this, old_state)) from->erase(number);
  if (std::set<int64_t>* to = IndexOf(*this, state)) to->insert(number);
  if (bandit != nullptr && entry.header.has_bandit() && IsOpen(old_state) != IsOpen(state)) {
    if (IsOpen(state)) {
      bandit->OnOpened(entry.header.bandit().arm());
    } else {
      bandit->OnClosed(entry.header.bandit().arm());
    }
  }
  entry.header.set_state(state);
}

void StudyState::RebuildTrialIndex() {
  open_trials.clear();
  requested_trials.clear();
  for (TrialEntry& entry : trials) {
    const Trial::State state = entry.header.state();
    entry.header.set_state(Trial::STATE_UNSPECIFIED);
    SetTrialState(entry, state);
  }
}

absl::Duration StudyState::lease_duration() const {
  return FromProtoDuration(record.study.limits().lease_duration());
}

hyperd::v1::TrialCounts StudyState::CountTrials() const {
  hyperd::v1::TrialCounts counts;
  for (const TrialEntry& t : trials) {
    switch (t.header.state()) {
      case Trial::REQUESTED:
        counts.set_requested(counts.requested() + 1);
        break;
      case Trial::ACTIVE:
        counts.set_active(counts.active() + 1);
        break;
      case Trial::STOPPING:
        counts.set_stopping(counts.stopping() + 1);
        break;
      case Trial::SUCCEEDED:
        counts.set_succeeded(counts.succeeded() + 1);
        break;
      case Trial::PRUNED:
        counts.set_pruned(counts.pruned() + 1);
        break;
      case Trial::FAILED:
        counts.set_failed(counts.failed() + 1);
        break;
      case Trial::INFEASIBLE:
        counts.set_infeasible(counts.infeasible() + 1);
        break;
      default:
        break;
    }
  }
  return counts;
}

int StudyState::CountOpenTrials() const { return static_cast<int>(open_trials.size()); }

int StudyState::CountFinishedTrials() const {
  return static_cast<int>(trials.size() - open_trials.size() - requested_trials.size());
}

hyperd::v1::Study StudyState::ToProto() const {
  hyperd::v1::Study study = record.study;
  *study.mutable_trial_counts() = CountTrials();
  // A bandit's line changes with every reward: it is made when asked for, not on each reward.
  study.set_sampler_status(bandit != nullptr ? bandit->StatusLine() : sampler_status);
  for (const algorithms::RungSummary& rung : scheduler->Summary()) {
    hyperd::v1::RungStatus* status = study.add_rungs();
    status->set_bracket(rung.bracket);
    status->set_rung(rung.rung);
    status->set_step(rung.step);
    status->set_trials_recorded(rung.recorded);
    status->set_trials_stopped(rung.stopped);
  }
  return study;
}

Trial StudyState::TrialToProto(const TrialEntry& entry, bool with_measurements) const {
  Trial trial = entry.header;
  if (with_measurements) {
    trial.mutable_measurements()->Reserve(static_cast<int>(entry.measurements.size()));
    for (const auto& m : entry.measurements) *trial.add_measurements() = m;
  }
  return trial;
}

std::vector<algorithms::TrialObservation> StudyState::Observations() const {
  const bool with_measurements = sampler().ReadsMeasurements();
  std::vector<algorithms::TrialObservation> observations;
  observations.reserve(trials.size());
  for (const TrialEntry& t : trials) {
    algorithms::TrialObservation o;
    o.number = t.header.number();
    // Parameters were validated when the trial was created.
    o.parameters = ToAssignment(t.header.parameters()).value_or(algorithms::Assignment{});
    using Outcome = algorithms::TrialObservation::Outcome;
    switch (t.header.state()) {
      case Trial::SUCCEEDED:
        o.outcome = Outcome::kSucceeded;
        break;
      case Trial::PRUNED:
        o.outcome = Outcome::kPruned;
        break;
      case Trial::FAILED:
        o.outcome = Outcome::kFailed;
        break;
      case Trial::INFEASIBLE:
        o.outcome = Outcome::kInfeasible;
        break;
      default:
        o.outcome = Outcome::kPending;
        break;
    }
    if (t.header.has_objective_value()) o.objective = t.header.objective_value();
    o.context.assign(t.header.context().begin(), t.header.context().end());
    if (with_measurements) {
      o.measurements.reserve(t.measurements.size());
      for (const hyperd::v1::Measurement& m : t.measurements) {
        const auto value = m.metrics().find(objective_metric_);
        if (value != m.metrics().end()) o.measurements.emplace_back(m.step(), value->second);
      }
    }
    observations.push_back(std::move(o));
  }
  return observations;
}

bool StudyState::IsBetter(double a, double b) const {
  if (!std::isfinite(a)) return false;
  if (!std::isfinite(b)) return true;
  return goal_ == algorithms::Goal::kMinimize ? a < b : a > b;
}

void StudyState::MarkChanged() {
  // Process-wide, so generations never repeat across studies (nor a study deleted and created
  // again under the same id).
  static std::atomic<uint64_t> last_generation{0};
  generation_ = last_generation.fetch_add(1, std::memory_order_relaxed) + 1;
}

storage::PutTrial StudyState::PutTrialMutation(const TrialEntry& entry) {
  MarkChanged();
  return storage::PutTrial{storage::TrialRecord{id_, entry.header}};
}

storage::PutStudy StudyState::PutStudyMutation() {
  MarkChanged();
  return storage::PutStudy{record};
}

storage::PutMeasurement StudyState::PutMeasurementMutation(
    const TrialEntry& entry, const hyperd::v1::Measurement& measurement) {
  MarkChanged();
  return storage::PutMeasurement{storage::MeasurementRecord{id_, entry.header.number(), measurement}};
}

storage::PutSamplerState StudyState::PutSamplerStateMutation() {
  MarkChanged();
  return storage::PutSamplerState{id_, record.sampler_state};
}

storage::PutSteps StudyState::PutStepsMutation(const TrialEntry& entry,
                                                std::vector<hyperd::v1::StepReport> steps) {
  MarkChanged();
  return storage::PutSteps{id_, entry.header.number(), std::move(steps)};
}

}  // namespace hyperd::server
