// Learning-rate schedule tuning for one study (specs/lr-schedules.md): which schedule each new
// trial gets (the spec's schedule with the trial's schedule parameters applied, or the shape
// refined from the gradient norms of the best finished trial), and the online rules that change a
// running trial's schedule from its step reports (hypergradient descent; re-refinement).
//
// Owned by StudyState and guarded by its mutex. Everything here is derived from what is stored
// (the spec, the trials' schedules and their step reports), so a restart rebuilds it exactly.
#ifndef HYPERD_SERVER_STUDY_SCHEDULES_H_
#define HYPERD_SERVER_STUDY_SCHEDULES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "algorithms/schedules/families/schedule.h"
#include "algorithms/space/search_space.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::server {

// What the runtime keeps in memory of one step report.
struct StepSample {
  int64_t step = 0;
  double lr_applied = 0;
  std::optional<double> grad_norm_l2;
  std::optional<double> grad_norm_l1;
  std::optional<double> hd_dot;
};

StepSample ToStepSample(const hyperd::v1::StepReport& report);

// Fills the defaults of spec.schedule in place (family LINEAR, total_steps = max_resource,
// refinement and online settings), so the stored spec says what applies.
void NormalizeScheduleSpec(hyperd::v1::StudySpec& spec);

// INVALID_ARGUMENT naming the field ("steps[3].grad_norm_l2: ...") for a batch that is not a
// valid ReportSteps batch: at most kMaxStepsPerReport steps, steps >= 0 and strictly increasing,
// lr_applied finite and >= 0, norms >= 0 (NaN and Inf are accepted: they are data).
absl::Status ValidateStepReports(const hyperd::v1::ReportStepsRequest& request);
inline constexpr int kMaxStepsPerReport = 10'000;
// Step reports a trial may store; refinement resamples onto at most 10,000 points anyway.
inline constexpr int64_t kMaxStepsPerTrial = 1'000'000;

class StudySchedules {
 public:
  // From a normalised spec with a schedule and its validated space. INVALID_ARGUMENT with a path
  // relative to the spec ("schedule.parameter_fields['lr']: ...").
  static absl::StatusOr<std::unique_ptr<StudySchedules>> Create(
      const hyperd::v1::StudySpec& spec, const algorithms::SearchSpace& space);

  // The schedule of a new trial with these parameters: the refined shape once a finished trial
  // has reported gradient norms (refinement enabled), else the spec's schedule; then the trial's
  // schedule parameters (base_lr, family, warm-up, ...) applied.
  hyperd::v1::Schedule ForNewTrial(const algorithms::Assignment& parameters) const;

  // A trial SUCCEEDED with `minimization_value` (lower is better) after reporting `steps` under
  // `schedule`: the refinement source if it is the best such trial so far (ties: lower number).
  void OfferRefinementSource(int64_t number, double minimization_value,
                             const std::vector<StepSample>& steps,
                             const hyperd::v1::Schedule& schedule);

  bool has_online_rule() const;

  struct OnlineUpdate {
    bool schedule_changed = false;
    std::optional<double> next_learning_rate;  // hypergradient rule
  };
  // Applies the online rule to trial `number`'s reports steps[first_new...] (all its reports so
  // far are `steps`), changing `schedule` in place when the rule says so. `restoring` (at load,
  // with first_new 0) only rebuilds in-memory state: the stored schedule is already the result.
  OnlineUpdate OnSteps(int64_t number, const std::vector<StepSample>& steps, size_t first_new,
                       hyperd::v1::Schedule& schedule, bool restoring = false);
  // The trial finished: its online state is no longer needed.
  void Forget(int64_t number) { online_.erase(number); }

 private:
  StudySchedules() = default;
  // Applies the trial's bound parameters to `schedule`.
  void ApplyParameters(const algorithms::Assignment& parameters,
                       algorithms::schedules::Schedule& schedule) const;

  struct TrialOnline {
    double learning_rate = 0;  // hypergradient: the current alpha
  };

  hyperd::v1::ScheduleSpec spec_;
  algorithms::schedules::Schedule base_;
  // parameter name -> schedule field, from spec.parameter_fields.
  std::map<std::string, std::string> fields_;
  // Refinement: the shape refined from the best source so far.
  std::optional<int64_t> source_trial_;
  double source_value_ = 0;
  std::vector<double> refined_shape_;
  std::map<int64_t, TrialOnline> online_;
};

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_STUDY_SCHEDULES_H_
