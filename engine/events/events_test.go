package events

import (
	"context"
	"testing"
)

func TestPublishNeverBlocksAndBatches(t *testing.T) {
	b := NewBus(8)
	s := b.Subscribe()
	for i := 0; i < 1000; i++ { // nobody reads meanwhile: must not block
		b.Publish(Event{Reason: "X"})
	}
	got := s.Next(context.Background())
	if len(got) != 1000 || got[0].Seq != 1 || got[999].Seq != 1000 {
		t.Fatalf("batch: len=%d", len(got))
	}
	if h := b.History(); len(h) > 8 || h[len(h)-1].Seq != 1000 {
		t.Fatalf("history bounded and newest kept: %d", len(h))
	}
	s.Close()
	if s.Next(context.Background()) != nil {
		t.Fatal("closed subscription returns nil")
	}
	b.Publish(Event{}) // no panic after close
}
