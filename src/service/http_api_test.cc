// The REST API in-process: a real HTTP server on loopback over an emulated node and a SQLite
// store, driven by an HTTP client.
#include "service/http_api.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "service/test_node.h"
#include "testing/temp_dir.h"

namespace migkit {
namespace {

using nlohmann::json;

constexpr char kAdmin[] = "admin-token-for-tests-0123456789";

class HttpApiTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(ApiOptions{}); }
  void Start(ApiOptions options) {
    ASSERT_EQ(t_.Open("2xH100-SXM5-80GB", dir_.path() + "/migkitd.db"), "");
    auto api_store = SqliteStore::Open(dir_.path() + "/migkitd.db");
    ASSERT_TRUE(api_store.ok());
    api_store_ = std::move(*api_store);
    options.admin_token = kAdmin;
    api_ = std::make_unique<HttpApi>(t_.service.get(), api_store_.get(), &t_.env, options);
    api_->Register(&server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    ASSERT_EQ(Call("POST", "/v1/tenants", kAdmin, R"({"name":"acme","quota":{"slices":4}})").status,
              201);
    ASSERT_EQ(Call("POST", "/v1/tenants", kAdmin, R"({"name":"beta","quota":{"slices":7}})").status,
              201);
    acme_ = json::parse(Call("POST", "/v1/tenants/acme/tokens", kAdmin, "{}").body)["token"];
    beta_ = json::parse(Call("POST", "/v1/tenants/beta/tokens", kAdmin, "{}").body)["token"];
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  struct Reply {
    int status = 0;
    std::string body;
    json Json() const { return json::parse(body); }
  };
  Reply Call(const std::string& method, const std::string& path, const std::string& token,
             const std::string& body = "") {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    auto send = [&]() -> httplib::Result {
      if (method == "POST") return client_->Post(path.c_str(), headers, body, "application/json");
      if (method == "PUT") return client_->Put(path.c_str(), headers, body, "application/json");
      if (method == "DELETE") return client_->Delete(path.c_str(), headers);
      return client_->Get(path.c_str(), headers);
    };
    httplib::Result r = send();
    if (!r) return {};
    return {r->status, r->body};
  }

  ScopedTempDir dir_;
  TestNode t_;
  std::unique_ptr<SqliteStore> api_store_;
  std::unique_ptr<HttpApi> api_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
  std::string acme_, beta_;
};

TEST_F(HttpApiTest, LeaseLifecycleThroughHttp) {
  Reply created =
      Call("POST", "/v1/leases", acme_, R"({"profile":"2g.20gb","duration_seconds":60})");
  ASSERT_EQ(created.status, 201) << created.body;
  const json lease = created.Json();
  EXPECT_EQ(lease["profile"], "2g.20gb");
  EXPECT_EQ(lease["slices"], 2);
  EXPECT_EQ(lease["memory_mib"], 20096);  // H100-SXM5-80GB 2g.20gb (mig-facts.md §3)
  EXPECT_EQ(lease["tenant"], "acme");
  EXPECT_EQ(lease["cdi_device"], "nvidia.com/gpu=" + lease["mig_uuid"].get<std::string>());
  EXPECT_EQ(lease["env"]["NVIDIA_VISIBLE_DEVICES"], lease["mig_uuid"]);
  const std::string id = lease["id"];
  EXPECT_EQ(Call("GET", "/v1/leases", acme_).Json()["leases"].size(), 1u);
  Reply renewed = Call("POST", "/v1/leases/" + id + "/renew", acme_, R"({"duration_seconds":120})");
  EXPECT_EQ(renewed.status, 200) << renewed.body;
  EXPECT_EQ(Call("DELETE", "/v1/leases/" + id, acme_).status, 200);
  EXPECT_EQ(Call("DELETE", "/v1/leases/" + id, acme_).status, 404);
  Reply csv = Call("GET", "/v1/usage?format=csv", acme_);
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.substr(0, csv.body.find('\n')),
            "tenant,profile,slices,leases,slice_hours,price_per_slice_hour,cost");
  EXPECT_NE(csv.body.find("\nacme,2g.20gb,2,1,"), std::string::npos);
  // The admin sees the tenant's usage too; a tenant cannot read another's.
  EXPECT_EQ(Call("GET", "/v1/usage?tenant=acme", kAdmin).Json()["rows"].size(), 1u);
  EXPECT_EQ(Call("GET", "/v1/usage?tenant=acme", beta_).status, 403);
}

TEST_F(HttpApiTest, EveryEndpointRefusesNoTokenAndTheWrongTenant) {
  Reply created = Call("POST", "/v1/leases", acme_, R"({"profile":"1g.10gb"})");
  ASSERT_EQ(created.status, 201);
  const std::string id = created.Json()["id"];
  struct Case {
    std::string method, path, body;
    int wrong_tenant;  // what beta gets for acme's resources
  };
  const std::vector<Case> cases = {
      {"GET", "/v1/leases/" + id, "", 404},
      {"POST", "/v1/leases/" + id + "/renew", "{}", 404},
      {"DELETE", "/v1/leases/" + id, "", 404},
      {"GET", "/v1/leases?tenant=acme", "", 403},
      {"POST", "/v1/leases", R"({"profile":"1g.10gb","tenant":"acme"})", 403},
      {"GET", "/v1/usage?tenant=acme", "", 403},
      {"GET", "/v1/tenants/acme", "", 403},
      {"GET", "/v1/tenants", "", 403},
      {"POST", "/v1/tenants", R"({"name":"x","quota":{"slices":1}})", 403},
      {"PUT", "/v1/tenants/acme/quota", R"({"slices":99})", 403},
      {"POST", "/v1/tenants/acme/tokens", "{}", 403},
      {"POST", "/v1/defrag", R"({"profile":"7g.80gb"})", 403},
      {"GET", "/v1/node", "", 403},
      {"GET", "/metrics", "", 403},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path);
    Reply none = Call(c.method, c.path, "", c.body);
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(none.Json()["code"], "unauthorized");
    Reply bogus = Call(c.method, c.path, "mgk_not-a-token", c.body);
    EXPECT_EQ(bogus.status, 401);
    Reply wrong = Call(c.method, c.path, beta_, c.body);
    EXPECT_EQ(wrong.status, c.wrong_tenant) << wrong.body;
    EXPECT_TRUE(wrong.Json().contains("message"));
  }
  // Nothing changed: acme's lease is intact and its quota unchanged.
  EXPECT_EQ(Call("GET", "/v1/leases/" + id, acme_).status, 200);
  EXPECT_EQ(Call("GET", "/v1/tenants/acme", acme_).Json()["quota"]["slices"], 4);
  EXPECT_TRUE(Call("GET", "/v1/leases", beta_).Json()["leases"].empty());
}

