// SqliteStore: the Store in one SQLite database (WAL mode) in migkitd's state directory.
//
// Writes run in BEGIN IMMEDIATE transactions, so the quota check and the insert see the same
// database even when several processes share the file; synchronous=FULL makes a committed lease
// survive a crash of the process or the machine. The ledger table refuses UPDATE and DELETE
// (triggers), and UNIQUE(lease_id, kind) keeps a lease from starting or stopping twice.
//
// Thread-safety: one SqliteStore per thread; any number of connections may share the file.
#ifndef MIGKIT_STORE_SQLITE_STORE_H_
#define MIGKIT_STORE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "store/store.h"

struct sqlite3;

namespace migkit {

class SqliteStore : public Store {
 public:
  /// Opens (creating if needed) the database at `path`. kIoError names the path and SQLite's
  /// reason; kCorruption when the file is not a migkit store.
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  ~SqliteStore() override;

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

 private:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Exec(const std::string& sql);
  /// Runs `body` between BEGIN IMMEDIATE and COMMIT; rolls back when it fails.
  template <typename Fn>
  Status InTransaction(Fn body);

  sqlite3* db_;
  std::string path_;
};

}  // namespace migkit

#endif  // MIGKIT_STORE_SQLITE_STORE_H_
