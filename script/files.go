package script

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The workspace's files are read with cat and ls, as in the terminal a
// course is taught in: a student looks at a manifest before applying it.

// path resolves a name against the runner's working folder.
func (r *Runner) path(name string) string {
	if filepath.IsAbs(name) || r.Dir == "" {
		return name
	}
	return filepath.Join(r.Dir, name)
}

// cat prints files, or the heredoc given on its input.
func (r *Runner) cat(args []string, stdin string) bool {
	if len(args) == 0 {
		fmt.Fprint(r.Out, stdin)
		return true
	}
	ok := true
	for _, a := range args {
		if strings.HasPrefix(a, "-") && a != "-" {
			fmt.Fprintf(r.Out, "cat: option '%s' is not supported here (cat prints files)\n", a)
			return false
		}
		if a == "-" {
			fmt.Fprint(r.Out, stdin)
			continue
		}
		b, err := os.ReadFile(r.path(a))
		if err != nil {
			fmt.Fprintf(r.Out, "cat: %s: %s\n", a, fileError(err))
			ok = false
			continue
		}
		r.Out.Write(b)
	}
	return ok
}

// ls lists folders (the working one without arguments) one name a line,
// as ls does when its output is not a terminal; -a shows hidden names.
func (r *Runner) ls(args []string) bool {
	all := false
	var names []string
	for _, a := range args {
		switch {
		case a == "-a" || a == "-A" || a == "-1" || a == "-a1" || a == "-1a":
			all = all || strings.ContainsAny(a, "aA")
		case strings.HasPrefix(a, "-") && a != "-":
			fmt.Fprintf(r.Out, "ls: option '%s' is not supported here (ls lists names; -a shows hidden ones)\n", a)
			return false
		default:
			names = append(names, a)
		}
	}
	if len(names) == 0 {
		names = []string{"."}
	}
	ok := true
	for i, n := range names {
		fi, err := os.Stat(r.path(n))
		if err != nil {
			fmt.Fprintf(r.Out, "ls: cannot access '%s': %s\n", n, fileError(err))
			ok = false
			continue
		}
		if !fi.IsDir() {
			fmt.Fprintln(r.Out, n)
			continue
		}
		entries, err := os.ReadDir(r.path(n))
		if err != nil {
			fmt.Fprintf(r.Out, "ls: cannot open directory '%s': %s\n", n, fileError(err))
			ok = false
			continue
		}
		if len(names) > 1 {
			if i > 0 {
				fmt.Fprintln(r.Out)
			}
			fmt.Fprintf(r.Out, "%s:\n", n)
		}
		var list []string
		for _, e := range entries {
			if all || !strings.HasPrefix(e.Name(), ".") {
				list = append(list, e.Name())
			}
		}
		sort.Strings(list)
		for _, l := range list {
			fmt.Fprintln(r.Out, l)
		}
	}
	return ok
}

// fileError words an error as coreutils does.
func fileError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "is a directory") {
		return "Is a directory"
	}
	return err.Error()
}
