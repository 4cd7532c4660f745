package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"kubetour/engine"
)

// schedulingMsg is the scheduler's last decision for a pod.
type schedulingMsg struct {
	ns, pod string
	d       engine.SchedulingDecision
	ok      bool
}

func loadScheduling(c Cluster, ns, pod string) tea.Cmd {
	return func() tea.Msg {
		d, ok := c.LastScheduling(ns, pod)
		return schedulingMsg{ns: ns, pod: pod, d: d, ok: ok}
	}
}

// nodeInfo is one node as the pane draws it.
type nodeInfo struct {
	node           *corev1.Node
	ready          bool
	cpuCap, memCap int64 // millicores, bytes (allocatable)
	cpuReq, memReq int64
	podCap         int64
	pods           []*corev1.Pod
	taints, labels []string
}

// nodeRow is a selectable row: a node or a pod on it.
type nodeRow struct {
	node string
	pod  *corev1.Pod
}

// nodesPane shows the nodes with capacity and what is requested of it,
// taints and labels, the pods on each, and — for the selected pod — the
// scheduler's verdict on every node.
type nodesPane struct {
	st   *Styles
	t    *Text
	keys *Keys
	lang Lang

	w, h    int
	focused bool

	nodes  []nodeInfo
	rows   []nodeRow
	cursor int
	curKey string
	offset int

	decision   *schedulingMsg
	asked      string // the pod (ns/name) whose decision was last asked for
	cache      []string
	cacheValid bool
	ready      bool
}

func newNodesPane(st *Styles, t *Text, keys *Keys, lang Lang) *nodesPane {
	return &nodesPane{st: st, t: t, keys: keys, lang: lang}
}

func (p *nodesPane) SetSize(w, h int) {
	if p.w != w || p.h != h {
		p.w, p.h = w, h
		p.cacheValid = false
	}
}
func (p *nodesPane) Focus()              { p.focused = true; p.cacheValid = false }
func (p *nodesPane) Blur()               { p.focused = false; p.cacheValid = false }
func (p *nodesPane) CapturesInput() bool { return false }
func (p *nodesPane) Title() string       { return p.t.Nodes }

func (p *nodesPane) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.Open}
}

func (p *nodesPane) FullHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Top, p.keys.Bottom, p.keys.Open}
}

func rowKey(r nodeRow) string {
	if r.pod != nil {
		return r.pod.Namespace + "/" + r.pod.Name
	}
	return "node/" + r.node
}

func (p *nodesPane) setSnapshot(s engine.Snapshot) {
	p.ready = true
	byNode := map[string]*nodeInfo{}
	p.nodes = p.nodes[:0]
	for _, o := range s.Objects["nodes"] {
		n := o.(*corev1.Node)
		ni := nodeInfo{node: n, cpuCap: n.Status.Allocatable.Cpu().MilliValue(), memCap: n.Status.Allocatable.Memory().Value(),
			podCap: n.Status.Allocatable.Pods().Value()}
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady {
				ni.ready = c.Status == corev1.ConditionTrue
			}
		}
		for _, t := range n.Spec.Taints {
			s := t.Key
			if t.Value != "" {
				s += "=" + t.Value
			}
			ni.taints = append(ni.taints, s+":"+string(t.Effect))
		}
		for k, v := range n.Labels {
			ni.labels = append(ni.labels, k+"="+v)
		}
		sort.Strings(ni.labels)
		p.nodes = append(p.nodes, ni)
	}
	sort.Slice(p.nodes, func(i, j int) bool { return p.nodes[i].node.Name < p.nodes[j].node.Name })
	for i := range p.nodes {
		byNode[p.nodes[i].node.Name] = &p.nodes[i]
	}
	for _, o := range s.Objects["pods"] {
		pod := o.(*corev1.Pod)
		ni := byNode[pod.Spec.NodeName]
		if ni == nil || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			continue
		}
		ni.pods = append(ni.pods, pod)
		for _, c := range pod.Spec.Containers {
			ni.cpuReq += c.Resources.Requests.Cpu().MilliValue()
			ni.memReq += c.Resources.Requests.Memory().Value()
		}
	}
	p.rows = p.rows[:0]
	for _, ni := range p.nodes {
		sort.Slice(ni.pods, func(i, j int) bool {
			a, b := ni.pods[i], ni.pods[j]
			if a.Namespace != b.Namespace {
				return a.Namespace < b.Namespace
			}
			return a.Name < b.Name
		})
		p.rows = append(p.rows, nodeRow{node: ni.node.Name})
		for _, pod := range ni.pods {
			p.rows = append(p.rows, nodeRow{node: ni.node.Name, pod: pod})
		}
	}
	p.cursor = clamp(p.cursor, 0, max(len(p.rows)-1, 0))
	for i, r := range p.rows {
		if rowKey(r) == p.curKey {
			p.cursor = i
		}
	}
	p.cacheValid = false
}

