package lessons

import (
	"strings"
	"testing"
	"testing/fstest"
)

const goodChapter = `id: demo
order: 1
title: {en: Demo, ko: 데모}
summary: {en: A demo., ko: 데모입니다.}
`

const goodStep = `id: one
title: {en: One, ko: 하나}
text:
  en: Do it.
  ko: 하세요.
files:
  pod.yaml: |
    apiVersion: v1
    kind: Pod
checks:
  - id: running
    title: {en: Running, ko: 실행 중}
    kubectl: get pod web -o jsonpath={.status.phase}
    equals: Running
hints:
  - {en: Apply it., ko: 적용하세요.}
solution: |
  kubectl apply -f pod.yaml
explain: {en: Done., ko: 끝.}
`

func load(t *testing.T, files map[string]string) (*Course, Problems) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return Load(fsys, ".", "lessons")
}

func TestBuiltinLoadsCleanly(t *testing.T) {
	c, ps := Builtin()
	if len(ps) > 0 {
		t.Fatalf("built-in lessons have problems:\n%v", ps)
	}
	ch := c.Chapter("pod")
	if ch == nil || len(ch.Steps) < 4 || len(ch.Steps) > 6 {
		t.Fatalf("pod chapter: %+v", ch)
	}
	if len(ch.Questions) == 0 || len(ch.Checkpoints) == 0 {
		t.Fatal("pod chapter has no quiz")
	}
	for _, st := range ch.Steps {
		for _, field := range []Text{st.Title, st.Text, st.Explain} {
			if field["en"] == "" || field["ko"] == "" {
				t.Errorf("%s: missing a language", st.Key())
			}
		}
	}
}

func TestLoadGood(t *testing.T) {
	c, ps := load(t, map[string]string{"01-demo/chapter.yaml": goodChapter, "01-demo/01-one.yaml": goodStep})
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	st := c.Chapters[0].Steps[0]
	if st.Key() != "demo/one" || st.File != "lessons/01-demo/01-one.yaml" || st.Line != 1 {
		t.Fatalf("step %q file %q line %d", st.Key(), st.File, st.Line)
	}
	if len(st.Files) != 1 || st.Files[0].Name != "pod.yaml" || !strings.Contains(st.Files[0].Content, "kind: Pod") {
		t.Fatalf("files: %+v", st.Files)
	}
	if st.Solution.Line != 18 {
		t.Errorf("solution line = %d, want 18", st.Solution.Line)
	}
	if st.Checks[0].Line != 11 {
		t.Errorf("check line = %d, want 11", st.Checks[0].Line)
	}
}

// Bad content gives errors that name the file, the line and what is wrong.
func TestLoadErrors(t *testing.T) {
	tests := map[string]struct {
		step string
		want []string // substrings of the problem lines, in any order
	}{
		"unknown field with suggestion": {
			step: strings.Replace(goodStep, "hints:", "hintz:", 1),
			want: []string{`lessons/01-demo/01-one.yaml:15:1: unknown field "hintz" in step (did you mean "hints"?)`},
		},
		"unknown field in a check": {
			step: strings.Replace(goodStep, "    equals: Running", "    equal: Running", 1),
			want: []string{`01-one.yaml:14:5: unknown field "equal" in check (did you mean "equals"?)`},
		},
		"wrong type": {
			step: strings.Replace(goodStep, "  - {en: Apply it., ko: 적용하세요.}", "  - [a, b]", 1),
			want: []string{`01-one.yaml:16:5: expected text in each language`},
		},
		"unknown language": {
			step: strings.Replace(goodStep, "explain: {en: Done., ko: 끝.}", "explain: {en: Done., kr: 끝.}", 1),
			want: []string{`01-one.yaml:19:22: unknown language "kr" in explain`},
		},
		"no English": {
			step: strings.Replace(goodStep, "explain: {en: Done., ko: 끝.}", "explain: {ko: 끝.}", 1),
			want: []string{`01-one.yaml:19:10: explain has no en text`},
		},
		"two predicates in a check": {
			step: strings.Replace(goodStep, "    equals: Running", "    equals: Running\n    ran: kubectl get pods", 1),
			want: []string{`01-one.yaml:11: a check needs exactly one of kubectl, event, sequence, ran, isolation, any, all (found 2)`},
		},
		"bad jsonpath": {
			step: strings.Replace(goodStep, "{.status.phase}", "{.status.phase", 1),
			want: []string{`01-one.yaml:11: kubectl: jsonpath "{.status.phase": unclosed action`},
		},
		"not a get": {
			step: strings.Replace(goodStep, "kubectl: get pod web", "kubectl: describe pod web", 1),
			want: []string{"only `kubectl get` lines can be checks"},
		},
		"broken file reference": {
			step: strings.Replace(goodStep, "kubectl apply -f pod.yaml", "kubectl apply -f pdo.yaml", 1),
			want: []string{`01-one.yaml:18: solution names file "pdo.yaml", which is not among the step's files`},
		},
		"unclosed heredoc": {
			step: strings.Replace(goodStep, "  kubectl apply -f pod.yaml\n", "  kubectl apply -f pod.yaml\n  kubectl apply -f - <<EOF\n  kind: Pod\n", 1),
			want: []string{`01-one.yaml:18: solution: line 2: heredoc not closed by "EOF"`},
		},
		"not a command": {
			step: strings.Replace(goodStep, "kubectl apply -f pod.yaml", "docker run nginx", 1),
			want: []string{`"docker" is not a command kubetour runs`},
		},
		"bad matcher": {
			step: strings.Replace(goodStep, "    equals: Running", "    matches: \"(\"", 1),
			want: []string{`matches: bad regular expression "("`},
		},
		"bad count": {
			step: strings.Replace(goodStep, "    equals: Running", "    count: lots", 1),
			want: []string{`bad count "lots"`},
		},
		"bad event query": {
			step: strings.Replace(goodStep, "    kubectl: get pod web -o jsonpath={.status.phase}\n    equals: Running", "    event: {object: web}", 1),
			want: []string{`event: object must be Kind/name`},
		},
		"missing id and solution": {
			step: strings.Replace(strings.Replace(goodStep, "id: one\n", "", 1), "solution: |\n  kubectl apply -f pod.yaml\n", "", 1),
			want: []string{`step id "" must be`, "solution is required"},
		},
		"yaml syntax": {
			step: goodStep + "oops: [\n",
			want: []string{`01-one.yaml:20: did not find expected node content`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, ps := load(t, map[string]string{"01-demo/chapter.yaml": goodChapter, "01-demo/01-one.yaml": tc.step})
			errs := ps.Errors()
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			all := errs.Error()
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("errors lack %q:\n%s", w, all)
				}
			}
		})
	}
}

