package controller

import (
	"encoding/json"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/store"
)

// GC is the garbage collector (pkg/controller/garbagecollector). It
// follows ownerReferences:
//   - an object whose owners are all gone is deleted (background cascade,
//     what `kubectl delete` does by default);
//   - an owner deleted in the foreground (finalizer foregroundDeletion)
//     has its dependents deleted first and goes only when none with
//     blockOwnerDeletion is left;
//   - an owner deleted with --cascade=orphan (finalizer orphan) has its
//     reference removed from every dependent, then goes, leaving them.
//
// Upstream keeps a graph of every object from informers; this keeps the
// part it needs from the change stream: which objects name which owner
// uid. Every decision re-reads the objects from the store.
type GC struct {
	Deps
	q *Queue
	// dependents maps an owner's uid to the objects that reference it;
	// owners is the reverse, to keep the first right when references change.
	dependents map[types.UID]map[string]bool
	owners     map[string][]types.UID
}

func init() {
	Register("garbage-collector", func(d Deps) Controller { return NewGC(d) })
}

// NewGC returns the garbage collector.
func NewGC(d Deps) *GC {
	g := &GC{Deps: d, dependents: map[types.UID]map[string]bool{}, owners: map[string][]types.UID{}}
	g.q = NewQueue(d.Loop, g.sync)
	return g
}

// gcKey names an object of any kind: group/plural/namespace/name.
func gcKey(k *kinds.Kind, ns, name string) string {
	return k.GVK.Group + "/" + k.Plural + "/" + ns + "/" + name
}

func parseGCKey(s string) (*kinds.Kind, string, string) {
	p := strings.SplitN(s, "/", 4)
	if len(p) != 4 {
		return nil, "", ""
	}
	k, _ := kinds.ByResource(p[0], p[1])
	return k, p[2], p[3]
}

// ownerKind resolves an ownerReference's apiVersion and kind to a served
// kind; an owner of a kind kubetour does not serve cannot be checked, so
// its dependents are left alone (upstream retries such references forever).
func ownerKind(r metav1.OwnerReference) *kinds.Kind {
	gv, err := schema.ParseGroupVersion(r.APIVersion)
	if err != nil {
		return nil
	}
	for _, k := range kinds.All {
		if k.GVK.Group == gv.Group && k.GVK.Kind == r.Kind {
			if sk, ok := kinds.ByResource(k.GVK.Group, k.Plural); ok {
				return sk
			}
			return k
		}
	}
	return nil
}

// Observe keeps the owner index and queues what may need collecting.
func (g *GC) Observe(c store.Change) {
	if c.Kind.Plural == "events" {
		return // events own nothing and name no owner
	}
	m, err := meta.Accessor(c.Object)
	if err != nil {
		return
	}
	k := gcKey(c.Kind, m.GetNamespace(), m.GetName())
	refs := m.GetOwnerReferences()
	var old metav1.Object
	if c.Old != nil {
		old, _ = meta.Accessor(c.Old)
	}
	if c.Type == watch.Deleted {
		g.index(k, nil)
		// Its dependents have lost an owner.
		deps := g.dependents[m.GetUID()]
		delete(g.dependents, m.GetUID())
		for d := range deps {
			g.q.Add(d)
		}
		// An owner deleting in the foreground may have been waiting for it.
		g.queueOwners(m.GetNamespace(), refs)
		return
	}
	if old == nil || !sameOwnerRefs(old.GetOwnerReferences(), refs) {
		g.index(k, refs)
		if len(refs) > 0 {
			g.q.Add(k)
		}
		if old != nil {
			g.queueOwners(m.GetNamespace(), old.GetOwnerReferences())
		}
	}
	if m.GetDeletionTimestamp() != nil && (hasFinalizer(m, metav1.FinalizerOrphanDependents) || hasFinalizer(m, metav1.FinalizerDeleteDependents)) {
		if old == nil || old.GetDeletionTimestamp() == nil || !equalStrings(old.GetFinalizers(), m.GetFinalizers()) {
			g.q.Add(k)
		}
	}
}