// selectPod moves the cursor to a pod (the objects view's selection).
func (p *nodesPane) selectPod(ns, name string) {
	k := ns + "/" + name
	for i, r := range p.rows {
		if rowKey(r) == k {
			p.cursor, p.curKey = i, k
			p.cacheValid = false
			return
		}
	}
}

// ask records that a pod's decision is on its way; until it comes the
// pane says it is loading.
func (p *nodesPane) ask(ns, name string) {
	p.asked = ns + "/" + name
	p.decision = nil
	p.cacheValid = false
}

// staleDecision returns the pod under the cursor when its decision was
// never asked for: a snapshot moved the cursor (the selected pod was
// deleted and the cursor fell on another), and the decision shown would
// be the old pod's under the new pod's name.
func (p *nodesPane) staleDecision() (ns, name string, ok bool) {
	r := p.selected()
	if r == nil || r.pod == nil || rowKey(*r) == p.asked {
		return "", "", false
	}
	p.ask(r.pod.Namespace, r.pod.Name)
	return r.pod.Namespace, r.pod.Name, true
}

func (p *nodesPane) setDecision(m schedulingMsg) {
	if r := p.selected(); r != nil && r.pod != nil && r.pod.Namespace == m.ns && r.pod.Name == m.pod {
		p.decision = &m
		p.cacheValid = false
	}
}

func (p *nodesPane) selected() *nodeRow {
	if p.cursor >= 0 && p.cursor < len(p.rows) {
		return &p.rows[p.cursor]
	}
	return nil
}

func (p *nodesPane) decisionHeight() int {
	if r := p.selected(); r != nil && r.pod != nil {
		return clamp(p.h/3, 5, 12)
	}
	return 0
}

func (p *nodesPane) listHeight() int { return max(p.h-p.decisionHeight(), 1) }

func (p *nodesPane) moveTo(i int) tea.Cmd {
	if len(p.rows) == 0 {
		return nil
	}
	p.cursor = clamp(i, 0, len(p.rows)-1)
	p.curKey = rowKey(p.rows[p.cursor])
	p.decision = nil
	p.cacheValid = false
	if r := p.rows[p.cursor]; r.pod != nil {
		msg := podSelectedMsg{ns: r.pod.Namespace, name: r.pod.Name}
		return func() tea.Msg { return msg }
	}
	return nil
}

func (p *nodesPane) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := p.keys
	h := p.listHeight()
	switch {
	case key.Matches(km, k.Up):
		return p.moveTo(p.cursor - 1)
	case key.Matches(km, k.Down):
		return p.moveTo(p.cursor + 1)
	case key.Matches(km, k.PageUp):
		return p.moveTo(p.cursor - h)
	case key.Matches(km, k.PageDown):
		return p.moveTo(p.cursor + h)
	case key.Matches(km, k.Top):
		return p.moveTo(0)
	case key.Matches(km, k.Bottom):
		return p.moveTo(len(p.rows) - 1)
	case key.Matches(km, k.Open):
		r := p.selected()
		switch {
		case r == nil:
		case r.pod != nil:
			ref := jumpMsg{}
			ref.ref.Kind, ref.ref.Namespace, ref.ref.Name, ref.ref.UID = "Pod", r.pod.Namespace, r.pod.Name, string(r.pod.UID)
			return func() tea.Msg { return ref }
		default:
			// A node is not in the objects view: its full story
			// (conditions, allocated resources, events) is kubectl's.
			msg := consoleRunMsg{command: "kubectl describe node " + r.node}
			return func() tea.Msg { return msg }
		}
	}
	return nil
}

