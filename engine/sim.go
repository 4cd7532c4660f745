package engine

import (
	"context"
	"net"
	"strconv"

	"kubetour/engine/loop"
	"kubetour/engine/runtime"
	"kubetour/engine/runtime/sim"
)

// SimRuntime builds the simulated runtime on the cluster's loop, with the
// cluster's DNS and Service routing for traffic between pods.
func SimRuntime(l *loop.Loop, n Network) (runtime.Runtime, error) {
	return sim.New(l, sim.Options{
		Resolve: func(ctx context.Context, ns, host string) (string, error) {
			ips, err := n.LookupHost(ns, host)
			if err != nil {
				return "", err
			}
			return ips[0], nil
		},
		DialService: func(ctx context.Context, ip string, port int) (net.Conn, error) {
			return n.Dial(ctx, net.JoinHostPort(ip, strconv.Itoa(port)))
		},
	}), nil
}
