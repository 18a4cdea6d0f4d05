// NvmlBackend over migkit's emulator library, checked against the emulated node it wraps: the
// same state read both ways must give equal snapshots, and the same refused operation must give
// equal errors (code and explanation).
#include "nvml_client/nvml_backend.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "emu/faults.h"
#include "testing/emulator_fixture.h"
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
    ExpectSameFailure(Code::kNotSupported,
                      [](Backend* b) { return b->CreateGpuInstance(0, 0, std::nullopt).status(); });
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
  ExpectSameFailure(Code::kInvalidArgument, [](Backend* b) { return b->DestroyGpuInstance(3, 1); });
}

TEST_F(NvmlBackendTest, InjectedFaultsKeepTheirCodeAndNameTheFunction) {
  Open("H100-SXM5-80GB");
  EnableMig(0);
  ASSERT_OK(node_->AddFault(FaultRule{FaultOp::kCreateGpuInstance, -1, Code::kInUse, 1}));
  StatusOr<GpuInstance> gi = backend_->CreateGpuInstance(0, 19, std::nullopt);
  ASSERT_FALSE(gi.ok());
  EXPECT_EQ(gi.status(), Status::InUse("nvmlDeviceCreateGpuInstance returned NVML_ERROR_IN_USE"));
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
  EXPECT_EQ(backend_->Describe(),
            "NVML " + backend_->library().path() + " (driver 580.82.07, NVML 13.580.82.07)");
  EXPECT_FALSE(backend_->IsEmulated());
}

// Issue 14 item 6: a migkit-only failure (a write the OS refuses, a state file gone bad) keeps
// its cause and code through NVML instead of becoming NVML_ERROR_UNKNOWN "Unknown Error".
TEST_F(NvmlBackendTest, MigkitOnlyFailuresKeepTheirCauseThroughNvml) {
  Open("A100-SXM4-40GB");
  const std::string state = node_->state_path();
  // The temporary this process would write is a directory: creating it fails, as a full disk
  // would fail the write (the library runs in this process, so it has this pid).
  const std::string tmp = state + ".tmp." + std::to_string(::getpid());
  std::filesystem::create_directory(tmp);
  Status direct_activation, nvml_activation;
  const Status direct = node_->SetMigMode(0, true, &direct_activation);
  const Status nvml = backend_->SetMigMode(0, true, &nvml_activation);
  EXPECT_EQ(direct.code(), Code::kIoError) << direct.ToString();
  EXPECT_EQ(nvml.code(), direct.code()) << nvml.ToString();
  EXPECT_EQ(nvml.message(), direct.message());
  EXPECT_NE(nvml.message().find(tmp), std::string::npos) << nvml.message();
  std::filesystem::remove(tmp);

  // A state file damaged after nvmlInit: kCorruption naming the file, as directly.
  { std::ofstream(state) << "{\"format\": true}"; }
  StatusOr<std::vector<GpuInfo>> gpus = backend_->Gpus();
  ASSERT_FALSE(gpus.ok());
  EXPECT_EQ(gpus.status().code(), Code::kCorruption) << gpus.status().ToString();
  EXPECT_NE(gpus.status().message().find(state), std::string::npos);
}

// Issue 14 item 1: another process destroys a just-created instance before migctl reads it
// back. The interposed create calls the library's, then destroys what it made through the node
// directly, exactly between the create and the follow-up read.
EmulatedNode* g_other_process = nullptr;
decltype(&::nvmlDeviceCreateGpuInstance) g_real_create_gi = nullptr;
decltype(&::nvmlGpuInstanceCreateComputeInstance) g_real_create_ci = nullptr;

