package shell

import (
	"fmt"
	"strings"
)

// SyntaxError is a parse failure. Incomplete means the input ended inside
// a construct (an open quote, a while without done): an interactive shell
// then asks for more with its PS2 prompt instead of failing.
type SyntaxError struct {
	Token      string // the unexpected token; "" at end of input
	Incomplete bool
	Msg        string // set for constructs kubetour does not support
}

func (e *SyntaxError) Error() string {
	switch {
	case e.Msg != "":
		return e.Msg
	case e.Incomplete || e.Token == "":
		return "syntax error: unexpected end of file"
	}
	return fmt.Sprintf("syntax error near unexpected token `%s'", e.Token)
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 100

// Parse parses a shell program.
func Parse(src string) (*List, error) {
	p := &parser{src: src}
	l, err := p.list()
	if err != nil {
		return nil, err
	}
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if t.kind != tEOF {
		return nil, &SyntaxError{Token: t.text()}
	}
	return l, nil
}

type tokKind int

const (
	tEOF tokKind = iota
	tNewline
	tOp
	tWord
)

type token struct {
	kind  tokKind
	op    string
	ioNum int // the fd before a redirection operator, -1 if none
	word  *Word
	raw   string
	end   int
}

func (t token) text() string {
	switch t.kind {
	case tNewline:
		return "newline"
	case tOp:
		return t.op
	case tWord:
		return t.raw
	}
	return ""
}

// keyword reports whether t is the unquoted reserved word kw.
func (t token) keyword(kw string) bool {
	if t.kind != tWord || len(t.word.Parts) != 1 {
		return false
	}
	l, ok := t.word.Parts[0].(Lit)
	return ok && !l.Quoted && l.Text == kw
}

var stopWords = []string{"then", "else", "elif", "fi", "do", "done", "}", "esac"}

func (t token) isStop() bool {
	if t.kind == tEOF || (t.kind == tOp && (t.op == ")" || t.op == ";;")) {
		return true
	}
	for _, w := range stopWords {
		if t.keyword(w) {
			return true
		}
	}
	return false
}

type parser struct {
	src    string
	pos    int
	depth  int
	peeked *token
}

func (p *parser) peek() (token, error) {
	if p.peeked != nil {
		return *p.peeked, nil
	}
	t, err := p.lex()
	if err != nil {
		return token{}, err
	}
	p.peeked = &t
	return t, nil
}

func (p *parser) next() (token, error) {
	t, err := p.peek()
	if err != nil {
		return t, err
	}
	p.peeked = nil
	p.pos = t.end
	return t, nil
}

func (p *parser) skipNewlines() error {
	for {
		t, err := p.peek()
		if err != nil {
			return err
		}
		if t.kind != tNewline {
			return nil
		}
		p.next()
	}
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return &SyntaxError{Msg: "syntax error: nested too deeply"}
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// list parses and-or lists up to a stop token, which it leaves unread.
func (p *parser) list() (*List, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	l := &List{}
	if err := p.skipNewlines(); err != nil {
		return nil, err
	}
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		if t.isStop() {
			return l, nil
		}
		ao, err := p.andOr()
		if err != nil {
			return nil, err
		}
		l.Items = append(l.Items, ao)
		t, err = p.peek()
		if err != nil {
			return nil, err
		}
		switch {
		case t.kind == tOp && (t.op == ";" || t.op == "&"):
			p.next()
			ao.Background = t.op == "&"
		case t.kind == tNewline:
		default:
			return l, nil
		}
		if err := p.skipNewlines(); err != nil {
			return nil, err
		}
	}
}

// expectMore reads the token that must follow an operator such as && or |.
func (p *parser) expectMore() error {
	if err := p.skipNewlines(); err != nil {
		return err
	}
	t, err := p.peek()
	if err != nil {
		return err
	}
	if t.kind == tEOF {
		return &SyntaxError{Incomplete: true}
	}
	return nil
}

func (p *parser) andOr() (*AndOr, error) {
	pl, err := p.pipeline()
	if err != nil {
		return nil, err
	}
	ao := &AndOr{Pipes: []*Pipeline{pl}}
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		if t.kind != tOp || (t.op != "&&" && t.op != "||") {
			return ao, nil
		}
		p.next()
		if err := p.expectMore(); err != nil {
			return nil, err
		}
		pl, err := p.pipeline()
		if err != nil {
			return nil, err
		}
		ao.Ops = append(ao.Ops, t.op)
		ao.Pipes = append(ao.Pipes, pl)
	}
}

