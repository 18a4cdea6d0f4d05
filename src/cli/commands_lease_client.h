// The HTTP client migctl's lease, tenant and usage commands use to talk to migkitd.
//
// migkitd's address is MIGKITD_URL (default http://127.0.0.1:7471); the bearer token comes from
// --token-file, else MIGKITD_TOKEN, else the file MIGKITD_TOKEN_FILE names.
#ifndef MIGKIT_CLI_COMMANDS_LEASE_CLIENT_H_
#define MIGKIT_CLI_COMMANDS_LEASE_CLIENT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/command.h"
#include "cli/context.h"

namespace migkit::cli {

struct ServiceReply {
  int status = 0;
  nlohmann::json body;  // the parsed JSON body (null when it was not JSON)
  std::string text;     // the raw body
};

class ServiceClient {
 public:
  /// Reads the address and token. kEnvironment (printed) when neither a token nor a token file
  /// is given, or the file cannot be read.
  static ExitCode Open(Context* ctx, const std::string& token_file,
                       std::optional<ServiceClient>* client);

  /// Sends a request; on a transport failure prints the reason and returns kEnvironment.
  ExitCode Call(Context* ctx, const std::string& method, const std::string& path,
                const std::optional<nlohmann::json>& body, ServiceReply* reply) const;
  /// Prints migkitd's error ("migctl: error: <message> (HTTP 403 quota_exceeded)") and returns
  /// the exit code for an HTTP status: 400 kUsage, 5xx kEnvironment, other errors kFailed.
  static ExitCode FailReply(Context* ctx, const ServiceReply& reply);

 private:
  ServiceClient(std::string url, std::string token)
      : url_(std::move(url)), token_(std::move(token)) {}
  std::string url_;
  std::string token_;
};

/// Adds --token-file to `app`.
void AddTokenFileOption(CLI::App* app, std::string* token_file);

/// "3600", "90s", "30m", "2h", "1d" in seconds; nullopt for anything else.
std::optional<long long> ParseDuration(const std::string& text);

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_COMMANDS_LEASE_CLIENT_H_
