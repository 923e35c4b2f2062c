package mgmt

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for every decoder, driven through the client's exported
// methods so that they survive a rewrite of the decoding underneath. The
// seed corpora are committed in testdata/fuzz/<target>/ (the recorded
// answers of testdata/*.json plus edge cases) and run as regression tests
// in every `go test`. Fuzz one target at a time:
//
//	go test -run '^$' -fuzz '^FuzzOverview$' -fuzztime 60s ./internal/mgmt
//
// Properties: never a panic; a failed decode is an *Error of kind decode;
// and whenever encoding/json accepts the document whole, the client decodes
// it to exactly what encoding/json gives.

const fuzzUser, fuzzPassword = "monitor", "fuzz-s3cret"

// answer is a RoundTripper that serves one fixed response, so a fuzz
// iteration costs no network.
type answer struct {
	status int
	body   []byte
}

func (a answer) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: a.status, Status: strconv.Itoa(a.status) + " " + http.StatusText(a.status),
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(a.body)),
		ContentLength: int64(len(a.body)), Request: r,
	}, nil
}

// answering is a client whose every request gets status and body. A fresh
// one per input: no state (preferred node, any breaker) carries over.
func answering(t *testing.T, status int, body []byte) *Client {
	t.Helper()
	c, err := New(Options{Cluster: "fz", URLs: []string{"http://fuzz.invalid:15672"},
		Username: fuzzUser, Password: func() (string, error) { return fuzzPassword, nil },
		Timeout: 10 * time.Second, MaxResponseBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	c.http.Transport = answer{status: status, body: body}
	return c
}

// mustBeDecodeError: a body that did not decode is reported, not panicked on.
func mustBeDecodeError(t *testing.T, err error) {
	t.Helper()
	if err != nil && KindOf(err) != KindDecode {
		t.Fatalf("error of kind %s, want decode: %v", KindOf(err), err)
	}
}

// checkOne compares a single-object decode with encoding/json.
func checkOne[T any](t *testing.T, data []byte, got *T, err error) {
	t.Helper()
	mustBeDecodeError(t, err)
	var want T
	if json.Unmarshal(data, &want) != nil {
		return
	}
	if err != nil {
		t.Fatalf("encoding/json decodes %q, the client fails: %v", data, err)
	}
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("decoded %+v, encoding/json gives %+v", *got, want)
	}
}

// referenceList is what a list answer holds according to encoding/json: a
// bare array, or the paged form's "items" arrays in order. ok is false when
// encoding/json cannot say (invalid document, items of the wrong types).
func referenceList[T any](data []byte) (items []T, ok bool) {
	if !json.Valid(data) {
		return nil, false
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		return items, json.Unmarshal(data, &items) == nil
	case len(trimmed) > 0 && trimmed[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.Token()
		for dec.More() {
			key, _ := dec.Token()
			var v json.RawMessage
			if dec.Decode(&v) != nil {
				return nil, false
			}
			if key != "items" {
				continue
			}
			var part []T
			if len(v) == 0 || v[0] != '[' || json.Unmarshal(v, &part) != nil {
				return nil, false
			}
			items = append(items, part...)
		}
		return items, true
	}
	return nil, false
}

func checkList[T any](t *testing.T, data []byte, got []T, err error) {
	t.Helper()
	mustBeDecodeError(t, err)
	want, ok := referenceList[T](data)
	if !ok {
		return
	}
	if err != nil {
		t.Fatalf("encoding/json reads %q as %d items, the client fails: %v", data, len(want), err)
	}
	if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
		t.Fatalf("decoded %+v, encoding/json gives %+v", got, want)
	}
}

// seed adds edge cases every list target starts from; the recorded answers
// are in the committed corpus.
func seedList(f *testing.F) {
	for _, s := range []string{`[]`, `{"items":[]}`, `{"items":[{}],"page":1,"items":[null]}`, `[{"name":"a"}`, `null`, `{"items":null}`, `[1]`, `[{"name":"é\u00e9"}] trailing`} {
		f.Add([]byte(s))
	}
}

func FuzzOverview(f *testing.F) {
	f.Add([]byte(`{"object_totals":{"queues":"unknown","connections":null,"channels":{}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := answering(t, 200, data).Overview(context.Background())
		checkOne(t, data, o, err)
	})
}

func FuzzQueue(f *testing.F) {
	f.Add([]byte(`{"name":"q","message_stats":{"publish_details":{"rate":1.5}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := answering(t, 200, data).Queue(context.Background(), "/", "federation: devices -> gateway-eu")
		checkOne(t, data, q, err)
	})
}

func FuzzNodes(f *testing.F) {
	seedList(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		nodes, err := answering(t, 200, data).Nodes(context.Background())
		checkList(t, data, nodes, err)
	})
}

func FuzzConnections(f *testing.F) {
	seedList(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []Connection
		err := answering(t, 200, data).EachConnection(context.Background(), func(c *Connection) { got = append(got, *c) })
		checkList(t, data, got, err)
	})
}

func FuzzQueues(f *testing.F) {
	seedList(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []Queue
		err := answering(t, 200, data).EachQueue(context.Background(), func(q *Queue) { got = append(got, *q) })
		checkList(t, data, got, err)
	})
}

