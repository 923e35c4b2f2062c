package report

import (
	"fmt"
)

// files are the report directory's files and their writers, by name.
var files = []struct {
	name   string
	render func(*Plan) ([]byte, error)
}{
	{"planner.prom", promFile},
	{"recommendations.csv", csvFile},
	{"report.html", htmlFile},
	{"report.json", jsonFile},
	{"report.md", markdownFile},
	{"terraform.tfvars.json", tfvarsFile},
}

// Write validates p, renders every report file in memory and then replaces
// dir with a directory holding exactly those files (see replaceDir): after
// any error dir is as it was (the previous report, or nothing). The parent
// of dir must exist. The same plan always gives the same bytes.
func Write(dir string, p *Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	out := make([]file, 0, len(files))
	for _, f := range files {
		data, err := f.render(p)
		if err != nil {
			return fmt.Errorf("report: %s: %w", f.name, err)
		}
		out = append(out, file{f.name, data})
	}
	return replaceDir(dir, out)
}
