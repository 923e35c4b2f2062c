package canary

import (
	"sort"
	"time"
)

// LatencyBuckets are the histogram's upper bounds in seconds: a healthy link
// delivers in milliseconds, a struggling one in seconds, and past a minute
// the oldest-in-flight gauge says more than a bucket could.
var LatencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// maxInFlight bounds the canaries waiting at once. While a link is blocked
// the prober stops publishing at this many (83 minutes at the default 5 s
// interval) instead of piling more into the stuck link's upstream queue; the
// oldest-in-flight age keeps growing all the same.
const maxInFlight = 1000

type pending struct {
	seq  uint64
	sent time.Time
	// session numbers the probe's connected stretch that sent it: its
	// canary queue is exclusive to that stretch's connection.
	session uint64
	// overtaken is when a later canary arrived first. Federation delivers
	// a link's messages in order, so an overtaken canary is lost unless it
	// turns up within the grace period (a redelivery after a link restart).
	overtaken time.Time
	// overtakenByLater is set when the canary that overtook it was sent in a
	// later session: the probe's own queue went away in between (a
	// reconnect, or a pause while a cluster failed a scrape), so anything
	// delivered to it then was dropped by the probe, not by the link.
	overtakenByLater bool
}

// tracker is the bookkeeping of one probe: which canaries are in flight,
// what arrived, how long it took. It does no I/O and reads no clock, so
// that it can be tested with made-up times. Not safe for concurrent use.
type tracker struct {
	grace    time.Duration
	lastSeq  uint64
	session  uint64
	inFlight []pending // ascending seq

	sent, received, lost, unroutable, abandoned uint64
	lastReceived                                time.Time
	latency                                     histogram
}

func newTracker(grace time.Duration) *tracker {
	return &tracker{grace: grace, latency: histogram{counts: make([]uint64, len(LatencyBuckets))}}
}

// full reports whether the in-flight window is full: publish nothing more.
func (t *tracker) full() bool { return len(t.inFlight) >= maxInFlight }

// next numbers the next canary.
func (t *tracker) next() uint64 { t.lastSeq++; return t.lastSeq }

// beginSession starts numbering canaries as sent by a new connected
// stretch of the probe, with a new canary queue.
func (t *tracker) beginSession() { t.session++ }

// sentAt records a canary that was published.
func (t *tracker) sentAt(seq uint64, at time.Time) {
	t.inFlight = append(t.inFlight, pending{seq: seq, sent: at, session: t.session})
	t.sent++
}

// receivedAt records a canary that arrived and returns its latency; ok is
// false for one not in flight (a duplicate, or one already counted lost).
// Every canary still in flight that was sent before it is overtaken.
func (t *tracker) receivedAt(seq uint64, at time.Time) (latency time.Duration, ok bool) {
	i, found := t.find(seq)
	if !found {
		return 0, false
	}
	latency = at.Sub(t.inFlight[i].sent)
	for j := 0; j < i; j++ {
		if t.inFlight[j].overtaken.IsZero() {
			t.inFlight[j].overtaken = at
			t.inFlight[j].overtakenByLater = t.inFlight[j].session < t.inFlight[i].session
		}
	}
	t.remove(i)
	t.received++
	t.lastReceived = at
	t.latency.observe(latency.Seconds())
	return latency, true
}

// returned records a canary the upstream routed nowhere (basic.return of a
// mandatory publish): the link's binding is not on the upstream exchange.
func (t *tracker) returned(seq uint64) {
	if i, found := t.find(seq); found {
		t.remove(i)
		t.unroutable++
	}
}

// expire counts the canaries overtaken more than the grace ago: lost when
// a canary of the same session overtook them, abandoned when a later
// session's did (the probe's queue, not the link, dropped them).
func (t *tracker) expire(now time.Time) {
	kept := t.inFlight[:0]
	for _, p := range t.inFlight {
		if !p.overtaken.IsZero() && now.Sub(p.overtaken) >= t.grace {
			if p.overtakenByLater {
				t.abandoned++
			} else {
				t.lost++
			}
			continue
		}
		kept = append(kept, p)
	}
	t.inFlight = kept
}

// oldest is the send time of the oldest canary in flight.
func (t *tracker) oldest() (time.Time, bool) {
	if len(t.inFlight) == 0 {
		return time.Time{}, false
	}
	return t.inFlight[0].sent, true
}

func (t *tracker) find(seq uint64) (int, bool) {
	i := sort.Search(len(t.inFlight), func(i int) bool { return t.inFlight[i].seq >= seq })
	return i, i < len(t.inFlight) && t.inFlight[i].seq == seq
}

func (t *tracker) remove(i int) { t.inFlight = append(t.inFlight[:i], t.inFlight[i+1:]...) }

// histogram counts observations per bucket of LatencyBuckets (not cumulative).
type histogram struct {
	counts []uint64
	count  uint64
	sum    float64
}

func (h *histogram) observe(v float64) {
	h.count++
	h.sum += v
	if i := sort.SearchFloat64s(LatencyBuckets, v); i < len(h.counts) {
		h.counts[i]++
	}
}

// cumulative returns the counts of observations <= each bucket bound, as
// Prometheus exposes them.
func (h *histogram) cumulative() map[float64]uint64 {
	out := make(map[float64]uint64, len(LatencyBuckets))
	var acc uint64
	for i, le := range LatencyBuckets {
		acc += h.counts[i]
		out[le] = acc
	}
	return out
}
