package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/duration"

	"kubetour/engine"
)

// objNode is one row of the objects tree with its children. The tree is
// rebuilt from each snapshot (O(objects)); drawing only walks the rows on
// screen.
type objNode struct {
	key        string // kind/namespace/name: stable across snapshots, for the cursor and expansion
	uid        string
	kind       string // Kubernetes kind, "" for a group row
	short      string // kubectl's short name: deploy, rs, po …
	ns, name   string
	label      string // what the row says when it is a group (a namespace, "config and storage")
	class      statusClass
	status     string
	ready      string
	differs    bool // desired and observed disagree
	info       string
	age        string
	obj        runtime.Object
	children   []*objNode
	defaultOff bool // collapsed until the student opens it
}

// shortNames are kubectl's short names, used in rows as in commands.
var shortNames = map[string]string{
	"Namespace": "ns", "Deployment": "deploy", "ReplicaSet": "rs", "Pod": "po", "DaemonSet": "ds", "StatefulSet": "sts",
	"Job": "job", "CronJob": "cj", "Service": "svc", "ReplicationController": "rc", "ConfigMap": "cm", "Secret": "secret",
	"PersistentVolumeClaim": "pvc", "ResourceQuota": "quota", "LimitRange": "limits", "HorizontalPodAutoscaler": "hpa",
	"Endpoints": "ep",
}

// kubectlResource is how `kubectl describe`/`delete` name a kind.
var kubectlResource = map[string]string{
	"Deployment": "deployment", "ReplicaSet": "replicaset", "Pod": "pod", "DaemonSet": "daemonset", "StatefulSet": "statefulset",
	"Job": "job", "CronJob": "cronjob", "Service": "service", "ReplicationController": "replicationcontroller",
	"ConfigMap": "configmap", "Secret": "secret", "PersistentVolumeClaim": "persistentvolumeclaim",
	"ResourceQuota": "resourcequota", "LimitRange": "limitrange", "HorizontalPodAutoscaler": "horizontalpodautoscaler",
	"Namespace": "namespace", "Endpoints": "endpoints",
}

func objKey(kind, ns, name string) string { return kind + "/" + ns + "/" + name }

// systemNamespaces start collapsed: the student's own objects come first.
var systemNamespaces = map[string]bool{"kube-system": true, "kube-public": true, "kube-node-lease": true}