func (p *parser) pipeline() (*Pipeline, error) {
	pl := &Pipeline{}
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if t.keyword("!") {
		p.next()
		pl.Negate = true
	}
	for {
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		pl.Cmds = append(pl.Cmds, c)
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		if t.kind != tOp || t.op != "|" {
			return pl, nil
		}
		p.next()
		if err := p.expectMore(); err != nil {
			return nil, err
		}
	}
}

// expectWord consumes the reserved word kw or fails.
func (p *parser) expectWord(kw string) error {
	t, err := p.peek()
	if err != nil {
		return err
	}
	if t.kind == tEOF {
		return &SyntaxError{Incomplete: true}
	}
	if !t.keyword(kw) {
		return &SyntaxError{Token: t.text()}
	}
	p.next()
	return nil
}

func (p *parser) command() (Command, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	var c Command
	switch {
	case t.keyword("while"), t.keyword("until"):
		p.next()
		c, err = p.loop(t.keyword("until"))
	case t.keyword("for"):
		p.next()
		c, err = p.forCmd()
	case t.keyword("if"):
		p.next()
		c, err = p.ifCmd()
	case t.keyword("{"):
		p.next()
		var body *List
		if body, err = p.list(); err == nil {
			err = p.expectWord("}")
		}
		c = &Block{Body: body}
	case t.kind == tOp && t.op == "(":
		p.next()
		var body *List
		if body, err = p.list(); err == nil {
			var t2 token
			if t2, err = p.peek(); err == nil {
				switch {
				case t2.kind == tEOF:
					err = &SyntaxError{Incomplete: true}
				case t2.kind != tOp || t2.op != ")":
					err = &SyntaxError{Token: t2.text()}
				default:
					p.next()
				}
			}
		}
		c = &Block{Body: body, Subshell: true}
	case t.keyword("case"), t.keyword("function"):
		return nil, &SyntaxError{Msg: fmt.Sprintf("syntax error: `%s' is not supported by kubetour's shell", t.raw)}
	default:
		return p.simple()
	}
	if err != nil {
		return nil, err
	}
	// Compound commands take redirections after them: done > log.
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		if !isRedirOp(t) {
			return c, nil
		}
		r, err := p.redir()
		if err != nil {
			return nil, err
		}
		switch cc := c.(type) {
		case *Block:
			cc.Redirs = append(cc.Redirs, r)
		case *Loop:
			cc.Redirs = append(cc.Redirs, r)
		case *For:
			cc.Redirs = append(cc.Redirs, r)
		case *If:
			cc.Redirs = append(cc.Redirs, r)
		}
	}
}

func (p *parser) loop(until bool) (Command, error) {
	cond, err := p.list()
	if err != nil {
		return nil, err
	}
	if err := p.expectWord("do"); err != nil {
		return nil, err
	}
	body, err := p.list()
	if err != nil {
		return nil, err
	}
	if err := p.expectWord("done"); err != nil {
		return nil, err
	}
	return &Loop{Until: until, Cond: cond, Body: body}, nil
}

