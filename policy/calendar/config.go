package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// DefaultTimeZone is the time zone of a calendar whose configuration names none: the
// institute's seat, which has kept UTC−6 all year since DST was abolished in 2022.
const DefaultTimeZone = "America/Mexico_City"

// The values of Config.Holidays.
const (
	// HolidaysMexico closes the calendar on the statutory rest days of the Ley Federal
	// del Trabajo, art. 74 (see MexicanHolidays).
	HolidaysMexico = "mexico"
	// HolidaysNone applies no holiday list; only the configured closed days and
	// vacations close the calendar.
	HolidaysNone = "none"
)

// Limits Validate enforces.
const (
	// MinYear and MaxYear bound the dates a configuration may name; instants outside
	// [MinYear-01-01, MaxYear+1-01-01) are clamped by the Calendar.
	MinYear = 1970
	MaxYear = 2199
	// MaxPeriodDays bounds one vacation or reduced window, to catch a mistyped year
	// that would silently stop the clock for decades.
	MaxPeriodDays = 366
)

// Config is one attention calendar as written in the configuration file: the hours
// the account attends each weekday, in a time zone, minus holidays, vacations and
// extra closed days, with reduced hours in some periods (Criterios 5.1).
//
//	time_zone: America/Mexico_City
//	hours:
//	  weekdays: ["09:00-18:00"]
//	  saturday: ["10:00-14:00"]
//	holidays: mexico
//	vacations:
//	  - {name: Vacaciones de invierno, from: 2012-12-20, to: 2013-01-05}
//	closed_days: [2012-11-02]
//	reduced:
//	  - name: Semana Santa
//	    from: 2013-03-25
//	    to: 2013-03-27
//	    hours: {weekdays: ["10:00-14:00"]}
//
// A day closes when it is a holiday, a closed day or inside a vacation; otherwise a
// reduced window covering it gives its hours; otherwise the weekly hours do.
type Config struct {
	// TimeZone is an IANA zone name; empty means DefaultTimeZone.
	TimeZone string `yaml:"time_zone"`
	// Hours are the regular weekly hours, in the zone's wall-clock time.
	Hours Hours `yaml:"hours"`
	// Holidays is "mexico" (the default when empty) or "none".
	Holidays string `yaml:"holidays"`
	// Vacations are institutional vacation periods, both ends included.
	Vacations []Period `yaml:"vacations"`
	// ClosedDays are further non-working dates.
	ClosedDays []Date `yaml:"closed_days"`
	// Reduced are periods with their own hours instead of the weekly ones.
	Reduced []Reduced `yaml:"reduced"`
}

// DefaultConfig returns the calendar used when the configuration gives none: Mexico
// City, Monday to Friday from 9:00 to 18:00, Mexican statutory holidays.
func DefaultConfig() Config {
	return Config{
		TimeZone: DefaultTimeZone,
		Hours:    Hours{Weekdays: []Span{{Start: 9 * time.Hour, End: 18 * time.Hour}}},
		Holidays: HolidaysMexico,
	}
}

// UnmarshalYAML applies DefaultConfig to the keys the document leaves out, decodes
// the rest and validates the result.
// Unknown keys are errors, also when the decoder is not strict (yaml.Node.Decode
// never is).
func (c *Config) UnmarshalYAML(value *yaml.Node) error {
	if err := checkKeys(value); err != nil {
		return err
	}
	*c = DefaultConfig()
	type plain Config
	if err := value.Decode((*plain)(c)); err != nil {
		return err
	}
	return c.Validate()
}

// Validate reports every problem of the configuration, one per line, each naming
// its key ("hours.monday[1]", "vacations[0].to").
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("calendar: %s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.TimeZone != "" {
		if _, err := time.LoadLocation(c.TimeZone); err != nil {
			add("time_zone", "zona horaria IANA desconocida %q (por ejemplo %s o America/Tijuana)", c.TimeZone, DefaultTimeZone)
		}
	}
	c.Hours.validate("hours", add)
	if c.Hours.weekTotal() == 0 {
		add("hours", "no hay ningún horario de atención en la semana; indique al menos un día, por ejemplo weekdays: [\"09:00-18:00\"]")
	}
	switch c.Holidays {
	case "", HolidaysMexico, HolidaysNone:
	default:
		add("holidays", "valor %q no válido; use %q o %q", c.Holidays, HolidaysMexico, HolidaysNone)
	}
	for i, p := range c.Vacations {
		p.validate(fmt.Sprintf("vacations[%d]", i), add)
	}
	for i, d := range c.ClosedDays {
		d.validate(fmt.Sprintf("closed_days[%d]", i), add)
	}
	for i, r := range c.Reduced {
		key := fmt.Sprintf("reduced[%d]", i)
		r.Period.validate(key, add)
		r.Hours.validate(key+".hours", add)
		for j := range i {
			o := c.Reduced[j]
			if r.From.valid() && r.To.valid() && o.From.valid() && o.To.valid() &&
				!r.From.after(o.To) && !o.From.after(r.To) {
				add(key, "se traslapa con reduced[%d] (%s a %s); los periodos de horario reducido no pueden traslaparse", j, o.From, o.To)
				break
			}
		}
	}
	return errors.Join(errs...)
}

