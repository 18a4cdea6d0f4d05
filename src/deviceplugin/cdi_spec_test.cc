#include "deviceplugin/cdi_spec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/device_files.h"
#include "reconfig/test_support.h"
#include "testing/mem_env.h"

namespace migkit {
namespace {

// Two H100s: GPU 0 with MIG off, GPU 1 with a 1g.10gb at placement 0, whose GI ID is 7
// (mig-facts.md §4.2), so the driver's mig-minors (§7) give gpu1/gi7 = 3 + 135 + 63 = 201 and its
// CI 0 = 202.
class CdiSpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = NewTestNode(&env_, "/state", "2xH100-SXM5-80GB");
    Status activation;
    ASSERT_TRUE(node_->SetMigMode(1, true, &activation).ok());
    const GpuModel& model = *MustSnapshot(node_.get())[1].model;
    const GiProfile* small = model.FindProfileByName("1g.10gb");
    ASSERT_NE(small, nullptr);
    StatusOr<GpuInstance> gi = node_->CreateGpuInstance(1, small->id, 0);
    ASSERT_TRUE(gi.ok()) << gi.status().ToString();
    ASSERT_EQ(gi->id, 7);
    ASSERT_TRUE(node_->CreateComputeInstance(1, 7, 0, std::nullopt).ok());
    gpus_ = MustSnapshot(node_.get());
  }

  MemEnv env_;
  std::unique_ptr<EmulatedNode> node_;
  std::vector<GpuInfo> gpus_;
};

TEST_F(CdiSpecTest, MigDeviceHasTheDriversCapabilityMinors) {
  const std::vector<CdiDevice> devices = CdiDevices(gpus_);
  ASSERT_EQ(devices.size(), 3u);
  EXPECT_EQ(devices[0].uuid, gpus_[0].uuid);
  EXPECT_EQ(devices[0].index, "0");
  EXPECT_EQ(devices[0].device_nodes, std::vector<std::string>{"/dev/nvidia0"});
  EXPECT_EQ(devices[1].uuid, gpus_[1].uuid);
  EXPECT_EQ(devices[1].index, "1");
  EXPECT_EQ(devices[1].device_nodes, std::vector<std::string>{"/dev/nvidia1"});
  EXPECT_EQ(devices[2].uuid, gpus_[1].mig_uuids.at({7, 0}));
  EXPECT_TRUE(devices[2].uuid.starts_with("MIG-")) << devices[2].uuid;
  EXPECT_EQ(devices[2].index, "1:0");
  EXPECT_EQ(devices[2].device_nodes,
            (std::vector<std::string>{"/dev/nvidia1", "/dev/nvidia-caps/nvidia-cap201",
                                      "/dev/nvidia-caps/nvidia-cap202"}));
  // The same numbers as the mig-minors file the emulator writes for the runtime to read.
  const std::string minors = MigMinorsText();
  EXPECT_NE(minors.find("\ngpu1/gi7/access 201\ngpu1/gi7/ci0/access 202\n"), std::string::npos);
}

TEST_F(CdiSpecTest, SpecNamesEachMigDeviceByUuidAndIndex) {
  const nlohmann::json spec = nlohmann::json::parse(CdiSpecJson(gpus_));
  EXPECT_EQ(spec["cdiVersion"], "0.5.0");
  EXPECT_EQ(spec["kind"], "nvidia.com/gpu");
  ASSERT_EQ(spec["devices"].size(), 6u);
  const std::string mig_uuid = gpus_[1].mig_uuids.at({7, 0});
  EXPECT_EQ(spec["devices"][4]["name"], mig_uuid);
  EXPECT_EQ(spec["devices"][5]["name"], "1:0");
  EXPECT_EQ(spec["devices"][4]["containerEdits"], spec["devices"][5]["containerEdits"]);
  EXPECT_EQ(spec["devices"][5]["containerEdits"]["deviceNodes"][1]["path"],
            "/dev/nvidia-caps/nvidia-cap201");
  EXPECT_EQ(spec["containerEdits"]["deviceNodes"],
            nlohmann::json::parse(R"([{"path":"/dev/nvidiactl"},{"path":"/dev/nvidia-uvm"},
                                      {"path":"/dev/nvidia-uvm-tools"}])"));
  EXPECT_EQ(spec["containerEdits"]["env"],
            nlohmann::json::parse(R"(["NVIDIA_VISIBLE_DEVICES=void"])"));
  EXPECT_EQ(QualifiedCdiName(mig_uuid), "nvidia.com/gpu=" + mig_uuid);
}

TEST_F(CdiSpecTest, MigGpuWithoutComputeInstancesHasNoMigDevices) {
  ASSERT_TRUE(node_->DestroyComputeInstance(1, 7, 0).ok());
  const std::vector<CdiDevice> devices = CdiDevices(MustSnapshot(node_.get()));
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[1].index, "1");
}

}  // namespace
}  // namespace migkit
