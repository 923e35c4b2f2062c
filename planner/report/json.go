package report

import "encoding/json"

// jsonFile renders report.json: the whole plan, indented by two spaces.
// encoding/json writes struct fields in declaration order, sorts map keys
// and formats floats in their shortest exact form, so it is stable and
// reads back into the same Plan.
func jsonFile(p *Plan) ([]byte, error) {
	return indentJSON(p)
}

func indentJSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
