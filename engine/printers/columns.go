// Package printers builds the Table rows that kube-apiserver returns for
// `Accept: application/json;as=Table`, so that the real kubectl prints
// kubetour objects exactly as it prints a real cluster's.
//
// The behaviour follows kubernetes pkg/printers/internalversion/printers.go
// (1.33–1.37 era). The API server always generates tables with Wide: true,
// so every row carries the priority-1 cells too and kubectl drops them
// unless -o wide is given.
package printers

import (
	appsv1beta1 "k8s.io/api/apps/v1beta1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	batchv1beta1 "k8s.io/api/batch/v1beta1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1beta1 "k8s.io/api/discovery/v1beta1"
	extensionsv1beta1 "k8s.io/api/extensions/v1beta1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Upstream takes most descriptions from the SwaggerDoc of old API versions
// (extensions/v1beta1, apps/v1beta1, batch/v1beta1); the wording differs a
// little from the v1 types, so the same versions are used here.
var (
	metaDoc = metav1.ObjectMeta{}.SwaggerDoc()

	containersDesc = "Names of each container in the template."
	imagesDesc     = "Images referenced by each container in the template."
)

func nameColumn() metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: "Name", Type: "string", Format: "name", Description: metaDoc["name"]}
}

func ageColumn() metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: "Age", Type: "string", Description: metaDoc["creationTimestamp"]}
}

func col(name, typ, desc string) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: typ, Description: desc}
}

func wideCol(name, typ, desc string) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: typ, Priority: 1, Description: desc}
}

// defaultColumns are the columns of the generic registry's table convertor
// (apiserver pkg/registry/rest/table.go), used for every resource without
// a dedicated printer, limitranges included.
func defaultColumns() []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		nameColumn(),
		{Name: "Created At", Type: "date", Description: metaDoc["creationTimestamp"]},
	}
}

