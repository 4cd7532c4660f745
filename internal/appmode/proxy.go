package appmode

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"earlysignal"
)

// proxyPoll is how often the proxy looks for a new configuration.
const proxyPoll = 200 * time.Millisecond

// Proxy is a Service's ClusterIP (and NodePort): it listens on every port
// that has ready endpoints and forwards each connection to one of them,
// round-robin, as kube-proxy spreads connections. A port without
// endpoints is closed, so clients are refused. The configuration is a
// file the runtime rewrites; the proxy reloads it when it changes.
func Proxy(config string, logw io.Writer) int {
	sigs := earlysignal.Notify(syscall.SIGTERM, syscall.SIGINT)
	p := &proxy{listeners: map[int]*proxyListener{}, log: logw}
	var lastMod time.Time
	var lastSize int64 = -1
	tick := time.NewTicker(proxyPoll)
	defer tick.Stop()
	for {
		if info, err := os.Stat(config); err == nil && (info.ModTime() != lastMod || info.Size() != lastSize) {
			lastMod, lastSize = info.ModTime(), info.Size()
			if data, err := os.ReadFile(config); err == nil {
				var c ProxyConfig
				if err := json.Unmarshal(data, &c); err != nil {
					fmt.Fprintln(logw, "proxy: bad configuration:", err)
				} else {
					p.apply(c)
				}
			}
		}
		select {
		case <-sigs:
			p.apply(ProxyConfig{})
			return 0
		case <-tick.C:
		}
	}
}

type proxy struct {
	mu        sync.Mutex
	listeners map[int]*proxyListener // by listening port
	log       io.Writer
	dns       *dnsServer // when this proxy is the cluster's DNS
}

// dnsPort is where the cluster DNS answers (the kube-dns Service's port).
const dnsPort = 53

type proxyListener struct {
	l    net.Listener
	mu   sync.Mutex
	eps  []string
	next int
}

// apply opens and closes listeners and swaps endpoint lists.
func (p *proxy) apply(c ProxyConfig) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.applyDNS(c.DNS)
	want := map[int][]string{}
	for _, port := range c.Ports {
		if len(port.Endpoints) == 0 || (p.dns != nil && port.Port == dnsPort) {
			continue
		}
		want[port.Port] = port.Endpoints
		if port.NodePort != 0 {
			want[port.NodePort] = port.Endpoints
		}
	}
	for port, pl := range p.listeners {
		if _, ok := want[port]; !ok {
			pl.l.Close()
			delete(p.listeners, port)
		}
	}
	for port, eps := range want {
		pl := p.listeners[port]
		if pl == nil {
			l, err := net.Listen("tcp", ":"+strconv.Itoa(port))
			if err != nil {
				fmt.Fprintln(p.log, "proxy:", err)
				continue
			}
			pl = &proxyListener{l: l}
			p.listeners[port] = pl
			go pl.serve()
		}
		pl.mu.Lock()
		pl.eps = append([]string(nil), eps...)
		pl.mu.Unlock()
	}
}

func (pl *proxyListener) serve() {
	for {
		c, err := pl.l.Accept()
		if err != nil {
			return
		}
		go pl.forward(c)
	}
}

// forward connects c to an endpoint, trying the next ones if one refuses.
func (pl *proxyListener) forward(c net.Conn) {
	defer c.Close()
	pl.mu.Lock()
	eps := append([]string(nil), pl.eps...)
	start := pl.next
	pl.next++
	pl.mu.Unlock()
	for i := range eps {
		ep := eps[(start+i)%len(eps)]
		up, err := net.DialTimeout("tcp", ep, 3*time.Second)
		if err != nil {
			continue
		}
		defer up.Close()
		done := make(chan struct{})
		go func() {
			io.Copy(up, c)
			if tc, ok := up.(*net.TCPConn); ok {
				tc.CloseWrite()
			}
			close(done)
		}()
		io.Copy(c, up)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		<-done
		return
	}
}

// applyDNS starts, updates or stops the DNS server. Called with p.mu held.
func (p *proxy) applyDNS(zone *DNSZone) {
	if zone == nil {
		if p.dns != nil {
			p.dns.close()
			p.dns = nil
		}
		return
	}
	if p.dns == nil {
		if pl := p.listeners[dnsPort]; pl != nil {
			pl.l.Close()
			delete(p.listeners, dnsPort)
		}
		d, err := startDNS(":" + strconv.Itoa(dnsPort))
		if err != nil {
			fmt.Fprintln(p.log, "proxy: dns:", err)
			return
		}
		p.dns = d
	}
	z := *zone
	p.dns.zone.Store(&z)
}
