package ko

import "testing"

// Each word is checked with the subject particle and 으로/로, which tell
// the three endings apart: no 받침 → 가, 로; ㄹ → 이, 로; other 받침 → 이, 으로.
func TestWith(t *testing.T) {
	tests := []struct {
		word     string
		subj, to string // With(word, "이/가"), With(word, "으로/로") without the word
	}{
		// Hangul.
		{"컨테이너", "가", "로"},
		{"파드", "가", "로"},
		{"레플리카셋", "이", "으로"},
		{"서비스", "가", "로"},
		{"노드", "가", "로"},
		{"볼륨", "이", "으로"},
		{"스케줄", "이", "로"},
		{"잡", "이", "으로"},
		{"ㄹ", "이", "로"},
		{"ㅁ", "이", "으로"},
		// Pod, container and node names as they appear in lessons.
		{"web", "이", "으로"},
		{"nginx", "가", "로"},
		{"pod-1", "이", "로"},
		{"pod-2", "가", "로"},
		{"web-0", "이", "으로"},
		{"web-7d9f8c6b5d-x2x4z", "가", "로"},
		{"web-7d9f8c6b5d-bxk2m", "이", "으로"}, // 엠
		{"web-7d9f8c6b5d-qwrtl", "이", "로"},  // 엘
		{"web-7d9f8c6b5d", "가", "로"},        // 디
		{"container", "가", "로"},
		{"app", "이", "으로"},
		{"busybox", "가", "로"},
		{"redis", "가", "로"},
		{"alpine", "이", "으로"},
		{"frontend", "가", "로"},
		{"backend", "가", "로"},
		{"api", "가", "로"},
		{"db", "가", "로"},
		{"worker", "가", "로"},
		{"sidecar", "가", "로"},
		{"init", "이", "으로"},
		{"setup", "이", "으로"},
		{"main", "이", "으로"},
		{"hello", "가", "로"},
		{"stable", "이", "로"},
		{"mysql", "이", "로"},
		{"k8s-node1", "이", "로"},
		{"k8s-node2", "가", "로"},
		{"k8s-master", "가", "로"},
		{"node-a", "가", "로"},
		{"kind-control-plane", "이", "으로"},
		{"kind-worker", "가", "로"},
		{"minikube", "가", "로"},
		// Images, quoted as %q writes them.
		{`"nginx"`, "가", "로"},
		{`"nginx:1.25"`, "가", "로"},
		{`"nginx:1.14.2"`, "가", "로"},
		{`"nginx:1.20"`, "이", "으로"}, // 일 점 이영
		{`"nginx:latest"`, "가", "로"},
		{`"busybox:1.36"`, "이", "으로"},
		{`"registry.k8s.io/pause:3.9"`, "가", "로"},
		{`"httpd"`, "가", "로"},
		{`"postgres:16"`, "이", "으로"},
		{`"nginx:doesnotexist"`, "가", "로"},
		// Phases, reasons and policies.
		{"Running", "이", "으로"},
		{"Pending", "이", "으로"},
		{"Succeeded", "가", "로"},
		{"Failed", "가", "로"},
		{"Unknown", "이", "으로"},
		{"ContainerCreating", "이", "으로"},
		{"CrashLoopBackOff", "가", "로"},
		{"ImagePullBackOff", "가", "로"},
		{"ErrImagePull", "이", "로"},
		{"Completed", "가", "로"},
		{"Error", "가", "로"},
		{"OOMKilled", "가", "로"},
		{"Terminating", "이", "으로"},
		{"Available", "이", "로"},
		{"Bound", "가", "로"},
		{"Released", "가", "로"},
		{"Always", "가", "로"},
		{"Never", "가", "로"},
		{"OnFailure", "가", "로"},
		{"IfNotPresent", "가", "로"},
		// Kinds and resources.
		{"Deployment", "가", "로"},
		{"ReplicaSet", "이", "으로"},
		{"DaemonSet", "이", "으로"},
		{"Job", "이", "으로"},
		{"CronJob", "이", "으로"},
		{"Pod", "가", "로"},
		{"Service", "가", "로"},
		{"ConfigMap", "이", "으로"},
		{"Secret", "이", "으로"},
		{"PersistentVolumeClaim", "이", "으로"},
		{"PersistentVolume", "이", "으로"},
		{"ClusterRole", "이", "로"},
		{"NetworkPolicy", "가", "로"},
		{"cpu", "가", "로"},
		{"memory", "가", "로"},
		{"ephemeral-storage", "가", "로"},
		{"kubectl", "이", "로"},
		// Capitals and letters are spelled out.
		{"HPA", "가", "로"},
		{"SIGTERM", "이", "으로"},
		{"SIGKILL", "이", "로"},
		{"URL", "이", "로"},
		{"podIP", "가", "로"},
		{"k8s", "가", "로"},
		{"svc", "가", "로"},
		// Numbers.
		{"0", "이", "으로"},
		{"1", "이", "로"},
		{"2", "가", "로"},
		{"3", "이", "으로"},
		{"4", "가", "로"},
		{"5", "가", "로"},
		{"6", "이", "으로"},
		{"7", "이", "로"},
		{"8", "이", "로"},
		{"9", "가", "로"},
		{"10", "이", "으로"},
		{"11", "이", "로"},
		{"100", "이", "으로"},
		{"137", "이", "로"},
		{"1000", "이", "으로"},
		{"20000", "이", "으로"},
		{"007", "이", "로"},
		{"25%", "가", "로"},
		{"128Mi", "가", "로"},
		{"1Gi", "가", "로"},
		// Trailing punctuation, brackets and symbols are skipped.
		{"web.", "이", "으로"},
		{"(nginx)", "가", "로"},
		{"[web pod-1]", "이", "로"},
		{`"0 0 30 2 *"`, "가", "로"},
		{`"*/5 * * * *"`, "가", "로"},
	}
	for _, tt := range tests {
		if got := With(tt.word, "이/가"); got != tt.word+tt.subj {
			t.Errorf("With(%q, 이/가) = %q, want %q", tt.word, got, tt.word+tt.subj)
		}
		if got := With(tt.word, "으로/로"); got != tt.word+tt.to {
			t.Errorf("With(%q, 으로/로) = %q, want %q", tt.word, got, tt.word+tt.to)
		}
	}
}

