package lessons

import (
	"fmt"
	"strings"
	"testing"
)

// fakeCluster serves objects from memory.
type fakeCluster struct {
	objs  map[string][]map[string]any // canonical resource -> objects
	iso   map[string]*Isolation
	reads int
}

func (f *fakeCluster) find(resource string) (string, error) {
	r := canonicalResource(resource)
	if _, ok := f.objs[r]; !ok && r != "pods" && r != "services" {
		return "", UnknownResource(fmt.Sprintf("the server doesn't have a resource type %q", resource))
	}
	return r, nil
}

func (f *fakeCluster) Get(resource, ns, name string) (map[string]any, error) {
	f.reads++
	r, err := f.find(resource)
	if err != nil {
		return nil, err
	}
	for _, o := range f.objs[r] {
		md := o["metadata"].(map[string]any)
		if md["name"] == name && (md["namespace"] == ns || md["namespace"] == nil) {
			return o, nil
		}
	}
	return nil, NotFound(fmt.Sprintf("%s %q not found", r, name))
}

func (f *fakeCluster) List(resource, ns string) ([]map[string]any, error) {
	f.reads++
	r, err := f.find(resource)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, o := range f.objs[r] {
		md := o["metadata"].(map[string]any)
		if ns == "" || md["namespace"] == ns || md["namespace"] == nil {
			out = append(out, o)
		}
	}
	return out, nil
}

func (f *fakeCluster) Isolation(ns, pod string) (*Isolation, error) {
	if i, ok := f.iso[ns+"/"+pod]; ok {
		return i, nil
	}
	return nil, NotFound(fmt.Sprintf("pods %q not found", pod))
}

func pod(name, phase, node string, restarts int64, labels map[string]any) map[string]any {
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": name, "namespace": "default", "labels": labels},
		"spec":     map[string]any{"nodeName": node, "containers": []any{map[string]any{"name": "c", "resources": map[string]any{"requests": map[string]any{"memory": "1Gi"}}}}},
		"status": map[string]any{"phase": phase, "containerStatuses": []any{
			map[string]any{"name": "c", "ready": phase == "Running", "restartCount": restarts}}},
	}
}

func cluster() *fakeCluster {
	return &fakeCluster{objs: map[string][]map[string]any{
		"pods": {
			pod("web-1", "Running", "k8s-node1", 0, map[string]any{"app": "web"}),
			pod("web-2", "Running", "k8s-node2", 3, map[string]any{"app": "web"}),
			pod("db", "Pending", "", 0, map[string]any{"app": "db"}),
		},
		"nodes": {{"metadata": map[string]any{"name": "k8s-node1", "labels": map[string]any{"disk": "ssd"}}}},
	}, iso: map[string]*Isolation{
		"default/web-1": {Containers: []ContainerIsolation{
			{Name: "a", Namespaces: map[string]string{"net": "net:[1]", "pid": "pid:[2]", "mnt": "mnt:[3]"}},
			{Name: "b", Namespaces: map[string]string{"net": "net:[1]", "pid": "pid:[4]", "mnt": "mnt:[3]"}},
		}},
	}}
}

func check(t *testing.T, yamlText string) *Check {
	t.Helper()
	c := &Check{}
	if ps := decodeFile("test.yaml", []byte(yamlText), c); len(ps) > 0 {
		t.Fatal(ps)
	}
	if ps := compileCheck("test.yaml", c); len(ps) > 0 {
		t.Fatal(ps)
	}
	return c
}