// A missing translation is a warning, and the text falls back to English.
func TestMissingTranslation(t *testing.T) {
	step := strings.Replace(goodStep, "text:\n  en: Do it.\n  ko: 하세요.\n", "text:\n  en: Do it.\n", 1)
	step = strings.Replace(step, "  - {en: Apply it., ko: 적용하세요.}", "  - {en: Apply it.}", 1)
	c, ps := load(t, map[string]string{"01-demo/chapter.yaml": goodChapter, "01-demo/01-one.yaml": step})
	if len(ps.Errors()) > 0 {
		t.Fatal(ps.Errors())
	}
	w := ps.Warnings()
	if len(w) != 2 {
		t.Fatalf("warnings: %v", w)
	}
	if got := w[0].Error(); got != "lessons/01-demo/01-one.yaml:4:3: warning: text has no ko translation (en is shown instead)" {
		t.Errorf("warning = %q", got)
	}
	if !strings.Contains(w[1].Error(), ":15:5: warning: hints[0] has no ko translation") {
		t.Errorf("warning = %q", w[1].Error())
	}
	st := c.Chapters[0].Steps[0]
	if st.Text.In("ko") != "Do it." || st.Title.In("ko") != "하나" {
		t.Errorf("fallback: %q %q", st.Text.In("ko"), st.Title.In("ko"))
	}
}

func TestLoadCourseProblems(t *testing.T) {
	tests := map[string]struct {
		files map[string]string
		want  string
	}{
		"no chapter":       {files: map[string]string{"README.md": "x"}, want: "no chapter found"},
		"chapter no steps": {files: map[string]string{"01-demo/chapter.yaml": goodChapter}, want: "the chapter has no step"},
		"duplicate chapter id": {files: map[string]string{
			"01-demo/chapter.yaml": goodChapter, "01-demo/01-one.yaml": goodStep,
			"02-demo/chapter.yaml": strings.Replace(goodChapter, "order: 1", "order: 2", 1), "02-demo/01-one.yaml": goodStep,
		}, want: `chapter id "demo" is already used by lessons/01-demo/chapter.yaml`},
		"duplicate step id": {files: map[string]string{
			"01-demo/chapter.yaml": goodChapter, "01-demo/01-one.yaml": goodStep, "01-demo/02-two.yaml": goodStep,
		}, want: `lessons/01-demo/02-two.yaml:1: step id "one" is already used by lessons/01-demo/01-one.yaml`},
		"unknown chapter field": {files: map[string]string{
			"01-demo/chapter.yaml": goodChapter + "steps: [a]\n", "01-demo/01-one.yaml": goodStep,
		}, want: `lessons/01-demo/chapter.yaml:5:1: unknown field "steps" in chapter`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, ps := load(t, tc.files)
			if !strings.Contains(ps.Error(), tc.want) {
				t.Fatalf("errors lack %q:\n%v", tc.want, ps)
			}
		})
	}
}

