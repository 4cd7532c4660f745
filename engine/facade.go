package engine

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"kubetour/engine/apiserver"
	"kubetour/engine/events"
	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/store"
)

func (c *Cluster) ctx() context.Context { return context.Background() }

func objNsName(obj runtime.Object) (string, string) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return "", ""
	}
	return m.GetNamespace(), m.GetName()
}

// narrateRejection tells the student why the API refused a request.
func (c *Cluster) narrateRejection(r apiserver.Rejection) {
	obj := r.Kind.New()
	if m, err := meta.Accessor(obj); err == nil {
		m.SetName(r.Name)
		m.SetNamespace(r.Namespace)
	}
	obj.GetObjectKind().SetGroupVersionKind(r.Kind.GVK)
	reason := "Rejected"
	if se, ok := r.Err.(apierrors.APIStatus); ok {
		reason = string(se.Status().Reason)
	}
	c.Rec.Record(record.Decision{Source: "kube-apiserver", Object: obj, Type: corev1.EventTypeWarning, Reason: reason,
		Message: r.Err.Error(), NoEvent: true,
		EN:     fmt.Sprintf("The API server refused to %s %s %q: %v", r.Verb, strings.ToLower(r.Kind.GVK.Kind), r.Name, r.Err),
		KO:     fmt.Sprintf("API 서버가 %s %q의 %s 요청을 거부했습니다: %v", r.Kind.GVK.Kind, r.Name, verbKO(r.Verb), r.Err),
		Fields: map[string]string{"verb": r.Verb, "error": r.Err.Error()}})
}

func verbKO(v string) string {
	switch v {
	case "create":
		return "생성"
	case "update":
		return "변경"
	}
	return v
}

// Apply creates or updates every object in a YAML or JSON manifest (one
// or more documents) in namespace ns ("" = the object's own or default).
// It returns kubectl-style lines ("pod/web created").
func (c *Cluster) Apply(manifest []byte, ns string) ([]string, error) {
	var lines []string
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifest), 4096)
	for {
		var raw map[string]any
		var err error
		if err = dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return lines, fmt.Errorf("error parsing manifest: %w", err)
		}
		if len(raw) == 0 {
			continue
		}
		data, _ := yaml.Marshal(raw)
		var line string
		c.onLoopIdle(func() { line, err = c.applyOne(data, ns) })
		if err != nil {
			return lines, err
		}
		lines = append(lines, line)
	}
	c.Settle()
	return lines, nil
}

func (c *Cluster) applyOne(data []byte, ns string) (string, error) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(data, &tm); err != nil {
		return "", err
	}
	gv, err := schema.ParseGroupVersion(tm.APIVersion)
	if err != nil {
		return "", err
	}
	k := kindFor(gv.WithKind(tm.Kind))
	if k == nil {
		return "", fmt.Errorf("no matches for kind %q in version %q", tm.Kind, tm.APIVersion)
	}
	obj, _, err := apiserver.Decode(data, k)
	if err != nil {
		return "", err
	}
	m, _ := meta.Accessor(obj)
	if k.Namespaced && ns != "" && m.GetNamespace() == "" {
		m.SetNamespace(ns)
	}
	if k.Namespaced && m.GetNamespace() == "" {
		m.SetNamespace("default")
	}
	name := strings.ToLower(k.GVK.Kind)
	if k.GVK.Group != "" {
		name += "." + k.GVK.Group
	}
	cur, err := c.Store.Get(k, m.GetNamespace(), m.GetName())
	if apierrors.IsNotFound(err) {
		if _, err := c.API.Create(c.ctx(), k, m.GetNamespace(), obj, apiserver.WriteOptions{FieldValidation: "Strict"}); err != nil {
			return "", err
		}
		return name + "/" + m.GetName() + " created", nil
	}
	if err != nil {
		return "", err
	}
	cm, _ := meta.Accessor(cur)
	m.SetResourceVersion(cm.GetResourceVersion())
	m.SetUID(cm.GetUID())
	if _, err := c.API.Update(c.ctx(), k, m.GetNamespace(), m.GetName(), "", obj, apiserver.WriteOptions{FieldValidation: "Strict"}); err != nil {
		return "", err
	}
	return name + "/" + m.GetName() + " configured", nil
}

func kindFor(gvk schema.GroupVersionKind) *kinds.Kind {
	for _, k := range kinds.All {
		if k.GVK == gvk {
			return k
		}
	}
	return nil
}

// Kind finds a served kind by plural, short name or kind name
// (case-insensitive), as kubectl resolves "po", "deploy", "Pod".
func Kind(name string) *kinds.Kind {
	n := strings.ToLower(name)
	for _, k := range kinds.All {
		if k.Plural == n || k.Singular == n || strings.ToLower(k.GVK.Kind) == n {
			return k
		}
		for _, s := range k.ShortNames {
			if s == n {
				return k
			}
		}
	}
	return nil
}

// Get returns a copy of one object.
func (c *Cluster) Get(k *kinds.Kind, ns, name string) (runtime.Object, error) {
	return c.Store.Get(k, ns, name)
}

// List returns copies of a kind's objects in ns ("" = all namespaces).
func (c *Cluster) List(k *kinds.Kind, ns string) []runtime.Object {
	objs, _ := c.Store.List(k, store.ListOptions{Namespace: ns})
	return objs
}

// Delete deletes an object as `kubectl delete` would (background cascade).
func (c *Cluster) Delete(k *kinds.Kind, ns, name string) error {
	var err error
	c.onLoopIdle(func() { _, _, err = c.API.Delete(c.ctx(), k, ns, name, &metav1.DeleteOptions{}) })
	return err
}

// Subscribe returns the narration stream from now on.
func (c *Cluster) Subscribe() *events.Subscription { return c.Bus.Subscribe() }

// History returns the retained narration, oldest first.
func (c *Cluster) History() []events.Event { return c.Bus.History() }

// Logs writes a container's log.
func (c *Cluster) Logs(ctx context.Context, ns, pod string, opts *corev1.PodLogOptions, w io.Writer) error {
	return c.Kubelet.PodLogs(ctx, ns, pod, opts, w)
}

// Exec runs a command in a container.
func (c *Cluster) Exec(ctx context.Context, ns, pod, container string, cmd []string, s apiserver.ExecStreams) (int, error) {
	return c.Kubelet.PodExec(ctx, ns, pod, container, cmd, s)
}

// Curl fetches url with GET from a client inside the cluster network (in
// namespace ns, for short Service names) and returns what curl would print.
func (c *Cluster) Curl(ctx context.Context, ns, rawURL string, timeout time.Duration) (string, error) {
	if !strings.Contains(rawURL, "://") {
		rawURL = "http://" + rawURL
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("curl: (3) URL using bad/illegal format or missing URL")
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
	}
	ips, err := c.Proxy.LookupHost(ns, host)
	if err != nil || len(ips) == 0 {
		return "", fmt.Errorf("curl: (6) Could not resolve host: %s", host)
	}
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := c.Proxy.Dial(cctx, net.JoinHostPort(ips[0], port))
	if err != nil {
		return "", fmt.Errorf("curl: (7) Failed to connect to %s port %s after 0 ms: Couldn't connect to server", host, port)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(timeout))
	req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	req.Header.Set("User-Agent", "curl/8.5.0")
	req.Header.Set("Accept", "*/*")
	if err := req.Write(conn); err != nil {
		return "", fmt.Errorf("curl: (56) Recv failure: Connection reset by peer")
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return "", fmt.Errorf("curl: (52) Empty reply from server")
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(body), nil
}
