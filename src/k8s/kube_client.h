// KubeClient: the few calls the agent makes on its own Node, over HTTPS with the server's
// certificate checked against the configured CA (no way to turn that off) and a bearer token.
//
//   list   GET   /api/v1/nodes?fieldSelector=metadata.name=NAME
//   watch  GET   /api/v1/nodes?fieldSelector=metadata.name=NAME&watch=true&resourceVersion=RV
//   patch  PATCH /api/v1/nodes/NAME   (application/merge-patch+json)
//
// These are exactly the verbs deploy/kubernetes's RBAC grants, on nodes only.
//
// Thread-safety: one thread at a time, except CancelWatch.
#ifndef MIGKIT_K8S_KUBE_CLIENT_H_
#define MIGKIT_K8S_KUBE_CLIENT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "k8s/kube_config.h"

namespace migkit {

/// How a watch ended.
enum class WatchEnd {
  kClosed,   // the server closed the stream (timeout, restart): watch again from the last version
  kGone,     // 410 Gone: the version is too old; list again
  kError,    // anything else; back off
  kStopped,  // `stop` became true
};

class KubeClient {
 public:
  explicit KubeClient(KubeConfig config);
  ~KubeClient();
  KubeClient(const KubeClient&) = delete;
  KubeClient& operator=(const KubeClient&) = delete;

  /// The NodeList holding only `name` (its metadata.resourceVersion is where to watch from).
  StatusOr<nlohmann::json> ListNode(const std::string& name);
  /// Watches `name` from `resource_version`, calling `on_event` with each watch event
  /// ({"type": "MODIFIED", "object": {...}}) until the server closes the stream (after at most
  /// `timeout_seconds`), an error, 410 Gone (as an HTTP status or an ERROR event), or `stop`.
  /// `*error` says what went wrong for kError.
  WatchEnd WatchNode(const std::string& name, const std::string& resource_version,
                     int timeout_seconds,
                     const std::function<void(const nlohmann::json&)>& on_event,
                     const std::atomic<bool>* stop, std::string* error);
  /// Ends a WatchNode in progress at once (its `stop` must already be true). May be called from
  /// another thread: the one thing that may.
  void CancelWatch();
  /// Applies a JSON merge patch (RFC 7386) to the Node; returns the Node after it.
  StatusOr<nlohmann::json> PatchNode(const std::string& name, const nlohmann::json& patch);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace migkit

#endif  // MIGKIT_K8S_KUBE_CLIENT_H_
