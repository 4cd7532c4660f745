package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// options shared by the commands that start a cluster.
type clusterFlags struct {
	runtime string
	seed    int64
}

func (f *clusterFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.runtime, "runtime", "auto", "container runtime: auto, docker or sim")
	cmd.Flags().Int64Var(&f.seed, "seed", 0, "seed for generated names, uids and IPs (0: random)")
}

func newRootCommand() *cobra.Command {
	var cf clusterFlags
	var uf uiFlags
	var lf lessonFlags
	root := &cobra.Command{
		Use:   "kubetour",
		Short: "Learn Kubernetes on a live mini-cluster, with the real kubectl",
		Long: `Opens the terminal UI on a fresh cluster: a lesson, a console that runs the
real kubectl, and live views of the objects, of what each controller decided
and why, of what isolates a pod, and of the nodes. Without a terminal (input
or output redirected) it runs the plain console instead.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUIWith(cmd.Context(), cf, uf, "learn", &lf)
		},
	}
	cf.add(root)
	uf.add(root)
	lf.add(root)
	root.AddCommand(newScriptCommand(), newKubeconfigCommand(), newSandboxCommand(), newConsoleCommand())
	root.AddCommand(newLessonsCommand(), newLearnCommand())
	root.AddCommand(newProgressCommand())
	root.AddCommand(newDoctorCommand())
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetHelpCommand(&cobra.Command{Hidden: true})
	return root
}

func newSandboxCommand() *cobra.Command {
	var cf clusterFlags
	var uf uiFlags
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "A free cluster to experiment in, with no lesson",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUI(cmd.Context(), cf, uf, "sandbox")
		},
	}
	cf.add(cmd)
	uf.add(cmd)
	return cmd
}

// newConsoleCommand is the plain line console: for terminals the UI
// cannot draw on, screen readers, and piping commands in.
func newConsoleCommand() *cobra.Command {
	var cf clusterFlags
	cmd := &cobra.Command{
		Use:   "console",
		Short: "A plain line-by-line console on a fresh cluster (no terminal UI)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConsole(cmd.Context(), cf, os.Stdin, os.Stdout, os.Stderr)
		},
	}
	cf.add(cmd)
	return cmd
}

func newKubeconfigCommand() *cobra.Command {
	var write bool
	cmd := &cobra.Command{
		Use:   "kubeconfig",
		Short: "Print the kubeconfig of the running kubetour cluster (for your own kubectl, k9s or client-go)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := kubeconfigPath()
			if err != nil {
				return err
			}
			data, err := os.ReadFile(p)
			if os.IsNotExist(err) {
				return fmt.Errorf("no kubetour cluster is running (start one with `kubetour`)")
			}
			if err != nil {
				return err
			}
			if write {
				fmt.Fprintf(cmd.OutOrStdout(), "export KUBECONFIG=%s\n", p)
				return nil
			}
			_, err = io.WriteString(cmd.OutOrStdout(), string(data))
			return err
		},
	}
	cmd.Flags().BoolVar(&write, "path", false, "print an `export KUBECONFIG=…` line instead of the file")
	return cmd
}
