// Package store keeps the cluster's objects: real k8s.io/api values,
// versioned with a single resourceVersion counter as etcd does, handed out as
// copies so no reader can change what another sees, and watched.
package store

import (
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"kubetour/engine/equal"
	"kubetour/engine/kinds"
)

// Change is one committed mutation.
type Change struct {
	Type   watch.EventType // Added, Modified, Deleted
	Kind   *kinds.Kind
	Object runtime.Object // the new state (for Deleted: the last state)
	Old    runtime.Object // nil for Added
	RV     uint64
}

// Store is the object store.
type Store struct {
	mu       sync.RWMutex
	rv       uint64
	data     map[*kinds.Kind]map[string]runtime.Object
	watchers map[*Watcher]struct{}
	hooks    []func(Change)
	// log keeps recent changes so a watch can start from an older
	// resourceVersion, as the API server's watch cache does.
	log      []Change
	logLimit int

	now    func() time.Time
	newUID func() types.UID
	suffix func() string
}

// Options configures a store.
type Options struct {
	Now func() time.Time
	// NewUID and NameSuffix make generated identities deterministic in
	// tests and seeded scripts.
	NewUID     func() types.UID
	NameSuffix func() string
}

// New returns an empty store.
func New(o Options) *Store {
	return &Store{
		data:     map[*kinds.Kind]map[string]runtime.Object{},
		watchers: map[*Watcher]struct{}{},
		logLimit: 20000,
		now:      o.Now,
		newUID:   o.NewUID,
		suffix:   o.NameSuffix,
	}
}

// OnChange registers fn to be called, in commit order, for every change. fn
// runs with the store locked: it must only hand the change on (loop.Post),
// never call back into the store.
func (s *Store) OnChange(fn func(Change)) {
	s.mu.Lock()
	s.hooks = append(s.hooks, fn)
	s.mu.Unlock()
}

func key(ns, name string) string { return ns + "/" + name }

// ResourceVersion is the store's current version.
func (s *Store) ResourceVersion() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rv
}

func gr(k *kinds.Kind) schemaGR { return schemaGR{Group: k.GVK.Group, Resource: k.Plural} }

// Get returns a copy of one object.
func (s *Store) Get(k *kinds.Kind, ns, name string) (runtime.Object, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	obj, ok := s.data[k][key(ns, name)]
	if !ok {
		return nil, apierrors.NewNotFound(gr(k).s(), name)
	}
	return obj.DeepCopyObject(), nil
}

// Peek returns the stored object itself, not a copy. Stored objects are
// never changed in place (every write stores a new value), so a reader may
// keep it, but must never modify it: controllers read this way on their hot
// paths, as upstream controllers read their informers' caches.
func (s *Store) Peek(k *kinds.Kind, ns, name string) (runtime.Object, bool) {
	s.mu.RLock()
	obj, ok := s.data[k][key(ns, name)]
	s.mu.RUnlock()
	return obj, ok
}

// ListOptions filter a list.
type ListOptions struct {
	Namespace string // "" = all
	Labels    labels.Selector
	// Field filters on the object; nil keeps all.
	Field func(runtime.Object) bool
}

// List returns copies of the matching objects sorted by namespace and name,
// and the resourceVersion they were read at.
func (s *Store) List(k *kinds.Kind, o ListOptions) ([]runtime.Object, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]runtime.Object, 0, len(s.data[k]))
	for _, obj := range s.data[k] {
		if !matches(obj, o) {
			continue
		}
		out = append(out, obj.DeepCopyObject())
	}
	sortObjects(out)
	return out, s.rv
}

// ListShared is List without the copies: the stored objects themselves,
// sorted the same way, which the caller must not modify (see Peek).
func (s *Store) ListShared(k *kinds.Kind, o ListOptions) []runtime.Object {
	s.mu.RLock()
	type entry struct {
		ns, name string
		obj      runtime.Object
	}
	found := make([]entry, 0, len(s.data[k]))
	for _, obj := range s.data[k] {
		if !matches(obj, o) {
			continue
		}
		m, _ := meta.Accessor(obj)
		found = append(found, entry{m.GetNamespace(), m.GetName(), obj})
	}
	s.mu.RUnlock()
	sort.Slice(found, func(i, j int) bool {
		if found[i].ns != found[j].ns {
			return found[i].ns < found[j].ns
		}
		return found[i].name < found[j].name
	})
	out := make([]runtime.Object, len(found))
	for i, e := range found {
		out[i] = e.obj
	}
	return out
}

