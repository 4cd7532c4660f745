package admission

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func TestDefaultPod(t *testing.T) {
	tests := map[string]struct {
		mutate func(*corev1.Pod)
		check  func(*testing.T, *corev1.Pod)
	}{
		"pod spec defaults": {
			check: func(t *testing.T, p *corev1.Pod) {
				s := p.Spec
				if s.RestartPolicy != corev1.RestartPolicyAlways || s.DNSPolicy != corev1.DNSClusterFirst ||
					s.SchedulerName != "default-scheduler" || s.SecurityContext == nil ||
					*s.TerminationGracePeriodSeconds != 30 || !*s.EnableServiceLinks {
					t.Fatalf("pod spec defaults wrong: %+v", s)
				}
			},
		},
		"container defaults": {
			check: func(t *testing.T, p *corev1.Pod) {
				c := p.Spec.Containers[0]
				if c.TerminationMessagePath != "/dev/termination-log" || c.TerminationMessagePolicy != corev1.TerminationMessageReadFile {
					t.Fatalf("termination message defaults wrong: %+v", c)
				}
			},
		},
		"no tag pulls Always": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "nginx" },
			check:  pullPolicy(corev1.PullAlways),
		},
		"latest pulls Always": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "registry:5000/kubetm/app:latest" },
			check:  pullPolicy(corev1.PullAlways),
		},
		"tag pulls IfNotPresent": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "kubetm/app:v1" },
			check:  pullPolicy(corev1.PullIfNotPresent),
		},
		"registry port is not a tag": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "localhost:5000/app" },
			check:  pullPolicy(corev1.PullAlways),
		},
		"digest only pulls IfNotPresent": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "app@sha256:abc" },
			check:  pullPolicy(corev1.PullIfNotPresent),
		},
		"explicit pull policy kept": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].ImagePullPolicy = corev1.PullNever },
			check:  pullPolicy(corev1.PullNever),
		},
		"port protocol TCP": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080}} },
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Spec.Containers[0].Ports[0].Protocol != corev1.ProtocolTCP {
					t.Fatal("protocol not defaulted")
				}
			},
		},
		"requests default to limits": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers[0].Resources = corev1.ResourceRequirements{Limits: rl("memory", "1Gi", "cpu", "500m"), Requests: rl("cpu", "250m")}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				r := p.Spec.Containers[0].Resources.Requests
				if r.Memory().String() != "1Gi" || r.Cpu().String() != "250m" {
					t.Fatalf("requests = %v", r)
				}
			},
		},
		"probe defaults": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(8080)}}}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				pr := p.Spec.Containers[0].ReadinessProbe
				if pr.TimeoutSeconds != 1 || pr.PeriodSeconds != 10 || pr.SuccessThreshold != 1 || pr.FailureThreshold != 3 ||
					pr.HTTPGet.Path != "/" || pr.HTTPGet.Scheme != corev1.URISchemeHTTP {
					t.Fatalf("probe defaults wrong: %+v", pr)
				}
			},
		},
		"volume without source is emptyDir, modes 420": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Volumes = []corev1.Volume{{Name: "a"}, {Name: "b", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}}},
					{Name: "c", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/node-v"}}}}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				v := p.Spec.Volumes
				if v[0].EmptyDir == nil || *v[1].ConfigMap.DefaultMode != 420 || v[2].HostPath.Type == nil || *v[2].HostPath.Type != "" {
					t.Fatalf("volume defaults wrong: %+v", v)
				}
			},
		},
		"host network copies ports": {
			mutate: func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080}}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Spec.Containers[0].Ports[0].HostPort != 8080 {
					t.Fatal("hostPort not defaulted")
				}
			},
		},
		"status pending, qos and generation": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Resources.Limits = rl("cpu", "1", "memory", "1Gi") },
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Status.Phase != corev1.PodPending || p.Status.QOSClass != corev1.PodQOSGuaranteed || p.Generation != 1 {
					t.Fatalf("status = %+v gen=%d", p.Status, p.Generation)
				}
			},
		},
		"deprecated serviceAccount is read": {
			mutate: func(p *corev1.Pod) { p.Spec.DeprecatedServiceAccount = "robot" },
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Spec.ServiceAccountName != "robot" {
					t.Fatal("serviceAccount not honoured")
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := pod("default", "p", corev1.Container{Name: "app", Image: "kubetm/app:v1"})
			if tc.mutate != nil {
				tc.mutate(p)
			}
			Default(createAttrs(p, "pods"))
			tc.check(t, p)
		})
	}
}

