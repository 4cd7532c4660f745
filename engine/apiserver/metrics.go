package apiserver

import (
	"math"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"

	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// The resource metrics API (metrics.k8s.io/v1beta1) is served on a real
// cluster by metrics-server through the aggregation layer: every 15 seconds
// it reads each kubelet's summary API (the containers' cumulative CPU time
// and memory working set), turns the CPU counter into a rate between two
// reads, and answers PodMetrics and NodeMetrics from memory. `kubectl top`
// and the HorizontalPodAutoscaler read it. MetricsServer is that component
// in-process, reading the container runtime instead of kubelets.

// ContainerUsage is the summary API's view of one running container, by
// runtime id: CPU time used since it started (nanoseconds of one core) and
// memory working set (bytes). ok is false for a container not running.
type ContainerUsage interface {
	ContainerUsage(id string) (cpuNanos, memoryBytes int64, ok bool)
}

// MetricsResolution is metrics-server's default --metric-resolution.
const MetricsResolution = 15 * time.Second

// Node overhead: what a node's root cgroup holds besides pods (kubelet,
// containerd, systemd, the kernel's caches), so that `kubectl top nodes`
// shows the few percent an idle kubeadm node does.
const (
	nodeOverheadCPU         = 45 * 1000 * 1000 // nanocores
	nodeOverheadMemory      = 560 << 20
	controlPlaneExtraMemory = 420 << 20
	controlPlaneNodeRoleKey = "node-role.kubernetes.io/control-plane"
)

const (
	metricsGroupPath        = "/apis/metrics.k8s.io"
	metricsGroupVersionPath = "/apis/metrics.k8s.io/v1beta1"
	podMetricsResource      = "pods"
	nodeMetricsResource     = "nodes"
)

// MetricsServer scrapes usage and serves the resource metrics API.
type MetricsServer struct {
	store *store.Store
	usage ContainerUsage
	now   func() time.Time

	mu      sync.RWMutex
	samples map[string]usageSample // container id -> last read
	pods    map[string]metricsv1beta1.PodMetrics
	nodes   map[string]metricsv1beta1.NodeMetrics
	scraped bool
}

type usageSample struct {
	at       time.Time
	cpuNanos int64
}

// NewMetricsServer returns a metrics server over st reading usage. Call
// Start with the engine loop's timer function to begin scraping.
func NewMetricsServer(st *store.Store, usage ContainerUsage, now func() time.Time) *MetricsServer {
	return &MetricsServer{store: st, usage: usage, now: now, samples: map[string]usageSample{},
		pods: map[string]metricsv1beta1.PodMetrics{}, nodes: map[string]metricsv1beta1.NodeMetrics{}}
}

// Start scrapes every MetricsResolution of cluster time; after runs a
// function on the engine loop once that much time has passed.
func (m *MetricsServer) Start(after func(time.Duration, func())) {
	var tick func()
	tick = func() {
		m.Scrape()
		after(MetricsResolution, tick)
	}
	after(MetricsResolution, tick)
}

// Scrape reads every running container once and publishes the rates
// between this read and the previous one. A container needs two reads
// before it has a CPU rate, so a new pod has no metrics for up to two
// resolutions: "metrics not available yet", as on a real cluster.
func (m *MetricsServer) Scrape() {
	now := m.now()
	// Read-only: a scrape copies only what it publishes.
	podObjs := m.store.ListShared(kinds.Core("pods"), store.ListOptions{})
	nodeObjs := m.store.ListShared(kinds.Core("nodes"), store.ListOptions{})

	m.mu.RLock()
	prev := m.samples
	scrapedBefore := m.scraped
	m.mu.RUnlock()

	samples := map[string]usageSample{}
	pods := map[string]metricsv1beta1.PodMetrics{}
	nodeCPU := map[string]int64{}
	nodeMem := map[string]int64{}
	for _, o := range podObjs {
		pod := o.(*corev1.Pod)
		if pod.Spec.NodeName == "" || pod.Status.Phase != corev1.PodRunning {
			continue
		}
		pm := metricsv1beta1.PodMetrics{
			ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, Labels: pod.Labels,
				CreationTimestamp: metav1.NewTime(now)},
			Timestamp: metav1.NewTime(now),
		}
		complete := len(pod.Spec.Containers) > 0
		for _, c := range pod.Spec.Containers {
			id := runningContainerID(pod, c.Name)
			if id == "" {
				complete = false
				continue
			}
			cpu, mem, ok := m.usage.ContainerUsage(id)
			if !ok {
				complete = false
				continue
			}
			samples[id] = usageSample{at: now, cpuNanos: cpu}
			nodeMem[pod.Spec.NodeName] += mem
			last, had := prev[id]
			if !had || !now.After(last.at) || cpu < last.cpuNanos {
				complete = false
				continue
			}
			window := now.Sub(last.at)
			// Nanocores: CPU-nanoseconds per second of the window.
			rate := int64(math.Round(float64(cpu-last.cpuNanos) * float64(time.Second) / float64(window)))
			nodeCPU[pod.Spec.NodeName] += rate
			pm.Window = metav1.Duration{Duration: window}
			pm.Containers = append(pm.Containers, metricsv1beta1.ContainerMetrics{Name: c.Name, Usage: corev1.ResourceList{
				corev1.ResourceCPU:    *resource.NewScaledQuantity(rate, resource.Nano),
				corev1.ResourceMemory: *resource.NewQuantity(mem, resource.BinarySI),
			}})
		}
		// metrics-server reports a pod only when every container has a rate.
		if complete {
			pods[pod.Namespace+"/"+pod.Name] = pm
		}
	}
	nodes := map[string]metricsv1beta1.NodeMetrics{}
	if scrapedBefore {
		for _, o := range nodeObjs {
			n := o.(*corev1.Node)
			mem := int64(nodeOverheadMemory) + nodeMem[n.Name]
			if _, cp := n.Labels[controlPlaneNodeRoleKey]; cp {
				mem += controlPlaneExtraMemory
			}
			nodes[n.Name] = metricsv1beta1.NodeMetrics{
				ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: n.Labels, CreationTimestamp: metav1.NewTime(now)},
				Timestamp:  metav1.NewTime(now),
				Window:     metav1.Duration{Duration: MetricsResolution},
				Usage: corev1.ResourceList{
					corev1.ResourceCPU:    *resource.NewScaledQuantity(nodeOverheadCPU+nodeCPU[n.Name], resource.Nano),
					corev1.ResourceMemory: *resource.NewQuantity(mem, resource.BinarySI),
				},
			}
		}
	}
	m.mu.Lock()
	m.samples, m.pods, m.nodes, m.scraped = samples, pods, nodes, true
	m.mu.Unlock()
}

