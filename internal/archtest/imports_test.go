package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "kubetour"

// imports maps each package of the module (by import path) to the import
// paths its non-test files name.
func imports(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := module
		if rel != "." {
			pkg = module + "/" + filepath.ToSlash(rel)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out[pkg] = append(out[pkg], p)
		}
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// closure returns every module package reachable from pkg, with the path
// that reaches it, so a violation can be explained.
func closure(graph map[string][]string, pkg string) map[string]string {
	seen := map[string]string{pkg: pkg}
	queue := []string{pkg}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, imp := range graph[cur] {
			if _, ok := seen[imp]; ok {
				continue
			}
			seen[imp] = seen[cur] + " -> " + imp
			if _, internal := graph[imp]; internal {
				queue = append(queue, imp)
			}
		}
	}
	return seen
}

type rule struct {
	from       string // package prefix the rule applies to
	forbidden  []string
	transitive bool
	why        string
}

var rules = []rule{
	{from: "kubetour/engine", transitive: true,
		forbidden: []string{"kubetour/tui", "kubetour/lessons", "kubetour/cmd", "kubetour/script", "github.com/charmbracelet/"},
		why:       "the engine knows nothing of the UI, lessons or commands"},
	{from: "kubetour/tui",
		forbidden: []string{"kubetour/engine/store", "kubetour/engine/controller", "kubetour/engine/kubelet", "kubetour/engine/runtime",
			"kubetour/engine/scheduler", "kubetour/engine/admission", "kubetour/engine/loop", "kubetour/engine/apiserver"},
		why: "the TUI sees the engine only through its facade"},
	{from: "kubetour/lessons",
		forbidden: []string{"kubetour/engine/", "kubetour/tui"},
		why:       "lessons read the cluster through their own interface"},
}

func violations(graph map[string][]string) []string {
	var bad []string
	for pkg := range graph {
		for _, r := range rules {
			if pkg != r.from && !strings.HasPrefix(pkg, r.from+"/") {
				continue
			}
			reach := map[string]string{}
			if r.transitive {
				reach = closure(graph, pkg)
			} else {
				for _, imp := range graph[pkg] {
					reach[imp] = pkg + " -> " + imp
				}
			}
			for imp, via := range reach {
				for _, f := range r.forbidden {
					if imp == strings.TrimSuffix(f, "/") || strings.HasPrefix(imp, f) || strings.HasPrefix(imp, f+"/") {
						bad = append(bad, via+" ("+r.why+")")
					}
				}
			}
		}
	}
	sort.Strings(bad)
	return bad
}

func TestImportRules(t *testing.T) {
	graph := imports(t, filepath.Join("..", ".."))
	if _, ok := graph["kubetour/engine"]; !ok {
		t.Fatal("engine package not found: the walk is looking in the wrong place")
	}
	for _, v := range violations(graph) {
		t.Error("forbidden import: " + v)
	}
}

// The rules must catch a forbidden edge, including a transitive one.
func TestImportRulesCatchViolations(t *testing.T) {
	graph := map[string][]string{
		"kubetour/engine":            {"kubetour/engine/store"},
		"kubetour/engine/store":      {"github.com/charmbracelet/lipgloss"},
		"kubetour/tui":               {"kubetour/engine", "kubetour/engine/kubelet"},
		"kubetour/lessons":           {"kubetour/engine/store"},
		"kubetour/engine/kubelet":    nil,
		"kubetour/engine/controller": {"kubetour/engine/store"},
	}
	got := violations(graph)
	want := []string{
		"kubetour/engine -> kubetour/engine/store -> github.com/charmbracelet/lipgloss",
		"kubetour/engine/controller -> kubetour/engine/store -> github.com/charmbracelet/lipgloss",
		"kubetour/engine/store -> github.com/charmbracelet/lipgloss",
		"kubetour/lessons -> kubetour/engine/store",
		"kubetour/tui -> kubetour/engine/kubelet",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d violations %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]+" (") {
			t.Errorf("violation %d: got %q, want prefix %q", i, got[i], want[i])
		}
	}
}
