// hyperctl: the command-line client of hyperd. main() only forwards to RunHyperctl, so tests
// drive the whole program in-process.
//
//   hyperctl study create -f spec.json
//   hyperctl suggest mnist --count 2
//   hyperctl report mnist 0 --step 1 --metric loss=0.42
//   hyperctl arms solver-bandit --sort mean
//   hyperctl schedule plan --schedule linear --schedule wsd:0.2 --horizon 1000
//
// Against a server with TLS and tokens:
//   hyperctl --tls-ca ca.crt --token "$TOKEN" study list
//   hyperctl --tls-ca ca.crt --tls-cert client.crt --tls-key client.key info    # mutual TLS
//   hyperctl admin hash-token --generate     # a new token and its line for the token file
//
// Exit codes: 0 success (and --help), 1 the server or the connection failed, 2 usage error.
// Errors go to `err` as "hyperctl: <CODE>: <message>"; UNAUTHENTICATED and PERMISSION_DENIED
// add what to do about them.
#ifndef HYPERD_CLIENT_CLI_HYPERCTL_H_
#define HYPERD_CLIENT_CLI_HYPERCTL_H_

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace hyperd::cli {

// Settings taken from the environment; flags override them.
struct Environment {
  std::string address;   // HYPERD_ADDRESS
  std::string token;     // HYPERD_TOKEN
  std::string tls_ca;    // HYPERD_TLS_CA: PEM roots that signed the server's certificate
  std::string tls_cert;  // HYPERD_TLS_CERT: client certificate for mutual TLS
  std::string tls_key;   // HYPERD_TLS_KEY: its private key
  bool tls = false;      // HYPERD_TLS=1 (or true, yes, on): TLS with the system's roots

  static Environment FromProcess();
};

// `args` excludes the program name. `in` is standard input (admin hash-token, "-f -").
int RunHyperctl(const std::vector<std::string>& args, const Environment& environment,
                std::istream& in, std::ostream& out, std::ostream& err);
// The same with std::cin as standard input.
int RunHyperctl(const std::vector<std::string>& args, const Environment& environment,
                std::ostream& out, std::ostream& err);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_HYPERCTL_H_
