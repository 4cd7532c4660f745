// Package engine is kubetour's mini-orchestrator and its facade: a small
// Kubernetes cluster (API server, scheduler, controllers, kubelets) on a
// container runtime, whose every decision is published with a reason. The
// TUI and the lessons see the cluster only through this package's Cluster
// and the Kubernetes API it serves.
package engine

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	mrand "math/rand"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"kubetour/engine/apiserver"
	"kubetour/engine/clock"
	"kubetour/engine/controller"
	"kubetour/engine/events"
	"kubetour/engine/kinds"
	"kubetour/engine/kubelet"
	"kubetour/engine/loop"
	"kubetour/engine/openapi"
	"kubetour/engine/proxy"
	"kubetour/engine/record"
	"kubetour/engine/runtime"
	"kubetour/engine/store"
)

// Config describes a cluster.
type Config struct {
	// Runtime runs the pods; NewRuntime builds one on the cluster's loop and
	// network when the runtime needs them (the simulation). One is required.
	Runtime    runtime.Runtime
	NewRuntime func(l *loop.Loop, net Network) (runtime.Runtime, error)
	// Manual makes the clock stand still except when advanced: tests and
	// `kubetour script` on the simulation.
	Manual bool
	// Start is the cluster time when the session begins (default: now).
	// Kubernetes clients compute some ages from their own clock (kubectl
	// describe's event ages), so a cluster on the wall clock's time shows
	// them right.
	Start time.Time
	// Seed makes names, uids and IPs repeatable.
	Seed int64
	// Nodes of the cluster; DefaultNodes when empty.
	Nodes []NodeSpec
	// Latency models node work on the simulation.
	Latency kubelet.Latency
	// ContainerIDPrefix is how container ids are shown ("containerd://").
	ContainerIDPrefix string
	// NoSystemPods leaves kube-system empty (benchmarks).
	NoSystemPods bool
	// ServiceCIDR is the Service address range (default 10.96.0.0/12, as
	// kubeadm). A runtime whose network must hold the ClusterIPs (Docker)
	// gives its own.
	ServiceCIDR netip.Prefix
	// Kernel and OSImage are what the nodes report; empty means the host's
	// own (the VM vs Container chapter's point: one kernel for all).
	// Golden transcripts pin them so they read the same on any machine.
	Kernel, OSImage string
}

// serviceIP is the n-th address of the Service range (1: the kubernetes
// Service, 10: kube-dns, as kubeadm chooses them).
func (cfg *Config) serviceIP(n int) string {
	a := cfg.ServiceCIDR.Masked().Addr()
	for i := 0; i < n; i++ {
		a = a.Next()
	}
	return a.String()
}

// Network is the cluster's DNS and service routing, as a runtime needs it
// for traffic between pods.
type Network interface {
	LookupHost(namespace, host string) ([]string, error)
	Dial(ctx context.Context, addr string) (net.Conn, error)
}

// BootAge is how long before the session the cluster was created.
const BootAge = 10 * time.Minute

// Cluster is a running kubetour cluster.
type Cluster struct {
	cfg     Config
	Clock   *clock.Warp
	Loop    *loop.Loop
	Store   *store.Store
	API     *apiserver.API
	HTTP    *apiserver.Server
	Bus     *events.Bus
	Rec     *record.Recorder
	Kubelet *kubelet.Kubelet
	Proxy   *proxy.Proxy
	Sched   *controller.Scheduling
	// Metrics is the in-process metrics-server (nil on a runtime that
	// reports no usage).
	Metrics *apiserver.MetricsServer
	ctrls   []controller.Controller
	svcSync *serviceSync
	// wallStart: the cluster's "now" is the wall clock's (see Start).
	wallStart bool
	acc       *controller.Accounts

	mu       sync.Mutex
	srv      *http.Server
	listener net.Listener
	url      string
	token    string
	tls      *serving
	stopped  bool
}

