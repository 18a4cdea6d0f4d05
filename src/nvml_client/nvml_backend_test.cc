// NvmlBackend over migkit's emulator library, checked against the emulated node it wraps: the
// same state read both ways must give equal snapshots, and the same refused operation must give
// equal errors (code and explanation).
#include "nvml_client/nvml_backend.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "emu/faults.h"
#include "nvml_client/emulator_fixture.h"
#include "testing/status_matchers.h"

namespace migkit::nvml_client {
namespace {

class NvmlBackendTest : public EmulatorFixture {
 protected:
  /// Both backends' snapshots, field by field.
  void ExpectSameSnapshots() {
    StatusOr<std::vector<GpuInfo>> direct = node_->Gpus();
    StatusOr<std::vector<GpuInfo>> nvml = backend_->Gpus();
    ASSERT_TRUE(direct.ok()) << direct.status().ToString();
    ASSERT_TRUE(nvml.ok()) << nvml.status().ToString();
    ASSERT_EQ(direct->size(), nvml->size());
    for (size_t i = 0; i < direct->size(); ++i) {
      const GpuInfo& d = (*direct)[i];
      const GpuInfo& n = (*nvml)[i];
      SCOPED_TRACE("GPU " + std::to_string(i));
      EXPECT_EQ(n.index, d.index);
      EXPECT_EQ(n.model, d.model) << n.model->id << " vs " << d.model->id;
      EXPECT_EQ(n.uuid, d.uuid);
      EXPECT_EQ(n.pci_bus_id, d.pci_bus_id);
      EXPECT_EQ(n.state, d.state);
      EXPECT_EQ(n.mig_uuids, d.mig_uuids);
    }
  }

  /// Runs a refused operation through NVML, then the same one directly; both must fail alike
  /// and change nothing.
  template <typename Op>
  void ExpectSameFailure(Code code, Op op) {
    const Status via_nvml = op(static_cast<Backend*>(backend_.get()));
    const Status direct = op(static_cast<Backend*>(node_.get()));
    EXPECT_EQ(via_nvml.code(), code) << via_nvml.ToString();
    EXPECT_EQ(via_nvml, direct) << via_nvml.ToString() << "\nvs\n" << direct.ToString();
    ExpectSameSnapshots();
  }

