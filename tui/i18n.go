package tui

import (
	"os"
	"strings"
)

// Lang is the UI language. The narration has both languages in every event
// (events.Event.EN and KO); the UI's own words are below.
type Lang int

const (
	// English is the default.
	English Lang = iota
	// Korean is chosen by --lang ko or a Korean locale.
	Korean
)

// ParseLang reads --lang: "en", "ko", or "" for the locale's language.
func ParseLang(s string) (Lang, bool) {
	switch strings.ToLower(s) {
	case "en", "english":
		return English, true
	case "ko", "kr", "korean", "한국어":
		return Korean, true
	case "":
		return LangFromEnv(), true
	}
	return English, false
}

// LangFromEnv follows the POSIX precedence: LC_ALL, LC_MESSAGES, LANG.
func LangFromEnv() Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if val := os.Getenv(v); val != "" {
			if strings.HasPrefix(strings.ToLower(val), "ko") {
				return Korean
			}
			return English
		}
	}
	return English
}

// pick returns the sentence of the language, falling back to the other.
func (l Lang) pick(en, ko string) string {
	if l == Korean && ko != "" {
		return ko
	}
	if en == "" {
		return ko
	}
	return en
}

// Text is every word the UI shows, in one language.
type Text struct {
	Lesson, Console, Objects, Actions, Isolation, Nodes string
	TooSmall, TooSmallHint                              string
	Paused, Manual, Speed                               string
	Sim, Docker                                         string
	Starting, Stopping                                  string
	Running                                             string
	Interrupted                                         string
	NoObjects, NoEvents, NoPod, NoNodes                 string
	SelectPod, Loading                                  string
	YAML, Describe, Events                              string
	Filter, Following, NewestFirst                      string
	FromDocker, FromSim                                 string
	Host, Kernel, Hostname, Pid1                        string
	Shared, SharedLegend, NotShared                     string
	Memory, CPU, Pids, Unlimited                        string
	Capacity, Allocated, Taints, Labels, PodsOn         string
	LastScheduling, NoScheduling, Feasible, Score       string
	ConfirmDelete, ConfirmQuit, YesNo                   string
	HelpTitle, HelpGlobal, HelpClose                    string
	Completions, Exited                                 string
	Welcome                                             string
	ConsoleHelp                                         string
	Workspace                                           string // %s: the folder kubectl runs in
	LessonHelp                                          string
	Endpoints, NoEndpoints, Other                       string
	JumpedTo, NotFound                                  string
	RealTime                                            string
	Desired                                             string
	EventsOfObject                                      string
	Done                                                string
}

