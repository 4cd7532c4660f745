package admission

import (
	"reflect"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"kubetour/engine/equal"
)

// Default applies what the API server does to a decoded object before
// admission: the scheme's defaulting for the type (SetObjectDefaults_*) and
// the registry strategy's PrepareForCreate / PrepareForUpdate (status reset
// or carried over, metadata.generation, generated Job selectors, namespace
// finalizers). The caller sets metadata.uid (and name, for generateName)
// first, as the generic registry does before the strategy runs.
func Default(a *Attributes) {
	if a.Object == nil || a.Op == Delete {
		return
	}
	// The request handler and rest.BeforeCreate settle the namespace first:
	// a namespaced body without one takes the URL's, a cluster-scoped body
	// loses any it carries.
	if m := objectMeta(a.Object); m != nil {
		switch {
		case clusterScoped(a.Object):
			m.SetNamespace("")
		case m.GetNamespace() == "" && a.Namespace != "":
			m.SetNamespace(a.Namespace)
		}
	}
	applyTypeDefaults(a.Object)
	switch {
	case a.isCreate():
		prepareForCreate(a.Object)
	case a.isUpdate() && a.OldObject != nil && reflect.TypeOf(a.OldObject) == reflect.TypeOf(a.Object):
		if a.mainResource() {
			prepareForUpdate(a.Object, a.OldObject)
		} else if a.Subresource == "status" {
			prepareForStatusUpdate(a.Object, a.OldObject)
		}
	}
}

// applyTypeDefaults is the scheme defaulting that every decode applies.
func applyTypeDefaults(obj runtime.Object) {
	switch o := obj.(type) {
	case *corev1.Pod:
		defaultPod(o)
	case *corev1.PodTemplate:
		defaultPodTemplateObject(o)
	case *corev1.Service:
		defaultService(o)
	case *corev1.Namespace:
		defaultNamespace(o)
	case *corev1.Secret:
		defaultSecret(o)
	case *corev1.ConfigMap:
		defaultConfigMap(o)
	case *corev1.PersistentVolume:
		defaultPersistentVolume(o)
	case *corev1.PersistentVolumeClaim:
		defaultPersistentVolumeClaim(o)
	case *corev1.ReplicationController:
		defaultReplicationController(o)
	case *corev1.LimitRange:
		defaultLimitRange(o)
	case *corev1.ResourceQuota:
		defaultResourceQuota(o)
	case *corev1.Endpoints:
		defaultEndpoints(o)
	case *corev1.Node:
		defaultNode(o)
	case *appsv1.Deployment:
		defaultDeployment(o)
	case *appsv1.ReplicaSet:
		defaultReplicaSet(o)
	case *appsv1.DaemonSet:
		defaultDaemonSet(o)
	case *appsv1.StatefulSet:
		defaultStatefulSet(o)
	case *batchv1.Job:
		defaultJob(o)
	case *batchv1.CronJob:
		defaultCronJob(o)
	case *autoscalingv2.HorizontalPodAutoscaler:
		defaultHPAv2(o)
	case *autoscalingv1.HorizontalPodAutoscaler:
		defaultHPAv1(o)
	}
}

// daemonSetTemplateGenerationAnnotation is how apps/v1 carries the internal
// DaemonSet.Spec.TemplateGeneration, which is why every real DaemonSet shows it.
const daemonSetTemplateGenerationAnnotation = "deprecated.daemonset.template.generation"

