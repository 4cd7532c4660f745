package script

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := map[string]struct {
		in   string
		want []string
		err  bool
	}{
		"plain":        {in: "kubectl get pods", want: []string{"kubectl", "get", "pods"}},
		"single quote": {in: `kubectl get pods -o jsonpath='{.items[*].metadata.name}'`, want: []string{"kubectl", "get", "pods", "-o", "jsonpath={.items[*].metadata.name}"}},
		"double quote": {in: `kubectl exec p -- sh -c "echo \"hi\" $X"`, want: []string{"kubectl", "exec", "p", "--", "sh", "-c", `echo "hi" $X`}},
		"escape":       {in: `a\ b c`, want: []string{"a b", "c"}},
		"empty quotes": {in: `x '' y`, want: []string{"x", "", "y"}},
		"unterminated": {in: `x 'abc`, err: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Split(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v", err)
			}
			if !tc.err && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %q want %q", got, tc.want)
			}
		})
	}
}

func TestParseHeredocAndComments(t *testing.T) {
	src := "# make a pod\nkubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nEOF\n\nsleep 10s\ncurl \\\n  web:8080/hostname\n"
	steps, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 4 || !steps[0].Comment || steps[1].Stdin != "apiVersion: v1\nkind: Pod\n" {
		t.Fatalf("steps: %+v", steps)
	}
	if !reflect.DeepEqual(steps[1].Args, []string{"kubectl", "apply", "-f", "-"}) || steps[1].Line != 2 {
		t.Fatalf("heredoc command: %+v", steps[1])
	}
	if !reflect.DeepEqual(steps[3].Args, []string{"curl", "web:8080/hostname"}) || steps[3].Line != 8 {
		t.Fatalf("continuation: %+v", steps[3])
	}
	if _, err := Parse(strings.NewReader("kubectl apply -f - <<EOF\nkind: Pod\n")); err == nil || !strings.Contains(err.Error(), "line 1: heredoc not closed") {
		t.Fatalf("unclosed heredoc: %v", err)
	}
}
