package kubelet

import (
	"testing"
	"time"
)

func TestIPPoolRoundRobinAndExhaustion(t *testing.T) {
	p, err := newIPPool("10.244.1.0/29") // .1 gateway, .7 broadcast: .2–.6 usable
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < 5; i++ {
		ip, err := p.allocate()
		if err != nil {
			t.Fatalf("allocation %d: %v", i, err)
		}
		got = append(got, ip)
	}
	want := []string{"10.244.1.2", "10.244.1.3", "10.244.1.4", "10.244.1.5", "10.244.1.6"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v want %v", got, want)
		}
	}
	if _, err := p.allocate(); err == nil || err.Error() != "no IP addresses available in range set: 10.244.1.0/29" {
		t.Fatalf("exhausted pool: %v", err)
	}
	// A released address is not handed out again at once: the next pod
	// gets a new IP, as host-local IPAM does.
	p.release("10.244.1.3")
	p.release("10.244.1.5")
	ip, _ := p.allocate()
	if ip != "10.244.1.3" {
		t.Fatalf("after wrap, first free is .3, got %s", ip)
	}
	ip, _ = p.allocate()
	if ip != "10.244.1.5" {
		t.Fatalf("round robin continues after the last given: got %s", ip)
	}
	if _, err := newIPPool("not-a-cidr"); err == nil {
		t.Fatal("bad range accepted")
	}
}

func TestBackoffDoublesToCap(t *testing.T) {
	var got []time.Duration
	d := time.Duration(0)
	for i := 0; i < 7; i++ {
		d = nextBackoff(d)
		got = append(got, d)
	}
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 160 * time.Second, 300 * time.Second, 300 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("back-off %d: got %v want %v", i, got[i], want[i])
		}
	}
}

func TestNormalizeImage(t *testing.T) {
	tests := map[string]string{
		"nginx":                          "docker.io/library/nginx:latest",
		"nginx:1.25":                     "docker.io/library/nginx:1.25",
		"kubetm/app:v1":                  "docker.io/kubetm/app:v1",
		"registry.k8s.io/pause:3.10":     "registry.k8s.io/pause:3.10",
		"localhost:5000/app":             "localhost:5000/app:latest",
		"nginx@sha256:0123456789abcdef0": "nginx@sha256:0123456789abcdef0",
	}
	for in, want := range tests {
		if got := normalizeImage(in); got != want {
			t.Errorf("%s: got %s want %s", in, got, want)
		}
	}
}
