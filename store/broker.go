package store

import (
	"sync"

	"sitepro/domain"
)

// Broker is the in-process doorbell for live queues: after a commit that changes an
// agency's queues the store rings that agency's subscribers; pages then re-fetch their
// rows with an ordinary authorised GET (DESIGN.md §4). Events carry no data.
type Broker struct {
	mu      sync.Mutex
	subs    map[string]map[chan domain.Queue]struct{} // agencyID ("*" for admins) → subscribers
	changed chan struct{}                             // closed (and replaced) when subs change
}

// NewBroker returns an empty broker.
func NewBroker() *Broker {
	return &Broker{subs: map[string]map[chan domain.Queue]struct{}{}, changed: make(chan struct{})}
}

// AllAgencies is the subscription key of admins, who see every agency's changes.
const AllAgencies = "*"

// Subscribe returns a channel that receives each changed queue of the agency, and a
// function that ends the subscription. The channel has room for one pending event per
// queue; a slow reader misses duplicates, never the last.
func (b *Broker) Subscribe(agencyID string) (<-chan domain.Queue, func()) {
	ch := make(chan domain.Queue, 4)
	b.mu.Lock()
	if b.subs[agencyID] == nil {
		b.subs[agencyID] = map[chan domain.Queue]struct{}{}
	}
	b.subs[agencyID][ch] = struct{}{}
	b.notify()
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.subs[agencyID], ch)
		if len(b.subs[agencyID]) == 0 {
			delete(b.subs, agencyID)
		}
		b.notify()
		b.mu.Unlock()
	}
}

// Publish rings the agency's subscribers and the admins without ever blocking.
func (b *Broker) Publish(agencyID string, queue domain.Queue) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, key := range []string{agencyID, AllAgencies} {
		for ch := range b.subs[key] {
			select {
			case ch <- queue:
			default:
			}
		}
	}
}

// Subscribers counts open subscriptions (for tests and metrics).
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, m := range b.subs {
		n += len(m)
	}
	return n
}

// Changed returns a channel that is closed at the next subscription or unsubscription, so
// that a caller can wait for the count to change (tests, metrics) without polling.
func (b *Broker) Changed() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.changed
}

// notify wakes the waiters of Changed; b.mu must be held.
func (b *Broker) notify() {
	close(b.changed)
	b.changed = make(chan struct{})
}
