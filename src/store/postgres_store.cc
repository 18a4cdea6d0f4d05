#include "store/postgres_store.h"

#include <libpq-fe.h>

#include <string>
#include <utility>

#include "store/quota.h"
#include "store/schema.h"

namespace migkit {
namespace {

// One transaction-scoped advisory lock key serialises schema creation between migkitd starting
// at once (CREATE ... IF NOT EXISTS is not safe under concurrency in PostgreSQL).
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(7471);";
constexpr const char* kLedgerSeq = R"sql(
CREATE TABLE IF NOT EXISTS ledger (
  seq BIGSERIAL PRIMARY KEY,
)sql";
constexpr const char* kLedgerRules = R"sql(
CREATE OR REPLACE FUNCTION migkit_ledger_append_only() RETURNS trigger AS $$
  BEGIN RAISE EXCEPTION 'the ledger is append-only'; END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ledger_append_only ON ledger;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger
  FOR EACH ROW EXECUTE FUNCTION migkit_ledger_append_only();
)sql";

using Param = std::optional<std::string>;

Param Num(std::int64_t v) { return std::to_string(v); }
Param OptNum(const std::optional<std::int64_t>& v) {
  return v.has_value() ? Param(std::to_string(*v)) : std::nullopt;
}
std::int64_t Int(const Param& v) { return v.has_value() ? std::stoll(*v) : 0; }

Lease LeaseFrom(const PostgresStore::Row& r) {
  Lease l;
  l.id = r[0].value_or("");
  l.tenant = r[1].value_or("");
  l.node = r[2].value_or("");
  l.gpu = static_cast<int>(Int(r[3]));
  l.gpu_uuid = r[4].value_or("");
  l.gi_id = static_cast<int>(Int(r[5]));
  l.ci_id = static_cast<int>(Int(r[6]));
  l.profile = r[7].value_or("");
  l.slices = static_cast<int>(Int(r[8]));
  l.memory_mib = Int(r[9]);
  l.mig_uuid = r[10].value_or("");
  l.created_micros = Int(r[11]);
  if (r[12].has_value()) l.expires_micros = Int(r[12]);
  return l;
}

}  // namespace

StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string why = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    PQfinish(conn);
    return Status::IoError("cannot connect to the PostgreSQL store: " + why);
  }
  std::unique_ptr<PostgresStore> store(new PostgresStore(conn));
  // Notices such as "relation already exists, skipping" are not for migkitd's log.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  Status s = store->InTransaction([&]() -> Status {
    const std::string schema =
        std::string(kSchemaLock) + kPortableSchema + kLedgerSeq + kLedgerColumns + kLedgerRules;
    PGresult* r = PQexec(conn, schema.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string why = ok ? "" : PQresultErrorMessage(r);
    PQclear(r);
    if (!ok) return Status::IoError("creating the store's tables: " + why);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return store;
}

PostgresStore::~PostgresStore() { PQfinish(conn_); }

StatusOr<std::vector<PostgresStore::Row>> PostgresStore::Query(const std::string& sql,
                                                               const std::vector<Param>& params) {
  std::vector<const char*> values;
  for (const Param& p : params) values.push_back(p.has_value() ? p->c_str() : nullptr);
  PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    std::string why = PQresultErrorMessage(r);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    const bool conflict = state != nullptr && std::string(state).rfind("23", 0) == 0;
    PQclear(r);
    if (conflict) return Status::InUse("store: " + why);  // integrity constraint violation
    return Status::IoError("store: " + why);
  }
  std::vector<Row> rows;
  for (int i = 0; i < PQntuples(r); ++i) {
    Row row;
    for (int j = 0; j < PQnfields(r); ++j) {
      row.push_back(PQgetisnull(r, i, j) ? Param() : Param(PQgetvalue(r, i, j)));
    }
    rows.push_back(std::move(row));
  }
  PQclear(r);
  return rows;
}

template <typename Fn>
Status PostgresStore::InTransaction(Fn body) {
  MIGKIT_RETURN_IF_ERROR(Query("BEGIN").status());
  Status status = body();
  if (status.ok()) status = Query("COMMIT").status();
  if (!status.ok()) (void)Query("ROLLBACK");
  return status;
}

Status PostgresStore::CreateTenant(const Tenant& tenant) {
  MIGKIT_RETURN_IF_ERROR(CheckTenant(tenant));
  return InTransaction([&]() -> Status {
    StatusOr<std::vector<Row>> inserted = Query(
        "INSERT INTO tenants (name, quota_slices, quota_memory_gib) VALUES ($1, $2, $3) "
        "ON CONFLICT (name) DO NOTHING RETURNING name",
        {tenant.name, Num(tenant.quota.slices), OptNum(tenant.quota.memory_gib)});
    if (!inserted.ok()) return inserted.status();
    if (inserted->empty()) return Status::InUse("tenant '" + tenant.name + "' exists");
    for (const auto& [profile, cap] : tenant.quota.profile_caps) {
      MIGKIT_RETURN_IF_ERROR(
          Query("INSERT INTO profile_caps (tenant, profile, cap) VALUES ($1, $2, $3)",
                {tenant.name, profile, Num(cap)})
              .status());
    }
    return Status::Ok();
  });
}

