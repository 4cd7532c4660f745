package admission

import (
	"strings"
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

func template(labels map[string]string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "container", Image: "kubetm/app:v1"}}},
	}
}

func deployment(mutate func(*appsv1.Deployment)) *appsv1.Deployment {
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "deployment-1", Namespace: "default", ResourceVersion: "1"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(int32(2)),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"type": "app"}},
			Template: template(map[string]string{"type": "app"}),
		},
	}
	if mutate != nil {
		mutate(d)
	}
	return d
}

const uid = "6f2e1c1e-1111-4222-8333-944455556666"

func job(mutate func(*batchv1.Job)) *batchv1.Job {
	j := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "job-1", Namespace: "default", UID: uid, ResourceVersion: "1"},
		Spec:       batchv1.JobSpec{Template: template(nil)},
	}
	j.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever
	if mutate != nil {
		mutate(j)
	}
	return j
}

func cronjob(mutate func(*batchv1.CronJob)) *batchv1.CronJob {
	cj := &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "cron-job", Namespace: "default"},
		Spec: batchv1.CronJobSpec{Schedule: "*/1 * * * *",
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: template(nil)}}},
	}
	cj.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever
	if mutate != nil {
		mutate(cj)
	}
	return cj
}

func TestValidateWorkloadsCreate(t *testing.T) {
	tests := map[string]struct {
		obj  runtime.Object
		res  string
		want string
	}{
		"deployment ok": {obj: deployment(nil), res: "deployments"},
		"selector does not match labels": {
			obj:  deployment(func(d *appsv1.Deployment) { d.Spec.Template.Labels = map[string]string{"type": "web"} }),
			res:  "deployments",
			want: "Deployment.apps \"deployment-1\" is invalid: spec.template.metadata.labels: Invalid value: {\"type\":\"web\"}: `selector` does not match template `labels`",
		},
		"missing selector": {
			obj:  deployment(func(d *appsv1.Deployment) { d.Spec.Selector = nil }),
			res:  "deployments",
			want: "Deployment.apps \"deployment-1\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: {\"type\":\"app\"}: `selector` does not match template `labels`]",
		},
		"empty selector": {
			obj:  deployment(func(d *appsv1.Deployment) { d.Spec.Selector = &metav1.LabelSelector{} }),
			res:  "deployments",
			want: `Deployment.apps "deployment-1" is invalid: spec.selector: Invalid value: {}: empty selector is invalid for deployment`,
		},
		"missing image in template": {
			obj:  deployment(func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "" }),
			res:  "deployments",
			want: `Deployment.apps "deployment-1" is invalid: spec.template.spec.containers[0].image: Required value`,
		},
		"negative replicas": {
			obj:  deployment(func(d *appsv1.Deployment) { d.Spec.Replicas = ptr.To(int32(-1)) }),
			res:  "deployments",
			want: `Deployment.apps "deployment-1" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`,
		},
		"recreate with rollingUpdate": {
			obj: deployment(func(d *appsv1.Deployment) {
				d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{}}
			}),
			res:  "deployments",
			want: "Deployment.apps \"deployment-1\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
		},
		"maxSurge and maxUnavailable both 0": {
			obj: deployment(func(d *appsv1.Deployment) {
				d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromInt32(0)), MaxUnavailable: ptr.To(intstr.FromInt32(0))}
			}),
			res:  "deployments",
			want: "Deployment.apps \"deployment-1\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
		},
		"maxUnavailable over 100%": {
			obj: deployment(func(d *appsv1.Deployment) {
				d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxUnavailable: ptr.To(intstr.FromString("150%"))}
			}),
			res:  "deployments",
			want: `Deployment.apps "deployment-1" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%`,
		},
		"deployment restartPolicy": {
			obj:  deployment(func(d *appsv1.Deployment) { d.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever }),
			res:  "deployments",
			want: `Deployment.apps "deployment-1" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`,
		},
		"replicaset selector wording": {
			obj: &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "replica1", Namespace: "default"},
				Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{}, Template: template(map[string]string{"type": "web"})}},
			res:  "replicasets",
			want: `ReplicaSet.apps "replica1" is invalid: spec.selector: Invalid value: {}: empty selector is invalid for deployment`,
		},
		"replicaset matchExpressions": {
			obj: &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "replica1", Namespace: "default"},
				Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
					{Key: "ver", Operator: metav1.LabelSelectorOpIn, Values: []string{"1", "2"}}}}, Template: template(map[string]string{"ver": "3"})}},
			res:  "replicasets",
			want: "ReplicaSet.apps \"replica1\" is invalid: spec.template.metadata.labels: Invalid value: {\"ver\":\"3\"}: `selector` does not match template `labels`",
		},
		"daemonset restartPolicy": {
			obj: &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "daemonset-1", Namespace: "default"},
				Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"type": "app"}},
					Template: func() corev1.PodTemplateSpec {
						t := template(map[string]string{"type": "app"})
						t.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
						return t
					}()}},
			res:  "daemonsets",
			want: `DaemonSet.apps "daemonset-1" is invalid: spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"`,
		},
		"daemonset surge and unavailable": {
			obj: &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "daemonset-1", Namespace: "default"},
				Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"type": "app"}}, Template: template(map[string]string{"type": "app"}),
					UpdateStrategy: appsv1.DaemonSetUpdateStrategy{RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxSurge: ptr.To(intstr.FromInt32(1))}}}},
			res:  "daemonsets",
			want: `DaemonSet.apps "daemonset-1" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero`,
		},
		"statefulset without selector": {
			obj: &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "default"},
				Spec: appsv1.StatefulSetSpec{Template: template(map[string]string{"app": "db"})}},
			res:  "statefulsets",
			want: "StatefulSet.apps \"db\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: {\"app\":\"db\"}: `selector` does not match template `labels`]",
		},
		"job restartPolicy Always": {
			obj:  job(func(j *batchv1.Job) { j.Spec.Template.Spec.RestartPolicy = "" }),
			res:  "jobs",
			want: `Job.batch "job-1" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`,
		},
		"job ok": {obj: job(nil), res: "jobs"},
		"job with own selector": {
			obj: job(func(j *batchv1.Job) {
				j.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}}
				j.Spec.Template.Labels = map[string]string{"app": "x"}
			}),
			res:  "jobs",
			want: "Job.batch \"job-1\" is invalid: spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"x\",\"batch.kubernetes.io/controller-uid\":\"" + uid + "\"}}: `selector` not auto-generated",
		},
		"job negative parallelism": {
			obj:  job(func(j *batchv1.Job) { j.Spec.Parallelism = ptr.To(int32(-2)) }),
			res:  "jobs",
			want: `Job.batch "job-1" is invalid: spec.parallelism: Invalid value: -2: must be greater than or equal to 0`,
		},
		"cronjob ok": {obj: cronjob(nil), res: "cronjobs"},
		"cronjob four fields": {
			obj:  cronjob(func(c *batchv1.CronJob) { c.Spec.Schedule = "*/1 * * *" }),
			res:  "cronjobs",
			want: `CronJob.batch "cron-job" is invalid: spec.schedule: Invalid value: "*/1 * * *": expected exactly 5 fields, found 4: [*/1 * * *]`,
		},
		"cronjob minute 60": {
			obj:  cronjob(func(c *batchv1.CronJob) { c.Spec.Schedule = "60 * * * *" }),
			res:  "cronjobs",
			want: `CronJob.batch "cron-job" is invalid: spec.schedule: Invalid value: "60 * * * *": end of range (60) above maximum (59): 60`,
		},
		"cronjob word": {
			obj:  cronjob(func(c *batchv1.CronJob) { c.Spec.Schedule = "x * * * *" }),
			res:  "cronjobs",
			want: `CronJob.batch "cron-job" is invalid: spec.schedule: Invalid value: "x * * * *": failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax`,
		},
		"cronjob descriptor and names": {
			obj: cronjob(func(c *batchv1.CronJob) { c.Spec.Schedule = "0 9 * jan-mar mon-fri" }),
			res: "cronjobs",
		},
		"cronjob TZ in schedule": {
			obj:  cronjob(func(c *batchv1.CronJob) { c.Spec.Schedule = "TZ=UTC 0 * * * *" }),
			res:  "cronjobs",
			want: `CronJob.batch "cron-job" is invalid: spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead`,
		},
		"cronjob job restartPolicy": {
			obj: cronjob(func(c *batchv1.CronJob) {
				c.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways
			}),
			res:  "cronjobs",
			want: `CronJob.batch "cron-job" is invalid: spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`,
		},
		"cronjob concurrency": {
			obj:  cronjob(func(c *batchv1.CronJob) { c.Spec.ConcurrencyPolicy = "Sometimes" }),
			res:  "cronjobs",
			want: `CronJob.batch "cron-job" is invalid: spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"`,
		},
		"cronjob long name": {
			obj:  cronjob(func(c *batchv1.CronJob) { c.Name = strings.Repeat("a", 53) }),
			res:  "cronjobs",
			want: `CronJob.batch "` + strings.Repeat("a", 53) + `" is invalid: metadata.name: Invalid value: "` + strings.Repeat("a", 53) + `": must be no more than 52 characters`,
		},
		"hpa bounds": {
			obj: &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: "hpa", Namespace: "default"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{MinReplicas: ptr.To(int32(5)), MaxReplicas: 2,
					ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "d", APIVersion: "apps/v1"}}},
			res:  "horizontalpodautoscalers",
			want: "HorizontalPodAutoscaler.autoscaling \"hpa\" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a := createAttrs(tc.obj, tc.res)
			Default(a)
			wantErr(t, Validate(a), tc.want, 422)
		})
	}
}