func TestKubectlChecks(t *testing.T) {
	tests := map[string]struct {
		check  string
		status Status
		why    string // substring of Explain("en") when not passing
	}{
		"equals":               {check: "kubectl: get pod web-1 -o jsonpath={.status.phase}\nequals: Running", status: Pass},
		"equals fails":         {check: "kubectl: get pod db -o jsonpath={.status.phase}\nequals: Running", status: Fail, why: `kubectl get pod db -o jsonpath={.status.phase}: expected "Running"; it printed "Pending"`},
		"type/name and -n":     {check: "kubectl: kubectl get po/web-1 -n default -o=jsonpath='{.spec.nodeName}'\nequals: k8s-node1", status: Pass},
		"contains":             {check: "kubectl: get pod web-1 -o jsonpath={.spec.nodeName}\ncontains: node", status: Pass},
		"notContains":          {check: "kubectl: get pod web-1 -o jsonpath={.spec.nodeName}\nnotContains: node2", status: Pass},
		"matches":              {check: "kubectl: get pod web-1 -o jsonpath={.spec.nodeName}\nmatches: ^k8s-node[12]$", status: Pass},
		"gte integer":          {check: "kubectl: get pod web-2 -o jsonpath={.status.containerStatuses[0].restartCount}\ngte: \"3\"", status: Pass},
		"gt fails":             {check: "kubectl: get pod web-2 -o jsonpath={.status.containerStatuses[0].restartCount}\ngt: \"3\"", status: Fail, why: `expected more than "3"; it printed "3"`},
		"lte quantity":         {check: "kubectl: get pod web-1 -o jsonpath={.spec.containers[0].resources.requests.memory}\nlte: 1536Mi", status: Pass},
		"lt quantity fails":    {check: "kubectl: get pod web-1 -o jsonpath={.spec.containers[0].resources.requests.memory}\nlt: 1Gi", status: Fail},
		"list with selector":   {check: "kubectl: get pods -l app=web -o jsonpath={.items[*].metadata.name}\nequals: web-1 web-2", status: Pass},
		"count":                {check: "kubectl: get pods -l 'app in (web,db)' -o jsonpath={.items[*].metadata.name}\ncount: \"3\"", status: Pass},
		"count fails":          {check: "kubectl: get pods -l app=db -o jsonpath={.items[*].metadata.name}\ncount: \">=2\"", status: Fail, why: `expected at least 2 value(s); it printed 1: "db"`},
		"filter expression":    {check: "kubectl: get pods -o jsonpath='{.items[?(@.status.phase==\"Running\")].metadata.name}'\ncount: \"2\"", status: Pass},
		"names without -o":     {check: "kubectl: get pods -l app=db\nequals: db", status: Pass},
		"empty":                {check: "kubectl: get pod db -o jsonpath={.spec.nodeName}\nempty: true", status: Pass},
		"missing key is empty": {check: "kubectl: get pod db -o jsonpath={.status.nothing}\nempty: true", status: Pass},
		"absent":               {check: "kubectl: get pod gone\nabsent: true", status: Pass},
		"absent fails":         {check: "kubectl: get pod db\nabsent: true", status: Fail, why: "expected the object not to exist; it still exists"},
		"not found":            {check: "kubectl: get pod gone -o jsonpath={.status.phase}\nequals: Running", status: Fail, why: `expected the object to exist; it was not found: pods "gone" not found`},
		"unknown resource":     {check: "kubectl: get pdo x -o jsonpath={.status.phase}\nequals: Running", status: Broken, why: `the server doesn't have a resource type "pdo"`},
		"cluster-scoped":       {check: "kubectl: get node k8s-node1 -o jsonpath={.metadata.labels.disk}\nequals: ssd", status: Pass},
		"literal text":         {check: "kubectl: get pod web-1 -o jsonpath={.spec.nodeName}/{.status.phase}\nequals: k8s-node1/Running", status: Pass},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := Evaluate(check(t, "id: x\n"+tc.check), &Inputs{Cluster: cluster()})
			if r.Status != tc.status {
				t.Fatalf("status %v, want %v: %s", r.Status, tc.status, r.Explain("en"))
			}
			if tc.why != "" && !strings.Contains(r.Explain("en"), tc.why) {
				t.Errorf("explain = %q, want it to contain %q", r.Explain("en"), tc.why)
			}
			if r.Status != Pass && r.Explain("ko") == r.Explain("en") && tc.status == Fail {
				t.Errorf("no Korean explanation: %q", r.Explain("ko"))
			}
		})
	}
}

// One evaluation reads each object once, however many checks look at it.
func TestKubectlReadsAreShared(t *testing.T) {
	cl := cluster()
	in := &Inputs{Cluster: cl}
	for _, c := range []string{"equals: Running", "notEquals: Pending", "contains: Run"} {
		Evaluate(check(t, "id: x\nkubectl: get pod web-1 -o jsonpath={.status.phase}\n"+c), in)
	}
	if cl.reads != 1 {
		t.Fatalf("%d reads, want 1", cl.reads)
	}
}