nvmlReturn_t CreateGiThenOtherDestroys(nvmlDevice_t d, unsigned int profile,
                                       nvmlGpuInstance_t* gi) {
  const nvmlReturn_t r = g_real_create_gi(d, profile, gi);
  const std::vector<GpuInfo> gpus = *g_other_process->Gpus();  // kept alive for the loop
  for (const GpuInstance& g : gpus[0].state.gpu_instances) {
    const Status s = g_other_process->DestroyGpuInstance(0, g.id);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return r;
}

nvmlReturn_t CreateCiThenOtherDestroys(nvmlGpuInstance_t gi, unsigned int profile,
                                       nvmlComputeInstance_t* ci) {
  const nvmlReturn_t r = g_real_create_ci(gi, profile, ci);
  const std::vector<GpuInfo> gpus = *g_other_process->Gpus();
  for (const GpuInstance& g : gpus[0].state.gpu_instances) {
    for (const ComputeInstance& c : g.compute_instances) {
      EXPECT_TRUE(g_other_process->DestroyComputeInstance(0, g.id, c.id).ok());
    }
  }
  return r;
}

TEST_F(NvmlBackendTest, CreateThatTookEffectIsNotReportedAsFailedWhenDestroyedAtOnce) {
  Open("H100-SXM5-80GB");
  Status activation;
  ASSERT_TRUE(backend_->SetMigMode(0, true, &activation).ok());
  NvmlFunctions* fn = backend_->mutable_library_for_testing()->mutable_fn_for_testing();
  g_other_process = node_.get();
  g_real_create_gi = fn->device_create_gpu_instance;
  fn->device_create_gpu_instance = &CreateGiThenOtherDestroys;
  StatusOr<GpuInstance> gi = backend_->CreateGpuInstance(0, 19, std::nullopt);
  fn->device_create_gpu_instance = g_real_create_gi;
  ASSERT_TRUE(gi.ok()) << gi.status().ToString();
  EXPECT_EQ(gi->id, Backend::kGoneId);
  EXPECT_EQ(gi->profile_id, 19);
  EXPECT_TRUE((*node_->Gpus())[0].state.gpu_instances.empty());  // it was created, then destroyed

  StatusOr<GpuInstance> kept = backend_->CreateGpuInstance(0, 19, std::nullopt);
  ASSERT_TRUE(kept.ok());
  g_real_create_ci = fn->gpu_instance_create_compute_instance;
  fn->gpu_instance_create_compute_instance = &CreateCiThenOtherDestroys;
  StatusOr<ComputeInstance> ci = backend_->CreateComputeInstance(0, kept->id, 0, std::nullopt);
  fn->gpu_instance_create_compute_instance = g_real_create_ci;
  ASSERT_TRUE(ci.ok()) << ci.status().ToString();
  EXPECT_EQ(ci->id, Backend::kGoneId);
  EXPECT_TRUE((*node_->Gpus())[0].state.gpu_instances[0].compute_instances.empty());
  g_other_process = nullptr;
}

// Issue 14: writers through NVML and writers on the node directly, in separate processes, create
// and destroy GPU instances on one GPU at once. Every result a writer reports must agree with the
// final state: for each GI ID, creations reported minus destructions reported is 1 if it exists at
// the end and 0 if not, except that a creation reported as "created, then gone" has no ID and
// accounts for one destruction someone reported. The only failures allowed are the ones racing
// makes honest: a full GPU on create, an instance already gone on destroy.
TEST_F(NvmlBackendTest, MixedNvmlAndDirectWritersReportWhatHappened) {
  Open("H100-SXM5-80GB");
  Status activation;
  ASSERT_TRUE(node_->SetMigMode(0, true, &activation).ok());
  constexpr int kWriters = 4;  // even: NVML, odd: direct
  constexpr int kOps = 20;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    const std::string log_path = dir_ + "/log." + std::to_string(w);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::alarm(60);
      std::ofstream log(log_path);
      std::unique_ptr<Backend> backend;
      if (w % 2 == 0) {
        StatusOr<std::unique_ptr<NvmlLibrary>> lib = NvmlLibrary::Open(MIGKIT_TEST_NVML_LIBRARY);
        if (!lib.ok()) ::_exit(10);
        NvmlBackendOptions options;
        backend = std::make_unique<NvmlBackend>(std::move(lib).value(), &Catalog::BuiltIn(),
                                                std::move(options));
      } else {
        StatusOr<EmulatorOptions> emu = EmulatorOptionsFromEnvironment(Catalog::BuiltIn());
        if (!emu.ok()) ::_exit(11);
        StatusOr<std::unique_ptr<EmulatedNode>> node =
            EmulatedNode::Open(Env::Default(), &Catalog::BuiltIn(), std::move(emu).value());
        if (!node.ok()) ::_exit(12);
        backend = std::move(node).value();
      }
      unsigned seed = static_cast<unsigned>(w) * 7919u + 1u;
      for (int op = 0; op < kOps; ++op) {
        if (::rand_r(&seed) % 2 == 0) {
          StatusOr<GpuInstance> gi = backend->CreateGpuInstance(0, 19, std::nullopt);
          if (gi.ok()) {
            log << (gi->id == Backend::kGoneId ? std::string("U") : "C " + std::to_string(gi->id))
                << "\n";
          } else {
            log << "F create " << static_cast<int>(gi.status().code()) << " "
                << gi.status().ToString() << "\n";
          }
        } else {
          StatusOr<std::vector<GpuInfo>> gpus = backend->Gpus();
          if (!gpus.ok()) {
            log << "F read " << static_cast<int>(gpus.status().code()) << "\n";
            continue;
          }
          const auto& gis = (*gpus)[0].state.gpu_instances;
          if (gis.empty()) continue;
          const int id = gis[::rand_r(&seed) % gis.size()].id;
          const Status destroyed = backend->DestroyGpuInstance(0, id);
          if (destroyed.ok()) {
            log << "D " << id << "\n";
          } else {
            log << "F destroy " << static_cast<int>(destroyed.code()) << " " << destroyed.ToString()
                << "\n";
          }
        }
      }
      log.close();
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer status " << status;
  }
  std::map<int, int> balance;  // creations - destructions reported, per GI ID
  int gone = 0;
  for (int w = 0; w < kWriters; ++w) {
    std::ifstream log(dir_ + "/log." + std::to_string(w));
    std::string kind;
    while (log >> kind) {
      if (kind == "U") {
        ++gone;
      } else if (kind == "C" || kind == "D") {
        int id = 0;
        log >> id;
        balance[id] += kind == "C" ? 1 : -1;
      } else {
        std::string what, rest;
        int code = 0;
        log >> what >> code;
        std::getline(log, rest);
        const bool honest =
            (what == "create" && code == static_cast<int>(Code::kInsufficientResources)) ||
            (what == "destroy" && (code == static_cast<int>(Code::kNotFound) ||
                                   code == static_cast<int>(Code::kInvalidArgument)));
        EXPECT_TRUE(honest) << "writer " << w << ": " << what << " failed:" << rest;
      }
    }
  }
  const std::vector<GpuInfo> final_gpus = *node_->Gpus();
  for (const GpuInstance& gi : final_gpus[0].state.gpu_instances) balance[gi.id] -= 1;
  int unexplained = 0;
  for (const auto& [id, b] : balance) {
    EXPECT_LE(b, 0) << "GI " << id << ": more creations reported than exist or were destroyed";
    unexplained -= b;
  }
  EXPECT_EQ(unexplained, gone) << "destructions without a reported creation";
}

}  // namespace
}  // namespace migkit::nvml_client
