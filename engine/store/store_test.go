package store

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"kubetour/engine/kinds"
)

func newTestStore() (*Store, *time.Time) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	return New(Options{
		Now:        func() time.Time { return now },
		NewUID:     func() types.UID { n++; return types.UID(fmt.Sprintf("uid-%d", n)) },
		NameSuffix: func() string { n++; return fmt.Sprintf("x%d", n) },
	}), &now
}

func pod(name string, lbl map[string]string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: lbl},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}
}

func TestCreateGetUpdateConflict(t *testing.T) {
	s, _ := newTestStore()
	pods := kinds.Core("pods")
	out, err := s.Create(pods, pod("a", nil))
	if err != nil {
		t.Fatal(err)
	}
	p := out.(*corev1.Pod)
	if p.UID != "uid-1" || p.ResourceVersion != "1" || p.Generation != 1 || p.CreationTimestamp.IsZero() {
		t.Fatalf("metadata not filled: %+v", p.ObjectMeta)
	}
	if _, err := s.Create(pods, pod("a", nil)); !apierrors.IsAlreadyExists(err) || err.Error() != `pods "a" already exists` {
		t.Fatalf("want AlreadyExists, got %v", err)
	}
	// The caller's copy is not the store's.
	p.Labels = map[string]string{"mut": "ated"}
	got, _ := s.Get(pods, "default", "a")
	if len(got.(*corev1.Pod).Labels) != 0 {
		t.Fatal("store shares memory with callers")
	}
	upd := got.(*corev1.Pod)
	upd.Spec.Containers[0].Image = "nginx:2"
	after, err := s.Update(pods, upd, UpdateOptions{KeepStatus: true})
	if err != nil {
		t.Fatal(err)
	}
	if after.(*corev1.Pod).Generation != 2 || after.(*corev1.Pod).ResourceVersion != "2" {
		t.Fatalf("generation/rv: %+v", after.(*corev1.Pod).ObjectMeta)
	}
	// Stale resourceVersion → Conflict worded like the API server.
	_, err = s.Update(pods, upd, UpdateOptions{})
	if !apierrors.IsConflict(err) || err.Error() != `Operation cannot be fulfilled on pods "a": the object has been modified; please apply your changes to the latest version and try again` {
		t.Fatalf("conflict: %v", err)
	}
	// No-op update keeps the resourceVersion.
	cur, _ := s.Get(pods, "default", "a")
	same, _ := s.Update(pods, cur, UpdateOptions{})
	if same.(*corev1.Pod).ResourceVersion != "2" {
		t.Fatal("no-op update bumped resourceVersion")
	}
}

func TestStatusUpdateTouchesOnlyStatus(t *testing.T) {
	s, _ := newTestStore()
	pods := kinds.Core("pods")
	s.Create(pods, pod("a", nil))
	cur, _ := s.Get(pods, "default", "a")
	p := cur.(*corev1.Pod)
	p.Status.Phase = corev1.PodRunning
	p.Spec.Containers[0].Image = "ignored"
	out, _ := s.Update(pods, p, UpdateOptions{Status: true})
	q := out.(*corev1.Pod)
	if q.Status.Phase != corev1.PodRunning || q.Spec.Containers[0].Image != "nginx" || q.Generation != 1 {
		t.Fatalf("status update leaked: %+v", q)
	}
}

func TestPodGracefulDeleteAndFinalizers(t *testing.T) {
	s, _ := newTestStore()
	pods := kinds.Core("pods")
	p := pod("a", nil)
	p.Spec.NodeName = "node1"
	s.Create(pods, p)
	obj, gone, err := s.Delete(pods, "default", "a", DeleteOptions{})
	if err != nil || gone {
		t.Fatalf("bound pod must go Terminating first: gone=%v err=%v", gone, err)
	}
	if m := obj.(*corev1.Pod); m.DeletionTimestamp == nil || *m.DeletionGracePeriodSeconds != 30 {
		t.Fatalf("deletion marks: %+v", m.ObjectMeta)
	}
	zero := int64(0)
	if _, gone, _ := s.Delete(pods, "default", "a", DeleteOptions{GracePeriod: &zero}); !gone {
		t.Fatal("grace 0 removes")
	}
	// An unbound pod goes at once.
	s.Create(pods, pod("b", nil))
	if _, gone, _ := s.Delete(pods, "default", "b", DeleteOptions{}); !gone {
		t.Fatal("unbound pod must be removed at once")
	}
	// A finalizer holds an object until removed.
	cms := kinds.Core("configmaps")
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "default", Finalizers: []string{"x"}}}
	s.Create(cms, cm)
	if _, gone, _ := s.Delete(cms, "default", "c", DeleteOptions{}); gone {
		t.Fatal("finalizer must hold")
	}
	cur, _ := s.Get(cms, "default", "c")
	cur.(*corev1.ConfigMap).Finalizers = nil
	s.Update(cms, cur, UpdateOptions{})
	if _, err := s.Get(cms, "default", "c"); !apierrors.IsNotFound(err) {
		t.Fatalf("object with no finalizers left must be gone: %v", err)
	}
}

