package lessons

import (
	"errors"
	"fmt"
	"strings"
)

// Reply is what a console command prints.
type Reply struct {
	Text string
	// Asking is true when the reply asks for a yes/no answer: the next
	// line is the answer.
	Asking bool
}

// msg is a console message in each language.
type msg struct{ en, ko string }

func (m msg) in(lang string) string {
	if lang == "ko" {
		return m.ko
	}
	return m.en
}

var (
	msgHelp = msg{
		en: `Lesson commands:
  lesson            show the current step again
  chapters          the chapters, with your progress (✓ done, ◐ started, ▸ here)
  next, prev        the next or previous step
  goto REF          jump to a chapter or step: pod, pod/labels, 5, 5.3
  check             evaluate the step's checks now
  hint              the next hint (one tier at a time)
  solution          the reference solution (asks first; the step is marked)
  reset             put the cluster back to the start of this step (asks first)
  reset all         delete everything you created, in every namespace (asks first)
  sandbox, resume   leave the lesson for a free cluster, and come back
  lang en|ko        switch language
Anything else runs as a command: kubectl (or k), curl, sleep.`,
		ko: `레슨 명령:
  lesson            지금 단계를 다시 보여 줍니다
  chapters          챕터 목록과 진행 상황 (✓ 완료, ◐ 진행 중, ▸ 현재 위치)
  next, prev        다음 단계, 이전 단계
  goto REF          챕터나 단계로 이동: pod, pod/labels, 5, 5.3
  check             지금 이 단계의 확인 항목을 검사합니다
  hint              다음 힌트 (한 단계씩)
  solution          모범 답안 (먼저 확인을 받고, 답안을 본 단계로 기록합니다)
  reset             클러스터를 이 단계의 시작 상태로 되돌립니다 (먼저 확인)
  reset all         모든 네임스페이스에서 직접 만든 것을 전부 지웁니다 (먼저 확인)
  sandbox, resume   레슨을 잠시 떠나 자유롭게 실습하고, 다시 돌아옵니다
  lang en|ko        언어 변경
그 밖의 입력은 명령으로 실행합니다: kubectl (또는 k), curl, sleep.`}
	msgConfirmSolution = msg{"Show the reference solution? The step will be marked as solved with the solution. [y/N]", "모범 답안을 볼까요? 이 단계는 답안을 보고 푼 것으로 기록됩니다. [y/N]"}
	msgConfirmReset    = msg{"Put the cluster back to the start of this step? What you created in %s will be deleted. [y/N]", "클러스터를 이 단계의 시작 상태로 되돌릴까요? %s 네임스페이스에서 만든 것이 지워집니다. [y/N]"}
	msgConfirmResetAll = msg{"Delete everything you created, in every namespace, and start this step again? Your progress is kept. [y/N]", "모든 네임스페이스에서 직접 만든 것을 전부 지우고 이 단계를 다시 시작할까요? 진행 기록은 그대로 남습니다. [y/N]"}
	msgCancelled       = msg{"Cancelled.", "취소했습니다."}
	msgResetDone       = msg{"The cluster is back at the start of this step.", "클러스터를 이 단계의 시작 상태로 되돌렸습니다."}
	msgResetAllDone    = msg{"Everything you created is gone; this step starts again.", "직접 만든 것을 모두 지우고 이 단계를 다시 시작합니다."}
	msgSandbox         = msg{"Sandbox: the cluster is yours, no checks run. `resume` returns to the lesson.", "샌드박스: 확인 항목 없이 클러스터를 자유롭게 쓰세요. `resume`으로 레슨에 돌아옵니다."}
	msgEnd             = msg{"That was the last step.", "마지막 단계였습니다."}
	msgNewChapter      = msg{"A new chapter starts on a cleared cluster: what you created earlier is gone.", "새 챕터는 정리된 클러스터에서 시작합니다. 앞에서 만든 것은 지웠습니다."}
	msgStart           = msg{"This is the first step.", "첫 단계입니다."}
	msgNoMoreHints     = msg{"(no more hints: `solution` shows the reference solution)", "(더 이상 힌트가 없습니다: `solution`으로 모범 답안을 볼 수 있습니다)"}
	msgHintOf          = msg{"Hint %d/%d: ", "힌트 %d/%d: "}
	msgSolution        = msg{"Reference solution:", "모범 답안:"}
	msgDone            = msg{"✓ Step done.", "✓ 단계 완료."}
	msgWhatHappened    = msg{"What just happened:", "무슨 일이 있었나:"}
	msgNext            = msg{"`next` goes on.", "`next`로 다음 단계로 넘어가세요."}
	msgChapterDone     = msg{"Chapter done: %s", "챕터 완료: %s"}
	msgSolutionShown   = msg{"(with the solution)", "(답안을 보고 풂)"}
	msgNextChapter     = msg{"`next` goes on to chapter %d: %s.", "`next`로 다음 챕터(%d. %s)로 넘어가세요."}
	msgCourseDone      = msg{"That was the last chapter of the course.", "코스의 마지막 챕터였습니다."}
	msgTry             = msg{"Try:", "해 볼 명령:"}
	msgChecks          = msg{"Checks:", "확인 항목:"}
	msgMistake         = msg{"Hint: ", "힌트: "}
	msgLang            = msg{"Language: English.", "언어: 한국어."}
)

