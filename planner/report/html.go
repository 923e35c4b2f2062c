package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate escapes every plan text; only the charts, which this package
// draws, go in unescaped.
var htmlTemplate = template.Must(template.New("report.html").Parse(htmlSource))

// htmlDocument is the document with the gateways' charts.
type htmlDocument struct {
	Title    string
	Sections []htmlSection
}

type htmlSection struct {
	section
	Charts []htmlChart
}

type htmlChart struct {
	Gateway string
	SVG     template.HTML
}

// htmlFile renders report.html: self-contained, styles inline, charts as
// inline SVG, no script and no external reference.
func htmlFile(p *Plan) ([]byte, error) {
	d := buildDocument(p)
	h := htmlDocument{Title: d.Title}
	for _, s := range d.Sections {
		hs := htmlSection{section: s}
		if s.ID == secGateways {
			for _, g := range p.Gateways {
				svg, err := chartSVG(g.Chart)
				if err != nil {
					return nil, fmt.Errorf("gateway %q: %w", g.Name, err)
				}
				hs.Charts = append(hs.Charts, htmlChart{Gateway: g.Name, SVG: template.HTML(svg)})
			}
		}
		h.Sections = append(h.Sections, hs)
	}
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, h); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
