package lessons

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
)

// quizFile is a chapter's quiz.yaml.
type quizFile struct {
	Questions   []*Question   `yaml:"questions"`
	Checkpoints []*Checkpoint `yaml:"checkpoints"`
}

const (
	chapterFile = "chapter.yaml"
	quizName    = "quiz.yaml"
)

// LoadDir loads the course from a folder of chapter folders (--lessons DIR).
func LoadDir(dir string) (*Course, Problems) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		if err == nil {
			err = fmt.Errorf("not a folder")
		}
		return nil, Problems{{File: dir, Msg: err.Error()}}
	}
	return Load(os.DirFS(dir), ".", dir)
}

// Load reads every chapter under root in fsys. display is the prefix that
// names files in messages. It returns the course and every problem found;
// the course is usable when no problem is an Error.
func Load(fsys fs.FS, root, display string) (*Course, Problems) {
	var ps Problems
	name := func(p string) string {
		rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		return path.Join(display, rel)
	}
	entries, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, Problems{{File: display, Msg: err.Error()}}
	}
	course := &Course{Source: display}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := path.Join(root, e.Name())
		if _, err := fs.Stat(fsys, path.Join(dir, chapterFile)); err != nil {
			continue
		}
		ch, cps := loadChapter(fsys, dir, name)
		ps = append(ps, cps...)
		if ch != nil {
			course.Chapters = append(course.Chapters, ch)
		}
	}
	if len(course.Chapters) == 0 && len(ps) == 0 {
		ps = append(ps, Problem{File: display, Msg: "no chapter found (a chapter is a folder with " + chapterFile + ")"})
	}
	sort.SliceStable(course.Chapters, func(i, j int) bool { return course.Chapters[i].Order < course.Chapters[j].Order })
	ids, orders := map[string]string{}, map[int]string{}
	for _, ch := range course.Chapters {
		if other, ok := ids[ch.ID]; ok {
			ps = append(ps, Problem{File: ch.File, Line: 1, Msg: fmt.Sprintf("chapter id %q is already used by %s", ch.ID, other)})
		}
		ids[ch.ID] = ch.File
		if other, ok := orders[ch.Order]; ok {
			ps = append(ps, Problem{File: ch.File, Line: 1, Msg: fmt.Sprintf("chapter order %d is already used by %s", ch.Order, other)})
		}
		orders[ch.Order] = ch.File
	}
	return course, ps
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func loadChapter(fsys fs.FS, dir string, name func(string) string) (*Chapter, Problems) {
	file := path.Join(dir, chapterFile)
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, Problems{{File: name(file), Msg: err.Error()}}
	}
	ch := &Chapter{Dir: name(dir), File: name(file)}
	ps := decodeFile(ch.File, data, ch)
	if len(ps.Errors()) > 0 {
		return nil, ps
	}
	need := func(ok bool, msg string) {
		if !ok {
			ps = append(ps, Problem{File: ch.File, Line: 1, Msg: msg})
		}
	}
	need(idPattern.MatchString(ch.ID), fmt.Sprintf("chapter id %q must be lowercase letters, digits and dashes", ch.ID))
	need(ch.Order > 0, "chapter order must be a positive number")
	need(!ch.Title.Empty(), "chapter title is required")

	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, append(ps, Problem{File: ch.Dir, Msg: err.Error()})
	}
	var stepFiles []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".yaml") || n == chapterFile || n == quizName {
			continue
		}
		stepFiles = append(stepFiles, n)
	}
	sort.Strings(stepFiles)
	seen := map[string]string{}
	for _, n := range stepFiles {
		f := path.Join(dir, n)
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			ps = append(ps, Problem{File: name(f), Msg: err.Error()})
			continue
		}
		st := &Step{Chapter: ch, File: name(f)}
		sps := decodeFile(st.File, data, st)
		ps = append(ps, sps...)
		if len(sps.Errors()) > 0 {
			continue
		}
		if other, ok := seen[st.ID]; ok {
			ps = append(ps, Problem{File: st.File, Line: 1, Msg: fmt.Sprintf("step id %q is already used by %s", st.ID, other)})
			continue
		}
		seen[st.ID] = st.File
		ps = append(ps, validateStep(st)...)
		ch.Steps = append(ch.Steps, st)
	}
	if len(stepFiles) == 0 {
		ps = append(ps, Problem{File: ch.Dir, Msg: "the chapter has no step (one .yaml file per step)"})
	}
	if data, err := fs.ReadFile(fsys, path.Join(dir, quizName)); err == nil {
		qf := &quizFile{}
		qfile := name(path.Join(dir, quizName))
		qps := decodeFile(qfile, data, qf)
		ps = append(ps, qps...)
		if len(qps.Errors()) == 0 {
			ch.Questions, ch.Checkpoints = qf.Questions, qf.Checkpoints
			ps = append(ps, validateQuiz(ch, qfile)...)
		}
	}
	return ch, ps
}