func (p *parser) forCmd() (Command, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	if t.kind == tEOF {
		return nil, &SyntaxError{Incomplete: true}
	}
	if t.kind != tWord || !isName(t.raw) {
		return nil, &SyntaxError{Token: t.text()}
	}
	f := &For{Var: t.raw}
	if err := p.skipNewlines(); err != nil {
		return nil, err
	}
	t, err = p.peek()
	if err != nil {
		return nil, err
	}
	if t.keyword("in") {
		p.next()
		f.HasIn = true
		for {
			t, err := p.peek()
			if err != nil {
				return nil, err
			}
			if t.kind != tWord {
				break
			}
			p.next()
			f.Items = append(f.Items, t.word)
		}
		t, err = p.peek()
		if err != nil {
			return nil, err
		}
		switch {
		case t.kind == tOp && t.op == ";", t.kind == tNewline:
			p.next()
		case t.kind == tEOF:
			return nil, &SyntaxError{Incomplete: true}
		default:
			return nil, &SyntaxError{Token: t.text()}
		}
	} else if t.kind == tOp && t.op == ";" {
		p.next()
	}
	if err := p.skipNewlines(); err != nil {
		return nil, err
	}
	if err := p.expectWord("do"); err != nil {
		return nil, err
	}
	if f.Body, err = p.list(); err != nil {
		return nil, err
	}
	if err := p.expectWord("done"); err != nil {
		return nil, err
	}
	return f, nil
}

func (p *parser) ifCmd() (Command, error) {
	c := &If{}
	for {
		cond, err := p.list()
		if err != nil {
			return nil, err
		}
		if err := p.expectWord("then"); err != nil {
			return nil, err
		}
		body, err := p.list()
		if err != nil {
			return nil, err
		}
		c.Conds = append(c.Conds, cond)
		c.Bodies = append(c.Bodies, body)
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		switch {
		case t.keyword("elif"):
			p.next()
			continue
		case t.keyword("else"):
			p.next()
			if c.Else, err = p.list(); err != nil {
				return nil, err
			}
		}
		if err := p.expectWord("fi"); err != nil {
			return nil, err
		}
		return c, nil
	}
}

func isRedirOp(t token) bool {
	if t.kind != tOp {
		return false
	}
	switch t.op {
	case ">", ">>", "<", ">&", "<&", "&>", ">|", "<<":
		return true
	}
	return false
}

func (p *parser) redir() (*Redir, error) {
	t, _ := p.next()
	if t.op == "<<" {
		return nil, &SyntaxError{Msg: "syntax error: here-documents are not supported by kubetour's shell"}
	}
	r := &Redir{Op: t.op}
	switch {
	case t.ioNum >= 0:
		r.Fd = t.ioNum
	case t.op == "<" || t.op == "<&":
		r.Fd = 0
	case t.op == "&>":
		r.Fd, r.Op = -1, ">"
	default:
		r.Fd = 1
	}
	if r.Op == ">|" {
		r.Op = ">"
	}
	w, err := p.next()
	if err != nil {
		return nil, err
	}
	switch w.kind {
	case tWord:
		r.Target = w.word
		return r, nil
	case tEOF:
		return nil, &SyntaxError{Incomplete: true}
	}
	return nil, &SyntaxError{Token: w.text()}
}

func (p *parser) simple() (Command, error) {
	c := &SimpleCmd{}
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		switch {
		case isRedirOp(t):
			r, err := p.redir()
			if err != nil {
				return nil, err
			}
			c.Redirs = append(c.Redirs, r)
			continue
		case t.kind == tWord:
			p.next()
			if len(c.Args) == 0 {
				if a, ok := assignment(t.word); ok {
					c.Assigns = append(c.Assigns, a)
					continue
				}
			}
			c.Args = append(c.Args, t.word)
			continue
		}
		if len(c.Args) == 0 && len(c.Assigns) == 0 && len(c.Redirs) == 0 {
			if t.kind == tEOF {
				return nil, &SyntaxError{Incomplete: true}
			}
			return nil, &SyntaxError{Token: t.text()}
		}
		return c, nil
	}
}

// assignment splits NAME=value words.
func assignment(w *Word) (Assign, bool) {
	if len(w.Parts) == 0 {
		return Assign{}, false
	}
	l, ok := w.Parts[0].(Lit)
	if !ok || l.Quoted {
		return Assign{}, false
	}
	name, rest, found := strings.Cut(l.Text, "=")
	if !found || !isName(name) {
		return Assign{}, false
	}
	val := &Word{}
	if rest != "" {
		val.Parts = append(val.Parts, Lit{Text: rest})
	}
	val.Parts = append(val.Parts, w.Parts[1:]...)
	return Assign{Name: name, Value: val}, true
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c != '_' && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
