package devicesim

import (
	"context"
	"fmt"
	"math"
	"time"
)

// ChurnResult counts what a Churn call did.
type ChurnResult struct {
	Closed int // connections closed (cleanly or not)
	Opened int // connections opened to replace them
	Failed int // replacements that could not be opened
}

// Churn closes and re-opens perSecond connections of proto per second (the oldest first)
// until ctx is done. Each step closes up to the number due and then opens as many as it
// closed, so the open count comes back to where it was unless a re-open fails. The step
// under way when ctx ends is completed, so Churn never leaves the count lower on purpose.
// Errors during churn are counted in the result and Stats rather than ending it.
func (s *Simulator) Churn(ctx context.Context, proto Protocol, perSecond float64) (ChurnResult, error) {
	var res ChurnResult
	if err := s.checkProtocol(proto); err != nil {
		return res, err
	}
	if !(perSecond > 0) || math.IsInf(perSecond, 0) {
		return res, fmt.Errorf("churn %s: rate %v per second must be positive and finite", proto, perSecond)
	}
	// Steps of at least 100ms keep the timer overhead low at high rates.
	step := max(100*time.Millisecond, time.Duration(float64(time.Second)/perSecond))
	t := time.NewTicker(step)
	defer t.Stop()

	start := time.Now()
	done := 0 // cycles accounted for so far, including ones skipped
	for {
		select {
		case <-ctx.Done():
			return res, nil
		case now := <-t.C:
			due := int(perSecond*now.Sub(start).Seconds()) - done
			// Falling more than a second behind (slow broker) drops the backlog instead of
			// bursting to catch up.
			if limit := int(math.Ceil(perSecond)); due > limit {
				done += due - limit
				due = limit
			}
			if due <= 0 {
				continue
			}
			done += due
			s.churnStep(context.WithoutCancel(ctx), proto, due, &res)
		}
	}
}

func (s *Simulator) churnStep(ctx context.Context, proto Protocol, n int, res *ChurnResult) {
	conns, _ := s.take(proto, n, false)
	if len(conns) == 0 {
		return
	}
	if err := s.closeConns(proto, conns); err != nil {
		s.log.Debug("churn close", "protocol", proto, "err", err)
	}
	res.Closed += len(conns)
	opened, err := s.openN(ctx, proto, len(conns))
	res.Opened += opened
	if err != nil {
		res.Failed += len(conns) - opened
		s.log.Warn("churn re-open failed", "protocol", proto, "err", err)
	}
}