var english = Text{
	Lesson: "Lesson", Console: "Console", Objects: "Objects", Actions: "Controllers", Isolation: "Isolation", Nodes: "Nodes",
	TooSmall:     "The terminal is too small: %d×%d.",
	TooSmallHint: "kubetour needs at least %d×%d. Enlarge the window or reduce the font size.",
	Paused:       "paused", Manual: "manual clock", Speed: "speed",
	Sim: "simulation", Docker: "Docker",
	Starting: "starting…", Stopping: "stopping the cluster…",
	Running:     "running",
	Interrupted: "^C",
	NoObjects:   "No objects yet. Try: kubectl create deployment web --image=nginx --replicas=3",
	NoEvents:    "Nothing has happened yet. Controllers explain each decision here.",
	NoPod:       "No pod selected.",
	NoNodes:     "No nodes.",
	SelectPod:   "Select a pod in Objects or Nodes (enter) to see what isolates its containers.",
	Loading:     "loading…",
	YAML:        "YAML", Describe: "Describe", Events: "Events",
	Filter: "filter", Following: "following", NewestFirst: "newest first",
	FromDocker: "Figures read from the real Docker containers (/proc and cgroups on this machine).",
	FromSim:    "Figures from the simulation: consistent, but no real process runs.",
	Host:       "host", Kernel: "kernel", Hostname: "hostname", Pid1: "PID 1",
	Shared:       "shared",
	SharedLegend: "Same letter = same namespace: those containers share it.",
	NotShared:    "own",
	Memory:       "memory", CPU: "cpu", Pids: "pids", Unlimited: "no limit",
	Capacity: "capacity", Allocated: "requested", Taints: "taints", Labels: "labels", PodsOn: "pods",
	LastScheduling: "Why this node?", NoScheduling: "No scheduling decision recorded for this pod.",
	Feasible: "fits", Score: "score",
	ConfirmDelete: "Delete %s? This runs: %s",
	ConfirmQuit:   "Quit kubetour? The cluster and everything in it will be removed.",
	YesNo:         "y: yes   n/esc: no",
	HelpTitle:     "Keys", HelpGlobal: "Everywhere", HelpClose: "? or esc closes this help",
	Completions: "completions", Exited: "exit status %d",
	Welcome: `# Welcome to kubetour

This is a sandbox: a small Kubernetes cluster (one control-plane node, two workers) runs inside kubetour, and the console below is the **real kubectl**.

Try:

` + "```" + `
kubectl create deployment web --image=nginx --replicas=3
get pods -o wide
kubectl scale deployment web --replicas=5
kubectl expose deployment web --port=80
curl web
` + "```" + `

- **Objects** shows what you created, owners before pods.
- **Controllers** tells what each controller decided, and why.
- **Isolation** shows the namespaces and cgroups of the selected pod.
- **Nodes** shows where pods landed and why.

Press **esc** to leave the console, **?** for every key.`,
	ConsoleHelp: "Type kubectl commands (kubectl, k, or just `get pods`), curl URL, sleep 10s, cat FILE, ls, clear, history, exit. A heredoc (<<EOF … EOF) spans several lines. Tab completes; ↑/↓ recall; PgUp/PgDn scroll; ctrl+c stops a command.",
	LessonHelp:  "Lesson: hint, next, prev, goto REF, solution, reset, lessons, check, lang en|ko (a : or / prefix also works, as in :help, which lists them all).",
	Workspace:   "The step's files are in %s: open them in your editor (in another terminal), then kubectl apply -f FILE here.",
	Endpoints:   "endpoints", NoEndpoints: "no endpoints", Other: "config and storage",
	JumpedTo: "→ %s", NotFound: "%s is gone",
	RealTime:       "On Docker, pods are real processes in real time: the clock cannot be sped up, paused or stepped (the simulation can; `sleep` in the console passes time on both).",
	Desired:        "ready/desired",
	EventsOfObject: "What the controllers did with this object",
	Done:           "done, exit status 0",
}

