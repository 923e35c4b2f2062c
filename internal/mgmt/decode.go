package mgmt

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

var jsonUnmarshal = json.Unmarshal

// eachItem streams a JSON list, calling item once per element with the
// decoder positioned on it. It accepts a bare array and the paged form
// {"items": [...], ...}, so that whether a node paginates does not matter.
func eachItem(r io.Reader, item func(*json.Decoder) error) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("reading list: %w", eofAsTruncated(err))
	}
	switch tok {
	case json.Delim('['):
		return eachInArray(dec, item)
	case json.Delim('{'):
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return fmt.Errorf("reading paged list: %w", eofAsTruncated(err))
			}
			if key == "items" {
				if t, err := dec.Token(); err != nil || t != json.Delim('[') {
					return fmt.Errorf("paged list: \"items\" is not an array")
				}
				if err := eachInArray(dec, item); err != nil {
					return err
				}
				continue
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("paged list: field %v: %w", key, eofAsTruncated(err))
			}
		}
		return closing(dec, '}')
	}
	return fmt.Errorf("expected a JSON list, got %v", tok)
}

func eachInArray(dec *json.Decoder, item func(*json.Decoder) error) error {
	for i := 0; dec.More(); i++ {
		if err := item(dec); err != nil {
			return fmt.Errorf("list item %d: %w", i, eofAsTruncated(err))
		}
	}
	return closing(dec, ']')
}

func closing(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("list end: %w", eofAsTruncated(err))
	}
	if tok != want {
		return fmt.Errorf("list end: expected %q, got %v", want, tok)
	}
	return nil
}

// decodeOne decodes a single JSON object.
func decodeOne(r io.Reader, v any) error {
	if err := json.NewDecoder(r).Decode(v); err != nil {
		return eofAsTruncated(err)
	}
	return nil
}

func eofAsTruncated(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("truncated JSON: %w", io.ErrUnexpectedEOF)
	}
	return err
}

// Number is a numeric field that RabbitMQ may leave out, set to null, or set
// to a string such as "unknown" on some platforms. Set says whether it held a number.
type Number struct {
	Value float64
	Set   bool
}

func (n *Number) UnmarshalJSON(b []byte) error {
	*n = Number{}
	if len(b) == 0 || b[0] == 'n' || b[0] == '"' || b[0] == 't' || b[0] == 'f' {
		return nil // null, a string or a bool: no number here
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		// Quote only what a JSON number is made of: an object or array here
		// could hold anything, including an echo of the credentials.
		if b[0] == '-' || (b[0] >= '0' && b[0] <= '9') {
			return fmt.Errorf("not a number: %.40s", b)
		}
		return fmt.Errorf("not a number: a JSON %s", jsonKind(b[0]))
	}
	*n = Number{Value: v, Set: true}
	return nil
}

// Flag is a boolean field that a node without the management metrics
// collector leaves out (the alarms): Set says whether it was reported, so
// that an absent alarm is not taken for a cleared one.
type Flag struct {
	Value bool
	Set   bool
}

func (f *Flag) UnmarshalJSON(b []byte) error {
	*f = Flag{}
	switch string(b) {
	case "true":
		*f = Flag{Value: true, Set: true}
	case "false":
		*f = Flag{Set: true}
	}
	return nil // null or anything else: not reported
}

func jsonKind(first byte) string {
	switch first {
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}
