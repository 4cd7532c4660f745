package appmode

import (
	"fmt"
	"io"
	"os"
)

// Main runs `kubetour app ARGS…` and returns the process's exit code.
func Main(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: kubetour app pause|run|exec|proxy|probe|cleanup …  (used inside kubetour's containers)")
		return 2
	}
	switch args[0] {
	case "pause":
		return Pause(os.Stdout)
	case "run", "exec":
		opts, err := parseRunArgs(args[1:])
		if err != nil {
			fmt.Fprintln(os.Stderr, "kubetour app "+args[0]+":", err)
			return 2
		}
		opts.Exec = args[0] == "exec"
		return Run(opts)
	case "proxy":
		config := ""
		if len(args) == 3 && args[1] == "--config" {
			config = args[2]
		}
		if config == "" {
			fmt.Fprintln(os.Stderr, "usage: kubetour app proxy --config FILE")
			return 2
		}
		return Proxy(config, os.Stdout)
	case "probe":
		return Probe(os.Stdout)
	case "cleanup":
		return cleanup(args[1:], os.Stderr)
	}
	fmt.Fprintf(os.Stderr, "kubetour app: unknown mode %q\n", args[0])
	return 2
}

// parseRunArgs reads --image REF [--tty] -- ARGV….
func parseRunArgs(args []string) (RunOptions, error) {
	var o RunOptions
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--image":
			if i+1 >= len(args) {
				return o, fmt.Errorf("--image needs a value")
			}
			o.Image = args[i+1]
			i++
		case "--tty":
			o.TTY = true
		case "--":
			o.Argv = args[i+1:]
			if o.Image == "" {
				return o, fmt.Errorf("--image is required")
			}
			return o, nil
		default:
			return o, fmt.Errorf("unexpected argument %q", args[i])
		}
	}
	return o, fmt.Errorf("missing -- before the command")
}

// cleanup removes directories; the runtime mounts host folders that
// containers filled with root-owned files and runs this as root.
func cleanup(dirs []string, stderr io.Writer) int {
	code := 0
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			fmt.Fprintln(stderr, err)
			code = 1
			continue
		}
		for _, e := range entries {
			if err := os.RemoveAll(d + "/" + e.Name()); err != nil {
				fmt.Fprintln(stderr, err)
				code = 1
			}
		}
	}
	return code
}