// runningContainerID is the runtime id of a pod's running container
// (containerID without its "containerd://" scheme).
func runningContainerID(pod *corev1.Pod, name string) string {
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.Name != name || cs.State.Running == nil || cs.ContainerID == "" {
			continue
		}
		if i := strings.Index(cs.ContainerID, "://"); i >= 0 {
			return cs.ContainerID[i+3:]
		}
		return cs.ContainerID
	}
	return ""
}

// PodMetrics returns the latest metrics of the pods of namespace ns ("" for
// all) whose labels match sel, sorted by namespace and name.
func (m *MetricsServer) PodMetrics(ns string, sel labels.Selector) []metricsv1beta1.PodMetrics {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []metricsv1beta1.PodMetrics
	for _, pm := range m.pods {
		if ns != "" && pm.Namespace != ns {
			continue
		}
		if sel != nil && !sel.Matches(labels.Set(pm.Labels)) {
			continue
		}
		out = append(out, *pm.DeepCopy())
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// NodeMetrics returns the latest metrics of every node, by name.
func (m *MetricsServer) NodeMetrics() []metricsv1beta1.NodeMetrics {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]metricsv1beta1.NodeMetrics, 0, len(m.nodes))
	for _, nm := range m.nodes {
		out = append(out, *nm.DeepCopy())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

var metricsGV = metricsv1beta1.SchemeGroupVersion

// metricsGroup is the group as the aggregated metrics-server advertises it.
func metricsGroup() metav1.APIGroup {
	gvd := metav1.GroupVersionForDiscovery{GroupVersion: metricsGV.String(), Version: metricsGV.Version}
	return metav1.APIGroup{Name: metricsGV.Group, Versions: []metav1.GroupVersionForDiscovery{gvd}, PreferredVersion: gvd}
}

// metricsGroups is the discovery hook: the metrics group when it is served.
func (s *Server) metricsGroups() []metav1.APIGroup {
	if s.Metrics == nil {
		return nil
	}
	return []metav1.APIGroup{metricsGroup()}
}

// isMetricsPath reports a request for the metrics.k8s.io group.
func isMetricsPath(p string) bool {
	p = strings.TrimSuffix(p, "/")
	return p == metricsGroupPath || strings.HasPrefix(p, metricsGroupPath+"/")
}

// serveMetrics answers discovery, get and list in metrics.k8s.io.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	if p == metricsGroupPath {
		g := metricsGroup()
		g.TypeMeta = metav1.TypeMeta{Kind: "APIGroup", APIVersion: "v1"}
		writeJSON(w, http.StatusOK, &g)
		return
	}
	if p == metricsGroupVersionPath {
		writeJSON(w, http.StatusOK, &metav1.APIResourceList{
			TypeMeta:     metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
			GroupVersion: metricsGV.String(),
			APIResources: []metav1.APIResource{
				{Name: nodeMetricsResource, Namespaced: false, Kind: "NodeMetrics", Verbs: []string{"get", "list"}},
				{Name: podMetricsResource, Namespaced: true, Kind: "PodMetrics", Verbs: []string{"get", "list"}},
			},
		})
		return
	}
	ri, ok := parseRequest(r)
	if !ok || ri.GV != metricsGV || ri.Subresource != "" ||
		(ri.Resource != podMetricsResource && ri.Resource != nodeMetricsResource) ||
		(ri.Resource == nodeMetricsResource && ri.Namespace != "") {
		writeError(w, notFoundPath(r))
		return
	}
	if ri.Verb != "get" && ri.Verb != "list" {
		writeError(w, apierrors.NewMethodNotSupported(metricsGV.WithResource(ri.Resource).GroupResource(), ri.Verb))
		return
	}
	q := r.URL.Query()
	sel, err := labels.Parse(q.Get("labelSelector"))
	if err != nil {
		writeError(w, apierrors.NewBadRequest(err.Error()))
		return
	}
	fsel, err := fields.ParseSelector(q.Get("fieldSelector"))
	if err != nil {
		writeError(w, apierrors.NewBadRequest(err.Error()))
		return
	}
	table := wantsTable(r)
	if ri.Resource == nodeMetricsResource {
		var items []metricsv1beta1.NodeMetrics
		for _, nm := range s.Metrics.NodeMetrics() {
			if ri.Verb == "get" && nm.Name != ri.Name {
				continue
			}
			if ri.Verb == "list" && (!sel.Matches(labels.Set(nm.Labels)) || !fsel.Matches(fields.Set{"metadata.name": nm.Name})) {
				continue
			}
			nm.TypeMeta = metav1.TypeMeta{Kind: "NodeMetrics", APIVersion: metricsGV.String()}
			items = append(items, nm)
		}
		if ri.Verb == "get" {
			if len(items) == 0 {
				// metrics-server names its resources nodemetrics and podmetrics in errors.
				writeError(w, apierrors.NewNotFound(metricsGV.WithResource("nodemetrics").GroupResource(), ri.Name))
				return
			}
			if table {
				writeJSON(w, http.StatusOK, metricsTable(nodeRows(items)))
				return
			}
			writeJSON(w, http.StatusOK, &items[0])
			return
		}
		if table {
			writeJSON(w, http.StatusOK, metricsTable(nodeRows(items)))
			return
		}
		if items == nil {
			items = []metricsv1beta1.NodeMetrics{}
		}
		writeJSON(w, http.StatusOK, &metricsv1beta1.NodeMetricsList{
			TypeMeta: metav1.TypeMeta{Kind: "NodeMetricsList", APIVersion: metricsGV.String()}, Items: items})
		return
	}
	var items []metricsv1beta1.PodMetrics
	for _, pm := range s.Metrics.PodMetrics(ri.Namespace, nil) {
		if ri.Verb == "get" && pm.Name != ri.Name {
			continue
		}
		if ri.Verb == "list" && (!sel.Matches(labels.Set(pm.Labels)) ||
			!fsel.Matches(fields.Set{"metadata.name": pm.Name, "metadata.namespace": pm.Namespace})) {
			continue
		}
		pm.TypeMeta = metav1.TypeMeta{Kind: "PodMetrics", APIVersion: metricsGV.String()}
		items = append(items, pm)
	}
	if ri.Verb == "get" {
		if len(items) == 0 {
			writeError(w, apierrors.NewNotFound(metricsGV.WithResource("podmetrics").GroupResource(), ri.Namespace+"/"+ri.Name))
			return
		}
		if table {
			writeJSON(w, http.StatusOK, metricsTable(podRows(items)))
			return
		}
		writeJSON(w, http.StatusOK, &items[0])
		return
	}
	if table {
		writeJSON(w, http.StatusOK, metricsTable(podRows(items)))
		return
	}
	if items == nil {
		items = []metricsv1beta1.PodMetrics{}
	}
	writeJSON(w, http.StatusOK, &metricsv1beta1.PodMetricsList{
		TypeMeta: metav1.TypeMeta{Kind: "PodMetricsList", APIVersion: metricsGV.String()}, Items: items})
}

