package shell

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// countFlag reads -n N, -nN, -N.
func countFlag(args []string, def int) (int, []string, map[byte]string) {
	var norm []string
	for _, a := range args {
		if len(a) > 1 && a[0] == '-' && a[1] >= '0' && a[1] <= '9' {
			norm = append(norm, "-n", a[1:])
			continue
		}
		norm = append(norm, a)
	}
	flags, rest := splitFlags(norm, "nc")
	n := def
	if v, ok := flags['n']; ok {
		if x, err := strconv.Atoi(strings.TrimPrefix(v, "+")); err == nil {
			n = x
		}
	}
	return n, rest, flags
}

func (c *cmd) readInputs(files []string) ([][]byte, []string, int) {
	if len(files) == 0 {
		data, _ := io.ReadAll(c.io.in)
		return [][]byte{data}, []string{""}, 0
	}
	var out [][]byte
	var names []string
	st := 0
	for _, f := range files {
		if f == "-" {
			data, _ := io.ReadAll(c.io.in)
			out, names = append(out, data), append(names, "-")
			continue
		}
		data, err := c.sh.fs().ReadFile(c.sh.abs(f))
		if err != nil {
			if c.busybox() {
				c.errf("%s: %s", f, errnoText(err))
			} else {
				c.errf("cannot open %s for reading: %s", c.quote(f), errnoText(err))
			}
			st = 1
			continue
		}
		out, names = append(out, data), append(names, f)
	}
	return out, names, st
}

