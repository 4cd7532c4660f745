package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"kubetour/engine"
	"kubetour/script"
)

func newScriptCommand() *cobra.Command {
	var cf clusterFlags
	var failFast bool
	cmd := &cobra.Command{
		Use:   "script FILE|-",
		Short: "Run a transcript of commands against a fresh cluster and print what each printed",
		Long: `Runs a transcript against a fresh in-process cluster. Each line is a command:
kubectl (or k) with any arguments (a heredoc <<EOF feeds its stdin), curl URL
(from a client inside the cluster), sleep DURATION (instant on the simulation),
timeout DURATION COMMAND, or a # comment. For each command it prints
"$ <command>" and then what the command printed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var in io.Reader = os.Stdin
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return fmt.Errorf("cannot read script: %w", err)
				}
				defer f.Close()
				in = f
			}
			steps, err := script.Parse(in)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			cfg, err := clusterConfig(cf, true, io.Discard)
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
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			r := &script.Runner{Cluster: c, Kubectl: []string{exe, "kubectl"}, Out: cmd.OutOrStdout(), FailFast: failFast}
			if err := r.Prepare(); err != nil {
				return err
			}
			defer r.Close()
			if _, err := r.Run(steps); err != nil {
				return err
			}
			return nil
		},
	}
	cf.add(cmd)
	// Transcripts are deterministic on the simulation; Docker runs them in
	// real time and must be asked for.
	cmd.Flags().Lookup("runtime").DefValue = "sim"
	cf.runtime = "sim"
	cmd.Flags().BoolVar(&failFast, "fail-fast", false, "stop at the first command that fails, with a non-zero exit status")
	return cmd
}
