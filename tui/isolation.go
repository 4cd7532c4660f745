package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"kubetour/engine"
)

// namespaceKinds are the Linux namespaces shown, in the order the course
// explains them.
var namespaceKinds = []string{"net", "ipc", "uts", "pid", "mnt", "user", "cgroup"}

// isolationMsg is the isolation facts of a pod.
type isolationMsg struct {
	ns, pod string
	iso     *engine.Isolation
	err     error
}

// isolationTickMsg refreshes the usage figures while the pane is shown.
type isolationTickMsg struct{ ns, pod string }

func loadIsolation(c Cluster, ns, pod string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iso, err := c.Isolation(ctx, ns, pod)
		return isolationMsg{ns: ns, pod: pod, iso: iso, err: err}
	}
}

// isolationPane shows what separates the selected pod's containers from
// each other and from the host: namespaces side by side (shared ones
// marked with the same letter), cgroup limits and usage, PID 1, hostname,
// kernel.
type isolationPane struct {
	st   *Styles
	t    *Text
	keys *Keys

	w, h    int
	focused bool

	ns, pod string
	iso     *engine.Isolation
	err     error
	loading bool

	view       scroller
	viewW      int
	cache      []string
	cacheValid bool
}

func newIsolationPane(st *Styles, t *Text, keys *Keys) *isolationPane {
	return &isolationPane{st: st, t: t, keys: keys}
}

func (p *isolationPane) SetSize(w, h int) {
	if p.w != w || p.h != h {
		p.w, p.h = w, h
		p.cacheValid = false
	}
}
func (p *isolationPane) Focus()              { p.focused = true; p.cacheValid = false }
func (p *isolationPane) Blur()               { p.focused = false; p.cacheValid = false }
func (p *isolationPane) CapturesInput() bool { return false }

func (p *isolationPane) Title() string {
	if p.pod == "" {
		return p.t.Isolation
	}
	return p.t.Isolation + " · po/" + p.pod
}

func (p *isolationPane) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.Refresh}
}

func (p *isolationPane) FullHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Refresh}
}

// target sets the pod to show; it reports whether that is a new pod.
func (p *isolationPane) target(ns, pod string) bool {
	if p.ns == ns && p.pod == pod {
		return false
	}
	p.ns, p.pod, p.iso, p.err, p.loading = ns, pod, nil, nil, true
	p.viewW = -1
	p.cacheValid = false
	return true
}

// forget drops the pod shown: it was deleted, and "not found" next to
// pods that run would only puzzle; the root picks another.
func (p *isolationPane) forget() {
	p.ns, p.pod, p.iso, p.err, p.loading = "", "", nil, nil, false
	p.viewW = -1
	p.cacheValid = false
}

// snapHasPod reports whether a snapshot still holds a pod.
func snapHasPod(s engine.Snapshot, ns, name string) bool {
	for _, o := range s.Objects["pods"] {
		if pod, ok := o.(*corev1.Pod); ok && pod.Namespace == ns && pod.Name == name {
			return true
		}
	}
	return false
}

func (p *isolationPane) set(msg isolationMsg) {
	if msg.ns != p.ns || msg.pod != p.pod {
		return
	}
	p.iso, p.err, p.loading = msg.iso, msg.err, false
	p.viewW = -1
	p.cacheValid = false
}

func (p *isolationPane) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k, h := p.keys, p.h
	p.cacheValid = false
	switch {
	case key.Matches(km, k.Up):
		p.view.Scroll(-1, p.w, h)
	case key.Matches(km, k.Down):
		p.view.Scroll(1, p.w, h)
	case key.Matches(km, k.PageUp):
		p.view.Scroll(-h, p.w, h)
	case key.Matches(km, k.PageDown):
		p.view.Scroll(h, p.w, h)
	case key.Matches(km, k.Refresh):
		if p.pod != "" {
			ns, pod := p.ns, p.pod
			return func() tea.Msg { return isolationTickMsg{ns: ns, pod: pod} }
		}
	}
	return nil
}

func (p *isolationPane) View() []string {
	if p.cacheValid {
		return p.cache
	}
	if p.viewW != p.w {
		p.view.SetLines(p.render())
		p.viewW = p.w
	}
	p.cache = p.view.View(p.w, p.h)
	p.cacheValid = true
	return p.cache
}