func (g *GC) queueOwners(ns string, refs []metav1.OwnerReference) {
	for _, r := range refs {
		if k := ownerKind(r); k != nil {
			ons := ns
			if !k.Namespaced {
				ons = ""
			}
			g.q.Add(gcKey(k, ons, r.Name))
		}
	}
}

// index records that object k references the owners in refs.
func (g *GC) index(k string, refs []metav1.OwnerReference) {
	for _, uid := range g.owners[k] {
		if deps := g.dependents[uid]; deps != nil {
			delete(deps, k)
			if len(deps) == 0 {
				delete(g.dependents, uid)
			}
		}
	}
	delete(g.owners, k)
	for _, r := range refs {
		g.owners[k] = append(g.owners[k], r.UID)
		if g.dependents[r.UID] == nil {
			g.dependents[r.UID] = map[string]bool{}
		}
		g.dependents[r.UID][k] = true
	}
}

func (g *GC) sync(k string) {
	kind, ns, name := parseGCKey(k)
	if kind == nil {
		return
	}
	// Every path below only reads obj; writes go through fresh reads.
	obj, ok := g.Store.Peek(kind, ns, name)
	if !ok {
		return
	}
	m, _ := meta.Accessor(obj)
	if m.GetDeletionTimestamp() != nil {
		switch {
		case hasFinalizer(m, metav1.FinalizerOrphanDependents):
			g.orphanDependents(kind, obj)
		case hasFinalizer(m, metav1.FinalizerDeleteDependents):
			g.deleteDependentsFirst(kind, obj)
		}
		return // already going; nothing else to decide
	}
	if len(m.GetOwnerReferences()) > 0 {
		g.attemptToDelete(kind, obj)
	}
}

// ownerState is what one ownerReference points at.
type ownerState int

const (
	ownerSolid   ownerState = iota // exists and stays
	ownerGone                      // absent, or another object under the name (uid differs)
	ownerWaiting                   // being deleted in the foreground: waits for its dependents
)

func (g *GC) classify(ns string, r metav1.OwnerReference) ownerState {
	ok := ownerKind(r)
	if ok == nil {
		return ownerSolid
	}
	ons := ns
	if !ok.Namespaced {
		ons = ""
	} else if ns == "" {
		// A cluster-scoped object cannot have a namespaced owner: upstream
		// reports it and never acts on it.
		return ownerSolid
	}
	owner, found := g.Store.Peek(ok, ons, r.Name)
	if !found {
		return ownerGone
	}
	om, _ := meta.Accessor(owner)
	if om.GetUID() != r.UID {
		return ownerGone
	}
	if om.GetDeletionTimestamp() != nil && hasFinalizer(om, metav1.FinalizerDeleteDependents) {
		return ownerWaiting
	}
	return ownerSolid
}

// attemptToDelete is attemptToDeleteItem: an object with a remaining owner
// only loses its references to the gone ones; one whose owners are all
// gone or deleting is deleted, in the foreground if an owner waits for it
// and it has dependents of its own.
func (g *GC) attemptToDelete(kind *kinds.Kind, obj runtime.Object) {
	m, _ := meta.Accessor(obj)
	var solid, gone, waiting []metav1.OwnerReference
	for _, r := range m.GetOwnerReferences() {
		st := g.classify(m.GetNamespace(), r)
		switch st {
		case ownerSolid:
			solid = append(solid, r)
		case ownerGone:
			gone = append(gone, r)
		case ownerWaiting:
			waiting = append(waiting, r)
		}
	}
	switch {
	case len(solid) > 0:
		drop := append(append([]metav1.OwnerReference(nil), gone...), waiting...)
		if len(drop) == 0 {
			return
		}
		if err := g.dropOwnerRefs(kind, m, drop); err != nil {
			return
		}
		g.Rec.Record(record.Decision{Source: gcSource, Object: obj, Reason: "OwnerReferenceRemoved", NoEvent: true,
			EN: fmt.Sprintf("%s %s still has another owner (%s %s), so the garbage collector only removed its reference to %s %s, which is gone or being deleted.",
				kind.GVK.Kind, m.GetName(), solid[0].Kind, solid[0].Name, drop[0].Kind, drop[0].Name),
			KO: fmt.Sprintf("%s %s에는 아직 다른 소유자(%s %s)가 있어서, 가비지 컬렉터가 삭제되었거나 삭제 중인 소유자(%s %s)를 가리키는 ownerReference만 지웠습니다.",
				kindKO(kind.GVK.Kind), m.GetName(), kindKO(solid[0].Kind), solid[0].Name, kindKO(drop[0].Kind), drop[0].Name)})
		return
	case len(waiting) > 0 && len(g.dependents[m.GetUID()]) > 0:
		// It has dependents of its own: delete it in the foreground too,
		// so the waiting owner also waits for them.
		g.deleteDependent(kind, obj, metav1.DeletePropagationForeground, waiting[0], true)
		return
	}
	policy := metav1.DeletePropagationBackground
	switch {
	case hasFinalizer(m, metav1.FinalizerOrphanDependents):
		policy = metav1.DeletePropagationOrphan
	case hasFinalizer(m, metav1.FinalizerDeleteDependents):
		policy = metav1.DeletePropagationForeground
	}
	var ref metav1.OwnerReference
	foreground := false
	if len(waiting) > 0 {
		ref, foreground = waiting[0], true
	} else if len(gone) > 0 {
		ref = gone[0]
	}
	g.deleteDependent(kind, obj, policy, ref, foreground)
}

