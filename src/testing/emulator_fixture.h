// Test support: migkit's emulator library (built by this tree, MIGKIT_TEST_NVML_LIBRARY) on a
// fresh emulated node in a private state directory.
//
// The library reads MIGKIT_STATE_DIR, MIGKIT_EMULATE and MIGKIT_FAULTS at nvmlInit, so the
// fixture sets them for this process and restores them afterwards. Tests never load NVIDIA's
// library.
#ifndef MIGKIT_TESTING_EMULATOR_FIXTURE_H_
#define MIGKIT_TESTING_EMULATOR_FIXTURE_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "catalog/catalog.h"
#include "emu/emulated_node.h"
#include "env/env.h"
#include "nvml_client/nvml_backend.h"
#include "nvml_client/nvml_library.h"

namespace migkit::nvml_client {

class EmulatorFixture : public ::testing::Test {
 protected:
  static constexpr const char* kVariables[] = {"MIGKIT_STATE_DIR", "MIGKIT_EMULATE",
                                               "MIGKIT_FAULTS", "MIGKIT_NVML_LOG"};

  void SetUp() override {
    for (const char* name : kVariables) {
      if (const char* v = getenv(name)) saved_[name] = v;
      unsetenv(name);
    }
    std::string pattern =
        (std::filesystem::temp_directory_path() / "nvml_client_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    setenv("MIGKIT_STATE_DIR", (dir_ + "/state").c_str(), 1);
  }

  void TearDown() override {
    backend_.reset();
    node_.reset();
    std::filesystem::remove_all(dir_);
    for (const char* name : kVariables) {
      auto it = saved_.find(name);
      if (it != saved_.end()) {
        setenv(name, it->second.c_str(), 1);
      } else {
        unsetenv(name);
      }
    }
  }

  /// Opens the emulated node of `spec` directly (node_) and through the emulator library
  /// (backend_), both on the same state and catalog, so their snapshots must be equal.
  /// `catalog` is what the NVML backend looks models up in (default: the built-in one).
  void Open(const std::string& spec, NvmlBackendOptions options = {},
            const Catalog* catalog = nullptr) {
    setenv("MIGKIT_EMULATE", spec.c_str(), 1);
    const Catalog& builtin = Catalog::BuiltIn();
    StatusOr<EmulatorOptions> emu = EmulatorOptionsFromEnvironment(builtin);
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    StatusOr<std::unique_ptr<EmulatedNode>> node =
        EmulatedNode::Open(Env::Default(), &builtin, std::move(emu).value());
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::shared_ptr<EmulatedNode>(std::move(node).value());
    StatusOr<std::unique_ptr<NvmlLibrary>> lib = NvmlLibrary::Open(MIGKIT_TEST_NVML_LIBRARY);
    ASSERT_TRUE(lib.ok()) << lib.status().ToString();
    if (with_reset_) options.reset = [n = node_](int gpu) { return n->ResetGpu(gpu); };
    backend_ = std::make_unique<NvmlBackend>(
        std::move(lib).value(), catalog != nullptr ? catalog : &builtin, std::move(options));
  }

  bool with_reset_ = true;  // give the backend the emulator's reset, as migctl does
  std::string dir_;
  std::map<std::string, std::string> saved_;
  std::shared_ptr<EmulatedNode> node_;
  std::unique_ptr<NvmlBackend> backend_;
};

}  // namespace migkit::nvml_client

#endif  // MIGKIT_TESTING_EMULATOR_FIXTURE_H_
