package shell

import (
	"fmt"
	"strconv"
	"strings"
)

// utilTest is test(1) and [.
func utilTest(c *cmd) int {
	args := c.args
	if c.base() == "[" {
		if len(args) == 0 || args[len(args)-1] != "]" {
			if c.sh.dialect == "bash" {
				c.sh.errorf(c.io.err, "[: missing `]'")
			} else {
				c.sh.errorf(c.io.err, "[: missing ]")
			}
			return 2
		}
		args = args[:len(args)-1]
	}
	t := &tester{c: c, args: args}
	ok, err := t.expr()
	if err == nil && t.pos < len(t.args) {
		err = fmt.Errorf("%s: unexpected operator", t.args[t.pos])
	}
	if err != nil {
		c.sh.errorf(c.io.err, "%s: %v", c.base(), err)
		return 2
	}
	if ok {
		return 0
	}
	return 1
}

type tester struct {
	c    *cmd
	args []string
	pos  int
}

func (t *tester) peek() string {
	if t.pos < len(t.args) {
		return t.args[t.pos]
	}
	return ""
}

func (t *tester) expr() (bool, error) {
	if len(t.args) == 0 {
		return false, nil
	}
	v, err := t.and()
	for err == nil && t.peek() == "-o" {
		t.pos++
		var r bool
		r, err = t.and()
		v = v || r
	}
	return v, err
}

func (t *tester) and() (bool, error) {
	v, err := t.not()
	for err == nil && t.peek() == "-a" {
		t.pos++
		var r bool
		r, err = t.not()
		v = v && r
	}
	return v, err
}

func (t *tester) not() (bool, error) {
	if t.peek() == "!" && t.pos+1 < len(t.args) {
		t.pos++
		v, err := t.not()
		return !v, err
	}
	return t.primary()
}

func (t *tester) primary() (bool, error) {
	if t.pos >= len(t.args) {
		return false, fmt.Errorf("argument expected")
	}
	a := t.args[t.pos]
	if a == "(" {
		t.pos++
		v, err := t.expr()
		if err != nil {
			return false, err
		}
		if t.peek() != ")" {
			return false, fmt.Errorf("')' expected")
		}
		t.pos++
		return v, nil
	}
	if t.pos+2 < len(t.args) && isBinaryTest(t.args[t.pos+1]) {
		op, r := t.args[t.pos+1], t.args[t.pos+2]
		t.pos += 3
		return binaryTest(op, a, r)
	}
	if len(a) == 2 && a[0] == '-' && t.pos+1 < len(t.args) && strings.IndexByte("nzefdsrwxLhp", a[1]) >= 0 {
		operand := t.args[t.pos+1]
		t.pos += 2
		return t.unaryTest(a[1], operand), nil
	}
	t.pos++
	return a != "", nil
}

func isBinaryTest(op string) bool {
	switch op {
	case "=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">":
		return true
	}
	return false
}

func binaryTest(op, l, r string) (bool, error) {
	switch op {
	case "=", "==":
		return l == r, nil
	case "!=":
		return l != r, nil
	case "<":
		return l < r, nil
	case ">":
		return l > r, nil
	}
	a, err1 := strconv.ParseInt(strings.TrimSpace(l), 10, 64)
	b, err2 := strconv.ParseInt(strings.TrimSpace(r), 10, 64)
	if err1 != nil {
		return false, fmt.Errorf("%s: integer expression expected", l)
	}
	if err2 != nil {
		return false, fmt.Errorf("%s: integer expression expected", r)
	}
	switch op {
	case "-eq":
		return a == b, nil
	case "-ne":
		return a != b, nil
	case "-lt":
		return a < b, nil
	case "-le":
		return a <= b, nil
	case "-gt":
		return a > b, nil
	}
	return a >= b, nil
}

func (t *tester) unaryTest(op byte, s string) bool {
	switch op {
	case 'n':
		return s != ""
	case 'z':
		return s == ""
	case 'L', 'h', 'p':
		return false
	}
	info, err := t.c.sh.fs().Stat(t.c.sh.abs(s))
	if err != nil {
		return false
	}
	switch op {
	case 'f':
		return info.Mode().IsRegular()
	case 'd':
		return info.IsDir()
	case 's':
		return info.Size() > 0
	case 'x':
		return info.Mode()&0o111 != 0
	}
	return true // -e, -r, -w: root can
}
