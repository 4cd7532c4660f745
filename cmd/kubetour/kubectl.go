package main

import (
	"os"

	"k8s.io/component-base/cli"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

// runKubectl runs kubectl's own command tree, exactly as the kubectl
// binary's main does. Without KUBECONFIG it uses the kubeconfig of the
// kubetour cluster running on this machine.
func runKubectl(args []string) int {
	if os.Getenv("KUBECONFIG") == "" {
		if p, err := kubeconfigPath(); err == nil {
			if _, err := os.Stat(p); err == nil {
				os.Setenv("KUBECONFIG", p)
			}
		}
	}
	os.Args = append([]string{"kubectl"}, args...)
	command := kubectlcmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		// CheckErr prints kubectl's own error text and exits with its code.
		util.CheckErr(err)
	}
	return 0
}
