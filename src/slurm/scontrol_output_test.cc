#include "slurm/scontrol_output.h"

#include <gtest/gtest.h>

namespace migkit::slurm {
namespace {

// Lines as Slurm 22.05's scontrol printed them on the tests/slurm cluster.
TEST(ScontrolOutput, NodeStateReasonAndGres) {
  const NodeStatus s = ParseNodeStatus(
      "NodeName=vm Arch=x86_64 CoresPerSocket=1 \n"
      "   Gres=gpu:a100_3g.20gb:1(S:0),gpu:a100_1g.5gb:4(S:0)\n"
      "   State=MIXED+DRAIN ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A\n"
      "   Reason=migkit test [root@2026-11-25T19:01:13]\n");
  EXPECT_EQ(s.state, "MIXED+DRAIN");
  EXPECT_EQ(s.Base(), "MIXED");
  EXPECT_TRUE(s.HasFlag("DRAIN"));
  EXPECT_FALSE(s.HasFlag("INVAL"));
  EXPECT_EQ(s.reason, "migkit test [root@2026-11-25T19:01:13]");
  EXPECT_EQ(GresWithoutSockets(s.gres), "gpu:a100_3g.20gb:1,gpu:a100_1g.5gb:4");
}

TEST(ScontrolOutput, GpuIndicesOfEachJobOnTheNode) {
  const std::vector<JobGpus> jobs = ParseJobGpus(
      "JobId=1 JobName=wrap\n"
      "   JobState=RUNNING Reason=None Dependency=(null)\n"
      "   JOB_GRES=gpu:a100_1g.5gb:1\n"
      "     Nodes=vm CPU_IDs=0 Mem=0 GRES=gpu:a100_1g.5gb:1(IDX:2)\n"
      "\n"
      "JobId=2 JobName=wrap\n"
      "   JobState=RUNNING Reason=None Dependency=(null)\n"
      "     Nodes=vm CPU_IDs=1 Mem=0 GRES=gpu:a100_3g.20gb:1(IDX:0),gpu:a100_1g.5gb:2(IDX:3-4)\n"
      "\n"
      "JobId=3 JobName=wrap\n"
      "   JobState=PENDING Reason=Resources Dependency=(null)\n"
      "\n"
      "JobId=4 JobName=elsewhere\n"
      "   JobState=RUNNING Reason=None Dependency=(null)\n"
      "     Nodes=vm2 CPU_IDs=0 Mem=0 GRES=gpu:a100_1g.5gb:1(IDX:0)\n",
      "vm");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].job_id, "1");
  EXPECT_EQ(jobs[0].state, "RUNNING");
  EXPECT_EQ(jobs[0].indices, std::vector<int>{2});
  EXPECT_EQ(jobs[1].job_id, "2");
  EXPECT_EQ(jobs[1].indices, (std::vector<int>{0, 3, 4}));
}

}  // namespace
}  // namespace migkit::slurm
