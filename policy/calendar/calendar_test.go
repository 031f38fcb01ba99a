package calendar

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func spans(ss ...string) []Span {
	out := []Span{}
	for _, s := range ss {
		out = append(out, must(ParseSpan(s)))
	}
	return out
}

func date(s string) Date { return must(ParseDate(s)) }

var (
	mexicoCity = must(time.LoadLocation("America/Mexico_City"))
	tijuana    = must(time.LoadLocation("America/Tijuana"))
	newYork    = must(time.LoadLocation("America/New_York"))
	tokyo      = must(time.LoadLocation("Asia/Tokyo"))
)

// at parses "2006-01-02 15:04" (optionally with ":05") in loc.
func at(loc *time.Location, s string) time.Time {
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t
		}
	}
	panic("bad time " + s)
}

// Named configurations the tables refer to.
var configs = map[string]Config{
	// The default: Mexico City, Monday to Friday 09:00–18:00, statutory holidays.
	"default": DefaultConfig(),
	"no holidays": {
		Hours: Hours{Weekdays: spans("09:00-18:00")}, Holidays: HolidaysNone,
	},
	"winter vacation": {
		Hours: Hours{Weekdays: spans("09:00-18:00")},
		Vacations: []Period{
			{Name: "Vacaciones de invierno", From: date("2012-12-20"), To: date("2013-01-05")},
		},
	},
	"semana santa": {
		Hours:      Hours{Weekdays: spans("09:00-18:00")},
		ClosedDays: []Date{date("2013-03-28"), date("2013-03-29")},
		Reduced: []Reduced{{
			Period: Period{Name: "Semana Santa", From: date("2013-03-25"), To: date("2013-03-31")},
			Hours:  Hours{Weekdays: spans("10:00-14:00")},
		}},
	},
	"split day": {
		Hours: Hours{Weekdays: spans("09:00-14:00", "16:00-19:00")},
	},
	"saturdays": {
		Hours: Hours{Weekdays: spans("09:00-18:00"), Saturday: spans("10:00-14:00")},
	},
	"own monday": {
		Hours: Hours{Weekdays: spans("09:00-18:00"), Monday: spans("11:00-15:00")},
	},
	"always": {
		Hours:    Hours{Weekdays: spans("00:00-24:00"), Saturday: spans("00:00-24:00"), Sunday: spans("00:00-24:00")},
		Holidays: HolidaysNone,
	},
	"tijuana always": {
		TimeZone: "America/Tijuana",
		Hours:    Hours{Weekdays: spans("00:00-24:00"), Saturday: spans("00:00-24:00"), Sunday: spans("00:00-24:00")},
		Holidays: HolidaysNone,
	},
	"tijuana office": {
		TimeZone: "America/Tijuana",
		Hours:    Hours{Weekdays: spans("09:00-18:00"), Saturday: spans("09:00-18:00"), Sunday: spans("09:00-18:00")},
		Holidays: HolidaysNone,
	},
	"tijuana night": {
		TimeZone: "America/Tijuana",
		Hours:    Hours{Sunday: spans("00:00-03:00", "20:00-24:00")},
		Holidays: HolidaysNone,
	},
	"new york": {
		TimeZone: "America/New_York",
		Hours:    Hours{Weekdays: spans("08:00-20:00"), Sunday: spans("00:00-24:00")},
		Holidays: HolidaysNone,
	},
}

func calendarFor(t testing.TB, name string) *Calendar {
	t.Helper()
	cfg, ok := configs[name]
	if !ok {
		t.Fatalf("no configuration %q", name)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%s): %v", name, err)
	}
	return c
}

