package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"kubetour/lessons/progress"
)

func newProgressCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "progress",
		Short: "Export or import your lesson progress (to move it to another machine)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "export FILE|-",
		Short: "Write your progress to FILE (or standard output)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, st, err := loadProgress(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := st.Export(&buf); err != nil {
				return err
			}
			if args[0] == "-" {
				_, err := cmd.OutOrStdout().Write(buf.Bytes())
				return err
			}
			if err := progress.WriteAtomic(args[0], buf.Bytes(), 0o600); err != nil {
				return fmt.Errorf("export progress: %w", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "kubetour: progress written to %s\n", args[0])
			return nil
		},
	}, &cobra.Command{
		Use:   "import FILE|-",
		Short: "Replace your progress with FILE (or standard input); the current one is kept aside",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var data []byte
			var err error
			if args[0] == "-" {
				data, err = io.ReadAll(cmd.InOrStdin())
			} else {
				data, err = os.ReadFile(args[0])
			}
			if err != nil {
				return fmt.Errorf("import progress: %w", err)
			}
			p, err := progressPath()
			if err != nil {
				return err
			}
			st := &progress.Store{Path: p}
			kept, err := st.Import(data)
			if err != nil {
				return fmt.Errorf("import progress from %s: %w", args[0], err)
			}
			imported, _ := progress.Parse(data)
			done := 0
			for _, s := range imported.Steps {
				if s.Done {
					done++
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Imported progress: %d step(s) done.\n", done)
			if kept != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "Your previous progress is kept in %s.\n", kept)
			}
			return nil
		},
	})
	return cmd
}
