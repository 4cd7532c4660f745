package lessonsrun

import (
	"testing"

	"kubetour/lessons"
)

// BenchmarkEvaluateStep is the cost of re-evaluating a step on a batch of
// events: the labels step's four kubectl checks and its mistake, on a
// cluster with its six pods and two Services.
func BenchmarkEvaluateStep(b *testing.B) {
	c, err := newSimCluster()
	if err != nil {
		b.Fatal(err)
	}
	defer c.Stop()
	ws, _ := OpenWorkspace(b.TempDir())
	env, err := NewEnv(c, ws, testKubectl, testKubectlEnv)
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	course, _ := lessons.Builtin()
	st := course.Chapter("pod").Step("labels")
	seq, err := env.Reset(st)
	if err != nil {
		b.Fatal(err)
	}
	if err := env.Run(st.Solution.Text, nil, true); err != nil {
		b.Fatal(err)
	}
	c.Settle()
	ev := lessons.NewEvaluator(st.Checks, st.Mistakes)
	ev.Start(seq)
	batch := Events(c.History())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev.Observe(batch[len(batch)-50:])
		if r := ev.Evaluate(env); len(r.Checks) != 4 {
			b.Fatal(r)
		}
	}
}