func TestCalendar_BusinessDuration(t *testing.T) {
	t.Parallel()
	mx, tj, ny := mexicoCity, tijuana, newYork
	tests := []struct {
		name     string
		cfg      string
		from, to time.Time
		want     time.Duration
	}{
		// Weekdays and nights.
		{"inside one day", "default", at(mx, "2013-03-19 10:00"), at(mx, "2013-03-19 12:30"), 150 * time.Minute},
		{"whole day", "default", at(mx, "2013-03-19 00:00"), at(mx, "2013-03-20 00:00"), 9 * time.Hour},
		{"posted at night answered next morning", "default", at(mx, "2013-03-19 22:00"), at(mx, "2013-03-20 10:00"), time.Hour},
		{"posted before opening", "default", at(mx, "2013-03-20 06:00"), at(mx, "2013-03-20 09:30"), 30 * time.Minute},
		{"posted after midnight", "default", at(mx, "2013-03-20 00:30"), at(mx, "2013-03-20 18:30"), 9 * time.Hour},
		{"answered before opening", "default", at(mx, "2013-03-19 23:00"), at(mx, "2013-03-20 08:59"), 0},
		{"at the closing minute", "default", at(mx, "2013-03-19 17:59"), at(mx, "2013-03-19 18:00"), time.Minute},
		{"with seconds", "default", at(mx, "2013-03-19 17:59:30"), at(mx, "2013-03-20 09:00:15"), 45 * time.Second},
		{"with nanoseconds", "default", at(mx, "2013-03-19 10:00").Add(1), at(mx, "2013-03-19 10:00").Add(999), 998},
		{"a full week", "default", at(mx, "2013-04-08 09:00"), at(mx, "2013-04-15 09:00"), 45 * time.Hour},
		// Weekends.
		{"friday afternoon to monday", "default", at(mx, "2013-04-05 17:00"), at(mx, "2013-04-08 10:00"), 2 * time.Hour},
		{"posted on saturday", "default", at(mx, "2013-04-06 12:00"), at(mx, "2013-04-08 09:45"), 45 * time.Minute},
		{"posted and answered on sunday", "default", at(mx, "2013-04-07 10:00"), at(mx, "2013-04-07 20:00"), 0},
		{"saturday hours", "saturdays", at(mx, "2013-04-05 17:00"), at(mx, "2013-04-08 10:00"), 6 * time.Hour},
		{"own monday replaces weekdays", "own monday", at(mx, "2013-04-05 17:00"), at(mx, "2013-04-08 12:00"), 2 * time.Hour},
		{"split day across lunch", "split day", at(mx, "2013-04-09 13:00"), at(mx, "2013-04-09 17:00"), 2 * time.Hour},
		{"split day posted at lunch", "split day", at(mx, "2013-04-09 14:30"), at(mx, "2013-04-09 16:10"), 10 * time.Minute},
		// Statutory holidays (Ley Federal del Trabajo, art. 74).
		{"friday 18:00 before holiday monday answered tuesday 10:00", "default", at(mx, "2013-03-15 18:00"), at(mx, "2013-03-19 10:00"), time.Hour},
		{"same without holidays", "no holidays", at(mx, "2013-03-15 18:00"), at(mx, "2013-03-19 10:00"), 10 * time.Hour},
		{"revolution monday", "default", at(mx, "2012-11-16 18:00"), at(mx, "2012-11-20 10:00"), time.Hour},
		{"constitution monday", "default", at(mx, "2013-02-01 17:00"), at(mx, "2013-02-05 10:00"), 2 * time.Hour},
		{"constitution fixed before 2006", "default", at(mx, "2004-02-04 17:00"), at(mx, "2004-02-06 10:00"), 2 * time.Hour},
		{"juarez fixed before 2006", "default", at(mx, "2005-03-18 17:00"), at(mx, "2005-03-22 10:00"), 2 * time.Hour},
		{"labour day", "default", at(mx, "2013-04-30 17:00"), at(mx, "2013-05-02 10:00"), 2 * time.Hour},
		{"independence day", "default", at(mx, "2013-09-13 17:00"), at(mx, "2013-09-17 10:00"), 2 * time.Hour},
		{"christmas", "default", at(mx, "2013-12-24 17:00"), at(mx, "2013-12-26 10:00"), 2 * time.Hour},
		{"new year", "default", at(mx, "2013-12-31 17:00"), at(mx, "2014-01-02 10:00"), 2 * time.Hour},
		{"transmission on 1 october 2024", "default", at(mx, "2024-09-30 17:00"), at(mx, "2024-10-02 10:00"), 2 * time.Hour},
		{"no transmission in 2025", "default", at(mx, "2025-09-30 17:00"), at(mx, "2025-10-02 10:00"), 11 * time.Hour},
		{"transmission on 1 december 2006", "default", at(mx, "2006-11-30 17:00"), at(mx, "2006-12-04 10:00"), 2 * time.Hour},
		{"a working year", "default", at(mx, "2013-01-01 00:00"), at(mx, "2014-01-01 00:00"), 254 * 9 * time.Hour},
		// Vacations and closed days, across the new year.
		{"winter vacation across years", "winter vacation", at(mx, "2012-12-19 17:00"), at(mx, "2013-01-07 10:00"), 2 * time.Hour},
		{"posted during the vacation", "winter vacation", at(mx, "2012-12-24 11:00"), at(mx, "2013-01-07 09:30"), 30 * time.Minute},
		{"inside the vacation", "winter vacation", at(mx, "2012-12-21 09:00"), at(mx, "2013-01-04 18:00"), 0},
		{"vacation last day is closed", "winter vacation", at(mx, "2013-01-04 12:00"), at(mx, "2013-01-05 12:00"), 0},
		// Reduced windows.
		{"reduced hours", "semana santa", at(mx, "2013-03-25 09:00"), at(mx, "2013-03-27 18:00"), 12 * time.Hour},
		{"reduced then closed days", "semana santa", at(mx, "2013-03-27 13:00"), at(mx, "2013-04-01 10:00"), 2 * time.Hour},
		{"before the reduced window", "semana santa", at(mx, "2013-03-22 17:00"), at(mx, "2013-03-25 12:00"), 3 * time.Hour},
		// Instants in other zones.
		{"utc instants", "default", time.Date(2013, 3, 19, 15, 0, 0, 0, time.UTC), time.Date(2013, 3, 19, 17, 0, 0, 0, time.UTC), 2 * time.Hour},
		{"tokyo and utc instants", "default", time.Date(2013, 3, 20, 0, 0, 0, 0, tokyo), time.Date(2013, 3, 19, 16, 0, 0, 0, time.UTC), time.Hour},
		// Order.
		{"from after to", "default", at(mx, "2013-03-20 10:00"), at(mx, "2013-03-19 10:00"), 0},
		{"from equals to", "default", at(mx, "2013-03-20 10:00"), at(mx, "2013-03-20 10:00"), 0},
		// Mexico City: DST until 2022, none since.
		{"mexico city spring forward 2013", "always", at(mx, "2013-04-06 12:00"), at(mx, "2013-04-08 12:00"), 47 * time.Hour},
		{"mexico city fall back 2013", "always", at(mx, "2013-10-26 12:00"), at(mx, "2013-10-28 12:00"), 49 * time.Hour},
		{"mexico city first sunday of april 2023", "always", at(mx, "2023-04-01 12:00"), at(mx, "2023-04-03 12:00"), 48 * time.Hour},
		{"mexico city last sunday of october 2023", "always", at(mx, "2023-10-28 12:00"), at(mx, "2023-10-30 12:00"), 48 * time.Hour},
		{"office hours ignore the 2am change", "default", at(mx, "2013-04-05 17:00"), at(mx, "2013-04-08 10:00"), 2 * time.Hour},
		// Tijuana follows the United States' DST dates.
		{"tijuana spring forward day", "tijuana always", at(tj, "2013-03-10 00:00"), at(tj, "2013-03-11 00:00"), 23 * time.Hour},
		{"tijuana fall back day", "tijuana always", at(tj, "2013-11-03 00:00"), at(tj, "2013-11-04 00:00"), 25 * time.Hour},
		{"tijuana office across spring forward", "tijuana office", at(tj, "2013-03-09 12:00"), at(tj, "2013-03-11 12:00"), 6*time.Hour + 9*time.Hour + 3*time.Hour},
		{"tijuana office across fall back", "tijuana office", at(tj, "2013-11-02 12:00"), at(tj, "2013-11-04 12:00"), 18 * time.Hour},
		{"tijuana skipped hour", "tijuana night", at(tj, "2013-03-10 00:00"), at(tj, "2013-03-10 12:00"), 2 * time.Hour},
		{"tijuana repeated hour", "tijuana night", at(tj, "2013-11-03 00:00"), at(tj, "2013-11-03 12:00"), 4 * time.Hour},
		{"tijuana late span after spring forward", "tijuana night", at(tj, "2013-03-10 12:00"), at(tj, "2013-03-11 12:00"), 4 * time.Hour},
		{"new york spring forward", "new york", at(ny, "2024-03-08 19:00"), at(ny, "2024-03-11 09:00"), time.Hour + 23*time.Hour + time.Hour},
		{"new york fall back", "new york", at(ny, "2024-11-01 19:00"), at(ny, "2024-11-04 09:00"), time.Hour + 25*time.Hour + time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := calendarFor(t, tc.cfg)
			if got := c.BusinessDuration(tc.from, tc.to); got != tc.want {
				t.Errorf("BusinessDuration(%v, %v) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
			if tc.want > 0 {
				if got := c.Add(tc.from, tc.want); got.After(tc.to) || c.BusinessDuration(got, tc.to) != 0 {
					t.Errorf("Add(%v, %v) = %v, want the last open instant at or before %v", tc.from, tc.want, got, tc.to)
				}
			}
			if oracleCfg := configs[tc.cfg]; tc.to.Sub(tc.from) < 40*24*time.Hour && tc.from.Second() == 0 && tc.to.Second() == 0 && tc.from.Nanosecond() == 0 && tc.to.Nanosecond() == 0 {
				if want := oracleDuration(oracleCfg, c.Location(), tc.from, tc.to); want != tc.want {
					t.Errorf("the minute-by-minute oracle says %v; the table is wrong", want)
				}
			}
		})
	}
}

func TestCalendar_Add(t *testing.T) {
	t.Parallel()
	mx, tj := mexicoCity, tijuana
	tests := []struct {
		name string
		cfg  string
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"zero is from", "default", at(mx, "2013-04-06 12:00"), 0, at(mx, "2013-04-06 12:00")},
		{"negative is from", "default", at(mx, "2013-04-06 12:00"), -time.Hour, at(mx, "2013-04-06 12:00")},
		{"inside the day", "default", at(mx, "2013-04-09 10:00"), 3 * time.Hour, at(mx, "2013-04-09 13:00")},
		{"friday afternoon plus two hours", "default", at(mx, "2013-04-05 17:00"), 2 * time.Hour, at(mx, "2013-04-08 10:00")},
		{"night plus half an hour", "default", at(mx, "2013-04-09 22:00"), 30 * time.Minute, at(mx, "2013-04-10 09:30")},
		{"ends exactly at closing", "default", at(mx, "2013-04-09 09:00"), 9 * time.Hour, at(mx, "2013-04-09 18:00")},
		{"one nanosecond past closing", "default", at(mx, "2013-04-09 09:00"), 9*time.Hour + 1, at(mx, "2013-04-10 09:00").Add(1)},
		{"over a holiday monday", "default", at(mx, "2013-03-15 18:00"), time.Hour, at(mx, "2013-03-19 10:00")},
		{"at risk after four hours", "default", at(mx, "2013-03-15 16:00"), 4 * time.Hour, at(mx, "2013-03-19 11:00")},
		{"breached after eight hours", "default", at(mx, "2013-03-15 16:00"), 8 * time.Hour, at(mx, "2013-03-19 15:00")},
		{"over the winter vacation", "winter vacation", at(mx, "2012-12-19 17:00"), 2 * time.Hour, at(mx, "2013-01-07 10:00")},
		{"a business week", "default", at(mx, "2013-04-08 09:00"), 45 * time.Hour, at(mx, "2013-04-12 18:00")},
		{"a business year", "default", at(mx, "2013-01-01 00:00"), 254 * 9 * time.Hour, at(mx, "2013-12-31 18:00")},
		{"reduced hours", "semana santa", at(mx, "2013-03-25 13:00"), 2 * time.Hour, at(mx, "2013-03-26 11:00")},
		{"split day", "split day", at(mx, "2013-04-09 13:00"), 2 * time.Hour, at(mx, "2013-04-09 17:00")},
		{"utc start (CDT until 2022)", "default", time.Date(2013, 4, 9, 23, 0, 0, 0, time.UTC), time.Hour, at(mx, "2013-04-10 10:00")},
		{"tokyo start", "default", time.Date(2013, 4, 10, 9, 0, 0, 0, tokyo), 2 * time.Hour, at(mx, "2013-04-10 11:00")},
		{"utc start in 2023 (CST all year)", "default", time.Date(2023, 4, 11, 23, 0, 0, 0, time.UTC), time.Hour, at(mx, "2023-04-11 18:00")},
		{"tijuana across spring forward", "tijuana always", at(tj, "2013-03-09 12:00"), 24 * time.Hour, at(tj, "2013-03-10 13:00")},
		{"tijuana across fall back", "tijuana always", at(tj, "2013-11-02 12:00"), 24 * time.Hour, at(tj, "2013-11-03 11:00")},
		{"tijuana into the skipped hour", "tijuana night", at(tj, "2013-03-10 00:00"), 2 * time.Hour, at(tj, "2013-03-10 03:00")},
		{"tijuana through the repeated hour", "tijuana night", at(tj, "2013-11-03 00:00"), 150 * time.Minute, time.Date(2013, 11, 3, 1, 30, 0, 0, tj).Add(time.Hour)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := calendarFor(t, tc.cfg)
			got := c.Add(tc.from, tc.d)
			if !got.Equal(tc.want) {
				t.Errorf("Add(%v, %v) = %v, want %v", tc.from, tc.d, got, tc.want)
			}
			if tc.d > 0 {
				if bd := c.BusinessDuration(tc.from, got); bd != tc.d {
					t.Errorf("BusinessDuration(from, Add(from, %v)) = %v", tc.d, bd)
				}
			}
		})
	}
}

