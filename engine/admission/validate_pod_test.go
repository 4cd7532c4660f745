package admission

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"
)

func TestValidatePodCreate(t *testing.T) {
	tests := map[string]struct {
		mutate func(*corev1.Pod)
		want   string
	}{
		"valid": {},
		"missing image": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "" },
			want:   `Pod "pod-1" is invalid: spec.containers[0].image: Required value`,
		},
		"no containers": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers = nil },
			want:   `Pod "pod-1" is invalid: spec.containers: Required value`,
		},
		"several errors are bracketed": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Name, p.Spec.Containers[0].Image = "", "" },
			want:   `Pod "pod-1" is invalid: [spec.containers[0].name: Required value, spec.containers[0].image: Required value]`,
		},
		"bad pod name": {
			mutate: func(p *corev1.Pod) { p.Name = "Pod_1" },
			want:   `Pod "Pod_1" is invalid: metadata.name: Invalid value: "Pod_1": ` + validation.IsDNS1123Subdomain("Pod_1")[0],
		},
		"bad container name": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Name = "Web" },
			want:   `Pod "pod-1" is invalid: spec.containers[0].name: Invalid value: "Web": ` + validation.IsDNS1123Label("Web")[0],
		},
		"duplicate container name": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers = append(p.Spec.Containers, p.Spec.Containers[0]) },
			want:   `Pod "pod-1" is invalid: spec.containers[1].name: Duplicate value: "app"`,
		},
		"init container clashing with container": {
			mutate: func(p *corev1.Pod) { p.Spec.InitContainers = []corev1.Container{p.Spec.Containers[0]} },
			want:   `Pod "pod-1" is invalid: spec.initContainers[0].name: Duplicate value: "app"`,
		},
		"container port out of range": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 70000}} },
			want:   `Pod "pod-1" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`,
		},
		"duplicate port name": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: 80}, {Name: "http", ContainerPort: 8080}}
			},
			want: `Pod "pod-1" is invalid: spec.containers[0].ports[1].name: Duplicate value: "http"`,
		},
		"request above limit": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers[0].Resources = corev1.ResourceRequirements{Requests: rl("cpu", "600m"), Limits: rl("cpu", "500m")}
			},
			want: `Pod "pod-1" is invalid: spec.containers[0].resources.requests: Invalid value: "600m": must be less than or equal to cpu limit of 500m`,
		},
		"negative quantity": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Resources.Limits = rl("memory", "-1Gi") },
			want:   `Pod "pod-1" is invalid: [spec.containers[0].resources.limits[memory]: Invalid value: "-1Gi": must be greater than or equal to 0, spec.containers[0].resources.requests[memory]: Invalid value: "-1Gi": must be greater than or equal to 0]`,
		},
		"unknown resource": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Resources.Requests = rl("mem", "1Gi") },
			want:   `Pod "pod-1" is invalid: spec.containers[0].resources.requests[mem]: Invalid value: "mem": must be a standard resource for containers`,
		},
		"restart policy": {
			mutate: func(p *corev1.Pod) { p.Spec.RestartPolicy = "Sometimes" },
			want:   `Pod "pod-1" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`,
		},
		"mount of unknown volume": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}
			},
			want: `Pod "pod-1" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "data"`,
		},
		"hostPath without path": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Volumes = []corev1.Volume{{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{}}}}
			},
			want: `Pod "pod-1" is invalid: spec.volumes[0].hostPath.path: Required value`,
		},
		"two volume types": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Volumes = []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}, HostPath: &corev1.HostPathVolumeSource{Path: "/x"}}}}
			},
			want: `Pod "pod-1" is invalid: spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type`,
		},
		"duplicate mount path": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Volumes = []corev1.Volume{{Name: "a"}, {Name: "b"}}
				p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "a", MountPath: "/m"}, {Name: "b", MountPath: "/m"}}
			},
			want: `Pod "pod-1" is invalid: spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/m": must be unique`,
		},
		"configMapKeyRef without key": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "A", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "cm-dev"}}}}}
			},
			want: `Pod "pod-1" is invalid: spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Required value`,
		},
		"env var name with =": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "A=B", Value: "x"}} },
			want:   `Pod "pod-1" is invalid: spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
		},
		"bad label value": {
			mutate: func(p *corev1.Pod) { p.Labels = map[string]string{"app": "bad value"} },
			want:   `Pod "pod-1" is invalid: metadata.labels: Invalid value: "bad value": ` + validation.IsValidLabelValue("bad value")[0],
		},
		"liveness success threshold": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}, SuccessThreshold: 2}
			},
			want: `Pod "pod-1" is invalid: spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1`,
		},
		"probe without handler": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].ReadinessProbe = &corev1.Probe{} },
			want:   `Pod "pod-1" is invalid: spec.containers[0].readinessProbe: Required value: must specify a handler type`,
		},
		"toleration seconds without NoExecute": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Tolerations = []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule, TolerationSeconds: ptr.To(int64(5))}}
			},
			want: `Pod "pod-1" is invalid: spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be 'NoExecute' when ` + "`tolerationSeconds`" + ` is set`,
		},
		"leading space in image": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = " kubetm/app" },
			want:   `Pod "pod-1" is invalid: spec.containers[0].image: Invalid value: " kubetm/app": must not have leading or trailing whitespace`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := pod("default", "pod-1", corev1.Container{Name: "app", Image: "kubetm/app", Ports: []corev1.ContainerPort{{ContainerPort: 8080}}})
			p.Labels = map[string]string{"app": "pod"}
			if tc.mutate != nil {
				tc.mutate(p)
			}
			a := createAttrs(p, "pods")
			Default(a)
			wantErr(t, Validate(a), tc.want, 422)
		})
	}
}

func TestValidatePodUpdate(t *testing.T) {
	const prefix = "Pod \"pod-1\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"
	tests := map[string]struct {
		mutate     func(*corev1.Pod)
		want       string
		wantPrefix string
		wantInDiff string
	}{
		"image change is allowed": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "kubetm/app:v2" },
		},
		"label change is allowed": {
			mutate: func(p *corev1.Pod) { p.Labels = map[string]string{"app": "other"} },
		},
		"adding a toleration is allowed": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{Key: "k", Operator: corev1.TolerationOpExists})
			},
		},
		"port change is forbidden": {
			mutate:     func(p *corev1.Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = 8000 },
			wantPrefix: prefix + "@@ ",
			wantInDiff: "\"ContainerPort\": 8080,\n+     \"ContainerPort\": 8000,",
		},
		"adding a container": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers = append(p.Spec.Containers, ctr("side")) },
			want:   `Pod "pod-1" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers`,
		},
		"removing activeDeadlineSeconds": {
			mutate: func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = nil },
			want:   `Pod "pod-1" is invalid: spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value`,
		},
		"raising activeDeadlineSeconds": {
			mutate: func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To(int64(600)) },
			want:   `Pod "pod-1" is invalid: spec.activeDeadlineSeconds: Invalid value: 600: must be less than or equal to previous value`,
		},
		"empty image": {
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "" },
			// Reported twice upstream too; the aggregate drops the repeat.
			want: `Pod "pod-1" is invalid: spec.containers[0].image: Required value`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			old := pod("default", "pod-1", corev1.Container{Name: "app", Image: "kubetm/app:v1", Ports: []corev1.ContainerPort{{ContainerPort: 8080}}})
			old.ResourceVersion = "7"
			old.Spec.ActiveDeadlineSeconds = ptr.To(int64(300))
			Default(createAttrs(old, "pods"))
			p := old.DeepCopy()
			tc.mutate(p)
			a := updateAttrs(p, old, "pods")
			Default(a)
			err := Validate(a)
			switch {
			case tc.wantPrefix != "":
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantPrefix) {
					t.Fatalf("got %v\nwant prefix %q", err, tc.wantPrefix)
				}
				if !strings.Contains(err.Error(), tc.wantInDiff) {
					t.Fatalf("diff does not show the change:\n%s", err.Error())
				}
			default:
				wantErr(t, err, tc.want, 422)
			}
		})
	}
}