func TestPairs(t *testing.T) {
	tests := []struct {
		word, pair, want string
	}{
		{"web", "을/를", "을"},
		{"nginx", "을/를", "를"},
		{"pod-1", "을/를", "을"},
		{"web", "은/는", "은"},
		{"Service", "은/는", "는"},
		{"web", "과/와", "과"},
		{"nginx", "과/와", "와"},
		{"Running", "이라서/라서", "이라서"},
		{"Always", "이라서/라서", "라서"},
		{"ErrImagePull", "이라서/라서", "이라서"},
		{"web", "이에요/예요", "이에요"},
		{"nginx", "이에요/예요", "예요"},
		{"ErrImagePull", "으로서/로서", "로서"},
		// The usual pairs in the other order.
		{"web", "가/이", "이"},
		{"nginx", "를/을", "를"},
		{"web", "는/은", "은"},
		{"nginx", "와/과", "와"},
		{"3", "로/으로", "으로"},
		{"1", "로/으로", "로"},
		// A particle that does not change.
		{"web", "의", "의"},
		// Nothing to read: both forms.
		{"", "이/가", "이(가)"},
		{"ウェブ", "을/를", "을(를)"},
		{"***", "으로/로", "(으)로"},
		{"", "이라서/라서", "(이)라서"},
	}
	for _, tt := range tests {
		if got := Particle(tt.word, tt.pair); got != tt.want {
			t.Errorf("Particle(%q, %q) = %q, want %q", tt.word, tt.pair, got, tt.want)
		}
	}
	if got := With("web", "을/를"); got != "web을" {
		t.Errorf("With(web, 을/를) = %q, want web을", got)
	}
}