func pullPolicy(want corev1.PullPolicy) func(*testing.T, *corev1.Pod) {
	return func(t *testing.T, p *corev1.Pod) {
		if got := p.Spec.Containers[0].ImagePullPolicy; got != want {
			t.Fatalf("imagePullPolicy = %s, want %s", got, want)
		}
	}
}

func TestPodQOS(t *testing.T) {
	tests := map[string]struct {
		containers []corev1.Container
		want       corev1.PodQOSClass
	}{
		"nothing set":             {[]corev1.Container{ctr("a")}, corev1.PodQOSBestEffort},
		"limits equal requests":   {[]corev1.Container{withResources(ctr("a"), rl("cpu", "1", "memory", "1Gi"), rl("cpu", "1", "memory", "1Gi"))}, corev1.PodQOSGuaranteed},
		"only memory limit":       {[]corev1.Container{withResources(ctr("a"), rl("memory", "1Gi"), rl("memory", "1Gi"))}, corev1.PodQOSBurstable},
		"request below limit":     {[]corev1.Container{withResources(ctr("a"), rl("cpu", "500m", "memory", "1Gi"), rl("cpu", "1", "memory", "1Gi"))}, corev1.PodQOSBurstable},
		"one container burstable": {[]corev1.Container{withResources(ctr("a"), rl("cpu", "1", "memory", "1Gi"), rl("cpu", "1", "memory", "1Gi")), ctr("b")}, corev1.PodQOSBurstable},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := podQOS(pod("default", "p", tc.containers...)); got != tc.want {
				t.Fatalf("qos = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestDefaultOtherKinds(t *testing.T) {
	uid := "0b7c2a9e-1111-4222-8333-944455556666"
	tests := map[string]struct {
		obj   runtime.Object
		res   string
		check func(*testing.T, runtime.Object)
	}{
		"service": {
			obj: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "svc-1", Namespace: "default"},
				Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "pod"}, Ports: []corev1.ServicePort{{Port: 9000}}}},
			res: "services",
			check: func(t *testing.T, o runtime.Object) {
				s := o.(*corev1.Service).Spec
				if s.Type != corev1.ServiceTypeClusterIP || s.SessionAffinity != corev1.ServiceAffinityNone ||
					s.Ports[0].Protocol != corev1.ProtocolTCP || s.Ports[0].TargetPort != intstr.FromInt32(9000) ||
					*s.IPFamilyPolicy != corev1.IPFamilyPolicySingleStack || !reflect.DeepEqual(s.IPFamilies, []corev1.IPFamily{corev1.IPv4Protocol}) ||
					*s.InternalTrafficPolicy != corev1.ServiceInternalTrafficPolicyCluster || s.ExternalTrafficPolicy != "" {
					t.Fatalf("service defaults wrong: %+v", s)
				}
			},
		},
		"nodeport service gets externalTrafficPolicy": {
			obj: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "svc-2", Namespace: "default"},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{Port: 9000, TargetPort: intstr.FromInt32(8080)}}}},
			res: "services",
			check: func(t *testing.T, o runtime.Object) {
				s := o.(*corev1.Service).Spec
				if s.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyCluster || s.Ports[0].TargetPort != intstr.FromInt32(8080) {
					t.Fatalf("nodeport defaults wrong: %+v", s)
				}
			},
		},
		"loadbalancer allocates node ports": {
			obj: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "lb", Namespace: "default"},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 80}}}},
			res: "services",
			check: func(t *testing.T, o runtime.Object) {
				if a := o.(*corev1.Service).Spec.AllocateLoadBalancerNodePorts; a == nil || !*a {
					t.Fatal("allocateLoadBalancerNodePorts not defaulted")
				}
			},
		},
		"headless without selector is RequireDualStack": {
			obj: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "h", Namespace: "default"},
				Spec: corev1.ServiceSpec{ClusterIP: "None", Ports: []corev1.ServicePort{{Port: 80}}}},
			res: "services",
			check: func(t *testing.T, o runtime.Object) {
				s := o.(*corev1.Service).Spec
				if *s.IPFamilyPolicy != corev1.IPFamilyPolicyRequireDualStack || !reflect.DeepEqual(s.ClusterIPs, []string{"None"}) {
					t.Fatalf("headless defaults wrong: %+v", s)
				}
			},
		},
		"externalname has no ip fields": {
			obj: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "ext", Namespace: "default"},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "example.com"}},
			res: "services",
			check: func(t *testing.T, o runtime.Object) {
				s := o.(*corev1.Service).Spec
				if s.IPFamilyPolicy != nil || s.IPFamilies != nil || s.InternalTrafficPolicy != nil {
					t.Fatalf("externalname got ip fields: %+v", s)
				}
			},
		},
		"namespace": {
			obj: &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "nm-1"}},
			res: "namespaces",
			check: func(t *testing.T, o runtime.Object) {
				ns := o.(*corev1.Namespace)
				if ns.Labels["kubernetes.io/metadata.name"] != "nm-1" || !reflect.DeepEqual(ns.Spec.Finalizers, []corev1.FinalizerName{"kubernetes"}) ||
					ns.Status.Phase != corev1.NamespaceActive {
					t.Fatalf("namespace defaults wrong: %+v", ns)
				}
			},
		},
		"secret type and stringData": {
			obj: &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "sec", Namespace: "default"},
				Data: map[string][]byte{"a": []byte("old")}, StringData: map[string]string{"a": "new", "b": "2"}},
			res: "secrets",
			check: func(t *testing.T, o runtime.Object) {
				s := o.(*corev1.Secret)
				if s.Type != corev1.SecretTypeOpaque || string(s.Data["a"]) != "new" || string(s.Data["b"]) != "2" || s.StringData != nil {
					t.Fatalf("secret defaults wrong: %+v", s)
				}
			},
		},
		"persistent volume": {
			obj: &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-01"}},
			res: "persistentvolumes",
			check: func(t *testing.T, o runtime.Object) {
				pv := o.(*corev1.PersistentVolume)
				if pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimRetain || *pv.Spec.VolumeMode != corev1.PersistentVolumeFilesystem ||
					pv.Status.Phase != corev1.VolumePending {
					t.Fatalf("pv defaults wrong: %+v", pv)
				}
			},
		},
		"persistent volume claim": {
			obj: &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "pvc-01", Namespace: "default"}},
			res: "persistentvolumeclaims",
			check: func(t *testing.T, o runtime.Object) {
				pvc := o.(*corev1.PersistentVolumeClaim)
				if *pvc.Spec.VolumeMode != corev1.PersistentVolumeFilesystem || pvc.Status.Phase != corev1.ClaimPending {
					t.Fatalf("pvc defaults wrong: %+v", pvc)
				}
			},
		},
		"replication controller": {
			obj: &corev1.ReplicationController{ObjectMeta: metav1.ObjectMeta{Name: "rc", Namespace: "default"},
				Spec: corev1.ReplicationControllerSpec{Template: &corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"type": "web"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{ctr("c")}}}}},
			res: "replicationcontrollers",
			check: func(t *testing.T, o runtime.Object) {
				rc := o.(*corev1.ReplicationController)
				if *rc.Spec.Replicas != 1 || rc.Spec.Selector["type"] != "web" || rc.Labels["type"] != "web" || rc.Generation != 1 ||
					rc.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways {
					t.Fatalf("rc defaults wrong: %+v", rc)
				}
			},
		},
		"limit range default from max, request from default": {
			obj: &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "lr", Namespace: "default"},
				Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer, Max: rl("memory", "1Gi"), Min: rl("cpu", "100m")}}}},
			res: "limitranges",
			check: func(t *testing.T, o runtime.Object) {
				it := o.(*corev1.LimitRange).Spec.Limits[0]
				if it.Default.Memory().String() != "1Gi" || it.DefaultRequest.Memory().String() != "1Gi" || it.DefaultRequest.Cpu().String() != "100m" {
					t.Fatalf("limitrange defaults wrong: %+v", it)
				}
			},
		},
		"deployment": {
			obj: &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "default"},
				Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{ctr("c")}}}}},
			res: "deployments",
			check: func(t *testing.T, o runtime.Object) {
				d := o.(*appsv1.Deployment)
				ru := d.Spec.Strategy.RollingUpdate
				if *d.Spec.Replicas != 1 || d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || ru.MaxSurge.StrVal != "25%" ||
					ru.MaxUnavailable.StrVal != "25%" || *d.Spec.RevisionHistoryLimit != 10 || *d.Spec.ProgressDeadlineSeconds != 600 ||
					d.Generation != 1 || d.Spec.Template.Spec.DNSPolicy != corev1.DNSClusterFirst || d.Spec.Template.Spec.EnableServiceLinks != nil {
					t.Fatalf("deployment defaults wrong: %+v", d.Spec)
				}
			},
		},
		"recreate deployment has no rollingUpdate": {
			obj: &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "default"},
				Spec: appsv1.DeploymentSpec{Strategy: appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}}},
			res: "deployments",
			check: func(t *testing.T, o runtime.Object) {
				if o.(*appsv1.Deployment).Spec.Strategy.RollingUpdate != nil {
					t.Fatal("rollingUpdate set for Recreate")
				}
			},
		},
		"replicaset": {
			obj: &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "rs", Namespace: "default"}},
			res: "replicasets",
			check: func(t *testing.T, o runtime.Object) {
				if *o.(*appsv1.ReplicaSet).Spec.Replicas != 1 {
					t.Fatal("replicas not defaulted")
				}
			},
		},
		"daemonset": {
			obj: &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "ds", Namespace: "default"}},
			res: "daemonsets",
			check: func(t *testing.T, o runtime.Object) {
				ds := o.(*appsv1.DaemonSet)
				ru := ds.Spec.UpdateStrategy.RollingUpdate
				if ds.Spec.UpdateStrategy.Type != appsv1.RollingUpdateDaemonSetStrategyType || ru.MaxUnavailable.IntValue() != 1 ||
					ru.MaxSurge.IntValue() != 0 || *ds.Spec.RevisionHistoryLimit != 10 || ds.Annotations["deprecated.daemonset.template.generation"] != "1" {
					t.Fatalf("daemonset defaults wrong: %+v", ds)
				}
			},
		},
		"statefulset": {
			obj: &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "ss", Namespace: "default"},
				Spec: appsv1.StatefulSetSpec{VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data"}}}}},
			res: "statefulsets",
			check: func(t *testing.T, o runtime.Object) {
				s := o.(*appsv1.StatefulSet).Spec
				if *s.Replicas != 1 || s.PodManagementPolicy != appsv1.OrderedReadyPodManagement || *s.UpdateStrategy.RollingUpdate.Partition != 0 ||
					s.PersistentVolumeClaimRetentionPolicy.WhenDeleted != appsv1.RetainPersistentVolumeClaimRetentionPolicyType ||
					s.VolumeClaimTemplates[0].Status.Phase != corev1.ClaimPending {
					t.Fatalf("statefulset defaults wrong: %+v", s)
				}
			},
		},
		"job": {
			obj: &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "pi", Namespace: "default", UID: "0b7c2a9e-1111-4222-8333-944455556666"},
				Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{ctr("c")}}}}},
			res: "jobs",
			check: func(t *testing.T, o runtime.Object) {
				j := o.(*batchv1.Job)
				s := j.Spec
				if *s.Completions != 1 || *s.Parallelism != 1 || *s.BackoffLimit != 6 || *s.CompletionMode != batchv1.NonIndexedCompletion ||
					*s.Suspend || *s.ManualSelector || *s.PodReplacementPolicy != batchv1.TerminatingOrFailed {
					t.Fatalf("job defaults wrong: %+v", s)
				}
				wantLabels := map[string]string{"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "pi", "controller-uid": uid, "job-name": "pi"}
				if !reflect.DeepEqual(s.Template.Labels, wantLabels) || !reflect.DeepEqual(s.Selector.MatchLabels, map[string]string{"batch.kubernetes.io/controller-uid": uid}) {
					t.Fatalf("job selector/labels wrong: %v %v", s.Template.Labels, s.Selector)
				}
				if len(j.Labels) != 0 {
					t.Fatalf("job without template labels got labels %v", j.Labels)
				}
			},
		},
		"job labels follow template labels": {
			obj: &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "pi", Namespace: "default", UID: "0b7c2a9e-1111-4222-8333-944455556666"},
				Spec: batchv1.JobSpec{Parallelism: ptr.To(int32(2)), Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "pi"}}}}},
			res: "jobs",
			check: func(t *testing.T, o runtime.Object) {
				j := o.(*batchv1.Job)
				if j.Spec.Completions != nil || *j.Spec.Parallelism != 2 || j.Labels["app"] != "pi" || j.Labels["job-name"] != "pi" {
					t.Fatalf("job labels wrong: %v completions=%v", j.Labels, j.Spec.Completions)
				}
			},
		},
		"cronjob": {
			obj: &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "cj", Namespace: "default"}},
			res: "cronjobs",
			check: func(t *testing.T, o runtime.Object) {
				s := o.(*batchv1.CronJob).Spec
				if s.ConcurrencyPolicy != batchv1.AllowConcurrent || *s.Suspend || *s.SuccessfulJobsHistoryLimit != 3 || *s.FailedJobsHistoryLimit != 1 ||
					s.JobTemplate.Spec.BackoffLimit != nil || s.JobTemplate.Spec.Template.Spec.DNSPolicy != corev1.DNSClusterFirst {
					t.Fatalf("cronjob defaults wrong: %+v", s)
				}
			},
		},
		"hpa v2": {
			obj: &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: "h", Namespace: "default"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{}}},
			res: "horizontalpodautoscalers",
			check: func(t *testing.T, o runtime.Object) {
				s := o.(*autoscalingv2.HorizontalPodAutoscaler).Spec
				if *s.MinReplicas != 1 || *s.Metrics[0].Resource.Target.AverageUtilization != 80 ||
					len(s.Behavior.ScaleUp.Policies) != 2 || *s.Behavior.ScaleUp.StabilizationWindowSeconds != 0 ||
					s.Behavior.ScaleDown.StabilizationWindowSeconds != nil || s.Behavior.ScaleDown.Policies[0].Value != 100 {
					t.Fatalf("hpa defaults wrong: %+v", s)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			Default(createAttrs(tc.obj, tc.res))
			tc.check(t, tc.obj)
		})
	}
}

