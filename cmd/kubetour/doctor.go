package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"kubetour/engine/runtime/docker"
)

func newDoctorCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Say which runtime kubetour would use and why",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Second)
			defer cancel()
			facts, err := docker.Check(ctx, docker.Options{})
			if err != nil {
				fmt.Fprintf(out, "Docker:           not available (%v)\n", err)
				fmt.Fprintln(out, "Runtime (auto):   simulation — pods are simulated, every lesson still works")
				return nil
			}
			fmt.Fprintf(out, "Docker engine:    %s at %s\n", facts.ServerVersion, facts.Host)
			fmt.Fprintf(out, "API version:      %s (negotiated)\n", facts.APIVersion)
			fmt.Fprintf(out, "cgroups:          v%d, driver %s\n", facts.CgroupVersion, facts.CgroupDriver)
			fmt.Fprintf(out, "Storage driver:   %s\n", facts.StorageDriver)
			fmt.Fprintf(out, "Operating system: %s\n", facts.OperatingSystem)
			fmt.Fprintf(out, "Rootless:         %v\n", facts.Rootless)
			if facts.ReadsNamespaces {
				fmt.Fprintln(out, "Namespace links:  readable from the host (/proc/<pid>/ns)")
			} else {
				fmt.Fprintln(out, "Namespace links:  not readable from the host; the isolation view asks inside each container")
			}
			fmt.Fprintln(out, "Runtime (auto):   docker — pods are real containers")
			fmt.Fprintln(out, "Falls back to:    the simulation, if the engine stops answering at start")
			return nil
		},
	}
}
