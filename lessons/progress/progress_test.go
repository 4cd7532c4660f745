package progress

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as a writer that saves progress in a
// loop until it is killed.
func TestMain(m *testing.M) {
	if path := os.Getenv("KUBETOUR_TEST_PROGRESS_WRITER"); path != "" {
		writeForever(path)
	}
	os.Exit(m.Run())
}

// writeForever saves ever larger progress files; each one records in
// Current.Step how many steps it holds, so a reader can tell a whole file
// from a torn one.
func writeForever(path string) {
	st := &Store{Path: path}
	for n := 1; ; n++ {
		p := New()
		size := 200 + n%1800
		for i := 0; i < size; i++ {
			p.Step(fmt.Sprintf("chapter-%d/step-%d", i/10, i)).Hints = i % 3
		}
		p.Current = Position{Chapter: "pod", Step: strconv.Itoa(size)}
		if err := st.Save(p); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if n == 1 {
			os.WriteFile(path+".ready", nil, 0o600)
		}
	}
}

func fixedNow() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }

func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	st := &Store{Path: filepath.Join(dir, "sub", "progress.json"), Now: fixedNow}
	p, err := st.Load()
	if err != nil || len(p.Steps) != 0 || p.Version != Version {
		t.Fatalf("missing file: %+v %v", p, err)
	}
	p.Lang = "ko"
	p.Current = Position{Chapter: "pod", Step: "labels"}
	s := p.Step("pod/containers")
	s.Done, s.DoneAt, s.Hints = true, fixedNow(), 2
	if err := st.Save(p); err != nil {
		t.Fatal(err)
	}
	got, err := st.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.Lang != "ko" || got.Current.Step != "labels" || !got.Steps["pod/containers"].Done || got.Steps["pod/containers"].Hints != 2 || !got.Updated.Equal(fixedNow()) {
		t.Fatalf("%+v", got)
	}
	info, err := os.Stat(st.Path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", info.Mode(), err)
	}
	data, _ := os.ReadFile(st.Path)
	if bytes.Contains(data, []byte("0001-01-01")) {
		t.Errorf("zero times written:\n%s", data)
	}
	entries, _ := os.ReadDir(filepath.Dir(st.Path))
	if len(entries) != 1 {
		t.Fatalf("left files behind: %v", entries)
	}
}

func TestUnreadableFilesAreSetAside(t *testing.T) {
	tests := map[string]struct {
		content string
		why     string
	}{
		"garbage":       {content: "{\"version\": 1, \"steps\": {", why: "not a progress file"},
		"not progress":  {content: `{"hello": "world"}`, why: "no version"},
		"newer version": {content: `{"version": 99, "steps": {}}`, why: "written by a newer kubetour (format version 99"},
		"unknown field": {content: `{"version": 1, "stepz": {}}`, why: `unknown field "stepz"`},
		"empty":         {content: "", why: "not a progress file"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			st := &Store{Path: filepath.Join(dir, "progress.json"), Now: fixedNow}
			os.WriteFile(st.Path, []byte(tc.content), 0o600)
			p, err := st.Load()
			var aside *SetAsideError
			if !errors.As(err, &aside) {
				t.Fatalf("err = %v, want a SetAsideError", err)
			}
			if !strings.Contains(err.Error(), tc.why) || aside.Kept != st.Path+".corrupt-20260301T090000Z" {
				t.Fatalf("err = %v (kept %s)", err, aside.Kept)
			}
			if p == nil || len(p.Steps) != 0 {
				t.Fatal("no fresh progress to go on with")
			}
			kept, err := os.ReadFile(aside.Kept)
			if err != nil || string(kept) != tc.content {
				t.Fatalf("the bad file was not kept as it was: %q %v", kept, err)
			}
			if _, err := os.Stat(st.Path); !os.IsNotExist(err) {
				t.Fatal("the bad file is still in place")
			}
			// Saving now does not touch the kept file, and a second bad file
			// is kept under another name.
			if err := st.Save(p); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(st.Path, []byte("junk"), 0o600)
			_, err = st.Load()
			if !errors.As(err, &aside) || aside.Kept != st.Path+".corrupt-20260301T090000Z-1" {
				t.Fatalf("second: %v", err)
			}
		})
	}
}

