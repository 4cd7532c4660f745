package appmode

import (
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"

	"kubetour/engine/apps/memfs"
	"kubetour/engine/apps/shell"
)

// osFS is the shell's file system over the container's real one.
type osFS struct{}

var _ shell.FileSystem = osFS{}

func (osFS) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (osFS) ReadFile(name string) ([]byte, error)       { return os.ReadFile(name) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }

func (osFS) OpenWriter(name string, appendTo bool) (io.WriteCloser, error) {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if appendTo {
		flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	return os.OpenFile(name, flags, 0o644)
}

func (osFS) Mkdir(name string, parents bool) error {
	if parents {
		return os.MkdirAll(name, 0o755)
	}
	return os.Mkdir(name, 0o755)
}

func (osFS) Remove(name string, recursive bool) error {
	info, err := os.Lstat(name)
	if err != nil {
		return err
	}
	if !recursive {
		if info.IsDir() {
			return &fs.PathError{Op: "remove", Path: name, Err: syscall.EISDIR}
		}
		return os.Remove(name)
	}
	return os.RemoveAll(name)
}

func (osFS) Touch(name string) error {
	now := time.Now()
	if err := os.Chtimes(name, now, now); err == nil {
		return nil
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// Mounts are the real mount table, as `mount` prints it.
func (osFS) Mounts() []memfs.Mount { return readMounts() }
