// PostgresStore: the Store in a PostgreSQL database shared by several migkitd (one per node).
//
// Quota checks are atomic across nodes: InsertLease locks the tenant's row (SELECT ... FOR UPDATE)
// before it sums the tenant's leases over every node, so two nodes granting to one tenant at once
// take turns and can never together exceed its quota. The ledger refuses UPDATE and DELETE
// (a trigger), and UNIQUE(lease_id, kind) keeps a lease from starting or stopping twice.
//
// Thread-safety: one PostgresStore (one connection) per thread.
#ifndef MIGKIT_STORE_POSTGRES_STORE_H_
#define MIGKIT_STORE_POSTGRES_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

struct pg_conn;

namespace migkit {

class PostgresStore : public Store {
 public:
  /// Connects to `conninfo` (a libpq URI, "postgresql://user@host/db" or "postgres://...") and
  /// creates the tables if needed. kIoError names the server's reason (the URI's password is
  /// never printed).
  static StatusOr<std::unique_ptr<PostgresStore>> Open(const std::string& conninfo);
  ~PostgresStore() override;

  Status CreateTenant(const Tenant& tenant) override;
  Status SetQuota(const std::string& tenant, const Quota& quota) override;
  StatusOr<Tenant> GetTenant(const std::string& name) override;
  StatusOr<std::vector<Tenant>> ListTenants() override;
  Status AddToken(const std::string& tenant, const std::string& token_hash) override;
  StatusOr<std::string> TenantOfToken(const std::string& token_hash) override;
  StatusOr<QuotaUsage> Usage(const std::string& tenant) override;
  Status InsertLease(const Lease& lease) override;
  Status RemoveLease(const std::string& id, std::int64_t micros,
                     const std::string& reason) override;
  Status SetExpiry(const std::string& id, std::optional<std::int64_t> expires_micros) override;
  StatusOr<Lease> GetLease(const std::string& id) override;
  StatusOr<std::vector<Lease>> ListLeases(const std::optional<std::string>& tenant,
                                          const std::optional<std::string>& node) override;
  StatusOr<std::vector<LedgerEntry>> Ledger(const std::optional<std::string>& tenant) override;

  /// A query result: rows of text values (nullopt for SQL NULL).
  using Row = std::vector<std::optional<std::string>>;

 private:
  explicit PostgresStore(pg_conn* conn) : conn_(conn) {}
  /// Runs `sql` with text parameters ($1, $2, ...); the rows it returns.
  StatusOr<std::vector<Row>> Query(const std::string& sql,
                                   const std::vector<std::optional<std::string>>& params = {});
  template <typename Fn>
  Status InTransaction(Fn body);

  pg_conn* conn_;
};

}  // namespace migkit

#endif  // MIGKIT_STORE_POSTGRES_STORE_H_
