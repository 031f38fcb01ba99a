package calendar

import "testing"

// FuzzParseSpan feeds arbitrary attention hours ("09:00-18:00") and dates
// ("2026-03-02") as written in the configuration: parsing never panics, and
// what it accepts prints back to text that parses to the same value.
func FuzzParseSpan(f *testing.F) {
	for _, s := range []string{"09:00-18:00", "00:00-24:00", "9:00-18:00", "18:00-09:00", "24:01-25:00", "-", "2026-03-02", "2026-02-30", "0000-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if sp, err := ParseSpan(s); err == nil {
			back, err := ParseSpan(sp.String())
			if err != nil || back != sp {
				t.Fatalf("span %q → %q → %v, %v", s, sp.String(), back, err)
			}
		}
		if d, err := ParseDate(s); err == nil {
			back, err := ParseDate(d.String())
			if err != nil || back != d {
				t.Fatalf("date %q → %q → %v, %v", s, d.String(), back, err)
			}
		}
	})
}
