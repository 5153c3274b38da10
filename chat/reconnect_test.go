package chat_test

import (
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/chat"
)

func TestReconnectWait(t *testing.T) {
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute}
	prev := time.Duration(0)
	for i, w := range want {
		if prev = chat.ReconnectWait(prev); prev != w {
			t.Fatalf("wait %d = %s, want %s", i+1, prev, w)
		}
	}
}
