package calendar

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestParseSpan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Span
		wantErr string
	}{
		{in: "09:00-18:00", want: Span{9 * time.Hour, 18 * time.Hour}},
		{in: "9:30-14:45", want: Span{9*time.Hour + 30*time.Minute, 14*time.Hour + 45*time.Minute}},
		{in: " 08:00 - 20:00 ", want: Span{8 * time.Hour, 20 * time.Hour}},
		{in: "00:00-24:00", want: Span{0, 24 * time.Hour}},
		{in: "18:00-09:00", wantErr: "termina antes de empezar"},
		{in: "10:00-10:00", wantErr: "termina antes de empezar"},
		{in: "09:00", wantErr: "formato"},
		{in: "9-18", wantErr: "HH:MM"},
		{in: "25:00-26:00", wantErr: "HH:MM"},
		{in: "24:30-24:45", wantErr: "HH:MM"},
		{in: "09:60-10:00", wantErr: "HH:MM"},
		{in: "aa:bb-cc:dd", wantErr: "HH:MM"},
		{in: "", wantErr: "formato"},
	}
	for _, tc := range tests {
		got, err := ParseSpan(tc.in)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseSpan(%q) error = %v, want one mentioning %q", tc.in, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("ParseSpan(%q): %v", tc.in, err)
		case got != tc.want:
			t.Errorf("ParseSpan(%q) = %v, want %v", tc.in, got, tc.want)
		default:
			if back := must(ParseSpan(got.String())); back != got {
				t.Errorf("round trip of %v gives %v", got, back)
			}
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	if d := must(ParseDate("2012-12-20")); d != (Date{2012, time.December, 20}) || d.String() != "2012-12-20" {
		t.Errorf("ParseDate = %v", d)
	}
	for _, bad := range []string{"2013-02-30", "20-12-2012", "2012/12/20", "", "hoy"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) succeeded", bad)
		}
	}
}

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	weekdays := Hours{Weekdays: spans("09:00-18:00")}
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings, one per expected problem
	}{
		{"default is valid", DefaultConfig(), nil},
		{"zero zone and holidays mean the defaults", Config{Hours: weekdays}, nil},
		{"unknown zone", Config{TimeZone: "America/Ciudad_de_Mexico", Hours: weekdays}, []string{"time_zone: zona horaria IANA desconocida"}},
		{"no hours", Config{}, []string{"hours: no hay ningún horario"}},
		{"only closed days", Config{Hours: Hours{Monday: []Span{}}}, []string{"hours: no hay ningún horario"}},
		{"backwards span", Config{Hours: Hours{Weekdays: []Span{{18 * time.Hour, 9 * time.Hour}}, Saturday: spans("10:00-14:00")}}, []string{"hours.weekdays[0]: ", "termina antes de empezar"}},
		{"span past midnight", Config{Hours: Hours{Friday: []Span{{22 * time.Hour, 26 * time.Hour}}, Monday: spans("09:00-18:00")}}, []string{"hours.friday[0]: ", "fuera del día"}},
		{"overlapping spans", Config{Hours: Hours{Tuesday: spans("09:00-14:00", "13:00-18:00")}}, []string{"hours.tuesday[1]: el intervalo 13:00-18:00 se traslapa con 09:00-14:00"}},
		{"unknown holidays", Config{Hours: weekdays, Holidays: "usa"}, []string{`holidays: valor "usa" no válido`}},
		{"vacation backwards", Config{Hours: weekdays, Vacations: []Period{{From: date("2013-01-05"), To: date("2012-12-20")}}}, []string{"vacations[0]: el periodo empieza (2013-01-05) después de terminar (2012-12-20)"}},
		{"vacation mistyped year", Config{Hours: weekdays, Vacations: []Period{{From: date("2012-12-20"), To: date("2031-01-05")}}}, []string{"vacations[0]: el periodo 2012-12-20 a 2031-01-05 dura", "¿un año mal escrito?"}},
		{"vacation without dates", Config{Hours: weekdays, Vacations: []Period{{Name: "verano"}}}, []string{"vacations[0].from: falta la fecha", "vacations[0].to: falta la fecha"}},
		{"closed day out of range", Config{Hours: weekdays, ClosedDays: []Date{{1810, time.September, 16}}}, []string{"closed_days[0]: la fecha 1810-09-16 está fuera"}},
		{"closed day that does not exist", Config{Hours: weekdays, ClosedDays: []Date{{2013, time.February, 30}}}, []string{"closed_days[0]: la fecha 2013-02-30 no existe"}},
		{"overlapping reduced windows", Config{Hours: weekdays, Reduced: []Reduced{
			{Period: Period{From: date("2013-03-25"), To: date("2013-03-29")}, Hours: weekdays},
			{Period: Period{From: date("2013-03-29"), To: date("2013-04-05")}, Hours: weekdays},
		}}, []string{"reduced[1]: se traslapa con reduced[0]"}},
		{"bad reduced hours", Config{Hours: weekdays, Reduced: []Reduced{
			{Period: Period{From: date("2013-03-25"), To: date("2013-03-29")}, Hours: Hours{Weekdays: []Span{{14 * time.Hour, 10 * time.Hour}}}},
		}}, []string{"reduced[0].hours.weekdays[0]: "}},
		{"reduced window closing everything is fine", Config{Hours: weekdays, Reduced: []Reduced{
			{Period: Period{From: date("2013-03-25"), To: date("2013-03-29")}},
		}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if _, err := New(tc.cfg); err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate succeeded, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate error\n%v\ndoes not mention %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "calendar: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if _, nerr := New(tc.cfg); nerr == nil {
				t.Errorf("New accepted an invalid configuration")
			}
		})
	}
}

