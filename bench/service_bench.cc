// service_bench: migkitd's slice service without HTTP, on an emulated 8 x H100-SXM5-80GB node.
//
//   1. Lease + release cycles per second, with idle-instance reuse and without, and the p50/p99
//      grant latency, at 1 to 64 concurrent clients (one tenant each, quotas never binding). The
//      node and busy marks live in memory (MemEnv); the store is SQLite (WAL, synchronous=FULL) in
//      a temporary directory, as migkitd runs it. Every run checks that no instance was leased
//      twice and no quota was overrun.
//   2. Capacity-preserving placement against first-fit on one random stream of lease and release
//      requests: how many requests were refused for lack of room while the node had enough free
//      (unleased) compute slices for them.
//
// usage: service_bench [CYCLES_PER_RUN] [STREAM_LENGTH] [memory]   (defaults 400, 4000, disk)
// "memory" keeps the store in memory, to show the service's own cost without fsync.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/fleet_spec.h"
#include "emu/emulated_node.h"
#include "service/slice_service.h"
#include "store/sqlite_store.h"
#include "testing/mem_env.h"
#include "testing/temp_dir.h"

namespace migkit {
namespace {

struct Node {
  MemEnv env;
  std::unique_ptr<EmulatedNode> node;
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<SliceService> service;
};

std::unique_ptr<Node> OpenNode(const std::string& store_path, ServiceOptions options) {
  auto n = std::make_unique<Node>();
  EmulatorOptions emu;
  emu.state_dir = "/node";
  emu.spec = ParseFleetSpec("8xH100-SXM5-80GB", Catalog::BuiltIn()).value();
  n->node = std::move(EmulatedNode::Open(&n->env, &Catalog::BuiltIn(), emu).value());
  for (int g = 0; g < 8; ++g) {
    Status activation;
    if (!n->node->SetMigMode(g, true, &activation).ok()) std::abort();
  }
  n->store = std::move(SqliteStore::Open(store_path).value());
  options.busy_dir = "/node";
  n->service = std::make_unique<SliceService>(n->node.get(), n->store.get(), &n->env, options);
  return n;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

void Throughput(int cycles_per_run, bool memory_store) {
  std::printf(
      "| clients | reuse | cycles/s | grant p50 (ms) | grant p99 (ms) | reused | no room |\n");
  std::printf("|---:|---|---:|---:|---:|---:|---:|\n");
  const std::vector<std::string> profiles = {"1g.10gb", "2g.20gb", "3g.40gb", "1g.20gb"};
  for (bool reuse : {true, false}) {
    for (int clients : {1, 4, 16, 64}) {
      ScopedTempDir dir;
      ServiceOptions options;
      options.reuse_idle = reuse;
      auto n = OpenNode(memory_store ? ":memory:" : dir.path() + "/migkitd.db", options);
      for (int c = 0; c < clients; ++c) {
        if (!n->store->CreateTenant({"t" + std::to_string(c), Quota{1000, std::nullopt, {}}})
                 .ok()) {
          std::abort();
        }
      }
      std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
      std::atomic<int> next{0}, reused{0}, failures{0}, no_room{0};
      const auto start = std::chrono::steady_clock::now();
      std::vector<std::thread> threads;
      for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
          const std::string tenant = "t" + std::to_string(c);
          for (int i; (i = next++) < cycles_per_run;) {
            const auto t0 = std::chrono::steady_clock::now();
            StatusOr<Grant> g = n->service->Create(
                {tenant, profiles[static_cast<size_t>(i) % profiles.size()], std::nullopt});
            const auto t1 = std::chrono::steady_clock::now();
            if (!g.ok()) {
              // 64 clients can hold more than 8 GPUs' 56 slices: "no room" is an answer.
              ++(g.status().code() == Code::kInsufficientResources ? no_room : failures);
              continue;
            }
            latencies[static_cast<size_t>(c)].push_back(
                std::chrono::duration<double, std::milli>(t1 - t0).count());
            reused += g->reused;
            if (!n->service->Release(g->lease.id, tenant).ok()) ++failures;
          }
        });
      }
      for (std::thread& t : threads) t.join();
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::vector<double> all;
      for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
      // Zero double allocations and quota overruns: every lease was released, the store's leases
      // are empty, and the ledger has a stop for every start.
      const auto ledger = n->store->Ledger(std::nullopt).value();
      const size_t starts =
          static_cast<size_t>(std::count_if(ledger.begin(), ledger.end(), [](const LedgerEntry& e) {
            return e.kind == LedgerKind::kStart;
          }));
      if (failures > 0 || !n->store->ListLeases(std::nullopt, std::nullopt)->empty() ||
          2 * starts != ledger.size()) {
        std::printf("FAILED: %d failed requests\n", failures.load());
        std::exit(1);
      }
      std::printf("| %d | %s | %.0f | %.2f | %.2f | %d of %zu | %d |\n", clients,
                  reuse ? "yes" : "no", all.size() / seconds, Percentile(all, 0.5),
                  Percentile(all, 0.99), reused.load(), all.size(), no_room.load());
    }
  }
}

