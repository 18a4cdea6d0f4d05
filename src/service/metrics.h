// Metrics: migkitd's state in the Prometheus text exposition format (version 0.0.4).
//
// RenderMetrics is a pure function of a snapshot (GPUs, leases, tenants) and the request
// statistics, so the text can be checked in tests and by `promtool check metrics`.
//
// Fragmentation score: for each GPU, 1 - (compute slices of the largest GI that could be created
// on it, counting idle instances as reclaimable) / (its compute slices not held by leases); 0 for
// a GPU with nothing free. The node's score is the average weighted by those free slices: 0 when
// every free slice can go to one instance, towards 1 as free slices scatter.
//
// Thread-safety: RequestStats may be used from any thread.
#ifndef MIGKIT_SERVICE_METRICS_H_
#define MIGKIT_SERVICE_METRICS_H_

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "store/records.h"

namespace migkit {

/// Counts and latencies of HTTP requests, by method and status.
class RequestStats {
 public:
  /// Upper bounds of the latency histogram's buckets, in seconds.
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.25,  1.0};
  void Observe(const std::string& method, int status, double seconds);
  /// The text of migkitd_http_requests_total and migkitd_http_request_duration_seconds.
  std::string Render() const;

 private:
  struct Histogram {
    std::array<long long, kBuckets.size()> buckets{};
    long long count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, long long> requests_;
  std::map<std::string, Histogram> latency_;  // by method
};

struct TenantMetrics {
  Tenant tenant;
  QuotaUsage usage;  // over every node
};

/// The node's gauges: slices and instances per GPU and state, per-tenant leases and slices,
/// allocation ratio and fragmentation score.
std::string RenderNodeMetrics(const std::vector<GpuInfo>& gpus, const std::vector<Lease>& leases,
                              const std::vector<TenantMetrics>& tenants);

/// The fragmentation score defined above, over the GPUs of a node.
double FragmentationScore(const std::vector<GpuInfo>& gpus, const std::vector<Lease>& leases);

}  // namespace migkit

#endif  // MIGKIT_SERVICE_METRICS_H_
