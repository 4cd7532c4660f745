// Package apiserver is the Kubernetes API over the engine's store: the
// in-process API every engine component writes through (so admission applies
// to controller-made pods too, as on a real cluster), and its HTTP face that
// kubectl, client-go and k9s talk to.
package apiserver

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"net/netip"
	"sync"
	"time"

	jsonpatch "github.com/evanphx/json-patch"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"

	"kubetour/engine/admission"
	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// Rejection is reported for every write admission or validation refused, so
// the narration (and lesson checks such as "a pod was rejected with
// exceeded quota") can see what the student ran into.
type Rejection struct {
	Verb      string
	Kind      *kinds.Kind
	Namespace string
	Name      string
	Err       error
}

// API is the in-process Kubernetes API.
type API struct {
	Store    *store.Store
	Now      func() time.Time
	OnReject func(Rejection)
	// ServiceCIDR is where ClusterIPs come from (zero: the default range).
	ServiceCIDR netip.Prefix

	mu  sync.Mutex
	rnd *rand.Rand
}

// NewAPI returns the API over st. seed makes generated values (service IPs,
// NodePorts, token volume names) repeatable.
func NewAPI(st *store.Store, now func() time.Time, seed int64) *API {
	return &API{Store: st, Now: now, rnd: rand.New(rand.NewSource(seed))}
}

// WriteOptions are the query parameters of a write.
type WriteOptions struct {
	DryRun          bool
	FieldValidation string
	// Internal writes (controllers) skip the namespace-terminating check
	// only for cleanup; everything else is admitted as for a user.
	Internal bool
	// Owned hands the object over (store.UpdateOptions.Owned): the caller
	// does not touch it again and reads the result without changing it.
	Owned bool
}

type lister struct{ st *store.Store }

func (l lister) List(resource, ns string) ([]runtime.Object, error) {
	k := kinds.Core(resource)
	if k == nil {
		return nil, nil
	}
	objs, _ := l.st.List(k, store.ListOptions{Namespace: ns})
	return objs, nil
}

func (l lister) Get(resource, ns, name string) (runtime.Object, error) {
	k := kinds.Core(resource)
	if k == nil {
		return nil, apierrors.NewNotFound(corev1.Resource(resource), name)
	}
	return l.st.Get(k, ns, name)
}

// Lister reads the store the way admission does.
func (a *API) Lister() admission.Lister { return lister{a.Store} }

func (a *API) reject(verb string, k *kinds.Kind, ns, name string, err error) error {
	if err != nil && a.OnReject != nil {
		a.OnReject(Rejection{Verb: verb, Kind: k, Namespace: ns, Name: name, Err: err})
	}
	return err
}

// admit runs defaulting, the admission plugins and validation, in the API
// server's order (admission.Process).
func (a *API) admit(attr *admission.Attributes) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	attr.ServiceCIDR = a.ServiceCIDR
	return admission.Process(attr, a.Lister(), a.rnd)
}

// Create admits and stores a new object in namespace ns.
func (a *API) Create(ctx context.Context, k *kinds.Kind, ns string, obj runtime.Object, o WriteOptions) (runtime.Object, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	if k.Namespaced {
		if m.GetNamespace() != "" && ns != "" && m.GetNamespace() != ns {
			return nil, a.reject("create", k, ns, m.GetName(), apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request"))
		}
		if ns == "" {
			ns = m.GetNamespace()
		}
		if ns == "" {
			ns = metav1.NamespaceDefault
		}
		m.SetNamespace(ns)
	} else {
		m.SetNamespace("")
	}
	// Fields a client may not set on create.
	m.SetResourceVersion("")
	m.SetDeletionTimestamp(nil)
	m.SetDeletionGracePeriodSeconds(nil)
	if m.GetUID() == "" {
		// Admission (the Job strategy) needs the uid before storing.
		m.SetUID(types.UID(a.newUID()))
	}
	if m.GetName() == "" && m.GetGenerateName() != "" {
		// The base is cut to 58 characters so the name stays within 63.
		base := m.GetGenerateName()
		if len(base) > 58 {
			base = base[:58]
		}
		m.SetName(base + a.suffix())
	}
	attr := &admission.Attributes{Op: admission.Create, Resource: k.Plural, Namespace: ns, Name: m.GetName(), Object: obj}
	if err := a.admit(attr); err != nil {
		return nil, a.reject("create", k, ns, m.GetName(), err)
	}
	if o.DryRun {
		return attr.Object, nil
	}
	create := a.Store.Create
	if o.Owned {
		create = a.Store.CreateOwned
	}
	out, err := create(k, attr.Object)
	return out, a.reject("create", k, ns, m.GetName(), err)
}

// newUID makes a random-looking but seeded uid.
func (a *API) newUID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := make([]byte, 16)
	a.rnd.Read(b)
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// suffix is the 5-character random tail of generateName, from the same
// alphabet the API server uses (no vowels, no look-alikes).
func (a *API) suffix() string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	a.mu.Lock()
	defer a.mu.Unlock()
	b := make([]byte, 5)
	for i := range b {
		b[i] = alphabet[a.rnd.Intn(len(alphabet))]
	}
	return string(b)
}

