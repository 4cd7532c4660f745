package printers

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func running() corev1.ContainerState {
	return corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: ago(time.Minute)}}
}

func waiting(reason string) corev1.ContainerState {
	return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}
}

func terminated(reason string, code, signal int32) corev1.ContainerState {
	return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: reason, ExitCode: code, Signal: signal}}
}

func containers(names ...string) []corev1.Container {
	out := make([]corev1.Container, len(names))
	for i, n := range names {
		out[i] = corev1.Container{Name: n, Image: n + ":1"}
	}
	return out
}

func condition(t corev1.PodConditionType, s corev1.ConditionStatus) corev1.PodCondition {
	return corev1.PodCondition{Type: t, Status: s}
}

func TestPodStatusCells(t *testing.T) {
	sidecar := corev1.Container{Name: "proxy", Image: "proxy:1", RestartPolicy: ptrTo(corev1.ContainerRestartPolicyAlways)}
	lastExit := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, FinishedAt: ago(41 * time.Second)}}

	tests := map[string]struct {
		spec   corev1.PodSpec
		status corev1.PodStatus
		del    *metav1.Time
		// ready, status and restarts cells
		want [3]string
	}{
		"running and ready": {
			spec: corev1.PodSpec{Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodRunning,
				Conditions:        []corev1.PodCondition{condition(corev1.PodReady, corev1.ConditionTrue)},
				ContainerStatuses: []corev1.ContainerStatus{{Name: "app", Ready: true, State: running()}}},
			want: [3]string{"1/1", "Running", "0"},
		},
		"pending without statuses": {
			spec:   corev1.PodSpec{Containers: containers("a", "b")},
			status: corev1.PodStatus{Phase: corev1.PodPending},
			want:   [3]string{"0/2", "Pending", "0"},
		},
		"container creating": {
			spec: corev1.PodSpec{Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodPending,
				ContainerStatuses: []corev1.ContainerStatus{{Name: "app", State: waiting("ContainerCreating")}}},
			want: [3]string{"0/1", "ContainerCreating", "0"},
		},
		"crash loop with last restart time": {
			spec: corev1.PodSpec{Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodRunning,
				ContainerStatuses: []corev1.ContainerStatus{{Name: "app", RestartCount: 5,
					State: waiting("CrashLoopBackOff"), LastTerminationState: lastExit}}},
			want: [3]string{"0/1", "CrashLoopBackOff", "5 (41s ago)"},
		},
		"restarts without a last termination time": {
			spec: corev1.PodSpec{Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodRunning,
				ContainerStatuses: []corev1.ContainerStatus{{Name: "app", Ready: true, RestartCount: 2, State: running()}}},
			want: [3]string{"1/1", "Running", "2"},
		},
		"latest restart of several containers wins": {
			spec: corev1.PodSpec{Containers: containers("a", "b")},
			status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{
				{Name: "a", Ready: true, RestartCount: 1, State: running(),
					LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{FinishedAt: ago(3 * time.Hour)}}},
				{Name: "b", Ready: true, RestartCount: 2, State: running(), LastTerminationState: lastExit},
			}},
			want: [3]string{"2/2", "Running", "3 (41s ago)"},
		},
		"image pull error hides the running container": {
			spec: corev1.PodSpec{Containers: containers("a", "b")},
			status: corev1.PodStatus{Phase: corev1.PodPending, ContainerStatuses: []corev1.ContainerStatus{
				{Name: "a", State: waiting("ErrImagePull")},
				{Name: "b", Ready: true, State: running()},
			}},
			want: [3]string{"1/2", "ErrImagePull", "0"},
		},
		"completed pod": {
			spec: corev1.PodSpec{Containers: containers("job")},
			status: corev1.PodStatus{Phase: corev1.PodSucceeded,
				ContainerStatuses: []corev1.ContainerStatus{{Name: "job", State: terminated("Completed", 0, 0)}}},
			want: [3]string{"0/1", "Completed", "0"},
		},
		"oom killed": {
			spec: corev1.PodSpec{Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodRunning,
				ContainerStatuses: []corev1.ContainerStatus{{Name: "app", State: terminated("OOMKilled", 137, 0)}}},
			want: [3]string{"0/1", "OOMKilled", "0"},
		},
		"terminated without reason shows exit code": {
			spec: corev1.PodSpec{Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodFailed,
				ContainerStatuses: []corev1.ContainerStatus{{Name: "app", State: terminated("", 3, 0)}}},
			want: [3]string{"0/1", "ExitCode:3", "0"},
		},
		"terminated without reason shows signal": {
			spec: corev1.PodSpec{Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodFailed,
				ContainerStatuses: []corev1.ContainerStatus{{Name: "app", State: terminated("", 137, 9)}}},
			want: [3]string{"0/1", "Signal:9", "0"},
		},
		"completed container next to a running one, pod ready": {
			spec: corev1.PodSpec{Containers: containers("a", "b")},
			status: corev1.PodStatus{Phase: corev1.PodRunning,
				Conditions: []corev1.PodCondition{condition(corev1.PodReady, corev1.ConditionTrue)},
				ContainerStatuses: []corev1.ContainerStatus{
					{Name: "a", State: terminated("Completed", 0, 0)},
					{Name: "b", Ready: true, State: running()},
				}},
			want: [3]string{"1/2", "Running", "0"},
		},
		"completed container next to a running one, pod not ready": {
			spec: corev1.PodSpec{Containers: containers("a", "b")},
			status: corev1.PodStatus{Phase: corev1.PodRunning,
				Conditions: []corev1.PodCondition{condition(corev1.PodReady, corev1.ConditionFalse)},
				ContainerStatuses: []corev1.ContainerStatus{
					{Name: "a", State: terminated("Completed", 0, 0)},
					{Name: "b", Ready: true, State: running()},
				}},
			want: [3]string{"1/2", "NotReady", "0"},
		},
		"evicted keeps the status reason": {
			spec:   corev1.PodSpec{Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodFailed, Reason: "Evicted"},
			want:   [3]string{"0/1", "Evicted", "0"},
		},
		"scheduling gated": {
			spec: corev1.PodSpec{Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{
				{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonSchedulingGated}}},
			want: [3]string{"0/1", "SchedulingGated", "0"},
		},
		"first init container running": {
			spec: corev1.PodSpec{InitContainers: containers("i1", "i2"), Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "i1", State: running()}, {Name: "i2", State: waiting("PodInitializing")}},
				ContainerStatuses:     []corev1.ContainerStatus{{Name: "app", State: waiting("PodInitializing")}}},
			want: [3]string{"0/1", "Init:0/2", "0"},
		},
		"second init container running": {
			spec: corev1.PodSpec{InitContainers: containers("i1", "i2"), Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "i1", State: terminated("Completed", 0, 0)}, {Name: "i2", State: running()}},
				ContainerStatuses:     []corev1.ContainerStatus{{Name: "app", State: waiting("PodInitializing")}}},
			want: [3]string{"0/1", "Init:1/2", "0"},
		},
		"init container waiting on PodInitializing counts as progress": {
			spec: corev1.PodSpec{InitContainers: containers("i1"), Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "i1", State: waiting("PodInitializing")}}},
			want: [3]string{"0/1", "Init:0/1", "0"},
		},
		"init container crash loop counts its restarts": {
			spec: corev1.PodSpec{InitContainers: containers("i1"), Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "i1", RestartCount: 3, State: waiting("CrashLoopBackOff"), LastTerminationState: lastExit}},
				ContainerStatuses:     []corev1.ContainerStatus{{Name: "app", State: waiting("PodInitializing")}}},
			want: [3]string{"0/1", "Init:CrashLoopBackOff", "3 (41s ago)"},
		},
		"init container error": {
			spec: corev1.PodSpec{InitContainers: containers("i1"), Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "i1", State: terminated("Error", 1, 0)}}},
			want: [3]string{"0/1", "Init:Error", "0"},
		},
		"init container exit code without reason": {
			spec: corev1.PodSpec{InitContainers: containers("i1"), Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "i1", State: terminated("", 2, 0)}}},
			want: [3]string{"0/1", "Init:ExitCode:2", "0"},
		},
		"init container signal without reason": {
			spec: corev1.PodSpec{InitContainers: containers("i1"), Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "i1", State: terminated("", 137, 9)}}},
			want: [3]string{"0/1", "Init:Signal:9", "0"},
		},
		"init restarts stop counting once initialized": {
			spec: corev1.PodSpec{InitContainers: containers("i1"), Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodRunning,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "i1", RestartCount: 4, State: terminated("Completed", 0, 0), LastTerminationState: lastExit}},
				ContainerStatuses:     []corev1.ContainerStatus{{Name: "app", Ready: true, State: running()}}},
			want: [3]string{"1/1", "Running", "0"},
		},
		"started sidecar counts as a ready container": {
			spec: corev1.PodSpec{InitContainers: []corev1.Container{sidecar}, Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodRunning,
				Conditions: []corev1.PodCondition{condition(corev1.PodInitialized, corev1.ConditionTrue)},
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "proxy", Ready: true, Started: ptrTo(true),
					RestartCount: 1, State: running(), LastTerminationState: lastExit}},
				ContainerStatuses: []corev1.ContainerStatus{{Name: "app", Ready: true, State: running()}}},
			want: [3]string{"2/2", "Running", "1 (41s ago)"},
		},
		"sidecar not started yet blocks initialization": {
			spec: corev1.PodSpec{InitContainers: []corev1.Container{sidecar}, Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "proxy", Started: ptrTo(false), State: running()}},
				ContainerStatuses:     []corev1.ContainerStatus{{Name: "app", State: waiting("PodInitializing")}}},
			want: [3]string{"0/2", "Init:0/1", "0"},
		},
		"deleted running pod is terminating": {
			spec: corev1.PodSpec{Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodRunning,
				ContainerStatuses: []corev1.ContainerStatus{{Name: "app", Ready: true, State: running()}}},
			del:  agoPtr(time.Second),
			want: [3]string{"1/1", "Terminating", "0"},
		},
		"deleted finished pod keeps its status": {
			spec: corev1.PodSpec{Containers: containers("job")},
			status: corev1.PodStatus{Phase: corev1.PodSucceeded,
				ContainerStatuses: []corev1.ContainerStatus{{Name: "job", State: terminated("Completed", 0, 0)}}},
			del:  agoPtr(time.Second),
			want: [3]string{"0/1", "Completed", "0"},
		},
		"deleted pod on a lost node is unknown": {
			spec:   corev1.PodSpec{Containers: containers("app")},
			status: corev1.PodStatus{Phase: corev1.PodRunning, Reason: "NodeLost"},
			del:    agoPtr(time.Second),
			want:   [3]string{"0/1", "Unknown", "0"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			pod := &corev1.Pod{ObjectMeta: objMeta("web", 5*time.Minute), Spec: tc.spec, Status: tc.status}
			pod.DeletionTimestamp = tc.del
			cells := cellsOf(t, "pods", pod)
			got := [3]string{cells[1].(string), cells[2].(string), cells[3].(string)}
			if got != tc.want {
				t.Errorf("READY/STATUS/RESTARTS = %q, want %q", got, tc.want)
			}
			if cells[0] != "web" || cells[4] != "5m" {
				t.Errorf("NAME/AGE = %v/%v, want web/5m", cells[0], cells[4])
			}
		})
	}
}

