package shell

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
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

type lsEntry struct {
	name string
	info fs.FileInfo
	full string
}

func utilLs(c *cmd) int {
	flags, ops := splitFlags(c.args, "")
	long := has(flags, 'l', 'n')
	all := has(flags, 'a')
	almost := has(flags, 'A')
	dirAsFile := has(flags, 'd')
	human := has(flags, 'h')
	one := has(flags, '1') || !c.isTerminal()
	if len(ops) == 0 {
		ops = []string{"."}
	}
	sort.Strings(ops)
	st := 0
	var files []lsEntry
	var dirs []string
	for _, op := range ops {
		full := c.sh.abs(op)
		info, err := c.sh.fs().Stat(full)
		if err != nil {
			if c.busybox() {
				c.errf("%s: %s", op, errnoText(err))
				st = 1
			} else {
				c.errf("cannot access %s: %s", c.quote(op), errnoText(err))
				st = 2
			}
			continue
		}
		if info.IsDir() && !dirAsFile {
			dirs = append(dirs, op)
		} else {
			files = append(files, lsEntry{name: op, info: info, full: full})
		}
	}
	print := func(entries []lsEntry, withTotal bool) {
		if long {
			c.lsLong(entries, withTotal, human)
			return
		}
		names := make([]string, len(entries))
		for i, e := range entries {
			names[i] = e.name
		}
		if one {
			for _, n := range names {
				fmt.Fprintln(c.io.out, n)
			}
			return
		}
		writeColumns(c.io.out, names, 80)
	}
	if len(files) > 0 {
		print(files, false)
	}
	for i, d := range dirs {
		if len(files) > 0 || i > 0 {
			fmt.Fprintln(c.io.out)
		}
		if len(ops) > 1 {
			fmt.Fprintf(c.io.out, "%s:\n", d)
		}
		full := c.sh.abs(d)
		list, err := c.sh.fs().ReadDir(full)
		if err != nil {
			c.errf("cannot open directory %s: %s", c.quote(d), errnoText(err))
			st = 2
			continue
		}
		var entries []lsEntry
		if all {
			self, _ := c.sh.fs().Stat(full)
			parent, _ := c.sh.fs().Stat(path.Dir(full))
			entries = append(entries, lsEntry{name: ".", info: self, full: full}, lsEntry{name: "..", info: parent, full: path.Dir(full)})
		}
		for _, de := range list {
			if strings.HasPrefix(de.Name(), ".") && !all && !almost {
				continue
			}
			info, err := de.Info()
			if err != nil {
				continue
			}
			entries = append(entries, lsEntry{name: de.Name(), info: info, full: path.Join(full, de.Name())})
		}
		print(entries, true)
	}
	return st
}

// modeString is ls's first column.
func modeString(m fs.FileMode) string {
	t := "-"
	switch {
	case m.IsDir():
		t = "d"
	case m&fs.ModeCharDevice != 0:
		t = "c"
	case m&fs.ModeSymlink != 0:
		t = "l"
	}
	return t + m.Perm().String()[1:]
}

func humanSize(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10)
	}
	units := "KMGT"
	f := float64(n)
	for i := 0; i < len(units); i++ {
		f /= 1024
		if f < 1024 || i == len(units)-1 {
			if f < 10 {
				return fmt.Sprintf("%.1f%c", f, units[i])
			}
			return fmt.Sprintf("%.0f%c", f, units[i])
		}
	}
	return strconv.FormatInt(n, 10)
}

func (c *cmd) lsLong(entries []lsEntry, withTotal bool, human bool) {
	now := c.m().sys.Now()
	type row struct{ mode, links, size, date, name string }
	rows := make([]row, len(entries))
	var total int64
	wl, ws := 1, 1
	for i, e := range entries {
		links := 1
		if e.info.IsDir() {
			links = 2
			if sub, err := c.sh.fs().ReadDir(e.full); err == nil {
				for _, s := range sub {
					if s.IsDir() {
						links++
					}
				}
			}
			total += 4
		} else {
			total += (e.info.Size() + 4095) / 4096 * 4
		}
		size := strconv.FormatInt(e.info.Size(), 10)
		if human {
			size = humanSize(e.info.Size())
		}
		if e.info.Mode()&fs.ModeCharDevice != 0 {
			size = "1, 3"
		}
		mt := e.info.ModTime()
		date := mt.Format("Jan _2 15:04")
		if now.Sub(mt) > 180*24*time.Hour || mt.After(now.Add(time.Hour)) {
			date = mt.Format("Jan _2  2006")
		}
		rows[i] = row{modeString(e.info.Mode()), strconv.Itoa(links), size, date, e.name}
		wl = max(wl, len(rows[i].links))
		ws = max(ws, len(size))
	}
	if c.busybox() {
		for _, r := range rows {
			fmt.Fprintf(c.io.out, "%-10s %4s %-8s %-8s %8s %s %s\n", r.mode, r.links, "root", "root", r.size, r.date, r.name)
		}
		return
	}
	if withTotal {
		t := strconv.FormatInt(total, 10)
		if human {
			t = humanSize(total * 1024)
		}
		fmt.Fprintf(c.io.out, "total %s\n", t)
	}
	for _, r := range rows {
		fmt.Fprintf(c.io.out, "%s %*s root root %*s %s %s\n", r.mode, wl, r.links, ws, r.size, r.date, r.name)
	}
}

// writeColumns lays names out in columns, filled top to bottom, as ls
// does on a terminal.
func writeColumns(w io.Writer, names []string, width int) {
	n := len(names)
	if n == 0 {
		return
	}
	for cols := n; cols >= 1; cols-- {
		rows := (n + cols - 1) / cols
		widths := make([]int, cols)
		total := 0
		for col := 0; col < cols; col++ {
			for r := 0; r < rows; r++ {
				if i := col*rows + r; i < n {
					widths[col] = max(widths[col], len([]rune(names[i])))
				}
			}
			if col < cols-1 {
				widths[col] += 2
			}
			total += widths[col]
		}
		if total > width && cols > 1 {
			continue
		}
		for r := 0; r < rows; r++ {
			var line strings.Builder
			for col := 0; col < cols; col++ {
				i := col*rows + r
				if i >= n {
					continue
				}
				if col+1 < cols && (col+1)*rows+r < n {
					fmt.Fprintf(&line, "%-*s", widths[col], names[i])
				} else {
					line.WriteString(names[i])
				}
			}
			fmt.Fprintln(w, line.String())
		}
		return
	}
}

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
