package tui

import "testing"

func TestLayoutTilesTheScreen(t *testing.T) {
	sizes := [][2]int{{80, 24}, {80, 25}, {100, 30}, {119, 24}, {120, 24}, {120, 50}, {159, 39}, {160, 40}, {160, 48}, {200, 60}, {300, 100}, {1000, 300}}
	for _, sz := range sizes {
		w, h := sz[0], sz[1]
		l := layout(w, h)
		if l.TooSmall {
			t.Fatalf("%dx%d: too small", w, h)
		}
		rects := map[string]Rect{"header": l.Header, "footer": l.Footer, "lesson": l.Lesson, "console": l.Console, "views": l.Views, "tiled": l.Tiled}
		cover := make([]int, w*h)
		for name, r := range rects {
			if r.Empty() {
				continue
			}
			if r.X < 0 || r.Y < 0 || r.X+r.W > w || r.Y+r.H > h {
				t.Errorf("%dx%d: %s %+v is off screen", w, h, name, r)
			}
			for y := r.Y; y < r.Y+r.H; y++ {
				for x := r.X; x < r.X+r.W; x++ {
					cover[y*w+x]++
				}
			}
		}
		for i, n := range cover {
			if n != 1 {
				t.Fatalf("%dx%d: cell (%d,%d) covered %d times", w, h, i%w, i/w, n)
			}
		}
		// Every pane that is shown has room for a border and some content.
		for name, r := range map[string]Rect{"console": l.Console, "views": l.Views} {
			if r.H < 8 || r.W < 40 {
				t.Errorf("%dx%d: %s %+v is too small to use", w, h, name, r)
			}
		}
	}
}

func TestLayoutModes(t *testing.T) {
	tests := map[string]struct {
		w, h                            int
		tooSmall, lessonTab, actionsTab bool
	}{
		"below 80 columns":     {w: 79, h: 40, tooSmall: true},
		"below 24 lines":       {w: 200, h: 23, tooSmall: true},
		"80x24 stacks":         {w: 80, h: 24, lessonTab: true, actionsTab: true},
		"120 wide adds lesson": {w: 120, h: 30, actionsTab: true},
		"160x48 tiles":         {w: 160, h: 48},
		"wide but short":       {w: 200, h: 30, actionsTab: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			l := layout(tc.w, tc.h)
			if l.TooSmall != tc.tooSmall {
				t.Fatalf("TooSmall = %v", l.TooSmall)
			}
			if tc.tooSmall {
				return
			}
			if l.LessonTab() != tc.lessonTab || l.ActionsTab() != tc.actionsTab {
				t.Errorf("lessonTab=%v actionsTab=%v, want %v %v", l.LessonTab(), l.ActionsTab(), tc.lessonTab, tc.actionsTab)
			}
		})
	}
}
