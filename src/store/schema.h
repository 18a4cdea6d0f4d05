// The store's tables that SQLite and PostgreSQL share, in SQL both accept (SQLite reads BIGINT as
// INTEGER). The ledger's sequence column and append-only rule are written in each store's own
// dialect.
#ifndef MIGKIT_STORE_SCHEMA_H_
#define MIGKIT_STORE_SCHEMA_H_

namespace migkit {

inline constexpr const char* kPortableSchema = R"sql(
CREATE TABLE IF NOT EXISTS tenants (
  name TEXT PRIMARY KEY,
  quota_slices INTEGER NOT NULL,
  quota_memory_gib BIGINT
);
CREATE TABLE IF NOT EXISTS profile_caps (
  tenant TEXT NOT NULL REFERENCES tenants(name),
  profile TEXT NOT NULL,
  cap INTEGER NOT NULL,
  PRIMARY KEY (tenant, profile)
);
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  tenant TEXT NOT NULL REFERENCES tenants(name)
);
CREATE TABLE IF NOT EXISTS leases (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL REFERENCES tenants(name),
  node TEXT NOT NULL,
  gpu INTEGER NOT NULL,
  gpu_uuid TEXT NOT NULL,
  gi_id INTEGER NOT NULL,
  ci_id INTEGER NOT NULL,
  profile TEXT NOT NULL,
  slices INTEGER NOT NULL,
  memory_mib BIGINT NOT NULL,
  mig_uuid TEXT NOT NULL,
  created_micros BIGINT NOT NULL,
  expires_micros BIGINT,
  UNIQUE (node, gpu_uuid, gi_id)
);
CREATE INDEX IF NOT EXISTS leases_by_tenant ON leases(tenant);
)sql";

/// The ledger's columns after its sequence column `seq`, whose type is each dialect's own.
inline constexpr const char* kLedgerColumns = R"sql(
  kind TEXT NOT NULL CHECK (kind IN ('start', 'stop')),
  lease_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  node TEXT NOT NULL,
  profile TEXT NOT NULL,
  slices INTEGER NOT NULL,
  gpu_uuid TEXT NOT NULL,
  micros BIGINT NOT NULL,
  reason TEXT NOT NULL,
  UNIQUE (lease_id, kind)
);
)sql";

/// The columns of `leases`, in the order the stores read them.
inline constexpr const char* kLeaseColumns =
    "id, tenant, node, gpu, gpu_uuid, gi_id, ci_id, profile, slices, memory_mib, mig_uuid, "
    "created_micros, expires_micros";

}  // namespace migkit

#endif  // MIGKIT_STORE_SCHEMA_H_