var columnSets = map[string]func() []metav1.TableColumnDefinition{
	"pods": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
			col("Status", "string", "The aggregate status of the containers in this pod."),
			col("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
			ageColumn(),
			wideCol("IP", "string", corev1.PodStatus{}.SwaggerDoc()["podIP"]),
			wideCol("Node", "string", corev1.PodSpec{}.SwaggerDoc()["nodeName"]),
			wideCol("Nominated Node", "string", corev1.PodStatus{}.SwaggerDoc()["nominatedNodeName"]),
			wideCol("Readiness Gates", "string", corev1.PodSpec{}.SwaggerDoc()["readinessGates"]),
		}
	},
	"podtemplates": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Containers", "string", containersDesc),
			col("Images", "string", imagesDesc),
			col("Pod Labels", "string", "The labels for the pod template."),
		}
	},
	"replicationcontrollers": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Desired", "integer", corev1.ReplicationControllerSpec{}.SwaggerDoc()["replicas"]),
			col("Current", "integer", corev1.ReplicationControllerStatus{}.SwaggerDoc()["replicas"]),
			col("Ready", "integer", corev1.ReplicationControllerStatus{}.SwaggerDoc()["readyReplicas"]),
			ageColumn(),
			wideCol("Containers", "string", containersDesc),
			wideCol("Images", "string", imagesDesc),
			wideCol("Selector", "string", corev1.ReplicationControllerSpec{}.SwaggerDoc()["selector"]),
		}
	},
	"replicasets": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Desired", "integer", extensionsv1beta1.ReplicaSetSpec{}.SwaggerDoc()["replicas"]),
			col("Current", "integer", extensionsv1beta1.ReplicaSetStatus{}.SwaggerDoc()["replicas"]),
			col("Ready", "integer", extensionsv1beta1.ReplicaSetStatus{}.SwaggerDoc()["readyReplicas"]),
			ageColumn(),
			wideCol("Containers", "string", containersDesc),
			wideCol("Images", "string", imagesDesc),
			wideCol("Selector", "string", extensionsv1beta1.ReplicaSetSpec{}.SwaggerDoc()["selector"]),
		}
	},
	"daemonsets": func() []metav1.TableColumnDefinition {
		st := extensionsv1beta1.DaemonSetStatus{}.SwaggerDoc()
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Desired", "integer", st["desiredNumberScheduled"]),
			col("Current", "integer", st["currentNumberScheduled"]),
			col("Ready", "integer", st["numberReady"]),
			col("Up-to-date", "integer", st["updatedNumberScheduled"]),
			col("Available", "integer", st["numberAvailable"]),
			col("Node Selector", "string", corev1.PodSpec{}.SwaggerDoc()["nodeSelector"]),
			ageColumn(),
			wideCol("Containers", "string", containersDesc),
			wideCol("Images", "string", imagesDesc),
			wideCol("Selector", "string", extensionsv1beta1.DaemonSetSpec{}.SwaggerDoc()["selector"]),
		}
	},
	"jobs": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Status", "string", "Status of the job."),
			col("Completions", "string", batchv1.JobStatus{}.SwaggerDoc()["succeeded"]),
			col("Duration", "string", "Time required to complete the job."),
			ageColumn(),
			wideCol("Containers", "string", containersDesc),
			wideCol("Images", "string", imagesDesc),
			wideCol("Selector", "string", batchv1.JobSpec{}.SwaggerDoc()["selector"]),
		}
	},
	"cronjobs": func() []metav1.TableColumnDefinition {
		spec := batchv1beta1.CronJobSpec{}.SwaggerDoc()
		st := batchv1beta1.CronJobStatus{}.SwaggerDoc()
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Schedule", "string", spec["schedule"]),
			col("Timezone", "string", spec["timeZone"]),
			col("Suspend", "boolean", spec["suspend"]),
			col("Active", "integer", st["active"]),
			col("Last Schedule", "string", st["lastScheduleTime"]),
			ageColumn(),
			wideCol("Containers", "string", containersDesc),
			wideCol("Images", "string", imagesDesc),
			wideCol("Selector", "string", batchv1.JobSpec{}.SwaggerDoc()["selector"]),
		}
	},
	"services": func() []metav1.TableColumnDefinition {
		spec := corev1.ServiceSpec{}.SwaggerDoc()
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Type", "string", spec["type"]),
			col("Cluster-IP", "string", spec["clusterIP"]),
			col("External-IP", "string", spec["externalIPs"]),
			col("Port(s)", "string", spec["ports"]),
			ageColumn(),
			wideCol("Selector", "string", spec["selector"]),
		}
	},
	"statefulsets": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Ready", "string", "Number of the pod with ready state"),
			ageColumn(),
			wideCol("Containers", "string", containersDesc),
			wideCol("Images", "string", imagesDesc),
		}
	},
	"endpoints": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Endpoints", "string", corev1.Endpoints{}.SwaggerDoc()["subsets"]),
			ageColumn(),
		}
	},
	"endpointslices": func() []metav1.TableColumnDefinition {
		doc := discoveryv1beta1.EndpointSlice{}.SwaggerDoc()
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("AddressType", "string", doc["addressType"]),
			col("Ports", "string", doc["ports"]),
			col("Endpoints", "string", doc["endpoints"]),
			ageColumn(),
		}
	},
	"nodes": func() []metav1.TableColumnDefinition {
		info := corev1.NodeSystemInfo{}.SwaggerDoc()
		addrs := corev1.NodeStatus{}.SwaggerDoc()["addresses"]
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Status", "string", "The status of the node"),
			col("Roles", "string", "The roles of the node"),
			ageColumn(),
			col("Version", "string", info["kubeletVersion"]),
			wideCol("Internal-IP", "string", addrs),
			wideCol("External-IP", "string", addrs),
			wideCol("OS-Image", "string", info["osImage"]),
			wideCol("Kernel-Version", "string", info["kernelVersion"]),
			wideCol("Container-Runtime", "string", info["containerRuntimeVersion"]),
		}
	},
	"events": func() []metav1.TableColumnDefinition {
		ev := corev1.Event{}.SwaggerDoc()
		return []metav1.TableColumnDefinition{
			col("Last Seen", "string", ev["lastTimestamp"]),
			col("Type", "string", ev["type"]),
			col("Reason", "string", ev["reason"]),
			col("Object", "string", ev["involvedObject"]),
			wideCol("Subobject", "string", corev1.ObjectReference{}.SwaggerDoc()["fieldPath"]),
			wideCol("Source", "string", ev["source"]),
			col("Message", "string", ev["message"]),
			wideCol("First Seen", "string", ev["firstTimestamp"]),
			wideCol("Count", "string", ev["count"]),
			{Name: "Name", Type: "string", Format: "name", Priority: 1, Description: metaDoc["name"]},
		}
	},
	"namespaces": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Status", "string", "The status of the namespace"),
			ageColumn(),
		}
	},
	"secrets": func() []metav1.TableColumnDefinition {
		doc := corev1.Secret{}.SwaggerDoc()
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Type", "string", doc["type"]),
			col("Data", "string", doc["data"]),
			ageColumn(),
		}
	},
	"serviceaccounts": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Secrets", "string", corev1.ServiceAccount{}.SwaggerDoc()["secrets"]),
			ageColumn(),
		}
	},
	"persistentvolumes": func() []metav1.TableColumnDefinition {
		spec := corev1.PersistentVolumeSpec{}.SwaggerDoc()
		st := corev1.PersistentVolumeStatus{}.SwaggerDoc()
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Capacity", "string", spec["capacity"]),
			col("Access Modes", "string", spec["accessModes"]),
			col("Reclaim Policy", "string", spec["persistentVolumeReclaimPolicy"]),
			col("Status", "string", st["phase"]),
			col("Claim", "string", spec["claimRef"]),
			col("StorageClass", "string", "StorageClass of the pv"),
			col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
			col("Reason", "string", st["reason"]),
			ageColumn(),
			wideCol("VolumeMode", "string", spec["volumeMode"]),
		}
	},
	"persistentvolumeclaims": func() []metav1.TableColumnDefinition {
		spec := corev1.PersistentVolumeClaimSpec{}.SwaggerDoc()
		st := corev1.PersistentVolumeClaimStatus{}.SwaggerDoc()
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Status", "string", st["phase"]),
			col("Volume", "string", spec["volumeName"]),
			col("Capacity", "string", st["capacity"]),
			col("Access Modes", "string", st["accessModes"]),
			col("StorageClass", "string", "StorageClass of the pvc"),
			col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
			ageColumn(),
			wideCol("VolumeMode", "string", spec["volumeMode"]),
		}
	},
	"deployments": func() []metav1.TableColumnDefinition {
		st := extensionsv1beta1.DeploymentStatus{}.SwaggerDoc()
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Ready", "string", "Number of the pod with ready state"),
			col("Up-to-date", "string", st["updatedReplicas"]),
			col("Available", "string", st["availableReplicas"]),
			ageColumn(),
			wideCol("Containers", "string", containersDesc),
			wideCol("Images", "string", imagesDesc),
			wideCol("Selector", "string", extensionsv1beta1.DeploymentSpec{}.SwaggerDoc()["selector"]),
		}
	},
	// Upstream read these from autoscaling/v2beta1, which k8s.io/api no
	// longer ships; autoscaling/v2 is the version that replaced it there.
	"horizontalpodautoscalers": func() []metav1.TableColumnDefinition {
		spec := autoscalingv2.HorizontalPodAutoscalerSpec{}.SwaggerDoc()
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Reference", "string", spec["scaleTargetRef"]),
			col("Targets", "string", spec["metrics"]),
			col("MinPods", "string", spec["minReplicas"]),
			col("MaxPods", "string", spec["maxReplicas"]),
			col("Replicas", "string", autoscalingv2.HorizontalPodAutoscalerStatus{}.SwaggerDoc()["currentReplicas"]),
			ageColumn(),
		}
	},
	"configmaps": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Data", "string", corev1.ConfigMap{}.SwaggerDoc()["data"]),
			ageColumn(),
		}
	},
	"leases": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Holder", "string", coordinationv1.LeaseSpec{}.SwaggerDoc()["holderIdentity"]),
			ageColumn(),
		}
	},
	"storageclasses": func() []metav1.TableColumnDefinition {
		doc := storagev1.StorageClass{}.SwaggerDoc()
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Provisioner", "string", doc["provisioner"]),
			col("ReclaimPolicy", "string", doc["reclaimPolicy"]),
			col("VolumeBindingMode", "string", doc["volumeBindingMode"]),
			col("AllowVolumeExpansion", "string", doc["allowVolumeExpansion"]),
			ageColumn(),
		}
	},
	"controllerrevisions": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Controller", "string", "Controller of the object"),
			col("Revision", "string", appsv1beta1.ControllerRevision{}.SwaggerDoc()["revision"]),
			ageColumn(),
		}
	},
	"resourcequotas": func() []metav1.TableColumnDefinition {
		return []metav1.TableColumnDefinition{
			nameColumn(),
			col("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
			col("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
			ageColumn(),
		}
	},
}

// Columns returns the column definitions the real API server uses for a
// resource (plural lower-case name, e.g. "pods"), including priority-1
// columns that kubectl shows only with -o wide.
func Columns(resource string) []metav1.TableColumnDefinition {
	if build, ok := columnSets[resource]; ok {
		return build()
	}
	return defaultColumns()
}
