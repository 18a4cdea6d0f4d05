#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "store/quota.h"
#include "store/schema.h"

namespace migkit {
namespace {

constexpr int kSchemaVersion = 1;

// The ledger's sequence column, and the triggers that make it append-only (after kPortableSchema
// and kLedgerColumns).
constexpr const char* kLedgerSeq = R"sql(
CREATE TABLE IF NOT EXISTS ledger (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
)sql";
constexpr const char* kLedgerRules = R"sql(
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
)sql";

using Value = std::variant<std::monostate, std::int64_t, std::string>;

// One prepared statement; finalised when destroyed.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Bind(const std::vector<Value>& values) {
    for (size_t i = 0; rc_ == SQLITE_OK && i < values.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      if (const auto* n = std::get_if<std::int64_t>(&values[i])) {
        rc_ = sqlite3_bind_int64(stmt_, at, *n);
      } else if (const auto* s = std::get_if<std::string>(&values[i])) {
        rc_ =
            sqlite3_bind_text(stmt_, at, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      } else {
        rc_ = sqlite3_bind_null(stmt_, at);
      }
    }
    return *this;
  }
  /// True while a row is available; `*status` holds an error after the last row.
  bool Step(Status* status) {
    if (rc_ != SQLITE_OK && rc_ != SQLITE_ROW && rc_ != SQLITE_DONE) {
      *status = Error();
      return false;
    }
    rc_ = sqlite3_step(stmt_);
    if (rc_ == SQLITE_ROW) return true;
    if (rc_ != SQLITE_DONE) *status = Error();
    return false;
  }
  /// Runs a statement that returns no rows.
  Status Run() {
    Status status;
    while (Step(&status)) {
    }
    return status;
  }
  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) const {
    const unsigned char* text = sqlite3_column_text(stmt_, col);
    return text == nullptr ? std::string()
                           : std::string(reinterpret_cast<const char*>(text),
                                         static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  int code() const { return rc_; }

 private:
  Status Error() const {
    const std::string what = sqlite3_errmsg(db_);
    if ((rc_ & 0xff) == SQLITE_CONSTRAINT) return Status::InUse("store: " + what);
    return Status::IoError("store: " + what);
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

Value Optional(const std::optional<std::int64_t>& v) {
  return v.has_value() ? Value(*v) : Value(std::monostate{});
}

Lease LeaseFrom(const Stmt& s) {
  Lease l;
  l.id = s.Text(0);
  l.tenant = s.Text(1);
  l.node = s.Text(2);
  l.gpu = static_cast<int>(s.Int(3));
  l.gpu_uuid = s.Text(4);
  l.gi_id = static_cast<int>(s.Int(5));
  l.ci_id = static_cast<int>(s.Int(6));
  l.profile = s.Text(7);
  l.slices = static_cast<int>(s.Int(8));
  l.memory_mib = s.Int(9);
  l.mig_uuid = s.Text(10);
  l.created_micros = s.Int(11);
  if (!s.IsNull(12)) l.expires_micros = s.Int(12);
  return l;
}

Status AppendLedger(sqlite3* db, LedgerKind kind, const Lease& l, std::int64_t micros,
                    const std::string& reason) {
  Stmt s(db,
         "INSERT INTO ledger (kind, lease_id, tenant, node, profile, slices, gpu_uuid, micros, "
         "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  return s
      .Bind({std::string(kind == LedgerKind::kStart ? "start" : "stop"), l.id, l.tenant, l.node,
             l.profile, std::int64_t{l.slices}, l.gpu_uuid, micros, reason})
      .Run();
}

StatusOr<QuotaUsage> UsageOf(sqlite3* db, const std::string& tenant) {
  QuotaUsage usage;
  Stmt s(db, "SELECT profile, slices, memory_mib FROM leases WHERE tenant = ?");
  s.Bind({tenant});
  Status status;
  while (s.Step(&status)) {
    usage.slices += static_cast<int>(s.Int(1));
    usage.memory_mib += s.Int(2);
    ++usage.profiles[s.Text(0)];
  }
  if (!status.ok()) return status;
  return usage;
}

StatusOr<Tenant> TenantOf(sqlite3* db, const std::string& name) {
  Tenant t;
  Stmt s(db, "SELECT name, quota_slices, quota_memory_gib FROM tenants WHERE name = ?");
  s.Bind({name});
  Status status;
  if (!s.Step(&status)) {
    if (!status.ok()) return status;
    return Status::NotFound("no tenant named '" + name + "'");
  }
  t.name = s.Text(0);
  t.quota.slices = static_cast<int>(s.Int(1));
  if (!s.IsNull(2)) t.quota.memory_gib = s.Int(2);
  Stmt caps(db, "SELECT profile, cap FROM profile_caps WHERE tenant = ? ORDER BY profile");
  caps.Bind({name});
  while (caps.Step(&status)) t.quota.profile_caps[caps.Text(0)] = static_cast<int>(caps.Int(1));
  if (!status.ok()) return status;
  return t;
}

Status WriteCaps(sqlite3* db, const std::string& tenant, const Quota& quota) {
  MIGKIT_RETURN_IF_ERROR(
      Stmt(db, "DELETE FROM profile_caps WHERE tenant = ?").Bind({tenant}).Run());
  for (const auto& [profile, cap] : quota.profile_caps) {
    MIGKIT_RETURN_IF_ERROR(
        Stmt(db, "INSERT INTO profile_caps (tenant, profile, cap) VALUES (?, ?, ?)")
            .Bind({tenant, profile, std::int64_t{cap}})
            .Run());
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::IoError(path + ": cannot open the store: " + why);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  // Writers of other processes hold the lock for a few milliseconds; wait rather than fail.
  sqlite3_busy_timeout(db, 30000);
  Status status = store->Exec("PRAGMA synchronous=FULL");
  // Switching to WAL needs a moment alone with the file and does not wait for other connections,
  // so only the first opener (the mode then persists in the file) switches.
  std::string mode;
  if (status.ok()) {
    Stmt query(db, "PRAGMA journal_mode");
    if (query.Step(&status)) mode = query.Text(0);
  }
  if (status.ok() && mode != "wal") status = store->Exec("PRAGMA journal_mode=WAL");
  if (!status.ok()) return status.WithContext(path);
  std::int64_t found = 0;
  {
    Stmt version(db, "PRAGMA user_version");
    if (version.Step(&status)) found = version.Int(0);
  }
  if (!status.ok())
    return Status::Corruption(path + ": not a migkit store (" + status.message() + ")");
  if (found != 0 && found != kSchemaVersion) {
    return Status::Corruption(path + ": store schema version " + std::to_string(found) +
                              ", this migkitd reads version " + std::to_string(kSchemaVersion));
  }
  if (found == kSchemaVersion) return store;
  status = store->InTransaction([&]() -> Status {
    MIGKIT_RETURN_IF_ERROR(
        store->Exec(std::string(kPortableSchema) + kLedgerSeq + kLedgerColumns + kLedgerRules));
    return store->Exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
  });
  if (!status.ok()) return status.WithContext(path);
  return store;
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

Status SqliteStore::Exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK) return Status::Ok();
  const std::string why = error != nullptr ? error : sqlite3_errmsg(db_);
  sqlite3_free(error);
  return Status::IoError("store: " + why);
}

template <typename Fn>
Status SqliteStore::InTransaction(Fn body) {
  MIGKIT_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status status = body();
  if (status.ok()) status = Exec("COMMIT");
  if (!status.ok()) (void)Exec("ROLLBACK");
  return status;
}

Status SqliteStore::CreateTenant(const Tenant& tenant) {
  MIGKIT_RETURN_IF_ERROR(CheckTenant(tenant));
  return InTransaction([&]() -> Status {
    Status status;
    Stmt exists(db_, "SELECT 1 FROM tenants WHERE name = ?");
    if (exists.Bind({tenant.name}).Step(&status)) {
      return Status::InUse("tenant '" + tenant.name + "' exists");
    }
    MIGKIT_RETURN_IF_ERROR(status);
    MIGKIT_RETURN_IF_ERROR(
        Stmt(db_, "INSERT INTO tenants (name, quota_slices, quota_memory_gib) VALUES (?, ?, ?)")
            .Bind(
                {tenant.name, std::int64_t{tenant.quota.slices}, Optional(tenant.quota.memory_gib)})
            .Run());
    return WriteCaps(db_, tenant.name, tenant.quota);
  });
}

Status SqliteStore::SetQuota(const std::string& tenant, const Quota& quota) {
  MIGKIT_RETURN_IF_ERROR(CheckQuotaValues(quota));
  return InTransaction([&]() -> Status {
    MIGKIT_RETURN_IF_ERROR(TenantOf(db_, tenant).status());
    MIGKIT_RETURN_IF_ERROR(
        Stmt(db_, "UPDATE tenants SET quota_slices = ?, quota_memory_gib = ? WHERE name = ?")
            .Bind({std::int64_t{quota.slices}, Optional(quota.memory_gib), tenant})
            .Run());
    return WriteCaps(db_, tenant, quota);
  });
}

StatusOr<Tenant> SqliteStore::GetTenant(const std::string& name) { return TenantOf(db_, name); }

StatusOr<std::vector<Tenant>> SqliteStore::ListTenants() {
  std::vector<std::string> names;
  Stmt s(db_, "SELECT name FROM tenants ORDER BY name");
  Status status;
  while (s.Step(&status)) names.push_back(s.Text(0));
  if (!status.ok()) return status;
  std::vector<Tenant> tenants;
  for (const std::string& name : names) {
    StatusOr<Tenant> t = TenantOf(db_, name);
    if (!t.ok()) return t.status();
    tenants.push_back(std::move(*t));
  }
  return tenants;
}

Status SqliteStore::AddToken(const std::string& tenant, const std::string& token_hash) {
  return InTransaction([&]() -> Status {
    MIGKIT_RETURN_IF_ERROR(TenantOf(db_, tenant).status());
    return Stmt(db_, "INSERT INTO tokens (hash, tenant) VALUES (?, ?)")
        .Bind({token_hash, tenant})
        .Run();
  });
}

StatusOr<std::string> SqliteStore::TenantOfToken(const std::string& token_hash) {
  Stmt s(db_, "SELECT tenant FROM tokens WHERE hash = ?");
  s.Bind({token_hash});
  Status status;
  if (s.Step(&status)) return s.Text(0);
  if (!status.ok()) return status;
  return Status::NotFound("unknown token");
}

StatusOr<QuotaUsage> SqliteStore::Usage(const std::string& tenant) {
  MIGKIT_RETURN_IF_ERROR(TenantOf(db_, tenant).status());
  return UsageOf(db_, tenant);
}

Status SqliteStore::InsertLease(const Lease& lease) {
  return InTransaction([&]() -> Status {
    StatusOr<Tenant> tenant = TenantOf(db_, lease.tenant);
    if (!tenant.ok()) return tenant.status();
    StatusOr<QuotaUsage> usage = UsageOf(db_, lease.tenant);
    if (!usage.ok()) return usage.status();
    MIGKIT_RETURN_IF_ERROR(CheckQuota(*tenant, *usage, lease));
    Status status =
        Stmt(db_, std::string("INSERT INTO leases (") + kLeaseColumns +
                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .Bind({lease.id, lease.tenant, lease.node, std::int64_t{lease.gpu}, lease.gpu_uuid,
                   std::int64_t{lease.gi_id}, std::int64_t{lease.ci_id}, lease.profile,
                   std::int64_t{lease.slices}, lease.memory_mib, lease.mig_uuid,
                   lease.created_micros, Optional(lease.expires_micros)})
            .Run();
    if (status.code() == Code::kInUse) {
      return Status::InUse("GPU " + lease.gpu_uuid + " GI " + std::to_string(lease.gi_id) +
                           " is already leased (or lease id " + lease.id + " exists)");
    }
    MIGKIT_RETURN_IF_ERROR(status);
    return AppendLedger(db_, LedgerKind::kStart, lease, lease.created_micros, "");
  });
}

Status SqliteStore::RemoveLease(const std::string& id, std::int64_t micros,
                                const std::string& reason) {
  return InTransaction([&]() -> Status {
    StatusOr<Lease> lease = GetLease(id);
    if (!lease.ok()) return lease.status();
    MIGKIT_RETURN_IF_ERROR(Stmt(db_, "DELETE FROM leases WHERE id = ?").Bind({id}).Run());
    return AppendLedger(db_, LedgerKind::kStop, *lease, micros, reason);
  });
}

Status SqliteStore::SetExpiry(const std::string& id, std::optional<std::int64_t> expires_micros) {
  return InTransaction([&]() -> Status {
    MIGKIT_RETURN_IF_ERROR(GetLease(id).status());
    return Stmt(db_, "UPDATE leases SET expires_micros = ? WHERE id = ?")
        .Bind({Optional(expires_micros), id})
        .Run();
  });
}

StatusOr<Lease> SqliteStore::GetLease(const std::string& id) {
  Stmt s(db_, std::string("SELECT ") + kLeaseColumns + " FROM leases WHERE id = ?");
  s.Bind({id});
  Status status;
  if (s.Step(&status)) return LeaseFrom(s);
  if (!status.ok()) return status;
  return Status::NotFound("no active lease '" + id + "'");
}

StatusOr<std::vector<Lease>> SqliteStore::ListLeases(const std::optional<std::string>& tenant,
                                                     const std::optional<std::string>& node) {
  Stmt s(db_, std::string("SELECT ") + kLeaseColumns +
                  " FROM leases WHERE (?1 IS NULL OR tenant = ?1) AND (?2 IS NULL OR node = ?2)"
                  " ORDER BY created_micros, id");
  auto opt = [](const std::optional<std::string>& v) {
    return v.has_value() ? Value(*v) : Value(std::monostate{});
  };
  s.Bind({opt(tenant), opt(node)});
  std::vector<Lease> leases;
  Status status;
  while (s.Step(&status)) leases.push_back(LeaseFrom(s));
  if (!status.ok()) return status;
  return leases;
}

StatusOr<std::vector<LedgerEntry>> SqliteStore::Ledger(const std::optional<std::string>& tenant) {
  Stmt s(db_,
         "SELECT seq, kind, lease_id, tenant, node, profile, slices, gpu_uuid, micros, reason "
         "FROM ledger WHERE (?1 IS NULL OR tenant = ?1) ORDER BY seq");
  s.Bind({tenant.has_value() ? Value(*tenant) : Value(std::monostate{})});
  std::vector<LedgerEntry> entries;
  Status status;
  while (s.Step(&status)) {
    LedgerEntry e;
    e.seq = s.Int(0);
    e.kind = s.Text(1) == "start" ? LedgerKind::kStart : LedgerKind::kStop;
    e.lease_id = s.Text(2);
    e.tenant = s.Text(3);
    e.node = s.Text(4);
    e.profile = s.Text(5);
    e.slices = static_cast<int>(s.Int(6));
    e.gpu_uuid = s.Text(7);
    e.micros = s.Int(8);
    e.reason = s.Text(9);
    entries.push_back(std::move(e));
  }
  if (!status.ok()) return status;
  return entries;
}

}  // namespace migkit
