package report

import (
	"fmt"
	"image/color"
	"regexp"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// tinyChart is two months of history and a three-month forecast.
func tinyChart() Chart {
	return Chart{
		History: []Point{{monthAt(-2), 900}, {monthAt(-1), 1000}},
		Forecast: []BandPoint{
			{Time: monthAt(0), Point: 1100, Lo80: 1050, Hi80: 1150, Lo95: 1000, Hi95: 1200},
			{Time: monthAt(1), Point: 1200, Lo80: 1100, Hi80: 1300, Lo95: 1000, Hi95: 1400},
			{Time: monthAt(2), Point: 1300, Lo80: 1150, Hi80: 1450, Lo95: 1000, Hi95: 1600},
		},
		Capacity: []Point{{monthAt(-2), 2000}, {monthAt(2), 2000}},
	}
}

func TestBandRings(t *testing.T) {
	r95, r80 := bandRings(tinyChart().Forecast)
	xy := func(i int, y float64) plotter.XY { return plotter.XY{X: float64(monthAt(i).Unix()), Y: y} }
	want95 := plotter.XYs{xy(0, 1200), xy(1, 1400), xy(2, 1600), xy(2, 1000), xy(1, 1000), xy(0, 1000)}
	want80 := plotter.XYs{xy(0, 1150), xy(1, 1300), xy(2, 1450), xy(2, 1150), xy(1, 1100), xy(0, 1050)}
	if fmt.Sprint(r95) != fmt.Sprint(want95) || fmt.Sprint(r80) != fmt.Sprint(want80) {
		t.Errorf("rings\n95%%: %v\n80%%: %v\nwant\n95%%: %v\n80%%: %v", r95, r80, want95, want80)
	}
}

// Both bands are drawn filled, each as one closed path through the
// ring's six points, besides the legend's four-cornered swatch; the 95%
// band's edge goes round its six points back to the first.
func TestChartDrawsBands(t *testing.T) {
	svg, err := chartSVG(tinyChart())
	if err != nil {
		t.Fatal(err)
	}
	paths := regexp.MustCompile(`<path d="([^"]*)" style="([^"]*)"`).FindAllStringSubmatch(svg, -1)
	for _, band := range []struct {
		name string
		fill color.RGBA
	}{{"95%", colBand95}, {"80%", colBand80}} {
		var corners []int
		for _, p := range paths {
			if strings.HasPrefix(p[2], "fill:"+hex(band.fill)) {
				if !strings.HasPrefix(p[1], "M") || !strings.HasSuffix(p[1], "Z") {
					t.Errorf("%s band path %q is not closed", band.name, p[1])
				}
				corners = append(corners, 1+strings.Count(p[1], "L"))
			}
		}
		if fmt.Sprint(corners) != "[6 4]" {
			t.Errorf("%s band: filled paths with %v corners, want the band's 6 then the legend's 4", band.name, corners)
		}
	}
	var edges []int
	for _, p := range paths {
		if p[2] == "fill:none;stroke:"+hex(colBandEdge)+";stroke-width:0.5" {
			edges = append(edges, 1+strings.Count(p[1], "L"))
		}
	}
	if fmt.Sprint(edges) != "[7 5]" {
		t.Errorf("95%% band's edges through %v points, want the band's 6 and back, then the legend's 4 and back", edges)
	}
}

func hex(c color.RGBA) string { return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B) }
