// Package kubectl runs the real kubectl — k8s.io/kubectl's own command
// tree, compiled into kubetour — exactly as the kubectl binary's main does.
package kubectl

import (
	"os"

	"k8s.io/component-base/cli"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

// Main runs kubectl with args (without the program name) and exits the
// process with kubectl's status, as kubectl does.
func Main(args []string) {
	os.Args = append([]string{"kubectl"}, args...)
	command := kubectlcmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		// CheckErr prints kubectl's own error text and exits with its code.
		util.CheckErr(err)
	}
	os.Exit(0)
}
