// Package tui is kubetour's terminal UI: the lesson, the console (the real
// kubectl), and live views of the cluster — its objects, what each
// controller decided and why, what isolates a pod's containers, and where
// pods landed. It reaches the engine only through the engine package's
// facade (see Cluster in engine.go) and runs commands through
// kubetour/script, so the console prints what `kubetour script` prints.
package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"kubetour/engine"
	"kubetour/engine/events"
)

// Options configure the UI. Everything the UI needs from outside comes
// through here; the root builds its panes from it once.
type Options struct {
	Cluster Cluster
	// Runner runs console commands (kubectl, curl, sleep) and the objects
	// view's describe. Nil leaves the console unable to run anything.
	Runner CommandRunner
	// Kubectl is the embedded kubectl as a program and its leading
	// arguments (os.Executable(), "kubectl"), for what the runner does not
	// do: completion and interactive commands (edit, exec -it).
	Kubectl []string
	// KubectlEnv is added to those commands' environment (KUBECONFIG …).
	KubectlEnv []string
	// HistoryPath is where console history is kept ("" = not kept).
	HistoryPath string
	Lang        Lang
	Theme       Theme
	ASCII       bool
	// Mouse enables the mouse: the wheel scrolls, a click focuses a pane.
	Mouse bool
	// Lesson is the lesson text shown at start ("" = the sandbox welcome).
	Lesson string
	// LessonSession drives the lesson pane and the lesson console
	// commands (nil: the sandbox). It wins over Lesson.
	LessonSession Lesson
	// Title names the session in the header ("sandbox", a chapter).
	Title string
	// Now is the wall clock, for highlights that fade (tests fix it).
	Now func() time.Time
}

// paneID names a pane.
type paneID int

const (
	paneLesson paneID = iota + 1
	paneObjects
	paneActions
	paneIsolation
	paneNodes
	paneConsole
)

// Model is the root: it owns the layout, the focus and the global keys,
// routes everything else to the panes, and is the only place that talks to
// the engine (through tea.Cmds).
type Model struct {
	opts Options
	c    Cluster
	st   Styles
	t    *Text
	keys Keys
	lang Lang

	ctx    context.Context
	cancel context.CancelFunc
	sub    *events.Subscription

	narr    *narration
	lesson  *lessonPane
	console *consolePane
	objects *objectsPane
	actions *actionsPane
	iso     *isolationPane
	nodes   *nodesPane

	width, height int
	lay           Layout
	focus         paneID
	tab           paneID // the pane shown in the views area

	clock   engine.ClockInfo
	runtime string

	lastBatch    time.Time
	snapInFlight bool
	snapDirty    bool
	lastSnap     time.Time
	snapTook     time.Duration
	fadeArmed    time.Time

	lessonPending []events.Event // narration waiting for the lesson
	lessonBusy    bool           // the lesson is evaluating a batch

	help     help.Model
	showHelp bool
	confirm  *confirmState

	status      string
	statusErr   bool
	statusUntil time.Time

	quitting bool
	stopped  bool

	// onRender is called after every View (benchmarks measure latency).
	onRender func()
}