Status PostgresStore::SetQuota(const std::string& tenant, const Quota& quota) {
  MIGKIT_RETURN_IF_ERROR(CheckQuotaValues(quota));
  return InTransaction([&]() -> Status {
    StatusOr<std::vector<Row>> updated = Query(
        "UPDATE tenants SET quota_slices = $2, quota_memory_gib = $3 WHERE name = $1 "
        "RETURNING name",
        {tenant, Num(quota.slices), OptNum(quota.memory_gib)});
    if (!updated.ok()) return updated.status();
    if (updated->empty()) return Status::NotFound("no tenant named '" + tenant + "'");
    MIGKIT_RETURN_IF_ERROR(Query("DELETE FROM profile_caps WHERE tenant = $1", {tenant}).status());
    for (const auto& [profile, cap] : quota.profile_caps) {
      MIGKIT_RETURN_IF_ERROR(
          Query("INSERT INTO profile_caps (tenant, profile, cap) VALUES ($1, $2, $3)",
                {tenant, profile, Num(cap)})
              .status());
    }
    return Status::Ok();
  });
}

StatusOr<Tenant> PostgresStore::GetTenant(const std::string& name) {
  StatusOr<std::vector<Row>> rows =
      Query("SELECT name, quota_slices, quota_memory_gib FROM tenants WHERE name = $1", {name});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no tenant named '" + name + "'");
  Tenant t;
  t.name = (*rows)[0][0].value_or("");
  t.quota.slices = static_cast<int>(Int((*rows)[0][1]));
  if ((*rows)[0][2].has_value()) t.quota.memory_gib = Int((*rows)[0][2]);
  StatusOr<std::vector<Row>> caps =
      Query("SELECT profile, cap FROM profile_caps WHERE tenant = $1 ORDER BY profile", {name});
  if (!caps.ok()) return caps.status();
  for (const Row& c : *caps) t.quota.profile_caps[c[0].value_or("")] = static_cast<int>(Int(c[1]));
  return t;
}

StatusOr<std::vector<Tenant>> PostgresStore::ListTenants() {
  StatusOr<std::vector<Row>> names = Query("SELECT name FROM tenants ORDER BY name");
  if (!names.ok()) return names.status();
  std::vector<Tenant> tenants;
  for (const Row& n : *names) {
    StatusOr<Tenant> t = GetTenant(n[0].value_or(""));
    if (!t.ok()) return t.status();
    tenants.push_back(std::move(*t));
  }
  return tenants;
}

Status PostgresStore::AddToken(const std::string& tenant, const std::string& token_hash) {
  MIGKIT_RETURN_IF_ERROR(GetTenant(tenant).status());
  return Query("INSERT INTO tokens (hash, tenant) VALUES ($1, $2)", {token_hash, tenant}).status();
}

StatusOr<std::string> PostgresStore::TenantOfToken(const std::string& token_hash) {
  StatusOr<std::vector<Row>> rows =
      Query("SELECT tenant FROM tokens WHERE hash = $1", {token_hash});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("unknown token");
  return (*rows)[0][0].value_or("");
}

StatusOr<QuotaUsage> PostgresStore::Usage(const std::string& tenant) {
  StatusOr<std::vector<Row>> rows =
      Query("SELECT profile, slices, memory_mib FROM leases WHERE tenant = $1", {tenant});
  if (!rows.ok()) return rows.status();
  QuotaUsage usage;
  for (const Row& r : *rows) {
    usage.slices += static_cast<int>(Int(r[1]));
    usage.memory_mib += Int(r[2]);
    ++usage.profiles[r[0].value_or("")];
  }
  return usage;
}

