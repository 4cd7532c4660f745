package shell

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

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