// prepareForCreate mirrors the strategies' PrepareForCreate.
func prepareForCreate(obj runtime.Object) {
	switch o := obj.(type) {
	case *corev1.Pod:
		o.Generation = 1
		o.Status = corev1.PodStatus{Phase: corev1.PodPending, QOSClass: podQOS(o)}
		if len(o.Spec.SchedulingGates) > 0 {
			o.Status.Conditions = []corev1.PodCondition{{
				Type:    corev1.PodScheduled,
				Status:  corev1.ConditionFalse,
				Reason:  corev1.PodReasonSchedulingGated,
				Message: "Scheduling is blocked due to non-empty scheduling gates",
			}}
		}
	case *corev1.Service:
		o.Status = corev1.ServiceStatus{}
		defaultServiceIPFields(o)
	case *corev1.Namespace:
		o.Status = corev1.NamespaceStatus{Phase: corev1.NamespaceActive}
		has := false
		for _, f := range o.Spec.Finalizers {
			if f == corev1.FinalizerKubernetes {
				has = true
			}
		}
		if !has {
			o.Spec.Finalizers = append(o.Spec.Finalizers, corev1.FinalizerKubernetes)
		}
	case *corev1.PersistentVolume:
		// Stored status is empty; the phase is the default applied on read.
		o.Status = corev1.PersistentVolumeStatus{Phase: corev1.VolumePending, LastPhaseTransitionTime: ptrTime(createdAt(o))}
	case *corev1.PersistentVolumeClaim:
		o.Status = corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending}
	case *corev1.ReplicationController:
		o.Generation = 1
		o.Status = corev1.ReplicationControllerStatus{}
	case *corev1.ResourceQuota:
		o.Status = corev1.ResourceQuotaStatus{}
	case *appsv1.Deployment:
		o.Generation = 1
		o.Status = appsv1.DeploymentStatus{}
	case *appsv1.ReplicaSet:
		o.Generation = 1
		o.Status = appsv1.ReplicaSetStatus{}
	case *appsv1.DaemonSet:
		o.Generation = 1
		o.Status = appsv1.DaemonSetStatus{}
		if o.Annotations == nil {
			o.Annotations = map[string]string{}
		}
		o.Annotations[daemonSetTemplateGenerationAnnotation] = "1"
	case *appsv1.StatefulSet:
		o.Generation = 1
		o.Status = appsv1.StatefulSetStatus{}
	case *batchv1.Job:
		o.Generation = 1
		o.Status = batchv1.JobStatus{}
		if o.Spec.ManualSelector == nil || !*o.Spec.ManualSelector {
			generateJobSelector(o)
		}
	case *batchv1.CronJob:
		o.Generation = 1
		o.Status = batchv1.CronJobStatus{}
	case *autoscalingv2.HorizontalPodAutoscaler:
		o.Status = autoscalingv2.HorizontalPodAutoscalerStatus{}
	case *autoscalingv1.HorizontalPodAutoscaler:
		o.Status = autoscalingv1.HorizontalPodAutoscalerStatus{}
	}
}

// The unprefixed labels the Job strategy still writes next to the
// batch.kubernetes.io/ ones; k8s.io/api only exports the prefixed names.
const (
	legacyJobNameLabel       = "job-name"
	legacyControllerUIDLabel = "controller-uid"
)

// generateJobSelector is the Job strategy's selector generation: the pods
// get job-name and controller-uid labels (old and batch.kubernetes.io/
// spellings) and the selector picks the uid. Labels the user already set are
// left alone so that a conflict fails validation instead of being hidden.
func generateJobSelector(j *batchv1.Job) {
	if j.Spec.Template.Labels == nil {
		j.Spec.Template.Labels = map[string]string{}
	}
	for _, k := range []string{legacyJobNameLabel, batchv1.JobNameLabel} {
		if _, ok := j.Spec.Template.Labels[k]; !ok {
			j.Spec.Template.Labels[k] = j.Name
		}
	}
	for _, k := range []string{legacyControllerUIDLabel, batchv1.ControllerUidLabel} {
		if _, ok := j.Spec.Template.Labels[k]; !ok {
			j.Spec.Template.Labels[k] = string(j.UID)
		}
	}
	if j.Spec.Selector == nil {
		j.Spec.Selector = &metav1.LabelSelector{}
	}
	if j.Spec.Selector.MatchLabels == nil {
		j.Spec.Selector.MatchLabels = map[string]string{}
	}
	if _, ok := j.Spec.Selector.MatchLabels[batchv1.ControllerUidLabel]; !ok {
		j.Spec.Selector.MatchLabels[batchv1.ControllerUidLabel] = string(j.UID)
	}
}

