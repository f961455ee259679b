// Human-readable views of hyperd resources, as printed by hyperctl's default (table) output.
// Every function returns text ending with '\n'. Scripts should use `-o json` instead: these
// layouts may change between versions.
#ifndef HYPERD_CLIENT_CLI_RENDER_H_
#define HYPERD_CLIENT_CLI_RENDER_H_

#include <optional>
#include <string>
#include <vector>

#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::cli {

// A study and its best finished trial, if it has one.
struct StudySummary {
  v1::Study study;
  std::optional<v1::Trial> best;
};

// NAME, STATE, SAMPLER, OBJECTIVE, TRIALS, OPEN, DONE, FAILED, BEST.
std::string RenderStudyList(const std::vector<StudySummary>& studies);

// Fields (spec summary, limits, trial counts, best trial) then the parameter table.
std::string RenderStudy(const StudySummary& summary);

// NUMBER, STATE, OBJECTIVE, one column per parameter (search-space order when `study` is given,
// else first-seen order), LAST STEP; BRACKET and STOPPED AT when a scheduler bracketed or stopped
// a trial; ARM and REWARD when a bandit policy handed a trial out.
std::string RenderTrialList(const v1::Study* study, const std::vector<v1::Trial>& trials);

// Fields (with the bandit arm and the context when set), parameters and the measurements table.
std::string RenderTrial(const v1::Trial& trial);

// The trials handed out, the client id they are held by, and the reason when fewer than
// `requested` came back ("no trials returned: STUDY_NOT_ACTIVE" when none did).
std::string RenderSuggestion(const v1::SuggestTrialsResponse& response, int requested,
                             const std::string& client_id);

std::string RenderReport(const std::string& trial_name, int64_t step,
                         const v1::ReportMeasurementResponse& response);

// "ucb1: 6 arms, 12 rewards applied", then one row per arm in the response's order: ARM, one
// column per parameter, PULLS, PENDING, EFFECTIVE (effective pulls; only when a drift policy
// makes them differ from pulls), MEAN, LOWER, UPPER, P(NEXT) (selection probability), the
// estimates to 3 significant digits.
std::string RenderArms(const v1::ListArmsResponse& arms);

std::string RenderServerInfo(const std::string& address, const v1::ServerInfo& info);

// "7 total: 2 active, 4 succeeded, 1 failed" (zero counts left out).
std::string FormatTrialCounts(const v1::TrialCounts& counts);

// A parameter's values ("[1e-05, 0.1]", "[0, 1] step 0.25", "{adam, sgd}") and its
// condition ("optimizer in {sgd}"; "" when unconditional).
std::string FormatDomain(const v1::ParameterSpec& spec);
std::string FormatCondition(const v1::Condition& condition);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_RENDER_H_
