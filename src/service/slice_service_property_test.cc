// Properties of the slice service over random streams of requests: no instance is ever leased
// twice, no tenant ever holds more than its quota, every active lease's instance exists with the
// recorded MIG UUID, and the ledger has exactly one start and at most one stop per lease.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>

#include "service/slice_service.h"
#include "service/test_node.h"

namespace migkit {
namespace {

void CheckInvariants(TestNode& t, const std::map<std::string, int>& quotas) {
  const std::vector<Lease> leases = t.store->ListLeases(std::nullopt, std::nullopt).value();
  const std::vector<GpuInfo> gpus = t.node->Gpus().value();
  std::set<std::pair<std::string, int>> instances;
  std::map<std::string, int> held;
  for (const Lease& l : leases) {
    RC_ASSERT(instances.insert({l.gpu_uuid, l.gi_id}).second);  // no double allocation
    held[l.tenant] += l.slices;
    const GpuInfo& gpu = gpus.at(static_cast<size_t>(l.gpu));
    RC_ASSERT(gpu.uuid == l.gpu_uuid);
    const GpuInstance* gi = gpu.state.FindGpuInstance(l.gi_id);
    RC_ASSERT(gi != nullptr);
    RC_ASSERT(gpu.model->FindProfileById(gi->profile_id)->name == l.profile);
    RC_ASSERT(gpu.mig_uuids.at({l.gi_id, l.ci_id}) == l.mig_uuid);
  }
  for (const auto& [tenant, slices] : held) RC_ASSERT(slices <= quotas.at(tenant));
  std::map<std::string, std::pair<int, int>> starts_stops;
  const std::vector<LedgerEntry> ledger = t.store->Ledger(std::nullopt).value();
  for (const LedgerEntry& e : ledger) {
    auto& [starts, stops] = starts_stops[e.lease_id];
    (e.kind == LedgerKind::kStart ? starts : stops)++;
  }
  size_t open = 0;
  for (const auto& [id, counts] : starts_stops) {
    RC_ASSERT(counts.first == 1);
    RC_ASSERT(counts.second <= 1);
    if (counts.second == 0) ++open;
  }
  RC_ASSERT(open == leases.size());
}

RC_GTEST_PROP(SliceServiceProperty, NoDoubleAllocationNoQuotaOverrunExactLedger, ()) {
  TestNode t;
  RC_ASSERT(t.Open("2xH100-SXM5-80GB", ":memory:") == "");
  const std::map<std::string, int> quotas = {
      {"a", *rc::gen::inRange(0, 10)}, {"b", *rc::gen::inRange(0, 10)}, {"c", 14}};
  for (const auto& [name, slices] : quotas) {
    RC_ASSERT(t.store->CreateTenant({name, Quota{slices, std::nullopt, {}}}).ok());
  }
  const std::vector<std::string> whats = {"1g.10gb", "1g.20gb", "2g.20gb",   "3g.40gb",
                                          "4g.40gb", "7g.80gb", "mem>=15GiB"};
  const int steps = *rc::gen::inRange(1, 40);
  for (int i = 0; i < steps; ++i) {
    const int op = *rc::gen::inRange(0, 10);
    if (op < 5) {
      const std::string tenant = *rc::gen::elementOf(std::vector<std::string>{"a", "b", "c"});
      std::optional<std::int64_t> seconds;
      if (*rc::gen::arbitrary<bool>()) seconds = *rc::gen::inRange(1, 7200);
      StatusOr<Grant> g = t.service->Create({tenant, *rc::gen::elementOf(whats), seconds});
      RC_ASSERT(g.ok() || g.status().code() == Code::kNoPermission ||
                g.status().code() == Code::kInsufficientResources);
    } else if (op < 8) {
      const std::vector<Lease> leases = t.service->List(std::nullopt).value();
      if (leases.empty()) continue;
      const Lease& l = leases[*rc::gen::inRange<size_t>(0, leases.size())];
      RC_ASSERT(t.service->Release(l.id, l.tenant).ok());
    } else if (op < 9) {
      t.env.Advance(std::int64_t{*rc::gen::inRange(1, 3600)} * 1'000'000);
      RC_ASSERT(t.service->ExpireDue().ok());
    } else {
      StatusOr<DefragPlan> d = t.service->Defrag(*rc::gen::elementOf(whats));
      RC_ASSERT(d.ok());
    }
    CheckInvariants(t, quotas);
  }
}

}  // namespace
}  // namespace migkit
