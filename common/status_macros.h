// RETURN_IF_ERROR / ASSIGN_OR_RETURN for absl::Status(Or): Abseil 20220623 ships neither.
//
//   RETURN_IF_ERROR(store.Commit(batch));
//   ASSIGN_OR_RETURN(Study study, LoadStudy(id));
#ifndef HYPERD_COMMON_STATUS_MACROS_H_
#define HYPERD_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HYPERD_STATUS_CONCAT_INNER_(a, b) a##b
#define HYPERD_STATUS_CONCAT_(a, b) HYPERD_STATUS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                                                              \
  do {                                                                                     \
    if (absl::Status _hyperd_status = (expr); !_hyperd_status.ok()) return _hyperd_status; \
  } while (0)

#define HYPERD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  HYPERD_ASSIGN_OR_RETURN_IMPL_(HYPERD_STATUS_CONCAT_(_hyperd_statusor_, __LINE__), lhs, expr)

#endif  // HYPERD_COMMON_STATUS_MACROS_H_