// New builds the root model. It subscribes to the narration at once, so
// nothing published between New and the first frame is lost.
func New(opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Title == "" {
		opts.Title = "sandbox"
	}
	m := &Model{opts: opts, c: opts.Cluster, lang: opts.Lang, t: opts.Lang.text()}
	m.st = NewStyles(opts.Theme, opts.ASCII)
	m.keys = newKeys(opts.Lang)
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.sub = opts.Cluster.Subscribe()
	m.narr = &narration{}
	env := &consoleEnv{runner: opts.Runner, cluster: opts.Cluster, kubectl: opts.Kubectl, kubectlEnv: opts.KubectlEnv, lesson: opts.LessonSession}
	m.lesson = newLessonPane(&m.st, m.t, &m.keys)
	content := opts.Lesson
	if opts.LessonSession != nil {
		content = opts.LessonSession.Markdown()
	}
	if content == "" {
		content = m.t.Welcome
	}
	m.lesson.SetContent(content)
	m.console = newConsolePane(&m.st, m.t, &m.keys, m.lang, env, opts.HistoryPath)
	m.objects = newObjectsPane(&m.st, m.t, &m.keys, m.lang, m.narr, opts.Now)
	m.actions = newActionsPane(&m.st, m.t, &m.keys, m.lang, m.narr)
	m.iso = newIsolationPane(&m.st, m.t, &m.keys)
	m.nodes = newNodesPane(&m.st, m.t, &m.keys, m.lang)
	m.help = help.New()
	m.help.Styles.ShortKey, m.help.Styles.ShortDesc = m.st.HelpKey, m.st.HelpDesc
	m.help.Styles.FullKey, m.help.Styles.FullDesc = m.st.HelpKey, m.st.HelpDesc
	m.help.Styles.ShortSeparator, m.help.Styles.FullSeparator = m.st.Dim, m.st.Dim
	m.help.Styles.Ellipsis = m.st.Dim
	if opts.ASCII {
		m.help.ShortSeparator, m.help.Ellipsis = " | ", "..."
	}
	m.tab = paneObjects
	if opts.LessonSession != nil {
		m.tab = paneLesson // a tab on narrow screens: shown first
	}
	m.focus = paneConsole
	m.console.Focus()
	return m
}

// SetLesson replaces the lesson text (for the lessons package).
func (m *Model) SetLesson(md string) { m.lesson.SetContent(md) }

// Init starts the narration feed, the first snapshot, the clock, and reads
// the retained narration and the console history.
func (m *Model) Init() tea.Cmd {
	m.snapInFlight = true
	return tea.Batch(
		waitEvents(m.ctx, m.sub, time.Time{}),
		takeSnapshot(m.c, time.Time{}),
		readClock(m.c),
		clockTick(m.c),
		loadNarration(m.c),
		loadHistory(m.opts.HistoryPath),
		m.evaluateLesson(),
	)
}

// idleRefresh is how often a quiet cluster's views are refreshed.
const idleRefresh = 5 * time.Second

// clockTickMsg is the once-a-second clock read; it re-arms itself.
type clockTickMsg struct{ info engine.ClockInfo }

// fadeMsg ends row highlights.
type fadeMsg struct{}

// stoppedMsg says the cluster has stopped: the program can end.
type stoppedMsg struct{}

// Update routes a message. It never blocks: engine calls, file and
// process I/O happen in the Cmds it returns.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.KeyMsg:
		return m, m.key(msg)
	case tea.MouseMsg:
		return m, m.mouse(msg)
	case eventsMsg:
		return m, m.events(msg)
	case snapshotMsg:
		return m, m.snapshot(msg)
	case historyMsg:
		m.narr.addHistory(msg.events)
		return m, nil
	case clockMsg:
		m.clock = msg.info
		return m, nil
	case tea.Msg:
		if cmd, ok := m.route(msg); ok {
			return m, cmd
		}
	}
	return m, nil
}