func TestQuizValidation(t *testing.T) {
	quiz := map[string]string{
		"choice without a correct answer": `questions:
  - id: q
    type: choice
    prompt: {en: "Q?"}
    choices:
      - {id: a, text: {en: A}}
      - {id: b, text: {en: B}}
`,
		"predict with a fixed answer": `questions:
  - id: q
    type: predict
    prompt: {en: "Q?"}
    run: kubectl get pods
    observe:
      kubectl: get pod x -o jsonpath={.spec.nodeName}
    choices:
      - {id: a, text: {en: A}, correct: true, value: x}
`,
		"unknown type": `questions:
  - {id: q, type: essay, prompt: {en: "Q?"}}
`,
		"checkpoint without checks": `checkpoints:
  - id: c
    title: {en: C}
    task: {en: Do.}
    solution: kubectl get pods
    timeLimit: ten minutes
`,
	}
	want := map[string][]string{
		"choice without a correct answer": {"quiz.yaml:2: a choice question needs a correct choice"},
		"predict with a fixed answer":     {"the cluster decides which choice is right"},
		"unknown type":                    {`question type must be choice, short or predict, not "essay"`},
		"checkpoint without checks":       {"at least one check is required", `timeLimit "ten minutes"`},
	}
	for name, body := range quiz {
		t.Run(name, func(t *testing.T) {
			_, ps := load(t, map[string]string{"01-demo/chapter.yaml": goodChapter, "01-demo/01-one.yaml": goodStep, "01-demo/quiz.yaml": body})
			for _, w := range want[name] {
				if !strings.Contains(ps.Error(), w) {
					t.Errorf("errors lack %q:\n%v", w, ps)
				}
			}
		})
	}
}

func TestQuizScoring(t *testing.T) {
	c, _ := Builtin()
	ch := c.Chapter("pod")
	q := map[string]*Question{}
	for _, x := range ch.Questions {
		q[x.ID] = x
	}
	if !q["same-port"].ScoreChoice([]string{"b"}) || q["same-port"].ScoreChoice([]string{"a"}) {
		t.Error("choice scoring")
	}
	for _, a := range []string{"curl localhost:8000", "  CURL   localhost:8000 ", "curl -s http://localhost:8000/"} {
		if !q["reach-sibling"].ScoreShort(a) {
			t.Errorf("short answer %q not accepted", a)
		}
	}
	if q["reach-sibling"].ScoreShort("curl localhost:8080") {
		t.Error("wrong short answer accepted")
	}
	p := q["where-does-it-go"]
	if !p.ScorePredict([]string{"node2"}, "", "k8s-node2") || p.ScorePredict([]string{"node1"}, "", "k8s-node2") {
		t.Error("predict scoring")
	}
	if got := p.RightChoices(""); len(got) != 1 || got[0] != "pending" {
		t.Errorf("nothing observed: right choices %v", got)
	}
}

func TestParseScript(t *testing.T) {
	lines, err := ParseScript("# make it\nkubectl apply -f - <<EOF\nkind: Pod\nEOF\nsleep 2s\nkubectl get \\\n  pods\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4 || !lines[0].Comment || lines[1].Stdin != "kind: Pod\n" || lines[2].Offset != 4 || strings.Join(lines[3].Args, " ") != "kubectl get pods" {
		t.Fatalf("%+v", lines)
	}
}

func TestRewriteFileArgs(t *testing.T) {
	in := []string{"kubectl", "apply", "-f", "a.yaml", "--filename=b.yaml", "-fc.yaml", "--from-file=key=d.txt", "-f", "-", "-f", "/abs.yaml"}
	got := RewriteFileArgs(in, func(p string) string { return "/ws/" + p })
	want := "kubectl apply -f /ws/a.yaml --filename=/ws/b.yaml -f/ws/c.yaml --from-file=key=/ws/d.txt -f - -f /abs.yaml"
	if strings.Join(got, " ") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	if strings.Join(in, " ") == want {
		t.Fatal("input modified")
	}
	if f := FileArgs(in); strings.Join(f, ",") != "a.yaml,b.yaml,c.yaml,d.txt" {
		t.Fatalf("FileArgs = %v", f)
	}
	if f := FileArgs([]string{"timeout", "5s", "kubectl", "logs", "-f", "web"}); len(f) != 0 {
		t.Fatalf("logs -f taken for a file: %v", f)
	}
}
