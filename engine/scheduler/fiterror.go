package scheduler

import (
	"fmt"
	"sort"
	"strings"
)

// Texts of the FailedScheduling message that do not come from a filter.
const (
	noNodesMsg = "no nodes available to schedule pods"
	gatedMsg   = "Scheduling is blocked due to non-empty scheduling gates"

	// The DynamicResources plugin (DRA, on by default since 1.34) runs its
	// PostFilter before preemption; for a Pod without resource claims it
	// always answers this, so every current FailedScheduling message carries
	// it in front of the "preemption:" part.
	draPostFilterMsg = "no new claims to deallocate"

	preemptNotHelpful = "Preemption is not helpful for scheduling"
	preemptNoVictims  = "No preemption victims found for incoming pod"
	preemptNever      = "not eligible due to preemptionPolicy=Never."
)

// histogram renders reason counts as upstream does: "%d %s" per reason,
// sorted as plain strings and joined by ", ". The sort is on the whole
// string, count included, so "10 X" sorts before "2 Y"; we keep that quirk.
func histogram(counts map[string]int) string {
	parts := make([]string, 0, len(counts))
	for reason, n := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", n, reason))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// fitError builds upstream's FitError text:
//
//	0/<nodes> nodes are available: <PreFilter message or reason histogram>. <PostFilter message>
//
// preFilterMsg, when set, replaces the histogram (every node would repeat
// it). postFilterMsg carries its own final period.
func fitError(numNodes int, preFilterMsg string, counts map[string]int, postFilterMsg string) string {
	msg := fmt.Sprintf("0/%d nodes are available:", numNodes)
	if preFilterMsg != "" {
		msg += " " + preFilterMsg + "."
	} else if len(counts) > 0 {
		msg += " " + histogram(counts) + "."
	}
	if postFilterMsg != "" {
		msg += " " + postFilterMsg
	}
	return msg
}

// postFilterMessage joins the PostFilter plugins' answers as the framework
// does (", "), DRA's first; DefaultPreemption prefixes its own with
// "preemption: ".
func postFilterMessage(preemptionMsg string) string {
	return draPostFilterMsg + ", preemption: " + preemptionMsg
}
