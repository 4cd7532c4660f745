package shell

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
)

// psSelf adds the ps command itself when a shell started it (a ps that is
// the exec'd process is already in the runtime's list).
func (c *cmd) psProcs() []Proc {
	procs := c.m().sys.Processes()
	if !c.sh.root {
		maxPid := 0
		for _, p := range procs {
			maxPid = max(maxPid, p.PID)
		}
		if c.m().nextPid <= maxPid {
			c.m().nextPid = maxPid + 1
		}
		tty := "?"
		if c.m().cfg.TTY {
			tty = "pts/0"
		}
		procs = append(procs, Proc{
			PID: c.m().nextPid, PPID: c.m().sys.Pid(), User: "root", TTY: tty,
			Start: c.m().sys.Now(), Argv: append([]string{c.name}, c.args...),
		})
		c.m().nextPid++
	}
	sort.Slice(procs, func(i, j int) bool { return procs[i].PID < procs[j].PID })
	return procs
}

func cpuTime(d time.Duration) string {
	s := int(d.Seconds())
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

func utilPs(c *cmd) int {
	procs := c.psProcs()
	u := c.m().img.Userland
	if u.Ps == "busybox" {
		fmt.Fprintln(c.io.out, "PID   USER     TIME  COMMAND")
		for _, p := range procs {
			s := int(p.CPU.Seconds())
			fmt.Fprintf(c.io.out, "%5d %-8s %2d:%02d %s\n", p.PID, p.User, s/60, s%60, strings.Join(p.Argv, " "))
		}
		return 0
	}
	// procps-ng: CentOS 7's 3.3 prints narrower PID columns than 4.x.
	w := 7
	if u.ID == "centos" {
		w = 5
	}
	mode := strings.Join(c.args, " ")
	self := "?"
	if c.m().cfg.TTY {
		self = "pts/0"
	}
	switch {
	case strings.Contains(mode, "aux") || strings.Contains(mode, "-aux"):
		fmt.Fprintf(c.io.out, "%-8s %*s %%CPU %%MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n", "USER", w, "PID")
		for _, p := range procs {
			stat := "S"
			if p.PID == 1 {
				stat = "Ss"
			}
			if path.Base(p.Argv[0]) == "ps" {
				stat = "R"
			}
			if p.TTY != "?" {
				stat += "+"
			}
			rss := p.RSS / 1024
			fmt.Fprintf(c.io.out, "%-8s %*d  0.0  0.0 %6d %5d %-8s %-4s %5s %6s %s\n",
				p.User, w, p.PID, rss+2048, rss, p.TTY, stat, p.Start.UTC().Format("15:04"),
				fmt.Sprintf("%d:%02d", int(p.CPU.Minutes()), int(p.CPU.Seconds())%60), strings.Join(p.Argv, " "))
		}
	case strings.Contains(mode, "-e") || strings.Contains(mode, "-A") || strings.Contains(mode, "ax"):
		fmt.Fprintf(c.io.out, "%-8s %*s %*s  C STIME TTY          TIME CMD\n", "UID", w, "PID", w, "PPID")
		for _, p := range procs {
			fmt.Fprintf(c.io.out, "%-8s %*d %*d  0 %5s %-8s %s %s\n",
				p.User, w, p.PID, w, p.PPID, p.Start.UTC().Format("15:04"), p.TTY, cpuTime(p.CPU), strings.Join(p.Argv, " "))
		}
	default:
		// Plain ps lists the processes on the caller's terminal.
		fmt.Fprintf(c.io.out, "%*s TTY          TIME CMD\n", w, "PID")
		for _, p := range procs {
			if p.TTY != self {
				continue
			}
			fmt.Fprintf(c.io.out, "%*d %-8s %s %s\n", w, p.PID, p.TTY, cpuTime(p.CPU), path.Base(p.Argv[0]))
		}
	}
	return 0
}