// route handles the messages of panes and commands.
func (m *Model) route(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case clockTickMsg:
		m.clock = msg.info
		if m.quitting {
			return nil, true
		}
		// Ages (the AGE column) move even when nothing changes: a quiet
		// cluster is redrawn from a fresh snapshot every few seconds.
		if m.opts.Now().Sub(m.lastSnap) >= idleRefresh {
			return tea.Batch(clockTick(m.c), m.requestSnapshot()), true
		}
		return clockTick(m.c), true
	case fadeMsg:
		m.objects.cacheValid = false
		return m.armFade(), true
	case podSelectedMsg:
		return m.selectPod(msg.ns, msg.name), true
	case isolationMsg:
		m.iso.set(msg)
		if m.quitting {
			return nil, true
		}
		ns, pod := msg.ns, msg.pod
		return tea.Tick(2*time.Second, func(time.Time) tea.Msg { return isolationTickMsg{ns: ns, pod: pod} }), true
	case isolationTickMsg:
		if msg.ns == m.iso.ns && msg.pod == m.iso.pod && m.visible(paneIsolation) && !m.quitting {
			return loadIsolation(m.c, msg.ns, msg.pod), true
		}
		return nil, true
	case schedulingMsg:
		m.nodes.setDecision(msg)
		return nil, true
	case jumpMsg:
		return m.jump(msg.ref), true
	case filterActionsMsg:
		m.actions.setFilter(msg.query)
		m.setFocus(paneActions)
		return nil, true
	case consoleRunMsg:
		// Run where the student reads and scrolls the output.
		m.setFocus(paneConsole)
		return m.console.runCommand(msg.command), true
	case deleteRequestMsg:
		command := msg.command
		m.confirm = &confirmState{text: m.sprintf(m.t.ConfirmDelete, msg.what, command), onYes: func() tea.Cmd {
			return m.console.runCommand(command)
		}}
		return nil, true
	case lessonMsg:
		return m.lessonUpdate(msg), true
	case quitRequestMsg:
		return m.quit(), true
	case stoppedMsg:
		m.stopped = true
		return tea.Quit, true
	case describeMsg:
		return m.objects.Update(msg, m.describe), true
	case jobOutputMsg, killMsg, completionMsg, interactiveDoneMsg, historyLoadedMsg, flushNotesMsg:
		return m.console.Update(msg), true
	}
	return nil, false
}

func (m *Model) resize(w, h int) {
	m.width, m.height = w, h
	m.lay = layout(w, h)
	if m.lay.TooSmall {
		return
	}
	inner := func(r Rect) (int, int) { return max(r.W-2, 0), max(r.H-2, 0) }
	if !m.lay.LessonTab() {
		m.lesson.SetSize(inner(m.lay.Lesson))
	} else {
		m.lesson.SetSize(inner(m.lay.Views))
	}
	m.console.SetSize(inner(m.lay.Console))
	m.objects.SetSize(inner(m.lay.Views))
	m.iso.SetSize(inner(m.lay.Views))
	m.nodes.SetSize(inner(m.lay.Views))
	if m.lay.ActionsTab() {
		m.actions.SetSize(inner(m.lay.Views))
	} else {
		m.actions.SetSize(inner(m.lay.Tiled))
	}
	// A pane that is no longer a tab cannot be the tab shown.
	if (m.tab == paneLesson && !m.lay.LessonTab()) || (m.tab == paneActions && !m.lay.ActionsTab()) {
		m.tab = paneObjects
	}
	m.help.Width = w
}

// events applies one batch of narration and re-arms the feed.
func (m *Model) events(msg eventsMsg) tea.Cmd {
	if msg.closed {
		return nil
	}
	m.lastBatch = msg.at
	m.narr.add(msg.events)
	// Under a storm a batch holds tens of thousands of events: nothing
	// here allocates per event, so the UI adds little to the garbage the
	// engine makes.
	now := m.opts.Now()
	changed := false
	for i := range msg.events {
		e := &msg.events[i]
		if e.Kind != events.Change {
			continue
		}
		for _, r := range e.Objects {
			if r.UID != "" {
				m.objects.changed[r.UID] = now
				changed = true
			}
		}
	}
	lesson := m.observeLesson(msg.events)
	if !changed {
		return tea.Batch(waitEvents(m.ctx, m.sub, msg.at), lesson)
	}
	m.objects.cacheValid = false
	return tea.Batch(waitEvents(m.ctx, m.sub, msg.at), m.requestSnapshot(), m.armFade(), lesson)
}

