package lessons

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"kubetour/lessons/progress"
)

// Env is the cluster side of a lesson session: reads, plus preparing the
// cluster for a step. Its methods that change the cluster block until done;
// a TUI calls them from a tea.Cmd. The adapter over the engine is
// kubetour/lessonsrun.Env.
type Env interface {
	Cluster
	// Enter prepares the cluster for a step: writes the step's files into
	// the workspace (keeping the student's edits) and runs its setup. It
	// returns the narration sequence number reached once the setup has
	// settled: later events belong to the step.
	Enter(st *Step) (uint64, error)
	// Reset returns the cluster to the step's starting state: what the
	// student created in the step's namespaces is deleted, the nodes are
	// put back, the files rewritten and the setup run again.
	Reset(st *Step) (uint64, error)
	// ResetAll deletes everything the student created, in every
	// namespace, then prepares the step as Reset does.
	ResetAll(st *Step) (uint64, error)
}

// ProgressSaver saves progress (progress.Store).
type ProgressSaver interface {
	Save(*progress.Progress) error
}

// Session is one student going through the course: where they are, the
// controls (next, previous, jump, hint, solution, reset, sandbox) and the
// checks of the current step. It is safe for concurrent use; methods that
// change the cluster (Start, Next, Prev, Jump, Reset, ResetAll, Command)
// block while the cluster is prepared.
type Session struct {
	course *Course
	env    Env
	saver  ProgressSaver

	mu   sync.Mutex
	prog *progress.Progress
	lang string
	// AutoAdvance asks the caller to move on when a step is done (off by
	// default: a step passed by accident should still be read).
	autoAdvance bool
	ch, st      int
	sandbox     bool
	eval        *Evaluator
	last        Result
	evaluated   bool
	mistakes    map[string]bool // mistakes already reported in this visit
	confirm     func() Reply    // an action awaiting "yes"
	cleared     bool            // the last move cleared the cluster (a new chapter)
	saveErr     error
	now         func() time.Time
}

// NewSession starts a session at the position saved in prog (or the first
// step). Call Start to prepare the cluster for it.
func NewSession(course *Course, env Env, prog *progress.Progress, saver ProgressSaver) *Session {
	if prog == nil {
		prog = progress.New()
	}
	s := &Session{course: course, env: env, saver: saver, prog: prog, lang: prog.Lang, now: time.Now}
	if s.lang == "" {
		s.lang = Languages[0]
	}
	if ch := course.Chapter(prog.Current.Chapter); ch != nil {
		s.ch = indexOf(course, ch)
		if i := ch.StepIndex(prog.Current.Step); i >= 0 {
			s.st = i
		}
	}
	return s
}

func indexOf(c *Course, ch *Chapter) int {
	for i, x := range c.Chapters {
		if x == ch {
			return i
		}
	}
	return 0
}

// SetClock replaces the clock used for progress times (tests).
func (s *Session) SetClock(now func() time.Time) { s.now = now }

// Lang is the session's language.
func (s *Session) Lang() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lang
}