func TestCalendar_IsOpenNextOpen(t *testing.T) {
	t.Parallel()
	mx, tj := mexicoCity, tijuana
	tests := []struct {
		name string
		cfg  string
		t    time.Time
		open bool
		next time.Time
	}{
		{"opening minute", "default", at(mx, "2013-04-09 09:00"), true, at(mx, "2013-04-09 09:00")},
		{"closing minute", "default", at(mx, "2013-04-09 18:00"), false, at(mx, "2013-04-10 09:00")},
		{"just before closing", "default", at(mx, "2013-04-09 17:59:59"), true, at(mx, "2013-04-09 17:59:59")},
		{"early morning", "default", at(mx, "2013-04-09 03:00"), false, at(mx, "2013-04-09 09:00")},
		{"friday night", "default", at(mx, "2013-04-05 20:00"), false, at(mx, "2013-04-08 09:00")},
		{"holiday", "default", at(mx, "2013-03-18 12:00"), false, at(mx, "2013-03-19 09:00")},
		{"weekend before holiday", "default", at(mx, "2013-03-16 12:00"), false, at(mx, "2013-03-19 09:00")},
		{"lunch", "split day", at(mx, "2013-04-09 15:00"), false, at(mx, "2013-04-09 16:00")},
		{"vacation", "winter vacation", at(mx, "2012-12-20 10:00"), false, at(mx, "2013-01-07 09:00")},
		{"reduced window", "semana santa", at(mx, "2013-03-26 09:30"), false, at(mx, "2013-03-26 10:00")},
		{"reduced window afternoon", "semana santa", at(mx, "2013-03-27 15:00"), false, at(mx, "2013-04-01 09:00")},
		{"utc instant", "default", time.Date(2013, 4, 9, 13, 0, 0, 0, time.UTC), false, at(mx, "2013-04-09 09:00")},
		{"utc instant in 2023", "default", time.Date(2023, 4, 11, 14, 0, 0, 0, time.UTC), false, at(mx, "2023-04-11 09:00")},
		{"tijuana skipped hour", "tijuana night", at(tj, "2013-03-10 01:59"), true, at(tj, "2013-03-10 01:59")},
		{"tijuana after the skip", "tijuana night", at(tj, "2013-03-10 03:00"), false, at(tj, "2013-03-10 20:00")},
		{"tijuana repeated hour second time", "tijuana night", time.Date(2013, 11, 3, 1, 30, 0, 0, tj).Add(time.Hour), true, time.Date(2013, 11, 3, 1, 30, 0, 0, tj).Add(time.Hour)},
		{"tijuana next sunday", "tijuana night", at(tj, "2013-11-04 03:00"), false, at(tj, "2013-11-10 00:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := calendarFor(t, tc.cfg)
			if got := c.IsOpen(tc.t); got != tc.open {
				t.Errorf("IsOpen(%v) = %v, want %v", tc.t, got, tc.open)
			}
			if got := c.NextOpen(tc.t); !got.Equal(tc.next) {
				t.Errorf("NextOpen(%v) = %v, want %v", tc.t, got, tc.next)
			}
		})
	}
}

