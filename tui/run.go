package tui

import (
	"context"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
)

// Run shows the UI until the student quits, on the alt screen. The caller
// decides the theme before calling it (lipgloss.HasDarkBackground, before
// Bubble Tea owns the terminal) and sends logs to a file: nothing may
// write to the terminal while the program runs. A panic in Update or View
// is recovered by Bubble Tea, which restores the terminal first.
func Run(ctx context.Context, opts Options, extra ...tea.ProgramOption) error {
	m := New(opts)
	po := []tea.ProgramOption{tea.WithAltScreen(), tea.WithContext(ctx)}
	if opts.Mouse {
		po = append(po, tea.WithMouseCellMotion())
	}
	po = append(po, extra...)
	p := tea.NewProgram(m, po...)
	_, err := p.Run()
	// However the program ended (quit, a signal, a panic recovered by
	// Bubble Tea), the cluster is stopped: Stop is idempotent.
	opts.Cluster.Stop()
	if err != nil && err != tea.ErrProgramKilled {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}
