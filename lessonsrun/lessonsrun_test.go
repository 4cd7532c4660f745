package lessonsrun

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"

	"kubetour/engine"
	"kubetour/engine/kinds"
	"kubetour/engine/kubelet"
	"kubetour/internal/kubectl"
	"kubetour/lessons"
	"kubetour/script"
)

// TestMain lets this test binary stand in for `kubetour kubectl`: the
// runner starts it again with KUBETOUR_TEST_KUBECTL=1.
func TestMain(m *testing.M) {
	if os.Getenv("KUBETOUR_TEST_KUBECTL") == "1" {
		kubectl.Main(os.Args[1:])
	}
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)
	os.Exit(m.Run())
}

var (
	testKubectl    = []string{os.Args[0]}
	testKubectlEnv = []string{"KUBETOUR_TEST_KUBECTL=1"}
)

func newSimCluster() (*engine.Cluster, error) {
	c, err := engine.New(engine.Config{
		Manual: true, Seed: 1, Start: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Latency:    kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second},
		NewRuntime: engine.SimRuntime,
	})
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func newEnv(t *testing.T) (*engine.Cluster, *Env) {
	t.Helper()
	c, err := newSimCluster()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	ws, err := OpenWorkspace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env, err := NewEnv(c, ws, testKubectl, testKubectlEnv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	return c, env
}

func loadCourse(t *testing.T, files map[string]string) *lessons.Course {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	c, ps := lessons.Load(fsys, ".", "t")
	if len(ps.Errors()) > 0 {
		t.Fatal(ps.Errors())
	}
	return c
}

// `kubetour lessons check` on the built-in course: every step of the sample
// chapter fails before and passes after its reference solution, every
// mistake trigger fires its hint, the predict question has one right answer.
func TestVerifyBuiltinCourse(t *testing.T) {
	course, ps := lessons.Builtin()
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	var out bytes.Buffer
	rep, err := Verify(course, VerifyConfig{NewCluster: newSimCluster, Kubectl: testKubectl, KubectlEnv: testKubectlEnv, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if !rep.OK() {
		t.Fatalf("failures:\n%s", strings.Join(rep.Failures, "\n"))
	}
	steps := 0
	for _, ch := range course.Chapters {
		steps += len(ch.Steps)
	}
	if rep.StepsOK != steps || rep.MistakesOK == 0 || rep.QuestionsOK == 0 || rep.CheckpointsOK == 0 {
		t.Fatalf("verified %+v", rep)
	}
}

const chapterYAML = "id: t\norder: 1\ntitle: {en: T}\n"

func stepYAML(id, extra string) string {
	return "id: " + id + "\ntitle: {en: " + id + "}\ntext: {en: text}\nhints: [{en: hint}]\nexplain: {en: done}\n" + extra
}

// Verify reports each way a lesson can be broken, naming the step.
func TestVerifyCatchesBrokenLessons(t *testing.T) {
	course := loadCourse(t, map[string]string{
		"t/chapter.yaml": chapterYAML,
		"t/01.yaml": stepYAML("passes-at-start", `checks:
  - id: ns
    title: {en: default exists}
    kubectl: get namespace default -o jsonpath={.metadata.name}
    equals: default
solution: kubectl get pods
`),
		"t/02.yaml": stepYAML("never-passes", `checks:
  - id: web
    title: {en: web runs}
    kubectl: get pod web -o jsonpath={.status.phase}
    equals: Running
solution: kubectl run other --image=kubetm/init
`),
		"t/03.yaml": stepYAML("unknown-resource", `checks:
  - id: x
    title: {en: x}
    kubectl: get pdos web -o jsonpath={.status.phase}
    equals: Running
solution: kubectl get pods
`),
		"t/04.yaml": stepYAML("mistake-never-fires", `checks:
  - id: web
    title: {en: web runs}
    kubectl: get pod web -o jsonpath={.status.phase}
    equals: Running
mistakes:
  - id: wrong-image
    when: {id: w, event: {source: kubelet, reason: Failed, object: Pod/web}}
    hint: {en: wrong image}
    trigger: kubectl get pods
solution: kubectl run web --image=kubetm/init
`),
		"t/05.yaml": stepYAML("mistake-fires-on-solution", `checks:
  - id: web
    title: {en: web runs}
    kubectl: get pod web -o jsonpath={.status.phase}
    equals: Running
mistakes:
  - id: any-run
    when: {id: w, ran: kubectl run}
    hint: {en: do not run}
solution: kubectl run web --image=kubetm/init
`),
		"t/06.yaml": stepYAML("fine", `checks:
  - id: web
    title: {en: web runs}
    kubectl: get pod web -o jsonpath={.status.phase}
    equals: Running
mistakes:
  - id: deleted
    when: {id: w, ran: kubectl delete pod web}
    hint: {en: do not delete}
    trigger: kubectl delete pod web
solution: kubectl run web --image=kubetm/init
`),
		"t/07.yaml": stepYAML("stray-namespace", `setup: kubectl create namespace elsewhere
checks:
  - id: web
    title: {en: web runs}
    kubectl: get pod web -o jsonpath={.status.phase}
    equals: Running
solution: kubectl run web --image=kubetm/init
`),
	})
	var out bytes.Buffer
	rep, err := Verify(course, VerifyConfig{NewCluster: newSimCluster, Kubectl: testKubectl, KubectlEnv: testKubectlEnv, Out: &out,
		Wait: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(rep.Failures, "\n")
	for _, want := range []string{
		`t/passes-at-start: check "ns" already passes after the setup, before the solution`,
		`t/never-passes: after the solution and 20s of cluster time: check "web": kubectl get pod web -o jsonpath={.status.phase}: expected the object to exist; it was not found`,
		`t/unknown-resource: check "x" cannot be evaluated: kubectl get pdos web -o jsonpath={.status.phase}: cannot evaluate; the server doesn't have a resource type "pdos"`,
		`t/mistake-never-fires: mistake "wrong-image": its trigger ran, but the mistake was not recognised`,
		`t/mistake-fires-on-solution: mistake(s) any-run fired during the reference solution`,
		`t/stray-namespace: the setup creates namespace(s) elsewhere that the step's namespaces do not list`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("failures lack %q:\n%s", want, all)
		}
	}
	if rep.StepsOK != 1 || rep.Steps != 7 || len(rep.Failures) != 6 {
		t.Fatalf("steps ok %d/%d, failures:\n%s\n%s", rep.StepsOK, rep.Steps, all, out.String())
	}
}

func run(t *testing.T, env *Env, text string) string {
	t.Helper()
	var out bytes.Buffer
	env.Out = &out
	defer func() { env.Out = io.Discard }()
	if err := env.Run(text, nil, true); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	return out.String()
}

// Reset deletes what the student made in the step's namespaces, puts the
// nodes back and runs the setup again; reset all clears every namespace.
func TestReset(t *testing.T) {
	c, env := newEnv(t)
	course := loadCourse(t, map[string]string{
		"t/chapter.yaml": chapterYAML,
		"t/01.yaml": stepYAML("s", `namespaces: [default, lab]
files:
  base.yaml: |
    apiVersion: v1
    kind: Namespace
    metadata:
      name: lab
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: base
      namespace: lab
    data: {v: "1"}
setup: kubectl apply -f base.yaml
checks:
  - {id: x, title: {en: x}, ran: kubectl}
solution: kubectl get pods
`),
	})
	st := course.Chapters[0].Steps[0]
	if _, err := env.Enter(st); err != nil {
		t.Fatal(err)
	}
	run(t, env, `kubectl run mine --image=kubetm/init
kubectl create deployment web --image=kubetm/app --replicas=2
kubectl create configmap extra -n lab --from-literal=a=b
kubectl create namespace elsewhere
kubectl create configmap kept -n elsewhere --from-literal=a=b
kubectl label node k8s-node1 disk=ssd
kubectl taint node k8s-node2 gpu=yes:NoSchedule
kubectl cordon k8s-node2
kubectl apply -f - <<EOF
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-1
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /tmp/pv-1}
EOF
sleep 5
`)
	before := run(t, env, "kubectl get pods -o name\n")
	if !strings.Contains(before, "pod/mine") || strings.Count(before, "pod/web-") != 2 {
		t.Fatalf("before the reset:\n%s", before)
	}
	seq, err := env.Reset(st)
	if err != nil {
		t.Fatal(err)
	}
	if seq == 0 || seq != LastSeq(c) {
		t.Errorf("seq %d, last %d", seq, LastSeq(c))
	}
	got := run(t, env, `kubectl get all -o name
kubectl get configmaps -n lab -o name
kubectl get configmaps -n elsewhere -o name
kubectl get pv -o name
kubectl get node k8s-node1 -o jsonpath={.metadata.labels.disk}
kubectl get node k8s-node2 -o jsonpath={.spec.taints}{.spec.unschedulable}
`)
	for _, gone := range []string{"pod/mine", "deployment", "pod/web", "configmap/extra", "persistentvolume/pv-1", "ssd", "gpu", "true"} {
		if strings.Contains(got, gone) {
			t.Errorf("%s survived the reset:\n%s", gone, got)
		}
	}
	for _, kept := range []string{"service/kubernetes", "configmap/base", "configmap/kept"} {
		if !strings.Contains(got, kept) {
			t.Errorf("%s is missing after the reset:\n%s", kept, got)
		}
	}
	if _, err := env.ResetAll(st); err != nil {
		t.Fatal(err)
	}
	got = run(t, env, "kubectl get namespaces -o name\nkubectl get configmaps -n lab -o name\n")
	if strings.Contains(got, "elsewhere") || !strings.Contains(got, "configmap/base") {
		t.Errorf("after reset all:\n%s", got)
	}
	// The system is untouched.
	if sys := run(t, env, "kubectl get pods -n kube-system -o name\n"); !strings.Contains(sys, "coredns") {
		t.Errorf("kube-system after the resets:\n%s", sys)
	}
}

// Checks evaluate jsonpath in process; the output must be what the real
// kubectl prints for the same line.
func TestJSONPathMatchesKubectl(t *testing.T) {
	_, env := newEnv(t)
	run(t, env, `kubectl run web --image=kubetm/app --labels=app=web,tier=front --port=8080
kubectl run db --image=kubetm/init --labels=app=db
kubectl create service clusterip web --tcp=80:8080
sleep 5
`)
	for _, line := range []string{
		`kubectl get pod web -o jsonpath={.status.phase}`,
		`kubectl get pods -o jsonpath={.items[*].metadata.name}`,
		`kubectl get pods -l app=web -o jsonpath='{.items[0].spec.containers[0].ports[0].containerPort}'`,
		`kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}={.status.containerStatuses[0].restartCount}{"\n"}{end}'`,
		`kubectl get pods -o jsonpath='{.items[?(@.metadata.labels.app=="db")].metadata.name}'`,
		`kubectl get pod web -o jsonpath={.metadata.labels}`,
		`kubectl get pod web -o jsonpath={.spec.containers[0].resources}`,
		`kubectl get svc web -o jsonpath={.spec.ports[0].targetPort}`,
		`kubectl get nodes -o jsonpath={.items[*].status.allocatable.memory}`,
		`kubectl get pods -A -l k8s-app=kube-dns -o jsonpath={.items[*].metadata.namespace}`,
		`kubectl get pod web -o jsonpath={.status.nothing}`,
	} {
		want := strings.TrimSuffix(run(t, env, line+"\n"), "\n")
		got, err := lessons.KubectlOutput(&lessons.Check{ID: "x", Kubectl: line, Empty: new(bool)}, env)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		// The transcript ends every command's output with a newline.
		if strings.TrimSuffix(got, "\n") != want {
			t.Errorf("%s\n in process: %q\n kubectl:    %q", line, got, want)
		}
	}
}

func TestWorkspaceKeepsEdits(t *testing.T) {
	dir := t.TempDir()
	ws, err := OpenWorkspace(dir)
	if err != nil {
		t.Fatal(err)
	}
	v1 := lessons.Files{{Name: "pod.yaml", Content: "v1\n"}}
	v2 := lessons.Files{{Name: "pod.yaml", Content: "v2\n"}}
	if kept, err := ws.Write(v1, false); err != nil || len(kept) != 0 {
		t.Fatal(kept, err)
	}
	// Unedited: a later step's version replaces it.
	if kept, _ := ws.Write(v2, false); len(kept) != 0 {
		t.Fatalf("kept %v", kept)
	}
	os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte("mine\n"), 0o644)
	// Edited: kept, even by a new Workspace on the same folder.
	ws2, _ := OpenWorkspace(dir)
	if kept, _ := ws2.Write(v1, false); len(kept) != 1 {
		t.Fatalf("kept %v", kept)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "pod.yaml")); string(b) != "mine\n" {
		t.Fatalf("the student's edit was overwritten: %q", b)
	}
	// A reset rewrites it.
	ws2.Write(v1, true)
	if b, _ := os.ReadFile(filepath.Join(dir, "pod.yaml")); string(b) != "v1\n" {
		t.Fatalf("reset did not rewrite: %q", b)
	}
	if p := ws2.Resolve("pod.yaml"); !filepath.IsAbs(p) {
		t.Errorf("resolve: %q", p)
	}
	if p := ws2.Resolve("other.yaml"); p != "other.yaml" {
		t.Errorf("resolve missing: %q", p)
	}
}

// A session on a live cluster: the narration and the commands the student
// runs complete the step, and a mistake brings its hint.
func TestSessionOnCluster(t *testing.T) {
	c, env := newEnv(t)
	course, _ := lessons.Builtin()
	sess := lessons.NewSession(course, env, nil, nil)
	sub := c.Subscribe()
	defer sub.Close()
	if err := sess.Jump("pod/port-clash"); err != nil {
		t.Fatal(err)
	}
	r := &script.Runner{Cluster: c, Kubectl: testKubectl, Env: testKubectlEnv, Out: io.Discard}
	if err := r.Prepare(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var mistakes []string
	passed := false
	type_ := func(line string) {
		steps, err := script.Parse(strings.NewReader(line + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range steps {
			typed := st.Args
			st.Args = lessons.RewriteFileArgs(st.Args, env.WS.Resolve)
			var buf bytes.Buffer
			r.Out = &buf
			ok := r.Exec(st)
			exit := 0
			if !ok {
				exit = 1
			}
			u := sess.Ran(lessons.Command{Line: st.Text, Args: typed, Exit: exit, Output: buf.String()})
			u2 := sess.Observe(Events(sub.Drain()))
			for _, m := range append(u.NewMistakes, u2.NewMistakes...) {
				mistakes = append(mistakes, m.ID)
			}
			passed = passed || u.Passed || u2.Passed
		}
	}
	type_("kubectl apply -f pod-clash.yaml")
	type_("sleep 15")
	type_("kubectl logs pod-clash")
	if len(mistakes) != 1 || mistakes[0] != "logs-of-a" || passed {
		t.Fatalf("mistakes %v, passed %v", mistakes, passed)
	}
	type_("kubectl logs pod-clash -c b")
	if !passed {
		t.Fatalf("not passed: %s", lessons.RenderResult(sess.Result(), "en"))
	}
	if p := sess.Progress().Steps["pod/port-clash"]; !p.Done {
		t.Fatal("progress not marked")
	}
}

// A step's setup applies the step's own files: a student's edit of the
// same file in an earlier step stays in the workspace but does not change
// where the step starts.
func TestSetupUsesTheLessonsFiles(t *testing.T) {
	c, env := newEnv(t)
	course := loadCourse(t, map[string]string{
		"t/chapter.yaml": chapterYAML,
		"t/01-s.yaml": stepYAML("s", `files:
  cm.yaml: |
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: cm}
    data: {who: lesson}
setup: kubectl apply -f cm.yaml
solution: kubectl get cm cm
checks:
  - id: c
    title: {en: c}
    kubectl: get cm cm -o jsonpath={.data.who}
    equals: nobody
`),
	})
	st := course.Chapters[0].Steps[0]
	if _, err := env.Enter(st); err != nil {
		t.Fatal(err)
	}
	mine := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {who: student}\n"
	os.WriteFile(filepath.Join(env.WS.Dir, "cm.yaml"), []byte(mine), 0o644)
	if _, err := env.Enter(st); err != nil {
		t.Fatal(err)
	}
	obj, err := c.Get(kinds.Core("configmaps"), "default", "cm")
	if err != nil {
		t.Fatal(err)
	}
	if got := obj.(*corev1.ConfigMap).Data["who"]; got != "lesson" {
		t.Fatalf("the setup applied the student's edit: who=%q", got)
	}
	if b, _ := os.ReadFile(filepath.Join(env.WS.Dir, "cm.yaml")); string(b) != mine {
		t.Fatalf("the student's edit was lost: %q", b)
	}
	// The student's own `kubectl apply -f cm.yaml` still uses their file.
	if err := env.Run("kubectl apply -f cm.yaml", nil, true); err != nil {
		t.Fatal(err)
	}
	obj, _ = c.Get(kinds.Core("configmaps"), "default", "cm")
	if got := obj.(*corev1.ConfigMap).Data["who"]; got != "student" {
		t.Fatalf("the student's apply used who=%q", got)
	}
}

// A setup that clashes with what was left in its namespaces (a pod of the
// same name whose spec cannot change in place) clears them and runs again,
// and says so: the step is not left half set up.
func TestEnterRecoversFromAClashingSetup(t *testing.T) {
	c, env := newEnv(t)
	var notes []Notice
	env.Notify = func(n Notice) { notes = append(notes, n) }
	course := loadCourse(t, map[string]string{
		"t/chapter.yaml": chapterYAML,
		"t/01-s.yaml": stepYAML("s", `files:
  pod-1.yaml: |
    apiVersion: v1
    kind: Pod
    metadata: {name: pod-1}
    spec:
      containers: [{name: c, image: kubetm/app}]
setup: kubectl apply -f pod-1.yaml
solution: kubectl get pod pod-1
checks:
  - id: c
    title: {en: c}
    kubectl: get pod pod-1 -o jsonpath={.spec.nodeSelector}
    equals: nothing
`),
	})
	// A later step left pod-1 pinned to a node.
	if err := env.Run(`kubectl run pod-1 --image=kubetm/app --overrides='{"spec":{"nodeSelector":{"kubernetes.io/hostname":"k8s-node2"}}}'`, nil, true); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Enter(course.Chapters[0].Steps[0]); err != nil {
		t.Fatalf("Enter: %v", err)
	}
	obj, err := c.Get(kinds.Core("pods"), "default", "pod-1")
	if err != nil {
		t.Fatal(err)
	}
	if sel := obj.(*corev1.Pod).Spec.NodeSelector; len(sel) != 0 {
		t.Fatalf("pod-1 is still the old one: nodeSelector %v", sel)
	}
	if len(notes) != 1 || !strings.Contains(notes[0].In("en"), "cleared them and set the step up again") ||
		!strings.Contains(notes[0].In("ko"), "네임스페이스를 비우고") {
		t.Fatalf("notes %q", notes)
	}
}
