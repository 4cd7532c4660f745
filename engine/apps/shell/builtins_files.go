package shell

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"syscall"
)

// flags splits leading -abc options from operands; "--" ends them.
func splitFlags(args []string, withValue string) (map[byte]string, []string) {
	flags := map[byte]string{}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' || a == "-" {
			rest = append(rest, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			f := a[j]
			if strings.IndexByte(withValue, f) >= 0 {
				val := a[j+1:]
				if val == "" && i+1 < len(args) {
					i++
					val = args[i]
				}
				flags[f] = val
				break
			}
			flags[f] = ""
		}
	}
	return flags, rest
}

func has(flags map[byte]string, fs ...byte) bool {
	for _, f := range fs {
		if _, ok := flags[f]; ok {
			return true
		}
	}
	return false
}

// quote wraps a file name as coreutils does in C locale messages.
func (c *cmd) quote(name string) string { return "'" + name + "'" }

func utilCat(c *cmd) int {
	flags, files := splitFlags(c.args, "")
	number := has(flags, 'n')
	if len(files) == 0 {
		files = []string{"-"}
	}
	st := 0
	line := 1
	for _, f := range files {
		var data []byte
		if f == "-" {
			var err error
			if data, err = io.ReadAll(c.io.in); err != nil {
				return 1
			}
		} else {
			var err error
			data, err = c.sh.fs().ReadFile(c.sh.abs(f))
			if err != nil {
				c.errf("%s: %s", f, errnoText(err))
				st = 1
				continue
			}
		}
		if number {
			for _, l := range strings.SplitAfter(string(data), "\n") {
				if l == "" {
					continue
				}
				fmt.Fprintf(c.io.out, "%6d\t%s", line, l)
				line++
			}
			continue
		}
		c.io.out.Write(data)
	}
	return st
}

// isTerminal reports whether the command writes to the process's TTY.
func (c *cmd) isTerminal() bool { return c.m().cfg.TTY && c.io.out == c.m().out }

func utilMkdir(c *cmd) int {
	flags, dirs := splitFlags(c.args, "m")
	parents := has(flags, 'p')
	if len(dirs) == 0 {
		c.errf("missing operand")
		return 1
	}
	st := 0
	for _, d := range dirs {
		if err := c.sh.fs().Mkdir(c.sh.abs(d), parents); err != nil {
			if c.busybox() {
				c.errf("can't create directory %s: %s", c.quote(d), errnoText(err))
			} else {
				c.errf("cannot create directory %s: %s", c.quote(d), errnoText(err))
			}
			st = 1
		}
	}
	return st
}

func utilTouch(c *cmd) int {
	_, files := splitFlags(c.args, "dtr")
	if len(files) == 0 {
		c.errf("missing file operand")
		return 1
	}
	st := 0
	for _, f := range files {
		if err := c.sh.fs().Touch(c.sh.abs(f)); err != nil {
			if c.busybox() {
				c.errf("%s: %s", f, errnoText(err))
			} else {
				c.errf("cannot touch %s: %s", c.quote(f), errnoText(err))
			}
			st = 1
		}
	}
	return st
}

func utilRm(c *cmd) int {
	flags, files := splitFlags(c.args, "")
	force := has(flags, 'f')
	recursive := has(flags, 'r', 'R')
	if len(files) == 0 && !force {
		c.errf("missing operand")
		return 1
	}
	st := 0
	for _, f := range files {
		full := c.sh.abs(f)
		info, err := c.sh.fs().Stat(full)
		if err == nil && info.IsDir() && !recursive {
			if c.busybox() {
				c.errf("%s is a directory", c.quote(f))
			} else {
				c.errf("cannot remove %s: Is a directory", c.quote(f))
			}
			st = 1
			continue
		}
		if err == nil {
			err = c.sh.fs().Remove(full, recursive)
		}
		if err != nil {
			if force && errors.Is(err, syscall.ENOENT) {
				continue
			}
			if c.busybox() {
				c.errf("can't remove %s: %s", c.quote(f), errnoText(err))
			} else {
				c.errf("cannot remove %s: %s", c.quote(f), errnoText(err))
			}
			st = 1
		}
	}
	return st
}

// copyTree copies src to dst (a file, or a directory when recursive).
func (c *cmd) copyTree(src, dst string, recursive bool) error {
	info, err := c.sh.fs().Stat(src)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		data, err := c.sh.fs().ReadFile(src)
		if err != nil {
			return err
		}
		w, err := c.sh.fs().OpenWriter(dst, false)
		if err != nil {
			return err
		}
		defer w.Close()
		_, err = w.Write(data)
		return err
	}
	if !recursive {
		return syscall.EISDIR
	}
	if err := c.sh.fs().Mkdir(dst, true); err != nil {
		return err
	}
	entries, err := c.sh.fs().ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := c.copyTree(path.Join(src, e.Name()), path.Join(dst, e.Name()), true); err != nil {
			return err
		}
	}
	return nil
}

func (c *cmd) copyOrMove(move bool) int {
	flags, ops := splitFlags(c.args, "")
	recursive := move || has(flags, 'r', 'R', 'a')
	if len(ops) < 2 {
		c.errf("missing destination file operand after %s", c.quote(strings.Join(ops, " ")))
		return 1
	}
	dst := c.sh.abs(ops[len(ops)-1])
	st := 0
	for _, s := range ops[:len(ops)-1] {
		src := c.sh.abs(s)
		info, err := c.sh.fs().Stat(src)
		if err != nil {
			if c.busybox() {
				c.errf("can't stat %s: %s", c.quote(s), errnoText(err))
			} else {
				c.errf("cannot stat %s: %s", c.quote(s), errnoText(err))
			}
			st = 1
			continue
		}
		if info.IsDir() && !recursive {
			if c.busybox() {
				c.errf("omitting directory %s", c.quote(s))
			} else {
				c.errf("-r not specified; omitting directory %s", c.quote(s))
			}
			st = 1
			continue
		}
		target := dst
		if c.sh.isDir(dst) {
			target = path.Join(dst, path.Base(src))
		}
		if err := c.copyTree(src, target, recursive); err != nil {
			c.errf("cannot create %s: %s", c.quote(target), errnoText(err))
			st = 1
			continue
		}
		if move {
			if err := c.sh.fs().Remove(src, true); err != nil {
				c.errf("cannot remove %s: %s", c.quote(s), errnoText(err))
				st = 1
			}
		}
	}
	return st
}

func utilCp(c *cmd) int { return c.copyOrMove(false) }
func utilMv(c *cmd) int { return c.copyOrMove(true) }

func utilMount(c *cmd) int {
	if len(c.args) > 0 {
		c.errf("only root can do that")
		return 1
	}
	for _, m := range c.sh.fs().Mounts() {
		fmt.Fprintf(c.io.out, "%s on %s type %s (%s)\n", m.Source, m.Target, m.Type, m.Options)
	}
	return 0
}
