package scheduler

import (
	"sync"

	corev1 "k8s.io/api/core/v1"
)

// Bound pods are read again for every scheduling decision. Callers pass
// objects they never modify (the engine hands in the store's own, which are
// replaced, not changed, on update), so a pod's requests can be remembered
// by its address. The memo is dropped whole when it grows large, which
// also forgets pods long gone.
type podAmounts struct {
	requested, nonZero amounts
	ports              []hostPort
}

var (
	memoMu  sync.Mutex
	memo    = map[*corev1.Pod]podAmounts{}
	memoMax = 50000
)

func memoRequests(p *corev1.Pod) podAmounts {
	memoMu.Lock()
	r, ok := memo[p]
	memoMu.Unlock()
	if ok {
		return r
	}
	r = podAmounts{requested: podRequests(p, false), nonZero: podRequests(p, true), ports: podHostPorts(p)}
	memoMu.Lock()
	if len(memo) >= memoMax {
		memo = map[*corev1.Pod]podAmounts{}
	}
	memo[p] = r
	memoMu.Unlock()
	return r
}