// metricsRow is one object of a metrics Table: metrics-server prints the
// name, each resource summed over containers, and the window.
type metricsRow struct {
	name   string
	usage  corev1.ResourceList
	window time.Duration
	obj    runtime.Object
}

func podRows(items []metricsv1beta1.PodMetrics) []metricsRow {
	rows := make([]metricsRow, 0, len(items))
	for i := range items {
		usage := corev1.ResourceList{}
		for _, c := range items[i].Containers {
			for k, v := range c.Usage {
				u := usage[k]
				u.Add(v)
				usage[k] = u
			}
		}
		rows = append(rows, metricsRow{name: items[i].Name, usage: usage, window: items[i].Window.Duration, obj: &items[i]})
	}
	return rows
}

func nodeRows(items []metricsv1beta1.NodeMetrics) []metricsRow {
	rows := make([]metricsRow, 0, len(items))
	for i := range items {
		rows = append(rows, metricsRow{name: items[i].Name, usage: items[i].Usage, window: items[i].Window.Duration, obj: &items[i]})
	}
	return rows
}

// metricsTable is metrics-server's Table: Name, cpu, memory, Window.
func metricsTable(rows []metricsRow) *metav1.Table {
	t := &metav1.Table{
		TypeMeta: metav1.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"},
		ColumnDefinitions: []metav1.TableColumnDefinition{
			{Name: "Name", Type: "string", Format: "name", Description: "Name of the resource"},
			{Name: "cpu", Type: "string", Format: "quantity"},
			{Name: "memory", Type: "string", Format: "quantity"},
			{Name: "Window", Type: "string", Format: "duration"},
		},
		Rows: []metav1.TableRow{},
	}
	for _, row := range rows {
		cpu, mem := row.usage[corev1.ResourceCPU], row.usage[corev1.ResourceMemory]
		t.Rows = append(t.Rows, metav1.TableRow{
			Cells:  []interface{}{row.name, cpu.String(), mem.String(), row.window.String()},
			Object: runtime.RawExtension{Object: row.obj},
		})
	}
	return t
}