// requestSnapshot asks for a fresh copy of the cluster unless one is on
// its way; then the next one is taken when it arrives (overlapping
// refreshes are dropped, as k9s does).
func (m *Model) requestSnapshot() tea.Cmd {
	if m.quitting {
		return nil
	}
	if m.snapInFlight {
		m.snapDirty = true
		return nil
	}
	m.snapInFlight = true
	// Refresh less often as refreshing costs more (a copy of 1,000 pods
	// and a new tree), so the engine keeps most of the CPU in a storm.
	interval := min(max(minSnapshotInterval, 8*m.snapTook), maxSnapshotInterval)
	return takeSnapshot(m.c, m.lastSnap.Add(interval))
}

func (m *Model) snapshot(msg snapshotMsg) tea.Cmd {
	m.snapInFlight = false
	built := time.Now()
	defer func() { m.snapTook = msg.took + time.Since(built) }()
	m.lastSnap = m.opts.Now()
	m.runtime = msg.snap.Runtime
	if m.clock.Now.IsZero() {
		m.clock = engine.ClockInfo{Now: msg.snap.Time, Speed: msg.snap.Speed, Paused: msg.snap.Paused}
	}
	m.objects.setSnapshot(msg.snap)
	m.nodes.setSnapshot(msg.snap)
	var cmds []tea.Cmd
	if ns, name, ok := m.nodes.staleDecision(); ok {
		cmds = append(cmds, loadScheduling(m.c, ns, name))
	}
	if m.snapDirty {
		m.snapDirty = false
		cmds = append(cmds, m.requestSnapshot())
	}
	if m.iso.pod != "" && !snapHasPod(msg.snap, m.iso.ns, m.iso.pod) {
		m.iso.forget()
	}
	if m.iso.pod == "" && m.visible(paneIsolation) {
		cmds = append(cmds, m.defaultPod())
	}
	return tea.Batch(cmds...)
}

// armFade schedules the end of the earliest row highlight (one timer at a
// time: no ticking while nothing is highlighted).
func (m *Model) armFade() tea.Cmd {
	next := m.objects.nextFade()
	if next.IsZero() || (!m.fadeArmed.IsZero() && !next.Before(m.fadeArmed) && m.fadeArmed.After(m.opts.Now())) {
		return nil
	}
	m.fadeArmed = next
	return tea.Tick(next.Sub(m.opts.Now())+10*time.Millisecond, func(time.Time) tea.Msg { return fadeMsg{} })
}

// selectPod points the isolation and nodes views at a pod.
func (m *Model) selectPod(ns, name string) tea.Cmd {
	var cmds []tea.Cmd
	if m.iso.target(ns, name) {
		cmds = append(cmds, loadIsolation(m.c, ns, name))
	}
	m.nodes.selectPod(ns, name)
	m.nodes.ask(ns, name)
	cmds = append(cmds, loadScheduling(m.c, ns, name))
	return tea.Batch(cmds...)
}

// defaultPod picks a pod for the isolation view when none was selected:
// the one under the objects cursor, else the student's first.
func (m *Model) defaultPod() tea.Cmd {
	if p, ok := m.objects.podOf(); ok {
		return m.selectPod(p.Namespace, p.Name)
	}
	var first *objNode
	var find func(ns []*objNode)
	find = func(ns []*objNode) {
		for _, n := range ns {
			if first != nil {
				return
			}
			if n.kind == "Pod" {
				first = n
				return
			}
			find(n.children)
		}
	}
	find(m.objects.roots)
	if first == nil {
		return nil
	}
	return m.selectPod(first.ns, first.name)
}

// jump selects an object in the objects view (from a controller action or
// a node's pod).
func (m *Model) jump(ref events.Ref) tea.Cmd {
	k := objKey(ref.Kind, ref.Namespace, ref.Name)
	if !m.objects.selectKey(k) {
		m.flash(m.sprintf(m.t.NotFound, ref.Kind+"/"+ref.Name), true)
		return nil
	}
	m.setFocus(paneObjects)
	m.flash(m.sprintf(m.t.JumpedTo, ref.Kind+"/"+ref.Name), false)
	return m.objects.selectionCmd()
}