func ev(seq uint64, source, reason, obj string, fields map[string]string) Event {
	kind, name, _ := strings.Cut(obj, "/")
	return Event{Seq: seq, Kind: "decision", Source: source, Reason: reason, Objects: []Ref{{Kind: kind, Namespace: "default", Name: name}},
		Message: reason + " " + name, Fields: fields}
}

var history = []Event{
	ev(1, "default-scheduler", "FailedScheduling", "Pod/big", map[string]string{"first": "true"}),
	ev(2, "kubelet", "ContainerExited", "Pod/crash", map[string]string{"container": "b", "exitCode": "1"}),
	ev(3, "kubelet", "ContainerExited", "Pod/crash", map[string]string{"container": "b", "exitCode": "1"}),
	ev(4, "deployment-controller", "ScalingReplicaSet", "Deployment/web", map[string]string{"available": "3"}),
	ev(5, "deployment-controller", "ScalingReplicaSet", "Deployment/web", map[string]string{"available": "2"}),
	ev(6, "default-scheduler", "Scheduled", "Pod/big", map[string]string{"node": "k8s-node2"}),
	ev(7, "kube-apiserver", "Forbidden", "Pod/p", map[string]string{"verb": "create", "error": `pods "p" is forbidden: exceeded quota: q, requested: memory=1Gi`}),
}

func TestEventChecks(t *testing.T) {
	tests := map[string]struct {
		check  string
		status Status
		why    string
	}{
		"count":           {check: "event: {source: kubelet, reason: ContainerExited, object: Pod/crash, fields: {exitCode: '!=0'}}\ncount: \"2\"", status: Pass},
		"default >=1":     {check: "event: {reason: FailedScheduling, object: Pod/big}", status: Pass},
		"too few":         {check: "event: {reason: ContainerExited, object: Pod/crash}\ncount: \">=3\"", status: Fail, why: "expected at least 3 matching event(s); 2 happened, the last: kubelet ContainerExited Pod/crash"},
		"none expected":   {check: "event: {reason: FailedScheduling}\ncount: \"0\"", status: Fail},
		"name regex":      {check: "event: {object: Pod/~^cr, reason: ContainerExited}\ncount: \"2\"", status: Pass},
		"any name":        {check: "event: {object: Deployment/*}\ncount: \"2\"", status: Pass},
		"namespace":       {check: "event: {reason: Scheduled, namespace: other}\ncount: \"0\"", status: Pass},
		"rejection":       {check: "event: {source: kube-apiserver, fields: {verb: create, error: '~exceeded quota'}}", status: Pass},
		"every":           {check: "event: {reason: ScalingReplicaSet, object: Deployment/web}\nevery: {available: '>=2'}", status: Pass},
		"every fails":     {check: "event: {reason: ScalingReplicaSet, object: Deployment/web}\nevery: {available: '>=3'}", status: Fail, why: `expected every matching event to have available >=3; available="2"`},
		"numeric field":   {check: "event: {reason: ScalingReplicaSet, fields: {available: '<3'}}\ncount: \"1\"", status: Pass},
		"sequence":        {check: "sequence:\n  - {reason: FailedScheduling, object: Pod/big}\n  - {reason: Scheduled, object: Pod/big, fields: {node: k8s-node2}}", status: Pass},
		"sequence order":  {check: "sequence:\n  - {reason: Scheduled, object: Pod/big}\n  - {reason: FailedScheduling, object: Pod/big}", status: Fail, why: "only the first 1 of 2 happened in order"},
		"message matcher": {check: "event: {message: '~^FailedScheduling'}", status: Pass},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := Evaluate(check(t, "id: x\n"+tc.check), &Inputs{Events: history})
			if r.Status != tc.status {
				t.Fatalf("status %v, want %v: %s", r.Status, tc.status, r.Explain("en"))
			}
			if tc.why != "" && !strings.Contains(r.Explain("en"), tc.why) {
				t.Errorf("explain = %q, want it to contain %q", r.Explain("en"), tc.why)
			}
		})
	}
}

