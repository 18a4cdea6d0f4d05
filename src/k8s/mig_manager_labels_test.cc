#include "k8s/mig_manager_labels.h"

#include <gtest/gtest.h>

namespace migkit {
namespace {

TEST(MigManagerLabelsTest, PausesOperandsThatAreNotFalse) {
  const Labels labels = {{"nvidia.com/gpu.deploy.device-plugin", "true"},
                         {"nvidia.com/gpu.deploy.dcgm", "false"},
                         {"nvidia.com/gpu.deploy.dcgm-exporter", "true"},
                         {"nvidia.com/gpu.deploy.operator-validator", "true"},
                         {"nvidia.com/mig.config", "all-1g.10gb"}};
  const Labels paused = PausedOperands(labels);
  EXPECT_EQ(paused, (Labels{{"nvidia.com/gpu.deploy.dcgm-exporter", "paused-for-mig-change"},
                            {"nvidia.com/gpu.deploy.device-plugin", "paused-for-mig-change"}}));
  EXPECT_EQ(RestoredOperands(labels, paused),
            (Labels{{"nvidia.com/gpu.deploy.dcgm-exporter", "true"},
                    {"nvidia.com/gpu.deploy.device-plugin", "true"}}));
  // A label left paused by an agent that died mid-change goes back to true.
  EXPECT_EQ(RestoredOperands({{"nvidia.com/gpu.deploy.nvsm", "paused-for-mig-change"}},
                             {{"nvidia.com/gpu.deploy.nvsm", "paused-for-mig-change"}}),
            (Labels{{"nvidia.com/gpu.deploy.nvsm", "true"}}));
  EXPECT_EQ(OperandDeployLabels().size(), 6u);
}

TEST(MigManagerLabelsTest, PatchIsAMergePatchOfMetadata) {
  EXPECT_EQ(MetadataPatch({{"nvidia.com/mig.config.state", "pending"}},
                          {{"migkit.io/mig.config.failure", nullptr}}),
            nlohmann::json::parse(R"({"metadata":{"labels":{"nvidia.com/mig.config.state":
                "pending"},"annotations":{"migkit.io/mig.config.failure":null}}})"));
  EXPECT_EQ(NodeLabels(nlohmann::json::parse(R"({"metadata":{"labels":{"a":"b"}}})")),
            (Labels{{"a", "b"}}));
  EXPECT_TRUE(NodeLabels(nlohmann::json::parse(R"({"metadata":{}})")).empty());
}

}  // namespace
}  // namespace migkit