// SetLang switches the language (saved with the progress).
func (s *Session) SetLang(lang string) error {
	if !isLanguage(lang) {
		return fmt.Errorf("unknown language %q (languages: %s)", lang, strings.Join(Languages, ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lang = lang
	s.prog.Lang = lang
	s.saveLocked()
	return nil
}

// SetAutoAdvance turns auto-advance on or off.
func (s *Session) SetAutoAdvance(on bool) {
	s.mu.Lock()
	s.autoAdvance = on
	s.mu.Unlock()
}

// Progress returns a copy of the progress.
func (s *Session) Progress() *progress.Progress {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.prog.Clone()
}

// SaveError is the last error saving progress (nil if the last save worked).
func (s *Session) SaveError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveErr
}

// Current returns the current chapter and step (nil in an empty course).
func (s *Session) Current() (*Chapter, *Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.currentLocked()
}

func (s *Session) currentLocked() (*Chapter, *Step) {
	if len(s.course.Chapters) == 0 {
		return nil, nil
	}
	ch := s.course.Chapters[s.ch]
	if len(ch.Steps) == 0 {
		return ch, nil
	}
	return ch, ch.Steps[s.st]
}

// Sandbox reports whether the session is in sandbox mode.
func (s *Session) Sandbox() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sandbox
}

// SetSandbox leaves the lesson for a free cluster (checks are not
// evaluated; the cluster is left as it is) or comes back to the step.
func (s *Session) SetSandbox(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sandbox = on
}

// Start prepares the cluster for the current step.
func (s *Session) Start() error {
	s.mu.Lock()
	ch, st := s.ch, s.st
	s.mu.Unlock()
	return s.moveTo(ch, st, s.env.Enter)
}

// ErrNoMore is returned at either end of the course.
var ErrNoMore = errors.New("no more steps")

// Next moves to the next step (the first of the next chapter at the end of
// a chapter).
func (s *Session) Next() error {
	s.mu.Lock()
	ch, st := s.ch, s.st+1
	if ch < len(s.course.Chapters) && st >= len(s.course.Chapters[ch].Steps) {
		ch, st = ch+1, 0
	}
	prepare := s.prepareForLocked(ch, st)
	s.mu.Unlock()
	if ch >= len(s.course.Chapters) {
		return ErrNoMore
	}
	return s.moveTo(ch, st, prepare)
}

// Prev moves to the previous step.
func (s *Session) Prev() error {
	s.mu.Lock()
	ch, st := s.ch, s.st-1
	if st < 0 {
		ch--
		if ch >= 0 {
			st = len(s.course.Chapters[ch].Steps) - 1
		}
	}
	var prepare func(*Step) (uint64, error)
	if ch >= 0 && st >= 0 {
		prepare = s.prepareForLocked(ch, st)
	}
	s.mu.Unlock()
	if ch < 0 || st < 0 {
		return ErrNoMore
	}
	return s.moveTo(ch, st, prepare)
}

// Jump moves to a chapter or step: "pod" (its first step not done),
// "pod/labels", "labels" (a step of the current chapter), "5" (the chapter
// of order 5) or "5.3" (its third step).
func (s *Session) Jump(ref string) error {
	s.mu.Lock()
	ch, st, err := s.resolveLocked(ref)
	var prepare func(*Step) (uint64, error)
	if err == nil {
		prepare = s.prepareForLocked(ch, st)
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.moveTo(ch, st, prepare)
}

// prepareForLocked picks how a move from the current step to (ch, st)
// prepares the cluster. Another chapter starts on a cleared cluster (what
// earlier chapters left would contradict its text: "three pods run").
// The next step of the chapter keeps what the student built. Any other
// step of the chapter (back, or skipping ahead) starts from its own
// start, as `reset` would make it.
func (s *Session) prepareForLocked(ch, st int) func(*Step) (uint64, error) {
	s.cleared = false
	switch {
	case ch != s.ch:
		s.cleared = true
		return s.env.ResetAll
	case st == s.st+1:
		return s.env.Enter
	default:
		return s.env.Reset
	}
}

// Cleared reports whether the last move cleared the cluster (a new
// chapter), for the console to say so.
func (s *Session) Cleared() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cleared
}

func (s *Session) resolveLocked(ref string) (int, int, error) {
	ref = strings.TrimSpace(ref)
	chRef, stRef, hasStep := strings.Cut(ref, "/")
	if !hasStep {
		// "5.3", and "deployment.4" (a chapter, then a step number).
		if a, b, ok := strings.Cut(ref, "."); ok {
			_, errA := strconv.Atoi(a)
			_, errB := strconv.Atoi(b)
			if errA == nil || errB == nil {
				chRef, stRef, hasStep = a, b, true
			}
		}
	}
	findCh := func(r string) int {
		for i, ch := range s.course.Chapters {
			if ch.ID == r || strconv.Itoa(ch.Order) == r || fmt.Sprintf("%02d", ch.Order) == r {
				return i
			}
		}
		// "pods", "controllers": students name a chapter as kubectl names
		// resources, in the plural.
		for i, ch := range s.course.Chapters {
			if ch.ID+"s" == r {
				return i
			}
		}
		return -1
	}
	ci := findCh(chRef)
	if ci < 0 && !hasStep {
		// A step of the current chapter?
		if s.ch < len(s.course.Chapters) {
			if si := s.course.Chapters[s.ch].StepIndex(ref); si >= 0 {
				return s.ch, si, nil
			}
		}
		return 0, 0, fmt.Errorf("no chapter or step %q (try `chapters`)", ref)
	}
	if ci < 0 {
		return 0, 0, fmt.Errorf("no chapter %q (try `chapters`)", chRef)
	}
	ch := s.course.Chapters[ci]
	if len(ch.Steps) == 0 {
		return 0, 0, fmt.Errorf("chapter %q has no step", ch.ID)
	}
	if !hasStep {
		for i, st := range ch.Steps {
			if p := s.prog.Steps[st.Key()]; p == nil || !p.Done {
				return ci, i, nil
			}
		}
		return ci, 0, nil
	}
	if n, err := strconv.Atoi(stRef); err == nil {
		if n < 1 || n > len(ch.Steps) {
			return 0, 0, fmt.Errorf("chapter %q has steps 1 to %d", ch.ID, len(ch.Steps))
		}
		return ci, n - 1, nil
	}
	si := ch.StepIndex(stRef)
	if si < 0 {
		return 0, 0, fmt.Errorf("chapter %q has no step %q", ch.ID, stRef)
	}
	return ci, si, nil
}

// moveTo makes (ch, st) current and prepares the cluster with prepare.
func (s *Session) moveTo(ch, st int, prepare func(*Step) (uint64, error)) error {
	s.mu.Lock()
	if ch >= len(s.course.Chapters) || st >= len(s.course.Chapters[ch].Steps) {
		s.mu.Unlock()
		return ErrNoMore
	}
	s.ch, s.st = ch, st
	step := s.course.Chapters[ch].Steps[st]
	ev := NewEvaluator(step.Checks, step.Mistakes)
	s.eval, s.last, s.evaluated = ev, Result{}, false
	s.mistakes = map[string]bool{}
	s.confirm = nil
	s.sandbox = false
	s.prog.Current = progress.Position{Chapter: step.Chapter.ID, Step: step.ID}
	if p := s.prog.Step(step.Key()); p.FirstSeen.IsZero() {
		p.FirstSeen = s.now().UTC()
	}
	s.saveLocked()
	s.mu.Unlock()

	seq, err := prepare(step)

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eval == ev {
		ev.Start(seq)
	}
	if err != nil {
		return fmt.Errorf("preparing step %s: %w", step.Key(), err)
	}
	return nil
}

func (s *Session) saveLocked() {
	if s.saver == nil {
		return
	}
	s.saveErr = s.saver.Save(s.prog)
}

// Update is what an observation changed.
type Update struct {
	Result Result
	// Passed is true when the step has just been completed.
	Passed bool
	// NewMistakes are mistakes recognised for the first time in this visit.
	NewMistakes []MistakeHit
	// Advance asks the caller to call Next (auto-advance is on and the
	// step has just been completed).
	Advance bool
}

// Observe feeds a batch of narration events and re-evaluates the step.
// It does not block on the cluster beyond reading objects.
func (s *Session) Observe(batch []Event) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eval == nil {
		return Update{}
	}
	s.eval.Observe(batch)
	return s.evaluateLocked()
}

