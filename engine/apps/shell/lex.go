package shell

import "strings"

// lex reads the token at p.pos without moving p.pos (next does that).
func (p *parser) lex() (token, error) {
	i := p.pos
	src := p.src
	for i < len(src) {
		switch {
		case src[i] == ' ' || src[i] == '\t' || src[i] == '\r':
			i++
		case src[i] == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2
		case src[i] == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		default:
			goto found
		}
	}
	return token{kind: tEOF, ioNum: -1, end: i}, nil
found:
	c := src[i]
	if c == '\n' {
		return token{kind: tNewline, ioNum: -1, end: i + 1}, nil
	}
	// An fd number glued to a redirection: 2>&1, 2>/dev/null.
	if c >= '0' && c <= '9' {
		j := i
		for j < len(src) && src[j] >= '0' && src[j] <= '9' {
			j++
		}
		if j < len(src) && (src[j] == '>' || src[j] == '<') && j-i <= 2 {
			t := p.lexOp(j)
			n := 0
			for _, d := range src[i:j] {
				n = n*10 + int(d-'0')
			}
			t.ioNum = n
			return t, nil
		}
	}
	if strings.IndexByte("&|;()<>", c) >= 0 {
		return p.lexOp(i), nil
	}
	w, end, err := p.word(i)
	if err != nil {
		return token{}, err
	}
	return token{kind: tWord, word: w, raw: src[i:end], ioNum: -1, end: end}, nil
}

var ops = []string{"&&", "||", ";;", "<<", ">>", ">&", "<&", "&>", ">|", "&", "|", ";", "(", ")", "<", ">"}

func (p *parser) lexOp(i int) token {
	for _, op := range ops {
		if strings.HasPrefix(p.src[i:], op) {
			return token{kind: tOp, op: op, ioNum: -1, end: i + len(op)}
		}
	}
	return token{kind: tOp, op: p.src[i : i+1], ioNum: -1, end: i + 1}
}

func isMeta(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || strings.IndexByte("&|;()<>", c) >= 0
}

// partsBuilder collects word parts, merging adjacent literals.
type partsBuilder struct {
	parts []Part
	lit   strings.Builder
}

func (b *partsBuilder) flush() {
	if b.lit.Len() > 0 {
		b.parts = append(b.parts, Lit{Text: b.lit.String()})
		b.lit.Reset()
	}
}

func (b *partsBuilder) add(part Part) {
	b.flush()
	b.parts = append(b.parts, part)
}

// word reads one word starting at i and returns it and where it ends.
func (p *parser) word(i int) (*Word, int, error) {
	parts, end, err := p.wordParts(i, func(c byte) bool { return isMeta(c) })
	if err != nil {
		return nil, 0, err
	}
	return &Word{Parts: parts}, end, nil
}

// wordParts reads unquoted word text until stop says a byte ends it.
func (p *parser) wordParts(i int, stop func(byte) bool) ([]Part, int, error) {
	if err := p.enter(); err != nil {
		return nil, 0, err
	}
	defer p.leave()
	src := p.src
	var b partsBuilder
	for i < len(src) && !stop(src[i]) {
		c := src[i]
		switch c {
		case '\\':
			if i+1 >= len(src) {
				b.lit.WriteByte('\\')
				i++
				continue
			}
			if src[i+1] == '\n' {
				i += 2
				continue
			}
			b.add(Lit{Text: src[i+1 : i+2], Quoted: true})
			i += 2
		case '\'':
			j := strings.IndexByte(src[i+1:], '\'')
			if j < 0 {
				return nil, 0, &SyntaxError{Incomplete: true}
			}
			b.add(SglQuoted{Text: src[i+1 : i+1+j]})
			i += j + 2
		case '"':
			dq, end, err := p.doubleQuoted(i + 1)
			if err != nil {
				return nil, 0, err
			}
			b.add(dq)
			i = end
		case '$':
			part, end, err := p.dollar(i)
			if err != nil {
				return nil, 0, err
			}
			if lit, ok := part.(Lit); ok {
				b.lit.WriteString(lit.Text)
			} else {
				b.add(part)
			}
			i = end
		case '`':
			part, end, err := p.backquote(i)
			if err != nil {
				return nil, 0, err
			}
			b.add(part)
			i = end
		default:
			b.lit.WriteByte(c)
			i++
		}
	}
	b.flush()
	return b.parts, i, nil
}

// doubleQuoted reads "…" from just after the opening quote.
func (p *parser) doubleQuoted(i int) (DblQuoted, int, error) {
	src := p.src
	var parts []Part
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, Lit{Text: lit.String(), Quoted: true})
			lit.Reset()
		}
	}
	for i < len(src) {
		c := src[i]
		switch c {
		case '"':
			flush()
			return DblQuoted{Parts: parts}, i + 1, nil
		case '\\':
			if i+1 < len(src) && strings.IndexByte("$`\"\\\n", src[i+1]) >= 0 {
				if src[i+1] != '\n' {
					lit.WriteByte(src[i+1])
				}
				i += 2
				continue
			}
			lit.WriteByte('\\')
			i++
		case '$':
			part, end, err := p.dollar(i)
			if err != nil {
				return DblQuoted{}, 0, err
			}
			if l, ok := part.(Lit); ok {
				lit.WriteString(l.Text)
			} else {
				flush()
				parts = append(parts, part)
			}
			i = end
		case '`':
			part, end, err := p.backquote(i)
			if err != nil {
				return DblQuoted{}, 0, err
			}
			flush()
			parts = append(parts, part)
			i = end
		default:
			lit.WriteByte(c)
			i++
		}
	}
	return DblQuoted{}, 0, &SyntaxError{Incomplete: true}
}