// render lays the facts out for the pane's width.
func (p *isolationPane) render() []string {
	st, t, w := p.st, p.t, p.w
	switch {
	case p.pod == "":
		return wrap(t.SelectPod, w)
	case p.err != nil:
		return append([]string{st.Bold.Render(p.ns + "/" + p.pod)}, wrap(st.Error.Render(p.err.Error()), w)...)
	case p.iso == nil:
		return []string{st.Bold.Render(p.ns + "/" + p.pod), st.Dim.Render(t.Loading)}
	}
	iso := p.iso
	var out []string
	src := t.FromSim
	if iso.Source == "docker" {
		src = t.FromDocker
	}
	out = append(out, st.Bold.Render("po/"+p.pod)+st.Dim.Render(" ("+p.ns+")"))
	out = append(out, wrap(src, w)...)
	out = append(out, st.Dim.Render(t.Kernel+": ")+iso.Kernel+st.Dim.Render(fmt.Sprintf("  (cgroup v%d)", iso.CgroupVersion)), "")

	cols := append([]engine.ProcessFacts{iso.Host}, iso.Containers...)
	labelW := 10
	colW := max((w-labelW)/len(cols), 12)
	fitCols := max((w-labelW)/colW, 1)
	hidden := 0
	if fitCols < len(cols) {
		hidden = len(cols) - fitCols
		cols = cols[:fitCols]
	}
	row := func(label string, cells []string) string {
		s := st.Dim.Render(fit(label, labelW))
		for _, c := range cells {
			s += fit(c, colW-1) + " "
		}
		return s
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = st.Bold.Render(c.Name)
		if i == 0 {
			names[i] = st.Bold.Render(t.Host)
		}
	}
	out = append(out, row("", names))
	get := func(f func(engine.ProcessFacts) string) []string {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = f(c)
		}
		return cells
	}
	out = append(out, row(t.Pid1, get(func(f engine.ProcessFacts) string { return f.Pid1 })))
	out = append(out, row(t.Hostname, get(func(f engine.ProcessFacts) string { return f.Hostname })))
	for _, kind := range namespaceKinds {
		out = append(out, row(kind, p.namespaceCells(kind, cols)))
	}
	out = append(out, st.Dim.Render(trunc(t.SharedLegend, w)))
	if hidden > 0 {
		out = append(out, st.Dim.Render(fmt.Sprintf("+%d …", hidden)))
	}
	out = append(out, "")
	for _, c := range iso.Containers {
		out = append(out, p.cgroupLines(c)...)
	}
	for _, n := range iso.Notes {
		out = append(out, wrap(st.Dim.Render(n), w)...)
	}
	return out
}

// namespaceCells shows each process's namespace inode; processes in the
// same namespace get the same letter (and colour), so sharing is visible
// at a glance: a pod's containers share net and ipc, not pid or mnt.
func (p *isolationPane) namespaceCells(kind string, cols []engine.ProcessFacts) []string {
	count := map[string]int{}
	for _, c := range cols {
		if id := c.Namespaces[kind]; id != "" {
			count[id]++
		}
	}
	var shared []string
	for id, n := range count {
		if n > 1 {
			shared = append(shared, id)
		}
	}
	sort.Strings(shared)
	letter := map[string]int{}
	for i, id := range shared {
		letter[id] = i
	}
	cells := make([]string, len(cols))
	for i, c := range cols {
		id := c.Namespaces[kind]
		if id == "" {
			cells[i] = p.st.Dim.Render("-")
			continue
		}
		v := inode(id)
		if n, ok := letter[id]; ok {
			s := p.st.Shared[n%len(p.st.Shared)]
			cells[i] = s.Render(v + " " + string(rune('A'+n)))
		} else {
			cells[i] = v
		}
	}
	return cells
}

// inode reduces "net:[4026532281]" to its number.
func inode(id string) string {
	if i := strings.IndexByte(id, '['); i >= 0 {
		return strings.TrimSuffix(id[i+1:], "]")
	}
	return id
}

// cgroupLines draws one container's limits and use.
func (p *isolationPane) cgroupLines(c engine.ProcessFacts) []string {
	st, t, g := p.st, p.t, c.Cgroup
	barW := clamp(p.w-40, 10, 30)
	var out []string
	out = append(out, st.Bold.Render(c.Name)+st.Dim.Render("  "+trunc(g.Path, max(p.w-width(c.Name)-2, 0))))
	mem := bytesStr(g.MemoryUsage)
	if g.MemoryLimit > 0 {
		mem = bar(st, float64(g.MemoryUsage)/float64(g.MemoryLimit), barW) + " " + mem + " / " + bytesStr(g.MemoryLimit)
	} else {
		mem += "  (" + t.Unlimited + ")"
	}
	out = append(out, "  "+fit(t.Memory, 8)+mem)
	cpu := fmt.Sprintf("%.2fs", float64(g.CPUUsageNanos)/1e9)
	if g.CPUQuota > 0 && g.CPUPeriod > 0 {
		cpu = fmt.Sprintf("%.2f cores (%dµs / %dµs), used %s", float64(g.CPUQuota)/float64(g.CPUPeriod), g.CPUQuota, g.CPUPeriod, cpu)
	} else {
		cpu = t.Unlimited + ", used " + cpu
	}
	out = append(out, "  "+fit(t.CPU, 8)+trunc(cpu, max(p.w-10, 0)))
	pids := fmt.Sprint(g.PidsCurrent)
	if g.PidsLimit > 0 {
		pids = bar(st, float64(g.PidsCurrent)/float64(g.PidsLimit), barW) + fmt.Sprintf(" %d / %d", g.PidsCurrent, g.PidsLimit)
	}
	out = append(out, "  "+fit(t.Pids, 8)+pids)
	return out
}

// bar is a usage bar of w cells; the figures beside it say the same in
// numbers for monochrome terminals.
func bar(st *Styles, frac float64, w int) string {
	frac = min(max(frac, 0), 1)
	full := int(frac*float64(w) + 0.5)
	fs := st.BarFull
	if frac >= 0.9 {
		fs = st.Bad
	}
	return "[" + fs.Render(strings.Repeat(st.G.BarFull, full)) + st.BarEmpty.Render(strings.Repeat(st.G.BarEmpty, w-full)) + "]"
}

func bytesStr(b int64) string {
	return resource.NewQuantity(b, resource.BinarySI).String()
}
