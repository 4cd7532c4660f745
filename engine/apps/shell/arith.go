package shell

import (
	"errors"
	"strconv"
	"strings"
)

// arith evaluates $(( )) over int64: the operators loops and counters use.
func (sh *shell) arith(expr string) (int64, error) {
	a := &arithParser{sh: sh, src: expr}
	a.lex()
	v, err := a.assign()
	if err != nil {
		return 0, err
	}
	if a.tok != "" {
		return 0, errArithSyntax(a.tok)
	}
	return v, nil
}

func errArithSyntax(tok string) error {
	return errors.New("syntax error: invalid arithmetic operator (error token is \"" + tok + "\")")
}

type arithParser struct {
	sh  *shell
	src string
	pos int
	tok string // current token; "" at end
}

var arithOps = []string{"<<=", ">>=", "**", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "++", "--",
	"+", "-", "*", "/", "%", "<", ">", "=", "!", "~", "&", "|", "^", "(", ")", "?", ":"}

func (a *arithParser) lex() {
	for a.pos < len(a.src) && strings.ContainsRune(" \t\n", rune(a.src[a.pos])) {
		a.pos++
	}
	if a.pos >= len(a.src) {
		a.tok = ""
		return
	}
	c := a.src[a.pos]
	if c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
		j := a.pos
		for j < len(a.src) && (a.src[j] == '_' || (a.src[j] >= 'a' && a.src[j] <= 'z') || (a.src[j] >= 'A' && a.src[j] <= 'Z') || (a.src[j] >= '0' && a.src[j] <= '9')) {
			j++
		}
		a.tok, a.pos = a.src[a.pos:j], j
		return
	}
	for _, op := range arithOps {
		if strings.HasPrefix(a.src[a.pos:], op) {
			a.tok = op
			a.pos += len(op)
			return
		}
	}
	a.tok = a.src[a.pos : a.pos+1]
	a.pos++
}

func (a *arithParser) assign() (int64, error) {
	if isName(a.tok) {
		save, savePos := a.tok, a.pos
		a.lex()
		op := a.tok
		switch op {
		case "=", "+=", "-=", "*=", "/=", "%=":
			a.lex()
			rhs, err := a.assign()
			if err != nil {
				return 0, err
			}
			cur := a.varValue(save)
			switch op {
			case "=":
				cur = rhs
			case "+=":
				cur += rhs
			case "-=":
				cur -= rhs
			case "*=":
				cur *= rhs
			case "/=", "%=":
				if rhs == 0 {
					return 0, errors.New("division by 0 (error token is \"" + save + "\")")
				}
				if op == "/=" {
					cur /= rhs
				} else {
					cur %= rhs
				}
			}
			a.sh.setVar(save, strconv.FormatInt(cur, 10))
			return cur, nil
		}
		a.tok, a.pos = save, savePos
	}
	return a.ternary()
}

func (a *arithParser) ternary() (int64, error) {
	c, err := a.binary(0)
	if err != nil || a.tok != "?" {
		return c, err
	}
	a.lex()
	x, err := a.assign()
	if err != nil {
		return 0, err
	}
	if a.tok != ":" {
		return 0, errArithSyntax(a.tok)
	}
	a.lex()
	y, err := a.assign()
	if err != nil {
		return 0, err
	}
	if c != 0 {
		return x, nil
	}
	return y, nil
}

var arithPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
	"<": 7, ">": 7, "<=": 7, ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9,
	"*": 10, "/": 10, "%": 10, "**": 11,
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (a *arithParser) binary(minPrec int) (int64, error) {
	lhs, err := a.unary()
	if err != nil {
		return 0, err
	}
	for {
		op := a.tok
		prec, ok := arithPrec[op]
		if !ok || prec <= minPrec {
			return lhs, nil
		}
		a.lex()
		rhs, err := a.binary(prec)
		if err != nil {
			return 0, err
		}
		switch op {
		case "||":
			lhs = b2i(lhs != 0 || rhs != 0)
		case "&&":
			lhs = b2i(lhs != 0 && rhs != 0)
		case "|":
			lhs |= rhs
		case "^":
			lhs ^= rhs
		case "&":
			lhs &= rhs
		case "==":
			lhs = b2i(lhs == rhs)
		case "!=":
			lhs = b2i(lhs != rhs)
		case "<":
			lhs = b2i(lhs < rhs)
		case ">":
			lhs = b2i(lhs > rhs)
		case "<=":
			lhs = b2i(lhs <= rhs)
		case ">=":
			lhs = b2i(lhs >= rhs)
		case "<<":
			lhs <<= uint64(rhs) & 63
		case ">>":
			lhs >>= uint64(rhs) & 63
		case "+":
			lhs += rhs
		case "-":
			lhs -= rhs
		case "*":
			lhs *= rhs
		case "**":
			r := int64(1)
			for i := int64(0); i < rhs && i < 64; i++ {
				r *= lhs
			}
			lhs = r
		case "/", "%":
			if rhs == 0 {
				return 0, errors.New("division by 0 (error token is \"" + strconv.FormatInt(rhs, 10) + "\")")
			}
			if op == "/" {
				lhs /= rhs
			} else {
				lhs %= rhs
			}
		}
	}
}

func (a *arithParser) unary() (int64, error) {
	switch a.tok {
	case "-", "+", "!", "~":
		op := a.tok
		a.lex()
		v, err := a.unary()
		if err != nil {
			return 0, err
		}
		switch op {
		case "-":
			return -v, nil
		case "!":
			return b2i(v == 0), nil
		case "~":
			return ^v, nil
		}
		return v, nil
	case "(":
		a.lex()
		v, err := a.assign()
		if err != nil {
			return 0, err
		}
		if a.tok != ")" {
			return 0, errArithSyntax(a.tok)
		}
		a.lex()
		return v, nil
	case "":
		return 0, errors.New("syntax error: operand expected (error token is \"\")")
	}
	tok := a.tok
	a.lex()
	if isName(tok) {
		return a.varValue(tok), nil
	}
	n, err := strconv.ParseInt(tok, 0, 64)
	if err != nil {
		return 0, errors.New("value too great for base (error token is \"" + tok + "\")")
	}
	return n, nil
}

func (a *arithParser) varValue(name string) int64 {
	v, _ := a.sh.getVar(name)
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 0, 64)
	if err != nil {
		return 0
	}
	return n
}