func TestExportImport(t *testing.T) {
	dir := t.TempDir()
	st := &Store{Path: filepath.Join(dir, "progress.json"), Now: fixedNow}
	p := New()
	p.Step("pod/containers").Done = true
	st.Save(p)
	var out bytes.Buffer
	if err := st.Export(&out); err != nil {
		t.Fatal(err)
	}
	exported := out.String()
	if !strings.Contains(exported, `"pod/containers"`) {
		t.Fatalf("export:\n%s", exported)
	}

	other := &Store{Path: filepath.Join(dir, "other", "progress.json"), Now: fixedNow}
	kept, err := other.Import([]byte(exported))
	if err != nil || kept != "" {
		t.Fatalf("import into nothing: %q %v", kept, err)
	}
	got, err := other.Load()
	if err != nil || !got.Steps["pod/containers"].Done {
		t.Fatalf("%+v %v", got, err)
	}
	// Importing over existing progress keeps the old file aside.
	q := New()
	q.Step("pod/labels").Done = true
	data, _ := Marshal(q)
	kept, err = st.Import(data)
	if err != nil || kept != st.Path+".before-import-20260301T090000Z" {
		t.Fatalf("%q %v", kept, err)
	}
	if old, _ := os.ReadFile(kept); !bytes.Contains(old, []byte("pod/containers")) {
		t.Fatal("the previous progress was not kept")
	}
	if now, _ := st.Load(); now.Steps["pod/labels"] == nil || now.Steps["pod/containers"] != nil {
		t.Fatalf("import did not replace: %+v", now.Steps)
	}
	// A bad file is refused and changes nothing.
	before, _ := os.ReadFile(st.Path)
	for _, bad := range []string{"not json", `{"version": 7}`, `{"steps": {}}`} {
		if _, err := st.Import([]byte(bad)); err == nil {
			t.Errorf("imported %q", bad)
		}
	}
	if after, _ := os.ReadFile(st.Path); !bytes.Equal(before, after) {
		t.Fatal("a refused import changed the progress")
	}
}

// A writer killed with SIGKILL at any moment leaves a progress file that
// loads: the previous save or the new one, whole.
func TestSurvivesKillDuringSave(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	rnd := rand.New(rand.NewSource(1))
	const rounds = 25
	for i := 0; i < rounds; i++ {
		os.Remove(path + ".ready")
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "KUBETOUR_TEST_PROGRESS_WRITER="+path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, err := os.Stat(path + ".ready"); err == nil {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("the writer never saved: %s", stderr.String())
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Duration(rnd.Intn(20000)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: the writer was not killed: %v %s", i, err, stderr.String())
		}
		p, err := (&Store{Path: path}).Load()
		if err != nil {
			t.Fatalf("round %d: the progress does not load after a kill: %v", i, err)
		}
		want, _ := strconv.Atoi(p.Current.Step)
		if want == 0 || len(p.Steps) != want {
			t.Fatalf("round %d: torn progress: %d steps, the file says %d", i, len(p.Steps), want)
		}
	}
	// Kills leave temporary files behind, which never count as progress;
	// old ones are swept by the next save.
	entries, _ := os.ReadDir(dir)
	old := time.Now().Add(-2 * time.Minute)
	torn := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".progress.json.tmp-") {
			os.Chtimes(filepath.Join(dir, e.Name()), old, old)
			torn++
		}
	}
	// Each temporary file left is a save the kill interrupted.
	t.Logf("%d of %d kills interrupted a save", torn, rounds)
	if err := (&Store{Path: path}).Save(New()); err != nil {
		t.Fatal(err)
	}
	entries, _ = os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".progress.json.tmp-") {
			t.Errorf("stale temporary file left: %s", e.Name())
		}
	}
}
