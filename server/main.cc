// hyperd: the hyperparameter and learning-rate schedule tuning service. Parses flags, starts the
// server, waits for SIGTERM or SIGINT, shuts down gracefully; SIGHUP reloads the auth tokens.
#include <malloc.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/logging.h"
#include "server/auth/listen_security.h"
#include "server/auth/server_credentials.h"
#include "server/auth/token_table.h"
#include "server/hyperd_server.h"

ABSL_FLAG(
    std::string, listen, "127.0.0.1:50051",
    "gRPC address to listen on (host:port; port 0 picks a free port). Binding to anything but "
    "loopback needs TLS (--tls-cert-file, --tls-key-file) and tokens (--auth-token-file), or "
    "--allow-insecure-remote.");
ABSL_FLAG(std::string, data_dir, "hyperd-data",
          "Directory of the SQLite database (hyperd.db); created if missing.");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9464",
          "HTTP address (host:port; port 0 picks a free port): Prometheus metrics at /metrics and "
          "the study dashboard at /dashboard/. Empty disables the HTTP port.");
ABSL_FLAG(bool, dashboard, true,
          "Serve the read-only study dashboard on the --metrics-listen port (viewer tokens when "
          "--auth-token-file is set). Off: the port serves only /metrics.");
ABSL_FLAG(std::string, durability, "full",
          "full: every acknowledged write survives kill -9 and power loss (fsync per group "
          "commit). normal: survives kill -9, but the last commits may be lost on power loss or an "
          "OS crash; faster on slow disks.");
ABSL_FLAG(std::string, port_file, "",
          "Once serving, write the bound ports to this file as lines \"grpc <port>\" and "
          "\"metrics <port>\" (for scripts and tests that listen on port 0).");
ABSL_FLAG(absl::Duration, reaper_interval, absl::Seconds(30),
          "How often expired trial leases are reclaimed.");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(5),
          "On SIGTERM, how long in-flight calls may take before they are cancelled.");
ABSL_FLAG(int, max_message_bytes, 4 * 1024 * 1024, "Largest request accepted, in bytes.");
ABSL_FLAG(int, worker_threads, 0, "Threads computing suggestions (0: one per core).");
ABSL_FLAG(int64_t, max_studies, hyperd::server::ServerLimits().max_studies,
          "Studies the server holds; CreateStudy beyond it is RESOURCE_EXHAUSTED (delete finished "
          "studies).");
ABSL_FLAG(int64_t, max_trials_per_study, hyperd::server::ServerLimits().max_trials_per_study,
          "Trials one study may hold (about 1.2 KB of memory each, plus ~0.5 KB per "
          "measurement); more are RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, max_concurrent_suggests_per_client,
          hyperd::server::ServerLimits().max_concurrent_suggests_per_client,
          "SuggestTrials calls one client_id may have waiting or running at once; more are "
          "RESOURCE_EXHAUSTED.");
ABSL_FLAG(std::string, log_level, "info",
          "debug, info, warning or error. At debug every call is logged (method, code, duration, "
          "study, trial).");
ABSL_FLAG(std::string, log_format, "text",
          "text (one key=value line per event) or json (one JSON object per line).");
ABSL_FLAG(absl::Duration, slow_request_threshold, absl::Seconds(1),
          "Calls taking at least this long are logged at WARN as \"slow request\" (0: never).");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM server certificate (chain); with --tls-key-file the API is served over TLS.");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls-cert-file (unencrypted).");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA bundle; when set, clients must present a certificate it signed (mutual TLS).");
ABSL_FLAG(std::string, auth_token_file, "",
          "Bearer tokens and their roles (admin, worker, viewer), stored as SHA-256 hashes; see "
          "docs/security.md. Reloaded on SIGHUP. Empty: no authentication.");
ABSL_FLAG(bool, allow_insecure_remote, false,
          "Allow a non-loopback --listen without TLS or without --auth-token-file (only on a "
          "network you trust completely).");

namespace {

// Flags are spelled with dashes on the command line (--data-dir); Abseil names them with
// underscores. Accept both by rewriting the name part of each "--flag[=value]" argument.
void NormalizeFlagDashes(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char* arg = argv[i];
    if (arg[0] != '-' || arg[1] != '-') continue;
    if (arg[2] == '\0') break;  // "--" ends the flags
    for (char* c = arg + 2; *c != '\0' && *c != '='; ++c) {
      if (*c == '-') *c = '_';
    }
  }
}