// Count returns how many objects of kind k are in namespace ns ("" = all),
// without copying them.
func (s *Store) Count(k *kinds.Kind, ns string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if ns == "" {
		return len(s.data[k])
	}
	n := 0
	for _, obj := range s.data[k] {
		if m, _ := meta.Accessor(obj); m.GetNamespace() == ns {
			n++
		}
	}
	return n
}

func matches(obj runtime.Object, o ListOptions) bool {
	m, err := meta.Accessor(obj)
	if err != nil {
		return false
	}
	if o.Namespace != "" && m.GetNamespace() != o.Namespace {
		return false
	}
	if o.Labels != nil && !o.Labels.Matches(labels.Set(m.GetLabels())) {
		return false
	}
	if o.Field != nil && !o.Field(obj) {
		return false
	}
	return true
}

func sortObjects(objs []runtime.Object) {
	sort.Slice(objs, func(i, j int) bool {
		a, _ := meta.Accessor(objs[i])
		b, _ := meta.Accessor(objs[j])
		if a.GetNamespace() != b.GetNamespace() {
			return a.GetNamespace() < b.GetNamespace()
		}
		return a.GetName() < b.GetName()
	})
}

// Create stores a new object. It fills uid, resourceVersion, generation and
// creationTimestamp, and a name from generateName.
func (s *Store) Create(k *kinds.Kind, obj runtime.Object) (runtime.Object, error) {
	return s.create(k, obj, false)
}

// CreateOwned is Create for a caller that hands obj over: the store keeps
// obj itself instead of a copy, and returns it as the stored, read-only
// value. Controllers writing thousands of objects a minute use it; a copy
// per write was most of their cost.
func (s *Store) CreateOwned(k *kinds.Kind, obj runtime.Object) (runtime.Object, error) {
	return s.create(k, obj, true)
}

func (s *Store) create(k *kinds.Kind, obj runtime.Object, owned bool) (runtime.Object, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.GetName() == "" && m.GetGenerateName() != "" {
		// Retry like the API server would on a clash of generated names.
		for i := 0; i < 10; i++ {
			name := m.GetGenerateName() + s.suffix()
			if _, taken := s.data[k][key(m.GetNamespace(), name)]; !taken {
				m.SetName(name)
				break
			}
		}
	}
	if m.GetName() == "" {
		return nil, apierrors.NewInvalid(gr(k).kind(k), "", fieldRequired("metadata.name", "name or generateName is required"))
	}
	if _, exists := s.data[k][key(m.GetNamespace(), m.GetName())]; exists {
		return nil, apierrors.NewAlreadyExists(gr(k).s(), m.GetName())
	}
	if m.GetUID() == "" {
		m.SetUID(s.newUID())
	}
	m.SetCreationTimestamp(metav1.NewTime(s.now().Truncate(time.Second)))
	m.SetGeneration(1)
	m.SetDeletionTimestamp(nil)
	m.SetDeletionGracePeriodSeconds(nil)
	s.rv++
	m.SetResourceVersion(strconv.FormatUint(s.rv, 10))
	stored := obj
	if !owned {
		stored = obj.DeepCopyObject()
	}
	if s.data[k] == nil {
		s.data[k] = map[string]runtime.Object{}
	}
	s.data[k][key(m.GetNamespace(), m.GetName())] = stored
	s.commit(Change{Type: watch.Added, Kind: k, Object: stored, RV: s.rv})
	return s.out(stored, owned), nil
}

