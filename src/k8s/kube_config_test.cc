#include "k8s/kube_config.h"

#include <gtest/gtest.h>

#include "testing/mem_env.h"

namespace migkit {
namespace {

constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

std::string Kubeconfig(const std::string& cluster_extra, const std::string& user = "token: abc") {
  return "apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n"
         "- name: c\n  context: {cluster: k, user: u}\nclusters:\n- name: k\n  cluster:\n"
         "    server: https://127.0.0.1:6443\n" +
         cluster_extra + "users:\n- name: u\n  user:\n    " + user + "\n";
}

TEST(KubeconfigFileTest, ReadsServerCaFileRelativeToTheFileAndToken) {
  MemEnv env;
  ASSERT_TRUE(env.WriteFileAtomic("/k/ca.crt", kPem).ok());
  ASSERT_TRUE(
      env.WriteFileAtomic("/k/config", Kubeconfig("    certificate-authority: ca.crt\n")).ok());
  StatusOr<KubeConfig> c = KubeconfigFile(&env, "/k/config");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 6443);
  EXPECT_EQ(c->ca_pem, kPem);
  EXPECT_EQ(c->token, "abc");
}

TEST(KubeconfigFileTest, DecodesCertificateAuthorityDataAndReadsTokenFile) {
  MemEnv env;
  // base64 of kPem.
  const std::string data =
      "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";
  ASSERT_TRUE(env.WriteFileAtomic("/k/token", "xyz\n").ok());
  ASSERT_TRUE(
      env.WriteFileAtomic("/k/config", Kubeconfig("    certificate-authority-data: " + data + "\n",
                                                  "tokenFile: /k/token"))
          .ok());
  StatusOr<KubeConfig> c = KubeconfigFile(&env, "/k/config");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->ca_pem, kPem);
  EXPECT_EQ(c->token, "xyz");
}

TEST(KubeconfigFileTest, RefusesWhatWouldSkipTheServerCheck) {
  MemEnv env;
  ASSERT_TRUE(
      env.WriteFileAtomic("/k/insecure", Kubeconfig("    insecure-skip-tls-verify: true\n")).ok());
  StatusOr<KubeConfig> c = KubeconfigFile(&env, "/k/insecure");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "/k/insecure:11: insecure-skip-tls-verify is refused: the agent always checks the "
            "server");
  ASSERT_TRUE(env.WriteFileAtomic("/k/noca", Kubeconfig("")).ok());
  EXPECT_NE(
      KubeconfigFile(&env, "/k/noca").status().message().find("neither certificate-authority"),
      std::string::npos);
  std::string plain = Kubeconfig("    certificate-authority: ca.crt\n");
  plain.replace(plain.find("https"), 5, "http");
  ASSERT_TRUE(env.WriteFileAtomic("/k/plain", plain).ok());
  EXPECT_NE(KubeconfigFile(&env, "/k/plain").status().message().find("is not an https:// URL"),
            std::string::npos);
}

TEST(KubeconfigFileTest, NamesAMissingContextWithItsLine) {
  MemEnv env;
  std::string text = Kubeconfig("    certificate-authority: ca.crt\n");
  text.replace(text.find("current-context: c"), 18, "current-context: x");
  ASSERT_TRUE(env.WriteFileAtomic("/k/config", text).ok());
  EXPECT_EQ(KubeconfigFile(&env, "/k/config").status().message(),
            "/k/config:3: no context named 'x' in contexts");
}

TEST(InClusterConfigTest, NeedsTheServiceVariables) {
  MemEnv env;
  unsetenv("KUBERNETES_SERVICE_HOST");
  EXPECT_NE(InClusterConfig(&env, "/sa").status().message().find("KUBERNETES_SERVICE_HOST"),
            std::string::npos);
  setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  ASSERT_TRUE(env.WriteFileAtomic("/sa/ca.crt", kPem).ok());
  ASSERT_TRUE(env.WriteFileAtomic("/sa/token", "t0k\n").ok());
  StatusOr<KubeConfig> c = InClusterConfig(&env, "/sa");
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->host, "10.96.0.1");
  EXPECT_EQ(c->port, 443);
  EXPECT_EQ(c->token, "t0k");
}

}  // namespace
}  // namespace migkit
