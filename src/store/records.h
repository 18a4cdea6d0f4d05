// Records of the slice service: tenants, their quotas, leases and the usage ledger.
//
// These are plain values shared by every Store (SQLite, PostgreSQL) and by the service above it.
// A lease is one MIG instance (a GPU instance and its compute instance) held by one tenant; the
// ledger is append-only and records each lease's start and stop exactly once.
#ifndef MIGKIT_STORE_RECORDS_H_
#define MIGKIT_STORE_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace migkit {

/// What a tenant may hold at once. The hard limit is in compute slices, a unit that does not depend
/// on the profile (a 3g.40gb holds 3, a 7g.80gb 7); memory and per-profile caps are optional.
struct Quota {
  int slices = 0;                           // compute slices held at once
  std::optional<std::int64_t> memory_gib;   // GiB of instance memory held at once
  std::map<std::string, int> profile_caps;  // profile name -> instances held at once
  friend bool operator==(const Quota&, const Quota&) = default;
};

struct Tenant {
  std::string name;  // [a-z0-9][a-z0-9_-]{0,62}
  Quota quota;
  friend bool operator==(const Tenant&, const Tenant&) = default;
};

/// What a tenant holds now, as quota checks count it.
struct QuotaUsage {
  int slices = 0;
  std::int64_t memory_mib = 0;
  std::map<std::string, int> profiles;  // profile name -> active leases
};

struct Lease {
  std::string id;  // "lease-" + 16 hex digits
  std::string tenant;
  std::string node;  // the migkitd that owns the instance (several share one store)
  int gpu = 0;       // GPU index on that node
  std::string gpu_uuid;
  int gi_id = 0;
  int ci_id = 0;
  std::string profile;  // GI profile name, "3g.40gb"
  int slices = 0;       // compute slices of the profile
  std::int64_t memory_mib = 0;
  std::string mig_uuid;  // "MIG-..."
  std::int64_t created_micros = 0;
  std::optional<std::int64_t> expires_micros;  // empty: until released
  friend bool operator==(const Lease&, const Lease&) = default;
};

enum class LedgerKind { kStart, kStop };

/// One ledger line. A lease has exactly one start and at most one stop.
struct LedgerEntry {
  std::int64_t seq = 0;  // assigned by the store, increasing
  LedgerKind kind = LedgerKind::kStart;
  std::string lease_id;
  std::string tenant;
  std::string node;
  std::string profile;
  int slices = 0;
  std::string gpu_uuid;
  std::int64_t micros = 0;  // when the lease started or stopped
  std::string reason;       // stop only: "released", "expired", "instance vanished"
  friend bool operator==(const LedgerEntry&, const LedgerEntry&) = default;
};

}  // namespace migkit

#endif  // MIGKIT_STORE_RECORDS_H_