// Command runs a lesson console command. It returns handled=false for a
// line that is not one (the caller runs it as a cluster command). It may
// block while the cluster is prepared.
func (s *Session) Command(line string) (Reply, bool) {
	line = strings.TrimSpace(line)
	lang := s.Lang()
	s.mu.Lock()
	pending := s.confirm
	s.confirm = nil
	s.mu.Unlock()
	if pending != nil {
		switch strings.ToLower(line) {
		case "y", "yes", "네", "예", "ㅇ":
			return pending(), true
		}
		if strings.ToLower(line) == "" || strings.ToLower(line) == "n" || strings.ToLower(line) == "no" || line == "아니요" {
			return Reply{Text: msgCancelled.in(lang)}, true
		}
		// Anything else cancels and runs as usual.
	}
	words := strings.Fields(line)
	if len(words) == 0 {
		return Reply{}, false
	}
	arg := strings.Join(words[1:], " ")
	errReply := func(err error) Reply { return Reply{Text: err.Error()} }
	moved := func(err error, edge msg) (Reply, bool) {
		if errors.Is(err, ErrNoMore) {
			return Reply{Text: edge.in(lang)}, true
		}
		if err != nil {
			return errReply(err), true
		}
		if s.Cleared() {
			return Reply{Text: msgNewChapter.in(lang) + "\n\n" + s.RenderCurrent()}, true
		}
		return Reply{Text: s.RenderCurrent()}, true
	}
	switch words[0] {
	case "help", "?":
		if len(words) == 1 {
			return Reply{Text: msgHelp.in(lang)}, true
		}
	case "lesson", "step":
		if len(words) == 1 {
			return Reply{Text: s.RenderCurrent()}, true
		}
	case "chapters", "lessons":
		if len(words) == 1 {
			return Reply{Text: RenderChapters(s.Chapters(), true)}, true
		}
	case "next":
		return moved(s.Next(), msgEnd)
	case "prev", "previous", "back":
		return moved(s.Prev(), msgStart)
	case "goto", "jump":
		if arg == "" {
			return Reply{Text: "goto REF (pod, pod/labels, 5, 5.3)"}, true
		}
		return moved(s.Jump(arg), msgEnd)
	case "check":
		if len(words) == 1 {
			u := s.Evaluate()
			return Reply{Text: RenderResult(u.Result, lang)}, true
		}
	case "hint":
		if len(words) == 1 {
			h, err := s.Hint()
			if err != nil {
				return errReply(err), true
			}
			t := fmt.Sprintf(msgHintOf.in(lang), h.Tier, h.Of) + strings.TrimSpace(h.Text.In(lang))
			if h.Tier == h.Of {
				t += "\n" + msgNoMoreHints.in(lang)
			}
			return Reply{Text: t}, true
		}
	case "solution":
		if len(words) == 1 {
			s.ask(func() Reply {
				sol, err := s.Solution(true)
				if err != nil {
					return errReply(err)
				}
				return Reply{Text: msgSolution.in(lang) + "\n" + indent(strings.TrimRight(sol.Text, "\n"), "  ")}
			})
			return Reply{Text: msgConfirmSolution.in(lang), Asking: true}, true
		}
	case "reset":
		switch arg {
		case "":
			_, st := s.Current()
			ns := "default"
			if st != nil {
				ns = strings.Join(st.WorkNamespaces(), ", ")
			}
			s.ask(func() Reply {
				if err := s.Reset(); err != nil {
					return errReply(err)
				}
				return Reply{Text: msgResetDone.in(lang)}
			})
			return Reply{Text: fmt.Sprintf(msgConfirmReset.in(lang), ns), Asking: true}, true
		case "all":
			s.ask(func() Reply {
				if err := s.ResetAll(); err != nil {
					return errReply(err)
				}
				return Reply{Text: msgResetAllDone.in(lang)}
			})
			return Reply{Text: msgConfirmResetAll.in(lang), Asking: true}, true
		}
	case "sandbox":
		if len(words) == 1 {
			s.SetSandbox(true)
			return Reply{Text: msgSandbox.in(lang)}, true
		}
	case "resume":
		if len(words) == 1 {
			s.SetSandbox(false)
			u := s.Evaluate()
			return Reply{Text: s.RenderCurrent() + "\n" + RenderResult(u.Result, lang)}, true
		}
	case "lang":
		if len(words) == 2 {
			if err := s.SetLang(words[1]); err != nil {
				return errReply(err), true
			}
			return Reply{Text: msgLang.in(words[1])}, true
		}
	}
	return Reply{}, false
}

