// Package shell is the small POSIX shell and the userland of kubetour's
// containers: what a pod's command (`sh -c "echo 'job start'; sleep 20"`,
// `sleep 3600`), a server image's entry point and `kubectl exec` run.
//
// The interpreter is resumable (see Machine): the simulated runtime steps
// it on the engine's thread and schedules its sleeps on the cluster clock;
// RunSync drives it to the end on one goroutine, for exec sessions and for
// kubetour's binary inside a real container.
//
// Syntax: words with '…', "…", backslashes, $VAR, ${VAR}, ${VAR:-x} and
// the other ${} operators, $?, $$, $#, $@, $(…), `…`, $((…)); ';', '&&',
// '||', '|', '!'; redirections > >> < 2>&1 &> >&2; while/until, for,
// if/elif/else, { }, ( ); comments; assignments and FOO=1 cmd. Not
// supported: here-documents, case, functions. Two simplifications keep
// the machine single-threaded: a pipeline runs its commands one after the
// other (each reads what the previous one wrote in full), and '&' runs a
// command in the foreground (so `sleep 3600 & wait` still waits an hour).
//
// Tools: the builtins a shell has (cd, export, set -e/-x, trap, read,
// exit, break, continue, eval, ., exec, command -v, type) and the
// programs an image has on its PATH as stub files — echo, printf, sleep
// (seconds, 1m, infinity), date, env, printenv, hostname, whoami, id,
// uname, cat, ls, mkdir, touch, rm, cp, mv, head, tail (-f), wc, grep, tee,
// mount, kill, which, test/[, seq, memhog — and, where the image ships
// them, curl, wget, nslookup, ps and bash. Messages follow the image: a
// CentOS shell says "sh: foo: command not found", Debian's dash
// "sh: 1: foo: not found", BusyBox "sh: foo: not found"; curl words its
// errors as the version in the image does (CentOS 7's 7.29 says "Failed
// connect to 10.96.0.5:80; Connection refused").
//
// Signals: a container's main process is PID 1, which the kernel shields
// from signals it does not handle, so SIGTERM does nothing to a shell that
// does not trap it (the runtime kills it after the grace period); the
// image's apps stop cleanly on their stop signal. A trap runs at once,
// cutting the current sleep short (bash would wait for the sleep first).
package shell
