// GET /api/dashboard/studies/<id>: the study page's document (the JSON contract of issue 9,
// consumed by web/), built from a StudySnapshot. Derived data comes from the algorithms that define
// it: rung steps from the Hyperband bracket table, rung counts from Study.rungs, learning rates
// from the schedule library, importance from algorithms::PermutationImportance.
//
// Choices the contract leaves open:
// - history: SUCCEEDED trials and PRUNED trials with an objective value, by number; "best" is the
//   best SUCCEEDED value so far by the goal (null before the first), the rule of best_value.
// - parallel rows: the same trials; log parameters hold their raw value (the axis says "log").
// - curves: every trial with a measurement of the objective metric; non-finite values are null.
// - brackets: "active" counts REQUESTED, ACTIVE and STOPPING trials, "stopped" PRUNED, "completed"
//   SUCCEEDED (FAILED and INFEASIBLE count in "trials" only); "reached" counts trials whose last
//   measurement is at or past each rung step.
#ifndef HYPERD_SERVER_DASHBOARD_STUDY_DOCUMENT_H_
#define HYPERD_SERVER_DASHBOARD_STUDY_DOCUMENT_H_

#include <string>

#include "server/dashboard/study_importance.h"
#include "server/dashboard/study_snapshot.h"

namespace hyperd::server::dashboard {

std::string StudyDocument(const StudySnapshot& snapshot, const StudyImportance& importance);

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_STUDY_DOCUMENT_H_
