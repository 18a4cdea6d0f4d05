// How the agent reaches the Kubernetes API server: its address, the CA that signs its certificate
// and the bearer token, from the pod's service account (in-cluster) or from a kubeconfig file.
#ifndef MIGKIT_K8S_KUBE_CONFIG_H_
#define MIGKIT_K8S_KUBE_CONFIG_H_

#include <string>

#include "core/status.h"
#include "env/env.h"

namespace migkit {

struct KubeConfig {
  std::string host;  // "10.96.0.1", "127.0.0.1", "api.example.com"
  int port = 443;
  std::string ca_pem;  // the CA certificates the server's certificate must chain to (PEM)
  std::string token;   // bearer token; "" for none
  std::string source;  // where this came from, for messages
};

/// The service account mounted into a pod: KUBERNETES_SERVICE_HOST/PORT from the environment,
/// `dir`/token and `dir`/ca.crt. Errors name the variable or file that is missing.
StatusOr<KubeConfig> InClusterConfig(
    Env* env, const std::string& dir = "/var/run/secrets/kubernetes.io/serviceaccount");

/// The current context of a kubeconfig file: its cluster's `server` (https only),
/// `certificate-authority` (a path, relative to the file) or `certificate-authority-data`, and
/// its user's `token` or `tokenFile`. Errors are "file:line: message" or name the missing field.
StatusOr<KubeConfig> KubeconfigFile(Env* env, const std::string& path);

}  // namespace migkit

#endif  // MIGKIT_K8S_KUBE_CONFIG_H_
