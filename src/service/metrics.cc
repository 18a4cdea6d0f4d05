#include "service/metrics.h"

#include <fmt/format.h>

#include <set>

#include "core/capacity.h"

namespace migkit {
namespace {

using InstanceKey = std::pair<std::string, int>;

std::set<InstanceKey> LeasedKeys(const std::vector<Lease>& leases) {
  std::set<InstanceKey> keys;
  for (const Lease& l : leases) keys.insert({l.gpu_uuid, l.gi_id});
  return keys;
}

// Label values here are GPU indexes, model ids, profile and tenant names, HTTP methods: none has
// a backslash, quote or newline, but escape anyway so that a future label cannot break the text.
std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Header(std::string* out, const char* name, const char* type, const char* help) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

struct GpuSlices {
  int leased = 0, idle = 0, free = 0;
};

GpuSlices SlicesOf(const GpuInfo& g, const std::set<InstanceKey>& leased) {
  GpuSlices s;
  for (const GpuInstance& gi : g.state.gpu_instances) {
    const GiProfile* p = g.model->FindProfileById(gi.profile_id);
    if (p == nullptr) continue;
    (leased.count({g.uuid, gi.id}) ? s.leased : s.idle) += p->slices;
  }
  s.free = g.model->compute_slices - s.leased - s.idle;
  return s;
}

// A MIG-enabled GPU as placement sees it with idle instances reclaimed: its leased instances.
NodeGpu LeasedView(const GpuInfo& g, const std::set<InstanceKey>& leased) {
  NodeGpu view{g.model, {}};
  for (const GpuInstance& gi : g.state.gpu_instances) {
    const GiProfile* p = g.model->FindProfileById(gi.profile_id);
    if (p != nullptr && leased.count({g.uuid, gi.id})) view.instances.push_back({p, gi.placement});
  }
  return view;
}

}  // namespace

void RequestStats::Observe(const std::string& method, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{method, status}];
  Histogram& h = latency_[method];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string RequestStats::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  Header(&out, "migkitd_http_requests_total", "counter", "HTTP requests by method and status.");
  for (const auto& [key, n] : requests_) {
    out += fmt::format("migkitd_http_requests_total{{method=\"{}\",code=\"{}\"}} {}\n",
                       Escape(key.first), key.second, n);
  }
  Header(&out, "migkitd_http_request_duration_seconds", "histogram",
         "Time from reading a request to its response, by method.");
  for (const auto& [method, h] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format(
          "migkitd_http_request_duration_seconds_bucket{{method=\"{}\",le=\"{}\"}} {}\n",
          Escape(method), kBuckets[i], h.buckets[i]);
    }
    out += fmt::format(
        "migkitd_http_request_duration_seconds_bucket{{method=\"{}\",le=\"+Inf\"}} {}\n",
        Escape(method), h.count);
    out += fmt::format("migkitd_http_request_duration_seconds_sum{{method=\"{}\"}} {}\n",
                       Escape(method), h.sum);
    out += fmt::format("migkitd_http_request_duration_seconds_count{{method=\"{}\"}} {}\n",
                       Escape(method), h.count);
  }
  return out;
}

double FragmentationScore(const std::vector<GpuInfo>& gpus, const std::vector<Lease>& leases) {
  const std::set<InstanceKey> leased = LeasedKeys(leases);
  std::vector<NodeGpu> usable;
  for (const GpuInfo& g : gpus) {
    if (g.state.MigUsable()) usable.push_back(LeasedView(g, leased));
  }
  return FragmentationScore(usable);
}

std::string RenderNodeMetrics(const std::vector<GpuInfo>& gpus, const std::vector<Lease>& leases,
                              const std::vector<TenantMetrics>& tenants) {
  const std::set<InstanceKey> leased = LeasedKeys(leases);
  std::string out;
  Header(&out, "migkitd_gpu_slices", "gauge",
         "Compute slices of each GPU by state: leased, idle (an instance no lease holds), free.");
  int total = 0, used = 0;
  for (const GpuInfo& g : gpus) {
    const GpuSlices s = SlicesOf(g, leased);
    for (const auto& [state, n] :
         {std::pair<const char*, int>{"leased", s.leased}, {"idle", s.idle}, {"free", s.free}}) {
      out += fmt::format("migkitd_gpu_slices{{gpu=\"{}\",model=\"{}\",state=\"{}\"}} {}\n", g.index,
                         Escape(g.model->id), state, n);
    }
    if (g.state.MigUsable()) {
      total += g.model->compute_slices;
      used += s.leased;
    }
  }
  Header(&out, "migkitd_instances", "gauge", "MIG instances by GPU, profile and state.");
  for (const GpuInfo& g : gpus) {
    std::map<std::pair<std::string, bool>, int> counts;
    for (const GpuInstance& gi : g.state.gpu_instances) {
      const GiProfile* p = g.model->FindProfileById(gi.profile_id);
      if (p != nullptr) ++counts[{p->name, leased.count({g.uuid, gi.id}) > 0}];
    }
    for (const auto& [key, n] : counts) {
      out += fmt::format("migkitd_instances{{gpu=\"{}\",profile=\"{}\",state=\"{}\"}} {}\n",
                         g.index, Escape(key.first), key.second ? "leased" : "idle", n);
    }
  }
  Header(&out, "migkitd_tenant_leases", "gauge", "Active leases of each tenant, over every node.");
  for (const TenantMetrics& t : tenants) {
    int n = 0;
    for (const auto& [profile, count] : t.usage.profiles) n += count;
    out += fmt::format("migkitd_tenant_leases{{tenant=\"{}\"}} {}\n", Escape(t.tenant.name), n);
  }
  Header(&out, "migkitd_tenant_slices", "gauge",
         "Compute slices each tenant holds, over every node.");
  for (const TenantMetrics& t : tenants) {
    out += fmt::format("migkitd_tenant_slices{{tenant=\"{}\"}} {}\n", Escape(t.tenant.name),
                       t.usage.slices);
  }
  Header(&out, "migkitd_tenant_quota_slices", "gauge", "Each tenant's quota in compute slices.");
  for (const TenantMetrics& t : tenants) {
    out += fmt::format("migkitd_tenant_quota_slices{{tenant=\"{}\"}} {}\n", Escape(t.tenant.name),
                       t.tenant.quota.slices);
  }
  Header(&out, "migkitd_allocation_ratio", "gauge",
         "Leased compute slices over the compute slices of this node's MIG-enabled GPUs.");
  out += fmt::format("migkitd_allocation_ratio {}\n",
                     total == 0 ? 0.0 : static_cast<double>(used) / total);
  Header(&out, "migkitd_fragmentation_score", "gauge",
         "0 when every free slice can go to one instance; towards 1 as free slices scatter.");
  out += fmt::format("migkitd_fragmentation_score {}\n", FragmentationScore(gpus, leases));
  return out;
}

}  // namespace migkit
