#include "slurm/slurm_conf_edit.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace migkit::slurm {
namespace {

constexpr char kConf[] =
    "ClusterName=migkit\n"
    "# NodeName=vm Gres=gpu:old:1 (a comment, left alone)\n"
    "NodeName=other CPUs=4\n"
    "NodeName=vm NodeAddr=127.0.0.1  CPUs=2 Gres=gpu:a100_3g.20gb:1,gpu:a100_1g.5gb:2 "
    "State=UNKNOWN # the GPU node\n"
    "PartitionName=debug Nodes=ALL Default=YES\n";

TEST(SlurmConfEdit, ReplacesOnlyTheNodesGresValue) {
  StatusOr<std::string> out = ReplaceNodeGres(kConf, "slurm.conf", "vm", "gpu:a100_1g.5gb:7");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out,
            "ClusterName=migkit\n"
            "# NodeName=vm Gres=gpu:old:1 (a comment, left alone)\n"
            "NodeName=other CPUs=4\n"
            "NodeName=vm NodeAddr=127.0.0.1  CPUs=2 Gres=gpu:a100_1g.5gb:7 "
            "State=UNKNOWN # the GPU node\n"
            "PartitionName=debug Nodes=ALL Default=YES\n");
}

TEST(SlurmConfEdit, AddsGresWhenTheLineHasNone) {
  StatusOr<std::string> out =
      ReplaceNodeGres("nodename=vm CPUs=2   # gpu node\nX=1", "s.conf", "vm", "gpu:a:1");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "nodename=vm CPUs=2 Gres=gpu:a:1   # gpu node\nX=1");
}

TEST(SlurmConfEdit, NamesFileAndLineOfWhatItRefuses) {
  EXPECT_EQ(ReplaceNodeGres("A=1\n", "/etc/slurm/slurm.conf", "vm", "gpu:a:1").status().message(),
            "/etc/slurm/slurm.conf: no line 'NodeName=vm ...' describes node 'vm'; add one, or "
            "name the node with --node as slurm.conf does");
  EXPECT_EQ(ReplaceNodeGres("A=1\nNodeName=vm CPUs=1\nNodeName=vm CPUs=2\n", "s.conf", "vm", "g")
                .status()
                .message(),
            "s.conf:3: a second line for node 'vm' (the first is line 2); keep one NodeName=vm "
            "line");
  EXPECT_EQ(ReplaceNodeGres("NodeName=vm[1-4] CPUs=1\n", "s.conf", "vm", "g").status().message(),
            "s.conf:1: NodeName=vm[1-4] may describe several nodes including 'vm'; give vm a line "
            "of its own so its Gres= can change alone");
  EXPECT_CODE(ReplaceNodeGres("NodeName=vm CPUs=1 \\\n Gres=x\n", "s.conf", "vm", "g"),
              Code::kInvalidArgument);
}

}  // namespace
}  // namespace migkit::slurm