func TestRanChecks(t *testing.T) {
	cmds := []Command{
		{Line: "k describe po/web-1 -n default", Exit: 0},
		{Line: "kubectl get pods -owide", Exit: 0},
		{Line: "kubectl exec -it web-1 -c b -- curl -s localhost:8000", Exit: 0, Output: "containerPort : 8000\n"},
		{Line: "kubectl logs nosuch", Exit: 1},
		{Line: "kubectl rollout undo deploy/web", Exit: 0},
	}
	tests := map[string]struct {
		check  string
		status Status
	}{
		"alias and type/name":    {check: "ran: kubectl describe pod web-1", status: Pass},
		"verb and type":          {check: "ran: kubectl describe pods", status: Pass},
		"glued flag":             {check: "ran: kubectl get pods -o wide", status: Pass},
		"flag value differs":     {check: "ran: kubectl get pods -o yaml", status: Fail},
		"flag without value":     {check: "ran: kubectl get pods -o", status: Pass},
		"wrong verb":             {check: "ran: kubectl delete pod web-1", status: Fail},
		"words after --":         {check: "ran: kubectl exec web-1 -- curl localhost:8000", status: Pass},
		"container flag":         {check: "ran: kubectl exec web-1 -c b", status: Pass},
		"regex":                  {check: "ran: {matches: 'curl .*localhost:8000'}", status: Pass},
		"output":                 {check: "ran: {command: kubectl exec, output: '~containerPort : 8000'}", status: Pass},
		"output mismatch":        {check: "ran: {command: kubectl exec, output: '~8080'}", status: Fail},
		"failed command":         {check: "ran: {command: kubectl logs, succeeded: false}", status: Pass},
		"succeeded":              {check: "ran: {command: kubectl logs, succeeded: true}", status: Fail},
		"count":                  {check: "ran: kubectl\ncount: \"5\"", status: Pass},
		"never":                  {check: "ran: kubectl delete\ncount: \"0\"", status: Pass},
		"rollout with type/name": {check: "ran: kubectl rollout undo deployment web", status: Pass},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := Evaluate(check(t, "id: x\n"+tc.check), &Inputs{Commands: cmds})
			if r.Status != tc.status {
				t.Fatalf("status %v, want %v: %s", r.Status, tc.status, r.Explain("en"))
			}
		})
	}
}

// A failed "ran" check tells the student, in their language, how many of
// their commands did it, without the author's pattern.
func TestRanCheckSpeaksToTheStudent(t *testing.T) {
	cmds := []Command{{Line: "kubectl get pods", Args: []string{"kubectl", "get", "pods"}}, {Line: "kubectl logs web", Args: []string{"kubectl", "logs", "web"}}}
	tests := map[string]struct {
		check, en, ko string
		ran           int
	}{
		// "none of the 0 commands" would read as a riddle.
		"nothing run": {check: "ran: {matches: 'curl .*svc-1\\.nm-1'}", ran: 0,
			en: "not yet: you have run no command in this step", ko: "아직입니다: 이 단계에서 아직 실행한 명령이 없습니다"},
		"none yet": {check: "ran: {matches: 'curl .*svc-1\\.nm-1'}", ran: 2,
			en: "not yet: none of the 2 command(s) you ran so far did this", ko: "아직입니다: 지금까지 실행한 명령 2개 중 이렇게 한 명령이 없습니다"},
		"too few": {check: "ran: kubectl get pods\ncount: \">=2\"", ran: 2,
			en: "1 of your commands did this; at least 2 needed", ko: "이렇게 한 명령이 1개입니다. 2개 이상이어야 합니다"},
		"forbidden": {check: "ran: kubectl logs\ncount: \"0\"", ran: 2,
			en: "a command you ran here is one this step asks you not to run", ko: "이 단계에서 실행하지 말라고 한 명령을 실행했습니다"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := Evaluate(check(t, "id: x\n"+tc.check), &Inputs{Commands: cmds[:tc.ran]})
			if r.Status != Fail {
				t.Fatalf("status %v", r.Status)
			}
			if got := r.StudentExplain("en"); got != tc.en {
				t.Errorf("en: %q, want %q", got, tc.en)
			}
			if got := r.StudentExplain("ko"); got != tc.ko {
				t.Errorf("ko: %q, want %q", got, tc.ko)
			}
			// Authors still see the pattern.
			if !strings.HasPrefix(r.Explain("en"), "ran ") {
				t.Errorf("author's explanation lost its subject: %q", r.Explain("en"))
			}
		})
	}
	// Inside an all, the failing part's sentence is the one shown.
	r := Evaluate(check(t, "id: x\nall:\n  - {id: a, ran: kubectl get pods}\n  - {id: b, ran: kubectl describe pods}"), &Inputs{Commands: cmds})
	if got := r.StudentExplain("en"); got != "not yet: none of the 2 command(s) you ran so far did this" {
		t.Errorf("all: %q", got)
	}
}

