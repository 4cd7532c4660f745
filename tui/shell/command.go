package shell

import "strings"

// Builtins are the console's own words; everything else a student types
// is kubectl or "command not found", as in `kubetour script`.
var Builtins = []string{"kubectl", "k", "curl", "sleep", "echo", "timeout", "clear", "history", "help", "exit", "quit"}

// KubectlCommands are kubectl's subcommands: a line starting with one of
// them is a kubectl command with "kubectl" left out (`get pods`).
var KubectlCommands = []string{
	"annotate", "api-resources", "api-versions", "apply", "attach", "auth", "autoscale", "certificate",
	"cluster-info", "completion", "config", "cordon", "cp", "create", "debug", "delete", "describe", "diff",
	"drain", "edit", "events", "exec", "explain", "expose", "get", "kustomize", "label", "logs", "patch",
	"plugin", "port-forward", "proxy", "replace", "rollout", "run", "scale", "set", "taint", "top",
	"uncordon", "version", "wait",
}

func isKubectlCommand(w string) bool {
	for _, c := range KubectlCommands {
		if c == w {
			return true
		}
	}
	return false
}

// Normalize makes implied kubectl explicit: `get pods` becomes
// `kubectl get pods`, also after the prefixes a transcript allows
// (NAME=value assignments and `timeout DURATION`). "k" stays "k": the
// runner knows the alias.
func Normalize(args []string) []string {
	i := commandIndex(args)
	if i >= len(args) || !isKubectlCommand(args[i]) {
		return args
	}
	out := make([]string, 0, len(args)+1)
	out = append(out, args[:i]...)
	out = append(out, "kubectl")
	return append(out, args[i:]...)
}

// commandIndex skips NAME=value words and a `timeout DURATION` prefix.
func commandIndex(args []string) int {
	i := 0
	for i < len(args)-1 && isAssignment(args[i]) {
		i++
	}
	if i+2 < len(args) && args[i] == "timeout" {
		i += 2
	}
	return i
}

func isAssignment(w string) bool {
	eq := strings.IndexByte(w, '=')
	if eq <= 0 {
		return false
	}
	for j, c := range w[:eq] {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || j > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// KubectlArgs returns kubectl's arguments if args (normalised) run
// kubectl, and the NAME=value assignments before it.
func KubectlArgs(args []string) (kargs, env []string, ok bool) {
	i := 0
	for i < len(args)-1 && isAssignment(args[i]) {
		env = append(env, args[i])
		i++
	}
	if i < len(args) && (args[i] == "kubectl" || args[i] == "k") {
		return args[i+1:], env, true
	}
	return nil, nil, false
}

// Interactive reports whether kubectl args need the terminal itself:
// `edit` opens $EDITOR, and exec/attach/run/debug with -i or -t talk to a
// shell in the container. Those run through tea.ExecProcess instead of
// the output pane.
func Interactive(kargs []string) bool {
	verb := ""
	stdin, tty := false, false
	for i := 0; i < len(kargs); i++ {
		a := kargs[i]
		if a == "--" {
			break
		}
		switch {
		case a == "--stdin" || a == "--stdin=true":
			stdin = true
		case a == "--tty" || a == "--tty=true":
			tty = true
		case strings.HasPrefix(a, "--"):
			if takesValue[a] {
				i++
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			if takesValue[a] {
				i++
				continue
			}
			// Combined short flags: -it, -ti, -i, -t. A short flag that
			// takes a value (-n ns, -c app) ends the group.
			for _, c := range a[1:] {
				if c == 'i' {
					stdin = true
				} else if c == 't' {
					tty = true
				} else {
					break
				}
			}
		case verb == "":
			verb = a
		}
	}
	switch verb {
	case "edit":
		return true
	case "exec", "attach", "run", "debug":
		return stdin || tty
	}
	return false
}

// Streams reports whether a kubectl command keeps running until stopped
// (watch, follow, rollout status, port-forward …): the console then says
// that ctrl+c stops it.
func Streams(kargs []string) bool {
	verb := ""
	for _, a := range kargs {
		switch a {
		case "-w", "--watch", "--watch-only", "-f", "--follow":
			if verb != "apply" && verb != "create" && verb != "delete" && verb != "replace" {
				return true
			}
		}
		if verb == "" && !strings.HasPrefix(a, "-") {
			verb = a
		}
	}
	switch verb {
	case "port-forward", "proxy", "wait":
		return true
	case "rollout":
		return len(kargs) > 1 && contains(kargs, "status")
	}
	return false
}

// takesValue are the flags whose value is the next word (`-n default`),
// so that the value is not taken for the verb.
var takesValue = map[string]bool{
	"-n": true, "--namespace": true, "-c": true, "--container": true, "--context": true, "--image": true,
	"--kubeconfig": true, "-f": true, "--filename": true, "-l": true, "--selector": true, "-o": true, "--output": true,
	"-s": true, "--server": true, "--cluster": true, "--user": true,
}

func contains(s []string, w string) bool {
	for _, v := range s {
		if v == w {
			return true
		}
	}
	return false
}
