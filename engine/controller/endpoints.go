package controller

import (
	"fmt"
	"maps"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"kubetour/engine/equal"
	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/store"
	"kubetour/internal/ko"
)

// Endpoints keeps each selector Service's Endpoints and EndpointSlice in
// step with the pods it selects: ready pods as addresses, the others as
// not-ready addresses, as the endpoints and endpointslice controllers do.
type Endpoints struct {
	Deps
	q *Queue
}

// NewEndpoints returns the controller.
func NewEndpoints(d Deps) *Endpoints {
	e := &Endpoints{Deps: d}
	e.q = NewQueue(d.Loop, e.sync)
	return e
}

// Observe maps changes to the Services they concern.
func (e *Endpoints) Observe(c store.Change) {
	switch {
	case is(c, "services"):
		ns, name := nsName(c.Object)
		e.q.Add(key(ns, name))
	case is(c, "pods"):
		pod := c.Object.(*corev1.Pod)
		var old *corev1.Pod
		if c.Old != nil {
			old = c.Old.(*corev1.Pod)
		}
		if old != nil && !endpointRelevant(old, pod) {
			return
		}
		svcs := e.Store.ListShared(kinds.Core("services"), store.ListOptions{Namespace: pod.Namespace})
		for _, obj := range svcs {
			svc := obj.(*corev1.Service)
			if len(svc.Spec.Selector) == 0 {
				continue
			}
			sel := labels.SelectorFromSet(svc.Spec.Selector)
			if sel.Matches(labels.Set(pod.Labels)) || (old != nil && sel.Matches(labels.Set(old.Labels))) {
				e.q.Add(key(svc.Namespace, svc.Name))
			}
		}
	}
}

// endpointRelevant: only changes that can alter an endpoint matter.
func endpointRelevant(old, cur *corev1.Pod) bool {
	return !maps.Equal(old.Labels, cur.Labels) || old.Status.PodIP != cur.Status.PodIP ||
		podReady(old) != podReady(cur) || (old.DeletionTimestamp == nil) != (cur.DeletionTimestamp == nil) ||
		old.Status.Phase != cur.Status.Phase || old.Spec.NodeName != cur.Spec.NodeName
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

type endpoint struct {
	pod   *corev1.Pod
	ready bool
	ports []corev1.EndpointPort
}

func (e *Endpoints) sync(k string) {
	ns, name := splitKey(k)
	obj, err := e.Store.Get(kinds.Core("services"), ns, name)
	if apierrors.IsNotFound(err) {
		// The endpoints go with the Service (the slices by owner reference).
		e.Store.Delete(kinds.Core("endpoints"), ns, name, store.DeleteOptions{})
		e.deleteSlices(ns, name, "")
		return
	}
	if err != nil {
		return
	}
	svc := obj.(*corev1.Service)
	if len(svc.Spec.Selector) == 0 || svc.Spec.Type == corev1.ServiceTypeExternalName {
		return // endpoints are the user's to manage
	}
	pods, _ := e.Store.List(kinds.Core("pods"), store.ListOptions{Namespace: ns, Labels: labels.SelectorFromSet(svc.Spec.Selector)})
	var eps []endpoint
	for _, o := range pods {
		pod := o.(*corev1.Pod)
		if pod.Status.PodIP == "" || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			continue
		}
		if pod.DeletionTimestamp != nil && !svc.Spec.PublishNotReadyAddresses {
			continue
		}
		ep := endpoint{pod: pod, ready: podReady(pod) || svc.Spec.PublishNotReadyAddresses}
		for _, sp := range svc.Spec.Ports {
			port, ok := targetPort(pod, sp)
			if !ok {
				continue
			}
			ep.ports = append(ep.ports, corev1.EndpointPort{Name: sp.Name, Port: port, Protocol: sp.Protocol})
		}
		if len(svc.Spec.Ports) == 0 || len(ep.ports) > 0 {
			eps = append(eps, ep)
		}
	}
	sort.Slice(eps, func(i, j int) bool { return eps[i].pod.Status.PodIP < eps[j].pod.Status.PodIP })
	e.writeEndpoints(svc, eps)
	e.writeSlice(svc, eps)
}