  void EnableMig(int gpu) {
    Status activation;
    ASSERT_OK(backend_->SetMigMode(gpu, true, &activation));
    if (!activation.ok()) {
      EXPECT_EQ(activation.code(), Code::kResetRequired);
      ASSERT_OK(backend_->ResetGpu(gpu));
    }
  }
};

// Every profile of each model, auto-placed until the GPU is full, each GI with its default CI,
// then destroyed again: the snapshots agree at every step, and so do the refusals.
TEST_F(NvmlBackendTest, SnapshotsAndErrorsMatchTheEmulatedNode) {
  for (const char* model_id : {"A100-SXM4-40GB", "H100-SXM5-80GB", "A30-24GB", "RTX-PRO-6000"}) {
    SCOPED_TRACE(model_id);
    TearDown();
    SetUp();
    Open(model_id);
    ExpectSameSnapshots();
    ExpectSameFailure(Code::kNotSupported, [](Backend* b) {
      return b->CreateGpuInstance(0, 0, std::nullopt).status();
    });
    EnableMig(0);
    ExpectSameSnapshots();
    const GpuModel* model = Catalog::BuiltIn().Find(model_id);
    ASSERT_NE(model, nullptr);
    std::vector<int> created;
    for (const GiProfile& p : model->gi_profiles) {
      StatusOr<GpuInstance> gi = backend_->CreateGpuInstance(0, p.id, std::nullopt);
      if (!gi.ok()) {
        // The same refusal directly, with the same explanation.
        ExpectSameFailure(gi.status().code(), [&](Backend* b) {
          return b->CreateGpuInstance(0, p.id, std::nullopt).status();
        });
        continue;
      }
      created.push_back(gi->id);
      const CiProfile ci = [&] {
        for (const CiProfile& c : model->ComputeProfilesFor(p)) {
          if (c.is_default) return c;
        }
        return model->ComputeProfilesFor(p).back();
      }();
      StatusOr<ComputeInstance> c = backend_->CreateComputeInstance(0, gi->id, ci.id, std::nullopt);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      EXPECT_EQ(c->profile_id, ci.id);
      ExpectSameSnapshots();
    }
    ASSERT_FALSE(created.empty());
    ExpectSameFailure(Code::kInUse,
                      [&](Backend* b) { return b->DestroyGpuInstance(0, created[0]); });
    ExpectSameFailure(Code::kInUse, [](Backend* b) {
      Status activation;
      return b->SetMigMode(0, false, &activation);
    });
    ExpectSameFailure(Code::kNotFound,
                      [&](Backend* b) { return b->DestroyComputeInstance(0, created[0], 7); });
    for (int gi : created) {
      ASSERT_OK(backend_->DestroyComputeInstance(0, gi, 0));
      ASSERT_OK(backend_->DestroyGpuInstance(0, gi));
    }
    ExpectSameFailure(Code::kNotFound, [&](Backend* b) { return b->DestroyGpuInstance(0, 14); });
    ExpectSameSnapshots();
  }
}

// mig-facts.md §4.3's documented A100 example: 1g, 1g, 2g auto-placed leave no room for a 3g, and
// the explanation is the model's, word for word.
TEST_F(NvmlBackendTest, InsufficientResourcesCarriesMigkitsExplanation) {
  Open("A100-SXM4-40GB");
  EnableMig(0);
  for (int profile : {19, 19, 14}) {
    ASSERT_TRUE(backend_->CreateGpuInstance(0, profile, std::nullopt).ok());
  }
  StatusOr<GpuInstance> gi = backend_->CreateGpuInstance(0, 9, std::nullopt);
  ASSERT_FALSE(gi.ok());
  EXPECT_EQ(gi.status().code(), Code::kInsufficientResources);
  EXPECT_NE(gi.status().message().find("3g.20gb fits only at 0:4 or 4:4, both taken"),
            std::string::npos)
      << gi.status().ToString();
  ExpectSameFailure(Code::kInsufficientResources,
                    [](Backend* b) { return b->CreateGpuInstance(0, 9, 0).status(); });
  ExpectSameFailure(Code::kInvalidArgument,
                    [](Backend* b) { return b->CreateGpuInstance(0, 9, 2).status(); });
}

// go-nvlib's walk over MIG device indices finds the same UUIDs as the CI infos' devices.
TEST_F(NvmlBackendTest, MigDeviceIndexWalkFindsTheSameUuids) {
  NvmlBackendOptions options;
  options.mig_uuids_by_index = true;
  Open("A100-SXM4-40GB,H100-SXM5-80GB", options);
  EnableMig(0);
  EnableMig(1);
  ASSERT_TRUE(backend_->CreateGpuInstance(1, 9, std::nullopt).ok());
  ASSERT_TRUE(backend_->CreateComputeInstance(1, 2, 0, std::nullopt).ok());
  ASSERT_TRUE(backend_->CreateComputeInstance(1, 2, 0, std::nullopt).ok());
  StatusOr<GpuInstance> small = backend_->CreateGpuInstance(1, 19, std::nullopt);
  ASSERT_TRUE(small.ok());
  ASSERT_TRUE(backend_->CreateComputeInstance(1, small->id, 0, std::nullopt).ok());
  ExpectSameSnapshots();
  StatusOr<std::vector<GpuInfo>> gpus = backend_->Gpus();
  ASSERT_TRUE(gpus.ok());
  EXPECT_EQ((*gpus)[1].mig_uuids.size(), 3u);
}

TEST_F(NvmlBackendTest, ExplicitPlacementsReachTheDriver) {
  Open("H100-SXM5-80GB");
  EnableMig(0);
  StatusOr<GpuInstance> gi = backend_->CreateGpuInstance(0, 9, 4);  // 3g.40gb at 4:4
  ASSERT_TRUE(gi.ok()) << gi.status().ToString();
  EXPECT_EQ(gi->id, 2);
  EXPECT_EQ(gi->placement, (Placement{4, 4}));
  StatusOr<ComputeInstance> ci = backend_->CreateComputeInstance(0, 2, 0, 2);  // 1c at slice 2
  ASSERT_TRUE(ci.ok()) << ci.status().ToString();
  EXPECT_EQ(ci->placement, (Placement{2, 1}));
  ExpectSameSnapshots();
}

TEST_F(NvmlBackendTest, AmpereModeChangeIsPendingWithTheModelsReason) {
  Open("A100-SXM4-40GB");
  Status activation;
  ASSERT_OK(backend_->SetMigMode(0, true, &activation));
  EXPECT_EQ(activation.code(), Code::kResetRequired);
  EXPECT_EQ(activation.message(),
            "MIG mode is pending enable on this A100-SXM4-40GB; reset the GPU to make it "
            "effective");
  ExpectSameSnapshots();
  ASSERT_OK(backend_->ResetGpu(0));
  ExpectSameSnapshots();
}

TEST_F(NvmlBackendTest, SeveralGpusKeepTheirIndices) {
  Open("A100-SXM4-40GB,H100-SXM5-80GB,A30-24GB");
  EnableMig(1);
  EnableMig(2);
  ASSERT_TRUE(backend_->CreateGpuInstance(1, 19, std::nullopt).ok());
  ASSERT_TRUE(backend_->CreateGpuInstance(2, 14, std::nullopt).ok());
  ExpectSameSnapshots();
  ExpectSameFailure(Code::kInvalidArgument,
                    [](Backend* b) { return b->DestroyGpuInstance(3, 1); });
}

TEST_F(NvmlBackendTest, InjectedFaultsKeepTheirCodeAndNameTheFunction) {
  Open("H100-SXM5-80GB");
  EnableMig(0);
  ASSERT_OK(node_->AddFault(FaultRule{FaultOp::kCreateGpuInstance, -1, Code::kInUse, 1}));
  StatusOr<GpuInstance> gi = backend_->CreateGpuInstance(0, 19, std::nullopt);
  ASSERT_FALSE(gi.ok());
  EXPECT_EQ(gi.status(),
            Status::InUse("nvmlDeviceCreateGpuInstance returned NVML_ERROR_IN_USE"));
  ExpectSameSnapshots();
  EXPECT_TRUE(backend_->CreateGpuInstance(0, 19, std::nullopt).ok()) << "the fault fired once";
}

TEST_F(NvmlBackendTest, WithoutAResetFunctionResetSaysToUseNvidiaSmi) {
  with_reset_ = false;
  Open("A100-SXM4-40GB");
  const Status s = backend_->ResetGpu(0);
  EXPECT_EQ(s, Status::NotSupported("NVML cannot reset a GPU; reset the GPU with `nvidia-smi -r "
                                    "-i 0` (migctl does not reset real GPUs)"));
}

TEST_F(NvmlBackendTest, RefusedChangesNeverReachTheDriver) {
  NvmlBackendOptions options;
  options.allow_changes = false;
  options.refusal = "ask first";
  Open("H100-SXM5-80GB", options);
  Status activation;
  EXPECT_EQ(backend_->SetMigMode(0, true, &activation), Status::NoPermission("ask first"));
  EXPECT_TRUE(activation.ok());
  ASSERT_OK(node_->SetMigMode(0, true, &activation));  // directly, to have something to refuse
  ASSERT_TRUE(node_->CreateGpuInstance(0, 9, std::nullopt).ok());
  ASSERT_TRUE(node_->CreateComputeInstance(0, 2, 2, std::nullopt).ok());
  EXPECT_EQ(backend_->CreateGpuInstance(0, 19, std::nullopt).status(),
            Status::NoPermission("ask first"));
  EXPECT_EQ(backend_->CreateComputeInstance(0, 2, 0, std::nullopt).status(),
            Status::NoPermission("ask first"));
  EXPECT_EQ(backend_->DestroyComputeInstance(0, 2, 0), Status::NoPermission("ask first"));
  EXPECT_EQ(backend_->DestroyGpuInstance(0, 2), Status::NoPermission("ask first"));
  ExpectSameSnapshots();  // reads still work, and nothing changed
  StatusOr<std::vector<GpuInfo>> gpus = backend_->Gpus();
  ASSERT_TRUE(gpus.ok());
  EXPECT_EQ((*gpus)[0].state.gpu_instances.size(), 1u);
}

// A GPU the catalog lacks is still listed, with a model read from NVML.
TEST_F(NvmlBackendTest, GpusMissingFromTheCatalogGetAModelDerivedFromNvml) {
  const Catalog empty;
  Open("A100-SXM4-40GB", {}, &empty);
  EnableMig(0);
  ASSERT_TRUE(backend_->CreateGpuInstance(0, 9, std::nullopt).ok());
  StatusOr<std::vector<GpuInfo>> gpus = backend_->Gpus();
  ASSERT_TRUE(gpus.ok()) << gpus.status().ToString();
  ASSERT_EQ(gpus->size(), 1u);
  const GpuModel& derived = *(*gpus)[0].model;
  const GpuModel& real = *Catalog::BuiltIn().Find("A100-SXM4-40GB");
  EXPECT_EQ(derived.id, real.product_name);
  EXPECT_EQ(derived.product_name, real.product_name);
  EXPECT_EQ(derived.pci_device_id, real.pci_device_id);
  EXPECT_EQ(derived.memory_mib, real.memory_mib);
  EXPECT_EQ(derived.architecture, Architecture::kAmpere);
  EXPECT_EQ(derived.mode_change, ModeChangeRule::kPendingUntilReset);
  EXPECT_EQ(derived.placement_units, real.placement_units);
  EXPECT_EQ(derived.compute_slices, real.compute_slices);
  EXPECT_EQ(derived.max_gpu_instances, real.max_gpu_instances);
  EXPECT_EQ(derived.multiprocessors, real.multiprocessors);
  ASSERT_EQ(derived.gi_profiles.size(), real.gi_profiles.size());
  for (size_t i = 0; i < real.gi_profiles.size(); ++i) {
    const GiProfile& d = derived.gi_profiles[i];
    const GiProfile& r = real.gi_profiles[i];
    SCOPED_TRACE(r.name);
    EXPECT_EQ(d.nvml_index, r.nvml_index);
    EXPECT_EQ(d.id, r.id);
    EXPECT_EQ(d.name, r.name);
    EXPECT_EQ(d.slices, r.slices);
    EXPECT_EQ(d.instance_count, r.instance_count);
    EXPECT_EQ(d.memory_mib, r.memory_mib);
    EXPECT_EQ(d.multiprocessors, r.multiprocessors);
    EXPECT_EQ(d.placement_starts, r.placement_starts);
    EXPECT_EQ(d.placement_size, r.placement_size);
    EXPECT_EQ(d.media, r.media);
  }
  EXPECT_TRUE(derived.IsUnconfirmed("derived-from-nvml"));
  StatusOr<std::vector<GpuInfo>> direct = node_->Gpus();
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ((*gpus)[0].state, (*direct)[0].state);
  // The same model object serves later snapshots.
  StatusOr<std::vector<GpuInfo>> again = backend_->Gpus();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].model, (*gpus)[0].model);
}

TEST_F(NvmlBackendTest, DescribeNamesTheLibraryAndVersions) {
  Open("H100-SXM5-80GB");
  EXPECT_EQ(backend_->Describe(), "NVML " + backend_->library().path() +
                                      " (driver 580.82.07, NVML 13.580.82.07)");
  EXPECT_FALSE(backend_->IsEmulated());
}

}  // namespace
}  // namespace migkit::nvml_client