func (p *nodesPane) View() []string {
	if p.cacheValid {
		return p.cache
	}
	if !p.ready {
		p.cache = padLines([]string{p.st.Dim.Render(p.t.Loading)}, p.w, p.h)
	} else {
		lines := p.renderList()
		lines = append(lines, p.renderDecision()...)
		p.cache = padLines(lines, p.w, p.h)
	}
	p.cacheValid = true
	return p.cache
}

// nodeLines are the lines drawn for a node row (the row itself plus its
// capacity, taints and labels); a pod row is one line.
func (p *nodesPane) nodeLines(ni *nodeInfo, selected bool) []string {
	st, t, w := p.st, p.t, p.w
	status, ss := "Ready", st.OK
	glyph := st.G.OK
	if !ni.ready {
		status, ss, glyph = "NotReady", st.Bad, st.G.Bad
	}
	roles := "<none>"
	for k := range ni.node.Labels {
		if r, ok := strings.CutPrefix(k, "node-role.kubernetes.io/"); ok {
			roles = r
		}
	}
	ip := ""
	for _, a := range ni.node.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			ip = a.Address
		}
	}
	marker := " "
	if selected {
		marker = st.G.Cursor
	}
	head := marker + ss.Render(glyph) + " " + st.Bold.Render(ni.node.Name) + "  " + ss.Render(status) + "  " +
		st.Dim.Render(roles+"  "+ip+"  "+ni.node.Spec.PodCIDR)
	if selected && p.focused {
		head = st.Selected.Render(fit(ansiStrip(head), w))
	}
	barW := clamp((w-44)/2, 6, 24)
	cpu := fmt.Sprintf("%s %s %s/%s", fit(t.CPU, 6), bar(st, frac(ni.cpuReq, ni.cpuCap), barW), milli(ni.cpuReq), milli(ni.cpuCap))
	mem := fmt.Sprintf("%s %s %s/%s", fit(t.Memory, 6), bar(st, frac(ni.memReq, ni.memCap), barW), bytesShort(ni.memReq), bytesShort(ni.memCap))
	pods := fmt.Sprintf("%s %d/%d", t.PodsOn, len(ni.pods), ni.podCap)
	lines := []string{fit(head, w)}
	if w >= 100 {
		lines = append(lines, "   "+cpu+"  "+mem+"  "+pods)
	} else {
		lines = append(lines, "   "+cpu+"  "+pods, "   "+mem)
	}
	taints := strings.Join(ni.taints, ", ")
	if taints == "" {
		taints = "-"
	}
	lines = append(lines, "   "+st.Dim.Render(t.Taints+": ")+taints)
	lines = append(lines, "   "+st.Dim.Render(t.Labels+": "+strings.Join(interesting(ni.labels), ", ")))
	return lines
}

// interesting leaves out the labels every node has.
func interesting(labels []string) []string {
	var out []string
	for _, l := range labels {
		if strings.HasPrefix(l, "beta.kubernetes.io/") || strings.HasPrefix(l, "kubernetes.io/arch=") || strings.HasPrefix(l, "kubernetes.io/os=") {
			continue
		}
		out = append(out, l)
	}
	return out
}

