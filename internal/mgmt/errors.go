package mgmt

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
)

// ErrorKind classifies a failed request for the scrape-errors metric.
type ErrorKind string

const (
	KindTimeout  ErrorKind = "timeout"   // the request ran past its deadline
	KindCanceled ErrorKind = "canceled"  // the caller (e.g. Prometheus) gave up
	KindConnect  ErrorKind = "connect"   // no node could be reached
	KindAuth     ErrorKind = "auth"      // 401 or 403
	KindNotFound ErrorKind = "not_found" // 404: endpoint or object absent
	KindHTTP     ErrorKind = "http"      // any other non-2xx status
	KindDecode   ErrorKind = "decode"    // malformed or truncated JSON
	KindTooLarge ErrorKind = "too_large" // body over max_response_bytes
	KindConfig   ErrorKind = "config"    // e.g. password file unreadable
	KindTLS      ErrorKind = "tls"       // the node's certificate did not verify
)

// Error is a failed management API request. Its message names the cluster,
// endpoint and node URL (never credentials).
type Error struct {
	Kind     ErrorKind
	Cluster  string
	Endpoint string
	Node     string // base URL of the node that answered or failed, without user info
	Status   int
	Err      error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("cluster %s: GET %s", e.Cluster, e.Endpoint)
	if e.Node != "" {
		msg += " on " + e.Node
	}
	if e.Status != 0 {
		msg += fmt.Sprintf(": HTTP %d %s", e.Status, http.StatusText(e.Status))
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg + " (" + string(e.Kind) + ")"
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of any error from this package, KindConnect for other network errors.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.Is(err, context.Canceled):
		return KindCanceled
	}
	return KindConnect
}

// IsNotFound reports a 404, which for optional plugins means "not installed".
func IsNotFound(err error) bool { return KindOf(err) == KindNotFound }

func classifyTransport(ctx context.Context, err error) ErrorKind {
	if ctx.Err() == context.Canceled {
		return KindCanceled
	}
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded {
		return KindTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTimeout
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return KindTLS
	}
	return KindConnect
}

func classifyStatus(code int) ErrorKind {
	switch code {
	case http.StatusUnauthorized, http.StatusForbidden:
		return KindAuth
	case http.StatusNotFound:
		return KindNotFound
	}
	return KindHTTP
}