func TestWatchSelectorTransitionsAndReplay(t *testing.T) {
	s, _ := newTestStore()
	pods := kinds.Core("pods")
	s.Create(pods, pod("a", map[string]string{"app": "web"}))
	sel := labels.SelectorFromSet(labels.Set{"app": "web"})
	w, _, err := s.Watch(pods, ListOptions{Labels: sel}, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := s.Get(pods, "default", "a")
	cur.(*corev1.Pod).Labels = map[string]string{"app": "db"}
	s.Update(pods, cur, UpdateOptions{})
	s.Create(pods, pod("b", map[string]string{"app": "web"}))
	var got []string
	for _, c := range w.Take() {
		got = append(got, fmt.Sprintf("%s %s", c.Type, c.Object.(*corev1.Pod).Name))
	}
	want := []string{"ADDED a", "DELETED a", "ADDED b"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v want %v", got, want)
	}
	w.Stop()
	// Replay from an older resourceVersion.
	w2, _, _ := s.Watch(pods, ListOptions{}, 1, false)
	cs := w2.Take()
	if len(cs) != 2 || cs[0].Type != watch.Modified || cs[1].Type != watch.Added {
		t.Fatalf("replay: %+v", cs)
	}
}

func TestGenerateName(t *testing.T) {
	s, _ := newTestStore()
	p := pod("", nil)
	p.GenerateName = "web-"
	out, err := s.Create(kinds.Core("pods"), p)
	if err != nil || out.(*corev1.Pod).Name != "web-x1" {
		t.Fatalf("generateName: %v %v", out, err)
	}
}

// Peek and ListShared hand out the stored values themselves; that is safe
// only because a write stores a new value instead of changing the old one.
// A reader holding a peeked pod must keep seeing the version it read.
func TestSharedReadsKeepTheirVersion(t *testing.T) {
	s, _ := newTestStore()
	pods := kinds.Core("pods")
	for _, n := range []string{"b", "a"} {
		if _, err := s.Create(pods, pod(n, map[string]string{"app": "web"})); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := s.Peek(pods, "default", "missing"); ok {
		t.Fatal("Peek found a pod that does not exist")
	}
	seen, ok := s.Peek(pods, "default", "a")
	if !ok {
		t.Fatal("Peek did not find pod a")
	}
	rv := seen.(*corev1.Pod).ResourceVersion
	list := s.ListShared(pods, ListOptions{Labels: labels.SelectorFromSet(labels.Set{"app": "web"})})
	if len(list) != 2 || list[0].(*corev1.Pod).Name != "a" || list[1].(*corev1.Pod).Name != "b" {
		t.Fatalf("ListShared not sorted by name: %v", list)
	}
	fresh, _ := s.Get(pods, "default", "a")
	fresh.(*corev1.Pod).Status.Phase = corev1.PodRunning
	if _, err := s.Update(pods, fresh, UpdateOptions{Status: true}); err != nil {
		t.Fatal(err)
	}
	if p := seen.(*corev1.Pod); p.Status.Phase != "" || p.ResourceVersion != rv {
		t.Fatalf("a peeked pod changed under its reader: phase %q rv %s", p.Status.Phase, p.ResourceVersion)
	}
	now, _ := s.Peek(pods, "default", "a")
	if now.(*corev1.Pod).Status.Phase != corev1.PodRunning {
		t.Fatal("Peek after the write does not see it")
	}
}

// TestOwnedWrites: an owner's object becomes the stored value itself, and
// a status write builds a new version that leaves the old one as it was,
// even though the two share their spec.
func TestOwnedWrites(t *testing.T) {
	s, _ := newTestStore()
	pods := kinds.Core("pods")
	mine := pod("a", map[string]string{"app": "a"})
	out, err := s.CreateOwned(pods, mine)
	if err != nil {
		t.Fatal(err)
	}
	if out != runtime.Object(mine) {
		t.Fatalf("CreateOwned stored a copy")
	}
	v1, _ := s.Peek(pods, "default", "a")
	next := *v1.(*corev1.Pod)
	next.Status = corev1.PodStatus{Phase: corev1.PodRunning}
	next.Labels = map[string]string{"app": "changed"} // ignored by a status write
	out, err = s.Update(pods, &next, UpdateOptions{Status: true, Owned: true})
	if err != nil {
		t.Fatal(err)
	}
	v2 := out.(*corev1.Pod)
	old := v1.(*corev1.Pod)
	if v2 == old || v2.Status.Phase != corev1.PodRunning || v2.Labels["app"] != "a" {
		t.Fatalf("status write stored %+v", v2.ObjectMeta)
	}
	if old.Status.Phase != "" || old.ResourceVersion == v2.ResourceVersion {
		t.Fatalf("the previous version changed: phase %q rv %s", old.Status.Phase, old.ResourceVersion)
	}
	if got, _ := s.Peek(pods, "default", "a"); got != runtime.Object(v2) {
		t.Fatalf("an owned update does not return the stored value")
	}
	// A copying write still gives the caller its own object.
	cp, _ := s.Get(pods, "default", "a")
	cp.(*corev1.Pod).Labels["app"] = "b"
	back, _ := s.Update(pods, cp, UpdateOptions{})
	back.(*corev1.Pod).Labels["app"] = "mutated after"
	if got, _ := s.Peek(pods, "default", "a"); got.(*corev1.Pod).Labels["app"] != "b" {
		t.Fatalf("a copying update shares its result with the store")
	}
}