func (s *Session) ask(fn func() Reply) {
	s.mu.Lock()
	s.confirm = fn
	s.mu.Unlock()
}

func indent(s, pre string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pre + l
		}
	}
	return strings.Join(lines, "\n")
}

// RenderCurrent is the current step as plain text: title, text, commands to
// try and the checklist.
func (s *Session) RenderCurrent() string {
	ch, st := s.Current()
	lang := s.Lang()
	if st == nil {
		return ""
	}
	idx := ch.StepIndex(st.ID) + 1
	var b strings.Builder
	fmt.Fprintf(&b, "── %s · %d/%d %s ──\n\n", ch.Title.In(lang), idx, len(ch.Steps), st.Title.In(lang))
	if intro := chapterIntro(ch, st, lang); intro != "" {
		b.WriteString(intro + "\n\n")
	}
	b.WriteString(strings.TrimSpace(st.Text.In(lang)))
	b.WriteString("\n")
	if len(st.Try) > 0 {
		b.WriteString("\n" + msgTry.in(lang) + "\n")
		for _, t := range st.Try {
			b.WriteString("  $ " + t + "\n")
		}
	}
	b.WriteString("\n" + msgChecks.in(lang) + "\n")
	r := s.Result()
	for i, c := range st.Checks {
		mark := "·"
		if i < len(r.Checks) {
			if r.Checks[i].Status == Pass {
				mark = "✓"
			} else {
				mark = "✗"
			}
		}
		fmt.Fprintf(&b, "  %s %s\n", mark, c.Title.In(lang))
	}
	return strings.TrimRight(b.String(), "\n")
}

