package shell

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := map[string]struct {
		src        string
		items      int    // top-level and-or lists when it parses
		token      string // unexpected token when it fails
		incomplete bool
		fails      bool
	}{
		"job command":          {src: "echo 'job start';sleep 20; echo 'job end'", items: 3},
		"curl loop":            {src: "while true; do curl 10.96.0.5:8080/version; sleep 1; done", items: 1},
		"for with newlines":    {src: "for i in a b\ndo\n  echo $i\ndone\n", items: 1},
		"if chain":             {src: "if [ -f x ]; then echo a; elif true; then :; else echo c; fi", items: 1},
		"pipes and redirects":  {src: "cat /etc/hosts 2>&1 | grep pod >> /tmp/out", items: 1},
		"subst and arith":      {src: `echo "$(date) $((1+2)) ${X:-y} ` + "`hostname`" + `"`, items: 1},
		"comments":             {src: "# hello\necho a # trailing\n", items: 1},
		"background is parsed": {src: "sleep 3600 & wait", items: 2},
		"groups":               {src: "{ echo a; echo b; } > f; (cd /tmp && ls)", items: 2},
		"unclosed quote":       {src: "echo 'abc", incomplete: true, fails: true},
		"unclosed while":       {src: "while true; do echo", incomplete: true, fails: true},
		"dangling and":         {src: "true &&", incomplete: true, fails: true},
		"empty do body":        {src: "while true; do; done", token: ";", fails: true},
		"stray done":           {src: "echo a; done", token: "done", fails: true},
		"stray paren":          {src: "echo )", token: ")", fails: true},
		"heredoc unsupported":  {src: "cat <<EOF\nx\nEOF", fails: true},
		"case unsupported":     {src: "case x in a) ;; esac", fails: true},
		"bad substitution":     {src: "echo ${!x}", fails: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			l, err := Parse(tc.src)
			if !tc.fails {
				if err != nil || len(l.Items) != tc.items {
					t.Fatalf("Parse: %v, items %d", err, len(l.Items))
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("want a SyntaxError, got %v", err)
			}
			if se.Incomplete != tc.incomplete || (tc.token != "" && se.Token != tc.token) {
				t.Errorf("got %+v", se)
			}
		})
	}
}

// FuzzParse: no input may make the parser panic or hang.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"echo 'job start';sleep 20; echo 'job end'",
		"while true; do curl -s web/version; sleep 1; done",
		`for i in $(seq 1 3); do echo "${i:-x}" $((i*2)) >> /tmp/f 2>&1; done`,
		"if [ -f /x ]; then cat /x | grep a || echo no; fi",
		"{ echo a; } && ( exit 3 ); echo `date` $? ${#HOME} ${X%%.*}",
		"trap 'echo bye' TERM; tail -f /dev/null",
		"$(( ((1+2)) ))", "${", "$(", "`", "\"$(\"", "'", "\\", "((((", "a=b c=d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse(s)
		if err == nil && l == nil {
			t.Fatal("nil program without error")
		}
	})
}