func decodeStrict(t *testing.T, doc string) (Config, error) {
	t.Helper()
	var c Config
	dec := yaml.NewDecoder(bytes.NewBufferString(doc))
	dec.KnownFields(true)
	err := dec.Decode(&c)
	return c, err
}

func TestConfig_UnmarshalYAML(t *testing.T) {
	t.Parallel()
	t.Run("empty mapping gives the defaults", func(t *testing.T) {
		c, err := decodeStrict(t, "{}")
		if err != nil {
			t.Fatal(err)
		}
		if c.TimeZone != DefaultTimeZone || c.Holidays != HolidaysMexico || !slices.Equal(c.Hours.Day(time.Wednesday), spans("09:00-18:00")) || len(c.Hours.Day(time.Saturday)) != 0 {
			t.Errorf("defaults = %+v", c)
		}
	})
	t.Run("full document", func(t *testing.T) {
		c, err := decodeStrict(t, `
time_zone: America/Tijuana
hours:
  weekdays: ["09:00-14:00", "16:00-19:00"]
  friday: ["09:00-15:00"]
  saturday: ["10:00-13:00"]
holidays: none
vacations:
  - {name: Vacaciones de invierno, from: 2012-12-20, to: 2013-01-05}
closed_days: [2012-11-02, "2013-03-28"]
reduced:
  - name: Semana Santa
    from: 2013-03-25
    to: 2013-03-27
    hours: {weekdays: ["10:00-14:00"]}
`)
		if err != nil {
			t.Fatal(err)
		}
		want := Config{
			TimeZone: "America/Tijuana",
			Hours: Hours{
				Weekdays: spans("09:00-14:00", "16:00-19:00"),
				Friday:   spans("09:00-15:00"),
				Saturday: spans("10:00-13:00"),
			},
			Holidays:   HolidaysNone,
			Vacations:  []Period{{Name: "Vacaciones de invierno", From: date("2012-12-20"), To: date("2013-01-05")}},
			ClosedDays: []Date{date("2012-11-02"), date("2013-03-28")},
			Reduced: []Reduced{{
				Period: Period{Name: "Semana Santa", From: date("2013-03-25"), To: date("2013-03-27")},
				Hours:  Hours{Weekdays: spans("10:00-14:00")},
			}},
		}
		if got, wantY := mustYAML(c), mustYAML(want); got != wantY {
			t.Errorf("decoded\n%s\nwant\n%s", got, wantY)
		}
		cal := must(New(c))
		if got := cal.BusinessDuration(at(tijuana, "2013-03-22 14:30"), at(tijuana, "2013-03-25 11:00")); got != 30*time.Minute+3*time.Hour+time.Hour {
			t.Errorf("BusinessDuration = %v", got)
		}
	})
	t.Run("naming one day drops the default weekdays", func(t *testing.T) {
		c, err := decodeStrict(t, "hours: {monday: [\"09:00-18:00\"]}")
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Hours.Day(time.Tuesday)) != 0 {
			t.Errorf("Tuesday kept the default hours: %+v", c.Hours)
		}
	})
	bad := []struct {
		doc, want string
	}{
		{"hours: {weekdays: [\"18:00-09:00\"]}", "termina antes de empezar"},
		{"hours: {weekdays: [\"9 a 18\"]}", "formato"},
		{"time_zone: Mars/Olympus", "time_zone"},
		{"vacations: [{from: 2012-12-20, to: 2012-13-05}]", `fecha "2012-13-05"`},
		{"holidays: [mexico]", "cannot unmarshal"},
		{"hours: {lunes: [\"09:00-18:00\"]}", `línea 1: clave desconocida "lunes" en hours`},
		{"horario: 9-18", `clave desconocida "horario" en la configuración del calendario`},
		{"vacations: [{desde: 2012-12-20}]", `clave desconocida "desde" en vacations[0]`},
		{"reduced: [{from: 2013-03-25, to: 2013-03-27, hours: {sabado: []}}]", `clave desconocida "sabado" en reduced[0].hours`},
		{"hours: {}", "no hay ningún horario"},
	}
	for _, b := range bad {
		if _, err := decodeStrict(t, b.doc); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("decoding %q: error %v, want one mentioning %q", b.doc, err, b.want)
		}
	}
}