var (
	configKeys  = []string{"time_zone", "hours", "holidays", "vacations", "closed_days", "reduced"}
	hoursKeys   = []string{"weekdays", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	periodKeys  = []string{"name", "from", "to"}
	reducedKeys = []string{"name", "from", "to", "hours"}
)

// checkKeys reports the first key of a calendar document that Config has no field
// for, with its line.
func checkKeys(n *yaml.Node) error {
	var walk func(n *yaml.Node, path string, keys []string) error
	walk = func(n *yaml.Node, path string, keys []string) error {
		for n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" || k.Tag == "!!merge" {
				if err := walk(v, path, keys); err != nil {
					return err
				}
				continue
			}
			if !slices.Contains(keys, k.Value) {
				where := "la configuración del calendario"
				if path != "" {
					where = path
				}
				return fmt.Errorf("calendar: línea %d: clave desconocida %q en %s (claves válidas: %s)", k.Line, k.Value, where, strings.Join(keys, ", "))
			}
			key := k.Value
			if path != "" {
				key = path + "." + k.Value
			}
			var err error
			switch {
			case path == "" && k.Value == "hours", strings.HasPrefix(path, "reduced[") && k.Value == "hours":
				err = walk(v, key, hoursKeys)
			case path == "" && (k.Value == "vacations" || k.Value == "reduced"):
				for v != nil && v.Kind == yaml.AliasNode {
					v = v.Alias
				}
				if v == nil || v.Kind != yaml.SequenceNode {
					continue
				}
				ks := periodKeys
				if k.Value == "reduced" {
					ks = reducedKeys
				}
				for j, item := range v.Content {
					if err = walk(item, fmt.Sprintf("%s[%d]", k.Value, j), ks); err != nil {
						break
					}
				}
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return walk(n, "", configKeys)
}

// Hours are the attention hours of each day of the week. Weekdays is a shorthand for
// Monday to Friday; a day named on its own replaces the shorthand for that day, and
// a day with no hours (absent, or an empty list) is closed.
type Hours struct {
	Weekdays  []Span `yaml:"weekdays,omitempty"`
	Monday    []Span `yaml:"monday,omitempty"`
	Tuesday   []Span `yaml:"tuesday,omitempty"`
	Wednesday []Span `yaml:"wednesday,omitempty"`
	Thursday  []Span `yaml:"thursday,omitempty"`
	Friday    []Span `yaml:"friday,omitempty"`
	Saturday  []Span `yaml:"saturday,omitempty"`
	Sunday    []Span `yaml:"sunday,omitempty"`
}

// UnmarshalYAML decodes the hours from scratch, so that naming one day does not keep
// the default hours of the others.
func (h *Hours) UnmarshalYAML(value *yaml.Node) error {
	*h = Hours{}
	type plain Hours
	return value.Decode((*plain)(h))
}

// Day returns the spans of weekday wd after applying the Weekdays shorthand.
func (h Hours) Day(wd time.Weekday) []Span {
	var own []Span
	switch wd {
	case time.Monday:
		own = h.Monday
	case time.Tuesday:
		own = h.Tuesday
	case time.Wednesday:
		own = h.Wednesday
	case time.Thursday:
		own = h.Thursday
	case time.Friday:
		own = h.Friday
	case time.Saturday:
		return h.Saturday
	case time.Sunday:
		return h.Sunday
	}
	if own != nil {
		return own
	}
	return h.Weekdays
}

func (h Hours) weekTotal() time.Duration {
	var d time.Duration
	for wd := range time.Weekday(7) {
		for _, s := range h.Day(wd) {
			if s.End > s.Start {
				d += s.End - s.Start
			}
		}
	}
	return d
}

func (h Hours) validate(key string, add func(key, format string, args ...any)) {
	days := []struct {
		name  string
		spans []Span
	}{
		{"weekdays", h.Weekdays}, {"monday", h.Monday}, {"tuesday", h.Tuesday},
		{"wednesday", h.Wednesday}, {"thursday", h.Thursday}, {"friday", h.Friday},
		{"saturday", h.Saturday}, {"sunday", h.Sunday},
	}
	for _, d := range days {
		for i, s := range d.spans {
			k := fmt.Sprintf("%s.%s[%d]", key, d.name, i)
			if err := s.check(); err != nil {
				add(k, "%v", err)
				continue
			}
			for j := range i {
				o := d.spans[j]
				if s.Start < o.End && o.Start < s.End {
					add(k, "el intervalo %s se traslapa con %s", s, o)
					break
				}
			}
		}
	}
}

// Span is one range of attention hours within a day, as offsets from the day's
// wall-clock midnight; Start is included, End is not. Its text form is "09:00-18:00";
// "24:00" ends a span at midnight. A span never crosses midnight: "22:00-24:00" on
// one day and "00:00-02:00" on the next say that.
type Span struct {
	Start time.Duration
	End   time.Duration
}

// ParseSpan parses "HH:MM-HH:MM".
func ParseSpan(s string) (Span, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Span{}, fmt.Errorf("calendar: horario %q no válido; use el formato \"09:00-18:00\"", s)
	}
	start, err := parseClock(strings.TrimSpace(a))
	if err != nil {
		return Span{}, fmt.Errorf("calendar: horario %q: %w", s, err)
	}
	end, err := parseClock(strings.TrimSpace(b))
	if err != nil {
		return Span{}, fmt.Errorf("calendar: horario %q: %w", s, err)
	}
	sp := Span{Start: start, End: end}
	if err := sp.check(); err != nil {
		return Span{}, err
	}
	return sp, nil
}

func (s Span) check() error {
	if s.Start < 0 || s.End > 24*time.Hour || s.Start%time.Minute != 0 || s.End%time.Minute != 0 {
		return fmt.Errorf("calendar: horario %s fuera del día; use horas de 00:00 a 24:00", s)
	}
	if s.End <= s.Start {
		return fmt.Errorf("calendar: el horario %s termina antes de empezar; un horario no cruza la medianoche (use \"22:00-24:00\" y \"00:00-02:00\" en dos días)", s)
	}
	return nil
}

func parseClock(s string) (time.Duration, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 {
		return 0, fmt.Errorf("hora %q no válida; use HH:MM", s)
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("hora %q no válida; use HH:MM entre 00:00 y 24:00", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// String formats the span as "09:00-18:00".
func (s Span) String() string {
	return formatClock(s.Start) + "-" + formatClock(s.End)
}

func formatClock(d time.Duration) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	return fmt.Sprintf("%s%02d:%02d", neg, int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// MarshalText formats the span as "09:00-18:00".
func (s Span) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses "09:00-18:00".
func (s *Span) UnmarshalText(b []byte) error {
	v, err := ParseSpan(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Date is a civil date, with no time zone: the calendar's zone gives it its instants.
// Its text form is "2012-12-20".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: fecha %q no válida; use AAAA-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String formats the date as "2012-12-20".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText formats the date as "2012-12-20".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses "2012-12-20".
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// In returns the instant the date starts in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// days is the number of days from 1970-01-01 to d.
func (d Date) days() int64 {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay
}

func (d Date) valid() bool {
	return d.Year >= MinYear && d.Year <= MaxYear && DateOf(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)) == d
}

func (d Date) after(o Date) bool { return d.days() > o.days() }

func (d Date) validate(key string, add func(key, format string, args ...any)) {
	switch {
	case d == (Date{}):
		add(key, "falta la fecha (AAAA-MM-DD)")
	case d.Year < MinYear || d.Year > MaxYear:
		add(key, "la fecha %s está fuera de los años %d a %d", d, MinYear, MaxYear)
	case !d.valid():
		add(key, "la fecha %s no existe", d)
	}
}

// Period is a range of dates, both ends included.
type Period struct {
	// Name describes the period for people ("Vacaciones de invierno"); optional.
	Name string `yaml:"name,omitempty"`
	From Date   `yaml:"from"`
	To   Date   `yaml:"to"`
}

// Contains reports whether d falls in the period.
func (p Period) Contains(d Date) bool {
	n := d.days()
	return n >= p.From.days() && n <= p.To.days()
}

func (p Period) validate(key string, add func(key, format string, args ...any)) {
	p.From.validate(key+".from", add)
	p.To.validate(key+".to", add)
	if !p.From.valid() || !p.To.valid() {
		return
	}
	if p.From.after(p.To) {
		add(key, "el periodo empieza (%s) después de terminar (%s)", p.From, p.To)
		return
	}
	if n := p.To.days() - p.From.days() + 1; n > MaxPeriodDays {
		add(key, "el periodo %s a %s dura %d días; el máximo es %d (¿un año mal escrito?)", p.From, p.To, n, MaxPeriodDays)
	}
}

// Reduced is a period of reduced attention with its own weekly hours, which replace
// the regular ones on the days it covers (holidays, vacations and closed days still
// close).
type Reduced struct {
	Period `yaml:",inline"`
	Hours  Hours `yaml:"hours"`
}