// UpdateOptions tune an update.
type UpdateOptions struct {
	// Status updates may change only .status (and keep spec and metadata);
	// other updates keep .status as stored, as the API server does for
	// kinds with a status subresource.
	Status bool
	// KeepStatus makes a main-resource update preserve the stored status.
	KeepStatus bool
	// KeepGeneration leaves generation alone (pod binding).
	KeepGeneration bool
	// Owned hands obj over to the store: the caller must not touch it
	// after the call, and the object returned is the stored one, to be
	// read only. It saves the two copies a write otherwise costs.
	Owned bool
}

// out is what a write returns: the stored value itself to an owner, a
// private copy to anyone else.
func (s *Store) out(stored runtime.Object, owned bool) runtime.Object {
	if owned {
		return stored
	}
	return stored.DeepCopyObject()
}

// Update replaces an object. A non-empty resourceVersion must match the
// stored one (optimistic concurrency). Generation grows when anything but
// metadata and status changes. An object being deleted whose finalizers are
// all gone is removed.
func (s *Store) Update(k *kinds.Kind, obj runtime.Object, o UpdateOptions) (runtime.Object, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := key(m.GetNamespace(), m.GetName())
	old, ok := s.data[k][id]
	if !ok {
		return nil, apierrors.NewNotFound(gr(k).s(), m.GetName())
	}
	om, _ := meta.Accessor(old)
	if rv := m.GetResourceVersion(); rv != "" && rv != om.GetResourceVersion() {
		return nil, apierrors.NewConflict(gr(k).s(), m.GetName(),
			fmt.Errorf("the object has been modified; please apply your changes to the latest version and try again"))
	}
	if m.GetUID() != "" && m.GetUID() != om.GetUID() {
		return nil, apierrors.NewConflict(gr(k).s(), m.GetName(),
			fmt.Errorf("Precondition failed: UID in precondition: %s, UID in object meta: %s", m.GetUID(), om.GetUID()))
	}
	var next runtime.Object
	switch {
	case o.Status:
		next = withStatusOnly(old, obj, o.Owned)
	case o.Owned:
		next = obj
	default:
		next = obj.DeepCopyObject()
	}
	nm, _ := meta.Accessor(next)
	// Fields the client cannot change.
	nm.SetUID(om.GetUID())
	nm.SetCreationTimestamp(om.GetCreationTimestamp())
	nm.SetDeletionTimestamp(om.GetDeletionTimestamp())
	nm.SetDeletionGracePeriodSeconds(om.GetDeletionGracePeriodSeconds())
	nm.SetGeneration(om.GetGeneration())
	if o.KeepStatus && !o.Status {
		copyStatus(old, next)
	}
	if !o.Status && !o.KeepGeneration && specChanged(old, next) {
		nm.SetGeneration(om.GetGeneration() + 1)
	}
	same := false
	if o.Status {
		// Only the status can differ on a status write: compare just that.
		a, _ := structField(old, "Status")
		b, _ := structField(next, "Status")
		same = equal.Semantic(a.Interface(), b.Interface())
	} else {
		same = unchanged(old, next)
	}
	if same {
		// A no-op update does not bump resourceVersion (kubectl apply's
		// "unchanged" relies on this).
		return s.out(old, o.Owned), nil
	}
	s.rv++
	nm.SetResourceVersion(strconv.FormatUint(s.rv, 10))
	if nm.GetDeletionTimestamp() != nil && len(nm.GetFinalizers()) == 0 && !gracefulPending(k, nm) && !held(k, next) {
		delete(s.data[k], id)
		s.commit(Change{Type: watch.Deleted, Kind: k, Object: next, Old: old, RV: s.rv})
		return s.out(next, o.Owned), nil
	}
	s.data[k][id] = next
	s.commit(Change{Type: watch.Modified, Kind: k, Object: next, Old: old, RV: s.rv})
	return s.out(next, o.Owned), nil
}

// gracefulPending reports a pod whose kubelet has not yet finished stopping
// it: it stays, Terminating, until deleted again with grace period zero.
func gracefulPending(k *kinds.Kind, m metav1.Object) bool {
	g := m.GetDeletionGracePeriodSeconds()
	return k.Plural == "pods" && k.GVK.Group == "" && g != nil && *g > 0
}