// RenderResult is a step's checklist with what failed and what was observed.
func RenderResult(r Result, lang string) string {
	var b strings.Builder
	for _, c := range r.Checks {
		switch c.Status {
		case Pass:
			fmt.Fprintf(&b, "  ✓ %s\n", c.Title.In(lang))
		case Fail:
			fmt.Fprintf(&b, "  ✗ %s\n      %s\n", c.Title.In(lang), c.StudentExplain(lang))
		default:
			fmt.Fprintf(&b, "  ! %s\n      %s\n", c.Title.In(lang), c.StudentExplain(lang))
		}
	}
	if !r.Passed {
		// Once the step is done, a mistake made on the way is past.
		for _, m := range r.Mistakes {
			b.WriteString("  " + msgMistake.in(lang) + strings.TrimSpace(m.Hint.In(lang)) + "\n")
		}
	}
	if r.Passed {
		b.WriteString(msgDone.in(lang) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// RenderPassedCurrent is what the console prints when the current step is
// completed: what just happened, then where next goes; the last step of a
// chapter also closes the chapter.
func (s *Session) RenderPassedCurrent() string {
	_, st := s.Current()
	if st == nil {
		return ""
	}
	lang := s.Lang()
	next := msgNext.in(lang)
	if cl := s.chapterClosing(lang); cl != nil {
		next = cl.text()
	}
	return msgDone.in(lang) + "\n\n" + msgWhatHappened.in(lang) + "\n" + strings.TrimSpace(st.Explain.In(lang)) + "\n\n" + next
}

// chapterIntro is the chapter's summary, shown above its first step so a
// chapter opens with what it is about.
func chapterIntro(ch *Chapter, st *Step, lang string) string {
	if ch.StepIndex(st.ID) != 0 {
		return ""
	}
	return strings.TrimSpace(ch.Summary.In(lang))
}

// closing closes a chapter once its last step is done: each step with
// its mark, then where next goes.
type closing struct {
	title string   // "Chapter done: …"
	steps []string // "✓ 1. Title (with the solution)"
	next  string
}

// chapterClosing is the current chapter's closing, or nil on any step
// but its last.
func (s *Session) chapterClosing(lang string) *closing {
	chs := s.Chapters()
	at := -1
	for i, c := range chs {
		if c.Current {
			at = i
		}
	}
	if at < 0 || len(chs[at].Steps) == 0 || !chs[at].Steps[len(chs[at].Steps)-1].Current {
		return nil
	}
	c := chs[at]
	cl := &closing{title: fmt.Sprintf(msgChapterDone.in(lang), c.Title)}
	for i, st := range c.Steps {
		mark := "·"
		if st.Done {
			mark = "✓"
		}
		line := fmt.Sprintf("%s %d. %s", mark, i+1, st.Title)
		if st.SolutionShown {
			line += " " + msgSolutionShown.in(lang)
		}
		cl.steps = append(cl.steps, line)
	}
	if at+1 < len(chs) {
		cl.next = fmt.Sprintf(msgNextChapter.in(lang), chs[at+1].Order, chs[at+1].Title)
	} else {
		cl.next = msgCourseDone.in(lang)
	}
	return cl
}

func (cl *closing) text() string {
	return "── " + cl.title + " ──\n  " + strings.Join(cl.steps, "\n  ") + "\n\n" + cl.next
}

func (cl *closing) markdown() string {
	return "**" + cl.title + "**\n\n- " + strings.Join(cl.steps, "\n- ") + "\n\n" + cl.next + "\n"
}

// RenderMistake is what the console prints when a mistake is recognised.
func RenderMistake(m MistakeHit, lang string) string {
	return msgMistake.in(lang) + strings.TrimSpace(m.Hint.In(lang))
}

// RenderChapters is the chapter list, one line per chapter (and its steps
// when steps is true).
func RenderChapters(cs []ChapterStatus, steps bool) string {
	var b strings.Builder
	for _, c := range cs {
		cur := " "
		if c.Current {
			cur = "▸"
		}
		fmt.Fprintf(&b, "%s %-2s %02d %-10s %s  (%d/%d)\n", cur, c.Mark(), c.Order, c.ID, c.Title, c.Done, len(c.Steps))
		if steps {
			for i, s := range c.Steps {
				fmt.Fprintf(&b, "       %-2s %d. %s (%s)\n", s.Mark(), i+1, s.Title, s.ID)
			}
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// Markdown is the current step as Markdown for a lesson pane: a heading,
// the text, the commands to try and the checklist with its marks (✓ pass,
// ✗ fail, · not evaluated yet), then, once done, what just happened.
func (s *Session) Markdown() string {
	ch, st := s.Current()
	lang := s.Lang()
	if st == nil {
		return ""
	}
	r := s.Result()
	done := false
	if p := s.Progress().Steps[st.Key()]; p != nil {
		done = p.Done
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", ch.Title.In(lang))
	if intro := chapterIntro(ch, st, lang); intro != "" {
		b.WriteString(intro + "\n\n")
	}
	fmt.Fprintf(&b, "## %d/%d · %s\n\n", ch.StepIndex(st.ID)+1, len(ch.Steps), st.Title.In(lang))
	b.WriteString(strings.TrimSpace(st.Text.In(lang)) + "\n")
	if len(st.Try) > 0 {
		b.WriteString("\n**" + strings.TrimSuffix(msgTry.in(lang), ":") + "**\n\n```\n")
		for _, t := range st.Try {
			b.WriteString(t + "\n")
		}
		b.WriteString("```\n")
	}
	b.WriteString("\n**" + strings.TrimSuffix(msgChecks.in(lang), ":") + "**\n\n")
	for i, c := range st.Checks {
		mark, why, plain := "·", "", false
		if i < len(r.Checks) {
			if r.Checks[i].Status == Pass {
				mark = "✓"
			} else {
				mark, why, plain = "✗", r.Checks[i].StudentExplain(lang), r.Checks[i].Student != nil
			}
		}
		fmt.Fprintf(&b, "- %s %s\n", mark, c.Title.In(lang))
		switch {
		case why == "":
		case plain:
			// A sentence for the student, not a command and its output.
			fmt.Fprintf(&b, "  *%s*\n", why)
		default:
			fmt.Fprintf(&b, "  `%s`\n", strings.ReplaceAll(why, "`", "'"))
		}
	}
	if done {
		b.WriteString("\n**" + strings.TrimSuffix(msgWhatHappened.in(lang), ":") + "**\n\n" + strings.TrimSpace(st.Explain.In(lang)) + "\n")
		if cl := s.chapterClosing(lang); cl != nil {
			b.WriteString("\n" + cl.markdown())
		}
	}
	return b.String()
}
