package report

import (
	"encoding/json"
	"reflect"
	"strconv"
)

// jsonDigits is how many significant digits report.json and planner.prom
// keep. A figure computed from Prometheus's rate() differs from the same
// figure computed offline in its 12th or 13th digit; nine keep every
// figure the report shows while making the two reports identical, byte
// for byte.
const jsonDigits = 9

// jsonFile renders report.json: the whole plan, indented by two spaces,
// every number rounded to jsonDigits significant digits. encoding/json
// writes struct fields in declaration order and sorts map keys, so it is
// stable.
func jsonFile(p *Plan) ([]byte, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var rounded Plan // a deep copy, so that the caller's plan stays as it is
	if err := json.Unmarshal(b, &rounded); err != nil {
		return nil, err
	}
	roundFloats(reflect.ValueOf(&rounded).Elem())
	return indentJSON(&rounded)
}

// round keeps jsonDigits significant digits, for report.json and
// planner.prom alike.
func round(f float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', jsonDigits, 64), 64)
	return r
}

// roundFloats rounds every float64 reachable from v in place.
func roundFloats(v reflect.Value) {
	switch v.Kind() {
	case reflect.Float64:
		v.SetFloat(round(v.Float()))
	case reflect.Pointer:
		if !v.IsNil() {
			roundFloats(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				roundFloats(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			roundFloats(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			roundFloats(e)
			v.SetMapIndex(k, e)
		}
	}
}

func indentJSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