// NameSuffix exposes the generateName alphabet to controllers (pod names of
// ReplicaSets and Jobs).
func (a *API) NameSuffix() string { return a.suffix() }

// Update admits and stores a new state of an existing object. sub is ""
// or "status".
func (a *API) Update(ctx context.Context, k *kinds.Kind, ns, name, sub string, obj runtime.Object, o WriteOptions) (runtime.Object, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	if m.GetName() != "" && m.GetName() != name {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", m.GetName(), name))
	}
	m.SetName(name)
	if k.Namespaced {
		if m.GetNamespace() != "" && m.GetNamespace() != ns {
			return nil, apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
		}
		m.SetNamespace(ns)
	}
	// Admission and the store only read the stored object.
	old, ok := a.Store.Peek(k, ns, name)
	if !ok {
		return nil, apierrors.NewNotFound(schema.GroupResource{Group: k.GVK.Group, Resource: k.Plural}, name)
	}
	// System fields come from the stored object, whatever the client sent
	// (BeforeUpdate in the API server).
	om, _ := meta.Accessor(old)
	m.SetCreationTimestamp(om.GetCreationTimestamp())
	m.SetGeneration(om.GetGeneration())
	m.SetDeletionTimestamp(om.GetDeletionTimestamp())
	m.SetDeletionGracePeriodSeconds(om.GetDeletionGracePeriodSeconds())
	if m.GetUID() == "" {
		m.SetUID(om.GetUID())
	}
	attr := &admission.Attributes{Op: admission.Update, Resource: k.Plural, Subresource: sub, Namespace: ns, Name: name, Object: obj, OldObject: old}
	if err := a.admit(attr); err != nil {
		return nil, a.reject("update", k, ns, name, err)
	}
	if o.DryRun {
		return attr.Object, nil
	}
	out, err := a.Store.Update(k, attr.Object, store.UpdateOptions{Status: sub == "status", KeepStatus: sub == "" && hasStatusSub(k), Owned: o.Owned})
	return out, a.reject("update", k, ns, name, err)
}

func hasStatusSub(k *kinds.Kind) bool { return k.HasSub("status") }

// Patch applies a JSON, merge or strategic-merge patch to the stored object
// and updates it, retrying on a concurrent change as the API server does.
func (a *API) Patch(ctx context.Context, k *kinds.Kind, ns, name, sub string, pt types.PatchType, patch []byte, o WriteOptions) (runtime.Object, error) {
	for attempt := 0; ; attempt++ {
		cur, err := a.Store.Get(k, ns, name)
		if err != nil {
			return nil, err
		}
		setGVK(cur, k.GVK)
		orig, err := json.Marshal(cur)
		if err != nil {
			return nil, apierrors.NewInternalError(err)
		}
		patched, err := applyPatch(k, pt, orig, patch)
		if err != nil {
			return nil, err
		}
		obj, _, err := decodeBytes(patched, "application/json", k, o.FieldValidation)
		if err != nil {
			return nil, err
		}
		out, err := a.Update(ctx, k, ns, name, sub, obj, o)
		if apierrors.IsConflict(err) && attempt < 5 && !patchSetsRV(patch) {
			continue
		}
		return out, err
	}
}