func TestValidateWorkloadsUpdate(t *testing.T) {
	tests := map[string]struct {
		old, obj             runtime.Object
		res, sub             string
		want                 string
		wantPrefix, wantTail string
	}{
		"deployment selector is immutable": {
			old: deployment(nil),
			obj: deployment(func(d *appsv1.Deployment) {
				d.Spec.Selector.MatchLabels = map[string]string{"type": "web"}
				d.Spec.Template.Labels = map[string]string{"type": "web"}
			}),
			res:  "deployments",
			want: `Deployment.apps "deployment-1" is invalid: spec.selector: Invalid value: {"matchLabels":{"type":"web"}}: field is immutable`,
		},
		"deployment image change is fine": {
			old: deployment(nil),
			obj: deployment(func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "kubetm/app:v2" }),
			res: "deployments",
		},
		"job template is immutable": {
			old:        job(nil),
			obj:        job(func(j *batchv1.Job) { j.Spec.Template.Spec.Containers[0].Image = "kubetm/init:v2" }),
			res:        "jobs",
			wantPrefix: `Job.batch "job-1" is invalid: spec.template: Invalid value: {"labels":{"batch.kubernetes.io/controller-uid":"` + uid + `"`,
			wantTail:   `: field is immutable`,
		},
		"job completions are immutable": {
			old:  job(nil),
			obj:  job(func(j *batchv1.Job) { j.Spec.Completions = ptr.To(int32(6)) }),
			res:  "jobs",
			want: `Job.batch "job-1" is invalid: spec.completions: Invalid value: 6: field is immutable`,
		},
		"job parallelism may change": {
			old: job(nil),
			obj: job(func(j *batchv1.Job) { j.Spec.Parallelism, j.Spec.Completions = ptr.To(int32(3)), ptr.To(int32(1)) }),
			res: "jobs",
		},
		"statefulset serviceName": {
			old: &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "default"},
				Spec: appsv1.StatefulSetSpec{ServiceName: "db", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}, Template: template(map[string]string{"app": "db"})}},
			obj: &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "default"},
				Spec: appsv1.StatefulSetSpec{ServiceName: "db2", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}, Template: template(map[string]string{"app": "db"})}},
			res:  "statefulsets",
			want: `StatefulSet.apps "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden`,
		},
		"scale to negative": {
			old:  deployment(nil),
			obj:  deployment(func(d *appsv1.Deployment) { d.Spec.Replicas = ptr.To(int32(-3)) }),
			res:  "deployments",
			sub:  "scale",
			want: `Deployment.apps "deployment-1" is invalid: spec.replicas: Invalid value: -3: must be greater than or equal to 0`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			Default(createAttrs(tc.old, tc.res))
			a := updateAttrs(tc.obj, tc.old, tc.res)
			a.Subresource = tc.sub
			// The new object went through create defaulting too (uid, selector).
			if j, ok := tc.obj.(*batchv1.Job); ok {
				old := tc.old.(*batchv1.Job)
				j.Spec.Selector = old.Spec.Selector.DeepCopy()
				j.Spec.Template.Labels = old.Spec.Template.Labels
			}
			Default(a)
			err := Validate(a)
			if tc.wantPrefix != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantPrefix) || !strings.HasSuffix(err.Error(), tc.wantTail) {
					t.Fatalf("got %v\nwant prefix %q", err, tc.wantPrefix)
				}
				return
			}
			wantErr(t, err, tc.want, 422)
		})
	}
}

func TestParseCronSchedule(t *testing.T) {
	tests := map[string]struct {
		spec, want string
	}{
		"every minute":     {"* * * * *", ""},
		"step":             {"*/5 0-6 1,15 * 0", ""},
		"descriptor":       {"@hourly", ""},
		"every":            {"@every 1h30m", ""},
		"bad descriptor":   {"@often", "unrecognized descriptor: @often"},
		"zero step":        {"*/0 * * * *", "step of range should be a positive number: */0"},
		"backwards range":  {"5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"},
		"day 0":            {"0 0 0 * *", "beginning of range (0) below minimum (1): 0"},
		"six fields":       {"0 0 * * * *", "expected exactly 5 fields, found 6: [0 0 * * * *]"},
		"negative":         {"-1 * * * *", "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax"},
		"too many slashes": {"*/2/3 * * * *", "too many slashes: */2/3"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := parseCronSchedule(tc.spec)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
