package history

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
)

// RangeQuerier runs one PromQL range query: points at start, start+step,
// ... up to end inclusive, as Prometheus's /api/v1/query_range does. It
// returns the matrix and any warnings of the answer.
type RangeQuerier interface {
	QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (model.Matrix, []string, error)
}

// Client queries a Prometheus-compatible HTTP API at URL (the server's
// root, e.g. "http://prometheus:9090"). HTTP nil means
// http.DefaultClient; the context bounds each query.
//
// It speaks /api/v1/query_range itself rather than through client_golang's
// api/prometheus/v1, whose JSON decoder (json-iterator) this module does
// not carry.
type Client struct {
	URL  string
	HTTP *http.Client
}

// QueryRange implements RangeQuerier. An error answer reads
// "<errorType>: <error>" as Prometheus gives them; an answer that is not
// Prometheus JSON reads "HTTP <status>: <start of the body>".
func (c *Client) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (model.Matrix, []string, error) {
	endpoint := strings.TrimSuffix(c.URL, "/") + "/api/v1/query_range"
	params := url.Values{
		"query": {query},
		"start": {seconds(start)},
		"end":   {seconds(end)},
		"step":  {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"?"+params.Encode(), nil)
	if err != nil {
		return nil, nil, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL repeats the query the caller names
		}
		return nil, nil, fmt.Errorf("GET %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", endpoint, err)
	}
	var answer struct {
		Status    string   `json:"status"`
		ErrorType string   `json:"errorType"`
		Error     string   `json:"error"`
		Warnings  []string `json:"warnings"`
		Data      struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &answer) != nil || answer.Status == "" {
		return nil, nil, fmt.Errorf("HTTP %s: %.200q", resp.Status, body)
	}
	if answer.Status != "success" {
		return nil, answer.Warnings, fmt.Errorf("%s: %s", answer.ErrorType, answer.Error)
	}
	if answer.Data.ResultType != "matrix" {
		return nil, answer.Warnings, fmt.Errorf("result is a %s, want a matrix", answer.Data.ResultType)
	}
	var m model.Matrix
	if err := json.Unmarshal(answer.Data.Result, &m); err != nil {
		return nil, answer.Warnings, fmt.Errorf("decoding the matrix: %w", err)
	}
	return m, answer.Warnings, nil
}

// seconds writes t as Unix seconds with milliseconds, Prometheus's
// resolution.
func seconds(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)
}
