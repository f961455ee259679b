// GET /api/dashboard/studies/<id>/trials/<number>: the trial page's document (the JSON contract
// of issue 9, consumed by web/). The lease expiry is shown for open trials (ACTIVE, STOPPING) only.
//
// History: "created", "started", "measured" (the first and last measurement and those at rung
// steps, detail "step 9: 0.65"), "stop requested" (at the report of stopped_at_step, or without a
// time when no measurement is at that step) and the final state at end_time, in that order.
#ifndef HYPERD_SERVER_DASHBOARD_TRIAL_DOCUMENT_H_
#define HYPERD_SERVER_DASHBOARD_TRIAL_DOCUMENT_H_

#include <string>

#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::server::dashboard {

std::string TrialDocument(const hyperd::v1::Study& study, const hyperd::v1::Trial& trial,
                          const std::string& revision);

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_TRIAL_DOCUMENT_H_