func validateStep(st *Step) Problems {
	var ps Problems
	at := func(line int, format string, args ...any) {
		ps = append(ps, Problem{File: st.File, Line: lineOr(line, 1), Msg: fmt.Sprintf(format, args...)})
	}
	if !idPattern.MatchString(st.ID) {
		at(st.Line, "step id %q must be lowercase letters, digits and dashes", st.ID)
	}
	if st.Title.Empty() {
		at(st.Line, "step title is required")
	}
	if st.Text.Empty() {
		at(st.Line, "step text is required")
	}
	if st.Explain.Empty() {
		at(st.Line, "explain is required: what just happened, shown after success")
	}
	if len(st.Hints) == 0 {
		at(st.Line, "at least one hint is required")
	}
	for i, t := range st.Try {
		if _, err := ParseScript(t); err != nil {
			at(st.Line, "try[%d]: %v", i, err)
		}
	}
	ps = append(ps, validateFiles(st.File, st.Files)...)
	ps = append(ps, validateScript(st.File, "setup", st.Setup, st.Files, false)...)
	ps = append(ps, validateScript(st.File, "solution", st.Solution, st.Files, true)...)
	ps = append(ps, validateChecks(st.File, st.Line, st.Checks)...)
	mids := map[string]bool{}
	for _, m := range st.Mistakes {
		if !idPattern.MatchString(m.ID) {
			at(m.Line, "mistake id %q must be lowercase letters, digits and dashes", m.ID)
		}
		if mids[m.ID] {
			at(m.Line, "mistake id %q is used twice", m.ID)
		}
		mids[m.ID] = true
		if m.When == nil {
			at(m.Line, "mistake %q needs when: (a check that holds when the mistake is made)", m.ID)
		} else {
			if m.When.Line == 0 {
				m.When.Line = m.Line
			}
			ps = append(ps, compileCheck(st.File, m.When)...)
		}
		if m.Hint.Empty() {
			at(m.Line, "mistake %q needs a hint", m.ID)
		}
		ps = append(ps, validateScript(st.File, "mistake "+m.ID+" trigger", m.Trigger, st.Files, false)...)
	}
	return ps
}

func validateChecks(file string, line int, checks []*Check) Problems {
	var ps Problems
	if len(checks) == 0 {
		ps = append(ps, Problem{File: file, Line: lineOr(line, 1), Msg: "at least one check is required"})
	}
	ids := map[string]bool{}
	for _, c := range checks {
		if c.ID == "" {
			ps = append(ps, Problem{File: file, Line: c.Line, Msg: "check id is required"})
		} else if !idPattern.MatchString(c.ID) {
			ps = append(ps, Problem{File: file, Line: c.Line, Msg: fmt.Sprintf("check id %q must be lowercase letters, digits and dashes", c.ID)})
		} else if ids[c.ID] {
			ps = append(ps, Problem{File: file, Line: c.Line, Msg: fmt.Sprintf("check id %q is used twice", c.ID)})
		}
		ids[c.ID] = true
		if c.Title.Empty() {
			ps = append(ps, Problem{File: file, Line: c.Line, Msg: fmt.Sprintf("check %q needs a title (the line shown in the checklist)", c.ID)})
		}
		ps = append(ps, compileCheck(file, c)...)
	}
	return ps
}

func validateFiles(file string, files Files) Problems {
	var ps Problems
	seen := map[string]bool{}
	for _, f := range files {
		if f.Name == "" || strings.Contains(f.Name, "/") || strings.Contains(f.Name, "\\") || strings.HasPrefix(f.Name, ".") {
			ps = append(ps, Problem{File: file, Line: f.Line, Msg: fmt.Sprintf("file name %q must be a plain name (no folders, not hidden)", f.Name)})
		}
		if seen[f.Name] {
			ps = append(ps, Problem{File: file, Line: f.Line, Msg: fmt.Sprintf("file %q is given twice", f.Name)})
		}
		seen[f.Name] = true
	}
	return ps
}

// validateScript parses a script and checks that the files it names are
// among the step's files.
func validateScript(file, what string, s Script, files Files, required bool) Problems {
	var ps Problems
	lines, err := ParseScript(s.Text)
	if err != nil {
		ps = append(ps, Problem{File: file, Line: lineOr(s.Line, 1), Msg: fmt.Sprintf("%s: %v", what, err)})
		return ps
	}
	cmds := 0
	for _, l := range lines {
		if l.Comment {
			continue
		}
		cmds++
		for _, f := range FileArgs(l.Args) {
			found := false
			for _, sf := range files {
				if sf.Name == f {
					found = true
				}
			}
			if !found {
				ps = append(ps, Problem{File: file, Line: s.Line + l.Offset,
					Msg: fmt.Sprintf("%s names file %q, which is not among the step's files", what, f)})
			}
		}
	}
	if required && cmds == 0 {
		ps = append(ps, Problem{File: file, Line: lineOr(s.Line, 1), Msg: what + " is required"})
	}
	return ps
}