func TestDefaultUpdate(t *testing.T) {
	tests := map[string]struct {
		old, obj runtime.Object
		res      string
		sub      string
		check    func(*testing.T, runtime.Object)
	}{
		"deployment spec change bumps generation and keeps status": {
			old: &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "default", Generation: 3},
				Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(2))}, Status: appsv1.DeploymentStatus{Replicas: 2}},
			obj: &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "default", Generation: 3},
				Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(5))}},
			res: "deployments",
			check: func(t *testing.T, o runtime.Object) {
				d := o.(*appsv1.Deployment)
				if d.Generation != 4 || d.Status.Replicas != 2 {
					t.Fatalf("gen=%d status=%+v", d.Generation, d.Status)
				}
			},
		},
		"label-only change keeps generation": {
			old: &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "default", Generation: 2}, Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(int32(1))}},
			obj: &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "default", Generation: 2, Labels: map[string]string{"x": "y"}}},
			res: "replicasets",
			check: func(t *testing.T, o runtime.Object) {
				if g := o.(*appsv1.ReplicaSet).Generation; g != 2 {
					t.Fatalf("gen=%d", g)
				}
			},
		},
		"daemonset template change bumps template generation": {
			old: &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "ds", Namespace: "default", Generation: 1, Annotations: map[string]string{"deprecated.daemonset.template.generation": "1"}}},
			obj: &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "ds", Namespace: "default", Generation: 1},
				Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{ctr("c")}}}}},
			res: "daemonsets",
			check: func(t *testing.T, o runtime.Object) {
				if a := o.(*appsv1.DaemonSet).Annotations["deprecated.daemonset.template.generation"]; a != "2" {
					t.Fatalf("template generation = %q", a)
				}
			},
		},
		"service keeps allocated clusterIP and nodePort": {
			old: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "default"}, Spec: corev1.ServiceSpec{
				Type: corev1.ServiceTypeNodePort, ClusterIP: "10.100.1.2", ClusterIPs: []string{"10.100.1.2"},
				Ports: []corev1.ServicePort{{Name: "http", Port: 80, NodePort: 30123}}}},
			obj: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "default"}, Spec: corev1.ServiceSpec{
				Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}},
			res: "services",
			check: func(t *testing.T, o runtime.Object) {
				s := o.(*corev1.Service).Spec
				if s.ClusterIP != "10.100.1.2" || s.Ports[0].NodePort != 30123 || !reflect.DeepEqual(s.ClusterIPs, []string{"10.100.1.2"}) {
					t.Fatalf("allocated values lost: %+v", s)
				}
			},
		},
		"type change to ClusterIP drops node ports": {
			old: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "default"}, Spec: corev1.ServiceSpec{
				Type: corev1.ServiceTypeNodePort, ClusterIP: "10.100.1.2", ClusterIPs: []string{"10.100.1.2"}, ExternalTrafficPolicy: corev1.ServiceExternalTrafficPolicyCluster,
				Ports: []corev1.ServicePort{{Port: 80, NodePort: 30123}}}},
			obj: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "default"}, Spec: corev1.ServiceSpec{
				Type: corev1.ServiceTypeClusterIP, ClusterIP: "10.100.1.2", ClusterIPs: []string{"10.100.1.2"}, ExternalTrafficPolicy: corev1.ServiceExternalTrafficPolicyCluster,
				Ports: []corev1.ServicePort{{Port: 80, NodePort: 30123}}}},
			res: "services",
			check: func(t *testing.T, o runtime.Object) {
				s := o.(*corev1.Service).Spec
				if s.Ports[0].NodePort != 0 || s.ExternalTrafficPolicy != "" {
					t.Fatalf("type dependent fields kept: %+v", s)
				}
			},
		},
		"status write keeps spec": {
			old: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"}, Spec: corev1.PodSpec{NodeName: "node1"}},
			obj: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"}, Spec: corev1.PodSpec{NodeName: "node2"}, Status: corev1.PodStatus{Phase: corev1.PodRunning}},
			res: "pods",
			sub: "status",
			check: func(t *testing.T, o runtime.Object) {
				p := o.(*corev1.Pod)
				if p.Spec.NodeName != "node1" || p.Status.Phase != corev1.PodRunning {
					t.Fatalf("status write changed spec: %+v", p)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			applyTypeDefaults(tc.old) // the stored object was defaulted when written
			a := updateAttrs(tc.obj, tc.old, tc.res)
			a.Subresource = tc.sub
			Default(a)
			tc.check(t, tc.obj)
		})
	}
}
