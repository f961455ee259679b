#include "server/dashboard/study_snapshot.h"

#include <utility>

#include "common/status_macros.h"
#include "server/dashboard/revision.h"
#include "server/request_validation.h"
#include "server/spec_conversion.h"
#include "server/time_conversion.h"

namespace hyperd::server::dashboard {
namespace {

using hyperd::v1::Trial;

// Above this many trials to fetch, reading every page with measurements is cheaper than one
// GetTrial each.
constexpr size_t kMaxSingleFetches = 200;

bool IsFinished(Trial::State state) { return state >= Trial::SUCCEEDED; }

int64_t Nanos(const google::protobuf::Timestamp& time) {
  return absl::ToUnixNanos(FromProtoTime(time));
}

absl::StatusOr<std::vector<Trial>> ListAllTrials(Runtime& runtime, const std::string& parent,
                                                 bool with_measurements) {
  std::vector<Trial> trials;
  hyperd::v1::ListTrialsRequest request;
  request.set_parent(parent);
  request.set_page_size(kMaxPageSize);
  request.set_skip_measurements(!with_measurements);
  while (true) {
    ASSIGN_OR_RETURN(hyperd::v1::ListTrialsResponse page, runtime.ListTrials(request));
    for (Trial& trial : *page.mutable_trials()) trials.push_back(std::move(trial));
    if (page.next_page_token().empty()) return trials;
    request.set_page_token(page.next_page_token());
  }
}

absl::StatusOr<hyperd::v1::ListArmsResponse> ReadArms(Runtime& runtime, const std::string& parent) {
  hyperd::v1::ListArmsRequest request;
  request.set_parent(parent);
  request.set_page_size(kMaxPageSize);
  hyperd::v1::ListArmsResponse all;
  while (true) {
    ASSIGN_OR_RETURN(hyperd::v1::ListArmsResponse page, runtime.ListArms(request));
    all.set_algorithm(page.algorithm());
    all.set_arm_count(page.arm_count());
    all.set_rewards_applied(page.rewards_applied());
    for (hyperd::v1::ArmStatistics& arm : *page.mutable_arms()) {
      *all.add_arms() = std::move(arm);
    }
    if (page.next_page_token().empty()) return all;
    request.set_page_token(page.next_page_token());
  }
}

}  // namespace

Curve CurveOf(const Trial& trial, const std::string& metric) {
  Curve curve;
  curve.steps.reserve(trial.measurements_size());
  curve.values.reserve(trial.measurements_size());
  for (const hyperd::v1::Measurement& m : trial.measurements()) {
    const auto it = m.metrics().find(metric);
    if (it == m.metrics().end()) continue;
    curve.steps.push_back(m.step());
    curve.values.push_back(it->second);
  }
  // A final measurement past the last report ends the curve (one at a reported step repeats it).
  if (trial.has_final_measurement() &&
      (curve.steps.empty() || trial.final_measurement().step() > curve.steps.back())) {
    const auto it = trial.final_measurement().metrics().find(metric);
    if (it != trial.final_measurement().metrics().end()) {
      curve.steps.push_back(trial.final_measurement().step());
      curve.values.push_back(it->second);
    }
  }
  return curve;
}

absl::StatusOr<std::optional<Trial>> ReadBestTrial(Runtime& runtime, absl::string_view study_id) {
  hyperd::v1::ListOptimalTrialsRequest request;
  request.set_parent(StudyName(study_id));
  ASSIGN_OR_RETURN(hyperd::v1::ListOptimalTrialsResponse optimal,
                   runtime.ListOptimalTrials(request));
  if (optimal.trials_size() == 0) return std::optional<Trial>();
  return std::optional<Trial>(std::move(*optimal.mutable_trials(0)));
}

absl::StatusOr<StudySnapshot> StudyReader::Read(Runtime& runtime, absl::string_view study_id) {
  StudySnapshot snapshot;
  snapshot.study_id = std::string(study_id);
  const std::string parent = StudyName(study_id);
  hyperd::v1::GetStudyRequest get;
  get.set_name(parent);
  ASSIGN_OR_RETURN(snapshot.study, runtime.GetStudy(get));
  const std::string& metric = snapshot.study.spec().objective().metric();
  ASSIGN_OR_RETURN(snapshot.trials, ListAllTrials(runtime, parent, /*with_measurements=*/false));

  std::shared_ptr<const StudyCurves> known;
  {
    absl::MutexLock lock(&mu_);
    const auto it = studies_.find(snapshot.study_id);
    if (it != studies_.end()) known = it->second;
  }
  // Reuse the curves of trials that were finished at the last read and still are the same trial.
  snapshot.curves.resize(snapshot.trials.size());
  std::vector<size_t> missing;
  for (size_t i = 0; i < snapshot.trials.size(); ++i) {
    const Trial& trial = snapshot.trials[i];
    if (known != nullptr && IsFinished(trial.state())) {
      const auto it = known->find(trial.number());
      if (it != known->end() && it->second.state == trial.state() &&
          it->second.create_nanos == Nanos(trial.create_time()) &&
          it->second.end_nanos == Nanos(trial.end_time())) {
        snapshot.curves[i] = it->second.curve;
        continue;
      }
    }
    missing.push_back(i);
  }
  if (missing.size() > kMaxSingleFetches) {
    ASSIGN_OR_RETURN(std::vector<Trial> full,
                     ListAllTrials(runtime, parent, /*with_measurements=*/true));
    // Trials created since the header read are left for the next poll.
    snapshot.trials.resize(std::min(snapshot.trials.size(), full.size()));
    snapshot.curves.resize(snapshot.trials.size());
    for (size_t i = 0; i < snapshot.trials.size(); ++i) {
      if (snapshot.curves[i] != nullptr) continue;
      snapshot.curves[i] = std::make_shared<const Curve>(CurveOf(full[i], metric));
      full[i].clear_measurements();
      snapshot.trials[i] = std::move(full[i]);  // header and curve from the same read
    }
  } else {
    for (const size_t i : missing) {
      hyperd::v1::GetTrialRequest get_trial;
      get_trial.set_name(snapshot.trials[i].name());
      ASSIGN_OR_RETURN(Trial trial, runtime.GetTrial(get_trial));
      snapshot.curves[i] = std::make_shared<const Curve>(CurveOf(trial, metric));
      trial.clear_measurements();
      snapshot.trials[i] = std::move(trial);
    }
  }

  auto curves = std::make_shared<StudyCurves>();
  for (size_t i = 0; i < snapshot.trials.size(); ++i) {
    const Trial& trial = snapshot.trials[i];
    if (!IsFinished(trial.state())) continue;
    (*curves)[trial.number()] = FinishedCurve{trial.state(), Nanos(trial.create_time()),
                                              Nanos(trial.end_time()), snapshot.curves[i]};
  }
  {
    absl::MutexLock lock(&mu_);
    if (studies_.size() >= kMaxStudies && studies_.count(snapshot.study_id) == 0) studies_.clear();
    studies_[snapshot.study_id] = std::move(curves);
  }

  ASSIGN_OR_RETURN(snapshot.best, ReadBestTrial(runtime, study_id));
  if (IsBanditSampler(snapshot.study.spec().sampler())) {
    ASSIGN_OR_RETURN(snapshot.arms, ReadArms(runtime, parent));
  }
  snapshot.revision = StudyRevision(snapshot.study, snapshot.trials, snapshot.curves);
  return snapshot;
}

}  // namespace hyperd::server::dashboard
