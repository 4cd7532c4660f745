package shell

// The syntax tree of the POSIX shell subset kubetour runs: lists, and-or
// chains, pipelines, simple commands with redirections, the compound
// commands scripts in pod specs use (while, until, for, if, { }, ( )).

// List is commands separated by ';', '&' or newlines.
type List struct {
	Items []*AndOr
}

// AndOr is pipelines joined by && and ||; Ops[i] joins Pipes[i] and Pipes[i+1].
type AndOr struct {
	Pipes []*Pipeline
	Ops   []string
	// Background is set for a trailing '&'. kubetour runs such commands in
	// the foreground (see the package comment).
	Background bool
}

// Pipeline is commands joined by '|'.
type Pipeline struct {
	Negate bool
	Cmds   []Command
}

// Command is one of the command types below.
type Command interface{ redirs() []*Redir }

// SimpleCmd is assignments, words and redirections: FOO=1 echo $FOO >out.
type SimpleCmd struct {
	Assigns []Assign
	Args    []*Word
	Redirs  []*Redir
}

// Assign is NAME=value.
type Assign struct {
	Name  string
	Value *Word
}

// Redir is a redirection: Fd Op Target, or Fd >& DupFd.
type Redir struct {
	Fd     int    // 0, 1, 2; -1 for &> (both)
	Op     string // ">", ">>", "<", ">&", "<&"
	Target *Word
}

// Block is { list; } or, with Subshell, ( list ).
type Block struct {
	Body     *List
	Subshell bool
	Redirs   []*Redir
}

// Loop is while/until cond; do body; done.
type Loop struct {
	Until      bool
	Cond, Body *List
	Redirs     []*Redir
}

// For is for Var in Items; do Body; done (without "in": the positional args).
type For struct {
	Var    string
	Items  []*Word
	HasIn  bool
	Body   *List
	Redirs []*Redir
}

// If is if/elif chains with an optional else.
type If struct {
	Conds, Bodies []*List
	Else          *List
	Redirs        []*Redir
}

func (c *SimpleCmd) redirs() []*Redir { return c.Redirs }
func (c *Block) redirs() []*Redir     { return c.Redirs }
func (c *Loop) redirs() []*Redir      { return c.Redirs }
func (c *For) redirs() []*Redir       { return c.Redirs }
func (c *If) redirs() []*Redir        { return c.Redirs }

// Word is one shell word made of parts that expand differently.
type Word struct {
	Parts []Part
}

// Part is one of the word parts below.
type Part interface{ part() }

// Lit is literal text. Quoted literals (from backslashes or inside double
// quotes) are neither split nor globbed.
type Lit struct {
	Text   string
	Quoted bool
}

// SglQuoted is '…'.
type SglQuoted struct{ Text string }

// DblQuoted is "…" with its own expansions.
type DblQuoted struct{ Parts []Part }

// Param is $name, ${name}, ${name:-word}, ${#name}, ${name%pat} ….
type Param struct {
	Name   string
	Op     string // "", ":-", "-", ":=", "=", ":+", "+", ":?", "?", "%", "%%", "#", "##", "len"
	Arg    *Word
	Braced bool
}

// CmdSubst is $(list) or `list`.
type CmdSubst struct{ Body *List }

// Arith is $((expr)).
type Arith struct{ Expr string }

func (Lit) part()       {}
func (SglQuoted) part() {}
func (DblQuoted) part() {}
func (*Param) part()    {}
func (*CmdSubst) part() {}
func (*Arith) part()    {}