func mustYAML(v any) string { return string(must(yaml.Marshal(v))) }

func TestMexicanHolidays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		year int
		want []string
	}{
		{2005, []string{"2005-01-01", "2005-02-05", "2005-03-21", "2005-05-01", "2005-09-16", "2005-11-20", "2005-12-25"}},
		{2006, []string{"2006-01-01", "2006-02-06", "2006-03-20", "2006-05-01", "2006-09-16", "2006-11-20", "2006-12-01", "2006-12-25"}},
		{2012, []string{"2012-01-01", "2012-02-06", "2012-03-19", "2012-05-01", "2012-09-16", "2012-11-19", "2012-12-01", "2012-12-25"}},
		{2013, []string{"2013-01-01", "2013-02-04", "2013-03-18", "2013-05-01", "2013-09-16", "2013-11-18", "2013-12-25"}},
		{2018, []string{"2018-01-01", "2018-02-05", "2018-03-19", "2018-05-01", "2018-09-16", "2018-11-19", "2018-12-01", "2018-12-25"}},
		{2024, []string{"2024-01-01", "2024-02-05", "2024-03-18", "2024-05-01", "2024-09-16", "2024-10-01", "2024-11-18", "2024-12-25"}},
		{2025, []string{"2025-01-01", "2025-02-03", "2025-03-17", "2025-05-01", "2025-09-16", "2025-11-17", "2025-12-25"}},
		{2030, []string{"2030-01-01", "2030-02-04", "2030-03-18", "2030-05-01", "2030-09-16", "2030-10-01", "2030-11-18", "2030-12-25"}},
	}
	for _, tc := range tests {
		var got []string
		for _, h := range MexicanHolidays(tc.year) {
			got = append(got, h.Date.String())
			if h.Name == "" {
				t.Errorf("%v has no name", h.Date)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("MexicanHolidays(%d) =\n%v\nwant\n%v", tc.year, got, tc.want)
		}
	}
	for y := 2006; y <= 2100; y++ {
		for _, h := range MexicanHolidays(y) {
			wd := h.Date.In(time.UTC).Weekday()
			switch h.Date.Month {
			case time.February, time.March, time.November:
				if wd != time.Monday {
					t.Errorf("%v (%s) is a %v", h.Date, h.Name, wd)
				}
			}
		}
	}
}