// prepareForUpdate mirrors the strategies' PrepareForUpdate for a write to
// the main resource: status cannot be changed there, and a spec change
// bumps metadata.generation.
func prepareForUpdate(obj, old runtime.Object) {
	switch o := obj.(type) {
	case *corev1.Pod:
		p := old.(*corev1.Pod)
		o.Status = *p.Status.DeepCopy()
		o.Generation = bumpIf(!equal.Semantic(o.Spec, p.Spec), p.Generation)
	case *corev1.Service:
		p := old.(*corev1.Service)
		o.Status = *p.Status.DeepCopy()
		// The Service storage's update hooks, in their order.
		patchAllocatedValues(o, p)
		normalizeClusterIPsOnUpdate(o, p)
		dropTypeDependentFields(o, p)
	case *corev1.Namespace:
		p := old.(*corev1.Namespace)
		o.Spec.Finalizers = append([]corev1.FinalizerName(nil), p.Spec.Finalizers...)
		o.Status = *p.Status.DeepCopy()
	case *corev1.PersistentVolume:
		o.Status = *old.(*corev1.PersistentVolume).Status.DeepCopy()
	case *corev1.PersistentVolumeClaim:
		o.Status = *old.(*corev1.PersistentVolumeClaim).Status.DeepCopy()
	case *corev1.ReplicationController:
		p := old.(*corev1.ReplicationController)
		o.Status = *p.Status.DeepCopy()
		o.Generation = bumpIf(!equal.Semantic(o.Spec, p.Spec), p.Generation)
	case *corev1.ResourceQuota:
		o.Status = *old.(*corev1.ResourceQuota).Status.DeepCopy()
	case *appsv1.Deployment:
		p := old.(*appsv1.Deployment)
		o.Status = *p.Status.DeepCopy()
		// Annotations count too: rollback used to be requested through one.
		changed := !equal.Semantic(o.Spec, p.Spec) || !equal.Semantic(o.Annotations, p.Annotations)
		o.Generation = bumpIf(changed, p.Generation)
	case *appsv1.ReplicaSet:
		p := old.(*appsv1.ReplicaSet)
		o.Status = *p.Status.DeepCopy()
		o.Generation = bumpIf(!equal.Semantic(o.Spec, p.Spec), p.Generation)
	case *appsv1.DaemonSet:
		p := old.(*appsv1.DaemonSet)
		o.Status = *p.Status.DeepCopy()
		o.Generation = bumpIf(!equal.Semantic(o.Spec, p.Spec), p.Generation)
		tg, _ := strconv.ParseInt(p.Annotations[daemonSetTemplateGenerationAnnotation], 10, 64)
		if tg < 1 {
			tg = 1
		}
		if !equal.Semantic(o.Spec.Template, p.Spec.Template) {
			tg++
		}
		if o.Annotations == nil {
			o.Annotations = map[string]string{}
		}
		o.Annotations[daemonSetTemplateGenerationAnnotation] = strconv.FormatInt(tg, 10)
	case *appsv1.StatefulSet:
		p := old.(*appsv1.StatefulSet)
		o.Status = *p.Status.DeepCopy()
		o.Generation = bumpIf(!equal.Semantic(o.Spec, p.Spec), p.Generation)
	case *batchv1.Job:
		p := old.(*batchv1.Job)
		o.Status = *p.Status.DeepCopy()
		o.Generation = bumpIf(!equal.Semantic(o.Spec, p.Spec), p.Generation)
	case *batchv1.CronJob:
		p := old.(*batchv1.CronJob)
		o.Status = *p.Status.DeepCopy()
		o.Generation = bumpIf(!equal.Semantic(o.Spec, p.Spec), p.Generation)
	case *autoscalingv2.HorizontalPodAutoscaler:
		o.Status = *old.(*autoscalingv2.HorizontalPodAutoscaler).Status.DeepCopy()
	case *autoscalingv1.HorizontalPodAutoscaler:
		o.Status = *old.(*autoscalingv1.HorizontalPodAutoscaler).Status.DeepCopy()
	}
}