// buildTree arranges a snapshot as namespaces → owners → pods: Deployment →
// ReplicaSet → Pod, CronJob → Job → Pod, DaemonSet/StatefulSet/Job → Pod,
// Service → its endpoints, then pods without an owner, then configuration
// and storage.
func buildTree(s engine.Snapshot, t *Text) []*objNode {
	now := s.Time
	byOwner := map[string][]runtime.Object{} // controller owner UID → owned objects
	owned := map[string]bool{}               // UIDs of objects with a controller owner we know
	// Only owners the tree draws children under count: a static pod's
	// mirror is owned by its Node, which is not in the tree, and must
	// still be listed in its namespace.
	uids := map[string]bool{}
	for _, plural := range []string{"deployments", "replicasets", "replicationcontrollers", "daemonsets", "statefulsets", "cronjobs", "jobs"} {
		for _, o := range s.Objects[plural] {
			if m, err := meta.Accessor(o); err == nil {
				uids[string(m.GetUID())] = true
			}
		}
	}
	for _, plural := range []string{"replicasets", "pods", "jobs"} {
		for _, o := range s.Objects[plural] {
			m, _ := meta.Accessor(o)
			if ref := metav1.GetControllerOfNoCopy(m); ref != nil && uids[string(ref.UID)] {
				byOwner[string(ref.UID)] = append(byOwner[string(ref.UID)], o)
				owned[string(m.GetUID())] = true
			}
		}
	}
	endpoints := map[string]*corev1.Endpoints{}
	for _, o := range s.Objects["endpoints"] {
		e := o.(*corev1.Endpoints)
		endpoints[e.Namespace+"/"+e.Name] = e
	}

	nsNodes := map[string]*objNode{}
	var order []string
	nsNode := func(ns string) *objNode {
		if n, ok := nsNodes[ns]; ok {
			return n
		}
		n := &objNode{key: objKey("Namespace", "", ns), kind: "Namespace", short: "ns", name: ns, label: ns,
			class: classOK, defaultOff: systemNamespaces[ns]}
		nsNodes[ns] = n
		order = append(order, ns)
		return n
	}
	for _, o := range s.Objects["namespaces"] {
		n := o.(*corev1.Namespace)
		node := nsNode(n.Name)
		node.obj, node.uid = n, string(n.UID)
		node.age = age(n.CreationTimestamp, now)
		node.status = string(n.Status.Phase)
		if n.Status.Phase == corev1.NamespaceTerminating {
			node.class = classTerminating
		}
	}

	var podNode func(p *corev1.Pod) *objNode
	podNode = func(p *corev1.Pod) *objNode {
		st, cl, ready, restarts := podStatus(p)
		info := p.Spec.NodeName
		if p.Status.PodIP != "" {
			info += " " + p.Status.PodIP
		}
		if restarts > 0 {
			info = fmt.Sprintf("↻%d %s", restarts, info)
		}
		return &objNode{key: objKey("Pod", p.Namespace, p.Name), uid: string(p.UID), kind: "Pod", short: "po", ns: p.Namespace,
			name: p.Name, class: cl, status: st, ready: ready, info: strings.TrimSpace(info), age: age(p.CreationTimestamp, now), obj: p}
	}
	children := func(uid string, build func(runtime.Object) *objNode) []*objNode {
		var out []*objNode
		for _, o := range byOwner[uid] {
			out = append(out, build(o))
		}
		sortNodes(out)
		return out
	}
	asPod := func(o runtime.Object) *objNode {
		if p, ok := o.(*corev1.Pod); ok {
			return podNode(p)
		}
		return nil
	}
	rsNode := func(rs *appsv1.ReplicaSet) *objNode {
		st, cl, ready, differs := replicaSetStatus(rs)
		n := &objNode{key: objKey("ReplicaSet", rs.Namespace, rs.Name), uid: string(rs.UID), kind: "ReplicaSet", short: "rs",
			ns: rs.Namespace, name: rs.Name, class: cl, status: st, ready: ready, differs: differs,
			info: "rev " + rs.Annotations["deployment.kubernetes.io/revision"], age: age(rs.CreationTimestamp, now), obj: rs}
		n.children = children(string(rs.UID), asPod)
		n.defaultOff = rs.Spec.Replicas != nil && *rs.Spec.Replicas == 0 && len(n.children) == 0
		if n.info == "rev " {
			n.info = ""
		}
		return n
	}
	jobNode := func(j *batchv1.Job) *objNode {
		st, cl, ready, differs := jobStatus(j)
		n := &objNode{key: objKey("Job", j.Namespace, j.Name), uid: string(j.UID), kind: "Job", short: "job", ns: j.Namespace,
			name: j.Name, class: cl, status: st, ready: ready, differs: differs, age: age(j.CreationTimestamp, now), obj: j}
		n.children = children(string(j.UID), asPod)
		return n
	}
	add := func(ns string, n *objNode) { p := nsNode(ns); p.children = append(p.children, n) }

	// Owners first, in the order a course meets them.
	var top []*objNode
	for _, o := range s.Objects["deployments"] {
		d := o.(*appsv1.Deployment)
		st, cl, ready, differs := deploymentStatus(d)
		n := &objNode{key: objKey("Deployment", d.Namespace, d.Name), uid: string(d.UID), kind: "Deployment", short: "deploy",
			ns: d.Namespace, name: d.Name, class: cl, status: st, ready: ready, differs: differs,
			info: fmt.Sprintf("up-to-date %d, available %d", d.Status.UpdatedReplicas, d.Status.AvailableReplicas),
			age:  age(d.CreationTimestamp, now), obj: d}
		n.children = children(string(d.UID), func(o runtime.Object) *objNode {
			if rs, ok := o.(*appsv1.ReplicaSet); ok {
				return rsNode(rs)
			}
			return asPod(o)
		})
		// The newest ReplicaSet first: that is where the rollout goes.
		sort.SliceStable(n.children, func(i, j int) bool { return revision(n.children[i]) > revision(n.children[j]) })
		top = append(top, n)
	}
	for _, o := range s.Objects["replicasets"] {
		rs := o.(*appsv1.ReplicaSet)
		if !owned[string(rs.UID)] {
			top = append(top, rsNode(rs))
		}
	}
	for _, o := range s.Objects["replicationcontrollers"] {
		rc := o.(*corev1.ReplicationController)
		want := int32(1)
		if rc.Spec.Replicas != nil {
			want = *rc.Spec.Replicas
		}
		cl, st := classOK, "Ready"
		if rc.Status.ReadyReplicas != want {
			cl, st = classPending, "Scaling"
		}
		n := &objNode{key: objKey("ReplicationController", rc.Namespace, rc.Name), uid: string(rc.UID), kind: "ReplicationController",
			short: "rc", ns: rc.Namespace, name: rc.Name, class: cl, status: st, ready: fmt.Sprintf("%d/%d", rc.Status.ReadyReplicas, want),
			differs: rc.Status.ReadyReplicas != want, age: age(rc.CreationTimestamp, now), obj: rc}
		n.children = children(string(rc.UID), asPod)
		top = append(top, n)
	}
	for _, o := range s.Objects["daemonsets"] {
		ds := o.(*appsv1.DaemonSet)
		st, cl, ready, differs := daemonSetStatus(ds)
		n := &objNode{key: objKey("DaemonSet", ds.Namespace, ds.Name), uid: string(ds.UID), kind: "DaemonSet", short: "ds",
			ns: ds.Namespace, name: ds.Name, class: cl, status: st, ready: ready, differs: differs, age: age(ds.CreationTimestamp, now), obj: ds}
		n.children = children(string(ds.UID), asPod)
		top = append(top, n)
	}
	for _, o := range s.Objects["statefulsets"] {
		ss := o.(*appsv1.StatefulSet)
		st, cl, ready, differs := statefulSetStatus(ss)
		n := &objNode{key: objKey("StatefulSet", ss.Namespace, ss.Name), uid: string(ss.UID), kind: "StatefulSet", short: "sts",
			ns: ss.Namespace, name: ss.Name, class: cl, status: st, ready: ready, differs: differs, age: age(ss.CreationTimestamp, now), obj: ss}
		n.children = children(string(ss.UID), asPod)
		top = append(top, n)
	}
	for _, o := range s.Objects["cronjobs"] {
		cj := o.(*batchv1.CronJob)
		st, cl, ready, differs := cronJobStatus(cj)
		info := ""
		if cj.Status.LastScheduleTime != nil {
			info = "last " + age(*cj.Status.LastScheduleTime, now) + " ago"
		}
		n := &objNode{key: objKey("CronJob", cj.Namespace, cj.Name), uid: string(cj.UID), kind: "CronJob", short: "cj",
			ns: cj.Namespace, name: cj.Name, class: cl, status: st, ready: ready, differs: differs, info: info, age: age(cj.CreationTimestamp, now), obj: cj}
		n.children = children(string(cj.UID), func(o runtime.Object) *objNode {
			if j, ok := o.(*batchv1.Job); ok {
				return jobNode(j)
			}
			return asPod(o)
		})
		top = append(top, n)
	}
	for _, o := range s.Objects["jobs"] {
		j := o.(*batchv1.Job)
		if !owned[string(j.UID)] {
			top = append(top, jobNode(j))
		}
	}
	for _, o := range s.Objects["services"] {
		svc := o.(*corev1.Service)
		top = append(top, serviceNode(svc, endpoints[svc.Namespace+"/"+svc.Name], now, t))
	}
	for _, o := range s.Objects["pods"] {
		p := o.(*corev1.Pod)
		if !owned[string(p.UID)] {
			top = append(top, podNode(p))
		}
	}
	for _, n := range top {
		add(n.ns, n)
	}
	otherNodes(s, now, t, func(ns string, n *objNode) {
		parent := nsNode(ns)
		var group *objNode
		for _, c := range parent.children {
			if c.kind == "" {
				group = c
			}
		}
		if group == nil {
			group = &objNode{key: objKey("", ns, "~other"), ns: ns, label: t.Other, defaultOff: true}
			parent.children = append(parent.children, group)
		}
		group.children = append(group.children, n)
	})

	// default first (where the student works), system namespaces last.
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if (a == "default") != (b == "default") {
			return a == "default"
		}
		if systemNamespaces[a] != systemNamespaces[b] {
			return !systemNamespaces[a]
		}
		return a < b
	})
	out := make([]*objNode, 0, len(order))
	for _, ns := range order {
		n := nsNodes[ns]
		n.info = fmt.Sprintf("%d %s", countPods(n), t.PodsOn)
		out = append(out, n)
	}
	return out
}