func isSpecialParam(c byte) bool { return strings.IndexByte("?$#@*!-0", c) >= 0 }

// dollar reads an expansion starting at the '$' at i. A '$' that starts
// nothing is a literal dollar.
func (p *parser) dollar(i int) (Part, int, error) {
	src := p.src
	if i+1 >= len(src) {
		return Lit{Text: "$"}, i + 1, nil
	}
	c := src[i+1]
	switch {
	case c == '{':
		return p.braced(i + 2)
	case c == '(' && i+2 < len(src) && src[i+2] == '(':
		return p.arith(i + 3)
	case c == '(':
		sub := &parser{src: src, pos: i + 2, depth: p.depth + 1}
		body, err := sub.list()
		if err != nil {
			return nil, 0, err
		}
		t, err := sub.peek()
		if err != nil {
			return nil, 0, err
		}
		if t.kind == tEOF {
			return nil, 0, &SyntaxError{Incomplete: true}
		}
		if t.kind != tOp || t.op != ")" {
			return nil, 0, &SyntaxError{Token: t.text()}
		}
		return &CmdSubst{Body: body}, t.end, nil
	case c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
		j := i + 1
		for j < len(src) && (src[j] == '_' || (src[j] >= 'a' && src[j] <= 'z') || (src[j] >= 'A' && src[j] <= 'Z') || (src[j] >= '0' && src[j] <= '9')) {
			j++
		}
		return &Param{Name: src[i+1 : j]}, j, nil
	case c >= '1' && c <= '9', isSpecialParam(c):
		return &Param{Name: src[i+1 : i+2]}, i + 2, nil
	}
	return Lit{Text: "$"}, i + 1, nil
}

var paramOps = []string{":-", ":=", ":+", ":?", "%%", "##", "-", "=", "+", "?", "%", "#"}

// braced reads ${…} from just after the brace.
func (p *parser) braced(i int) (Part, int, error) {
	src := p.src
	prm := &Param{Braced: true}
	if i < len(src) && src[i] == '#' && i+1 < len(src) && src[i+1] != '}' {
		prm.Op = "len"
		i++
	}
	j := i
	switch {
	case j < len(src) && (src[j] == '_' || (src[j] >= 'a' && src[j] <= 'z') || (src[j] >= 'A' && src[j] <= 'Z')):
		for j < len(src) && (src[j] == '_' || (src[j] >= 'a' && src[j] <= 'z') || (src[j] >= 'A' && src[j] <= 'Z') || (src[j] >= '0' && src[j] <= '9')) {
			j++
		}
	case j < len(src) && src[j] >= '0' && src[j] <= '9':
		for j < len(src) && src[j] >= '0' && src[j] <= '9' {
			j++
		}
	case j < len(src) && isSpecialParam(src[j]):
		j++
	}
	if j >= len(src) {
		return nil, 0, &SyntaxError{Incomplete: true}
	}
	prm.Name = src[i:j]
	if prm.Name == "" {
		return nil, 0, &SyntaxError{Msg: "bad substitution"}
	}
	if src[j] == '}' {
		return prm, j + 1, nil
	}
	if prm.Op == "len" {
		return nil, 0, &SyntaxError{Msg: "bad substitution"}
	}
	for _, op := range paramOps {
		if strings.HasPrefix(src[j:], op) {
			prm.Op = op
			j += len(op)
			parts, end, err := p.wordParts(j, func(c byte) bool { return c == '}' })
			if err != nil {
				return nil, 0, err
			}
			if end >= len(src) {
				return nil, 0, &SyntaxError{Incomplete: true}
			}
			prm.Arg = &Word{Parts: parts}
			return prm, end + 1, nil
		}
	}
	return nil, 0, &SyntaxError{Msg: "bad substitution"}
}

// arith reads $((…)) from just after the two parentheses.
func (p *parser) arith(i int) (Part, int, error) {
	src := p.src
	depth := 0
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				if j+1 < len(src) && src[j+1] == ')' {
					return &Arith{Expr: src[i:j]}, j + 2, nil
				}
				return nil, 0, &SyntaxError{Token: ")"}
			}
			depth--
		}
	}
	return nil, 0, &SyntaxError{Incomplete: true}
}

// backquote reads `…`, the old form of $(…).
func (p *parser) backquote(i int) (Part, int, error) {
	src := p.src
	var inner strings.Builder
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if j+1 < len(src) && strings.IndexByte("$`\\", src[j+1]) >= 0 {
				inner.WriteByte(src[j+1])
				j++
				continue
			}
			inner.WriteByte('\\')
		case '`':
			sub := &parser{src: inner.String(), depth: p.depth + 1}
			body, err := sub.list()
			if err != nil {
				return nil, 0, err
			}
			if t, err := sub.peek(); err != nil {
				return nil, 0, err
			} else if t.kind != tEOF {
				return nil, 0, &SyntaxError{Token: t.text()}
			}
			return &CmdSubst{Body: body}, j + 1, nil
		default:
			inner.WriteByte(src[j])
		}
	}
	return nil, 0, &SyntaxError{Incomplete: true}
}
