#include "sim/trace_reader.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace migkit::sim {
namespace {

TEST(ParseOpenbNodes, ReadsRows) {
  ASSERT_OK_AND_ASSIGN(auto nodes, ParseOpenbNodes("sn,cpu_milli,memory_mib,gpu,model\n"
                                                   "openb-node-0000,64000,262144,2,P100\r\n"
                                                   "openb-node-0001,32000,262144,0,\n",
                                                   "nodes.csv"));
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].name, "openb-node-0000");
  EXPECT_EQ(nodes[0].cpu_milli, 64000);
  EXPECT_EQ(nodes[0].num_gpu, 2);
  EXPECT_EQ(nodes[0].gpu_type, "P100");
  EXPECT_EQ(nodes[1].num_gpu, 0);
}

TEST(ParseOpenbNodes, ErrorsNameTheLine) {
  auto bad = ParseOpenbNodes("sn,cpu_milli,memory_mib,gpu,model\nn0,lots,1,1,T4\n", "nodes.csv");
  EXPECT_EQ(bad.status().message(),
            "nodes.csv:2: column 'cpu_milli' is 'lots', expected an integer from 0 to "
            "1099511627776");
  auto no_model = ParseOpenbNodes("sn,cpu_milli,memory_mib,gpu,model\nn0,1,1,2,\n", "nodes.csv");
  EXPECT_EQ(no_model.status().message(),
            "nodes.csv:2: node 'n0' has 2 GPUs but no model, expected a GPU model such as T4 or "
            "V100M16");
  auto header = ParseOpenbNodes("sn,cpu,memory_mib,gpu,model\n", "nodes.csv");
  EXPECT_EQ(
      header.status().message(),
      "nodes.csv:1: the header lacks column 'cpu_milli' (found: sn,cpu,memory_mib,gpu,model)");
  EXPECT_CODE(ParseOpenbNodes("", "nodes.csv"), Code::kParseError);
}

TEST(ParseOpenbPods, ReadsRows) {
  ASSERT_OK_AND_ASSIGN(
      auto pods,
      ParseOpenbPods("name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,"
                     "creation_time,deletion_time,scheduled_time\n"
                     "p0,6000,12288,1,460,,LS,Running,427061,12902960,427061\n"
                     "p1,8000,30517,8,1000,V100M16|V100M32,BE,Succeeded,10,70,20\n"
                     "p2,8000,30517,0,0,,BE,Pending,10,,\n",
                     "pods.csv"));
  ASSERT_EQ(pods.size(), 3u);
  EXPECT_TRUE(pods[0].IsShare());
  EXPECT_EQ(pods[0].gpu_milli, 460);
  EXPECT_EQ(pods[0].arrival, 427061);
  EXPECT_EQ(pods[0].duration, 12902960 - 427061);
  EXPECT_EQ(pods[1].gpu_types, (std::vector<std::string>{"V100M16", "V100M32"}));
  EXPECT_EQ(pods[1].duration, 50);
  EXPECT_EQ(KindOf(pods[1]), PodKind::kEightGpu);
  EXPECT_EQ(pods[2].duration, 0);
  EXPECT_EQ(KindOf(pods[2]), PodKind::kCpuOnly);
}

TEST(ParseOpenbPods, RefusesSharedMultiGpuPods) {
  auto bad =
      ParseOpenbPods("name,cpu_milli,memory_mib,num_gpu,gpu_milli\np,1,1,2,500\n", "pods.csv");
  EXPECT_EQ(bad.status().message(),
            "pods.csv:2: pod 'p' asks for 2 GPUs of 500 milli-GPU each; only single-GPU pods "
            "may share a GPU (gpu_milli 1000 expected)");
  auto fields =
      ParseOpenbPods("name,cpu_milli,memory_mib,num_gpu,gpu_milli\np,1,1,2\n", "pods.csv");
  EXPECT_EQ(fields.status().message(), "pods.csv:2: expected 5 fields, found 4");
  auto range =
      ParseOpenbPods("name,cpu_milli,memory_mib,num_gpu,gpu_milli\np,1,1,1,1001\n", "pods.csv");
  EXPECT_EQ(range.status().message(),
            "pods.csv:2: column 'gpu_milli' is '1001', expected an integer from 0 to 1000");
}

}  // namespace
}  // namespace migkit::sim
