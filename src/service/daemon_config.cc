#include "service/daemon_config.h"

#include <string>

#include "yaml/yaml_input.h"

namespace migkit {
namespace {

template <typename T>
T Read(const YAML::Node& value, std::string_view source, const std::string& key, const char* what) {
  try {
    return value.as<T>();
  } catch (const YAML::Exception&) {
    FailAt(source, LineOf(value), key + ": expected " + what);
  }
}

}  // namespace

Status ParseDaemonConfig(std::string_view text, std::string_view source, DaemonConfig* config) {
  StatusOr<DaemonConfig> parsed =
      ParseYaml<DaemonConfig>(text, source, [&](const YAML::Node& root) -> DaemonConfig {
        DaemonConfig c = *config;
        if (!root || root.IsNull()) return c;
        if (!root.IsMap()) FailAt(source, LineOf(root), "expected a map of settings");
        for (const auto& item : root) {
          const std::string key = item.first.as<std::string>();
          const YAML::Node& v = item.second;
          if (key == "listen") {
            c.listen = Read<std::string>(v, source, key, "an address");
          } else if (key == "port") {
            c.port = Read<int>(v, source, key, "a port number");
            if (c.port < 0 || c.port > 65535) FailAt(source, LineOf(v), "port: valid: 0..65535");
          } else if (key == "state_dir") {
            c.state_dir = Read<std::string>(v, source, key, "a directory");
          } else if (key == "store") {
            c.store = Read<std::string>(v, source, key, "a file name");
          } else if (key == "node") {
            c.node = Read<std::string>(v, source, key, "a name");
          } else if (key == "admin_token_file") {
            c.admin_token_file = Read<std::string>(v, source, key, "a file name");
          } else if (key == "backend") {
            c.backend = Read<std::string>(v, source, key, "emulator or nvml");
            if (c.backend != "emulator" && c.backend != "nvml") {
              FailAt(source, LineOf(v), "backend: '" + c.backend + "' (valid: emulator, nvml)");
            }
          } else if (key == "emulate") {
            c.emulate = Read<std::string>(v, source, key, "a node spec like 8xH100-SXM5-80GB");
          } else if (key == "enable_mig") {
            c.enable_mig = Read<bool>(v, source, key, "true or false");
          } else if (key == "max_body_bytes") {
            c.max_body_bytes = Read<std::size_t>(v, source, key, "a byte count");
          } else if (key == "rate_per_second") {
            c.rate_per_second = Read<double>(v, source, key, "a number");
          } else if (key == "rate_burst") {
            c.rate_burst = Read<double>(v, source, key, "a number");
          } else if (key == "price_per_slice_hour") {
            c.price_per_slice_hour = Read<double>(v, source, key, "a number");
          } else if (key == "profile_prices") {
            if (!v.IsMap()) FailAt(source, LineOf(v), "profile_prices: expected a map");
            for (const auto& p : v) {
              c.profile_prices[p.first.as<std::string>()] =
                  Read<double>(p.second, source, key, "a number");
            }
          } else if (key == "max_duration_seconds") {
            c.max_duration_seconds = Read<std::int64_t>(v, source, key, "seconds");
          } else if (key == "threads") {
            c.threads = Read<int>(v, source, key, "a thread count");
            if (c.threads < 1 || c.threads > 256) {
              FailAt(source, LineOf(v), "threads: valid: 1..256");
            }
          } else if (key == "web_dir") {
            c.web_dir = Read<std::string>(v, source, key, "a directory");
          } else {
            FailAt(source, LineOf(item.first),
                   "unknown setting '" + key +
                       "' (valid: listen, port, state_dir, store, node, admin_token_file, "
                       "backend, emulate, enable_mig, max_body_bytes, rate_per_second, "
                       "rate_burst, price_per_slice_hour, profile_prices, max_duration_seconds, "
                       "threads, web_dir)");
          }
        }
        return c;
      });
  if (!parsed.ok()) return parsed.status();
  *config = std::move(*parsed);
  return Status::Ok();
}

}  // namespace migkit
