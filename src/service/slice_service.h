// SliceService: migkitd's logic below HTTP. Tenants lease MIG instances of one node; the service
// chooses and creates the instances through a Backend and keeps leases, quotas and the ledger in
// a Store.
//
// Placement keeps the node usable: an idle instance of the right profile is reused first (no GPU
// change at all); otherwise a new one goes where it destroys the least future capacity of the node
// (core/capacity.h). A leased instance is never touched: it carries a busy mark (reconfig/busy.h)
// so `migctl apply` and schedules treat it as busy, and defrag moves only idle instances.
//
// Crash safety: a grant creates the instance, marks it busy, then records the lease and its ledger
// start in one store transaction; a release removes the lease and writes the ledger stop in one
// transaction and leaves the instance idle for reuse. A crash between steps leaves an idle
// instance or a stale busy mark, both of which Reconcile() resolves; the ledger never
// double-counts because a lease starts and stops only inside those transactions.
//
// Thread-safety: every public method may be called from any thread; calls are serialised.
#ifndef MIGKIT_SERVICE_SLICE_SERVICE_H_
#define MIGKIT_SERVICE_SLICE_SERVICE_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.h"
#include "env/env.h"
#include "store/store.h"

namespace migkit {

enum class PlacementPolicy {
  kCapacityPreserving,  // ChooseCapacityPreservingPlacement (the default)
  kFirstFit,            // the driver's automatic placement on the first GPU (a baseline)
};

struct ServiceOptions {
  /// This node's name in the store; several migkitd sharing a store need distinct names.
  std::string node = "local";
  /// Directory of busy.json (the emulator's state directory, or where `migctl busy` keeps marks).
  /// Empty: leased instances are not marked busy (tests of the service alone).
  std::string busy_dir;
  /// Reuse idle instances of the right profile before creating new ones (off only for benchmarks).
  bool reuse_idle = true;
  /// Keep a released lease's instance as idle capacity (the default); false destroys it at release
  /// (benchmarks of placement alone).
  bool keep_idle = true;
  PlacementPolicy placement = PlacementPolicy::kCapacityPreserving;
  /// The longest lease duration a request may ask for, in seconds (0: no limit).
  std::int64_t max_duration_seconds = 0;
};

struct LeaseRequest {
  std::string tenant;
  /// A profile name ("3g.40gb") or a need ("mem>=20GiB,sms>=30", as the planner reads needs:
  /// the smallest profile that meets it).
  std::string what;
  /// Seconds until the lease expires; empty: until released.
  std::optional<std::int64_t> duration_seconds;
};

struct Grant {
  Lease lease;
  bool reused = false;  // an idle instance was reused; false when one was created
};

/// What Reconcile() found and did, one line per action, for the log.
struct ReconcileReport {
  std::vector<std::string> actions;
  int vanished = 0;       // leases whose instance no longer exists, ended
  int idle = 0;           // instances no lease holds, kept as idle capacity
  int marks_removed = 0;  // busy marks of migkitd without an active lease
  int marks_added = 0;    // active leases whose busy mark was missing
  int expired = 0;
};

/// One step of a defrag plan: destroy the idle GI at `from`, and create one of the same profile at
/// `to` when `to` is set.
struct DefragMove {
  int gpu = 0;
  int gi_id = 0;
  std::string profile;
  Placement from;
  std::optional<Placement> to;
};

struct DefragPlan {
  std::string profile;                 // what should fit afterwards
  bool fits_now = false;               // it already fits: nothing to do
  std::optional<int> gpu;              // where it will fit (empty when it cannot be made to fit)
  std::optional<Placement> placement;  // where on that GPU
  std::vector<DefragMove> moves;
};

/// The node and its leases at one moment, for metrics and the web view.
struct NodeSnapshot {
  std::vector<GpuInfo> gpus;
  std::vector<Lease> leases;  // this node's active leases
};

class SliceService {
 public:
  /// `backend`, `store` and `env` (the clock and busy marks) must outlive the service.
  SliceService(Backend* backend, Store* store, Env* env, ServiceOptions options);

  /// Leases one instance to `request.tenant`. Errors: kNotFound (no such tenant), kInvalidArgument
  /// (an unknown profile or need, a duration out of range), kNoPermission (over quota: the message
  /// says what is used and allowed), kInsufficientResources (no room on the node), or the
  /// backend's and store's errors. Nothing is leased on error.
  StatusOr<Grant> Create(const LeaseRequest& request);
  /// Ends lease `id`. `tenant` set: only that tenant's lease (another's is kNotFound, so a tenant
  /// cannot learn which ids exist).
  Status Release(const std::string& id, const std::optional<std::string>& tenant);
  /// Sets lease `id` to expire `duration_seconds` from now (empty: until released).
  StatusOr<Lease> Renew(const std::string& id, const std::optional<std::string>& tenant,
                        std::optional<std::int64_t> duration_seconds);
  StatusOr<Lease> Get(const std::string& id, const std::optional<std::string>& tenant);
  /// Active leases on this node, of `tenant` when given.
  StatusOr<std::vector<Lease>> List(const std::optional<std::string>& tenant);
  /// Ends every lease of this node whose expiry has passed; returns how many.
  StatusOr<int> ExpireDue();
  /// The GPUs and this node's leases, read together.
  StatusOr<NodeSnapshot> Snapshot();
  /// Brings the store, the busy marks and the node into agreement (see ReconcileReport).
  StatusOr<ReconcileReport> Reconcile();

  /// The moves of idle instances that make room for `profile` on one GPU (fewest moves).
  StatusOr<DefragPlan> PlanDefrag(const std::string& profile);
  /// Plans and carries out the moves. On a failure midway the moves done stay done (they touched
  /// idle instances only) and the error names the step.
  StatusOr<DefragPlan> Defrag(const std::string& profile);

  const ServiceOptions& options() const { return options_; }

 private:
  /// kInvalidArgument unless 0 < seconds <= the longest duration allowed.
  Status CheckDuration(std::int64_t seconds) const;
  /// (GPU UUID, GI ID) of every instance that is not idle: leased on this node or marked busy.
  StatusOr<std::set<std::pair<std::string, int>>> TakenInstances();
  /// Creates a GI for the request where the placement policy says: (GPU position, GI ID), or
  /// nullopt when it fits nowhere now.
  StatusOr<std::optional<std::pair<size_t, int>>> CreateInstance(
      const std::vector<GpuInfo>& gpus, const std::vector<const GiProfile*>& profiles);
  /// Destroys the idle instances (not in `taken`) in the way of the requested profile on the GPU
  /// where that costs the fewest slices. False when no GPU would have room even then.
  StatusOr<bool> ReclaimIdleFor(const std::vector<GpuInfo>& gpus,
                                const std::vector<const GiProfile*>& profiles,
                                const std::set<std::pair<std::string, int>>& taken);
  StatusOr<Lease> GetLocked(const std::string& id, const std::optional<std::string>& tenant);
  StatusOr<int> ExpireDueLocked();
  StatusOr<DefragPlan> PlanDefragLocked(const std::string& profile);
  Status Mark(const Lease& lease);
  Status Unmark(const Lease& lease);
  std::string NewLeaseId();

  Backend* backend_;
  Store* store_;
  Env* env_;
  ServiceOptions options_;
  std::mutex mu_;
};

/// The holder name of migkitd's busy mark for lease `id` ("migkitd:<id>").
std::string BusyHolderOf(const std::string& lease_id);

}  // namespace migkit

#endif  // MIGKIT_SERVICE_SLICE_SERVICE_H_
