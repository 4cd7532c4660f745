package script

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// curl fetches a URL from a client inside the cluster network.
func (r *Runner) curl(args []string) bool {
	var url string
	timeout := 5 * time.Second
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-s" || a == "-sS" || a == "--silent":
		case a == "-m" || a == "--max-time":
			if i+1 < len(args) {
				i++
				if d, err := time.ParseDuration(normalizeDuration(args[i])); err == nil {
					timeout = d
				}
			}
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(r.Out, "curl: option %s: is not supported by kubetour's curl\n", a)
			return false
		default:
			url = a
		}
	}
	if url == "" {
		fmt.Fprintln(r.Out, "curl: no URL specified!")
		return false
	}
	body, err := r.Cluster.Curl(context.Background(), r.Namespace, url, timeout)
	if err != nil {
		fmt.Fprintln(r.Out, err.Error())
		return false
	}
	fmt.Fprint(r.Out, body)
	if body != "" && !strings.HasSuffix(body, "\n") {
		fmt.Fprintln(r.Out)
	}
	return true
}