func TestCalendar_Closure(t *testing.T) {
	t.Parallel()
	mx := mexicoCity
	tests := []struct {
		cfg  string
		t    time.Time
		want string
	}{
		{"default", at(mx, "2013-03-18 12:00"), "Natalicio de Benito Juárez"},
		{"default", at(mx, "2013-03-19 12:00"), ""},
		{"default", at(mx, "2013-03-17 12:00"), ""}, // a Sunday, closed anyway
		{"winter vacation", at(mx, "2012-12-26 12:00"), "Vacaciones de invierno"},
		{"semana santa", at(mx, "2013-03-26 12:00"), "Semana Santa"},
		{"semana santa", at(mx, "2013-03-28 12:00"), "día inhábil"},
	}
	for _, tc := range tests {
		if got := calendarFor(t, tc.cfg).Closure(tc.t); got != tc.want {
			t.Errorf("%s: Closure(%v) = %q, want %q", tc.cfg, tc.t, got, tc.want)
		}
	}
}

func TestCalendar_Extremes(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"default", "always", "tijuana always"} {
		c := calendarFor(t, name)
		lo := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
		hi := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		if got := c.BusinessDuration(lo, hi); got <= 0 {
			t.Errorf("%s: BusinessDuration over all time = %v", name, got)
		}
		if got := c.Add(hi, time.Hour); got.Before(maxInstant.Add(-time.Hour)) {
			t.Errorf("%s: Add past the end = %v", name, got)
		}
		if got := c.Add(lo, 1<<62); got.IsZero() {
			t.Errorf("%s: Add(lo, huge) is zero", name)
		}
		if got := c.NextOpen(hi); got.IsZero() {
			t.Errorf("%s: NextOpen(hi) is zero", name)
		}
		_ = c.IsOpen(lo)
	}
}

