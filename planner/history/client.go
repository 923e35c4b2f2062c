package history

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// RangeQuerier runs one PromQL range query: points at start, start+step,
// ... up to end inclusive, as Prometheus's /api/v1/query_range does. It
// returns the matrix and any warnings of the answer.
type RangeQuerier interface {
	QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (model.Matrix, []string, error)
}

// Client queries a Prometheus-compatible HTTP API at URL (the server's
// root, e.g. "http://prometheus:9090") through client_golang's
// api/prometheus/v1. HTTP nil means http.DefaultClient; the context
// bounds each query.
type Client struct {
	URL  string
	HTTP *http.Client
}

// QueryRange implements RangeQuerier. An error answer reads
// "<errorType>: <error>" as Prometheus gives them; an answer that is not
// Prometheus JSON reads "<type>: <message>: <start of the body>". A
// transport error names the method and endpoint but not the query, which
// the caller names.
func (c *Client) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (model.Matrix, []string, error) {
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	ac, err := api.NewClient(api.Config{Address: c.URL, Client: hc})
	if err != nil {
		return nil, nil, fmt.Errorf("prometheus URL: %w", stripURL(err))
	}
	rec := &recorder{Client: ac}
	v, warnings, _, err := v1.NewAPI(rec).QueryRange(ctx, query, v1.Range{Start: start, End: end, Step: step})
	if err != nil {
		return nil, warnings, rec.explain(err)
	}
	m, ok := v.(model.Matrix)
	if !ok {
		kind := "nothing"
		if v != nil {
			kind = v.Type().String()
		}
		return nil, warnings, fmt.Errorf("result is a %s, want a matrix", kind)
	}
	return m, warnings, nil
}

// recorder remembers the last request and answer body for error messages:
// v1 drops the body when it is not the JSON it expects.
type recorder struct {
	api.Client
	req  *http.Request
	body []byte
}

func (r *recorder) Do(ctx context.Context, req *http.Request) (*http.Response, []byte, error) {
	r.req, r.body = req, nil
	resp, body, err := r.Client.Do(ctx, req)
	r.body = body
	return resp, body, err
}

// explain turns an error of v1's QueryRange into a message: the API's
// "<errorType>: <error>", with the start of the body when the answer was
// not Prometheus JSON, or the transport error with the method and the
// endpoint, without the query string or any user information.
func (r *recorder) explain(err error) error {
	var ae *v1.Error
	if errors.As(err, &ae) {
		detail := ae.Detail
		if detail == "" && ae.Type == v1.ErrBadResponse && len(r.body) > 0 {
			detail = string(r.body)
		}
		if detail != "" {
			return fmt.Errorf("%s: %s: %.200q", ae.Type, ae.Msg, detail)
		}
		return fmt.Errorf("%s: %s", ae.Type, ae.Msg)
	}
	if r.req == nil || r.req.URL == nil {
		return stripURL(err)
	}
	u := *r.req.URL
	u.User, u.RawQuery, u.ForceQuery, u.Fragment = nil, "", false, ""
	return fmt.Errorf("%s %s: %w", r.req.Method, u.String(), stripURL(err))
}

// stripURL drops a *url.Error's URL, which may repeat the query or hold a
// password, keeping the error beneath.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