bool WritePortFile(const std::string& path, int grpc_port, int metrics_port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << "grpc " << grpc_port << "\nmetrics " << metrics_port << "\n";
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "tunes hyperparameters and learning-rate schedules for training jobs over gRPC.\n"
      "Usage: hyperd [--listen=127.0.0.1:50051] [--data-dir=hyperd-data] "
      "[--metrics-listen=127.0.0.1:9464] [--durability=full|normal]\n"
      "Flags may be written with dashes or underscores (--data-dir or --data_dir).");
  // --help lists the flags of this file. Abseil's default filter matches files named after the
  // program (hyperd.cc, main.cc next to it); ours is server/main.cc.
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "server/main.cc");
  };
  absl::SetFlagsUsageConfig(usage);
  // Abseil's lock-cycle detection costs a few percent of CPU on every lock; the runtime's lock
  // order is fixed (studies map, then one study) and covered by the tests.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // The GP sampler allocates matrices of a few MB per suggestion (2048 candidates x n trials).
  // glibc serves those with fresh mmaps and returns them at once, so every suggestion pays page
  // faults again (~8 ms of 18 at n = 200 on the reference VM); keep them in the heap instead.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  NormalizeFlagDashes(argc, argv);
  absl::ParseCommandLine(argc, argv);
  using hyperd::Log;
  using hyperd::LogLevel;

  const std::string level = absl::GetFlag(FLAGS_log_level);
  if (level == "debug")
    hyperd::SetMinLogLevel(LogLevel::kDebug);
  else if (level == "warning")
    hyperd::SetMinLogLevel(LogLevel::kWarning);
  else if (level == "error")
    hyperd::SetMinLogLevel(LogLevel::kError);
  else if (level != "info") {
    std::fprintf(stderr, "hyperd: --log-level must be debug, info, warning or error\n");
    return 2;
  }
  const std::string format = absl::GetFlag(FLAGS_log_format);
  if (format == "json") {
    hyperd::SetLogFormat(hyperd::LogFormat::kJson);
  } else if (format != "text") {
    std::fprintf(stderr, "hyperd: --log-format must be text or json, not \"%s\"\n", format.c_str());
    return 2;
  }

  hyperd::server::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.dashboard = absl::GetFlag(FLAGS_dashboard);
  auto durability = hyperd::storage::ParseDurability(absl::GetFlag(FLAGS_durability));
  if (!durability.ok()) {
    std::fprintf(stderr, "hyperd: --durability: %s\n",
                 std::string(durability.status().message()).c_str());
    return 2;
  }
  options.durability = *durability;
  options.reaper_interval = absl::GetFlag(FLAGS_reaper_interval);
  options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.worker_threads = absl::GetFlag(FLAGS_worker_threads);
  options.limits.max_studies = absl::GetFlag(FLAGS_max_studies);
  options.limits.max_trials_per_study = absl::GetFlag(FLAGS_max_trials_per_study);
  options.limits.max_concurrent_suggests_per_client =
      absl::GetFlag(FLAGS_max_concurrent_suggests_per_client);
  options.slow_request_threshold = absl::GetFlag(FLAGS_slow_request_threshold);
  if (options.reaper_interval <= absl::ZeroDuration() || options.max_message_bytes <= 0) {
    std::fprintf(stderr, "hyperd: --reaper-interval and --max-message-bytes must be positive\n");
    return 2;
  }

  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  options.auth_token_file = absl::GetFlag(FLAGS_auth_token_file);
  options.allow_insecure_remote = absl::GetFlag(FLAGS_allow_insecure_remote);
  // Security misconfiguration is a usage error (exit 2), found before anything is opened.
  {
    absl::Status security = hyperd::server::auth::CheckListenSecurity(
        {options.listen, options.tls_cert_file, options.tls_key_file, options.tls_client_ca_file,
         options.auth_token_file, options.allow_insecure_remote, options.metrics_listen,
         options.dashboard});
    if (security.ok()) {
      security = hyperd::server::auth::MakeServerCredentials(
                     options.tls_cert_file, options.tls_key_file, options.tls_client_ca_file)
                     .status();
    }
    if (security.ok() && !options.auth_token_file.empty()) {
      security = hyperd::server::auth::TokenTable::ReadFile(options.auth_token_file).status();
    }
    if (!security.ok()) {
      std::fprintf(stderr, "hyperd: %s\n", std::string(security.message()).c_str());
      return 2;
    }
  }
  if (options.allow_insecure_remote && !hyperd::server::auth::IsLoopbackListen(options.listen) &&
      (options.tls_cert_file.empty() || options.auth_token_file.empty())) {
    Log(LogLevel::kWarning, "serving a non-loopback address without TLS or tokens",
        {{"listen", options.listen}, {"reason", "--allow-insecure-remote"}});
  }
  if (options.allow_insecure_remote && options.dashboard && !options.metrics_listen.empty() &&
      !hyperd::server::auth::IsLoopbackListen(options.metrics_listen)) {
    Log(LogLevel::kWarning, "serving the dashboard on a non-loopback address over plain HTTP",
        {{"metrics_listen", options.metrics_listen}, {"reason", "--allow-insecure-remote"}});
  }

  // Block the stop signals (and SIGHUP, the token reload) in every thread; this one waits for
  // them synchronously.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = hyperd::server::HyperdServer::Start(options);
  if (!server.ok()) {
    Log(LogLevel::kError, "cannot start", {{"error", server.status().ToString()}});
    return 1;
  }
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty() &&
      !WritePortFile(port_file, (*server)->grpc_port(), (*server)->metrics_port())) {
    Log(LogLevel::kError, "cannot write --port-file", {{"path", port_file}});
    return 1;
  }
  int signal = 0;
  // SIGHUP reloads the tokens (a broken file keeps the old ones) and keeps serving.
  while (sigwait(&stop_signals, &signal) == 0 && signal == SIGHUP) {
    Log(LogLevel::kInfo, "received SIGHUP: reloading auth tokens");
    (*server)->ReloadAuthTokens().IgnoreError();
  }
  Log(LogLevel::kInfo, "received signal", {{"signal", absl::StrCat(signal)}});
  (*server)->Shutdown();
  return 0;
}