func TestIsolationChecks(t *testing.T) {
	tests := map[string]struct {
		check  string
		status Status
		why    string
	}{
		"share net":          {check: "isolation: {pod: web-1, share: [net, mnt]}", status: Pass},
		"separate pid":       {check: "isolation: {pod: web-1, separate: [pid]}", status: Pass},
		"separate mnt fails": {check: "isolation: {pod: web-1, separate: [mnt]}", status: Fail, why: "expected each container to have its own mnt namespace; a and b share mnt:[3]"},
		"share pid fails":    {check: "isolation: {pod: web-1, share: [pid]}", status: Fail, why: "a pid:[2], b pid:[4]"},
		"missing container":  {check: "isolation: {pod: web-1, containers: [a, c], share: [net]}", status: Fail},
		"pod not running":    {check: "isolation: {pod: db, share: [net]}", status: Fail},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := Evaluate(check(t, "id: x\n"+tc.check), &Inputs{Cluster: cluster()})
			if r.Status != tc.status {
				t.Fatalf("status %v, want %v: %s", r.Status, tc.status, r.Explain("en"))
			}
			if tc.why != "" && !strings.Contains(r.Explain("en"), tc.why) {
				t.Errorf("explain = %q, want %q", r.Explain("en"), tc.why)
			}
		})
	}
}

func TestAnyAll(t *testing.T) {
	in := &Inputs{Cluster: cluster(), Events: history}
	anyOK := check(t, "id: x\nany:\n  - id: a\n    kubectl: get pod db -o jsonpath={.status.phase}\n    equals: Running\n  - {id: b, event: {reason: Scheduled}}")
	if r := Evaluate(anyOK, in); r.Status != Pass || len(r.Children) != 2 || r.Children[0].Status != Fail {
		t.Fatalf("any: %+v", r)
	}
	allBad := check(t, "id: x\nall:\n  - {id: a, event: {reason: Scheduled}}\n  - id: b\n    kubectl: get pod db -o jsonpath={.status.phase}\n    equals: Running")
	r := Evaluate(allBad, in)
	if r.Status != Fail || !strings.Contains(r.Explain("en"), `expected "Running"`) {
		t.Fatalf("all: %v %s", r.Status, r.Explain("en"))
	}
}

func TestEvaluatorWindowAndMistakes(t *testing.T) {
	checks := []*Check{
		check(t, "id: exited\nevent: {reason: ContainerExited, object: Pod/crash}\ncount: \"2\""),
		check(t, "id: ran\nran: kubectl logs crash"),
	}
	mistakes := []*Mistake{{ID: "pending", When: check(t, "id: w\nevent: {reason: FailedScheduling}"), Hint: Text{"en": "Look at requests."}}}
	e := NewEvaluator(checks, mistakes)
	if r := e.Evaluate(cluster()); r.Passed {
		t.Fatal("passed before the start")
	}
	e.Observe(history[:2])
	e.Start(1) // the setup's events are 1: not the step's
	e.Observe(history[2:])
	r := e.Evaluate(cluster())
	if r.Passed || r.Checks[0].Status != Pass || r.Checks[1].Status != Fail {
		t.Fatalf("%+v", r)
	}
	if len(r.Mistakes) != 0 {
		t.Fatalf("mistake from before the start: %+v", r.Mistakes)
	}
	e.Ran(Command{Line: "kubectl logs crash"})
	e.Observe([]Event{ev(8, "default-scheduler", "FailedScheduling", "Pod/x", nil)})
	r = e.Evaluate(cluster())
	if !r.Passed || len(r.Mistakes) != 1 || r.Mistakes[0].Hint["en"] != "Look at requests." {
		t.Fatalf("%+v", r)
	}
	// Only events a check or mistake looks at are kept.
	if len(e.events) != 3 {
		t.Fatalf("kept %d events, want 3", len(e.events))
	}
	// A new start forgets commands and older events.
	e.Start(8)
	if r := e.Evaluate(cluster()); r.Passed || len(r.Mistakes) != 0 {
		t.Fatalf("after restart: %+v", r)
	}
}

