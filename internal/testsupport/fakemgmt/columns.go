package fakemgmt

import "strings"

// columns is a parsed columns= parameter: each key maps to the columns wanted
// inside it, or to nil when the whole value is wanted. A nil columns (absent
// parameter) selects everything.
type columns map[string]columns

// parseColumns splits "a,b.c" like RabbitMQ: on commas, then on dots; empty
// names are skipped, and "a" wins over "a.b".
func parseColumns(s string) columns {
	cols := columns{}
	for _, c := range strings.Split(s, ",") {
		parts := strings.FieldsFunc(c, func(r rune) bool { return r == '.' })
		cur := cols
		for i, p := range parts {
			if i == len(parts)-1 {
				cur[p] = nil
				break
			}
			sub, seen := cur[p]
			if seen && sub == nil {
				break // already wanted whole
			}
			if !seen {
				sub = columns{}
				cur[p] = sub
			}
			cur = sub
		}
	}
	return cols
}

// segment is a run of constant JSON, or a per-item slot.
type segment struct {
	lit  []byte
	slot slot
}

// plan is a template compiled for one columns= selection: rendering an item
// is then copying literals and writing a few slots, with no maps or reflection.
type plan []segment

type planBuilder struct {
	segs []segment
	buf  []byte
}

func (b *planBuilder) lit(s ...byte) { b.buf = append(b.buf, s...) }

func (b *planBuilder) slot(s slot) {
	if len(b.buf) > 0 {
		b.segs = append(b.segs, segment{lit: b.buf})
		b.buf = nil
	}
	b.segs = append(b.segs, segment{slot: s})
}

func (b *planBuilder) done() plan {
	if len(b.buf) > 0 {
		b.segs = append(b.segs, segment{lit: b.buf})
	}
	return b.segs
}

// compile selects cols from the template the way the management API does
// (checked against RabbitMQ 3.10.8, see testdata/README.md):
//   - members keep the template's order, whatever the order of columns=;
//   - an unknown column is left out;
//   - a nested column selects inside objects and inside each object of an
//     array, except in opaque values, which come whole, as do scalars ("name.x" gives name);
//   - an object left with no member is written [] (columns=nosuch gives [[],...]).
func compile(tpl *value, cols columns, all bool) plan {
	var b planBuilder
	if all {
		writeWhole(&b, tpl)
	} else {
		writeSelected(&b, tpl, cols)
	}
	return b.done()
}

func writeWhole(b *planBuilder, v *value) {
	switch {
	case v.slot != 0:
		b.slot(v.slot)
	case v.kind == objectKind:
		b.lit('{')
		for i, m := range v.object {
			if i > 0 {
				b.lit(',')
			}
			b.buf = appendString(b.buf, m.key)
			b.lit(':')
			writeWhole(b, m.val)
		}
		b.lit('}')
	case v.kind == arrayKind:
		b.lit('[')
		for i, e := range v.array {
			if i > 0 {
				b.lit(',')
			}
			writeWhole(b, e)
		}
		b.lit(']')
	default:
		b.lit(v.raw...)
	}
}

func writeSelected(b *planBuilder, v *value, cols columns) {
	n := 0
	for _, m := range v.object {
		sub, wanted := cols[m.key]
		if !wanted {
			continue
		}
		nested := sub != nil
		if n == 0 {
			b.lit('{')
		} else {
			b.lit(',')
		}
		n++
		b.buf = appendString(b.buf, m.key)
		b.lit(':')
		switch {
		case !nested || m.val.slot != 0 || m.val.kind == scalarKind || m.val.opaque ||
			(m.val.kind == objectKind && len(m.val.object) == 0):
			writeWhole(b, m.val)
		case m.val.kind == objectKind:
			writeSelected(b, m.val, sub)
		default: // array: select inside each object element
			b.lit('[')
			for i, e := range m.val.array {
				if i > 0 {
					b.lit(',')
				}
				if e.kind == objectKind && !e.opaque {
					writeSelected(b, e, sub)
				} else {
					writeWhole(b, e)
				}
			}
			b.lit(']')
		}
	}
	if n == 0 {
		b.lit('[', ']')
		return
	}
	b.lit('}')
}
