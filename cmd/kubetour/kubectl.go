package main

import (
	"os"

	"kubetour/internal/kubectl"
)

// runKubectl runs the embedded kubectl. Without KUBECONFIG it uses the
// kubeconfig of the kubetour cluster running on this machine.
func runKubectl(args []string) int {
	if os.Getenv("KUBECONFIG") == "" {
		if p, err := kubeconfigPath(); err == nil {
			if _, err := os.Stat(p); err == nil {
				os.Setenv("KUBECONFIG", p)
			}
		}
	}
	kubectl.Main(args)
	return 0
}
