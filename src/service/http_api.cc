#include "service/http_api.h"

#include <httplib.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "reconfig/busy.h"
#include "service/lease_access.h"
#include "service/token.h"

namespace migkit {
namespace {

using nlohmann::json;

// The HTTP status and the "code" of an error body for each Status code.
std::pair<int, const char*> HttpOf(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
    case Code::kParseError:
      return {400, "invalid_argument"};
    case Code::kNoPermission:
      return {403, "quota_exceeded"};
    case Code::kNotFound:
      return {404, "not_found"};
    case Code::kInUse:
      return {409, "conflict"};
    case Code::kInsufficientResources:
      return {409, "insufficient_resources"};
    case Code::kNotSupported:
      return {501, "not_supported"};
    case Code::kIoError:
    case Code::kCorruption:
      return {503, "store_unavailable"};
    default:
      return {500, "internal"};
  }
}

void SendError(httplib::Response& res, int http, const std::string& code,
               const std::string& message) {
  res.status = http;
  res.set_content(json{{"code", code}, {"message", message}}.dump() + "\n", "application/json");
}

void SendStatus(httplib::Response& res, const Status& s) {
  const auto [http, code] = HttpOf(s.code());
  SendError(res, http, code, s.message());
}

void SendJson(httplib::Response& res, const json& j, int http = 200) {
  res.status = http;
  res.set_content(j.dump() + "\n", "application/json");
}

// A 400 thrown while reading a request body, caught in Route().
struct BadRequest {
  std::string message;
};

// Parses `body` as a JSON object whose keys are all in `allowed`.
json ParseBody(const std::string& body, const std::set<std::string>& allowed) {
  json j;
  try {
    j = json::parse(body.empty() ? std::string("{}") : body);
  } catch (const json::parse_error& e) {
    throw BadRequest{std::string("malformed JSON: ") + e.what()};
  }
  if (!j.is_object()) throw BadRequest{"the body must be a JSON object"};
  for (const auto& [key, value] : j.items()) {
    if (allowed.count(key) == 0) {
      std::string valid;
      for (const std::string& a : allowed) valid += (valid.empty() ? "" : ", ") + a;
      throw BadRequest{"unknown field '" + key + "' (valid: " + (valid.empty() ? "none" : valid) +
                       ")"};
    }
  }
  return j;
}

std::optional<std::string> OptString(const json& j, const std::string& key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  if (!j[key].is_string()) throw BadRequest{"'" + key + "' must be a string"};
  return j[key].get<std::string>();
}

std::optional<std::int64_t> OptInt(const json& j, const std::string& key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  if (!j[key].is_number_integer()) throw BadRequest{"'" + key + "' must be an integer"};
  return j[key].get<std::int64_t>();
}

Quota QuotaFrom(const json& j) {
  if (!j.is_object()) throw BadRequest{"'quota' must be an object"};
  ParseBody(j.dump(), {"slices", "memory_gib", "profiles"});
  Quota q;
  const std::optional<std::int64_t> slices = OptInt(j, "slices");
  if (!slices) throw BadRequest{"quota.slices is required (compute slices held at once)"};
  if (*slices < 0 || *slices > 1'000'000) {
    throw BadRequest{"quota.slices " + std::to_string(*slices) + " is out of range (0..1000000)"};
  }
  q.slices = static_cast<int>(*slices);
  q.memory_gib = OptInt(j, "memory_gib");
  if (j.contains("profiles") && !j["profiles"].is_null()) {
    if (!j["profiles"].is_object()) throw BadRequest{"quota.profiles must be an object"};
    for (const auto& [profile, cap] : j["profiles"].items()) {
      if (!cap.is_number_integer() || cap.get<std::int64_t>() < 0 ||
          cap.get<std::int64_t>() > 1'000'000) {
        throw BadRequest{"quota.profiles." + profile + " must be an integer 0..1000000"};
      }
      q.profile_caps[profile] = cap.get<int>();
    }
  }
  return q;
}

json QuotaJson(const Quota& q) {
  json j{{"slices", q.slices}, {"profiles", q.profile_caps}};
  j["memory_gib"] = q.memory_gib ? json(*q.memory_gib) : json();
  return j;
}

json UsageJsonOf(const QuotaUsage& u) {
  return {{"slices", u.slices}, {"memory_mib", u.memory_mib}, {"profiles", u.profiles}};
}

json LeaseJson(const Lease& l) {
  const LeaseAccess access = AccessOf(l);
  json env = json::object();
  for (const auto& [k, v] : access.env) env[k] = v;
  return {{"id", l.id},
          {"tenant", l.tenant},
          {"node", l.node},
          {"gpu", l.gpu},
          {"gpu_uuid", l.gpu_uuid},
          {"gi_id", l.gi_id},
          {"ci_id", l.ci_id},
          {"profile", l.profile},
          {"slices", l.slices},
          {"memory_mib", l.memory_mib},
          {"mig_uuid", l.mig_uuid},
          {"created", FormatUtc(l.created_micros)},
          {"expires", l.expires_micros ? json(FormatUtc(*l.expires_micros)) : json()},
          {"device_files", {access.files.gpu, access.files.gi, access.files.ci}},
          {"cdi_device", access.cdi_name},
          {"env", env}};
}

json PlanJson(const DefragPlan& p, bool executed) {
  json moves = json::array();
  for (const DefragMove& m : p.moves) {
    moves.push_back({{"gpu", m.gpu},
                     {"gi_id", m.gi_id},
                     {"profile", m.profile},
                     {"from", m.from.ToString()},
                     {"to", m.to ? json(m.to->ToString()) : json()}});
  }
  return {{"profile", p.profile},
          {"fits_now", p.fits_now},
          {"possible", p.fits_now || p.gpu.has_value()},
          {"gpu", p.gpu ? json(*p.gpu) : json()},
          {"placement", p.placement ? json(p.placement->ToString()) : json()},
          {"moves", moves},
          {"executed", executed}};
}

// When the request this worker thread is serving arrived (each request runs on one thread from
// the pre-routing handler to the logger).
thread_local std::chrono::steady_clock::time_point request_start;

}  // namespace

