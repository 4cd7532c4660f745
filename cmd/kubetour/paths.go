package main

import (
	"bytes"
	"os"
	"path/filepath"
)

// stateDir is where kubetour keeps what must outlive a run: the kubeconfig
// of the running cluster, progress, history.
func stateDir() (string, error) {
	if d := os.Getenv("KUBETOUR_STATE_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "kubetour"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state", "kubetour"), nil
}

func kubeconfigPath() (string, error) {
	d, err := stateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "kubeconfig"), nil
}

// writeFileAtomic writes data so that a crash leaves either the old file or
// the new one, never a torn one.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// removeIfOurs removes the file at path if it still holds data: a second
// kubetour started meanwhile wrote its own kubeconfig there, which must
// outlive this one.
func removeIfOurs(path string, data []byte) {
	if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, data) {
		os.Remove(path)
	}
}
