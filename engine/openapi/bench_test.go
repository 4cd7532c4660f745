package openapi

import (
	"testing"
	"time"
)

// BenchmarkNew measures building every document of the fixture, and reports
// their sizes. client-go's merge-marker schema is parsed once per process and is
// not part of the per-op time; TestFirstBuild reports that one-time cost.
func BenchmarkNew(b *testing.B) {
	resources := testResources()
	knownShapes()
	var s *Spec
	for b.Loop() {
		s = New(resources)
	}
	total := 0
	for _, d := range s.docs {
		total += len(d.body)
	}
	b.ReportMetric(float64(len(s.docs["api/v1"].body)), "core-v1-bytes")
	b.ReportMetric(float64(len(s.docs["apis/apps/v1"].body)), "apps-v1-bytes")
	b.ReportMetric(float64(total), "all-docs-bytes")
}

func TestFirstBuild(t *testing.T) {
	start := time.Now()
	knownShapes()
	shapes := time.Since(start)
	New(testResources())
	t.Logf("merge markers %v, first build in all %v", shapes, time.Since(start))
}
