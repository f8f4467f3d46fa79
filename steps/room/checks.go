package room

import (
	"context"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure"
)

// ChecksOf turns a run's results into what the room keeps: IDs, statuses and causes.
func ChecksOf(rep *azure.Report) []CheckResult {
	out := make([]CheckResult, 0, len(rep.Results))
	for _, r := range rep.Results {
		out = append(out, CheckResult{ID: r.ID, Status: string(r.Status), Cause: r.Cause})
	}
	return out
}

// Doctor runs every live check against the seat's tenant and reports the results to the
// room. The report's error (the room unreachable) does not spoil the run's results.
func (s *Seat) Doctor(ctx context.Context, timeout time.Duration) (*azure.Report, error) {
	cfg := s.Config()
	cfg.CheckTimeout = timeout
	sess, err := azure.NewSession(cfg)
	if err != nil {
		return nil, err
	}
	rep := sess.Run(ctx, nil, nil)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, err = s.Report(rctx, Progress{Checks: ChecksOf(rep)})
	return rep, err
}