func TestAlwaysLatches(t *testing.T) {
	cl := cluster()
	c := check(t, "id: x\nkubectl: get pods -l app=web -o jsonpath='{.items[?(@.status.phase==\"Running\")].metadata.name}'\ncount: \">=2\"\nalways: true")
	e := NewEvaluator([]*Check{c}, nil)
	e.Start(0)
	if r := e.Evaluate(cl); !r.Passed {
		t.Fatalf("%+v", r)
	}
	cl.objs["pods"][1]["status"].(map[string]any)["phase"] = "Pending"
	if r := e.Evaluate(cl); r.Passed {
		t.Fatal("passed while only one pod ran")
	}
	cl.objs["pods"][1]["status"].(map[string]any)["phase"] = "Running"
	r := e.Evaluate(cl)
	if r.Passed || !strings.Contains(r.Checks[0].Explain("en"), "at one point since the step started") {
		t.Fatalf("always did not latch: %+v", r.Checks[0])
	}
}

func TestMatcherAndCount(t *testing.T) {
	for expr, cases := range map[string]map[string]bool{
		"Running": {"Running": true, "running": false},
		"~^web-":  {"web-1": true, "db": false},
		"!~Error": {"ok": true, "Error: x": false},
		"!=0":     {"1": true, "0": false},
		">=2":     {"2": true, "10": true, "1": false, "x": false},
		"<1Gi":    {"512Mi": true, "1Gi": false},
		"=>=x":    {">=x": true},
		"":        {"anything": true},
	} {
		m, err := CompileMatcher(expr)
		if err != nil {
			t.Fatal(err)
		}
		for v, want := range cases {
			if m.Match(v) != want {
				t.Errorf("%q matching %q = %v", expr, v, !want)
			}
		}
	}
	for expr, cases := range map[string]map[int]bool{
		"3": {3: true, 2: false}, ">=2": {2: true, 1: false}, ">2": {3: true, 2: false}, "<2": {1: true, 2: false},
		"<=2": {2: true, 3: false}, "!=0": {1: true, 0: false}, "2..4": {2: true, 4: true, 5: false}, "==1": {1: true, 0: false},
	} {
		c, err := CompileCount(expr, "")
		if err != nil {
			t.Fatal(err)
		}
		for n, want := range cases {
			if c.OK(n) != want {
				t.Errorf("count %q with %d = %v", expr, n, !want)
			}
		}
	}
	for _, bad := range []string{"x", "-1", "<0", "4..2"} {
		if _, err := CompileCount(bad, ""); err == nil {
			t.Errorf("count %q accepted", bad)
		}
	}
	if _, err := CompileMatcher(">=lots"); err == nil {
		t.Error("matcher >=lots accepted")
	}
}

// `check` lists a mistake's hint while the step is open, not after it is
// done: by then the mistake is past.
func TestRenderResultDropsPastMistakes(t *testing.T) {
	r := Result{Checks: []CheckResult{{ID: "a", Title: Text{"en": "web runs"}, Status: Fail, Want: Text{"en": "expected Running"}}},
		Mistakes: []MistakeHit{{ID: "m", Hint: Text{"en": "You deleted the Deployment."}}}}
	if got := RenderResult(r, "en"); !strings.Contains(got, "You deleted the Deployment.") {
		t.Fatalf("open step without its mistake:\n%s", got)
	}
	r.Passed, r.Checks[0].Status = true, Pass
	if got := RenderResult(r, "en"); strings.Contains(got, "You deleted the Deployment.") {
		t.Fatalf("done step still shows the mistake:\n%s", got)
	}
}
