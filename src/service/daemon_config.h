// DaemonConfig: migkitd's settings, from its YAML config file and then its flags.
//
// Every key is optional; unknown keys and values of the wrong type are errors naming the file and
// line. docs/service.md lists the keys with their defaults.
#ifndef MIGKIT_SERVICE_DAEMON_CONFIG_H_
#define MIGKIT_SERVICE_DAEMON_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace migkit {

struct DaemonConfig {
  std::string listen = "127.0.0.1";  // loopback unless told otherwise
  int port = 7471;                   // 0: any free port (printed at start)
  std::string state_dir;             // the emulator's state and busy marks; default: migkit's
  std::string store;                 // SQLite file; default: <state_dir>/migkitd.db
  std::string node = "local";        // this node's name in a shared store
  std::string admin_token_file;      // required: a file holding the admin token (one line)
  std::string backend = "emulator";  // "emulator" (MIGKIT_EMULATE) or "nvml" (real GPUs)
  std::string emulate;               // node spec for the emulator; empty: MIGKIT_EMULATE/default
  bool enable_mig = false;           // enable MIG on every GPU at start
  std::size_t max_body_bytes = 64 * 1024;
  double rate_per_second = 100;  // requests per second per client (token, else address)
  double rate_burst = 200;
  double price_per_slice_hour = 1.0;
  std::map<std::string, double> profile_prices;  // profile -> price per slice-hour
  std::int64_t max_duration_seconds = 0;         // 0: no limit
  int threads = 8;                               // HTTP worker threads
  std::string web_dir;  // the web view's files; default: the source tree's web/
};

/// Reads the YAML `text` of a config file named `source` over the defaults in `*config`.
Status ParseDaemonConfig(std::string_view text, std::string_view source, DaemonConfig* config);

}  // namespace migkit

#endif  // MIGKIT_SERVICE_DAEMON_CONFIG_H_
