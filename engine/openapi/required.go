package openapi

// optionalFields lists, by model name, the fields of the stable API types that
// upstream marks +optional although their JSON tags lack omitempty. Reflection
// sees only the tag, so without this list kubectl explain would call them
// -required-. Taken from the k8s.io/api v0.37 sources (fields whose doc comment
// has +optional and whose tag has neither omitempty nor omitzero), for the groups
// a learning cluster serves; alpha and beta versions are left out.
var optionalFields = map[string][]string{
	"io.k8s.api.apps.v1.ControllerRevision":                      {"revision"},
	"io.k8s.api.apps.v1.DaemonSetCondition":                      {"status", "type"},
	"io.k8s.api.apps.v1.DeploymentCondition":                     {"status", "type"},
	"io.k8s.api.apps.v1.ReplicaSetCondition":                     {"status", "type"},
	"io.k8s.api.apps.v1.StatefulSetCondition":                    {"status", "type"},
	"io.k8s.api.apps.v1.StatefulSetOrdinals":                     {"start"},
	"io.k8s.api.apps.v1.StatefulSetSpec":                         {"serviceName"},
	"io.k8s.api.apps.v1.StatefulSetStatus":                       {"availableReplicas"},
	"io.k8s.api.authentication.v1.TokenRequest":                  {"spec"},
	"io.k8s.api.authentication.v1.TokenRequestSpec":              {"audiences", "boundObjectRef", "expirationSeconds"},
	"io.k8s.api.authentication.v1.TokenRequestStatus":            {"expirationTimestamp", "token"},
	"io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus":    {"currentMetrics"},
	"io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern": {"status"},
	"io.k8s.api.core.v1.AzureFilePersistentVolumeSource":         {"secretNamespace"},
	"io.k8s.api.core.v1.ContainerImage":                          {"names"},
	"io.k8s.api.core.v1.Event":                                   {"reportingComponent", "reportingInstance"},
	"io.k8s.api.core.v1.GRPCAction":                              {"service"},
	"io.k8s.api.core.v1.NodeRuntimeHandler":                      {"name"},
	"io.k8s.api.core.v1.ProjectedVolumeSource":                   {"sources"},
	"io.k8s.api.core.v1.TypedLocalObjectReference":               {"apiGroup"},
	"io.k8s.api.core.v1.TypedObjectReference":                    {"apiGroup"},
	"io.k8s.api.discovery.v1.EndpointSlice":                      {"endpoints", "ports"},
	"io.k8s.api.networking.v1.IngressClassParametersReference":   {"scope"},
	"io.k8s.api.networking.v1.NetworkPolicySpec":                 {"podSelector"},
	"io.k8s.api.policy.v1.PodDisruptionBudgetStatus":             {"currentHealthy", "desiredHealthy", "disruptionsAllowed", "expectedPods"},
	"io.k8s.api.rbac.v1.ClusterRole":                             {"rules"},
	"io.k8s.api.rbac.v1.Role":                                    {"rules"},
	"io.k8s.api.rbac.v1.RoleRef":                                 {"apiGroup"},
	"io.k8s.api.scheduling.v1.PriorityClass":                     {"value"},
	"io.k8s.api.storage.v1.CSINodeDriver":                        {"topologyKeys"},
}

// required reports whether a field is required, by upstream's rule: neither
// omitempty nor marked +optional.
func required(owner, name, jsonOpts string) bool {
	if hasOption(jsonOpts, "omitempty") || hasOption(jsonOpts, "omitzero") {
		return false
	}
	for _, f := range optionalFields[owner] {
		if f == name {
			return false
		}
	}
	return true
}