Status PostgresStore::InsertLease(const Lease& lease) {
  return InTransaction([&]() -> Status {
    // The row lock makes every node's grant to this tenant wait for the one before it, so the
    // sum below includes every lease committed before this one is checked.
    StatusOr<std::vector<Row>> locked =
        Query("SELECT name FROM tenants WHERE name = $1 FOR UPDATE", {lease.tenant});
    if (!locked.ok()) return locked.status();
    if (locked->empty()) return Status::NotFound("no tenant named '" + lease.tenant + "'");
    StatusOr<Tenant> tenant = GetTenant(lease.tenant);
    if (!tenant.ok()) return tenant.status();
    StatusOr<QuotaUsage> usage = Usage(lease.tenant);
    if (!usage.ok()) return usage.status();
    MIGKIT_RETURN_IF_ERROR(CheckQuota(*tenant, *usage, lease));
    Status inserted =
        Query(std::string("INSERT INTO leases (") + kLeaseColumns +
                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
              {lease.id, lease.tenant, lease.node, Num(lease.gpu), lease.gpu_uuid, Num(lease.gi_id),
               Num(lease.ci_id), lease.profile, Num(lease.slices), Num(lease.memory_mib),
               lease.mig_uuid, Num(lease.created_micros), OptNum(lease.expires_micros)})
            .status();
    if (inserted.code() == Code::kInUse) {
      return Status::InUse("GPU " + lease.gpu_uuid + " GI " + std::to_string(lease.gi_id) +
                           " is already leased (or lease id " + lease.id + " exists)");
    }
    MIGKIT_RETURN_IF_ERROR(inserted);
    return Query(
               "INSERT INTO ledger (kind, lease_id, tenant, node, profile, slices, gpu_uuid, "
               "micros, reason) VALUES ('start', $1, $2, $3, $4, $5, $6, $7, '')",
               {lease.id, lease.tenant, lease.node, lease.profile, Num(lease.slices),
                lease.gpu_uuid, Num(lease.created_micros)})
        .status();
  });
}

Status PostgresStore::RemoveLease(const std::string& id, std::int64_t micros,
                                  const std::string& reason) {
  return InTransaction([&]() -> Status {
    StatusOr<std::vector<Row>> removed =
        Query(std::string("DELETE FROM leases WHERE id = $1 RETURNING ") + kLeaseColumns, {id});
    if (!removed.ok()) return removed.status();
    if (removed->empty()) return Status::NotFound("no active lease '" + id + "'");
    const Lease l = LeaseFrom((*removed)[0]);
    return Query(
               "INSERT INTO ledger (kind, lease_id, tenant, node, profile, slices, gpu_uuid, "
               "micros, reason) VALUES ('stop', $1, $2, $3, $4, $5, $6, $7, $8)",
               {l.id, l.tenant, l.node, l.profile, Num(l.slices), l.gpu_uuid, Num(micros), reason})
        .status();
  });
}

Status PostgresStore::SetExpiry(const std::string& id, std::optional<std::int64_t> expires_micros) {
  StatusOr<std::vector<Row>> updated =
      Query("UPDATE leases SET expires_micros = $2 WHERE id = $1 RETURNING id",
            {id, OptNum(expires_micros)});
  if (!updated.ok()) return updated.status();
  if (updated->empty()) return Status::NotFound("no active lease '" + id + "'");
  return Status::Ok();
}

StatusOr<Lease> PostgresStore::GetLease(const std::string& id) {
  StatusOr<std::vector<Row>> rows =
      Query(std::string("SELECT ") + kLeaseColumns + " FROM leases WHERE id = $1", {id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no active lease '" + id + "'");
  return LeaseFrom((*rows)[0]);
}

StatusOr<std::vector<Lease>> PostgresStore::ListLeases(const std::optional<std::string>& tenant,
                                                       const std::optional<std::string>& node) {
  StatusOr<std::vector<Row>> rows =
      Query(std::string("SELECT ") + kLeaseColumns +
                " FROM leases WHERE ($1::text IS NULL OR tenant = $1) AND "
                "($2::text IS NULL OR node = $2) ORDER BY created_micros, id",
            {tenant, node});
  if (!rows.ok()) return rows.status();
  std::vector<Lease> leases;
  for (const Row& r : *rows) leases.push_back(LeaseFrom(r));
  return leases;
}

StatusOr<std::vector<LedgerEntry>> PostgresStore::Ledger(const std::optional<std::string>& tenant) {
  StatusOr<std::vector<Row>> rows = Query(
      "SELECT seq, kind, lease_id, tenant, node, profile, slices, gpu_uuid, micros, reason "
      "FROM ledger WHERE ($1::text IS NULL OR tenant = $1) ORDER BY seq",
      {tenant});
  if (!rows.ok()) return rows.status();
  std::vector<LedgerEntry> entries;
  for (const Row& r : *rows) {
    LedgerEntry e;
    e.seq = Int(r[0]);
    e.kind = r[1] == "start" ? LedgerKind::kStart : LedgerKind::kStop;
    e.lease_id = r[2].value_or("");
    e.tenant = r[3].value_or("");
    e.node = r[4].value_or("");
    e.profile = r[5].value_or("");
    e.slices = static_cast<int>(Int(r[6]));
    e.gpu_uuid = r[7].value_or("");
    e.micros = Int(r[8]);
    e.reason = r[9].value_or("");
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace migkit
