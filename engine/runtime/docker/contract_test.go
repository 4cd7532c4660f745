package docker

import (
	"strings"
	"testing"
	"time"

	"kubetour/engine/runtime/contract"
)

// TestContract runs the runtime contract on the Docker engine, in real
// time.
func TestContract(t *testing.T) {
	contract.Run(t, contract.Harness{
		New: func(t *testing.T) contract.Env {
			if strings.HasSuffix(t.Name(), "/isolation_facts") {
				// The contract wants the containers of a pod in one UTS
				// namespace, as containerd gives them; Docker can join
				// another container's net, ipc and pid namespaces but not
				// its UTS one (UTSMode takes only "host"), as with
				// dockershim. TestIsolation checks what Docker gives.
				t.Skip("Docker cannot share a UTS namespace between containers; see TestIsolation")
			}
			rt := newRuntime(t, Options{})
			return contract.Env{Runtime: rt, Advance: func(d time.Duration) {
				if d <= 0 {
					d = 20 * time.Millisecond
				}
				time.Sleep(d)
			}}
		},
		// Docker honours the kubelet's IP when it lies in the session's
		// pod ranges; another session may hold 10.96.0.0/16.
		HonoursIP: false,
		// Real time: CI runs other packages beside this one on 2 cores.
		Patience: 4,
	})
}
