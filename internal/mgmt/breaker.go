package mgmt

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// KindCircuitOpen is a request not sent: the cluster failed recently and its
// backoff has not run out.
const KindCircuitOpen ErrorKind = "circuit_open"

// breaker leaves a failing cluster alone. A request that times out, cannot
// connect or verify TLS, or is told the node is unavailable (502, 503, 504)
// opens it for a backoff; the
// first request after the backoff is a trial: success closes the breaker,
// failure opens it again for twice as long, up to max. Meanwhile requests fail
// at once, so a scrape of a dead cluster costs nothing and waits for nothing,
// and a broker that is restarting under a reconnection storm is not asked
// for lists it cannot build.
type breaker struct {
	initial, max time.Duration
	now          func() time.Time

	mu        sync.Mutex
	backoff   time.Duration // 0 while closed
	openUntil time.Time
	trial     bool // a trial request is in flight
	cause     ErrorKind
}

func newBreaker(initial, max time.Duration) *breaker {
	return &breaker{initial: initial, max: max, now: time.Now}
}

// allow says whether a request may be sent now. trial is true for the one
// request that tests a cluster whose backoff ran out; its outcome must be
// reported with done.
func (b *breaker) allow() (trial bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.backoff == 0 {
		return false, nil
	}
	if wait := b.openUntil.Sub(b.now()); wait > 0 || b.trial {
		if wait < 0 {
			wait = 0
		}
		return false, fmt.Errorf("not asked: the cluster failed (%s), retrying in %s", b.cause, wait.Round(time.Millisecond))
	}
	b.trial = true
	return true, nil
}

// done records a request's outcome.
func (b *breaker) done(trial bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if trial {
		b.trial = false
	}
	kind := KindOf(err)
	switch {
	case err != nil && trips(err):
		next := b.initial
		if b.backoff > 0 {
			next = min(2*b.backoff, b.max)
		}
		b.backoff, b.cause = next, kind
		b.openUntil = b.now().Add(next)
	case err == nil || (kind != KindCanceled && kind != KindCircuitOpen):
		// Any answer, even a 404 or a 401, shows the cluster is serving.
		b.backoff = 0
	}
}

// settle ends a request that says nothing of the cluster's health, leaving
// the breaker as it was.
func (b *breaker) settle(trial bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if trial {
		b.trial = false
	}
}

// trips lists the failures that say the cluster as a whole is down or
// struggling. Auth, not-found, decode, oversized answers, a 500 and other
// statuses are about one endpoint (a plugin failing, a list over the cap):
// they cost that endpoint's collector, never the whole cluster's scrape.
func trips(err error) bool {
	switch KindOf(err) {
	case KindTimeout, KindConnect, KindTLS:
		return true
	case KindHTTP:
		var e *Error
		return errors.As(err, &e) && (e.Status == http.StatusBadGateway || e.Status == http.StatusServiceUnavailable || e.Status == http.StatusGatewayTimeout)
	}
	return false
}

// state returns whether requests are being held back and the current backoff.
func (b *breaker) state() (open bool, backoff time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.backoff > 0, b.backoff
}
