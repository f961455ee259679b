// Default worker identity for SuggestTrials: "hostname:pid:random-hex".
//
// The random part makes two processes that share a host and (after a restart) a pid different
// workers, so they never receive each other's trials by accident. A job that wants to resume its
// own trial after a crash must persist the id it used, or pass a stable id of its own.
#ifndef HYPERD_CLIENT_CPP_CLIENT_ID_H_
#define HYPERD_CLIENT_CPP_CLIENT_ID_H_

#include <string>

namespace hyperd {

// E.g. "gpu-node-3:41235:9f2c61d04ab7e3c5". The random part is 16 lowercase hex digits, fresh
// on every call. Thread-safe.
std::string DefaultClientId();

}  // namespace hyperd

#endif  // HYPERD_CLIENT_CPP_CLIENT_ID_H_
