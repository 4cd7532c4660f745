package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"kubetour/engine"
	"kubetour/lessons"
	"kubetour/lessonsrun"
	"kubetour/script"
)

func newLessonsRunCommand() *cobra.Command {
	var cf clusterFlags
	var dir, lang string
	var auto bool
	cmd := &cobra.Command{
		Use:   "run [CHAPTER]",
		Short: "Follow the lessons in the plain console, on a live cluster",
		Long: `Starts a cluster and follows the lessons in the plain console: the step's
text, the real kubectl, checks evaluated as the cluster changes, and the
lesson commands (help, chapters, next, prev, goto, hint, solution, reset,
reset all, sandbox, lang). The step's files are written to the workspace
folder under kubetour's state folder; open them in your own editor.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			at := ""
			if len(args) == 1 {
				at = args[0]
			}
			return runLessonConsole(cmd.Context(), cf, dir, lang, at, auto, os.Stdin, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cf.add(cmd)
	cmd.Flags().StringVar(&dir, "lessons", "", "load the lessons from this folder instead of the built-in ones")
	cmd.Flags().StringVar(&lang, "lang", "", "language: "+strings.Join(lessons.Languages, " or "))
	cmd.Flags().BoolVar(&auto, "auto-advance", false, "go to the next step as soon as one is done")
	return cmd
}

// syncOut serialises what the console and the check watcher print.
type syncOut struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncOut) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func runLessonConsole(ctx context.Context, cf clusterFlags, dir, lang, at string, auto bool, in io.Reader, stdout, errOut io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	course, ps := loadCourse(dir)
	if errs := ps.Errors(); len(errs) > 0 {
		return fmt.Errorf("the lessons do not load (run `kubetour lessons check`):\n%v", errs)
	}
	prog, store, err := loadProgress(errOut)
	if err != nil {
		return err
	}
	cfg, err := clusterConfig(cf, false, errOut)
	if err != nil {
		return err
	}
	c, err := engine.New(cfg)
	if err != nil {
		return err
	}
	if err := c.Start(); err != nil {
		return err
	}
	defer c.Stop()
	state, err := stateDir()
	if err != nil {
		return err
	}
	ws, err := lessonsrun.OpenWorkspace(filepath.Join(state, "workspace"))
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	out := &syncOut{w: stdout}
	env, err := lessonsrun.NewEnv(c, ws, []string{exe, "kubectl"}, nil)
	if err != nil {
		return err
	}
	defer env.Close()
	// Notices come while the session is busy with a step; they are said
	// after it, in the session's language.
	notes := &notices{}
	env.Notify = notes.push
	r := &script.Runner{Cluster: c, Kubectl: []string{exe, "kubectl"}, Out: out}
	if err := r.Prepare(); err != nil {
		return err
	}
	defer r.Close()
	if kc, err := c.Kubeconfig(); err == nil {
		if path, err := kubeconfigPath(); err == nil && writeFileAtomic(path, kc, 0o600) == nil {
			defer removeIfOurs(path, kc)
		}
	}

	sess := lessons.NewSession(course, env, prog, store)
	sess.SetAutoAdvance(auto)
	sayNotes := func() {
		for _, l := range notes.drain(sess.Lang()) {
			fmt.Fprintln(out, l)
		}
	}
	if lang != "" {
		if err := sess.SetLang(lang); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "kubetour: a %d-node cluster is running (runtime: %s). Your files are in %s\n", len(engine.DefaultNodes()), c.Runtime().Name(), ws.Dir)
	if at != "" {
		err = sess.Jump(at)
	} else {
		err = sess.Start()
	}
	if err != nil {
		fmt.Fprintln(out, "kubetour:", err)
	}
	sayNotes()
	fmt.Fprintln(out, sess.RenderCurrent())
	fmt.Fprintln(out, "\n(help lists the lesson commands)")

	// report prints what an observation changed.
	var advance func()
	report := func(u lessons.Update) {
		lang := sess.Lang()
		sayNotes()
		for _, m := range u.NewMistakes {
			fmt.Fprintln(out, "\n"+lessons.RenderMistake(m, lang))
		}
		if u.Passed {
			if txt := sess.RenderPassedCurrent(); txt != "" {
				fmt.Fprintln(out, "\n"+txt)
			}
			if u.Advance {
				go advance()
			}
		}
	}
	advance = func() {
		err := sess.Next()
		sayNotes()
		if err == nil {
			fmt.Fprintln(out, "\n"+sess.RenderCurrent())
		}
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sub := c.Subscribe()
	defer sub.Close()
	go func() {
		for {
			batch := sub.Next(wctx)
			if batch == nil {
				return
			}
			report(sess.Observe(lessonsrun.Events(batch)))
		}
	}()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	sc := bufio.NewScanner(in)
	for {
		ch, st := sess.Current()
		prompt := "kubetour$ "
		if st != nil && !sess.Sandbox() {
			prompt = fmt.Sprintf("kubetour[%s %d/%d]$ ", ch.ID, ch.StepIndex(st.ID)+1, len(ch.Steps))
		}
		fmt.Fprint(out, prompt)
		if !sc.Scan() {
			fmt.Fprintln(out)
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		switch line {
		case "exit", "quit":
			return nil
		}
		if reply, ok := sess.Command(line); ok {
			sayNotes()
			if reply.Text != "" {
				fmt.Fprintln(out, reply.Text)
			}
			continue
		}
		if line == "" {
			continue
		}
		steps, err := script.Parse(strings.NewReader(line + "\n"))
		if err != nil {
			fmt.Fprintln(out, err)
			continue
		}
		for _, s := range steps {
			if s.Comment || len(s.Args) == 0 {
				continue
			}
			typed := s.Args
			s.Args = lessons.RewriteFileArgs(s.Args, ws.Resolve)
			var buf bytes.Buffer
			r.Out = io.MultiWriter(out, &buf)
			ok := r.Exec(s)
			exit := 0
			if !ok {
				exit = 1
			}
			report(sess.Ran(lessons.Command{Seq: lessonsrun.LastSeq(c), Line: s.Text, Args: typed, Exit: exit, Output: buf.String()}))
		}
		select {
		case <-sig:
		default:
		}
	}
}