// DeleteOptions tune a delete.
type DeleteOptions struct {
	// GracePeriod for pods: nil means the pod's own
	// terminationGracePeriodSeconds; 0 removes at once.
	GracePeriod *int64
	// Finalizers to add while marking for deletion (orphan, foregroundDeletion).
	AddFinalizers []string
	Preconditions *metav1.Preconditions
}

// Delete removes an object, or marks it for deletion when finalizers or a
// pod's grace period hold it. It returns the object's state after the call
// and whether it is gone.
func (s *Store) Delete(k *kinds.Kind, ns, name string, o DeleteOptions) (runtime.Object, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := key(ns, name)
	old, ok := s.data[k][id]
	if !ok {
		return nil, false, apierrors.NewNotFound(gr(k).s(), name)
	}
	om, _ := meta.Accessor(old)
	if p := o.Preconditions; p != nil {
		if p.UID != nil && *p.UID != om.GetUID() {
			return nil, false, apierrors.NewConflict(gr(k).s(), name,
				fmt.Errorf("Precondition failed: UID in precondition: %s, UID in object meta: %s", *p.UID, om.GetUID()))
		}
		if p.ResourceVersion != nil && *p.ResourceVersion != om.GetResourceVersion() {
			return nil, false, apierrors.NewConflict(gr(k).s(), name,
				fmt.Errorf("Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %s", *p.ResourceVersion, om.GetResourceVersion()))
		}
	}
	grace := int64(0)
	if isPod(k) {
		grace = podGrace(old, o.GracePeriod)
		// A pod never scheduled or already finished has nothing to stop.
		if podDone(old) {
			grace = 0
		}
	}
	finalizers := om.GetFinalizers()
	for _, f := range o.AddFinalizers {
		if !contains(finalizers, f) {
			finalizers = append(finalizers, f)
		}
	}
	if grace == 0 && len(finalizers) == 0 && !held(k, old) {
		s.rv++
		gone := old.DeepCopyObject()
		gm, _ := meta.Accessor(gone)
		gm.SetResourceVersion(strconv.FormatUint(s.rv, 10))
		if gm.GetDeletionTimestamp() == nil {
			now := metav1.NewTime(s.now().Truncate(time.Second))
			gm.SetDeletionTimestamp(&now)
		}
		delete(s.data[k], id)
		s.commit(Change{Type: watch.Deleted, Kind: k, Object: gone, Old: old, RV: s.rv})
		return gone.DeepCopyObject(), true, nil
	}
	next := old.DeepCopyObject()
	nm, _ := meta.Accessor(next)
	if nm.GetDeletionTimestamp() == nil || (isPod(k) && grace < deref(nm.GetDeletionGracePeriodSeconds())) {
		at := metav1.NewTime(s.now().Add(time.Duration(grace) * time.Second).Truncate(time.Second))
		nm.SetDeletionTimestamp(&at)
		g := grace
		nm.SetDeletionGracePeriodSeconds(&g)
	}
	nm.SetFinalizers(finalizers)
	if isPod(k) && grace == 0 {
		zero := int64(0)
		nm.SetDeletionGracePeriodSeconds(&zero)
	}
	if unchanged(old, next) {
		return next.DeepCopyObject(), false, nil
	}
	s.rv++
	nm.SetResourceVersion(strconv.FormatUint(s.rv, 10))
	s.data[k][id] = next
	s.commit(Change{Type: watch.Modified, Kind: k, Object: next, Old: old, RV: s.rv})
	return next.DeepCopyObject(), false, nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 1<<62 - 1
	}
	return *p
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// commit records a change and hands it to hooks and watchers. Called with
// the lock held, so every observer sees changes in resourceVersion order.
func (s *Store) commit(c Change) {
	if len(s.log) >= s.logLimit {
		n := copy(s.log, s.log[s.logLimit/4:])
		s.log = s.log[:n]
	}
	s.log = append(s.log, c)
	for _, h := range s.hooks {
		h(c)
	}
	for w := range s.watchers {
		w.offer(c)
	}
}