// Ran records a command the student ran and re-evaluates the step.
func (s *Session) Ran(c Command) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eval == nil {
		return Update{}
	}
	if c.Time.IsZero() {
		c.Time = s.now()
	}
	if len(c.Args) == 0 {
		c.Args, _ = splitWords(c.Line)
	}
	if !s.sandbox {
		s.eval.Ran(c)
	}
	return s.evaluateLocked()
}

// Evaluate re-evaluates the step now.
func (s *Session) Evaluate() Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.evaluateLocked()
}

// Result is the last evaluation of the current step.
func (s *Session) Result() Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func (s *Session) evaluateLocked() Update {
	if s.eval == nil || s.sandbox || !s.eval.Started() {
		return Update{Result: s.last}
	}
	_, step := s.currentLocked()
	r := s.eval.Evaluate(s.env)
	s.last, s.evaluated = r, true
	u := Update{Result: r}
	for _, m := range r.Mistakes {
		if !s.mistakes[m.ID] {
			s.mistakes[m.ID] = true
			u.NewMistakes = append(u.NewMistakes, m)
		}
	}
	p := s.prog.Step(step.Key())
	if r.Passed && !p.Done {
		p.Done, p.DoneAt = true, s.now().UTC()
		s.saveLocked()
		u.Passed = true
		u.Advance = s.autoAdvance
	}
	return u
}