// ---- properties against an oracle ------------------------------------------------

// oracleOpen decides from the configuration alone, with none of the Calendar's
// machinery, whether the calendar is open during the minute starting at t.
func oracleOpen(cfg Config, loc *time.Location, t time.Time) bool {
	w := t.In(loc)
	d := DateOf(w)
	if cfg.Holidays != HolidaysNone {
		for _, h := range MexicanHolidays(d.Year) {
			if h.Date == d {
				return false
			}
		}
	}
	for _, v := range cfg.Vacations {
		if v.Contains(d) {
			return false
		}
	}
	for _, c := range cfg.ClosedDays {
		if c == d {
			return false
		}
	}
	hours := cfg.Hours
	for _, r := range cfg.Reduced {
		if r.Contains(d) {
			hours = r.Hours
		}
	}
	clock := time.Duration(w.Hour())*time.Hour + time.Duration(w.Minute())*time.Minute
	for _, s := range hours.Day(w.Weekday()) {
		if clock >= s.Start && clock < s.End {
			return true
		}
	}
	return false
}

// oracleDuration counts open minutes in [from, to), both on whole minutes.
func oracleDuration(cfg Config, loc *time.Location, from, to time.Time) time.Duration {
	var d time.Duration
	for m := from; m.Before(to); m = m.Add(time.Minute) {
		if oracleOpen(cfg, loc, m) {
			d += time.Minute
		}
	}
	return d
}