void Refusals(int stream_length) {
  // Profiles weighted towards small slices, with some whole GPUs (H100-SXM5-80GB profiles).
  const std::vector<std::pair<std::string, double>> mix = {{"1g.10gb", 35}, {"1g.20gb", 10},
                                                           {"2g.20gb", 20}, {"3g.40gb", 20},
                                                           {"4g.40gb", 5},  {"7g.80gb", 10}};
  std::vector<double> weights;
  for (const auto& m : mix) weights.push_back(m.second);
  const std::map<std::string, int> slices = {{"1g.10gb", 1}, {"1g.20gb", 1}, {"2g.20gb", 2},
                                             {"3g.40gb", 3}, {"4g.40gb", 4}, {"7g.80gb", 7}};
  std::printf(
      "\n| released instances | placement | requests | granted | refused (all with "
      "enough free slices) |\n|---|---|---:|---:|---:|\n");
  for (bool keep_idle : {false, true})
    for (PlacementPolicy policy :
         {PlacementPolicy::kFirstFit, PlacementPolicy::kCapacityPreserving}) {
      ServiceOptions options;
      options.placement = policy;
      options.keep_idle = keep_idle;
      options.reuse_idle = keep_idle;
      auto n = OpenNode(":memory:", options);
      if (!n->store->CreateTenant({"t", Quota{1000, std::nullopt, {}}}).ok()) std::abort();
      std::mt19937_64 rng(2026);  // the same stream for both policies
      std::discrete_distribution<int> pick(weights.begin(), weights.end());
      std::vector<std::string> active;
      int requests = 0, granted = 0, no_room = 0, fragmented = 0, leased_slices = 0;
      for (int i = 0; i < stream_length; ++i) {
        // Keep the node around 80 % leased: lease while fewer than 45 of its 56 slices are leased,
        // else release a random lease. So at least 11 slices are free at every request, more than
        // any profile needs: every refusal is one for lack of room where free slices existed.
        const std::string profile = mix[static_cast<size_t>(pick(rng))].first;
        const std::uint64_t which = rng();
        if (leased_slices < 45) {
          ++requests;
          StatusOr<Grant> g = n->service->Create({"t", profile, std::nullopt});
          if (g.ok()) {
            ++granted;
            active.push_back(g->lease.id);
            leased_slices += g->lease.slices;
          } else {
            ++no_room;
            if (56 - leased_slices >= slices.at(profile)) ++fragmented;
          }
        } else if (!active.empty()) {
          const size_t k = which % active.size();
          const Lease l = n->service->Get(active[k], std::nullopt).value();
          if (!n->service->Release(active[k], std::nullopt).ok()) std::abort();
          leased_slices -= l.slices;
          active.erase(active.begin() + static_cast<long>(k));
        }
      }
      if (fragmented != no_room) std::abort();  // the load keeps 11+ slices free: see above
      std::printf("| %s | %s | %d | %d | %d (%.1f %%) |\n",
                  keep_idle ? "kept idle, reused" : "destroyed",
                  policy == PlacementPolicy::kFirstFit ? "first-fit" : "capacity-preserving",
                  requests, granted, no_room, 100.0 * no_room / requests);
    }
}

}  // namespace
}  // namespace migkit

int main(int argc, char** argv) {
  const int cycles = argc > 1 ? std::atoi(argv[1]) : 400;
  const int stream = argc > 2 ? std::atoi(argv[2]) : 4000;
  const bool memory_store = argc > 3 && std::string(argv[3]) == "memory";
  std::printf("store: %s\n\n", memory_store ? "SQLite in memory" : "SQLite file (WAL, FULL sync)");
  migkit::Throughput(cycles, memory_store);
  migkit::Refusals(stream);
  return 0;
}
