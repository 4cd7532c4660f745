package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"kubetour/engine"
	"kubetour/tui"
)

// uiFlags are the terminal UI's options.
type uiFlags struct {
	lang  string
	theme string
	mono  bool
	ascii bool
	mouse bool
}

func (f *uiFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.lang, "lang", "", "UI language: en or ko (default: from LC_ALL, LC_MESSAGES or LANG)")
	cmd.Flags().StringVar(&f.theme, "theme", "auto", "colours: auto (from the terminal's background), dark, light or mono")
	cmd.Flags().BoolVar(&f.mono, "mono", false, "no colours (also when NO_COLOR is set)")
	cmd.Flags().BoolVar(&f.ascii, "ascii", false, "draw borders and symbols with ASCII only (for fonts that draw box characters too wide)")
	cmd.Flags().BoolVar(&f.mouse, "mouse", false, "use the mouse: the wheel scrolls, a click focuses a pane (terminal text selection then needs shift)")
}

// isTerminal reports whether the UI can take over the terminal.
func isTerminal() bool {
	return term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
}

// runUI opens the terminal UI on a fresh cluster, or the plain console
// when there is no terminal to draw on (input piped in, output captured).
func runUI(ctx context.Context, cf clusterFlags, uf uiFlags, title string) error {
	return runUIWith(ctx, cf, uf, title, nil)
}

// runUIWith is runUI with a lesson (lf nil: the sandbox).
func runUIWith(ctx context.Context, cf clusterFlags, uf uiFlags, title string, lsn *lessonFlags) error {
	if !isTerminal() {
		if lsn != nil {
			return runLearnConsole(ctx, cf, uf, lsn)
		}
		return runConsole(ctx, cf, os.Stdin, os.Stdout, os.Stderr)
	}
	lang, ok := tui.ParseLang(uf.lang)
	if !ok {
		return fmt.Errorf("invalid --lang %q: must be en or ko", uf.lang)
	}
	theme, err := pickTheme(uf)
	if err != nil {
		return err
	}
	dir, err := stateDir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	// Nothing may write to the terminal while the UI draws on it: the
	// standard logger (and so anything a library logs) goes to a file.
	logPath := filepath.Join(dir, "kubetour.log")
	lf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	defer lf.Close()
	log.SetOutput(lf)
	defer log.SetOutput(os.Stderr)

	// Which runtime, and why, is said before the screen is taken (Docker
	// can take a while to answer) and kept in the log.
	cfg, err := clusterConfig(cf, false, io.MultiWriter(lf, os.Stderr))
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
	r, kcPath, done, err := prepareSession(c, io.Discard)
	if err != nil {
		return err
	}
	defer done()
	log.Printf("kubetour: cluster at %s (runtime %s); kubeconfig %s", c.URL(), c.RuntimeName(), kcPath)

	var lesson tui.Lesson
	if lsn != nil {
		// Said before the screen is taken, and kept in the log; the
		// session's later notes go to the log only.
		l, t, closeLesson, err := startLesson(c, r, r.Kubectl[0], lsn, lang, io.MultiWriter(lf, os.Stderr))
		if err != nil {
			return err
		}
		defer closeLesson()
		lesson, title = l, t
	}

	return tui.Run(ctx, tui.Options{
		Cluster: c,
		Runner:  tui.ScriptRunner{R: r},
		Kubectl: r.Kubectl,
		// The same settings the runner gives kubectl, for what the UI runs
		// itself: completion, edit, exec -it.
		KubectlEnv:  []string{"KUBECONFIG=" + kcPath, "KUBERC=off", "KUBECTL_KUBERC=false"},
		HistoryPath: filepath.Join(dir, "history"),
		Lang:        lang,
		Theme:       theme,
		ASCII:       uf.ascii,
		Mouse:       uf.mouse,
		Title:       title,

		LessonSession: lesson,
	})
}

// pickTheme decides the colours once, before Bubble Tea owns the terminal:
// asking the terminal for its background later stalls start-up.
func pickTheme(uf uiFlags) (tui.Theme, error) {
	_, noColor := os.LookupEnv("NO_COLOR")
	noColor = noColor && os.Getenv("NO_COLOR") != ""
	if uf.mono || uf.theme == "mono" || noColor {
		// Monochrome keeps bold, underline and reverse (NO_COLOR is about
		// colour): without them the cursor would be invisible.
		lipgloss.SetColorProfile(termenv.ANSI)
		return tui.Mono, nil
	}
	switch uf.theme {
	case "dark":
		return tui.Dark, nil
	case "light":
		return tui.Light, nil
	case "auto", "":
		if lipgloss.HasDarkBackground() {
			return tui.Dark, nil
		}
		return tui.Light, nil
	}
	return tui.Dark, fmt.Errorf("invalid --theme %q: must be auto, dark, light or mono", uf.theme)
}
