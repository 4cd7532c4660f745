// Package lessons is kubetour's lesson engine: the lesson and quiz model,
// the loader of lesson content (embedded or from a folder), the checks that
// decide when a step is done, the controls a student uses (next, hint,
// solution, reset …) and their progress.
//
// Lessons read the cluster only through the Cluster interface defined here
// and receive the engine's narration as Events fed by the caller; they never
// import the engine. The adapter over the engine lives in kubetour/lessonsrun.
// The content format is described in FORMAT.md.
package lessons

import (
	"strings"
)

// Languages the content is written in. The first is the fallback when a
// translation is missing.
var Languages = []string{"en", "ko"}

// Text is a piece of content in each language ("en" → "…", "ko" → "…").
type Text map[string]string

// In returns the text in lang, falling back to English.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && strings.TrimSpace(s) != "" {
		return s
	}
	return t[Languages[0]]
}

// Empty reports whether no language has any text.
func (t Text) Empty() bool {
	for _, s := range t {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// Course is every chapter, ordered.
type Course struct {
	Chapters []*Chapter
	// Source says where the content came from ("embedded" or a folder).
	Source string
}

// Chapter returns the chapter with id, or nil.
func (c *Course) Chapter(id string) *Chapter {
	for _, ch := range c.Chapters {
		if ch.ID == id {
			return ch
		}
	}
	return nil
}

// Chapter is one topic of the course: a folder with chapter.yaml, one
// file per step and an optional quiz.yaml.
type Chapter struct {
	ID      string `yaml:"id"`
	Order   int    `yaml:"order"`
	Title   Text   `yaml:"title"`
	Summary Text   `yaml:"summary"`

	Steps       []*Step       `yaml:"-"`
	Questions   []*Question   `yaml:"-"`
	Checkpoints []*Checkpoint `yaml:"-"`
	// Dir is the chapter's folder and File its chapter.yaml, as shown in
	// messages.
	Dir  string `yaml:"-"`
	File string `yaml:"-"`
}

// Step returns the step with id, or nil.
func (c *Chapter) Step(id string) *Step {
	for _, s := range c.Steps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// StepIndex returns the index of the step with id, or -1.
func (c *Chapter) StepIndex(id string) int {
	for i, s := range c.Steps {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// Step is one thing to do and observe on the live cluster.
type Step struct {
	ID    string `yaml:"id"`
	Title Text   `yaml:"title"`
	// Text is the lesson (Markdown).
	Text Text `yaml:"text"`
	// Try lists commands to try, shown under the text.
	Try []string `yaml:"try"`
	// Files are written into the student's workspace folder, so that
	// `kubectl apply -f pod.yaml` works from the console and the student
	// can open them in their own editor.
	Files Files `yaml:"files"`
	// Setup brings the cluster to the state the step starts from. It runs
	// when the step is entered and after a reset.
	Setup Script `yaml:"setup"`
	// Namespaces the step works in (default: default). `reset` deletes
	// what the student created in them — a namespace that did not exist
	// when the cluster started is deleted whole — puts the nodes' labels
	// and taints back and removes cluster-wide objects the student made,
	// then runs the setup again. `reset all` clears every namespace.
	Namespaces []string `yaml:"namespaces"`
	// Checks must all pass, at the same moment, for the step to be done.
	Checks []*Check `yaml:"checks"`
	// Hints are shown one tier at a time, gentlest first.
	Hints []Text `yaml:"hints"`
	// Mistakes are recognisable wrong turns, each with the hint it triggers.
	Mistakes []*Mistake `yaml:"mistakes"`
	// Solution is the reference solution: commands a student would type.
	Solution Script `yaml:"solution"`
	// Explain is shown once the step is done: what just happened.
	Explain Text `yaml:"explain"`

	// Chapter is the chapter the step belongs to.
	Chapter *Chapter `yaml:"-"`
	File    string   `yaml:"-"`
	Line    int      `yaml:"-"`
}

// Key is the step's id within the course: "chapter/step".
func (s *Step) Key() string { return s.Chapter.ID + "/" + s.ID }

// WorkNamespaces returns the namespaces the step works in.
func (s *Step) WorkNamespaces() []string {
	if len(s.Namespaces) == 0 {
		return []string{"default"}
	}
	return s.Namespaces
}

// File is one file written into the workspace.
type File struct {
	Name    string
	Content string
	Line    int
}

// Files keeps the order in which the author wrote them.
type Files []File

// Script is a list of commands as in a `kubetour script` transcript:
// kubectl (or k), curl, sleep, timeout, echo and # comments, one a line,
// heredocs (<<EOF) allowed. In YAML it is a block of text or a list of
// lines.
type Script struct {
	Text string
	// Line is where the first command is in the file.
	Line int
}

// Empty reports whether the script has no command.
func (s Script) Empty() bool {
	lines, _ := ParseScript(s.Text)
	for _, l := range lines {
		if !l.Comment {
			return false
		}
	}
	return true
}

// Mistake is a wrong turn the lesson recognises: when its predicate holds
// the student gets the hint tied to it.
type Mistake struct {
	ID   string `yaml:"id"`
	When *Check `yaml:"when"`
	Hint Text   `yaml:"hint"`
	// Trigger is a script that makes the mistake (after the step's setup):
	// `kubetour lessons check` runs it and confirms the hint fires.
	Trigger Script `yaml:"trigger"`
	Line    int    `yaml:"-"`
}

// Check is one predicate on the cluster, its narration or what the student
// ran. Exactly one of Kubectl, Event, Sequence, Ran, Isolation, Any, All is set.
type Check struct {
	ID    string `yaml:"id"`
	Title Text   `yaml:"title"`

	// Kubectl is a `kubectl get` line, usually with -o jsonpath=…; its
	// output is compared with the expectations below. It is evaluated in
	// process, on the objects the API serves, with kubectl's jsonpath.
	Kubectl string `yaml:"kubectl"`
	// Event matches the narration: how many events match (Count), and
	// what every matching event says (Every).
	Event *EventQuery `yaml:"event"`
	// Sequence is events that must have happened in this order.
	Sequence []*EventQuery `yaml:"sequence"`
	// Ran matches what the student ran.
	Ran *RanQuery `yaml:"ran"`
	// Isolation compares the Linux namespaces of a pod's containers.
	Isolation *IsolationQuery `yaml:"isolation"`
	// Any passes when one of its checks passes, All when all do.
	Any []*Check `yaml:"any"`
	All []*Check `yaml:"all"`

	// Expectations on a kubectl output (all given must hold).
	Equals      *string `yaml:"equals"`
	NotEquals   *string `yaml:"notEquals"`
	Contains    *string `yaml:"contains"`
	NotContains *string `yaml:"notContains"`
	Matches     *string `yaml:"matches"`
	Gt          *string `yaml:"gt"`
	Gte         *string `yaml:"gte"`
	Lt          *string `yaml:"lt"`
	Lte         *string `yaml:"lte"`
	Empty       *bool   `yaml:"empty"`
	// Absent expects the object not to exist.
	Absent bool `yaml:"absent"`
	// Always makes the check fail for good once it has failed at any
	// evaluation since the step started ("stayed Ready").
	Always bool `yaml:"always"`

	// Count constrains how many values a kubectl output has (words), how
	// many events match, or how many commands match: "3", ">=2", "<1",
	// "!=0", "2..4". Events and commands default to ">=1".
	Count string `yaml:"count"`
	// Every is field matchers that every matching event must satisfy.
	Every map[string]string `yaml:"every"`

	// AtStart is what `kubetour lessons check` expects of this check right
	// after the setup: "fail" (default), "pass" or "any".
	AtStart string `yaml:"atStart"`

	Line int `yaml:"-"`

	c *compiled
}

// EventQuery selects narration events. Every string is a matcher (see
// Match): exact by default, "~regex", ">=3" and so on.
type EventQuery struct {
	Source    string            `yaml:"source"`
	Reason    string            `yaml:"reason"`
	Type      string            `yaml:"type"` // Normal | Warning
	Kind      string            `yaml:"kind"` // change | decision
	Object    string            `yaml:"object"`
	Namespace string            `yaml:"namespace"`
	Message   string            `yaml:"message"`
	Fields    map[string]string `yaml:"fields"`
	Line      int               `yaml:"-"`
}

// RanQuery selects commands the student ran.
type RanQuery struct {
	// Command is a word pattern: "kubectl describe pod pod-5" matches
	// `k describe po/pod-5 -n default`. Flags in the pattern must be given.
	Command string `yaml:"command"`
	// Matches is a regular expression on the command line as typed.
	Matches string `yaml:"matches"`
	// Output is a matcher on what the command printed.
	Output string `yaml:"output"`
	// Succeeded, when set, requires the command's exit status to be zero
	// (true) or non-zero (false).
	Succeeded *bool `yaml:"succeeded"`
	Line      int   `yaml:"-"`
}

// IsolationQuery compares the Linux namespaces of a pod's containers.
type IsolationQuery struct {
	Pod       string `yaml:"pod"`
	Namespace string `yaml:"namespace"`
	// Containers to compare (default: all of the pod's containers).
	Containers []string `yaml:"containers"`
	// Share lists namespaces ("net", "ipc", "uts", "pid", "mnt", …) that
	// all those containers must have in common; Separate lists namespaces
	// no two of them may share.
	Share    []string `yaml:"share"`
	Separate []string `yaml:"separate"`
	Line     int      `yaml:"-"`
}

// Question is one quiz question of a chapter.
type Question struct {
	ID string `yaml:"id"`
	// Type is "choice", "short" or "predict".
	Type   string `yaml:"type"`
	Prompt Text   `yaml:"prompt"`
	// Choices for "choice" and, optionally, "predict" questions.
	Choices []*Choice `yaml:"choices"`
	// Multiple: several choices are correct and all must be picked.
	Multiple bool `yaml:"multiple"`
	// Answers accepted for a "short" question: matchers on the answer,
	// compared without case and extra spaces unless a regex.
	Answers []string `yaml:"answers"`
	// Predict-then-observe: Setup is the state the question is asked in,
	// Run is what the cluster does after the student answered, and Observe
	// a kubectl check whose output is what happened. Choices then carry a
	// Value matcher on that output; without choices the student's answer
	// is compared with the output.
	Setup   Script `yaml:"setup"`
	Run     Script `yaml:"run"`
	Observe *Check `yaml:"observe"`
	Explain Text   `yaml:"explain"`
	Points  int    `yaml:"points"`
	Line    int    `yaml:"-"`
}

// Choice is one answer of a multiple-choice question.
type Choice struct {
	ID      string `yaml:"id"`
	Text    Text   `yaml:"text"`
	Correct bool   `yaml:"correct"`
	// Value is, for a predict question, a matcher on the observed output.
	Value string `yaml:"value"`
	Line  int    `yaml:"-"`
}

// Checkpoint is a practical task verified by checks, for quizzes and exams.
type Checkpoint struct {
	ID       string   `yaml:"id"`
	Title    Text     `yaml:"title"`
	Task     Text     `yaml:"task"`
	Files    Files    `yaml:"files"`
	Setup    Script   `yaml:"setup"`
	Checks   []*Check `yaml:"checks"`
	Hints    []Text   `yaml:"hints"`
	Solution Script   `yaml:"solution"`
	Points   int      `yaml:"points"`
	// TimeLimit is a Go duration ("10m"); empty means none.
	TimeLimit string `yaml:"timeLimit"`
	Line      int    `yaml:"-"`
}

// AsStep views a checkpoint as a step, so the same machinery (setup, checks,
// reset, `lessons check`) runs it.
func (c *Checkpoint) AsStep(ch *Chapter, file string) *Step {
	return &Step{ID: c.ID, Title: c.Title, Text: c.Task, Files: c.Files, Setup: c.Setup, Checks: c.Checks,
		Hints: c.Hints, Solution: c.Solution, Chapter: ch, File: file, Line: c.Line}
}