// targetPort resolves a Service port's targetPort for one pod; a named
// port must be declared by one of the pod's containers.
func targetPort(pod *corev1.Pod, sp corev1.ServicePort) (int32, bool) {
	tp := sp.TargetPort
	if tp.Type == intstr.Int {
		if tp.IntVal == 0 {
			return sp.Port, true
		}
		return tp.IntVal, true
	}
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if p.Name == tp.StrVal && p.Protocol == sp.Protocol {
				return p.ContainerPort, true
			}
		}
	}
	return 0, false
}

func (e *Endpoints) writeEndpoints(svc *corev1.Service, eps []endpoint) {
	ek := kinds.Core("endpoints")
	// One subset per distinct port set, as RepackSubsets produces.
	type group struct {
		ports []corev1.EndpointPort
		ready []corev1.EndpointAddress
		not   []corev1.EndpointAddress
	}
	var groups []*group
	find := func(ports []corev1.EndpointPort) *group {
		for _, g := range groups {
			if equal.Semantic(g.ports, ports) {
				return g
			}
		}
		g := &group{ports: ports}
		groups = append(groups, g)
		return g
	}
	for _, ep := range eps {
		node := ep.pod.Spec.NodeName
		addr := corev1.EndpointAddress{IP: ep.pod.Status.PodIP, NodeName: &node,
			TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: ep.pod.Namespace, Name: ep.pod.Name, UID: ep.pod.UID}}
		g := find(ep.ports)
		if ep.ready {
			g.ready = append(g.ready, addr)
		} else {
			g.not = append(g.not, addr)
		}
	}
	var subsets []corev1.EndpointSubset
	for _, g := range groups {
		subsets = append(subsets, corev1.EndpointSubset{Addresses: g.ready, NotReadyAddresses: g.not, Ports: g.ports})
	}
	lbls := map[string]string{}
	for k, v := range svc.Labels {
		lbls[k] = v
	}
	if svc.Spec.ClusterIP == corev1.ClusterIPNone {
		lbls[corev1.IsHeadlessService] = ""
	}
	desired := &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Name: svc.Name, Namespace: svc.Namespace, Labels: lbls},
		Subsets:    subsets,
	}
	cur, err := e.Store.Get(ek, svc.Namespace, svc.Name)
	if apierrors.IsNotFound(err) {
		desired.Annotations = map[string]string{"endpoints.kubernetes.io/last-change-trigger-time": e.now().UTC().Format("2006-01-02T15:04:05Z")}
		e.API.Create(e.ctx(), ek, svc.Namespace, desired, internal)
		e.narrate(svc, eps)
		return
	}
	if err != nil {
		return
	}
	old := cur.(*corev1.Endpoints)
	if equal.Semantic(old.Subsets, desired.Subsets) && equal.Semantic(old.Labels, desired.Labels) {
		return
	}
	old.Subsets, old.Labels = desired.Subsets, desired.Labels
	if old.Annotations == nil {
		old.Annotations = map[string]string{}
	}
	old.Annotations["endpoints.kubernetes.io/last-change-trigger-time"] = e.now().UTC().Format("2006-01-02T15:04:05Z")
	e.API.Update(e.ctx(), ek, svc.Namespace, svc.Name, "", old, internal)
	e.narrate(svc, eps)
}