func (m *Model) flash(s string, isErr bool) {
	m.status, m.statusErr, m.statusUntil = s, isErr, m.opts.Now().Add(4*time.Second)
}

// describe runs `kubectl describe` for the objects view.
func (m *Model) describe(key string, args []string) tea.Cmd {
	r := m.opts.Runner
	if r == nil {
		return nil
	}
	return func() tea.Msg {
		out, _ := runCapture(r, args)
		return describeMsg{key: key, text: out}
	}
}

// quit asks first; the answer stops the cluster, then the program.
func (m *Model) quit() tea.Cmd {
	if m.quitting {
		return nil
	}
	m.confirm = &confirmState{text: m.t.ConfirmQuit, onYes: m.stop}
	return nil
}

// stop ends the session: the console's command is killed, the feed
// closed, and the cluster stopped (removing what the runtime runs for it)
// before the program exits, so the terminal is handed back clean.
func (m *Model) stop() tea.Cmd {
	m.quitting = true
	m.cancel()
	m.sub.Close()
	var cmds []tea.Cmd
	if m.console.job != nil {
		cmds = append(cmds, m.console.job.kill())
	}
	c := m.c
	cmds = append(cmds, func() tea.Msg {
		c.Stop()
		return stoppedMsg{}
	})
	return tea.Sequence(cmds...)
}

// Stopped reports whether the cluster was stopped by the UI.
func (m *Model) Stopped() bool { return m.stopped }

// visible reports whether a pane is on screen.
func (m *Model) visible(id paneID) bool {
	switch {
	case id == paneConsole:
		return true
	case id == paneLesson && !m.lay.LessonTab():
		return true
	case id == paneActions && !m.lay.ActionsTab():
		return true
	}
	return m.tab == id
}

// tabs are the panes of the views area, in order.
func (m *Model) tabs() []paneID {
	var t []paneID
	if m.lay.LessonTab() {
		t = append(t, paneLesson)
	}
	t = append(t, paneObjects)
	if m.lay.ActionsTab() {
		t = append(t, paneActions)
	}
	return append(t, paneIsolation, paneNodes)
}

// focusOrder is the tab cycle: the lesson, the views, the controllers,
// the console — whatever is on screen.
func (m *Model) focusOrder() []paneID {
	var o []paneID
	if !m.lay.LessonTab() {
		o = append(o, paneLesson)
	}
	o = append(o, m.tab)
	if !m.lay.ActionsTab() {
		o = append(o, paneActions)
	}
	return append(o, paneConsole)
}

// setFocus focuses a pane, bringing its tab to the front if needed.
func (m *Model) setFocus(id paneID) tea.Cmd {
	if !m.visible(id) {
		m.tab = id
	}
	if m.focus == id {
		return m.onShow(id)
	}
	m.paneOf(m.focus).Blur()
	m.focus = id
	m.paneOf(id).Focus()
	return m.onShow(id)
}

// onShow starts what a pane needs when it comes into view.
func (m *Model) onShow(id paneID) tea.Cmd {
	if id == paneIsolation && m.iso.pod == "" {
		return m.defaultPod()
	}
	if id == paneIsolation && m.iso.pod != "" {
		return loadIsolation(m.c, m.iso.ns, m.iso.pod)
	}
	return nil
}

// pane is what the root asks of every pane.
type pane interface {
	Focus()
	Blur()
	CapturesInput() bool
	Title() string
	View() []string
}

func (m *Model) paneOf(id paneID) pane {
	switch id {
	case paneLesson:
		return m.lesson
	case paneObjects:
		return m.objects
	case paneActions:
		return m.actions
	case paneIsolation:
		return m.iso
	case paneNodes:
		return m.nodes
	}
	return m.console
}