// prepareForStatusUpdate mirrors the status strategies: a write to /status
// cannot change the spec.
func prepareForStatusUpdate(obj, old runtime.Object) {
	switch o := obj.(type) {
	case *corev1.Pod:
		o.Spec = *old.(*corev1.Pod).Spec.DeepCopy()
	case *corev1.Service:
		o.Spec = *old.(*corev1.Service).Spec.DeepCopy()
	case *corev1.Namespace:
		o.Spec = *old.(*corev1.Namespace).Spec.DeepCopy()
	case *corev1.PersistentVolume:
		o.Spec = *old.(*corev1.PersistentVolume).Spec.DeepCopy()
	case *corev1.PersistentVolumeClaim:
		o.Spec = *old.(*corev1.PersistentVolumeClaim).Spec.DeepCopy()
	case *corev1.ReplicationController:
		o.Spec = *old.(*corev1.ReplicationController).Spec.DeepCopy()
	case *corev1.ResourceQuota:
		o.Spec = *old.(*corev1.ResourceQuota).Spec.DeepCopy()
	case *appsv1.Deployment:
		o.Spec = *old.(*appsv1.Deployment).Spec.DeepCopy()
	case *appsv1.ReplicaSet:
		o.Spec = *old.(*appsv1.ReplicaSet).Spec.DeepCopy()
	case *appsv1.DaemonSet:
		o.Spec = *old.(*appsv1.DaemonSet).Spec.DeepCopy()
	case *appsv1.StatefulSet:
		o.Spec = *old.(*appsv1.StatefulSet).Spec.DeepCopy()
	case *batchv1.Job:
		o.Spec = *old.(*batchv1.Job).Spec.DeepCopy()
	case *batchv1.CronJob:
		o.Spec = *old.(*batchv1.CronJob).Spec.DeepCopy()
	case *autoscalingv2.HorizontalPodAutoscaler:
		o.Spec = *old.(*autoscalingv2.HorizontalPodAutoscaler).Spec.DeepCopy()
	}
}

func bumpIf(changed bool, old int64) int64 {
	if changed {
		return old + 1
	}
	return old
}

func createdAt(obj metav1.Object) metav1.Time {
	if t := obj.GetCreationTimestamp(); !t.IsZero() {
		return t
	}
	return metav1.Now()
}

func ptrTime(t metav1.Time) *metav1.Time { return &t }

// patchAllocatedValues is the Service REST's update-time repair: a client
// that omits clusterIP or nodePort (kubectl replace of the original file,
// an apply that never set them) keeps the values already allocated instead
// of failing the immutability check.
func patchAllocatedValues(svc, old *corev1.Service) {
	if needsClusterIP(old) && needsClusterIP(svc) {
		if svc.Spec.ClusterIP == "" {
			svc.Spec.ClusterIP = old.Spec.ClusterIP
		}
		if len(svc.Spec.ClusterIPs) == 0 && len(old.Spec.ClusterIPs) > 0 {
			svc.Spec.ClusterIPs = append([]string(nil), old.Spec.ClusterIPs...)
		}
		if svc.Spec.IPFamilyPolicy == nil {
			svc.Spec.IPFamilyPolicy = old.Spec.IPFamilyPolicy
		}
		if len(svc.Spec.IPFamilies) == 0 {
			svc.Spec.IPFamilies = append([]corev1.IPFamily(nil), old.Spec.IPFamilies...)
		}
	}
	if needsNodePorts(old) && needsNodePorts(svc) {
		used := map[int32]bool{}
		inNew := map[int32]bool{}
		for _, p := range svc.Spec.Ports {
			if p.NodePort != 0 {
				inNew[p.NodePort] = true
			}
		}
		byName := map[string]int32{}
		for _, p := range old.Spec.Ports {
			if p.NodePort != 0 && inNew[p.NodePort] {
				used[p.NodePort] = true
			}
			byName[p.Name] = p.NodePort
		}
		for i := range svc.Spec.Ports {
			p := &svc.Spec.Ports[i]
			if p.NodePort == 0 {
				if v := byName[p.Name]; !used[v] {
					p.NodePort = v
				}
			}
		}
	}
	if svc.Spec.Type != corev1.ServiceTypeExternalName {
		defaultServiceIPFields(svc)
	}
}

func needsClusterIP(svc *corev1.Service) bool {
	return svc.Spec.Type != corev1.ServiceTypeExternalName
}

func needsNodePorts(svc *corev1.Service) bool {
	switch svc.Spec.Type {
	case corev1.ServiceTypeNodePort:
		return true
	case corev1.ServiceTypeLoadBalancer:
		return svc.Spec.AllocateLoadBalancerNodePorts == nil || *svc.Spec.AllocateLoadBalancerNodePorts
	}
	return false
}
