package mgmt

import (
	"context"
	"sync"
)

// oneInFlight lets one request per path be outstanding towards a cluster:
// whoever else wants the same list waits for their turn rather than making
// the node build it twice at once (a peer's federation collector and the
// cluster's own scrape may ask for the same queue).
type oneInFlight struct {
	mu    sync.Mutex
	slots map[string]chan struct{}
}

// acquire waits for the path's slot or for ctx; release must be called after.
func (o *oneInFlight) acquire(ctx context.Context, path string) (release func(), err error) {
	o.mu.Lock()
	if o.slots == nil {
		o.slots = map[string]chan struct{}{}
	}
	slot, ok := o.slots[path]
	if !ok {
		slot = make(chan struct{}, 1)
		o.slots[path] = slot
	}
	o.mu.Unlock()
	select {
	case slot <- struct{}{}:
		return func() { <-slot }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