// randomConfig draws a calendar configuration: random spans on random days, maybe
// holidays, vacations, closed days and a reduced window, in one of a few zones.
func randomConfig(r *rand.Rand) Config {
	zones := []string{"America/Mexico_City", "America/Tijuana", "America/New_York", "America/Cancun", "UTC"}
	daySpans := func() []Span {
		var out []Span
		pos := time.Duration(r.IntN(6)) * time.Hour
		for range r.IntN(3) {
			start := pos + time.Duration(r.IntN(8*60))*time.Minute
			end := start + time.Duration(1+r.IntN(10*60))*time.Minute
			if end > 24*time.Hour {
				end = 24 * time.Hour
			}
			if start >= end {
				break
			}
			out = append(out, Span{start, end})
			pos = end + time.Duration(r.IntN(120))*time.Minute
		}
		return out
	}
	cfg := Config{TimeZone: zones[r.IntN(len(zones))], Holidays: HolidaysNone}
	if r.IntN(4) == 0 {
		cfg.Hours.Weekdays = spans("00:00-24:00")
	} else {
		cfg.Hours.Weekdays = daySpans()
	}
	if r.IntN(3) == 0 {
		cfg.Hours.Saturday = daySpans()
	}
	if r.IntN(3) == 0 {
		cfg.Hours.Sunday = spans("00:00-03:00", "20:00-24:00")
	}
	if r.IntN(3) == 0 {
		cfg.Hours.Wednesday = daySpans()
	}
	if cfg.Hours.weekTotal() == 0 {
		cfg.Hours.Weekdays = spans("09:00-18:00")
	}
	if r.IntN(2) == 0 {
		cfg.Holidays = HolidaysMexico
	}
	base := time.Date(2012+r.IntN(3), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	for range r.IntN(3) {
		from := base.AddDate(0, 0, r.IntN(40))
		cfg.Vacations = append(cfg.Vacations, Period{From: DateOf(from), To: DateOf(from.AddDate(0, 0, r.IntN(15)))})
	}
	for range r.IntN(3) {
		cfg.ClosedDays = append(cfg.ClosedDays, DateOf(base.AddDate(0, 0, r.IntN(40))))
	}
	if r.IntN(2) == 0 {
		from := base.AddDate(0, 0, r.IntN(40))
		cfg.Reduced = []Reduced{{
			Period: Period{From: DateOf(from), To: DateOf(from.AddDate(0, 0, r.IntN(10)))},
			Hours:  Hours{Weekdays: daySpans(), Saturday: daySpans()},
		}}
	}
	return cfg
}

// randomInstant draws a whole minute near a DST change or the configuration's dates.
func randomInstant(r *rand.Rand, loc *time.Location, cfg Config) time.Time {
	var base time.Time
	switch r.IntN(3) {
	case 0: // around a spring-forward or fall-back weekend in the US and (until 2022) Mexico
		bases := []string{"2013-03-10", "2013-04-07", "2013-10-27", "2013-11-03", "2024-03-10", "2024-11-03", "2022-10-30"}
		base = at(loc, bases[r.IntN(len(bases))])
	case 1:
		if len(cfg.Vacations) > 0 {
			base = cfg.Vacations[0].From.In(loc)
		} else {
			base = at(loc, "2013-12-20")
		}
	default:
		base = at(loc, "2012-01-01").AddDate(0, 0, r.IntN(3*365))
	}
	return base.Add(time.Duration(r.IntN(8*24*60)-4*24*60) * time.Minute)
}

func TestCalendar_MatchesOracle(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	n := 150
	if testing.Short() {
		n = 30
	}
	for i := range n {
		cfg := randomConfig(r)
		c, err := New(cfg)
		if err != nil {
			t.Fatalf("config %d: %v\n%+v", i, err, cfg)
		}
		loc := c.Location()
		from := randomInstant(r, loc, cfg)
		to := from.Add(time.Duration(r.IntN(6*24*60)) * time.Minute)
		want := oracleDuration(cfg, loc, from, to)
		if got := c.BusinessDuration(from, to); got != want {
			t.Fatalf("config %d %+v:\nBusinessDuration(%v, %v) = %v, oracle %v", i, cfg, from, to, got, want)
		}
		for m := from; m.Before(to); m = m.Add(time.Duration(1+r.IntN(180)) * time.Minute) {
			if got, want := c.IsOpen(m), oracleOpen(cfg, loc, m); got != want {
				t.Fatalf("config %d %+v: IsOpen(%v) = %v, oracle %v", i, cfg, m, got, want)
			}
			next := c.NextOpen(m)
			if next.Before(m) || !oracleOpen(cfg, loc, next) || (next.After(m) && c.BusinessDuration(m, next) != 0) {
				t.Fatalf("config %d %+v: NextOpen(%v) = %v", i, cfg, m, next)
			}
			if next.After(m) && oracleOpen(cfg, loc, next.Add(-time.Minute)) {
				t.Fatalf("config %d %+v: NextOpen(%v) = %v, but the minute before is open", i, cfg, m, next)
			}
		}
	}
}

// checkProperties asserts what must hold for any calendar and instants a ≤ b ≤ c.
func checkProperties(t *testing.T, cal *Calendar, a, b, c time.Time) {
	t.Helper()
	ab, bc, ac := cal.BusinessDuration(a, b), cal.BusinessDuration(b, c), cal.BusinessDuration(a, c)
	if ab < 0 || bc < 0 || ab+bc != ac {
		t.Fatalf("additivity: BD(%v,%v)=%v + BD(%v,%v)=%v != BD(a,c)=%v", a, b, ab, b, c, bc, ac)
	}
	if ac > c.Sub(a) {
		t.Fatalf("BD(%v, %v) = %v exceeds the wall time %v", a, c, ac, c.Sub(a))
	}
	if got := cal.BusinessDuration(c, a); c.After(a) && got != 0 {
		t.Fatalf("BD(to, from) = %v, want 0", got)
	}
	land := cal.Add(a, ac)
	if land.After(c) || land.Before(a) {
		t.Fatalf("Add(%v, BD=%v) = %v, outside [from, to=%v]", a, ac, land, c)
	}
	if got := cal.BusinessDuration(a, land); got != ac {
		t.Fatalf("BD(from, Add(from, %v)) = %v", ac, got)
	}
	if got := cal.BusinessDuration(land, c); got != 0 {
		t.Fatalf("open time %v left between Add(from, BD) = %v and to = %v", got, land, c)
	}
	if land.Equal(lastInstant) || cal.NextOpen(land).Equal(lastInstant) {
		return // the end of the calendar's range
	}
	if next := cal.NextOpen(land); next.Before(land) || cal.BusinessDuration(land, next) != 0 || !cal.IsOpen(next) {
		t.Fatalf("NextOpen(%v) = %v", land, next)
	}
	if land.Before(c) && cal.NextOpen(land).Before(c) {
		t.Fatalf("Add(from, BD) = %v stops before to = %v although the calendar opens at %v in between", land, c, cal.NextOpen(land))
	}
	if ab > 0 {
		mid := cal.Add(a, ab)
		if got := cal.Add(mid, bc); !got.Equal(cal.Add(a, ac)) && bc > 0 {
			t.Fatalf("Add(Add(a, %v), %v) = %v, Add(a, %v) = %v", ab, bc, got, ac, cal.Add(a, ac))
		}
	}
	if cal.Clock(a) > cal.Clock(b) || cal.Clock(b) > cal.Clock(c) {
		t.Fatalf("Clock decreases over %v, %v, %v", a, b, c)
	}
}

func TestCalendar_Properties(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	n := 300
	if testing.Short() {
		n = 60
	}
	for i := range n {
		cfg := randomConfig(r)
		c := must(New(cfg))
		loc := c.Location()
		a := randomInstant(r, loc, cfg).Add(time.Duration(r.Int64N(int64(time.Minute))))
		b := a.Add(time.Duration(r.Int64N(int64(20 * 24 * time.Hour))))
		d := b.Add(time.Duration(r.Int64N(int64(20 * 24 * time.Hour))))
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkProperties(t, c, a, b, d) })
	}
}

