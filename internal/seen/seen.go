// Package seen is an in-memory record of deliveries (request signatures,
// event ids, interaction ids) with the same FirstSeen method as the state
// store, for a chat adapter that was given no durable one (tests, the
// console). It forgets everything on restart; serve gives the adapters the
// state store instead. It imports only the standard library.
package seen

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Memory remembers deliveries in memory. The zero value is ready to use and
// it is safe for concurrent use.
type Memory struct {
	mu  sync.Mutex
	exp map[string]time.Time
	q   expiries
}

// FirstSeen records key at now and reports whether it is new within keep,
// as state.Store.FirstSeen does; expired keys are forgotten.
func (m *Memory) FirstSeen(ctx context.Context, key string, now time.Time, keep time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if key == "" {
		return false, errors.New("first seen: empty key")
	}
	if keep <= 0 {
		return false, fmt.Errorf("first seen %s: keep %s is not positive", key, keep)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.exp == nil {
		m.exp = map[string]time.Time{}
	}
	for len(m.q) > 0 && !now.Before(m.q[0].exp) {
		e := heap.Pop(&m.q).(entry)
		if m.exp[e.key].Equal(e.exp) {
			delete(m.exp, e.key)
		}
	}
	if exp, ok := m.exp[key]; ok && now.Before(exp) {
		return false, nil
	}
	m.exp[key] = now.Add(keep)
	heap.Push(&m.q, entry{key: key, exp: now.Add(keep)})
	return true, nil
}

// Len is the number of deliveries remembered.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.exp)
}

type entry struct {
	key string
	exp time.Time
}

type expiries []entry

func (q expiries) Len() int           { return len(q) }
func (q expiries) Less(i, j int) bool { return q[i].exp.Before(q[j].exp) }
func (q expiries) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *expiries) Push(x any)        { *q = append(*q, x.(entry)) }
func (q *expiries) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}
