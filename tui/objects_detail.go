package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// The detail of one object has three tabs.
const (
	tabYAML = iota
	tabDescribe
	tabEvents
)

// apiVersions fills in the TypeMeta that objects read from the store
// leave empty, so the YAML shown is one that `kubectl apply` accepts.
var apiVersions = map[string]string{
	"Deployment": "apps/v1", "ReplicaSet": "apps/v1", "DaemonSet": "apps/v1", "StatefulSet": "apps/v1",
	"Job": "batch/v1", "CronJob": "batch/v1", "HorizontalPodAutoscaler": "autoscaling/v2",
}

// objDetail is the YAML, `kubectl describe` and the narration of one object.
type objDetail struct {
	key, kind, ns, name, short, uid string
	tab                             int
	rv                              string
	yaml, describe, events          []string
	describeLoaded                  bool
	view                            scroller
}

func newObjDetail(n *objNode, narr *narration, lang Lang) *objDetail {
	d := &objDetail{key: n.key, kind: n.kind, ns: n.ns, name: n.name, short: n.short, uid: n.uid}
	d.refresh(n, narr, lang)
	return d
}

func (d *objDetail) title() string { return d.short + "/" + d.name }

// refresh takes the object from a new snapshot (nil when it was deleted:
// the last YAML stays, which is what the student was reading).
func (d *objDetail) refresh(n *objNode, narr *narration, lang Lang) {
	if n != nil && n.obj != nil {
		if m, err := meta.Accessor(n.obj); err == nil && m.GetResourceVersion() != d.rv {
			d.rv = m.GetResourceVersion()
			d.yaml = toYAML(n.obj, n.kind)
		}
	}
	d.events = d.events[:0]
	for _, e := range narr.about(d.uid, d.kind, d.ns, d.name) {
		line := e.Time.Format("15:04:05") + "  " + e.Reason + "  (" + e.Source + ")  " + lang.pick(e.EN, e.KO)
		d.events = append(d.events, line)
	}
	d.show()
}

func (d *objDetail) show() {
	switch d.tab {
	case tabYAML:
		d.view.SetLines(d.yaml)
	case tabDescribe:
		d.view.SetLines(d.describe)
	case tabEvents:
		d.view.SetLines(d.events)
	}
}

func (d *objDetail) setTab(t int, run func(key string, args []string) tea.Cmd) tea.Cmd {
	d.tab = t
	d.view.offset = 0
	d.show()
	if t == tabDescribe && !d.describeLoaded {
		return d.loadDescribe(run)
	}
	return nil
}

// loadDescribe runs `kubectl describe` through the console's runner, so
// the text is exactly what the student would get by typing it.
func (d *objDetail) loadDescribe(run func(key string, args []string) tea.Cmd) tea.Cmd {
	res := kubectlResource[d.kind]
	if res == "" || run == nil {
		return nil
	}
	args := []string{"kubectl", "describe", res, d.name}
	if d.ns != "" {
		args = append(args, "-n", d.ns)
	}
	d.describeLoaded = true
	d.describe = []string{"…"}
	d.show()
	return run(d.key, args)
}

func (d *objDetail) setDescribe(text string) {
	d.describe = strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range d.describe {
		d.describe[i] = sanitize(l)
	}
	if d.tab == tabDescribe {
		d.show()
	}
}

func (d *objDetail) view2(st *Styles, t *Text, w, h int) []string {
	names := []string{t.YAML, t.Describe, t.Events}
	head := tabsTitle(*st, names, d.tab)
	lines := []string{fit(head, w)}
	return append(lines, d.view.View(w, h-1)...)
}

func toYAML(obj runtime.Object, kind string) []string {
	o := obj.DeepCopyObject()
	if m, err := meta.Accessor(o); err == nil {
		m.SetManagedFields(nil)
	}
	if o.GetObjectKind().GroupVersionKind().Kind == "" {
		av := apiVersions[kind]
		if av == "" {
			av = "v1"
		}
		o.GetObjectKind().SetGroupVersionKind(schema.FromAPIVersionAndKind(av, kind))
	}
	b, err := yaml.Marshal(o)
	if err != nil {
		return []string{err.Error()}
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}
