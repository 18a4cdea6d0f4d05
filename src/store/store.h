// Store: where the slice service keeps tenants, leases and the usage ledger.
//
// Every change is one transaction: a lease is inserted together with its ledger start only if the
// tenant's quota still allows it (CheckQuota over every node's active leases, read in the same
// transaction), and a lease is removed together with its ledger stop. So concurrent requests, and
// several migkitd sharing one store, can never together exceed a quota, and a crash at any point
// leaves either both records or neither: the ledger never double-counts.
//
// Thread-safety: one Store per thread; any number of processes may share the database.
#ifndef MIGKIT_STORE_STORE_H_
#define MIGKIT_STORE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/records.h"

namespace migkit {

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  /// Adds a tenant. kInUse if the name exists; kInvalidArgument for a bad name or quota.
  virtual Status CreateTenant(const Tenant& tenant) = 0;
  /// Replaces a tenant's quota (leases already held stay). kNotFound if there is no such tenant.
  virtual Status SetQuota(const std::string& tenant, const Quota& quota) = 0;
  /// kNotFound if there is no such tenant.
  virtual StatusOr<Tenant> GetTenant(const std::string& name) = 0;
  /// Every tenant, by name.
  virtual StatusOr<std::vector<Tenant>> ListTenants() = 0;
  /// Records a bearer token of `tenant` by its hash (the token itself is never stored). kNotFound
  /// if there is no such tenant; kInUse if the hash exists.
  virtual Status AddToken(const std::string& tenant, const std::string& token_hash) = 0;
  /// The tenant a token hash belongs to; kNotFound for an unknown hash.
  virtual StatusOr<std::string> TenantOfToken(const std::string& token_hash) = 0;
  /// What `tenant` holds now, over every node.
  virtual StatusOr<QuotaUsage> Usage(const std::string& tenant) = 0;

  /// Records `lease` and its ledger start (at lease.created_micros) when the tenant's quota
  /// allows it. kNotFound (no such tenant), kNoPermission (over quota, from CheckQuota), kInUse
  /// (the instance is already leased, or the id exists); nothing is written on error.
  virtual Status InsertLease(const Lease& lease) = 0;
  /// Removes lease `id` and appends its ledger stop at `micros` with `reason`. kNotFound if no
  /// such lease is active (so a second release writes nothing).
  virtual Status RemoveLease(const std::string& id, std::int64_t micros,
                             const std::string& reason) = 0;
  /// Sets the expiry of lease `id` (empty: until released). kNotFound if it is not active.
  virtual Status SetExpiry(const std::string& id, std::optional<std::int64_t> expires_micros) = 0;
  /// kNotFound if lease `id` is not active.
  virtual StatusOr<Lease> GetLease(const std::string& id) = 0;
  /// Active leases, oldest first: of one tenant and/or one node when given, else all.
  virtual StatusOr<std::vector<Lease>> ListLeases(const std::optional<std::string>& tenant,
                                                  const std::optional<std::string>& node) = 0;

  /// Ledger lines in order of seq, of one tenant when given.
  virtual StatusOr<std::vector<LedgerEntry>> Ledger(const std::optional<std::string>& tenant) = 0;
};

}  // namespace migkit

#endif  // MIGKIT_STORE_STORE_H_
