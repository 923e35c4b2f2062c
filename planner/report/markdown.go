package report

import (
	"strings"
)

// markdownFile renders report.md (GitHub-flavoured Markdown).
func markdownFile(p *Plan) ([]byte, error) {
	d := buildDocument(p)
	var b strings.Builder
	b.WriteString("# " + mdEscape(d.Title) + "\n")
	for _, s := range d.Sections {
		b.WriteString("\n## " + mdEscape(s.Title) + "\n")
		for _, t := range s.Text {
			b.WriteString("\n" + mdEscape(t) + "\n")
		}
		if len(s.Bullets) > 0 {
			b.WriteString("\n")
			for _, l := range s.Bullets {
				b.WriteString("- " + mdEscape(l) + "\n")
			}
		}
		for _, t := range s.Notes {
			b.WriteString("\n" + mdEscape(t) + "\n")
		}
		for _, t := range s.Tables {
			mdTable(&b, t)
		}
	}
	return []byte(b.String()), nil
}

func mdTable(b *strings.Builder, t table) {
	if t.Title != "" {
		b.WriteString("\n### " + mdEscape(t.Title) + "\n")
	}
	b.WriteString("\n|")
	for _, c := range t.Cols {
		b.WriteString(" " + mdEscape(c.Name) + " |")
	}
	b.WriteString("\n|")
	for _, c := range t.Cols {
		if c.Right {
			b.WriteString(" ---: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for _, row := range t.Rows {
		b.WriteString("|")
		for _, cell := range row {
			b.WriteString(" " + mdEscape(cell) + " |")
		}
		b.WriteString("\n")
	}
}

// mdEscaper keeps plan text (names, assumptions) literal: no emphasis,
// links, HTML or table breaks, and one line per cell or bullet.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "#", `\#`, "~", `\~`,
	"\r\n", " ", "\n", " ", "\r", " ",
)

func mdEscape(s string) string {
	return mdEscaper.Replace(s)
}
