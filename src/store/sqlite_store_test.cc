#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>
#include <vector>

#include "testing/temp_dir.h"

namespace migkit {
namespace {

Lease MakeLease(const std::string& id, const std::string& tenant, int gi, int slices) {
  Lease l;
  l.id = id;
  l.tenant = tenant;
  l.node = "node-a";
  l.gpu = 0;
  l.gpu_uuid = "GPU-0";
  l.gi_id = gi;
  l.ci_id = 0;
  l.profile = std::to_string(slices) + "g";
  l.slices = slices;
  l.memory_mib = 1024;
  l.mig_uuid = "MIG-" + id;
  l.created_micros = 1'000'000;
  return l;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto store = SqliteStore::Open(path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->CreateTenant({"acme", Quota{4, std::nullopt, {{"1g", 2}}}}).ok());
  }
  std::string path() const { return dir_.path() + "/migkitd.db"; }

  ScopedTempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, TenantsRoundTrip) {
  auto t = store_->GetTenant("acme");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (Tenant{"acme", Quota{4, std::nullopt, {{"1g", 2}}}}));
  EXPECT_EQ(store_->CreateTenant({"acme", Quota{}}).code(), Code::kInUse);
  EXPECT_EQ(store_->GetTenant("nobody").status().code(), Code::kNotFound);
  ASSERT_TRUE(store_->SetQuota("acme", Quota{9, 100, {}}).ok());
  EXPECT_EQ(store_->GetTenant("acme")->quota, (Quota{9, 100, {}}));
  EXPECT_EQ(store_->SetQuota("nobody", Quota{}).code(), Code::kNotFound);
}

TEST_F(SqliteStoreTest, TokensMapToTheirTenant) {
  ASSERT_TRUE(store_->AddToken("acme", "sha256:ab").ok());
  EXPECT_EQ(store_->TenantOfToken("sha256:ab").value(), "acme");
  EXPECT_EQ(store_->TenantOfToken("sha256:cd").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->AddToken("nobody", "sha256:cd").code(), Code::kNotFound);
  EXPECT_EQ(store_->AddToken("acme", "sha256:ab").code(), Code::kInUse);
}

TEST_F(SqliteStoreTest, LeaseLifecycleWritesTheLedgerOnce) {
  ASSERT_TRUE(store_->InsertLease(MakeLease("l1", "acme", 3, 3)).ok());
  EXPECT_EQ(store_->Usage("acme")->slices, 3);
  // Over quota: 3 + 2 > 4; nothing is written.
  Status over = store_->InsertLease(MakeLease("l2", "acme", 4, 2));
  EXPECT_EQ(over.code(), Code::kNoPermission);
  // The same instance cannot be leased twice.
  EXPECT_EQ(store_->InsertLease(MakeLease("l3", "acme", 3, 1)).code(), Code::kInUse);
  ASSERT_TRUE(store_->SetExpiry("l1", 5'000'000).ok());
  EXPECT_EQ(store_->GetLease("l1")->expires_micros, 5'000'000);
  ASSERT_TRUE(store_->RemoveLease("l1", 2'000'000, "released").ok());
  EXPECT_EQ(store_->RemoveLease("l1", 3'000'000, "released").code(), Code::kNotFound);
  auto ledger = store_->Ledger(std::nullopt);
  ASSERT_TRUE(ledger.ok());
  ASSERT_EQ(ledger->size(), 2u);
  EXPECT_EQ((*ledger)[0].kind, LedgerKind::kStart);
  EXPECT_EQ((*ledger)[0].micros, 1'000'000);
  EXPECT_EQ((*ledger)[1].kind, LedgerKind::kStop);
  EXPECT_EQ((*ledger)[1].micros, 2'000'000);
  EXPECT_EQ((*ledger)[1].reason, "released");
  EXPECT_EQ(store_->Usage("acme")->slices, 0);
}

TEST_F(SqliteStoreTest, LedgerIsAppendOnly) {
  ASSERT_TRUE(store_->InsertLease(MakeLease("l1", "acme", 3, 1)).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM ledger", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE ledger SET slices = 7", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(store_->Ledger("acme")->size(), 1u);
}

TEST_F(SqliteStoreTest, SurvivesReopen) {
  ASSERT_TRUE(store_->InsertLease(MakeLease("l1", "acme", 3, 1)).ok());
  store_.reset();
  auto again = SqliteStore::Open(path());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->GetLease("l1")->mig_uuid, "MIG-l1");
  EXPECT_EQ((*again)->ListLeases("acme", "node-a")->size(), 1u);
  EXPECT_EQ((*again)->ListLeases("acme", "node-b")->size(), 0u);
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotAStore) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 42", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = SqliteStore::Open(path());
  EXPECT_EQ(store.status().code(), Code::kCorruption);
  EXPECT_EQ(store.status().message(),
            path() + ": store schema version 42, this migkitd reads version 1");
}

// Four connections race to lease one slice each of a 4-slice quota, 8 times each: exactly 4 win.
TEST_F(SqliteStoreTest, QuotaHoldsUnderConcurrentConnections) {
  std::vector<std::thread> threads;
  std::atomic<int> granted{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto store = SqliteStore::Open(path());
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      for (int i = 0; i < 8; ++i) {
        Lease l =
            MakeLease("t" + std::to_string(t) + "-" + std::to_string(i), "acme", t * 8 + i, 1);
        l.profile = "1g.x";
        if ((*store)->InsertLease(l).ok()) ++granted;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(granted.load(), 4);
  EXPECT_EQ(store_->Usage("acme")->slices, 4);
}

}  // namespace
}  // namespace migkit
