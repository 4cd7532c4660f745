package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/spf13/cobra"

	"kubetour/engine"
	"kubetour/engine/events"
	"kubetour/lessons"
	"kubetour/lessonsrun"
	"kubetour/script"
	"kubetour/tui"
)

// lessonFlags choose the lesson the terminal UI opens on.
type lessonFlags struct {
	dir  string
	auto bool
	at   string // a chapter or step (pod, pod/labels, 5.3); "" = where the student left off
}

func (f *lessonFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "lessons", "", "load the lessons from this folder instead of the built-in ones")
	cmd.Flags().BoolVar(&f.auto, "auto-advance", false, "go to the next step as soon as one is done")
}

func newLearnCommand() *cobra.Command {
	var cf clusterFlags
	var uf uiFlags
	var lf lessonFlags
	cmd := &cobra.Command{
		Use:   "learn [CHAPTER]",
		Short: "Follow the lessons in the terminal UI, on a live cluster",
		Long: `Opens the terminal UI on a fresh cluster with the lesson: the step where you
left off (or CHAPTER: pod, pod/labels, 5, 5.3), its checks evaluated as the
cluster changes, and the lesson commands in the console (hint, next, prev,
goto, solution, reset, lessons; :help lists them all). The step's files are
in the workspace folder under kubetour's state folder, where kubectl runs.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				lf.at = args[0]
			}
			return runUIWith(cmd.Context(), cf, uf, "learn", &lf)
		},
	}
	cf.add(cmd)
	uf.add(cmd)
	lf.add(cmd)
	return cmd
}

// tuiLesson adapts a lessons.Session to the terminal UI.
type tuiLesson struct {
	sess *lessons.Session
	c    *engine.Cluster
	// pending is said in the console with the first report: a step whose
	// setup failed as the UI opened.
	pending []string
	// notes are the environment's notices, said after the command or
	// observation during which they came.
	notes   *notices
	chapter atomic.Value // string
}

var _ tui.Lesson = (*tuiLesson)(nil)

func (l *tuiLesson) Markdown() string {
	md := l.sess.Markdown()
	if ch, _ := l.sess.Current(); ch != nil {
		l.chapter.Store(ch.ID)
	}
	return md
}

// Chapter names the current chapter for the header. It is read while
// drawing, so it is the one last published with the lesson's text: the
// session may be busy with a step's setup.
func (l *tuiLesson) Chapter() string {
	s, _ := l.chapter.Load().(string)
	return s
}

func (l *tuiLesson) Observe(batch []events.Event) []string {
	return l.report(l.sess.Observe(lessonsrun.Events(batch)))
}

func (l *tuiLesson) Ran(r tui.LessonRun) []string {
	exit := 0
	if !r.OK {
		exit = 1
	}
	return l.report(l.sess.Ran(lessons.Command{Seq: lessonsrun.LastSeq(l.c), Line: r.Line, Args: r.Args, Exit: exit, Output: r.Output}))
}

func (l *tuiLesson) Command(line string) (string, bool, bool) {
	reply, ok := l.sess.Command(line)
	if said := l.notes.drain(l.sess.Lang()); len(said) > 0 {
		reply.Text = strings.Join(append(said, reply.Text), "\n")
	}
	return reply.Text, reply.Asking, ok
}

// report is what an observation says in the console (as learn.go prints
// it); the lesson pane shows the checks and what just happened.
func (l *tuiLesson) report(u lessons.Update) []string {
	lang := l.sess.Lang()
	out := append(l.pending, l.notes.drain(lang)...)
	l.pending = nil
	for _, m := range u.NewMistakes {
		out = append(out, strings.Split(lessons.RenderMistake(m, lang), "\n")...)
	}
	if u.Passed {
		if txt := l.sess.RenderPassedCurrent(); txt != "" {
			out = append(out, strings.Split(txt, "\n")...)
		}
		if u.Advance {
			if err := l.sess.Next(); err != nil {
				out = append(out, "kubetour: "+err.Error())
			}
		}
	}
	return out
}

// startLesson loads the course and the student's progress, opens the
// workspace (kubectl runs there) and puts the cluster at the step. It
// returns the lesson, the session's title and what to close at the end.
func startLesson(c *engine.Cluster, r *script.Runner, exe string, lf *lessonFlags, lang tui.Lang, errOut io.Writer) (*tuiLesson, string, func(), error) {
	course, ps := loadCourse(lf.dir)
	if errs := ps.Errors(); len(errs) > 0 {
		return nil, "", nil, fmt.Errorf("the lessons do not load (run `kubetour lessons check`):\n%v", errs)
	}
	prog, store, err := loadProgress(errOut)
	if err != nil {
		return nil, "", nil, err
	}
	state, err := stateDir()
	if err != nil {
		return nil, "", nil, err
	}
	ws, err := lessonsrun.OpenWorkspace(filepath.Join(state, "workspace"))
	if err != nil {
		return nil, "", nil, err
	}
	env, err := lessonsrun.NewEnv(c, ws, []string{exe, "kubectl"}, nil)
	if err != nil {
		return nil, "", nil, err
	}
	// Nothing may print while the UI draws: the env's notices are said in
	// the console with the next reply or report.
	notes := &notices{}
	env.Notify = notes.push
	r.Dir = ws.Dir
	sess := lessons.NewSession(course, env, prog, store)
	sess.SetAutoAdvance(lf.auto)
	// The lessons speak the UI's language (--lang, else the locale), even
	// when an earlier session saved the other one: a frame in one language
	// around lessons in the other helps no one.
	code := "en"
	if lang == tui.Korean {
		code = "ko"
	}
	if err := sess.SetLang(code); err != nil {
		env.Close()
		return nil, "", nil, err
	}
	fmt.Fprintf(errOut, "kubetour: preparing the lesson (your files are in %s)\n", ws.Dir)
	if lf.at != "" {
		err = sess.Jump(lf.at)
	} else {
		err = sess.Start()
	}
	var pending []string
	if err != nil {
		// A step whose setup failed is still the student's step: the UI
		// opens on it and says what failed, instead of ending at once.
		if _, st := sess.Current(); st == nil || errors.Is(err, lessons.ErrNoMore) || !strings.HasPrefix(err.Error(), "preparing step") {
			env.Close()
			return nil, "", nil, err
		}
		pending = []string{"kubetour: " + err.Error(), "(`reset` prepares the step again.)"}
	}
	title := "learn"
	if ch, _ := sess.Current(); ch != nil {
		title = ch.ID
	}
	return &tuiLesson{sess: sess, c: c, pending: pending, notes: notes}, title, func() { env.Close() }, nil
}

// runLearnConsole is `kubetour learn` without a terminal: the plain
// lesson console.
func runLearnConsole(ctx context.Context, cf clusterFlags, uf uiFlags, lf *lessonFlags) error {
	return runLessonConsole(ctx, cf, lf.dir, uf.lang, lf.at, lf.auto, os.Stdin, os.Stdout, os.Stderr)
}