func serviceNode(svc *corev1.Service, ep *corev1.Endpoints, now time.Time, t *Text) *objNode {
	var ports []string
	for _, p := range svc.Spec.Ports {
		s := fmt.Sprint(p.Port)
		if p.NodePort != 0 {
			s += fmt.Sprintf(":%d", p.NodePort)
		}
		ports = append(ports, s+"/"+string(p.Protocol))
	}
	n := &objNode{key: objKey("Service", svc.Namespace, svc.Name), uid: string(svc.UID), kind: "Service", short: "svc",
		ns: svc.Namespace, name: svc.Name, status: string(svc.Spec.Type), class: classOK,
		info: strings.TrimSpace(svc.Spec.ClusterIP + " " + strings.Join(ports, ",")), age: age(svc.CreationTimestamp, now), obj: svc}
	ready, notReady := 0, 0
	if ep != nil {
		for _, ss := range ep.Subsets {
			port := ""
			if len(ss.Ports) > 0 {
				port = fmt.Sprintf(":%d", ss.Ports[0].Port)
			}
			for _, a := range ss.Addresses {
				ready++
				n.children = append(n.children, endpointNode(svc, a, port, classOK, "ready"))
			}
			for _, a := range ss.NotReadyAddresses {
				notReady++
				n.children = append(n.children, endpointNode(svc, a, port, classPending, "not ready"))
			}
		}
	}
	n.ready = fmt.Sprintf("%d/%d", ready, ready+notReady)
	if svc.Spec.Selector != nil && ready == 0 {
		// A Service whose selector matches no ready pod answers nobody.
		n.class, n.differs = classPending, true
		n.ready = t.NoEndpoints
	}
	return n
}

