package fakemgmt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// value is one JSON value of an object captured from a real management API,
// kept in the order RabbitMQ wrote it. Objects keep duplicate keys: RabbitMQ
// 3.10 writes client_properties twice on MQTT and STOMP connections.
type value struct {
	kind   valueKind
	object []member
	array  []*value
	raw    []byte // a scalar's JSON text as captured (0.0 stays 0.0)
	// opaque values are returned whole by a nested column (object_totals.queues
	// returns all of object_totals): RabbitMQ holds them as maps, not proplists.
	opaque bool
	// slot, when not 0, is a scalar written per item (a name, a depth).
	slot slot
}

type valueKind uint8

const (
	scalarKind valueKind = iota
	objectKind
	arrayKind
)

type member struct {
	key string
	val *value
}

// parseTemplate reads one captured JSON value.
func parseTemplate(data []byte) (*value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseValue(dec)
	if err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("template: trailing data after the value")
	}
	return v, nil
}

func parseValue(dec *json.Decoder) (*value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := &value{kind: objectKind, object: []member{}}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("template: %w", err)
				}
				child, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				v.object = append(v.object, member{key: k.(string), val: child})
			}
			_, err := dec.Token()
			return v, err
		case '[':
			v := &value{kind: arrayKind, array: []*value{}}
			for dec.More() {
				child, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				v.array = append(v.array, child)
			}
			_, err := dec.Token()
			return v, err
		}
		return nil, fmt.Errorf("template: unexpected %v", t)
	case json.Number:
		return &value{raw: []byte(t)}, nil
	case string:
		return &value{raw: appendString(nil, t)}, nil
	case bool:
		return &value{raw: []byte(fmt.Sprint(t))}, nil
	case nil:
		return &value{raw: []byte("null")}, nil
	}
	return nil, fmt.Errorf("template: unexpected token %v", tok)
}

// clone copies the tree so that one template serves many objects.
func (v *value) clone() *value {
	c := *v
	if v.object != nil {
		c.object = make([]member, len(v.object))
		for i, m := range v.object {
			c.object[i] = member{key: m.key, val: m.val.clone()}
		}
	}
	if v.array != nil {
		c.array = make([]*value, len(v.array))
		for i, e := range v.array {
			c.array[i] = e.clone()
		}
	}
	return &c
}

// each calls fn on every value at the dotted path (every duplicate key).
func (v *value) each(path string, fn func(*value)) int {
	key, rest, nested := strings.Cut(path, ".")
	n := 0
	for i := range v.object {
		m := &v.object[i]
		if m.key != key {
			continue
		}
		if nested {
			n += m.val.each(rest, fn)
			continue
		}
		fn(m.val)
		n++
	}
	return n
}

// bind makes the value at path a per-item slot; the template must have it.
func (v *value) bind(path string, s slot) {
	if v.each(path, func(x *value) { *x = value{slot: s} }) == 0 {
		panic("synthetic: template has no " + path)
	}
}

// set replaces the value at path (which must exist) with x marshalled to JSON.
func (v *value) set(path string, x any) {
	nv := mustValue(x)
	if v.each(path, func(old *value) { opaque := old.opaque; *old = *nv.clone(); old.opaque = opaque }) == 0 {
		panic("synthetic: template has no " + path)
	}
}

// remove drops every member at a top-level key.
func (v *value) remove(keys ...string) {
	kept := v.object[:0]
	for _, m := range v.object {
		drop := false
		for _, k := range keys {
			drop = drop || m.key == k
		}
		if !drop {
			kept = append(kept, m)
		}
	}
	v.object = kept
}

// markOpaque flags top-level members that RabbitMQ serves as maps.
func (v *value) markOpaque(keys ...string) {
	for _, k := range keys {
		if v.each(k, func(x *value) { x.opaque = true }) == 0 {
			panic("synthetic: template has no " + k)
		}
	}
}

func mustValue(x any) *value {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // RabbitMQ writes "<rabbit@host.1.2.3>" as is
	if err := enc.Encode(x); err != nil {
		panic(err)
	}
	v, err := parseTemplate(b.Bytes())
	if err != nil {
		panic(err)
	}
	return v
}

// appendString writes s as a JSON string.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, fmt.Sprintf(`\u%04x`, c)...)
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
