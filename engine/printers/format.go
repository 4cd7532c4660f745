package printers

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

// since is upstream's translateTimestampSince with the cluster clock in place
// of time.Now, so that a simulated clock gives consistent ages.
func since(ts metav1.Time, now time.Time) string {
	if ts.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(ts.Time))
}

func sinceMicro(ts metav1.MicroTime, now time.Time) string {
	if ts.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(ts.Time))
}

// containerCells joins container names and images with bare commas, the
// form used by the CONTAINERS and IMAGES wide columns.
func containerCells(containers []corev1.Container) (names, images string) {
	n := make([]string, len(containers))
	im := make([]string, len(containers))
	for i, c := range containers {
		n[i] = c.Name
		im[i] = c.Image
	}
	return strings.Join(n, ","), strings.Join(im, ",")
}

func boolPtrCell(v *bool) string {
	switch {
	case v == nil:
		return "<unset>"
	case *v:
		return "True"
	default:
		return "False"
	}
}

func int32Value(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// truncatedList joins the first limit items and reports how many were
// dropped, as upstream's "+ N more..." lists do; an empty list is "<unset>".
func truncatedList(list []string, total, limit int) string {
	ret := strings.Join(list, ",")
	if total > limit {
		return fmt.Sprintf("%s + %d more...", ret, total-limit)
	}
	if ret == "" {
		return "<unset>"
	}
	return ret
}
