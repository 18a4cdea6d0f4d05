// Test support: a SliceService over an emulated node (in memory) and a SQLite store.
#ifndef MIGKIT_SERVICE_TEST_NODE_H_
#define MIGKIT_SERVICE_TEST_NODE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "catalog/fleet_spec.h"
#include "emu/emulated_node.h"
#include "service/slice_service.h"
#include "store/sqlite_store.h"
#include "testing/mem_env.h"

namespace migkit {

/// An emulated node of `spec` with MIG enabled on every GPU, a store at `store_path` (":memory:"
/// for one that lives as long as the object), and a service on both.
struct TestNode {
  MemEnv env;
  std::unique_ptr<EmulatedNode> node;
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<SliceService> service;

  /// Empty on success, else what went wrong.
  std::string Open(const std::string& spec, const std::string& store_path,
                   ServiceOptions options = {}) {
    StatusOr<FleetSpec> fleet = ParseFleetSpec(spec, Catalog::BuiltIn());
    if (!fleet.ok()) return fleet.status().ToString();
    EmulatorOptions emu;
    emu.state_dir = "/node";
    emu.spec = *fleet;
    auto opened = EmulatedNode::Open(&env, &Catalog::BuiltIn(), emu);
    if (!opened.ok()) return opened.status().ToString();
    node = std::move(*opened);
    for (size_t i = 0; i < fleet->model_ids.size(); ++i) {
      Status activation;
      Status s = node->SetMigMode(static_cast<int>(i), true, &activation);
      if (!s.ok()) return s.ToString();
      if (!activation.ok()) {
        s = node->ResetGpu(static_cast<int>(i));
        if (!s.ok()) return s.ToString();
      }
    }
    auto db = SqliteStore::Open(store_path);
    if (!db.ok()) return db.status().ToString();
    store = std::move(*db);
    if (options.busy_dir.empty()) options.busy_dir = "/node";
    service = std::make_unique<SliceService>(node.get(), store.get(), &env, options);
    return "";
  }
};

}  // namespace migkit

#endif  // MIGKIT_SERVICE_TEST_NODE_H_