// New assembles a cluster; Start brings it up.
func New(cfg Config) (*Cluster, error) {
	if len(cfg.Nodes) == 0 {
		cfg.Nodes = DefaultNodes()
	}
	// The cluster boots BootAge before the session starts, so that its
	// nodes and system pods are up and aged when the student arrives.
	var clk *clock.Warp
	// A real clock started from now follows the wall clock, as the
	// container runtime's own timestamps do.
	wallStart := cfg.Start.IsZero() && !cfg.Manual
	start := cfg.Start
	if start.IsZero() {
		start = time.Now().Truncate(time.Second)
	}
	if cfg.Manual {
		clk = clock.NewManual(start.Add(-BootAge))
	} else {
		clk = clock.NewRealFrom(start.Add(-BootAge))
	}
	cfg.Start = start
	if !cfg.ServiceCIDR.IsValid() {
		cfg.ServiceCIDR = netip.MustParsePrefix("10.96.0.0/12")
	}
	c := &Cluster{cfg: cfg, Clock: clk, wallStart: wallStart}
	c.Loop = loop.New(clk)
	c.Proxy = proxy.New(nil, nil)
	if cfg.Runtime == nil {
		if cfg.NewRuntime == nil {
			return nil, fmt.Errorf("engine: no runtime")
		}
		rt, err := cfg.NewRuntime(c.Loop, c.Proxy)
		if err != nil {
			return nil, err
		}
		cfg.Runtime = rt
		c.cfg.Runtime = rt
	}
	c.Bus = events.NewBus(20000)
	c.Loop.OnPanic = func(msg string) {
		c.Bus.Publish(events.Event{Time: clk.Now(), Kind: events.Decision, Source: "engine", Reason: "InternalError", Type: "Warning",
			Message: msg, EN: "An engine component failed and recovered: " + firstLine(msg), KO: "엔진 구성 요소에서 오류가 나서 복구했습니다: " + firstLine(msg)})
	}
	rnd := mrand.New(mrand.NewSource(cfg.Seed))
	var uidMu sync.Mutex
	c.Store = store.New(store.Options{
		Now: clk.Now,
		NewUID: func() types.UID {
			uidMu.Lock()
			defer uidMu.Unlock()
			b := make([]byte, 16)
			rnd.Read(b)
			b[6] = (b[6] & 0x0f) | 0x40
			b[8] = (b[8] & 0x3f) | 0x80
			return types.UID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
		},
		NameSuffix: func() string {
			uidMu.Lock()
			defer uidMu.Unlock()
			const alphabet = "bcdfghjklmnpqrstvwxz2456789"
			b := make([]byte, 5)
			for i := range b {
				b[i] = alphabet[rnd.Intn(len(alphabet))]
			}
			return string(b)
		},
	})
	c.API = apiserver.NewAPI(c.Store, clk.Now, cfg.Seed+1)
	c.API.ServiceCIDR = cfg.ServiceCIDR
	c.Rec = &record.Recorder{Bus: c.Bus, Store: c.Store, Now: clk.Now}
	c.API.OnReject = c.narrateRejection
	c.Proxy.Store, c.Proxy.Runtime = c.Store, cfg.Runtime
	c.Kubelet = kubelet.New(kubelet.Config{
		API: c.API, Loop: c.Loop, Runtime: cfg.Runtime, Rec: c.Rec, Latency: cfg.Latency,
		ClusterDNS: cfg.serviceIP(10), ContainerIDPrefix: cfg.ContainerIDPrefix,
		// Real containers take real time to create; the simulation's are
		// instant and must keep a seeded run's order.
		Async: cfg.Runtime.Name() != "sim",
	})
	for _, n := range cfg.Nodes {
		if err := c.Kubelet.AddNode(n.Name, n.PodCIDR); err != nil {
			return nil, err
		}
	}
	d := controller.Deps{API: c.API, Store: c.Store, Loop: c.Loop, Rec: c.Rec}
	c.Sched = controller.NewScheduling(d)
	c.acc = controller.NewAccounts(d)
	c.ctrls = []controller.Controller{
		c.Sched, c.acc, controller.NewEndpoints(d), controller.NewNamespace(d),
		controller.NewQuota(d), controller.NewVolumes(d),
	}
	c.ctrls = append(c.ctrls, controller.Registered(d)...)
	// metrics-server's part, in-process: container usage read from the
	// runtime every 15s, served as metrics.k8s.io (kubectl top) and read
	// by the HorizontalPodAutoscaler. A runtime that reports no usage
	// leaves the metrics API unserved, as a cluster without metrics-server.
	var rm controller.ResourceMetrics
	if u, ok := cfg.Runtime.(apiserver.ContainerUsage); ok {
		c.Metrics = apiserver.NewMetricsServer(c.Store, u, clk.Now)
		c.Metrics.Start(func(d time.Duration, fn func()) { c.Loop.After(d, fn) })
		rm = c.Metrics
	}
	c.ctrls = append(c.ctrls, controller.NewHPA(d, rm))
	if sr, ok := cfg.Runtime.(runtime.ServiceRuntime); ok {
		c.svcSync = newServiceSync(c, sr)
	}
	c.Store.OnChange(func(ch store.Change) { c.Loop.Post(func() { c.dispatch(ch) }) })

	var res []openapi.Resource
	for _, k := range kinds.All {
		r := openapi.Resource{GVK: k.GVK, Plural: k.Plural, Namespaced: k.Namespaced, Object: k.New(), Verbs: k.Verbs, Subresources: k.Subresources}
		if k.NewList != nil {
			r.List = k.NewList()
		}
		res = append(res, r)
	}
	c.HTTP = apiserver.NewServer(c.API, c.Kubelet, openapi.New(res))
	c.HTTP.Serialize = c.onLoopIdle
	c.HTTP.Metrics = c.Metrics
	return c, nil
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// dispatch hands a committed change to the components that care, on the loop.
func (c *Cluster) dispatch(ch store.Change) {
	if ch.Kind == kinds.Core("pods") && kubeletCares(ch) {
		ns, name := objNsName(ch.Object)
		c.Kubelet.Sync(ns, name)
	}
	for _, ctl := range c.ctrls {
		ctl.Observe(ch)
	}
	if c.svcSync != nil {
		c.svcSync.observe(ch.Kind, ch.Object, ch.Type == "DELETED")
	}
	if ch.Kind.Plural == "events" || ch.Kind.Plural == "leases" {
		return
	}
	ref := record.RefOf(ch.Object)
	ref.Kind = ch.Kind.GVK.Kind
	c.Bus.Publish(events.Event{Time: c.Clock.Now(), Kind: events.Change, Source: "store", Reason: string(ch.Type),
		Objects: []events.Ref{ref}, Fields: map[string]string{"resourceVersion": fmt.Sprint(ch.RV), "resource": ch.Kind.Plural}})
}

// Start creates the cluster's own objects and starts the loop.
func (c *Cluster) Start() error {
	go c.Loop.Run()
	var err error
	c.onLoop(func() { err = c.bootstrap() })
	if err != nil {
		return err
	}
	c.Loop.AdvanceTo(c.cfg.Start)
	if c.wallStart {
		// Booting on real containers takes real seconds; without this
		// the cluster's clock would stay that far behind the times the
		// runtime stamps (a container finished "in the future" prints
		// as "<invalid> ago").
		c.Loop.AdvanceTo(time.Now())
	}
	return nil
}

// Settle waits until the cluster has done everything due at the current time.
func (c *Cluster) Settle() { c.Loop.WaitIdle() }

// SettleEngine waits for the engine's own work due now, not for runtime
// calls under way (a real container being created): on the simulation the
// same as Settle.
func (c *Cluster) SettleEngine() { c.Loop.WaitQuiet() }

// Advance moves a manual clock forward by d, letting every timer on the way fire.
func (c *Cluster) Advance(d time.Duration) { c.Loop.Advance(d) }

// Serve starts the HTTP API on a loopback address ("127.0.0.1:0" picks a
// port) and returns its URL. Clients must present the cluster's token.
func (c *Cluster) Serve(addr string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.srv != nil {
		return c.url, nil
	}
	tlsCfg, err := newServing(c.cfg.serviceIP(1))
	if err != nil {
		return "", fmt.Errorf("serving certificate: %w", err)
	}
	c.tls = tlsCfg
	raw, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen on %q: %w", addr, err)
	}
	l := tls.NewListener(raw, &tls.Config{Certificates: []tls.Certificate{tlsCfg.cert}, NextProtos: []string{"h2", "http/1.1"}})
	tok := make([]byte, 16)
	rand.Read(tok)
	c.token = hex.EncodeToString(tok)
	c.url = "https://" + l.Addr().String()
	c.HTTP.Host = l.Addr().String()
	c.listener = l
	c.srv = &http.Server{Handler: c.authenticate(c.HTTP), ReadHeaderTimeout: 10 * time.Second}
	go c.srv.Serve(l)
	return c.url, nil
}