const gcSource = "garbage-collector-controller"

// deleteDependent deletes obj, its uid a precondition so a new object
// under the same name is never hit.
func (g *GC) deleteDependent(kind *kinds.Kind, obj runtime.Object, policy metav1.DeletionPropagation, owner metav1.OwnerReference, foreground bool) {
	m, _ := meta.Accessor(obj)
	uid := m.GetUID()
	_, _, err := g.API.Delete(g.ctx(), kind, m.GetNamespace(), m.GetName(),
		&metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}, PropagationPolicy: &policy})
	if err != nil {
		return // gone already, or replaced: either way not ours to delete
	}
	d := record.Decision{Source: gcSource, Object: obj, Reason: "DependentDeleted", NoEvent: true,
		Related: []eventsRef{{Kind: owner.Kind, Namespace: m.GetNamespace(), Name: owner.Name, UID: string(owner.UID)}},
		Fields:  map[string]string{"owner": owner.Kind + "/" + owner.Name, "propagation": string(policy)}}
	if foreground {
		d.EN = fmt.Sprintf("%s %s is being deleted in the foreground, so the garbage collector deletes its dependent %s %s first; the owner goes once its dependents are gone.",
			owner.Kind, owner.Name, kind.GVK.Kind, m.GetName())
		d.KO = fmt.Sprintf("소유자(%s %s)를 포그라운드 방식으로 삭제하는 중이라, 가비지 컬렉터가 종속 오브젝트인 %s %s부터 삭제합니다. 종속 오브젝트가 모두 사라지면 소유자도 삭제됩니다.",
			kindKO(owner.Kind), owner.Name, kindKO(kind.GVK.Kind), m.GetName())
	} else {
		d.EN = fmt.Sprintf("The owner of %s %s (%s %s) no longer exists, so the garbage collector deletes it too (cascading deletion through ownerReferences).",
			kind.GVK.Kind, m.GetName(), owner.Kind, owner.Name)
		d.KO = fmt.Sprintf("%s %s의 소유자(%s %s)가 더 이상 없어서, 가비지 컬렉터가 이 오브젝트도 삭제합니다(ownerReference를 따라가는 캐스케이드 삭제).",
			kindKO(kind.GVK.Kind), m.GetName(), kindKO(owner.Kind), owner.Name)
	}
	g.Rec.Record(d)
}

// dependentsOf finds every object that references uid, in the owner's
// namespace (or anywhere, for a cluster-scoped owner). It reads the store
// rather than the index: an orphaning or foreground deletion must not miss
// a dependent whose creation the index has not seen yet.
func (g *GC) dependentsOf(owner *kinds.Kind, ns string, uid types.UID) []gcObject {
	var out []gcObject
	for _, k := range kinds.All {
		if k.Plural == "events" || k.New == nil || k.NewList == nil {
			continue
		}
		if sk, _ := kinds.ByResource(k.GVK.Group, k.Plural); sk != k {
			continue // one storage version per resource
		}
		lo := store.ListOptions{Field: func(o runtime.Object) bool {
			m, err := meta.Accessor(o)
			if err != nil {
				return false
			}
			for _, r := range m.GetOwnerReferences() {
				if r.UID == uid {
					return true
				}
			}
			return false
		}}
		if owner.Namespaced {
			if !k.Namespaced {
				continue
			}
			lo.Namespace = ns
		}
		objs, _ := g.Store.List(k, lo)
		for _, o := range objs {
			out = append(out, gcObject{k, o})
		}
	}
	return out
}