var korean = Text{
	Lesson: "학습", Console: "콘솔", Objects: "오브젝트", Actions: "컨트롤러", Isolation: "격리", Nodes: "노드",
	TooSmall:     "터미널이 너무 작습니다: %d×%d.",
	TooSmallHint: "kubetour는 최소 %d×%d가 필요합니다. 창을 키우거나 글꼴을 줄이세요.",
	Paused:       "일시정지", Manual: "수동 시계", Speed: "속도",
	Sim: "시뮬레이션", Docker: "Docker",
	Starting: "시작하는 중…", Stopping: "클러스터를 정리하는 중…",
	Running:     "실행 중",
	Interrupted: "^C",
	NoObjects:   "아직 오브젝트가 없습니다. 예: kubectl create deployment web --image=nginx --replicas=3",
	NoEvents:    "아직 아무 일도 없었습니다. 컨트롤러가 내린 결정과 이유가 여기에 나옵니다.",
	NoPod:       "선택한 파드가 없습니다.",
	NoNodes:     "노드가 없습니다.",
	SelectPod:   "오브젝트나 노드에서 파드를 선택(enter)하면 컨테이너를 격리하는 것들을 보여 줍니다.",
	Loading:     "불러오는 중…",
	YAML:        "YAML", Describe: "Describe", Events: "이벤트",
	Filter: "필터", Following: "따라가기", NewestFirst: "최신순",
	FromDocker: "실제 Docker 컨테이너에서 읽은 값입니다 (이 컴퓨터의 /proc과 cgroup).",
	FromSim:    "시뮬레이션 값입니다: 일관되지만 실제 프로세스는 없습니다.",
	Host:       "호스트", Kernel: "커널", Hostname: "호스트명", Pid1: "PID 1",
	Shared:       "공유",
	SharedLegend: "같은 글자 = 같은 네임스페이스: 그 컨테이너들이 공유합니다.",
	NotShared:    "단독",
	Memory:       "메모리", CPU: "CPU", Pids: "PID 수", Unlimited: "제한 없음",
	Capacity: "용량", Allocated: "요청량", Taints: "테인트", Labels: "레이블", PodsOn: "파드",
	LastScheduling: "왜 이 노드에?", NoScheduling: "이 파드의 스케줄링 결정 기록이 없습니다.",
	Feasible: "적합", Score: "점수",
	ConfirmDelete: "%s 을(를) 삭제할까요? 실행할 명령: %s",
	ConfirmQuit:   "kubetour를 종료할까요? 클러스터와 그 안의 모든 것이 삭제됩니다.",
	YesNo:         "y: 예   n/esc: 아니요",
	HelpTitle:     "키", HelpGlobal: "어디서나", HelpClose: "? 또는 esc로 닫기",
	Completions: "자동 완성", Exited: "종료 코드 %d",
	Welcome: `# kubetour에 오신 것을 환영합니다

여기는 샌드박스입니다. kubetour 안에서 작은 쿠버네티스 클러스터(컨트롤 플레인 노드 1개, 워커 2개)가 돌고 있고, 아래 콘솔은 **진짜 kubectl**입니다.

해 보세요:

` + "```" + `
kubectl create deployment web --image=nginx --replicas=3
get pods -o wide
kubectl scale deployment web --replicas=5
kubectl expose deployment web --port=80
curl web
` + "```" + `

- **오브젝트**: 만든 것들을 소유자부터 파드까지 보여 줍니다.
- **컨트롤러**: 각 컨트롤러가 무엇을 왜 결정했는지 알려 줍니다.
- **격리**: 선택한 파드의 네임스페이스와 cgroup을 보여 줍니다.
- **노드**: 파드가 어느 노드에 왜 배치됐는지 보여 줍니다.

콘솔에서 나가려면 **esc**, 모든 키는 **?** 를 누르세요.`,
	ConsoleHelp: "kubectl 명령(kubectl, k, 또는 그냥 `get pods`), curl URL, sleep 10s, cat 파일, ls, clear, history, exit를 입력하세요. 히어독(<<EOF … EOF)은 여러 줄에 걸쳐 입력합니다. Tab 자동 완성, ↑/↓ 기록, PgUp/PgDn 스크롤, ctrl+c 명령 중지.",
	LessonHelp:  "레슨: hint, next, prev, goto REF, solution, reset, lessons, check, lang en|ko (: 또는 / 를 앞에 붙여도 됩니다. :help 는 전체 목록을 보여 줍니다).",
	Workspace:   "이 단계의 파일은 %s 에 있습니다. (다른 터미널에서) 편집기로 고친 뒤 여기서 kubectl apply -f 파일명 을 실행하세요.",
	Endpoints:   "엔드포인트", NoEndpoints: "엔드포인트 없음", Other: "설정과 스토리지",
	JumpedTo: "→ %s", NotFound: "%s 이(가) 없습니다",
	RealTime:       "Docker에서는 파드가 실제 시간으로 도는 실제 프로세스라서 시계를 빠르게 하거나 멈추거나 건너뛸 수 없습니다(시뮬레이션에서는 됩니다. 콘솔의 `sleep`은 양쪽 모두에서 시간을 보냅니다).",
	Desired:        "준비/목표",
	EventsOfObject: "컨트롤러가 이 오브젝트에 한 일",
	Done:           "완료, 종료 코드 0",
}

// text returns the words of a language.
func (l Lang) text() *Text {
	if l == Korean {
		return &korean
	}
	return &english
}
