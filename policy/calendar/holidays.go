package calendar

import (
	"slices"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
)

// The statutory rest days of the Ley Federal del Trabajo, art. 74, as rickar/cal
// holiday rules. rickar/cal v2.1.13, the module's latest release, has no Mexican
// package (the untagged upstream mx package moves weekend holidays to Friday or
// Monday, keeps 5 February and 21 March fixed and lacks the transmission of the
// Executive, none of which matches art. 74), so the rules are written here with the
// library's own calculators. Holidays are observed on their day: art. 74 has no
// weekend substitution.
var (
	// newYear is art. 74 fr. I: 1 January.
	newYear = aa.NewYear.Clone(&cal.Holiday{Name: "Año Nuevo", Type: cal.ObservancePublic})
	// constitutionFixed and constitution are art. 74 fr. II: 5 February until 2005;
	// the first Monday of February since the reform published on 17 January 2006.
	constitutionFixed = &cal.Holiday{
		Name: "Día de la Constitución", Type: cal.ObservancePublic, EndYear: 2005,
		Month: time.February, Day: 5, Func: cal.CalcDayOfMonth,
	}
	constitution = &cal.Holiday{
		Name: "Día de la Constitución", Type: cal.ObservancePublic, StartYear: 2006,
		Month: time.February, Weekday: time.Monday, Offset: 1, Func: cal.CalcWeekdayOffset,
	}
	// juarezFixed and juarez are art. 74 fr. III: 21 March until 2005; the third
	// Monday of March since 2006.
	juarezFixed = &cal.Holiday{
		Name: "Natalicio de Benito Juárez", Type: cal.ObservancePublic, EndYear: 2005,
		Month: time.March, Day: 21, Func: cal.CalcDayOfMonth,
	}
	juarez = &cal.Holiday{
		Name: "Natalicio de Benito Juárez", Type: cal.ObservancePublic, StartYear: 2006,
		Month: time.March, Weekday: time.Monday, Offset: 3, Func: cal.CalcWeekdayOffset,
	}
	// labour is art. 74 fr. IV: 1 May.
	labour = &cal.Holiday{
		Name: "Día del Trabajo", Type: cal.ObservancePublic,
		Month: time.May, Day: 1, Func: cal.CalcDayOfMonth,
	}
	// independence is art. 74 fr. V: 16 September.
	independence = &cal.Holiday{
		Name: "Día de la Independencia", Type: cal.ObservancePublic,
		Month: time.September, Day: 16, Func: cal.CalcDayOfMonth,
	}
	// revolutionFixed and revolution are art. 74 fr. VI: 20 November until 2005;
	// the third Monday of November since 2006.
	revolutionFixed = &cal.Holiday{
		Name: "Día de la Revolución", Type: cal.ObservancePublic, EndYear: 2005,
		Month: time.November, Day: 20, Func: cal.CalcDayOfMonth,
	}
	revolution = &cal.Holiday{
		Name: "Día de la Revolución", Type: cal.ObservancePublic, StartYear: 2006,
		Month: time.November, Weekday: time.Monday, Offset: 3, Func: cal.CalcWeekdayOffset,
	}
	// transmission is art. 74 fr. VII: the day the Federal Executive changes hands,
	// every six years: 1 December until 2018; 1 October since 2024, when the
	// presidential term starts on that day (Constitution art. 83, 2014 reform).
	transmission = &cal.Holiday{
		Name: "Transmisión del Poder Ejecutivo Federal", Type: cal.ObservancePublic,
		Func: calcTransmission,
	}
	// christmas is art. 74 fr. VIII: 25 December.
	christmas = aa.ChristmasDay.Clone(&cal.Holiday{Name: "Navidad", Type: cal.ObservancePublic})

	// mexicanHolidays are art. 74's fractions I to VIII. Fraction IX, the election
	// day set by the electoral laws, is left to closed_days: it always falls on a
	// Sunday, and it is the electoral institute's busiest day.
	mexicanHolidays = []*cal.Holiday{
		newYear, constitutionFixed, constitution, juarezFixed, juarez, labour,
		independence, revolutionFixed, revolution, transmission, christmas,
	}
)

func calcTransmission(_ *cal.Holiday, year int) time.Time {
	switch {
	case year%6 != 2: // 2000, 2006, 2012, 2018, 2024, 2030, …
		return time.Time{}
	case year <= 2018:
		return time.Date(year, time.December, 1, 0, 0, 0, 0, cal.DefaultLoc)
	default:
		return time.Date(year, time.October, 1, 0, 0, 0, 0, cal.DefaultLoc)
	}
}

// Holiday is one statutory rest day.
type Holiday struct {
	Date Date
	// Name is the day's name in Spanish ("Día de la Constitución").
	Name string
}

// MexicanHolidays returns the statutory rest days of year under the Ley Federal del
// Trabajo, art. 74, fractions I to VIII, in date order: 1 January; the first Monday
// of February; the third Monday of March; 1 May; 16 September; the third Monday of
// November; 1 October (1 December until 2018) every six years when the Federal
// Executive changes hands; 25 December. Before 2006 the February, March and November
// days fall on the 5th, 21st and 20th. Fraction IX (election day) is not included.
func MexicanHolidays(year int) []Holiday {
	var hs []Holiday
	for _, h := range mexicanHolidays {
		if actual, _ := h.Calc(year); !actual.IsZero() {
			hs = append(hs, Holiday{Date: DateOf(actual), Name: h.Name})
		}
	}
	slices.SortFunc(hs, func(a, b Holiday) int { return int(a.Date.days() - b.Date.days()) })
	return hs
}