func endpointNode(svc *corev1.Service, a corev1.EndpointAddress, port string, cl statusClass, status string) *objNode {
	target := ""
	if a.TargetRef != nil {
		target = strings.ToLower(a.TargetRef.Kind) + "/" + a.TargetRef.Name
	}
	return &objNode{key: objKey("Endpoint", svc.Namespace, svc.Name+"/"+a.IP), ns: svc.Namespace, name: a.IP + port,
		short: "ep", kind: "Endpoint", class: cl, status: status, info: target}
}

// otherNodes lists configuration and storage objects under a namespace's
// collapsed "config and storage" group.
func otherNodes(s engine.Snapshot, now time.Time, t *Text, add func(ns string, n *objNode)) {
	for _, plural := range []string{"configmaps", "secrets", "persistentvolumeclaims", "resourcequotas", "limitranges", "horizontalpodautoscalers"} {
		for _, o := range s.Objects[plural] {
			m, err := meta.Accessor(o)
			if err != nil {
				continue
			}
			kind := kindOf(o)
			n := &objNode{key: objKey(kind, m.GetNamespace(), m.GetName()), uid: string(m.GetUID()), kind: kind, short: shortNames[kind],
				ns: m.GetNamespace(), name: m.GetName(), age: age(m.GetCreationTimestamp(), now), obj: o}
			switch v := o.(type) {
			case *corev1.PersistentVolumeClaim:
				n.status, n.class = pvcStatus(v)
				n.info = v.Spec.VolumeName
			case *corev1.ConfigMap:
				n.info = fmt.Sprintf("%d keys", len(v.Data)+len(v.BinaryData))
			case *corev1.Secret:
				n.info = fmt.Sprintf("%s, %d keys", v.Type, len(v.Data))
			case *corev1.ResourceQuota:
				n.info = quotaSummary(v)
			}
			add(m.GetNamespace(), n)
		}
	}
}

func quotaSummary(q *corev1.ResourceQuota) string {
	var parts []string
	for name, hard := range q.Status.Hard {
		used := q.Status.Used[name]
		parts = append(parts, fmt.Sprintf("%s %s/%s", name, used.String(), hard.String()))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func kindOf(o runtime.Object) string {
	switch o.(type) {
	case *corev1.ConfigMap:
		return "ConfigMap"
	case *corev1.Secret:
		return "Secret"
	case *corev1.PersistentVolumeClaim:
		return "PersistentVolumeClaim"
	case *corev1.ResourceQuota:
		return "ResourceQuota"
	case *corev1.LimitRange:
		return "LimitRange"
	}
	if k := o.GetObjectKind().GroupVersionKind().Kind; k != "" {
		return k
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", o), "*v1.")
}

func revision(n *objNode) int {
	if rs, ok := n.obj.(*appsv1.ReplicaSet); ok {
		var r int
		fmt.Sscan(rs.Annotations["deployment.kubernetes.io/revision"], &r)
		return r
	}
	return -1
}

func sortNodes(ns []*objNode) {
	sort.Slice(ns, func(i, j int) bool {
		if ns[i].kind != ns[j].kind {
			return ns[i].kind > ns[j].kind // ReplicaSets before Pods
		}
		return ns[i].name < ns[j].name
	})
}

func countPods(n *objNode) int {
	c := 0
	for _, ch := range n.children {
		if ch.kind == "Pod" {
			c++
		}
		c += countPods(ch)
	}
	return c
}

// age is kubectl's AGE column, from cluster time.
func age(t metav1.Time, now time.Time) string {
	if t.IsZero() || now.IsZero() {
		return ""
	}
	return duration.HumanDuration(now.Sub(t.Time))
}