func lines(data []byte) []string {
	s := string(data)
	if s == "" {
		return nil
	}
	parts := strings.SplitAfter(s, "\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

func utilHead(c *cmd) int {
	n, files, _ := countFlag(c.args, 10)
	datas, names, st := c.readInputs(files)
	for i, d := range datas {
		if len(datas) > 1 {
			if i > 0 {
				fmt.Fprintln(c.io.out)
			}
			fmt.Fprintf(c.io.out, "==> %s <==\n", names[i])
		}
		ls := lines(d)
		if n < len(ls) {
			ls = ls[:n]
		}
		fmt.Fprint(c.io.out, strings.Join(ls, ""))
	}
	return st
}

func utilTail(c *cmd) int {
	n, files, flags := countFlag(c.args, 10)
	follow := has(flags, 'f', 'F')
	if follow && len(files) == 1 {
		return c.tailFollow(files[0], n)
	}
	datas, _, st := c.readInputs(files)
	for _, d := range datas {
		ls := lines(d)
		if n < len(ls) {
			ls = ls[len(ls)-n:]
		}
		fmt.Fprint(c.io.out, strings.Join(ls, ""))
	}
	return st
}

// tailFollow is tail -f: it polls the file every second of cluster time,
// as tail does without inotify, and prints what was appended. On
// /dev/null it simply blocks: the classic "keep this container running".
func (c *cmd) tailFollow(file string, n int) int {
	full := c.sh.abs(file)
	if info, err := c.sh.fs().Stat(full); err == nil && info.Mode()&fs.ModeCharDevice != 0 {
		return 128 + int(c.m().block(fgSleep))
	}
	data, err := c.sh.fs().ReadFile(full)
	if err != nil {
		c.errf("cannot open %s for reading: %s", c.quote(file), errnoText(err))
		if c.busybox() {
			return 1
		}
	}
	ls := lines(data)
	if n < len(ls) {
		ls = ls[len(ls)-n:]
	}
	fmt.Fprint(c.io.out, strings.Join(ls, ""))
	seen := len(data)
	for {
		if sig := c.m().sleep(time.Second); sig != 0 {
			return 128 + int(sig)
		}
		now, err := c.sh.fs().ReadFile(full)
		if err != nil {
			continue
		}
		switch {
		case len(now) < seen:
			c.errf("%s: file truncated", file)
			c.io.out.Write(now)
		case len(now) > seen:
			c.io.out.Write(now[seen:])
		}
		seen = len(now)
	}
}

func utilWc(c *cmd) int {
	flags, files := splitFlags(c.args, "")
	show := ""
	for _, f := range []byte("lwc") {
		if has(flags, f) {
			show += string(f)
		}
	}
	if show == "" {
		show = "lwc"
	}
	datas, names, st := c.readInputs(files)
	var tot [3]int
	counts := make([][3]int, len(datas))
	for i, d := range datas {
		counts[i] = [3]int{bytes.Count(d, []byte("\n")), len(strings.Fields(string(d))), len(d)}
		for k := range tot {
			tot[k] += counts[i][k]
		}
	}
	width := 1
	if len(show) > 1 {
		width = len(strconv.Itoa(tot[2]))
		if len(files) == 0 {
			width = 7
		}
	}
	printRow := func(cnt [3]int, name string) {
		var parts []string
		for k, f := range "lwc" {
			if strings.ContainsRune(show, f) {
				parts = append(parts, fmt.Sprintf("%*d", width, cnt[k]))
			}
		}
		line := strings.Join(parts, " ")
		if name != "" {
			line += " " + name
		}
		fmt.Fprintln(c.io.out, line)
	}
	for i := range datas {
		printRow(counts[i], names[i])
	}
	if len(datas) > 1 {
		printRow(tot, "total")
	}
	return st
}

// breToRE turns a POSIX basic regular expression into Go's syntax.
func breToRE(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		ch := p[i]
		if ch == '\\' && i+1 < len(p) {
			n := p[i+1]
			if strings.IndexByte("(){}|+?", n) >= 0 {
				b.WriteByte(n)
			} else {
				b.WriteByte('\\')
				b.WriteByte(n)
			}
			i++
			continue
		}
		if strings.IndexByte("(){}|+?", ch) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(ch)
	}
	return b.String()
}

func utilGrep(c *cmd) int {
	flags, ops := splitFlags(c.args, "e")
	pattern, hasE := flags['e']
	if !hasE {
		if len(ops) == 0 {
			c.errf("usage: grep [OPTION]... PATTERNS [FILE]...")
			return 2
		}
		pattern, ops = ops[0], ops[1:]
	}
	expr := pattern
	switch {
	case has(flags, 'F'):
		expr = regexp.QuoteMeta(pattern)
	case !has(flags, 'E') && c.base() != "egrep":
		expr = breToRE(pattern)
	}
	if has(flags, 'w') {
		expr = `\b(?:` + expr + `)\b`
	}
	if has(flags, 'i') {
		expr = "(?i)" + expr
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		c.errf("Invalid regular expression")
		return 2
	}
	datas, names, st := c.readInputs(ops)
	if st != 0 {
		st = 2
	}
	matched := false
	for i, d := range datas {
		count := 0
		for n, l := range lines(d) {
			text := strings.TrimSuffix(l, "\n")
			if re.MatchString(text) == has(flags, 'v') {
				continue
			}
			matched = true
			count++
			if has(flags, 'q', 'c', 'l') {
				continue
			}
			prefix := ""
			if len(ops) > 1 {
				prefix = names[i] + ":"
			}
			if has(flags, 'n') {
				prefix += strconv.Itoa(n+1) + ":"
			}
			fmt.Fprintln(c.io.out, prefix+text)
		}
		switch {
		case has(flags, 'q'):
		case has(flags, 'l') && count > 0:
			fmt.Fprintln(c.io.out, names[i])
		case has(flags, 'c'):
			if len(ops) > 1 {
				fmt.Fprintf(c.io.out, "%s:%d\n", names[i], count)
			} else {
				fmt.Fprintln(c.io.out, count)
			}
		}
	}
	if st != 0 && !(has(flags, 'q') && matched) {
		return st
	}
	if matched {
		return 0
	}
	return 1
}

func utilTee(c *cmd) int {
	flags, files := splitFlags(c.args, "")
	writers := []io.Writer{c.io.out}
	st := 0
	for _, f := range files {
		w, err := c.sh.fs().OpenWriter(c.sh.abs(f), has(flags, 'a'))
		if err != nil {
			c.errf("%s: %s", f, errnoText(err))
			st = 1
			continue
		}
		defer w.Close()
		writers = append(writers, w)
	}
	io.Copy(io.MultiWriter(writers...), c.io.in)
	return st
}
