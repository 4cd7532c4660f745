package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"kubetour/engine"
	"kubetour/lessons"
	"kubetour/lessons/progress"
	"kubetour/lessonsrun"
)

func newLessonsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lessons",
		Short: "List the lessons, verify lesson content, or follow a lesson in the plain console",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newLessonsListCommand(), newLessonsCheckCommand(), newLessonsRunCommand())
	return cmd
}

// loadCourse loads the built-in lessons, or those of dir.
func loadCourse(dir string) (*lessons.Course, lessons.Problems) {
	if dir == "" {
		return lessons.Builtin()
	}
	return lessons.LoadDir(dir)
}

func progressPath() (string, error) {
	d, err := stateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "progress.json"), nil
}

// loadProgress reads the student's progress, reporting (not failing on) a
// file that had to be set aside.
func loadProgress(errOut io.Writer) (*progress.Progress, *progress.Store, error) {
	p, err := progressPath()
	if err != nil {
		return nil, nil, err
	}
	st := &progress.Store{Path: p}
	prog, err := st.Load()
	var aside *progress.SetAsideError
	if errors.As(err, &aside) {
		fmt.Fprintln(errOut, "kubetour: warning:", aside)
		err = nil
	}
	return prog, st, err
}

func newLessonsListCommand() *cobra.Command {
	var lang, dir string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "One line per chapter: id, title, steps and your progress",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			course, ps := loadCourse(dir)
			if errs := ps.Errors(); len(errs) > 0 {
				return fmt.Errorf("the lessons do not load (run `kubetour lessons check`):\n%v", errs)
			}
			prog, _, err := loadProgress(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if lang == "" {
				lang = prog.Lang
			}
			if lang == "" {
				lang = lessons.Languages[0]
			}
			out := cmd.OutOrStdout()
			for _, c := range lessons.ChapterList(course, prog, lang, -1, -1) {
				word := "steps"
				if lang == "ko" {
					word = "단계"
				}
				fmt.Fprintf(out, "%-2s %02d %-10s %s  %d %s, %d/%d\n", c.Mark(), c.Order, c.ID, c.Title, len(c.Steps), word, c.Done, len(c.Steps))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "", "language of the titles: "+strings.Join(lessons.Languages, " or "))
	cmd.Flags().StringVar(&dir, "lessons", "", "load the lessons from this folder instead of the built-in ones")
	return cmd
}

func newLessonsCheckCommand() *cobra.Command {
	var dir, runtime string
	var fresh, strict, verbose bool
	var parallel int
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Load every lesson strictly and replay every reference solution on a fresh cluster",
		Long: `Loads every lesson strictly (an unknown field is an error with its file and
line), reports missing translations and broken references, then for every
step: resets the cluster, applies the setup, confirms the checks fail,
runs the reference solution and confirms they pass; confirms each mistake's
trigger fires its hint; confirms each predict question has exactly one
right choice; verifies checkpoints as steps. Exits non-zero on any failure
(and on missing translations with --strict).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			course, ps := loadCourse(dir)
			for _, p := range ps {
				fmt.Fprintln(out, p.Error())
			}
			errs, warns := ps.Errors(), ps.Warnings()
			if len(errs) > 0 {
				return fmt.Errorf("lessons check: %d error(s) loading the lessons", len(errs))
			}
			manual := runtime == "sim"
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			// Interrupted, the clusters still running are stopped, so that
			// no container or network outlives the check.
			var mu sync.Mutex
			live := map[*engine.Cluster]bool{}
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			defer signal.Stop(sig)
			go func() {
				s, ok := <-sig
				if !ok {
					return
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "\nkubetour: lessons check: %v: stopping the clusters\n", s)
				mu.Lock()
				for c := range live {
					c.Stop()
				}
				os.Exit(130)
			}()
			rep, err := lessonsrun.Verify(course, lessonsrun.VerifyConfig{
				NewCluster: func() (*engine.Cluster, error) {
					cfg, err := clusterConfig(clusterFlags{runtime: runtime, seed: 1}, manual, io.Discard)
					if err != nil {
						return nil, err
					}
					c, err := engine.New(cfg)
					if err != nil {
						return nil, err
					}
					if err := c.Start(); err != nil {
						c.Stop()
						return nil, err
					}
					mu.Lock()
					live[c] = true // Stop on a stopped cluster does nothing
					mu.Unlock()
					return c, nil
				},
				Kubectl: []string{exe, "kubectl"},
				Fresh:   fresh, Out: out, Verbose: verbose, Parallel: parallel,
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "\n%d/%d steps, %d/%d mistake hints, %d/%d predict questions, %d/%d checkpoints verified; %d missing translation(s); %.1fs\n",
				rep.StepsOK, rep.Steps, rep.MistakesOK, rep.Mistakes, rep.QuestionsOK, rep.Questions, rep.CheckpointsOK, rep.Checkpoints,
				len(warns), rep.Duration.Seconds())
			switch {
			case !rep.OK():
				return fmt.Errorf("lessons check: %d failure(s)", len(rep.Failures))
			case strict && len(warns) > 0:
				return fmt.Errorf("lessons check: %d missing translation(s) (--strict)", len(warns))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "lessons", "", "check the lessons in this folder instead of the built-in ones")
	cmd.Flags().StringVar(&runtime, "runtime", "sim", "container runtime: sim or docker")
	cmd.Flags().BoolVar(&fresh, "fresh", false, "a fresh cluster for every step instead of a reset")
	cmd.Flags().BoolVar(&strict, "strict", false, "fail on missing translations too")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "also print what setups and solutions print")
	cmd.Flags().IntVar(&parallel, "parallel", 1, "check this many chapters at once, each on its own cluster (real time on Docker is mostly waiting)")
	return cmd
}