func (p *nodesPane) renderList() []string {
	if len(p.rows) == 0 {
		return []string{p.st.Dim.Render(p.t.NoNodes)}
	}
	lh := p.listHeight()
	// Rows have different heights: scroll so the cursor's row is visible.
	heights := make([]int, len(p.rows))
	byName := map[string]*nodeInfo{}
	for i := range p.nodes {
		byName[p.nodes[i].node.Name] = &p.nodes[i]
	}
	for i, r := range p.rows {
		heights[i] = 1
		if r.pod == nil {
			heights[i] = len(p.nodeLines(byName[r.node], false))
		}
	}
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	for {
		used := 0
		for i := p.offset; i <= p.cursor && i < len(heights); i++ {
			used += heights[i]
		}
		if used <= lh || p.offset >= p.cursor {
			break
		}
		p.offset++
	}
	var lines []string
	for i := p.offset; i < len(p.rows) && len(lines) < lh; i++ {
		r := p.rows[i]
		sel := i == p.cursor
		if r.pod == nil {
			lines = append(lines, p.nodeLines(byName[r.node], sel)...)
			continue
		}
		lines = append(lines, p.podLine(r.pod, sel))
	}
	if len(lines) > lh {
		lines = lines[:lh]
	}
	for len(lines) < lh {
		lines = append(lines, "")
	}
	return lines
}

func (p *nodesPane) podLine(pod *corev1.Pod, selected bool) string {
	st := p.st
	status, class, ready, _ := podStatus(pod)
	ss, glyph := st.status(class)
	var cpu, mem int64
	for _, c := range pod.Spec.Containers {
		cpu += c.Resources.Requests.Cpu().MilliValue()
		mem += c.Resources.Requests.Memory().Value()
	}
	req := ""
	if cpu > 0 || mem > 0 {
		req = milli(cpu) + " " + bytesShort(mem)
	}
	marker := " "
	if selected {
		marker = st.G.Cursor
	}
	name := pod.Namespace + "/" + pod.Name
	nameW := max(p.w-44, 20)
	if selected && p.focused {
		line := marker + "    " + glyph + " " + fit(name, nameW) + " " + fit(status, 18) + " " + fit(ready, 5) + " " + req
		return st.Selected.Render(fit(line, p.w))
	}
	line := marker + "    " + ss.Render(glyph) + " " + fit(name, nameW) + " " + ss.Render(fit(status, 18)) + " " + fit(ready, 5) + " " + st.Dim.Render(req)
	return fit(line, p.w)
}

// renderDecision explains the selected pod's placement: the sentence,
// then every node's verdict (the filter that failed, or its score).
func (p *nodesPane) renderDecision() []string {
	dh := p.decisionHeight()
	if dh == 0 {
		return nil
	}
	st, t := p.st, p.t
	lines := []string{st.Dim.Render(strings.Repeat(st.G.Border.H, p.w))}
	r := p.selected()
	title := st.Bold.Render(t.LastScheduling) + " " + r.pod.Namespace + "/" + r.pod.Name
	lines = append(lines, fit(title, p.w))
	switch {
	case p.decision == nil:
		lines = append(lines, st.Dim.Render(t.Loading))
	case !p.decision.ok:
		lines = append(lines, wrap(t.NoScheduling, p.w)...)
	default:
		d := p.decision.d
		lines = append(lines, wrap(p.lang.pick(d.EN, d.KO), p.w)...)
		for _, v := range d.Verdicts {
			var s string
			if v.Feasible {
				s = st.OK.Render(st.G.OK) + " " + fit(v.Node, 12) + " " + t.Feasible
				if len(d.Verdicts) > 1 && v.Score > 0 {
					s += fmt.Sprintf(", %s %d", t.Score, v.Score)
				}
				if v.Node == d.Node {
					s += "  " + st.G.Arrow + " " + st.Bold.Render(d.Node)
				}
			} else {
				reason := ""
				for _, f := range v.Filters {
					if !f.Passed {
						reason = f.Plugin + ": " + f.Reason
						if f.Detail != "" {
							reason += " (" + f.Detail + ")"
						}
					}
				}
				s = st.Bad.Render(st.G.Bad) + " " + fit(v.Node, 12) + " " + reason
			}
			lines = append(lines, trunc(s, p.w))
		}
	}
	if len(lines) > dh {
		lines = lines[:dh]
	}
	return lines
}

func frac(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func milli(m int64) string {
	return resource.NewMilliQuantity(m, resource.DecimalSI).String()
}

// bytesShort rounds to Mi or Gi, as a glance needs.
func bytesShort(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1fGi", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%dMi", b>>20)
	case b == 0:
		return "0"
	}
	return fmt.Sprintf("%dKi", b>>10)
}
