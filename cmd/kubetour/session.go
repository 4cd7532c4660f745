package main

import (
	"fmt"
	"io"
	"os"

	"kubetour/engine"
	"kubetour/script"
)

// prepareSession readies what an interactive session on c needs: the
// command runner (the embedded kubectl, printing to out) and the
// cluster's kubeconfig at its usual path, so the student's own kubectl
// reaches the cluster too. done closes the runner and removes the file.
func prepareSession(c *engine.Cluster, out io.Writer) (*script.Runner, string, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, "", nil, err
	}
	r := &script.Runner{Cluster: c, Kubectl: []string{exe, "kubectl"}, Out: out}
	if err := r.Prepare(); err != nil {
		return nil, "", nil, err
	}
	kc, err := c.Kubeconfig()
	if err != nil {
		r.Close()
		return nil, "", nil, err
	}
	path, err := kubeconfigPath()
	if err != nil {
		r.Close()
		return nil, "", nil, err
	}
	if err := writeFileAtomic(path, kc, 0o600); err != nil {
		r.Close()
		return nil, "", nil, fmt.Errorf("write kubeconfig: %w", err)
	}
	return r, path, func() { removeIfOurs(path, kc); r.Close() }, nil
}
