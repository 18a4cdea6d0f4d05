// migctl lease create|list|renew|release, migctl tenant ..., migctl usage: clients of migkitd
// (docs/service.md). They change nothing locally: every request goes to migkitd over HTTP.
#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/commands_lease_client.h"
#include "cli/output.h"

namespace migkit::cli {
namespace {

using nlohmann::json;

std::string Text(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// Sends one request and prints the reply: JSON with --json, else `print(body)`. Errors from
// migkitd become exit codes (ServiceClient::FailReply).
template <typename Print>
ExitCode Request(Context* ctx, const std::string& token_file, const std::string& method,
                 const std::string& path, const std::optional<json>& body, int expected,
                 Print print) {
  std::optional<ServiceClient> client;
  MIGCTL_RETURN_IF_FAILED(ServiceClient::Open(ctx, token_file, &client));
  ServiceReply reply;
  MIGCTL_RETURN_IF_FAILED(client->Call(ctx, method, path, body, &reply));
  if (reply.status != expected) return ServiceClient::FailReply(ctx, reply);
  if (ctx->json && !reply.body.is_null()) return ctx->PrintJson(reply.body);
  print(reply);
  return ExitCode::kOk;
}

std::string LeaseLine(const json& l) {
  return fmt::format("{} {} {} on GPU {} (GI {} CI {}) {}, expires {}\n", Text(l["id"]),
                     Text(l["tenant"]), Text(l["profile"]), Text(l["gpu"]), Text(l["gi_id"]),
                     Text(l["ci_id"]), Text(l["mig_uuid"]), Text(l["expires"]));
}

// Percent-encodes everything but RFC 3986's unreserved characters. (httplib has an encoder, but
// its header costs this file most of its compile time.)
std::string Escape(const std::string& v) {
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// "?k=v&..." of the non-empty values, each escaped.
std::string Query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    q += (q.empty() ? "?" : "&") + k + "=" + Escape(v);
  }
  return q;
}

}  // namespace

// ---- lease
// ---------------------------------------------------------------------------------------

Handler ConfigureLease(CLI::App* app, Context* ctx) {
  struct Args {
    std::string token_file, what, tenant, duration, id;
    bool forever = false;
  };
  auto args = std::make_shared<Args>();
  app->require_subcommand(1);
  CLI::App* create = app->add_subcommand("create", "Lease one MIG instance by profile or need.");
  create->add_option("what", args->what, "a profile (3g.40gb) or a need (mem>=20GiB,sms>=30)")
      ->required();
  create->add_option("--duration", args->duration, "expire after this long: 3600, 90m, 2h, 1d");
  create->add_option("--tenant", args->tenant, "the tenant to lease for (admin token only)");
  CLI::App* list = app->add_subcommand("list", "List leases (a tenant sees only its own).");
  list->add_option("--tenant", args->tenant, "only this tenant's (admin token)");
  CLI::App* renew = app->add_subcommand("renew", "Set a lease to expire a duration from now.");
  renew->add_option("id", args->id, "the lease id")->required();
  renew->add_option("--duration", args->duration, "3600, 90m, 2h, 1d");
  renew->add_flag("--forever", args->forever, "never expire (until released)");
  CLI::App* release = app->add_subcommand("release", "Release a lease; its instance stays idle.");
  release->add_option("id", args->id, "the lease id")->required();
  for (CLI::App* sub : {create, list, renew, release}) {
    AddTokenFileOption(sub, &args->token_file);
    AddJsonFlag(sub, ctx);
  }
  SetExamples(app,
              "  MIGKITD_TOKEN_FILE=acme.token migctl lease create 3g.40gb --duration 2h\n"
              "  migctl lease create 'mem>=20GiB,sms>=30'\n"
              "  migctl lease list --json\n"
              "  migctl lease release lease-595b46d1341a4a8f\n");
  return [=]() -> ExitCode {
    auto duration = [&](std::optional<json>* out) -> ExitCode {
      if (args->duration.empty()) return ExitCode::kOk;
      std::optional<long long> seconds = ParseDuration(args->duration);
      if (!seconds || *seconds <= 0) {
        return ctx->UsageError("--duration '" + args->duration +
                               "' is not a duration (valid: 3600, 90s, 30m, 2h, 1d)");
      }
      **out = json(*seconds);
      return ExitCode::kOk;
    };
    if (create->parsed()) {
      json body = json::object();
      body[args->what.find(">=") != std::string::npos ? "need" : "profile"] = args->what;
      if (!args->tenant.empty()) body["tenant"] = args->tenant;
      std::optional<json> seconds = json();
      MIGCTL_RETURN_IF_FAILED(duration(&seconds));
      if (!seconds->is_null()) body["duration_seconds"] = *seconds;
      return Request(
          ctx, args->token_file, "POST", "/v1/leases", body, 201, [&](const ServiceReply& r) {
            ctx->Out(LeaseLine(r.body));
            std::string files;
            for (const json& f : r.body["device_files"]) files += " " + Text(f);
            ctx->Out("  device files:" + files + "\n  CDI: " + Text(r.body["cdi_device"]) +
                     "\n  env: NVIDIA_VISIBLE_DEVICES=" + Text(r.body["mig_uuid"]) + "\n");
          });
    }
    if (list->parsed()) {
      return Request(
          ctx, args->token_file, "GET", "/v1/leases" + Query({{"tenant", args->tenant}}),
          std::nullopt, 200, [&](const ServiceReply& r) {
            Table table({"LEASE", "TENANT", "PROFILE", "GPU", "GI", "CI", "MIG UUID", "EXPIRES"});
            for (const json& l : r.body["leases"]) {
              table.AddRow({Text(l["id"]), Text(l["tenant"]), Text(l["profile"]), Text(l["gpu"]),
                            Text(l["gi_id"]), Text(l["ci_id"]), Text(l["mig_uuid"]),
                            Text(l["expires"])});
            }
            ctx->Out(table.empty() ? "No leases.\n" : table.Render());
          });
    }
    if (renew->parsed()) {
      if (args->forever == !args->duration.empty()) {
        return ctx->UsageError("give exactly one of --duration and --forever");
      }
      std::optional<json> seconds = json();
      MIGCTL_RETURN_IF_FAILED(duration(&seconds));
      return Request(ctx, args->token_file, "POST", "/v1/leases/" + args->id + "/renew",
                     json{{"duration_seconds", *seconds}}, 200,
                     [&](const ServiceReply& r) { ctx->Out(LeaseLine(r.body)); });
    }
    return Request(ctx, args->token_file, "DELETE", "/v1/leases/" + args->id, std::nullopt, 200,
                   [&](const ServiceReply&) { ctx->Out("released " + args->id + "\n"); });
  };
}

// ---- tenant
// --------------------------------------------------------------------------------------

Handler ConfigureTenant(CLI::App* app, Context* ctx) {
  struct Args {
    std::string token_file, name;
    int slices = -1;
    std::optional<long long> memory_gib;
    std::vector<std::string> caps;
  };
  auto args = std::make_shared<Args>();
  app->require_subcommand(1);
  CLI::App* create = app->add_subcommand("create", "Create a tenant with a quota (admin).");
  CLI::App* quota = app->add_subcommand("quota", "Set a tenant's quota (admin).");
  for (CLI::App* sub : {create, quota}) {
    sub->add_option("name", args->name, "tenant name: a-z, 0-9, _ and -")->required();
    sub->add_option("--slices", args->slices, "compute slices held at once")->required();
    sub->add_option("--memory-gib", args->memory_gib, "GiB of instance memory held at once");
    sub->add_option("--cap", args->caps, "PROFILE=N: at most N instances of a profile");
  }
  CLI::App* list = app->add_subcommand("list", "List tenants with quota and usage (admin).");
  CLI::App* show = app->add_subcommand("show", "Show one tenant (admin, or the tenant itself).");
  show->add_option("name", args->name, "tenant name")->required();
  CLI::App* token = app->add_subcommand("token", "Issue a token for a tenant (admin); shown once.");
  token->add_option("name", args->name, "tenant name")->required();
  for (CLI::App* sub : {create, quota, list, show, token}) {
    AddTokenFileOption(sub, &args->token_file);
    AddJsonFlag(sub, ctx);
  }
  SetExamples(app,
              "  MIGKITD_TOKEN_FILE=admin-token migctl tenant create acme --slices 14 "
              "--cap 7g.80gb=1\n"
              "  migctl tenant token acme > acme.token\n"
              "  migctl tenant list\n");
  return [=]() -> ExitCode {
    auto quota_json = [&](json* out) -> ExitCode {
      json q{{"slices", args->slices}};
      if (args->memory_gib) q["memory_gib"] = *args->memory_gib;
      json caps = json::object();
      for (const std::string& c : args->caps) {
        const size_t eq = c.find('=');
        std::optional<long long> n =
            eq == std::string::npos ? std::nullopt : ParseDuration(c.substr(eq + 1));
        if (!n || !std::isdigit(static_cast<unsigned char>(c.back()))) {
          return ctx->UsageError("--cap '" + c + "' (valid: PROFILE=N, e.g. 7g.80gb=1)");
        }
        caps[c.substr(0, eq)] = *n;
      }
      q["profiles"] = caps;
      *out = q;
      return ExitCode::kOk;
    };
    auto print_tenant = [&](const json& t) {
      std::string caps;
      for (const auto& [p, n] : t["quota"]["profiles"].items()) caps += " " + p + "<=" + Text(n);
      std::string line =
          fmt::format("{}: quota {} slices", Text(t["name"]), Text(t["quota"]["slices"]));
      if (!t["quota"]["memory_gib"].is_null()) {
        line += ", " + Text(t["quota"]["memory_gib"]) + " GiB";
      }
      if (!caps.empty()) line += ", caps" + caps;
      if (t.contains("usage")) line += "; using " + Text(t["usage"]["slices"]) + " slices";
      ctx->Out(line + "\n");
    };
    if (create->parsed() || quota->parsed()) {
      json q;
      MIGCTL_RETURN_IF_FAILED(quota_json(&q));
      if (create->parsed()) {
        return Request(ctx, args->token_file, "POST", "/v1/tenants",
                       json{{"name", args->name}, {"quota", q}}, 201,
                       [&](const ServiceReply& r) { print_tenant(r.body); });
      }
      return Request(ctx, args->token_file, "PUT", "/v1/tenants/" + args->name + "/quota", q, 200,
                     [&](const ServiceReply& r) { print_tenant(r.body); });
    }
    if (list->parsed()) {
      return Request(ctx, args->token_file, "GET", "/v1/tenants", std::nullopt, 200,
                     [&](const ServiceReply& r) {
                       for (const json& t : r.body["tenants"]) print_tenant(t);
                     });
    }
    if (show->parsed()) {
      return Request(ctx, args->token_file, "GET", "/v1/tenants/" + args->name, std::nullopt, 200,
                     [&](const ServiceReply& r) { print_tenant(r.body); });
    }
    return Request(ctx, args->token_file, "POST", "/v1/tenants/" + args->name + "/tokens",
                   json::object(), 201,
                   [&](const ServiceReply& r) { ctx->Out(Text(r.body["token"]) + "\n"); });
  };
}

// ---- usage
// ---------------------------------------------------------------------------------------

Handler ConfigureUsage(CLI::App* app, Context* ctx) {
  struct Args {
    std::string token_file, tenant, from, to;
    bool csv = false;
  };
  auto args = std::make_shared<Args>();
  app->add_option("--tenant", args->tenant, "one tenant (a tenant token sees only its own)");
  app->add_option("--from", args->from, "start: 2026-01-01T00:00:00Z or Unix seconds");
  app->add_option("--to", args->to, "end (exclusive)");
  app->add_flag("--csv", args->csv, "the chargeback report as CSV");
  AddTokenFileOption(app, &args->token_file);
  AddJsonFlag(app, ctx);
  SetExamples(app, "  migctl usage --from 2026-01-01T00:00:00Z --csv > chargeback.csv\n");
  return [=]() -> ExitCode {
    if (args->csv && ctx->json) return ctx->UsageError("give --csv or --json, not both");
    const std::string path = "/v1/usage" + Query({{"tenant", args->tenant},
                                                  {"from", args->from},
                                                  {"to", args->to},
                                                  {"format", args->csv ? "csv" : ""}});
    return Request(
        ctx, args->token_file, "GET", path, std::nullopt, 200, [&](const ServiceReply& r) {
          if (args->csv) return ctx->Out(r.text);
          Table table({"TENANT", "PROFILE", "SLICES", "LEASES", "SLICE-HOURS", "PRICE", "COST"},
                      {false, false, true, true, true, true, true});
          for (const json& row : r.body["rows"]) {
            table.AddRow({Text(row["tenant"]), Text(row["profile"]), Text(row["slices"]),
                          Text(row["leases"]),
                          fmt::format("{:.3f}", row["slice_hours"].get<double>()),
                          fmt::format("{:.2f}", row["price_per_slice_hour"].get<double>()),
                          fmt::format("{:.2f}", row["cost"].get<double>())});
          }
          ctx->Out(table.empty() ? "No usage.\n" : table.Render());
          ctx->Out(fmt::format("total cost: {:.2f}\n", r.body["total_cost"].get<double>()));
        });
  };
}

}  // namespace migkit::cli