// gcObject is an object with its kind.
type gcObject struct {
	kind *kinds.Kind
	obj  runtime.Object
}

// orphanDependents removes the owner's reference from each dependent,
// then the orphan finalizer, which lets the owner go.
func (g *GC) orphanDependents(kind *kinds.Kind, owner runtime.Object) {
	om, _ := meta.Accessor(owner)
	deps := g.dependentsOf(kind, om.GetNamespace(), om.GetUID())
	for _, dep := range deps {
		d, dk := dep.obj, dep.kind
		dm, _ := meta.Accessor(d)
		if _, err := g.dropOwnerRefsByUID(dk, dm, om.GetUID()); err != nil && !apierrors.IsNotFound(err) {
			g.q.AddAfter(gcKey(kind, om.GetNamespace(), om.GetName()), retryBase)
			return // the finalizer stays until every dependent is released
		}
		g.Rec.Record(record.Decision{Source: gcSource, Object: d, Reason: "DependentOrphaned", NoEvent: true,
			Related: []eventsRef{record.RefOf(owner)},
			EN: fmt.Sprintf("%s %s was deleted with the orphan policy (--cascade=orphan), so the garbage collector removed its ownerReference from %s %s, which stays, now without an owner.",
				kind.GVK.Kind, om.GetName(), dk.GVK.Kind, dm.GetName()),
			KO: fmt.Sprintf("소유자(%s %s)를 orphan 정책(--cascade=orphan)으로 삭제해서, 가비지 컬렉터가 %s %s에서 ownerReference만 지웠습니다. 이 오브젝트는 소유자 없이 그대로 남습니다.",
				kindKO(kind.GVK.Kind), om.GetName(), kindKO(dk.GVK.Kind), dm.GetName()),
			Fields: map[string]string{"owner": kind.GVK.Kind + "/" + om.GetName()}})
	}
	if g.removeFinalizer(kind, owner, metav1.FinalizerOrphanDependents) {
		g.Rec.Record(record.Decision{Source: gcSource, Object: owner, Reason: "OrphanFinalized", NoEvent: true,
			EN: fmt.Sprintf("All %d dependent(s) of %s %s are orphaned; the garbage collector removed the orphan finalizer, so the %s is now deleted.",
				len(deps), kind.GVK.Kind, om.GetName(), kind.GVK.Kind),
			KO: fmt.Sprintf("%s %s의 종속 오브젝트 %d개를 모두 고아(orphan)로 남겼으므로, 가비지 컬렉터가 orphan 파이널라이저를 지웠고 이제 %s 삭제가 끝납니다.",
				kindKO(kind.GVK.Kind), om.GetName(), len(deps), kindKO(kind.GVK.Kind)),
			Fields: map[string]string{"dependents": fmt.Sprint(len(deps))}})
	}
}

// deleteDependentsFirst is processDeletingDependentsItem: the owner goes
// once no dependent that blocks its deletion is left; meanwhile each
// dependent not yet being deleted is queued to be deleted.
func (g *GC) deleteDependentsFirst(kind *kinds.Kind, owner runtime.Object) {
	om, _ := meta.Accessor(owner)
	blocking := 0
	for _, dep := range g.dependentsOf(kind, om.GetNamespace(), om.GetUID()) {
		dm, _ := meta.Accessor(dep.obj)
		for _, r := range dm.GetOwnerReferences() {
			if r.UID == om.GetUID() && r.BlockOwnerDeletion != nil && *r.BlockOwnerDeletion {
				blocking++
			}
		}
		if dm.GetDeletionTimestamp() == nil {
			g.q.Add(gcKey(dep.kind, dm.GetNamespace(), dm.GetName()))
		}
	}
	if blocking > 0 {
		return // each blocking dependent's deletion brings us back
	}
	if g.removeFinalizer(kind, owner, metav1.FinalizerDeleteDependents) {
		g.Rec.Record(record.Decision{Source: gcSource, Object: owner, Reason: "ForegroundDeletionDone", NoEvent: true,
			EN: fmt.Sprintf("No dependent blocks the deletion of %s %s any more; the garbage collector removed the foregroundDeletion finalizer, so it is now deleted.",
				kind.GVK.Kind, om.GetName()),
			KO: fmt.Sprintf("%s %s의 삭제를 막던 종속 오브젝트가 모두 사라져서, 가비지 컬렉터가 foregroundDeletion 파이널라이저를 지웠고 이제 삭제가 끝납니다.",
				kindKO(kind.GVK.Kind), om.GetName())})
	}
}