// Hint is one tier of hints.
type Hint struct {
	Text Text
	Tier int // from 1
	Of   int
}

// Hint shows the next hint tier of the current step (the last one again
// once all are shown).
func (s *Session) Hint() (Hint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, st := s.currentLocked()
	if st == nil || len(st.Hints) == 0 {
		return Hint{}, errors.New("this step has no hint")
	}
	p := s.prog.Step(st.Key())
	if p.Hints < len(st.Hints) {
		p.Hints++
		s.saveLocked()
	}
	return Hint{Text: st.Hints[p.Hints-1], Tier: p.Hints, Of: len(st.Hints)}, nil
}

// ErrNeedsConfirmation is returned by Solution before it is confirmed.
var ErrNeedsConfirmation = errors.New("confirmation needed")

// Solution returns the reference solution of the current step once
// confirmed, and records that it was shown.
func (s *Session) Solution(confirmed bool) (Script, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, st := s.currentLocked()
	if st == nil {
		return Script{}, ErrNoMore
	}
	if !confirmed {
		return Script{}, ErrNeedsConfirmation
	}
	p := s.prog.Step(st.Key())
	if !p.SolutionShown {
		p.SolutionShown = true
		s.saveLocked()
	}
	return st.Solution, nil
}

// Reset returns the cluster to the current step's starting state.
func (s *Session) Reset() error {
	s.mu.Lock()
	ch, st := s.ch, s.st
	if _, step := s.currentLocked(); step != nil {
		s.prog.Step(step.Key()).Resets++
	}
	s.mu.Unlock()
	return s.moveTo(ch, st, s.env.Reset)
}

// ResetAll deletes everything the student created in the cluster and
// prepares the current step again. Progress is kept.
func (s *Session) ResetAll() error {
	s.mu.Lock()
	ch, st := s.ch, s.st
	s.mu.Unlock()
	return s.moveTo(ch, st, s.env.ResetAll)
}

// StepStatus is a step as the chapter list shows it.
type StepStatus struct {
	ID, Title     string
	Done          bool
	SolutionShown bool
	Current       bool
}

// Mark is the step's progress mark: ✓ done, ✓* done after seeing the
// solution, ▸ current, · not done.
func (s StepStatus) Mark() string {
	switch {
	case s.Done && s.SolutionShown:
		return "✓*"
	case s.Done:
		return "✓"
	case s.Current:
		return "▸"
	}
	return "·"
}

// ChapterStatus is a chapter as the chapter list shows it.
type ChapterStatus struct {
	ID, Title string
	Order     int
	Steps     []StepStatus
	Done      int
	Current   bool
}

// Mark is the chapter's progress mark: ✓ all done, ◐ some, · none.
func (c ChapterStatus) Mark() string {
	switch {
	case len(c.Steps) > 0 && c.Done == len(c.Steps):
		return "✓"
	case c.Done > 0:
		return "◐"
	}
	return "·"
}

// Chapters lists the chapters with the student's progress.
func (s *Session) Chapters() []ChapterStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ChapterList(s.course, s.prog, s.lang, s.ch, s.st)
}

// ChapterList lists chapters with progress marks; cur/curStep mark the
// current step (-1 for none).
func ChapterList(c *Course, p *progress.Progress, lang string, cur, curStep int) []ChapterStatus {
	var out []ChapterStatus
	for i, ch := range c.Chapters {
		cs := ChapterStatus{ID: ch.ID, Title: ch.Title.In(lang), Order: ch.Order, Current: i == cur}
		for j, st := range ch.Steps {
			ss := StepStatus{ID: st.ID, Title: st.Title.In(lang), Current: i == cur && j == curStep}
			if p != nil {
				if ps := p.Steps[st.Key()]; ps != nil {
					ss.Done, ss.SolutionShown = ps.Done, ps.SolutionShown
				}
			}
			if ss.Done {
				cs.Done++
			}
			cs.Steps = append(cs.Steps, ss)
		}
		out = append(out, cs)
	}
	return out
}
