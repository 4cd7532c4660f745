package lessons

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Matcher is a compiled value matcher. The syntax, used for event fields,
// object names, messages, command output and quiz answers:
//
//	Running     exactly "Running"
//	~^web-      a regular expression (Go syntax) found in the value
//	!~Error     the regular expression is not found
//	!=0         anything but "0"
//	>=2 >2 <=2 <2
//	            a number or Kubernetes quantity compared ("2Gi", "500m")
//	=>=x        exactly ">=x" (a leading = escapes the forms above)
//
// An empty matcher matches anything.
type Matcher struct {
	src string
	op  string // "", "=", "~", "!~", "!=", ">=", ">", "<=", "<"
	val string
	re  *regexp.Regexp
	num resource.Quantity
}

// CompileMatcher parses a matcher.
func CompileMatcher(s string) (*Matcher, error) {
	m := &Matcher{src: s}
	switch {
	case s == "":
		return m, nil
	case strings.HasPrefix(s, "!~"):
		m.op, m.val = "!~", s[2:]
	case strings.HasPrefix(s, "~"):
		m.op, m.val = "~", s[1:]
	case strings.HasPrefix(s, "!="):
		m.op, m.val = "!=", s[2:]
	case strings.HasPrefix(s, ">="), strings.HasPrefix(s, "<="):
		m.op, m.val = s[:2], strings.TrimSpace(s[2:])
	case strings.HasPrefix(s, ">"), strings.HasPrefix(s, "<"):
		m.op, m.val = s[:1], strings.TrimSpace(s[1:])
	case strings.HasPrefix(s, "="):
		m.op, m.val = "=", s[1:]
	default:
		m.op, m.val = "=", s
	}
	switch m.op {
	case "~", "!~":
		re, err := regexp.Compile(m.val)
		if err != nil {
			return nil, fmt.Errorf("bad regular expression %q: %w", m.val, err)
		}
		m.re = re
	case ">=", ">", "<=", "<":
		q, err := resource.ParseQuantity(m.val)
		if err != nil {
			return nil, fmt.Errorf("%q: %s needs a number or a quantity like 2Gi", s, m.op)
		}
		m.num = q
	}
	return m, nil
}

// String is the matcher as written.
func (m *Matcher) String() string { return m.src }

// Any reports whether the matcher matches anything.
func (m *Matcher) Any() bool { return m == nil || m.op == "" }

// Match reports whether v matches.
func (m *Matcher) Match(v string) bool {
	if m == nil {
		return true
	}
	switch m.op {
	case "":
		return true
	case "=":
		return v == m.val
	case "!=":
		return v != m.val
	case "~":
		return m.re.MatchString(v)
	case "!~":
		return !m.re.MatchString(v)
	}
	q, err := resource.ParseQuantity(strings.TrimSpace(v))
	if err != nil {
		return false
	}
	c := q.Cmp(m.num)
	switch m.op {
	case ">=":
		return c >= 0
	case ">":
		return c > 0
	case "<=":
		return c <= 0
	case "<":
		return c < 0
	}
	return false
}

// Count is a compiled count constraint: "3", "==3", ">=2", ">2", "<=2",
// "<2", "!=0", "2..4".
type Count struct {
	src      string
	min, max int // inclusive; max < 0: unbounded
	not      int // for "!=": the excluded value; -1 otherwise
}

// CompileCount parses a count constraint; def is used when s is empty.
func CompileCount(s, def string) (*Count, error) {
	if strings.TrimSpace(s) == "" {
		s = def
	}
	c := &Count{src: s, max: -1, not: -1}
	t := strings.ReplaceAll(s, " ", "")
	num := func(x string) (int, error) {
		n, err := strconv.Atoi(x)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad count %q: use 3, >=2, >2, <=2, <2, !=0 or 2..4", s)
		}
		return n, nil
	}
	var err error
	var n int
	switch {
	case strings.Contains(t, ".."):
		a, b, _ := strings.Cut(t, "..")
		if c.min, err = num(a); err != nil {
			return nil, err
		}
		if c.max, err = num(b); err != nil {
			return nil, err
		}
		if c.max < c.min {
			return nil, fmt.Errorf("bad count %q: the range is empty", s)
		}
	case strings.HasPrefix(t, ">="):
		c.min, err = num(t[2:])
	case strings.HasPrefix(t, "<="):
		n, err = num(t[2:])
		c.max = n
	case strings.HasPrefix(t, "!="):
		c.not, err = num(t[2:])
	case strings.HasPrefix(t, "=="):
		n, err = num(t[2:])
		c.min, c.max = n, n
	case strings.HasPrefix(t, ">"):
		n, err = num(t[1:])
		c.min = n + 1
	case strings.HasPrefix(t, "<"):
		n, err = num(t[1:])
		if err == nil && n == 0 {
			err = fmt.Errorf("bad count %q: nothing is fewer than 0", s)
		}
		c.max = n - 1
	default:
		n, err = num(t)
		c.min, c.max = n, n
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// OK reports whether n satisfies the constraint.
func (c *Count) OK(n int) bool {
	if c.not >= 0 {
		return n != c.not
	}
	return n >= c.min && (c.max < 0 || n <= c.max)
}

// String is the constraint as written.
func (c *Count) String() string { return c.src }

// EN says the constraint in English: "at least 2", "exactly 3".
func (c *Count) EN() string {
	switch {
	case c.not >= 0:
		return fmt.Sprintf("any number but %d", c.not)
	case c.min == c.max:
		return fmt.Sprintf("exactly %d", c.min)
	case c.max < 0:
		return fmt.Sprintf("at least %d", c.min)
	case c.min == 0:
		return fmt.Sprintf("at most %d", c.max)
	}
	return fmt.Sprintf("between %d and %d", c.min, c.max)
}

// KO says the constraint in Korean, as the end of a sentence about a
// number of things ("2개 이상이어야 합니다").
func (c *Count) KO() string {
	switch {
	case c.not >= 0:
		return fmt.Sprintf("%d개가 아니어야 합니다", c.not)
	case c.min == c.max:
		return fmt.Sprintf("정확히 %d개여야 합니다", c.min)
	case c.max < 0:
		return fmt.Sprintf("%d개 이상이어야 합니다", c.min)
	case c.min == 0:
		return fmt.Sprintf("%d개 이하여야 합니다", c.max)
	}
	return fmt.Sprintf("%d~%d개여야 합니다", c.min, c.max)
}

// WantsNone reports whether the constraint is satisfied only by zero.
func (c *Count) WantsNone() bool { return c.not < 0 && c.min == 0 && c.max == 0 }