func FuzzVhosts(f *testing.F) {
	seedList(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		vhosts, err := answering(t, 200, data).Vhosts(context.Background())
		checkList(t, data, vhosts, err)
	})
}

func FuzzFederationLinks(f *testing.F) {
	seedList(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		links, err := answering(t, 200, data).FederationLinks(context.Background())
		checkList(t, data, links, err)
	})
}

func FuzzShovels(f *testing.F) {
	seedList(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		shovels, err := answering(t, 200, data).Shovels(context.Background())
		checkList(t, data, shovels, err)
	})
}

// FuzzNumber: a JSON number decodes to what strconv.ParseFloat gives; null,
// strings and booleans to "not set"; anything else is an error that does not
// quote it (it could hold anything).
func FuzzNumber(f *testing.F) {
	for _, s := range []string{`12.5`, `-0`, `1e400`, `null`, `"unknown"`, `true`, `{"a":1}`, `[1]`, ``, `0x10`, `1_000`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var n Number
		err := n.UnmarshalJSON(data)
		if !json.Valid(data) || len(bytes.TrimSpace(data)) != len(data) {
			return // the decoder never hands such bytes to UnmarshalJSON
		}
		switch c := data[0]; {
		case c == '-' || (c >= '0' && c <= '9'):
			v, perr := strconv.ParseFloat(string(data), 64)
			if perr != nil {
				if err == nil {
					t.Fatalf("%s: ParseFloat fails (%v), Number accepts it as %+v", data, perr, n)
				}
				return
			}
			if err != nil || !n.Set || n.Value != v {
				t.Fatalf("%s = %+v, %v; want %v", data, n, err, v)
			}
		case c == 'n' || c == '"' || c == 't' || c == 'f':
			if err != nil || n.Set {
				t.Fatalf("%s = %+v, %v; want not set, no error", data, n, err)
			}
		default:
			if err == nil || n.Set || strings.Contains(err.Error(), string(data[1:])) {
				t.Fatalf("%s = %+v, %v; want an error not quoting it", data, n, err)
			}
		}
		// The same through encoding/json, as inside an answer.
		var v struct{ N Number }
		doc := append(append([]byte(`{"N":`), data...), '}')
		if uerr := json.Unmarshal(doc, &v); (uerr == nil) != (err == nil) || v.N != n {
			t.Fatalf("inside an object %s: %+v, %v; alone: %+v, %v", doc, v.N, uerr, n, err)
		}
	})
}

// FuzzErrorBody: a non-2xx answer becomes an error of the kind its status
// says, whatever the body, and never carries the password back even when
// the body echoes it.
func FuzzErrorBody(f *testing.F) {
	basic := base64.StdEncoding.EncodeToString([]byte(fuzzUser + ":" + fuzzPassword))
	for _, s := range []struct {
		status int
		body   string
	}{
		{401, `{"error":"not_authorised","reason":"Login failed"}`},
		{401, `{"error":"not_authorised","reason":"Basic ` + basic + `"}`},
		{500, `{"error":"` + fuzzPassword + `","reason":"` + url.QueryEscape(fuzzPassword) + `"}`},
		{500, `{"error":"fuzz-s3\u0063ret"}`},
		{500, "<html>" + fuzzPassword + "</html>"},
		{302, `<a href="http://monitor:` + fuzzPassword + `@evil/">Found</a>.`},
		{404, `{"error":"Object Not Found","reason":"Not Found"}`},
		{503, ``},
		{403, `{"error":1}`},
	} {
		f.Add(s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		status = 300 + (status%300+300)%300 // 300-599: what counts as a failure
		_, err := answering(t, status, body).Overview(context.Background())
		want := KindHTTP
		switch status {
		case 401, 403:
			want = KindAuth
		case 404:
			want = KindNotFound
		}
		if KindOf(err) != want {
			t.Fatalf("status %d: kind %s (%v), want %s", status, KindOf(err), err, want)
		}
		msg := err.Error()
		if !utf8.ValidString(msg) {
			t.Fatalf("error is not valid UTF-8: %q", msg)
		}
		for _, form := range []string{fuzzPassword, basic, url.QueryEscape(fuzzPassword)} {
			if strings.Contains(msg, form) {
				t.Fatalf("error carries the password as %q: %s", form, msg)
			}
		}
	})
}