func patchSetsRV(patch []byte) bool {
	var m struct {
		Metadata struct {
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
	}
	_ = json.Unmarshal(patch, &m)
	return m.Metadata.ResourceVersion != ""
}

func applyPatch(k *kinds.Kind, pt types.PatchType, orig, patch []byte) ([]byte, error) {
	switch pt {
	case types.JSONPatchType:
		p, err := jsonpatch.DecodePatch(patch)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		out, err := p.Apply(orig)
		if err != nil {
			return nil, apierrors.NewGenericServerResponse(http.StatusUnprocessableEntity, "", schema.GroupResource{}, "", err.Error(), 0, false)
		}
		return out, nil
	case types.MergePatchType:
		out, err := jsonpatch.MergePatch(orig, patch)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		return out, nil
	case types.StrategicMergePatchType:
		out, err := strategicpatch.StrategicMergePatch(orig, patch, k.New())
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		return out, nil
	case types.ApplyYAMLPatchType, types.ApplyCBORPatchType:
		return nil, unsupportedMediaType(string(pt) + " (server-side apply is not supported by kubetour yet; use client-side kubectl apply)")
	}
	return nil, unsupportedMediaType(string(pt))
}

// Delete deletes an object with the request's options.
func (a *API) Delete(ctx context.Context, k *kinds.Kind, ns, name string, opts *metav1.DeleteOptions) (runtime.Object, bool, error) {
	so := store.DeleteOptions{}
	if opts != nil {
		so.GracePeriod = opts.GracePeriodSeconds
		so.Preconditions = opts.Preconditions
		policy := opts.PropagationPolicy
		if policy == nil && opts.OrphanDependents != nil && *opts.OrphanDependents {
			o := metav1.DeletePropagationOrphan
			policy = &o
		}
		if policy != nil {
			switch *policy {
			case metav1.DeletePropagationOrphan:
				so.AddFinalizers = []string{metav1.FinalizerOrphanDependents}
			case metav1.DeletePropagationForeground:
				so.AddFinalizers = []string{metav1.FinalizerDeleteDependents}
			}
		}
		if len(opts.DryRun) > 0 {
			obj, err := a.Store.Get(k, ns, name)
			return obj, false, err
		}
	}
	if k.Plural == "namespaces" && k.GVK.Group == "" {
		return a.deleteNamespace(name)
	}
	return a.Store.Delete(k, ns, name, so)
}

// deleteNamespace moves a namespace to Terminating; the namespace
// controller empties it and removes the "kubernetes" finalizer.
func (a *API) deleteNamespace(name string) (runtime.Object, bool, error) {
	k := kinds.Core("namespaces")
	if name == "default" || name == "kube-system" || name == "kube-public" {
		return nil, false, apierrors.NewForbidden(corev1.Resource("namespaces"), name, fmt.Errorf("this namespace may not be deleted"))
	}
	obj, err := a.Store.Get(k, "", name)
	if err != nil {
		return nil, false, err
	}
	ns := obj.(*corev1.Namespace)
	if len(ns.Spec.Finalizers) == 0 {
		return a.Store.Delete(k, "", name, store.DeleteOptions{})
	}
	if ns.DeletionTimestamp == nil {
		// The spec finalizer "kubernetes" keeps the object, Terminating,
		// until the namespace controller has emptied it.
		if _, _, err := a.Store.Delete(k, "", name, store.DeleteOptions{}); err != nil {
			return nil, false, err
		}
		cur, err := a.Store.Get(k, "", name)
		if err != nil {
			return nil, false, err
		}
		ns = cur.(*corev1.Namespace)
		ns.Status.Phase = corev1.NamespaceTerminating
		res, err := a.Store.Update(k, ns, store.UpdateOptions{Status: true})
		return res, false, err
	}
	return obj, false, nil
}

// Scale reads the scale subresource of a scalable kind.
func (a *API) Scale(k *kinds.Kind, ns, name string) (*autoscalingv1.Scale, error) {
	obj, err := a.Store.Get(k, ns, name)
	if err != nil {
		return nil, err
	}
	return toScale(obj)
}

// Bind sets a pending pod's node, refusing a pod already bound as the API
// server does.
func (a *API) Bind(ns, name, node string) error {
	k := kinds.Core("pods")
	obj, err := a.Store.Get(k, ns, name)
	if err != nil {
		return err
	}
	pod := obj.(*corev1.Pod)
	if pod.Spec.NodeName != "" {
		return apierrors.NewConflict(corev1.Resource("pods/binding"), name,
			fmt.Errorf("pod %s is already assigned to node %q", name, pod.Spec.NodeName))
	}
	if pod.DeletionTimestamp != nil {
		return apierrors.NewConflict(corev1.Resource("pods/binding"), name, fmt.Errorf("pod %s is being deleted, cannot be assigned to a host", name))
	}
	pod.Spec.NodeName = node
	// The binding also marks the pod scheduled, in the same write, as the
	// API server's binding storage does.
	setPodScheduled(pod, metav1.NewTime(a.Now().Truncate(time.Second)))
	// Binding is not a change of the pod's spec by its owner: generation stays.
	_, err = a.Store.Update(k, pod, store.UpdateOptions{KeepGeneration: true, Owned: true})
	return err
}

// setPodScheduled sets the PodScheduled condition to True, stamping the
// transition time only when the status changes.
func setPodScheduled(pod *corev1.Pod, now metav1.Time) {
	for i := range pod.Status.Conditions {
		c := &pod.Status.Conditions[i]
		if c.Type != corev1.PodScheduled {
			continue
		}
		if c.Status != corev1.ConditionTrue {
			c.LastTransitionTime = now
		}
		c.Status, c.Reason, c.Message = corev1.ConditionTrue, "", ""
		return
	}
	pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now})
}