TEST_F(HttpApiTest, BadRequestsGet400WithTheReason) {
  Reply malformed = Call("POST", "/v1/leases", acme_, R"({"profile":)");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.Json()["code"], "invalid_argument");
  EXPECT_EQ(malformed.Json()["message"].get<std::string>().rfind("malformed JSON", 0), 0u);
  EXPECT_EQ(
      Call("POST", "/v1/leases", acme_, R"({"profile":"1g.10gb","color":"red"})").Json()["message"],
      "unknown field 'color' (valid: duration_seconds, need, profile, tenant)");
  EXPECT_EQ(Call("POST", "/v1/leases", acme_, R"({"profile":"1g.10gb","duration_seconds":"1h"})")
                .Json()["message"],
            "'duration_seconds' must be an integer");
  EXPECT_EQ(Call("POST", "/v1/leases", acme_, R"([1,2])").Json()["message"],
            "the body must be a JSON object");
  EXPECT_EQ(Call("POST", "/v1/leases", acme_, "{}").status, 400);
  EXPECT_EQ(Call("GET", "/v1/usage?from=yesterday", acme_).status, 400);
  Reply unknown = Call("GET", "/v1/nothing", acme_);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Json()["message"], "no such endpoint: GET /v1/nothing");
}

TEST_F(HttpApiTest, OverQuotaIs403WithUsedAndAllowed) {
  ASSERT_EQ(Call("POST", "/v1/leases", acme_, R"({"profile":"3g.40gb"})").status, 201);
  Reply over = Call("POST", "/v1/leases", acme_, R"({"need":"mem>=19GiB,sms>=30"})");
  EXPECT_EQ(over.status, 403);
  EXPECT_EQ(over.Json()["code"], "quota_exceeded");
  EXPECT_EQ(over.Json()["message"],
            "tenant acme: 2g.20gb needs 2 compute slices; quota 4, 3 used, 1 left");
}

TEST_F(HttpApiTest, AdminDefragDryRunAndTenants) {
  Reply plan = Call("POST", "/v1/defrag", kAdmin, R"({"profile":"7g.80gb"})");
  ASSERT_EQ(plan.status, 200) << plan.body;
  EXPECT_EQ(plan.Json()["fits_now"], true);
  EXPECT_EQ(plan.Json()["executed"], false);
  Reply tenants = Call("GET", "/v1/tenants", kAdmin);
  ASSERT_EQ(tenants.status, 200);
  EXPECT_EQ(tenants.Json()["tenants"].size(), 2u);
  EXPECT_EQ(Call("POST", "/v1/tenants", kAdmin, R"({"name":"acme","quota":{"slices":1}})").status,
            409);
  EXPECT_EQ(
      Call("POST", "/v1/tenants", kAdmin, R"({"name":"Bad Name","quota":{"slices":1}})").status,
      400);
}

class HttpApiLimitsTest : public HttpApiTest {
 protected:
  void SetUp() override {
    ApiOptions options;
    options.max_body_bytes = 1024;
    options.rate_per_second = 0.001;
    options.rate_burst = 12;
    Start(options);
  }
};

TEST_F(HttpApiLimitsTest, BodySizeAndRateAreLimited) {
  // SetUp used 4 of the admin's 12 requests.
  Reply big = Call("POST", "/v1/leases", acme_, "{\"profile\":\"" + std::string(2000, 'x') + "\"}");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.Json()["message"], "request body too large");
  int limited = 0;
  for (int i = 0; i < 20; ++i) {
    Reply r = Call("GET", "/v1/tenants", kAdmin);
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(r.Json()["code"], "rate_limited");
    }
  }
  EXPECT_EQ(limited, 12);  // 20 - (12 - 4) admitted
}

}  // namespace
}  // namespace migkit
