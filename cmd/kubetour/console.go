package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"kubetour/engine"
	"kubetour/script"
	"kubetour/tui/shell"
)

// runConsole starts a cluster on the real clock, publishes its kubeconfig
// and reads commands line by line, running them as `kubetour script` does.
// It is the plain console; the terminal UI builds on the same runner.
func runConsole(ctx context.Context, cf clusterFlags, in io.Reader, out, errOut io.Writer) error {
	cfg, err := clusterConfig(cf, false, errOut)
	if err != nil {
		return err
	}
	c, err := engine.New(cfg)
	if err != nil {
		return err
	}
	if err := c.Start(); err != nil {
		return err
	}
	defer c.Stop()
	r, path, done, err := prepareSession(c, out)
	if err != nil {
		return err
	}
	defer done()

	// Ctrl+C stops the running command (kubectl gets it too), not kubetour.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)

	fmt.Fprintf(out, "kubetour: a %d-node cluster is running at %s (runtime: %s).\n", len(engine.DefaultNodes()), c.URL(), c.Runtime().Name())
	fmt.Fprintf(out, "Type kubectl commands (or k …), curl URL, sleep 10s; exit to quit.\nYour own kubectl can use it too: export KUBECONFIG=%s\n", path)
	sc := bufio.NewScanner(in)
	for {
		fmt.Fprint(out, "kubetour$ ")
		if !sc.Scan() {
			fmt.Fprintln(out)
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		switch line {
		case "":
			continue
		case "exit", "quit":
			return nil
		}
		steps, err := script.Parse(strings.NewReader(line + "\n"))
		if err != nil {
			fmt.Fprintln(out, err)
			continue
		}
		for _, st := range steps {
			if len(st.Args) > 0 && !st.Comment {
				// `get pods` is kubectl, as in the terminal UI.
				st.Args = shell.Normalize(st.Args)
				r.Exec(st)
			}
		}
		select {
		case <-sig:
		default:
		}
	}
}
