package shell

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// field is one word being built by expansion. pat mirrors text for
// globbing, with quoted characters escaped so they match literally.
type field struct {
	text strings.Builder
	pat  strings.Builder
	glob bool // an unquoted * ? [ appeared
}

type fieldsBuilder struct {
	fields []string
	globs  []string // the pattern of each field that must be globbed, or ""
	cur    *field
}

func (b *fieldsBuilder) ensure() {
	if b.cur == nil {
		b.cur = &field{}
	}
}

func (b *fieldsBuilder) end() {
	if b.cur == nil {
		return
	}
	b.fields = append(b.fields, b.cur.text.String())
	if b.cur.glob {
		b.globs = append(b.globs, b.cur.pat.String())
	} else {
		b.globs = append(b.globs, "")
	}
	b.cur = nil
}

func (b *fieldsBuilder) literal(s string, quoted bool) {
	b.ensure()
	b.cur.text.WriteString(s)
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			if quoted || r == '\\' || r == ']' {
				b.cur.pat.WriteByte('\\')
			} else {
				b.cur.glob = true
			}
		}
		b.cur.pat.WriteRune(r)
	}
}

// expansion adds an expansion's value; unquoted values are split on blanks.
func (b *fieldsBuilder) expansion(v string, quoted bool) {
	if quoted {
		b.literal(v, true)
		return
	}
	isBlank := func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }
	if v == "" {
		return
	}
	if isBlank(rune(v[0])) {
		b.end()
	}
	words := strings.FieldsFunc(v, isBlank)
	for i, w := range words {
		if i > 0 {
			b.end()
		}
		b.literal(w, false)
	}
	if isBlank(rune(v[len(v)-1])) {
		b.end()
	}
}

// expandWords expands words into fields: parameters, $( ), $(( )),
// field splitting, then pathname expansion.
func (sh *shell) expandWords(ws []*Word, io stdio) []string {
	var out []string
	for _, w := range ws {
		b := &fieldsBuilder{}
		for i, p := range w.Parts {
			sh.expandPart(b, p, false, i == 0, io)
		}
		b.end()
		for i, f := range b.fields {
			if b.globs[i] != "" {
				if matches := sh.glob(b.globs[i]); len(matches) > 0 {
					out = append(out, matches...)
					continue
				}
			}
			out = append(out, f)
		}
	}
	return out
}

// expandWord1 expands a word to one string: assignments, redirections.
func (sh *shell) expandWord1(w *Word, io stdio) string {
	if w == nil {
		return ""
	}
	var sb strings.Builder
	for i, p := range w.Parts {
		b := &fieldsBuilder{}
		sh.expandPart(b, p, true, i == 0, io)
		b.end()
		sb.WriteString(strings.Join(b.fields, " "))
	}
	return sb.String()
}

func (sh *shell) expandPart(b *fieldsBuilder, p Part, quoted, first bool, io stdio) {
	switch p := p.(type) {
	case Lit:
		text := p.Text
		if first && !p.Quoted && !quoted && (text == "~" || strings.HasPrefix(text, "~/")) {
			home, _ := sh.getVar("HOME")
			if home == "" {
				home = "/root"
			}
			b.literal(home, true)
			text = text[1:]
		}
		b.literal(text, p.Quoted || quoted)
	case SglQuoted:
		b.literal(p.Text, true)
	case DblQuoted:
		b.ensure() // "" is an empty field, not nothing
		for _, q := range p.Parts {
			if prm, ok := q.(*Param); ok && prm.Name == "@" && prm.Op == "" {
				// "$@" keeps each argument a field of its own.
				for i, a := range sh.args {
					if i > 0 {
						b.end()
					}
					b.literal(a, true)
				}
				continue
			}
			sh.expandPart(b, q, true, false, io)
		}
	case *Param:
		v := sh.param(p, io)
		if p.Name == "@" && !quoted && p.Op == "" {
			for _, a := range sh.args {
				b.expansion(a, false)
				b.end()
			}
			return
		}
		b.expansion(v, quoted)
	case *CmdSubst:
		b.expansion(sh.cmdSubst(p.Body, io), quoted)
	case *Arith:
		n, err := sh.arith(sh.expandArithText(p.Expr, io))
		if err != nil {
			sh.errorf(io.err, "%s: %v", strings.TrimSpace(p.Expr), err)
			panic(exitPanic{code: 1})
		}
		b.expansion(strconv.FormatInt(n, 10), quoted)
	}
}

// expandArithText expands $var and $(…) inside $(( )).
func (sh *shell) expandArithText(expr string, io stdio) string {
	if !strings.ContainsAny(expr, "$`") {
		return expr
	}
	p := &parser{src: expr}
	parts, _, err := p.wordParts(0, func(byte) bool { return false })
	if err != nil {
		return expr
	}
	return sh.expandWord1(&Word{Parts: parts}, io)
}

// cmdSubst runs $(…) in a subshell and returns its output without the
// trailing newlines.
func (sh *shell) cmdSubst(l *List, io stdio) string {
	var buf bytes.Buffer
	sub := sh.fork()
	st := sub.runSubshell(l, stdio{in: io.in, out: &buf, err: io.err})
	sh.status = st
	sh.substRan = true
	return strings.TrimRight(buf.String(), "\n")
}