HttpApi::HttpApi(SliceService* service, Store* store, Env* env, ApiOptions options)
    : service_(service), store_(store), env_(env), options_(std::move(options)) {}

bool HttpApi::Admit(const std::string& key) {
  std::lock_guard<std::mutex> lock(rate_mu_);
  const auto now = std::chrono::steady_clock::now();
  // Forget every client when the table grows large: a flood of made-up tokens must not grow it.
  if (buckets_.size() > 10000) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{options_.rate_burst, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(options_.rate_burst, b.tokens + elapsed * options_.rate_per_second);
    b.last = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

void HttpApi::Register(httplib::Server* server) {
  server->set_payload_max_length(options_.max_body_bytes);
  server->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    const auto elapsed = std::chrono::steady_clock::now() - request_start;
    stats_.Observe(req.method, res.status, std::chrono::duration<double>(elapsed).count());
  });
  server->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    request_start = std::chrono::steady_clock::now();
    const std::string auth = req.get_header_value("Authorization");
    const std::string key = auth.empty() ? "addr:" + req.remote_addr : HashToken(auth);
    if (!Admit(key)) {
      SendError(res, 429, "rate_limited", "too many requests; slow down");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Errors the library itself answers (404 for an unknown path, 413, 400) get a JSON body too.
  server->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = "HTTP error " + std::to_string(res.status);
    if (res.status == 404) message = "no such endpoint: " + req.method + " " + req.path;
    if (res.status == 413) message = "request body too large";
    if (res.status == 400)
      message = "malformed HTTP request (a POST or PUT needs a body, {} at least)";
    SendError(res, res.status, res.status == 404 ? "not_found" : "http_error", message);
  });
  server->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        SendError(res, 500, "internal", "internal error");
      });

  // Who is calling: the admin (tenant empty), a tenant, or nobody (401 sent).
  struct Caller {
    bool admin = false;
    std::string tenant;
  };
  auto authenticate = [this](const httplib::Request& req,
                             httplib::Response& res) -> std::optional<Caller> {
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) != 0 || auth.size() <= 7) {
      SendError(res, 401, "unauthorized", "missing 'Authorization: Bearer <token>'");
      return std::nullopt;
    }
    const std::string token = auth.substr(7);
    if (ConstantTimeEquals(token, options_.admin_token)) return Caller{true, ""};
    std::lock_guard<std::mutex> lock(store_mu_);
    StatusOr<std::string> tenant = store_->TenantOfToken(HashToken(token));
    if (tenant.ok()) return Caller{false, *tenant};
    if (tenant.status().code() == Code::kNotFound) {
      SendError(res, 401, "unauthorized", "unknown token");
    } else {
      SendStatus(res, tenant.status());
    }
    return std::nullopt;
  };
  using Handler = std::function<void(const Caller&, const httplib::Request&, httplib::Response&)>;
  // Wraps a handler: authentication, admin-only routes, and 400 for bad bodies.
  auto route = [authenticate](bool admin_only, Handler handler) {
    return
        [authenticate, admin_only, handler](const httplib::Request& req, httplib::Response& res) {
          std::optional<Caller> caller = authenticate(req, res);
          if (!caller) return;
          if (admin_only && !caller->admin) {
            SendError(res, 403, "forbidden", "this endpoint needs the admin token");
            return;
          }
          try {
            handler(*caller, req, res);
          } catch (const BadRequest& bad) {
            SendError(res, 400, "invalid_argument", bad.message);
          }
        };
  };
  auto scope = [](const Caller& c) -> std::optional<std::string> {
    if (c.admin) return std::nullopt;
    return c.tenant;
  };

  server->Get("/v1/health", [this](const httplib::Request&, httplib::Response& res) {
    SendJson(res, {{"status", "ok"}, {"node", service_->options().node}});
  });

  server->Post("/v1/tenants", route(true, [this](const Caller&, const httplib::Request& req,
                                                 httplib::Response& res) {
                 json body = ParseBody(req.body, {"name", "quota"});
                 Tenant t;
                 t.name = OptString(body, "name").value_or("");
                 if (!body.contains("quota")) throw BadRequest{"'quota' is required"};
                 t.quota = QuotaFrom(body["quota"]);
                 std::lock_guard<std::mutex> lock(store_mu_);
                 Status s = store_->CreateTenant(t);
                 if (!s.ok()) return SendStatus(res, s);
                 SendJson(res, {{"name", t.name}, {"quota", QuotaJson(t.quota)}}, 201);
               }));
  auto tenant_json = [this](const Tenant& t) -> StatusOr<json> {
    StatusOr<QuotaUsage> usage = store_->Usage(t.name);
    if (!usage.ok()) return usage.status();
    return json{{"name", t.name}, {"quota", QuotaJson(t.quota)}, {"usage", UsageJsonOf(*usage)}};
  };
  server->Get("/v1/tenants", route(true, [this, tenant_json](const Caller&, const httplib::Request&,
                                                             httplib::Response& res) {
                std::lock_guard<std::mutex> lock(store_mu_);
                StatusOr<std::vector<Tenant>> tenants = store_->ListTenants();
                if (!tenants.ok()) return SendStatus(res, tenants.status());
                json list = json::array();
                for (const Tenant& t : *tenants) {
                  StatusOr<json> j = tenant_json(t);
                  if (!j.ok()) return SendStatus(res, j.status());
                  list.push_back(*j);
                }
                SendJson(res, {{"tenants", list}});
              }));
  server->Get(R"(/v1/tenants/([^/]+))",
              route(false, [this, tenant_json](const Caller& c, const httplib::Request& req,
                                               httplib::Response& res) {
                const std::string name = req.matches[1];
                if (!c.admin && c.tenant != name) {
                  return SendError(res, 403, "forbidden", "a tenant reads only its own record");
                }
                std::lock_guard<std::mutex> lock(store_mu_);
                StatusOr<Tenant> t = store_->GetTenant(name);
                if (!t.ok()) return SendStatus(res, t.status());
                StatusOr<json> j = tenant_json(*t);
                if (!j.ok()) return SendStatus(res, j.status());
                SendJson(res, *j);
              }));
  server->Put(
      R"(/v1/tenants/([^/]+)/quota)",
      route(true, [this](const Caller&, const httplib::Request& req, httplib::Response& res) {
        json body = ParseBody(req.body, {"slices", "memory_gib", "profiles"});
        const Quota q = QuotaFrom(body);
        std::lock_guard<std::mutex> lock(store_mu_);
        Status s = store_->SetQuota(req.matches[1], q);
        if (!s.ok()) return SendStatus(res, s);
        SendJson(res, {{"name", std::string(req.matches[1])}, {"quota", QuotaJson(q)}});
      }));
  server->Post(
      R"(/v1/tenants/([^/]+)/tokens)",
      route(true, [this](const Caller&, const httplib::Request& req, httplib::Response& res) {
        ParseBody(req.body, {});
        StatusOr<std::string> token = NewToken();
        if (!token.ok()) return SendStatus(res, token.status());
        std::lock_guard<std::mutex> lock(store_mu_);
        Status s = store_->AddToken(req.matches[1], HashToken(*token));
        if (!s.ok()) return SendStatus(res, s);
        SendJson(res, {{"tenant", std::string(req.matches[1])}, {"token", *token}}, 201);
      }));

  server->Post("/v1/leases", route(false, [this](const Caller& c, const httplib::Request& req,
                                                 httplib::Response& res) {
                 json body = ParseBody(req.body, {"profile", "need", "duration_seconds", "tenant"});
                 LeaseRequest r;
                 const std::optional<std::string> profile = OptString(body, "profile");
                 const std::optional<std::string> need = OptString(body, "need");
                 if (profile.has_value() == need.has_value()) {
                   throw BadRequest{
                       "give exactly one of 'profile' (e.g. 3g.40gb) and 'need' "
                       "(e.g. mem>=20GiB,sms>=30)"};
                 }
                 if (need && need->find(">=") == std::string::npos) {
                   throw BadRequest{"need '" + *need +
                                    "' has no term (valid: mem>=SIZE, sms>=N, slices>=N)"};
                 }
                 if (profile && profile->find(">=") != std::string::npos) {
                   throw BadRequest{"'" + *profile + "' is a need: send it as 'need'"};
                 }
                 r.what = profile ? *profile : *need;
                 r.duration_seconds = OptInt(body, "duration_seconds");
                 const std::optional<std::string> tenant = OptString(body, "tenant");
                 if (c.admin) {
                   if (!tenant) throw BadRequest{"the admin leases for a tenant: give 'tenant'"};
                   r.tenant = *tenant;
                 } else {
                   if (tenant && *tenant != c.tenant) {
                     return SendError(res, 403, "forbidden", "a tenant leases only for itself");
                   }
                   r.tenant = c.tenant;
                 }
                 StatusOr<Grant> g = service_->Create(r);
                 if (!g.ok()) return SendStatus(res, g.status());
                 json j = LeaseJson(g->lease);
                 j["reused"] = g->reused;
                 SendJson(res, j, 201);
               }));
  server->Get("/v1/leases", route(false, [this, scope](const Caller& c, const httplib::Request& req,
                                                       httplib::Response& res) {
                std::optional<std::string> tenant = scope(c);
                if (req.has_param("tenant")) {
                  if (!c.admin && req.get_param_value("tenant") != c.tenant) {
                    return SendError(res, 403, "forbidden", "a tenant lists only its own leases");
                  }
                  tenant = req.get_param_value("tenant");
                }
                StatusOr<std::vector<Lease>> leases = service_->List(tenant);
                if (!leases.ok()) return SendStatus(res, leases.status());
                json list = json::array();
                for (const Lease& l : *leases) list.push_back(LeaseJson(l));
                SendJson(res, {{"leases", list}});
              }));
  server->Get(R"(/v1/leases/([^/]+))",
              route(false, [this, scope](const Caller& c, const httplib::Request& req,
                                         httplib::Response& res) {
                StatusOr<Lease> l = service_->Get(req.matches[1], scope(c));
                if (!l.ok()) return SendStatus(res, l.status());
                SendJson(res, LeaseJson(*l));
              }));
  server->Post(R"(/v1/leases/([^/]+)/renew)",
               route(false, [this, scope](const Caller& c, const httplib::Request& req,
                                          httplib::Response& res) {
                 json body = ParseBody(req.body, {"duration_seconds"});
                 StatusOr<Lease> l =
                     service_->Renew(req.matches[1], scope(c), OptInt(body, "duration_seconds"));
                 if (!l.ok()) return SendStatus(res, l.status());
                 SendJson(res, LeaseJson(*l));
               }));
  server->Delete(R"(/v1/leases/([^/]+))",
                 route(false, [this, scope](const Caller& c, const httplib::Request& req,
                                            httplib::Response& res) {
                   Status s = service_->Release(req.matches[1], scope(c));
                   if (!s.ok()) return SendStatus(res, s);
                   SendJson(res, {{"released", std::string(req.matches[1])}});
                 }));

  server->Get(
      "/v1/usage",
      route(false, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
        std::optional<std::string> tenant;
        if (req.has_param("tenant")) tenant = req.get_param_value("tenant");
        if (!c.admin) {
          if (tenant && *tenant != c.tenant) {
            return SendError(res, 403, "forbidden", "a tenant reads only its own usage");
          }
          tenant = c.tenant;
        }
        UsageWindow window;
        for (const char* key : {"from", "to"}) {
          if (!req.has_param(key)) continue;
          StatusOr<std::int64_t> t = ParseTime(req.get_param_value(key));
          if (!t.ok()) return SendStatus(res, t.status().WithContext(key));
          (std::string(key) == "from" ? window.from_micros : window.to_micros) = *t;
        }
        const std::string format = req.has_param("format") ? req.get_param_value("format") : "json";
        if (format != "json" && format != "csv") {
          return SendError(res, 400, "invalid_argument",
                           "format '" + format + "' (valid: json, csv)");
        }
        StatusOr<std::vector<LedgerEntry>> ledger = [&] {
          std::lock_guard<std::mutex> lock(store_mu_);
          return store_->Ledger(tenant);
        }();
        if (!ledger.ok()) return SendStatus(res, ledger.status());
        const std::vector<UsageRow> rows =
            UsageReport(*ledger, window, env_->NowMicros(), options_.prices);
        if (format == "csv") {
          res.set_content(UsageCsv(rows), "text/csv");
        } else {
          SendJson(res, UsageJson(rows, window));
        }
      }));

  server->Get("/metrics",
              route(true, [this](const Caller&, const httplib::Request&, httplib::Response& res) {
                StatusOr<NodeSnapshot> snapshot = service_->Snapshot();
                if (!snapshot.ok()) return SendStatus(res, snapshot.status());
                std::vector<TenantMetrics> tenants;
                {
                  std::lock_guard<std::mutex> lock(store_mu_);
                  StatusOr<std::vector<Tenant>> all = store_->ListTenants();
                  if (!all.ok()) return SendStatus(res, all.status());
                  for (Tenant& t : *all) {
                    StatusOr<QuotaUsage> usage = store_->Usage(t.name);
                    if (!usage.ok()) return SendStatus(res, usage.status());
                    tenants.push_back({std::move(t), std::move(*usage)});
                  }
                }
                res.set_content(
                    RenderNodeMetrics(snapshot->gpus, snapshot->leases, tenants) + stats_.Render(),
                    "text/plain; version=0.0.4");
              }));

  server->Get(
      "/v1/node",
      route(true, [this](const Caller&, const httplib::Request&, httplib::Response& res) {
        StatusOr<NodeSnapshot> snapshot = service_->Snapshot();
        if (!snapshot.ok()) return SendStatus(res, snapshot.status());
        std::map<std::pair<std::string, int>, const Lease*> by_instance;
        for (const Lease& l : snapshot->leases) by_instance[{l.gpu_uuid, l.gi_id}] = &l;
        json gpus = json::array();
        for (const GpuInfo& g : snapshot->gpus) {
          json instances = json::array();
          for (const GpuInstance& gi : g.state.gpu_instances) {
            const GiProfile* p = g.model->FindProfileById(gi.profile_id);
            auto lease = by_instance.find({g.uuid, gi.id});
            instances.push_back(
                {{"gi_id", gi.id},
                 {"profile", p != nullptr ? p->name : std::to_string(gi.profile_id)},
                 {"slices", p != nullptr ? p->slices : 0},
                 {"start", gi.placement.start},
                 {"size", gi.placement.size},
                 {"lease", lease == by_instance.end() ? json()
                                                      : json{{"id", lease->second->id},
                                                             {"tenant", lease->second->tenant}}}});
          }
          gpus.push_back({{"index", g.index},
                          {"model", g.model->id},
                          {"uuid", g.uuid},
                          {"mig", g.state.MigUsable()},
                          {"compute_slices", g.model->compute_slices},
                          {"placement_units", g.model->placement_units},
                          {"instances", instances}});
        }
        SendJson(res,
                 {{"node", service_->options().node},
                  {"gpus", gpus},
                  {"fragmentation_score", FragmentationScore(snapshot->gpus, snapshot->leases)}});
      }));

  if (!options_.web_dir.empty()) {
    // The web view's three files, read at each request (no other path is ever opened).
    const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> files = {
        {"/", {"index.html", "text/html; charset=utf-8"}},
        {"/web/app.js", {"app.js", "application/javascript"}},
        {"/web/style.css", {"style.css", "text/css"}}};
    for (const auto& [path, file] : files) {
      const std::string name = file.first, type = file.second;
      server->Get(path, [this, name, type](const httplib::Request&, httplib::Response& res) {
        std::string content;
        Status s = env_->ReadRegularFile(options_.web_dir + "/" + name, 1 << 20, &content);
        if (!s.ok()) return SendStatus(res, Status::NotFound("web view: " + s.message()));
        res.set_header("Content-Security-Policy", "default-src 'self'");
        res.set_content(content, type);
      });
    }
  }

  server->Post("/v1/defrag", route(true, [this](const Caller&, const httplib::Request& req,
                                                httplib::Response& res) {
                 json body = ParseBody(req.body, {"profile", "dry_run"});
                 const std::optional<std::string> profile = OptString(body, "profile");
                 if (!profile) throw BadRequest{"'profile' is required"};
                 bool dry_run = true;
                 if (body.contains("dry_run")) {
                   if (!body["dry_run"].is_boolean())
                     throw BadRequest{"'dry_run' must be a boolean"};
                   dry_run = body["dry_run"].get<bool>();
                 }
                 StatusOr<DefragPlan> plan =
                     dry_run ? service_->PlanDefrag(*profile) : service_->Defrag(*profile);
                 if (!plan.ok()) return SendStatus(res, plan.status());
                 SendJson(res, PlanJson(*plan, !dry_run && !plan->fits_now && plan->gpu));
               }));
}

}  // namespace migkit
