#include "service/metrics.h"

#include <gtest/gtest.h>

#include "service/test_node.h"

namespace migkit {
namespace {

TEST(Metrics, GaugesFollowTheNode) {
  TestNode t;
  ASSERT_EQ(t.Open("2xH100-SXM5-80GB", ":memory:"), "");
  ASSERT_TRUE(t.store->CreateTenant({"acme", Quota{8, std::nullopt, {}}}).ok());
  ASSERT_TRUE(t.service->Create({"acme", "3g.40gb", std::nullopt}).ok());
  ASSERT_TRUE(t.node->CreateGpuInstance(1, 19, 0).ok());  // an idle 1g.10gb on GPU 1
  NodeSnapshot snap = t.service->Snapshot().value();
  const int leased_gpu = snap.leases.at(0).gpu;
  const std::string text = RenderNodeMetrics(
      snap.gpus, snap.leases,
      {{Tenant{"acme", Quota{8, std::nullopt, {}}}, QuotaUsage{3, 40448, {{"3g.40gb", 1}}}}});
  // H100-SXM5-80GB has 7 compute slices (mig-facts.md §3): 3 leased, 4 free on the lease's GPU.
  const std::string g = std::to_string(leased_gpu);
  EXPECT_NE(text.find("migkitd_gpu_slices{gpu=\"" + g +
                      "\",model=\"H100-SXM5-80GB\",state=\"leased\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("migkitd_gpu_slices{gpu=\"" + g +
                      "\",model=\"H100-SXM5-80GB\",state=\"free\"} 4\n"),
            std::string::npos);
  EXPECT_NE(text.find("migkitd_instances{gpu=\"1\",profile=\"1g.10gb\",state=\"idle\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("migkitd_tenant_slices{tenant=\"acme\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("migkitd_tenant_quota_slices{tenant=\"acme\"} 8\n"), std::string::npos);
  // 3 of 14 slices leased.
  const size_t ratio = text.find("\nmigkitd_allocation_ratio ");
  ASSERT_NE(ratio, std::string::npos);
  EXPECT_NEAR(std::stod(text.substr(ratio + 26)), 3.0 / 14, 1e-9);
}

TEST(Metrics, FragmentationScore) {
  TestNode t;
  ASSERT_EQ(t.Open("H100-SXM5-80GB", ":memory:"), "");
  // An empty GPU: all 7 free slices fit one 7g.80gb.
  EXPECT_DOUBLE_EQ(FragmentationScore(t.node->Gpus().value(), {}), 0.0);
  // Leased 1g.10gb at units 0 and 4 leave 5 free slices; 3g.40gb (starts 0, 4) and 4g.40gb
  // (start 0) no longer fit, the largest is a 2g.20gb at 2: score 1 - 2/5.
  ASSERT_TRUE(t.node->CreateGpuInstance(0, 19, 0).ok());
  ASSERT_TRUE(t.node->CreateGpuInstance(0, 19, 4).ok());
  std::vector<GpuInfo> gpus = t.node->Gpus().value();
  std::vector<Lease> leases;
  for (const GpuInstance& gi : gpus[0].state.gpu_instances) {
    Lease l;
    l.gpu_uuid = gpus[0].uuid;
    l.gi_id = gi.id;
    leases.push_back(l);
  }
  EXPECT_DOUBLE_EQ(FragmentationScore(gpus, leases), 1.0 - 2.0 / 5.0);
  // The same instances idle are reclaimable: no fragmentation.
  EXPECT_DOUBLE_EQ(FragmentationScore(gpus, {}), 0.0);
}

TEST(Metrics, RequestHistogram) {
  RequestStats stats;
  stats.Observe("GET", 200, 0.002);
  stats.Observe("GET", 404, 0.3);
  const std::string text = stats.Render();
  EXPECT_NE(text.find("migkitd_http_requests_total{method=\"GET\",code=\"200\"} 1\n"),
            std::string::npos);
  EXPECT_NE(
      text.find("migkitd_http_request_duration_seconds_bucket{method=\"GET\",le=\"0.0025\"} 1\n"),
      std::string::npos);
  EXPECT_NE(
      text.find("migkitd_http_request_duration_seconds_bucket{method=\"GET\",le=\"+Inf\"} 2\n"),
      std::string::npos);
  EXPECT_NE(text.find("migkitd_http_request_duration_seconds_count{method=\"GET\"} 2\n"),
            std::string::npos);
}

}  // namespace
}  // namespace migkit