// param expands one parameter with its operator.
func (sh *shell) param(p *Param, io stdio) string {
	val, set := sh.lookupParam(p.Name)
	switch p.Op {
	case "":
		return val
	case "len":
		return strconv.Itoa(len([]rune(val)))
	case ":-", "-":
		if !set || (p.Op == ":-" && val == "") {
			return sh.expandWord1(p.Arg, io)
		}
		return val
	case ":=", "=":
		if !set || (p.Op == ":=" && val == "") {
			val = sh.expandWord1(p.Arg, io)
			sh.setVar(p.Name, val)
		}
		return val
	case ":+", "+":
		if set && (p.Op == "+" || val != "") {
			return sh.expandWord1(p.Arg, io)
		}
		return ""
	case ":?", "?":
		if !set || (p.Op == ":?" && val == "") {
			msg := sh.expandWord1(p.Arg, io)
			if msg == "" {
				msg = "parameter null or not set"
			}
			sh.errorf(io.err, "%s: %s", p.Name, msg)
			panic(exitPanic{code: 1})
		}
		return val
	case "%", "%%", "#", "##":
		return trimPattern(val, sh.expandWord1(p.Arg, io), p.Op)
	}
	return val
}

func (sh *shell) lookupParam(name string) (string, bool) {
	switch name {
	case "?":
		return strconv.Itoa(sh.status), true
	case "$":
		return strconv.Itoa(sh.m.sys.Pid()), true
	case "#":
		return strconv.Itoa(len(sh.args)), true
	case "@", "*":
		return strings.Join(sh.args, " "), len(sh.args) > 0
	case "0":
		return sh.name, true
	case "!":
		return "", false
	case "-":
		flags := ""
		if sh.errexit {
			flags += "e"
		}
		if sh.interactive {
			flags += "i"
		}
		if sh.xtrace {
			flags += "x"
		}
		return flags, true
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n >= 1 && n <= len(sh.args) {
			return sh.args[n-1], true
		}
		return "", false
	}
	return sh.getVar(name)
}

// trimPattern implements ${v%p}, ${v%%p}, ${v#p}, ${v##p}.
func trimPattern(v, pat, op string) string {
	match := func(s string) bool { return globMatch(pat, s) }
	switch op {
	case "#":
		for i := 0; i <= len(v); i++ {
			if match(v[:i]) {
				return v[i:]
			}
		}
	case "##":
		for i := len(v); i >= 0; i-- {
			if match(v[:i]) {
				return v[i:]
			}
		}
	case "%":
		for i := len(v); i >= 0; i-- {
			if match(v[i:]) {
				return v[:i]
			}
		}
	case "%%":
		for i := 0; i <= len(v); i++ {
			if match(v[i:]) {
				return v[:i]
			}
		}
	}
	return v
}

// glob expands a pattern against the file system, segment by segment.
// Like sh, a pattern that matches nothing stays as it is (the caller).
func (sh *shell) glob(pattern string) []string {
	segs := strings.Split(strings.Trim(pattern, "/"), "/")
	cands := []string{""}
	if strings.HasPrefix(pattern, "/") {
		cands = []string{"/"}
	}
	for _, seg := range segs {
		var next []string
		meta := strings.ContainsAny(seg, "*?[")
		for _, c := range cands {
			if !meta {
				next = append(next, joinGlob(c, unescape(seg)))
				continue
			}
			dir := c
			if dir == "" {
				dir = "."
			}
			entries, err := sh.fs().ReadDir(sh.abs(dir))
			if err != nil {
				continue
			}
			for _, e := range entries {
				name := e.Name()
				if strings.HasPrefix(name, ".") && !strings.HasPrefix(seg, ".") {
					continue
				}
				if globMatch(seg, name) {
					next = append(next, joinGlob(c, name))
				}
			}
		}
		cands = next
	}
	var out []string
	for _, c := range cands {
		if _, err := sh.fs().Stat(sh.abs(c)); err == nil {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

func joinGlob(dir, name string) string {
	switch dir {
	case "":
		return name
	case "/":
		return "/" + name
	}
	return dir + "/" + name
}

// globMatch is fnmatch without FNM_PATHNAME: * also matches '/', as in
// ${var##*/}. Pathname expansion matches one segment at a time anyway.
func globMatch(pat, s string) bool {
	for len(pat) > 0 {
		switch pat[0] {
		case '*':
			for len(pat) > 0 && pat[0] == '*' {
				pat = pat[1:]
			}
			if pat == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if globMatch(pat, s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			_, n := utf8.DecodeRuneInString(s)
			pat, s = pat[1:], s[n:]
		case '[':
			end := strings.IndexByte(pat[1:], ']')
			if end < 0 || s == "" {
				if s == "" || s[0] != '[' {
					return false
				}
				pat, s = pat[1:], s[1:]
				continue
			}
			class := pat[1 : end+1]
			negate := len(class) > 0 && (class[0] == '!' || class[0] == '^')
			if negate {
				class = class[1:]
			}
			r, n := utf8.DecodeRuneInString(s)
			in := false
			cr := []rune(class)
			for i := 0; i < len(cr); i++ {
				if i+2 < len(cr) && cr[i+1] == '-' {
					if r >= cr[i] && r <= cr[i+2] {
						in = true
					}
					i += 2
				} else if cr[i] == r {
					in = true
				}
			}
			if in == negate {
				return false
			}
			pat, s = pat[end+2:], s[n:]
		case '\\':
			if len(pat) > 1 {
				pat = pat[1:]
			}
			fallthrough
		default:
			if s == "" || s[0] != pat[0] {
				return false
			}
			pat, s = pat[1:], s[1:]
		}
	}
	return s == ""
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
