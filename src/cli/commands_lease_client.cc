#include "cli/commands_lease_client.h"

#include <httplib.h>
#include <stdlib.h>

#include <cctype>

#include "env/env.h"

namespace migkit::cli {

void AddTokenFileOption(CLI::App* app, std::string* token_file) {
  app->add_option("--token-file", *token_file,
                  "file holding the bearer token (default: $MIGKITD_TOKEN, else the file "
                  "$MIGKITD_TOKEN_FILE)");
}

ExitCode ServiceClient::Open(Context* ctx, const std::string& token_file,
                             std::optional<ServiceClient>* client) {
  const char* url = getenv("MIGKITD_URL");
  std::string token;
  std::string file = token_file;
  if (file.empty()) {
    if (const char* t = getenv("MIGKITD_TOKEN"); t != nullptr && *t != '\0') token = t;
    if (const char* f = getenv("MIGKITD_TOKEN_FILE"); token.empty() && f != nullptr) file = f;
  }
  if (!file.empty()) {
    Status s = Env::Default()->ReadRegularFile(file, 4096, &token);
    if (!s.ok()) return ctx->Fail(ExitCode::kEnvironment, "token file: " + s.message());
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
      token.pop_back();
    }
  }
  if (token.empty()) {
    return ctx->Fail(ExitCode::kEnvironment,
                     "no token for migkitd: set MIGKITD_TOKEN or MIGKITD_TOKEN_FILE, or give "
                     "--token-file");
  }
  client->emplace(
      ServiceClient(url != nullptr && *url != '\0' ? url : "http://127.0.0.1:7471", token));
  return ExitCode::kOk;
}

ExitCode ServiceClient::Call(Context* ctx, const std::string& method, const std::string& path,
                             const std::optional<nlohmann::json>& body, ServiceReply* reply) const {
  httplib::Client http(url_);
  if (!http.is_valid()) {
    return ctx->Fail(ExitCode::kEnvironment,
                     "MIGKITD_URL '" + url_ + "' is not a URL (valid: http://HOST:PORT)");
  }
  http.set_connection_timeout(5);
  http.set_read_timeout(60);
  const httplib::Headers headers = {{"Authorization", "Bearer " + token_}};
  const std::string payload = body ? body->dump() : "";
  httplib::Result result = [&]() {
    if (method == "POST") return http.Post(path.c_str(), headers, payload, "application/json");
    if (method == "PUT") return http.Put(path.c_str(), headers, payload, "application/json");
    if (method == "DELETE") return http.Delete(path.c_str(), headers);
    return http.Get(path.c_str(), headers);
  }();
  if (!result) {
    return ctx->Fail(ExitCode::kEnvironment,
                     "cannot reach migkitd at " + url_ + " (" + httplib::to_string(result.error()) +
                         "); is it running? (MIGKITD_URL sets the address)");
  }
  reply->status = result->status;
  reply->text = result->body;
  reply->body = nlohmann::json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  if (reply->body.is_discarded()) reply->body = nullptr;
  return ExitCode::kOk;
}

ExitCode ServiceClient::FailReply(Context* ctx, const ServiceReply& reply) {
  std::string message = reply.text;
  std::string code = "error";
  if (reply.body.is_object() && reply.body.contains("message")) {
    message = reply.body.value("message", "");
    code = reply.body.value("code", "error");
  }
  const ExitCode exit = reply.status == 400   ? ExitCode::kUsage
                        : reply.status >= 500 ? ExitCode::kEnvironment
                                              : ExitCode::kFailed;
  return ctx->Fail(exit, message + " (HTTP " + std::to_string(reply.status) + " " + code + ")");
}

std::optional<long long> ParseDuration(const std::string& text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  long long unit = 1;
  std::string digits = text;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      break;
  }
  if (!std::isdigit(static_cast<unsigned char>(text.back()))) digits.pop_back();
  if (digits.empty()) return std::nullopt;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return std::stoll(digits) * unit;
}

}  // namespace migkit::cli