// removeFinalizer drops one finalizer from the stored object; with none
// left the store completes the deletion.
func (g *GC) removeFinalizer(kind *kinds.Kind, obj runtime.Object, fin string) bool {
	m, _ := meta.Accessor(obj)
	fresh, err := g.Store.Get(kind, m.GetNamespace(), m.GetName())
	if err != nil {
		return false
	}
	fm, _ := meta.Accessor(fresh)
	if fm.GetUID() != m.GetUID() || !hasFinalizer(fm, fin) {
		return false
	}
	var keep []string
	for _, f := range fm.GetFinalizers() {
		if f != fin {
			keep = append(keep, f)
		}
	}
	fm.SetFinalizers(keep)
	if _, err := g.API.Update(g.ctx(), kind, fm.GetNamespace(), fm.GetName(), "", fresh, internal); err != nil {
		g.q.AddAfter(gcKey(kind, fm.GetNamespace(), fm.GetName()), retryBase)
		return false
	}
	return true
}

// dropOwnerRefs removes the given references (by uid) from an object.
func (g *GC) dropOwnerRefs(kind *kinds.Kind, m metav1.Object, refs []metav1.OwnerReference) error {
	uids := make([]types.UID, len(refs))
	for i, r := range refs {
		uids[i] = r.UID
	}
	_, err := g.dropOwnerRefsByUID(kind, m, uids...)
	return err
}

// dropOwnerRefsByUID patches the references away ($patch: delete on the
// uid merge key), the object's uid a precondition.
func (g *GC) dropOwnerRefsByUID(kind *kinds.Kind, m metav1.Object, uids ...types.UID) (runtime.Object, error) {
	var items []map[string]any
	for _, u := range uids {
		items = append(items, map[string]any{"$patch": "delete", "uid": u})
	}
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"ownerReferences": items, "uid": m.GetUID()}})
	return g.API.Patch(g.ctx(), kind, m.GetNamespace(), m.GetName(), "", types.StrategicMergePatchType, patch, internal)
}

func hasFinalizer(m metav1.Object, f string) bool {
	for _, x := range m.GetFinalizers() {
		if x == f {
			return true
		}
	}
	return false
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameOwnerRefs(a, b []metav1.OwnerReference) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.UID != y.UID || x.Name != y.Name || x.Kind != y.Kind || x.APIVersion != y.APIVersion ||
			!equalBoolPtr(x.Controller, y.Controller) || !equalBoolPtr(x.BlockOwnerDeletion, y.BlockOwnerDeletion) {
			return false
		}
	}
	return true
}

func equalBoolPtr(a, b *bool) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// kindKO is the word Korean engineers use for a kind in a sentence.
func kindKO(kind string) string {
	if w, ok := kindWordsKO[kind]; ok {
		return w
	}
	return kind
}

var kindWordsKO = map[string]string{
	"Pod": "파드", "ReplicaSet": "레플리카셋", "ReplicationController": "레플리케이션 컨트롤러",
	"Deployment": "디플로이먼트", "DaemonSet": "데몬셋", "StatefulSet": "스테이트풀셋", "Job": "잡",
	"CronJob": "크론잡", "Service": "서비스", "Node": "노드", "Namespace": "네임스페이스",
	"ConfigMap": "컨피그맵", "Secret": "시크릿", "EndpointSlice": "엔드포인트슬라이스",
}