// URL is the API's address, empty before Serve.
func (c *Cluster) URL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.url
}

// CA is the PEM certificate of the CA that signed the API's certificate.
func (c *Cluster) CA() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tls == nil {
		return nil
	}
	return c.tls.caPEM
}

// Token is the bearer token clients must send.
func (c *Cluster) Token() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// authenticate admits only the cluster's own token: the port is on
// loopback, but another local user must not reach a student's cluster.
func (c *Cluster) authenticate(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+c.Token() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}` + "\n"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Stop shuts the cluster down and removes what the runtime runs for it.
func (c *Cluster) Stop() {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.stopped = true
	srv := c.srv
	c.mu.Unlock()
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		srv.Shutdown(ctx)
		cancel()
		srv.Close()
	}
	c.Loop.Stop()
	c.cfg.Runtime.Close()
}

// Runtime is the cluster's container runtime.
func (c *Cluster) Runtime() runtime.Runtime { return c.cfg.Runtime }

// kubeletCares filters out pod changes that only touch status: the kubelet
// writes most of them itself and, like a real kubelet, reacts to spec and
// deletion, not to its own reports.
func kubeletCares(ch store.Change) bool {
	if ch.Type != "MODIFIED" || ch.Old == nil {
		return true
	}
	old, cur := ch.Old.(*corev1.Pod), ch.Object.(*corev1.Pod)
	return old.Spec.NodeName != cur.Spec.NodeName || (old.DeletionTimestamp == nil) != (cur.DeletionTimestamp == nil) ||
		old.Generation != cur.Generation || old.UID != cur.UID
}

// onLoop runs fn on the engine loop and waits for it.
func (c *Cluster) onLoop(fn func()) {
	done := make(chan struct{})
	c.Loop.Post(func() {
		defer close(done)
		fn()
	})
	<-done
}

var storeStatus = store.UpdateOptions{Status: true}

// onLoopIdle runs fn on the loop once everything already set in motion has
// run, and waits: client writes then happen in an order that does not
// depend on how fast the controllers reacted to the previous one.
func (c *Cluster) onLoopIdle(fn func()) {
	done := make(chan struct{})
	c.Loop.PostIdle(func() {
		defer close(done)
		fn()
	})
	<-done
}