func TestPodWideCells(t *testing.T) {
	tests := map[string]struct {
		pod  corev1.Pod
		want []interface{}
	}{
		"unscheduled pod shows placeholders": {
			pod:  corev1.Pod{Spec: corev1.PodSpec{Containers: containers("app")}},
			want: []interface{}{"<none>", "<none>", "<none>", "<none>"},
		},
		"scheduled pod with readiness gates": {
			pod: corev1.Pod{
				Spec: corev1.PodSpec{NodeName: "node-1", Containers: containers("app"),
					ReadinessGates: []corev1.PodReadinessGate{{ConditionType: "lb/ready"}, {ConditionType: "dns/ready"}}},
				Status: corev1.PodStatus{PodIP: "10.244.0.7", NominatedNodeName: "node-2",
					Conditions: []corev1.PodCondition{{Type: "lb/ready", Status: corev1.ConditionTrue}, {Type: "dns/ready", Status: corev1.ConditionFalse}}},
			},
			want: []interface{}{"10.244.0.7", "node-1", "node-2", "1/2"},
		},
		"pod IP taken from podIPs when podIP is empty": {
			pod: corev1.Pod{Spec: corev1.PodSpec{Containers: containers("app")},
				Status: corev1.PodStatus{PodIPs: []corev1.PodIP{{IP: "fd00::7"}, {IP: "10.0.0.7"}}}},
			want: []interface{}{"fd00::7", "<none>", "<none>", "<none>"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.pod.ObjectMeta = objMeta("web", time.Hour)
			cells := cellsOf(t, "pods", &tc.pod)
			assertCells(t, cells[5:], tc.want)
		})
	}
}

func TestPodTemplateCells(t *testing.T) {
	tmpl := &corev1.PodTemplate{ObjectMeta: objMeta("tmpl", time.Hour), Template: corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"tier": "web", "app": "shop"}},
		Spec:       corev1.PodSpec{Containers: containers("nginx", "sidecar")},
	}}
	assertCells(t, cellsOf(t, "podtemplates", tmpl),
		[]interface{}{"tmpl", "nginx,sidecar", "nginx:1,sidecar:1", "app=shop,tier=web"})
}
