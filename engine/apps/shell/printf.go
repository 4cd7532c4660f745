package shell

import (
	"fmt"
	"strconv"
	"strings"
)

func utilPrintf(c *cmd) int {
	if len(c.args) == 0 {
		c.errf("usage: printf format [arguments]")
		return 2
	}
	format, args := c.args[0], c.args[1:]
	for {
		out, used := sprintf(format, args)
		fmt.Fprint(c.io.out, out)
		if used == 0 || used >= len(args) {
			break
		}
		args = args[used:] // the format is reused for leftover arguments
	}
	return 0
}

// sprintf is printf(1): %s %d %i %x %o %c %f %b %% with flags and widths.
func sprintf(format string, args []string) (string, int) {
	var b strings.Builder
	used := 0
	next := func() string {
		if used < len(args) {
			used++
			return args[used-1]
		}
		return ""
	}
	for i := 0; i < len(format); i++ {
		ch := format[i]
		if ch == '\\' && i+1 < len(format) {
			s, _ := unescapeEcho(format[i : i+2])
			b.WriteString(s)
			i++
			continue
		}
		if ch != '%' || i+1 >= len(format) {
			b.WriteByte(ch)
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("-+ #0123456789.", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			b.WriteString(format[i:])
			break
		}
		spec := format[i+1 : j]
		switch verb := format[j]; verb {
		case '%':
			b.WriteByte('%')
		case 's':
			b.WriteString(fmt.Sprintf("%"+spec+"s", next()))
		case 'b':
			s, _ := unescapeEcho(next())
			b.WriteString(fmt.Sprintf("%"+spec+"s", s))
		case 'c':
			a := next()
			if a != "" {
				b.WriteString(a[:1])
			}
		case 'd', 'i':
			n, _ := strconv.ParseInt(strings.TrimSpace(next()), 0, 64)
			b.WriteString(fmt.Sprintf("%"+spec+"d", n))
		case 'x', 'X', 'o':
			n, _ := strconv.ParseInt(strings.TrimSpace(next()), 0, 64)
			b.WriteString(fmt.Sprintf("%"+spec+string(verb), n))
		case 'f', 'e', 'g':
			f, _ := strconv.ParseFloat(strings.TrimSpace(next()), 64)
			b.WriteString(fmt.Sprintf("%"+spec+string(verb), f))
		default:
			b.WriteString(format[i : j+1])
		}
		i = j
	}
	return b.String(), used
}