func validateQuiz(ch *Chapter, file string) Problems {
	var ps Problems
	at := func(line int, format string, args ...any) {
		ps = append(ps, Problem{File: file, Line: lineOr(line, 1), Msg: fmt.Sprintf(format, args...)})
	}
	ids := map[string]bool{}
	for _, q := range ch.Questions {
		if !idPattern.MatchString(q.ID) {
			at(q.Line, "question id %q must be lowercase letters, digits and dashes", q.ID)
		}
		if ids[q.ID] {
			at(q.Line, "question id %q is used twice", q.ID)
		}
		ids[q.ID] = true
		if q.Prompt.Empty() {
			at(q.Line, "question %q needs a prompt", q.ID)
		}
		if q.Points < 0 {
			at(q.Line, "points cannot be negative")
		}
		cids := map[string]bool{}
		correct := 0
		for _, c := range q.Choices {
			if c.ID == "" || cids[c.ID] {
				at(c.Line, "each choice needs its own id")
			}
			cids[c.ID] = true
			if c.Text.Empty() {
				at(c.Line, "choice %q needs a text", c.ID)
			}
			if c.Correct {
				correct++
			}
		}
		switch q.Type {
		case "choice":
			if len(q.Choices) < 2 {
				at(q.Line, "a choice question needs at least two choices")
			}
			if correct == 0 {
				at(q.Line, "a choice question needs a correct choice")
			}
			if correct > 1 && !q.Multiple {
				at(q.Line, "%d choices are correct: set multiple: true or keep one", correct)
			}
			if len(q.Answers) > 0 || !q.Run.Empty() || q.Observe != nil {
				at(q.Line, "a choice question has choices only (answers, run and observe are for short and predict questions)")
			}
		case "short":
			if len(q.Answers) == 0 {
				at(q.Line, "a short question needs answers")
			}
			for _, a := range q.Answers {
				if _, err := CompileMatcher(a); err != nil {
					at(q.Line, "answer %q: %v", a, err)
				}
			}
			if len(q.Choices) > 0 || q.Observe != nil {
				at(q.Line, "a short question has answers, not choices or observe")
			}
		case "predict":
			if q.Run.Empty() {
				at(q.Line, "a predict question needs run: what the cluster does after the student answers")
			}
			if q.Observe == nil || q.Observe.Kubectl == "" {
				at(q.Line, "a predict question needs observe: a kubectl check whose output is what happened")
			} else {
				if q.Observe.Line == 0 {
					q.Observe.Line = q.Line
				}
				ps = append(ps, compileCheck(file, q.Observe)...)
			}
			if correct > 0 {
				at(q.Line, "in a predict question the cluster decides which choice is right: give each choice a value instead of correct")
			}
			for _, c := range q.Choices {
				if c.Value == "" {
					at(c.Line, "choice %q needs a value: a matcher on the observed output", c.ID)
				} else if _, err := CompileMatcher(c.Value); err != nil {
					at(c.Line, "choice %q value: %v", c.ID, err)
				}
			}
			ps = append(ps, validateScript(file, "setup of "+q.ID, q.Setup, nil, false)...)
			ps = append(ps, validateScript(file, "run of "+q.ID, q.Run, nil, true)...)
		default:
			at(q.Line, "question type must be choice, short or predict, not %q", q.Type)
		}
	}
	for _, c := range ch.Checkpoints {
		if !idPattern.MatchString(c.ID) {
			at(c.Line, "checkpoint id %q must be lowercase letters, digits and dashes", c.ID)
		}
		if ids[c.ID] {
			at(c.Line, "id %q is used twice in the quiz", c.ID)
		}
		ids[c.ID] = true
		if c.Title.Empty() || c.Task.Empty() {
			at(c.Line, "checkpoint %q needs a title and a task", c.ID)
		}
		if c.TimeLimit != "" {
			if d, err := time.ParseDuration(c.TimeLimit); err != nil || d <= 0 {
				at(c.Line, "timeLimit %q is not a duration like 10m", c.TimeLimit)
			}
		}
		ps = append(ps, validateFiles(file, c.Files)...)
		ps = append(ps, validateScript(file, "setup of "+c.ID, c.Setup, c.Files, false)...)
		ps = append(ps, validateScript(file, "solution of "+c.ID, c.Solution, c.Files, true)...)
		ps = append(ps, validateChecks(file, c.Line, c.Checks)...)
	}
	return ps
}