func (e *Endpoints) narrate(svc *corev1.Service, eps []endpoint) {
	ready := 0
	for _, ep := range eps {
		if ep.ready {
			ready++
		}
	}
	en := fmt.Sprintf("Service %s now sends traffic to %d ready pod(s) out of %d it selects.", svc.Name, ready, len(eps))
	ko := fmt.Sprintf("서비스 %s 이제 셀렉터로 고른 파드 %d개 중 준비된(Ready) %d개로 트래픽을 보냅니다.", ko.With(svc.Name, "은/는"), len(eps), ready)
	if len(eps) == 0 {
		en = fmt.Sprintf("Service %s selects no pod (selector %s): requests to it will fail until a pod with those labels is ready.", svc.Name, labels.SelectorFromSet(svc.Spec.Selector))
		ko = fmt.Sprintf("서비스 %s의 셀렉터(%s)에 맞는 파드가 없어, 그 레이블을 가진 파드가 준비될 때까지 요청이 실패합니다.", svc.Name, labels.SelectorFromSet(svc.Spec.Selector))
	}
	e.Rec.Record(record.Decision{Source: "endpoint-controller", Object: svc, Reason: "EndpointsUpdated", EN: en, KO: ko, NoEvent: true,
		Fields: map[string]string{"ready": strconv.Itoa(ready), "selected": strconv.Itoa(len(eps))}})
}

func (e *Endpoints) writeSlice(svc *corev1.Service, eps []endpoint) {
	sk, _ := kinds.ByResource("discovery.k8s.io", "endpointslices")
	sel := labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: svc.Name})
	existing, _ := e.Store.List(sk, store.ListOptions{Namespace: svc.Namespace, Labels: sel})
	ports := []discoveryv1.EndpointPort{}
	if len(eps) > 0 {
		for _, p := range eps[0].ports {
			p := p
			ports = append(ports, discoveryv1.EndpointPort{Name: &p.Name, Port: &p.Port, Protocol: &p.Protocol})
		}
	}
	var endpoints []discoveryv1.Endpoint
	for _, ep := range eps {
		ready := ep.ready && ep.pod.DeletionTimestamp == nil
		serving := ep.ready
		terminating := ep.pod.DeletionTimestamp != nil
		node := ep.pod.Spec.NodeName
		endpoints = append(endpoints, discoveryv1.Endpoint{
			Addresses:  []string{ep.pod.Status.PodIP},
			Conditions: discoveryv1.EndpointConditions{Ready: &ready, Serving: &serving, Terminating: &terminating},
			NodeName:   &node,
			TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: ep.pod.Namespace, Name: ep.pod.Name, UID: ep.pod.UID},
		})
	}
	lbls := map[string]string{discoveryv1.LabelServiceName: svc.Name, discoveryv1.LabelManagedBy: "endpointslice-controller.k8s.io"}
	for k, v := range svc.Labels {
		lbls[k] = v
	}
	if len(existing) == 0 {
		t := true
		slice := &discoveryv1.EndpointSlice{
			ObjectMeta: metav1.ObjectMeta{GenerateName: svc.Name + "-", Namespace: svc.Namespace, Labels: lbls,
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Service", Name: svc.Name, UID: svc.UID, Controller: &t, BlockOwnerDeletion: &t}}},
			AddressType: discoveryv1.AddressTypeIPv4, Endpoints: endpoints, Ports: ports,
		}
		e.API.Create(e.ctx(), sk, svc.Namespace, slice, internal)
		return
	}
	cur := existing[0].(*discoveryv1.EndpointSlice)
	if equal.Semantic(cur.Endpoints, endpoints) && equal.Semantic(cur.Ports, ports) {
		return
	}
	cur.Endpoints, cur.Ports, cur.Labels = endpoints, ports, lbls
	e.API.Update(e.ctx(), sk, cur.Namespace, cur.Name, "", cur, internal)
}

func (e *Endpoints) deleteSlices(ns, svc, keep string) {
	sk, _ := kinds.ByResource("discovery.k8s.io", "endpointslices")
	sel := labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: svc})
	existing, _ := e.Store.List(sk, store.ListOptions{Namespace: ns, Labels: sel})
	for _, o := range existing {
		_, name := nsName(o)
		if name != keep {
			e.Store.Delete(sk, ns, name, store.DeleteOptions{})
		}
	}
}