func FuzzCalendar(f *testing.F) {
	f.Add(int64(1363392000), int64(3600*80), int64(3600*10), uint8(0), uint16(540), uint16(1080))
	f.Add(int64(1362873600), int64(3600*23), int64(60), uint8(1), uint16(0), uint16(1440))
	f.Add(int64(1383436800), int64(3600*25), int64(1), uint8(2), uint16(60), uint16(180))
	f.Add(int64(-1<<40), int64(1<<50), int64(1<<40), uint8(3), uint16(0), uint16(1))
	zones := []string{"America/Mexico_City", "America/Tijuana", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"}
	cals := map[[3]int]*Calendar{}
	f.Fuzz(func(t *testing.T, from, ab, bc int64, zone uint8, start, end uint16) {
		s, e := time.Duration(start%1441)*time.Minute, time.Duration(end%1441)*time.Minute
		if s >= e {
			s, e = e, s+time.Minute
			if e > 24*time.Hour {
				s, e = 0, 24*time.Hour
			}
		}
		key := [3]int{int(zone) % len(zones), int(s), int(e)}
		c := cals[key]
		if c == nil {
			c = must(New(Config{
				TimeZone: zones[key[0]], Holidays: HolidaysMexico,
				Hours:     Hours{Weekdays: []Span{{s, e}}, Sunday: []Span{{s, e}}},
				Vacations: []Period{{From: date("2013-12-20"), To: date("2014-01-05")}},
			}))
			cals[key] = c
		}
		a := time.Unix(from%(1<<36), 0)
		b := a.Add(time.Duration(abs(ab)%(1<<32)) * time.Second)
		d := b.Add(time.Duration(abs(bc)%(1<<32)) * time.Second)
		a, b, d = clamp(a), clamp(b), clamp(d)
		checkProperties(t, c, a, b, d)
	})
}

func abs(x int64) int64 {
	if x < 0 {
		if x == -x {
			return 0
		}
		return -x
	}
	return x
}

// ---- benchmarks ------------------------------------------------------------------

func benchInstants(c *Calendar, n int) []time.Time {
	r := rand.New(rand.NewPCG(5, 6))
	ts := make([]time.Time, n)
	base := at(c.Location(), "2013-01-01")
	for i := range ts {
		ts[i] = base.Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
	}
	return ts
}

func BenchmarkCalendar(b *testing.B) {
	for _, name := range []string{"default", "tijuana office"} {
		c := calendarFor(b, name)
		ts := benchInstants(c, 4096)
		b.Run(name+"/Clock", func(b *testing.B) {
			var sink time.Duration
			for i := 0; b.Loop(); i++ {
				sink += c.Clock(ts[i%len(ts)])
			}
			_ = sink
		})
		b.Run(name+"/BusinessDuration", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				from := ts[i%len(ts)]
				c.BusinessDuration(from, from.Add(50*time.Hour))
			}
		})
		b.Run(name+"/BusinessDuration_year", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				from := ts[i%len(ts)]
				c.BusinessDuration(from, from.Add(365*24*time.Hour))
			}
		})
		b.Run(name+"/Add_8h", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				c.Add(ts[i%len(ts)], 8*time.Hour)
			}
		})
		b.Run(name+"/Add_year", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				c.Add(ts[i%len(ts)], 2000*time.Hour)
			}
		})
		b.Run(name+"/IsOpen", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				c.IsOpen(ts[i%len(ts)])
			}
		})
		b.Run(name+"/NextOpen", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				c.NextOpen(ts[i%len(ts)])
			}
		})
	}
	b.Run("New", func(b *testing.B) {
		for b.Loop() {
			_ = must(New(configs["semana santa"]))
		}
	})
}

func TestNew_SharesEqualConfigurations(t *testing.T) {
	t.Parallel()
	a, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(DefaultConfig()) // equal, with slices of its own
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("two equal configurations got two calendars, want one shared")
	}
	cfg := DefaultConfig()
	cfg.ClosedDays = []Date{{2026, time.March, 3}}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c == a {
		t.Fatal("a configuration with a closed day got the default calendar")
	}
	day := time.Date(2026, time.March, 3, 12, 0, 0, 0, c.Location())
	if !a.IsOpen(day) || c.IsOpen(day) {
		t.Errorf("on the closed day: default open %v (want true), with the closed day open %v (want false)", a.IsOpen(day), c.IsOpen(day))
	}
	bad := DefaultConfig()
	bad.TimeZone = "Marte/Olympus"
	for range 2 {
		if _, err := New(bad); err == nil {
			t.Error("an invalid configuration was accepted")
		}
	}
}
