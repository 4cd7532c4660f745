package appmode

import (
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsTTL is what CoreDNS's kubernetes plugin answers with (its default).
const dnsTTL = 5

// dnsServer answers the cluster's names from a zone the runtime rewrites,
// and passes every other name to the upstream resolver.
type dnsServer struct {
	zone atomic.Pointer[DNSZone]
	udp  net.PacketConn
	tcp  net.Listener
}

func startDNS(addr string) (*dnsServer, error) {
	udp, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, err
	}
	tcp, err := net.Listen("tcp", addr)
	if err != nil {
		udp.Close()
		return nil, err
	}
	d := &dnsServer{udp: udp, tcp: tcp}
	d.zone.Store(&DNSZone{})
	go d.serveUDP()
	go d.serveTCP()
	return d, nil
}

func (d *dnsServer) close() {
	d.udp.Close()
	d.tcp.Close()
}

func (d *dnsServer) serveUDP() {
	buf := make([]byte, 1500)
	for {
		n, from, err := d.udp.ReadFrom(buf)
		if err != nil {
			return
		}
		q := append([]byte(nil), buf[:n]...)
		go func() {
			if out := d.answer(q, "udp"); out != nil {
				d.udp.WriteTo(out, from)
			}
		}()
	}
}

func (d *dnsServer) serveTCP() {
	for {
		c, err := d.tcp.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			for {
				c.SetDeadline(time.Now().Add(10 * time.Second))
				var size [2]byte
				if _, err := io.ReadFull(c, size[:]); err != nil {
					return
				}
				q := make([]byte, binary.BigEndian.Uint16(size[:]))
				if _, err := io.ReadFull(c, q); err != nil {
					return
				}
				out := d.answer(q, "tcp")
				if out == nil {
					return
				}
				binary.BigEndian.PutUint16(size[:], uint16(len(out)))
				if _, err := c.Write(append(size[:], out...)); err != nil {
					return
				}
			}
		}()
	}
}

// answer builds the reply to one query message; nil drops it.
func (d *dnsServer) answer(query []byte, network string) []byte {
	var p dnsmessage.Parser
	hdr, err := p.Start(query)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	zone := d.zone.Load()
	name := strings.ToLower(strings.TrimSuffix(q.Name.String(), "."))
	if zone.Domain == "" || (name != zone.Domain && !strings.HasSuffix(name, "."+zone.Domain)) {
		return d.forward(query, network, hdr)
	}
	resp := dnsmessage.Message{Header: dnsmessage.Header{ID: hdr.ID, Response: true, Authoritative: true,
		RecursionDesired: hdr.RecursionDesired, RecursionAvailable: true}, Questions: []dnsmessage.Question{q}}
	rh := func(n dnsmessage.Name, t dnsmessage.Type) dnsmessage.ResourceHeader {
		return dnsmessage.ResourceHeader{Name: n, Type: t, Class: dnsmessage.ClassINET, TTL: dnsTTL}
	}
	target, isCNAME := zone.CNAME[name]
	addrs, isA := zone.A[name]
	switch {
	case isCNAME:
		// An ExternalName Service: the name is an alias of another.
		cn, err := dnsmessage.NewName(target + ".")
		if err != nil {
			return nil
		}
		resp.Answers = append(resp.Answers, dnsmessage.Resource{Header: rh(q.Name, dnsmessage.TypeCNAME),
			Body: &dnsmessage.CNAMEResource{CNAME: cn}})
		if q.Type == dnsmessage.TypeA {
			// Chase the alias, as CoreDNS does, so the client gets addresses.
			resp.Answers = append(resp.Answers, d.chase(zone, cn, network)...)
		}
	case isA:
		if q.Type == dnsmessage.TypeA || q.Type == dnsmessage.TypeALL {
			for _, a := range addrs {
				ip, err := netip.ParseAddr(a)
				if err != nil || !ip.Is4() {
					continue
				}
				resp.Answers = append(resp.Answers, dnsmessage.Resource{Header: rh(q.Name, dnsmessage.TypeA),
					Body: &dnsmessage.AResource{A: ip.As4()}})
			}
		}
		// Other types of a known name: NOERROR with no answer (NODATA).
	case d.hasBelow(zone, name):
		// An empty non-terminal such as default.svc.cluster.local.
	default:
		resp.RCode = dnsmessage.RCodeNameError
	}
	out, err := resp.Pack()
	if err != nil {
		return nil
	}
	return out
}

// hasBelow reports whether some name of the zone ends in name.
func (d *dnsServer) hasBelow(zone *DNSZone, name string) bool {
	suffix := "." + name
	for n := range zone.A {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	for n := range zone.CNAME {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}

// forward relays a query about a name outside the cluster to the upstream
// resolver and returns its reply, or SERVFAIL when it does not answer.
func (d *dnsServer) forward(query []byte, network string, hdr dnsmessage.Header) []byte {
	up := d.zone.Load().Upstream
	if up != "" {
		if out := exchange(up, network, query); out != nil {
			return out
		}
	}
	resp := dnsmessage.Message{Header: dnsmessage.Header{ID: hdr.ID, Response: true, RCode: dnsmessage.RCodeServerFailure,
		RecursionDesired: hdr.RecursionDesired}}
	out, _ := resp.Pack()
	return out
}

func exchange(addr, network string, query []byte) []byte {
	c, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		return nil
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if network == "tcp" {
		var size [2]byte
		binary.BigEndian.PutUint16(size[:], uint16(len(query)))
		if _, err := c.Write(append(size[:], query...)); err != nil {
			return nil
		}
		if _, err := io.ReadFull(c, size[:]); err != nil {
			return nil
		}
		out := make([]byte, binary.BigEndian.Uint16(size[:]))
		if _, err := io.ReadFull(c, out); err != nil {
			return nil
		}
		return out
	}
	if _, err := c.Write(query); err != nil {
		return nil
	}
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}

// chase asks upstream for the A records of name.
func (d *dnsServer) chase(zone *DNSZone, name dnsmessage.Name, network string) []dnsmessage.Resource {
	if zone.Upstream == "" {
		return nil
	}
	q := dnsmessage.Message{Header: dnsmessage.Header{ID: 1, RecursionDesired: true},
		Questions: []dnsmessage.Question{{Name: name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}}}
	packed, err := q.Pack()
	if err != nil {
		return nil
	}
	out := exchange(zone.Upstream, network, packed)
	if out == nil {
		return nil
	}
	var m dnsmessage.Message
	if err := m.Unpack(out); err != nil {
		return nil
	}
	return m.Answers
}
